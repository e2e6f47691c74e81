"""Metrics: typed methods, labels, registries of their own, the text format."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from bot.observability.metrics import LATENCY_BUCKETS, Metrics, SendFigures, classify_update
from tests.observability.conftest import samples


def test_counters_and_gauge_render_with_their_labels() -> None:
    m = Metrics()
    m.update_handled("message")
    m.update_handled("message")
    m.update_handled("callback")
    m.alarm("emergency")
    m.reminder("sent")
    m.reminder("failed")
    m.broadcast("blocked")
    m.broadcast_queued(42)
    m.telegram_error("RetryAfter")
    m.telegram_error(TimeoutError("slow"))
    got = samples(m)
    assert got[("bot_updates_handled_total", (("kind", "message"),))] == 2
    assert got[("bot_updates_handled_total", (("kind", "callback"),))] == 1
    assert got[("bot_alarms_total", (("level", "emergency"),))] == 1
    assert got[("bot_reminders_total", (("status", "sent"),))] == 1
    assert got[("bot_reminders_total", (("status", "failed"),))] == 1
    assert got[("bot_broadcast_messages_total", (("status", "blocked"),))] == 1
    assert got[("bot_broadcast_queued", ())] == 42
    assert got[("bot_telegram_errors_total", (("type", "RetryAfter"),))] == 1
    assert got[("bot_telegram_errors_total", (("type", "TimeoutError"),))] == 1


def test_fixed_label_values_exist_at_zero_before_the_first_event() -> None:
    got = samples(Metrics())
    for kind in ("message", "edited", "callback", "command", "other"):
        assert got[("bot_updates_handled_total", (("kind", kind),))] == 0
    for status in ("sent", "skipped", "failed"):
        assert got[("bot_reminders_total", (("status", status),))] == 0
    for status in ("sent", "failed", "blocked"):
        assert got[("bot_broadcast_messages_total", (("status", status),))] == 0


def test_latency_histogram_has_fine_buckets_from_half_a_millisecond_to_five_seconds() -> None:
    m = Metrics()
    m.observe_latency(0.0003)
    m.observe_latency(0.02)
    with m.time_handler():
        pass
    got = samples(m)
    assert LATENCY_BUCKETS[0] == 0.0005 and LATENCY_BUCKETS[-1] == 5.0 and len(LATENCY_BUCKETS) >= 12
    assert got[("bot_handler_latency_seconds_count", ())] == 3
    assert got[("bot_handler_latency_seconds_bucket", (("le", "0.0005"),))] >= 1
    assert got[("bot_handler_latency_seconds_bucket", (("le", "+Inf"),))] == 3


def test_every_instance_has_its_own_registry() -> None:
    a, b = Metrics(), Metrics()
    a.alarm("urgent")
    assert ("bot_alarms_total", (("level", "urgent"),)) in samples(a)
    assert ("bot_alarms_total", (("level", "urgent"),)) not in samples(b)


@pytest.mark.parametrize("value", ["612345678", "-100123456", "ik heb koorts", "Jan de Vries", "x" * 200, ""])
def test_chat_ids_and_texts_never_become_labels(value: str, caplog: pytest.LogCaptureFixture) -> None:
    m = Metrics()
    with caplog.at_level(logging.WARNING):
        m.update_handled(value)
        m.alarm(value)
        m.reminder(value)
        m.broadcast(value)
        m.telegram_error(value)
    text = m.render().decode()
    if value:
        assert value not in text
        assert not any(value in r.getMessage() for r in caplog.records)
    assert len(caplog.records) == 3  # the fixed-set methods warn about the unknown value
    assert samples(m)[("bot_alarms_total", (("level", "other"),))] == 1
    assert samples(m)[("bot_telegram_errors_total", (("type", "other"),))] == 1
    assert samples(m)[("bot_updates_handled_total", (("kind", "other"),))] == 1


def test_negative_values_are_clamped() -> None:
    m = Metrics()
    m.broadcast_queued(-3)
    m.observe_latency(-1.0)
    assert samples(m)[("bot_broadcast_queued", ())] == 0


@pytest.mark.parametrize(
    ("update", "kind"),
    [
        (SimpleNamespace(callback_query=object(), message=None, edited_message=None), "callback"),
        (SimpleNamespace(callback_query=None, edited_message=object(), message=None), "edited"),
        (SimpleNamespace(message=SimpleNamespace(text="/start abc")), "command"),
        (SimpleNamespace(message=SimpleNamespace(text="koorts")), "message"),
        (SimpleNamespace(message=SimpleNamespace(text=None)), "message"),
        (SimpleNamespace(my_chat_member=object()), "other"),
        (object(), "other"),
    ],
)
def test_classify_update(update: object, kind: str) -> None:
    assert classify_update(update) == kind


def test_the_send_pacer_figures_are_read_at_each_scrape() -> None:
    figures = [SendFigures()]
    m = Metrics()
    m.watch_sending(lambda: figures[0])
    figures[0] = SendFigures(
        queued={"alarm": 3, "reply": 1, "reminder": 0, "broadcast": 8},
        oldest_alarm_wait=4.5,
        sent={"alarm": 10, "reply": 20, "reminder": 0, "broadcast": 100},
        dropped={"alarm": 0, "reply": 2, "reminder": 0, "broadcast": 1},
        http_429=7,
        rate=27.0,
    )
    got = samples(m)
    assert got[("bot_send_queue", (("priority", "alarm"),))] == 3
    assert got[("bot_send_queue", (("priority", "broadcast"),))] == 8
    assert got[("bot_send_oldest_alarm_wait_seconds", ())] == 4.5
    assert got[("bot_sends_total", (("priority", "reply"),))] == 20
    assert got[("bot_send_dropped_total", (("priority", "reply"),))] == 2
    assert got[("bot_telegram_429_total", ())] == 7
    assert got[("bot_send_rate_per_second", ())] == 27
