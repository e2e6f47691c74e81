"""BroadcastSender: every recipient once, 403, 429, crash and restart, quiet hours, pauses, the end report."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

import pytest

from bot.clock import AMSTERDAM, ManualClock
from bot.outbox.pacer import UNPACED, Pacer
from bot.reminders.rules import QuietHours
from bot.sending import Blocked, Rejected, RetryLater, Transient
from bot.storage import Storage

from .conftest import FakeTelegram, VirtualTime, make_sender, subscribers


def _broadcast(storage: Storage, clock: ManualClock, text: str = "Nieuws", urgent: bool = False) -> int:
    return storage.staff.create_broadcast(
        now=clock.now(), created_by=99, kind="text", audience="all", text=text, urgent=urgent, report_chat_id=99
    ).id


async def test_every_recipient_once_and_the_report(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    subscribers(storage, clock, range(1, 101))
    reports: list[Any] = []
    sender = make_sender(storage, telegram, clock, vtime, rate=25, reports=reports)
    bid = _broadcast(storage, clock)
    report = await sender.run_pending()
    assert sorted(telegram.chats()) == list(range(1, 101))
    assert report.sent == 100
    [summary] = reports
    assert (summary.broadcast.id, summary.sent, summary.failed, summary.blocked) == (bid, 100, 0, 0)


async def test_blocked_recipient_is_marked_inactive(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    subscribers(storage, clock, [1, 2, 3])
    telegram.errors[2] = [Blocked("Forbidden: bot was blocked by the user")]
    telegram.errors[3] = [Rejected("Bad Request")]
    reports: list[Any] = []
    _broadcast(storage, clock)
    await make_sender(storage, telegram, clock, vtime, reports=reports).run_pending()
    assert telegram.chats() == [1]
    patient = storage.get_patient(2)
    assert patient is not None and not patient.active
    assert (reports[0].sent, reports[0].blocked, reports[0].failed) == (1, 1, 1)
    assert storage.staff.count_audience("all", clock.now()) == 2  # the blocked chat is no subscriber any more


async def test_a_row_not_sent_for_a_429_is_retried_after_the_wait(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    subscribers(storage, clock, range(1, 11))
    telegram.errors[3] = [RetryLater(7)]
    sender = make_sender(storage, telegram, clock, vtime, rate=25, concurrency=1)
    _broadcast(storage, clock)
    first = await sender.run_pending()
    assert first.retry == 1 and 3 not in telegram.chats()
    assert await sender.seconds_until_work() <= 7
    await vtime.sleep(7)
    second = await sender.run_pending()
    assert second.sent == 1 and len(second.finished) == 1
    assert Counter(telegram.chats()) == Counter(range(1, 11))


async def test_transient_errors_retry_with_backoff(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    subscribers(storage, clock, [1])
    telegram.errors[1] = [Transient("timeout")]
    sender = make_sender(storage, telegram, clock, vtime)
    _broadcast(storage, clock)
    assert (await sender.run_pending()).retry == 1
    await vtime.sleep(30)
    assert (await sender.run_pending()).sent == 1


async def test_cancelled_sender_resumes_without_loss_or_duplicate(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    subscribers(storage, clock, range(1, 201))
    _broadcast(storage, clock)
    first = make_sender(storage, telegram, clock, vtime, instance_id="outbox-a")
    halfway = asyncio.Event()
    telegram.on_send = lambda n: halfway.set() if n == 80 else None
    task = asyncio.create_task(first.run(asyncio.Event()))
    await halfway.wait()
    task.cancel()  # killed mid-broadcast: in-flight messages finish, unsent claims go back
    with pytest.raises(asyncio.CancelledError):
        await task
    assert 80 <= len(telegram.sent) < 200
    second = make_sender(storage, telegram, clock, vtime, instance_id="outbox-b")
    await second.run_pending()
    assert Counter(telegram.chats()) == Counter(range(1, 201))


async def test_hard_crash_resends_only_the_unsent_rows_after_the_lease(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    subscribers(storage, clock, range(1, 21))
    _broadcast(storage, clock)
    # A sender that died hard: it claimed 10 rows and recorded 4 as sent before the process vanished.
    dead = storage.outbox.claim(clock.now(), "outbox-dead", timedelta(minutes=2), limit=10)
    for row in dead[:4]:
        telegram.sent.append((0.0, row.chat_id, "sent before the crash"))
        storage.outbox.finish(row.id, "outbox-dead", "sent", clock.now())
    survivor = make_sender(storage, telegram, clock, vtime, instance_id="outbox-new", lease=timedelta(minutes=2))
    await survivor.run_pending()
    assert len(telegram.sent) == 14  # the 6 claimed-but-unsent rows wait for the lease
    clock.advance(timedelta(minutes=2))
    report = await survivor.run_pending()
    assert report.sent == 6 and len(report.finished) == 1
    assert Counter(telegram.chats()) == Counter(range(1, 21))


async def test_restart_with_the_same_instance_id_takes_its_claims_back_at_once(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    subscribers(storage, clock, range(1, 6))
    _broadcast(storage, clock)
    storage.outbox.claim(clock.now(), "outbox-host", timedelta(minutes=2), limit=5)
    sender = make_sender(storage, telegram, clock, vtime, instance_id="outbox-host", poll=0.01)
    stop = asyncio.Event()
    telegram.on_send = lambda n: stop.set() if n == 5 else None
    await asyncio.wait_for(sender.run(stop), 5)
    assert sorted(telegram.chats()) == [1, 2, 3, 4, 5]


async def test_a_claim_still_running_when_the_sender_is_cancelled_does_not_strand_its_rows(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The claim statement was still running in the storage thread when the sender was cancelled: it
    # completes unseen. Its rows must go back at once, not wait out the lease (the clock never moves here).
    subscribers(storage, clock, range(1, 11))
    _broadcast(storage, clock)
    started, release, returned = threading.Event(), threading.Event(), threading.Event()
    claim, give_back = storage.outbox.claim, storage.outbox.release

    def slow_claim(*args: Any, **kwargs: Any) -> Any:
        if not started.is_set():
            started.set()
            release.wait(5)
        return claim(*args, **kwargs)

    given_back: list[object] = []

    def counted_give_back(*args: Any, **kwargs: Any) -> Any:
        try:
            return give_back(*args, **kwargs)
        finally:
            given_back.append(args)
            if len(given_back) == 2:  # both rows of the claim (batch_size=2), not just the first
                returned.set()

    monkeypatch.setattr(storage.outbox, "claim", slow_claim)
    monkeypatch.setattr(storage.outbox, "release", counted_give_back)
    first = make_sender(storage, telegram, clock, vtime, instance_id="outbox-a", batch_size=2)
    task = asyncio.create_task(first.run(asyncio.Event()))
    assert await asyncio.to_thread(started.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()  # the claim completes unseen; the storage thread gives its rows back
    assert await asyncio.to_thread(returned.wait, 5)
    second = make_sender(storage, telegram, clock, vtime, instance_id="outbox-b", batch_size=2)
    await second.run_pending()
    assert Counter(telegram.chats()) == Counter(range(1, 11))


async def test_quiet_hours_hold_normal_broadcasts_but_not_urgent_ones(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    clock.set(datetime(2026, 12, 1, 22, 30, tzinfo=AMSTERDAM))
    subscribers(storage, clock, [1, 2])
    sender = make_sender(storage, telegram, clock, vtime, quiet=QuietHours(time(21, 0), time(8, 0)))
    _broadcast(storage, clock, "gewoon")
    _broadcast(storage, clock, "dringend", urgent=True)
    await sender.run_pending()
    assert {html for _, _, html in telegram.sent} == {"[nl] dringend"}
    assert await sender.seconds_until_work() == pytest.approx(sender.poll)
    assert sender.quiet_ends(clock.now()) == datetime(2026, 12, 2, 8, 0, tzinfo=AMSTERDAM)
    await vtime.sleep((datetime(2026, 12, 2, 8, 0, tzinfo=AMSTERDAM) - clock.now()).total_seconds())
    await sender.run_pending()
    assert Counter(html for _, _, html in telegram.sent) == {"[nl] dringend": 2, "[nl] gewoon": 2}


def test_quiet_hours_may_be_read_anew_each_time(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    clock.set(datetime(2026, 12, 1, 22, 30, tzinfo=AMSTERDAM))
    current: list[QuietHours | None] = [QuietHours(time(21, 0), time(8, 0))]
    sender = make_sender(storage, telegram, clock, vtime, quiet=lambda: current[0])
    assert sender.in_quiet_hours(clock.now())
    current[0] = QuietHours(time(23, 0), time(7, 0))  # a reload moved them
    assert not sender.in_quiet_hours(clock.now())
    current[0] = None
    assert sender.quiet_ends(clock.now()) is None


async def test_claimed_rows_go_back_while_the_pacer_waits_out_a_long_429(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    subscribers(storage, clock, [1, 2, 3])
    pacer = Pacer(UNPACED, monotonic=vtime.monotonic, sleep=vtime.sleep)
    pacer.flood(90)  # longer than half the lease (2 min): the rows must not sit claimed meanwhile
    sender = make_sender(storage, telegram, clock, vtime, pacer=pacer)
    _broadcast(storage, clock)
    await sender.run_pending()
    assert telegram.sent == []
    assert await sender.seconds_until_work() == pytest.approx(sender.poll)  # nothing due before the pause ends
    await vtime.sleep(90)
    await sender.run_pending()
    assert sorted(telegram.chats()) == [1, 2, 3]


async def test_opted_out_after_confirmation_is_skipped(
    storage: Storage, telegram: FakeTelegram, clock: ManualClock, vtime: VirtualTime
) -> None:
    subscribers(storage, clock, [1, 2])
    _broadcast(storage, clock)
    storage.set_broadcasts_enabled(2, False)
    report = await make_sender(storage, telegram, clock, vtime).run_pending()
    assert telegram.chats() == [1] and report.skipped == 1
