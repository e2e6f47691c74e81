"""Prometheus metrics of one bot instance, in a registry of its own.

Each `Metrics` owns a `CollectorRegistry` instead of using prometheus_client's global one, so tests
(and several applications in one process) can create as many as they like without
"Duplicated timeseries" errors.

Label values are restricted on purpose: a label is a fixed word from a small set or a short
identifier (an exception class name, a triage level). Anything else becomes "other", so a chat id or
a message text can never become a label — which would both leak personal data into the monitoring
system and explode its number of time series.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

# `generate_latest` writes the classic text format (names escaped with underscores), which every
# Prometheus version reads; newer prometheus_client versions announce it as "version=1.0.0", which
# adds nothing for our names, so the content type is fixed here rather than taken from the library.
CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"
"""The Content-Type of `Metrics.render()` (Prometheus text format 0.0.4)."""

UPDATE_KINDS: Final = frozenset({"message", "edited", "callback", "command", "other"})
REMINDER_STATUSES: Final = frozenset({"sent", "skipped", "failed"})
BROADCAST_STATUSES: Final = frozenset({"sent", "failed", "blocked"})
OTHER: Final = "other"

# Handler latency: fine steps where a chat bot lives (a few ms for a menu, up to seconds when
# Telegram or the database is slow); 0.5 ms to 5 s.
LATENCY_BUCKETS: Final = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.25,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
)

# A free-form label (triage level, exception class name) must look like an identifier: it cannot
# start with a digit (no chat ids) nor contain spaces (no texts), and it is short.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,63}")


@dataclass(frozen=True)
class SendFigures:
    """What the send pacer (bot.outbox.pacer) reports; counts are since the process started.

    Keys of the dicts are the priorities: "alarm", "reply", "reminder", "broadcast".
    """

    queued: dict[str, int] = field(default_factory=dict)  # messages waiting for their turn
    oldest_alarm_wait: float = 0.0  # seconds the oldest waiting alarm reply has waited (0: none waits)
    sent: dict[str, int] = field(default_factory=dict)  # turns granted
    dropped: dict[str, int] = field(default_factory=dict)  # given up after waiting too long
    http_429: int = 0  # answers "429 Too Many Requests" from Telegram
    rate: float = 0.0  # messages per second this instance may send now (its share of the bot's budget)


class _SendCollector(Collector):
    """Reads the pacer's figures at each scrape (no bookkeeping on the send path)."""

    def __init__(self, figures: Callable[[], SendFigures], namespace: str) -> None:
        self._figures = figures
        self._ns = namespace

    def collect(self) -> Iterator[Metric]:
        f = self._figures()
        ns = self._ns
        queued = GaugeMetricFamily(
            f"{ns}_send_queue", "Messages waiting for their turn to send, by priority", labels=["priority"]
        )
        sent = CounterMetricFamily(f"{ns}_sends", "Messages given their turn to send, by priority", labels=["priority"])
        dropped = CounterMetricFamily(
            f"{ns}_send_dropped", "Messages not sent after waiting too long, by priority", labels=["priority"]
        )
        for priority, n in f.queued.items():
            queued.add_metric([priority], n)
        for priority, n in f.sent.items():
            sent.add_metric([priority], n)
        for priority, n in f.dropped.items():
            dropped.add_metric([priority], n)
        yield queued
        yield sent
        yield dropped
        yield GaugeMetricFamily(
            f"{ns}_send_oldest_alarm_wait_seconds",
            "How long the oldest waiting alarm reply has waited",
            value=f.oldest_alarm_wait,
        )
        yield CounterMetricFamily(f"{ns}_telegram_429", "Answers 429 Too Many Requests from Telegram", value=f.http_429)
        yield GaugeMetricFamily(
            f"{ns}_send_rate_per_second", "Messages per second this instance may send now", value=f.rate
        )


def _fixed(value: str, allowed: frozenset[str], what: str) -> str:
    if value in allowed:
        return value
    # A metrics call must never break the handler that makes it; the typo shows up in the logs,
    # without the value itself (it might be exactly what must not be logged).
    log.warning("unknown %s label (%d characters) counted as %r", what, len(value), OTHER)
    return OTHER


def _identifier(value: str) -> str:
    return value if _IDENTIFIER.fullmatch(value) else OTHER


class Metrics:
    """All counters, gauges and histograms of the bot; `render()` gives the Prometheus text."""

    def __init__(self, namespace: str = "bot") -> None:
        self.namespace = namespace
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._updates = Counter(
            "updates_handled", "Telegram updates handled, by kind", ["kind"], namespace=namespace, registry=r
        )
        self._alarms = Counter(
            "alarms", "Alarm (triage) replies given, by level", ["level"], namespace=namespace, registry=r
        )
        self._reminders = Counter(
            "reminders", "Appointment reminders, by outcome", ["status"], namespace=namespace, registry=r
        )
        self._broadcast = Counter(
            "broadcast_messages", "Broadcast messages, by outcome", ["status"], namespace=namespace, registry=r
        )
        self._broadcast_queued = Gauge(
            "broadcast_queued", "Broadcast messages waiting to be sent", namespace=namespace, registry=r
        )
        self._team_waiting = Gauge(
            "team_questions_waiting",
            "Questions to the team not answered yet (the same figure on every instance: it is the database's)",
            namespace=namespace,
            registry=r,
        )
        self._team_oldest = Gauge(
            "team_question_oldest_age_seconds",
            "How long the oldest unanswered question to the team has waited (0 when none waits)",
            namespace=namespace,
            registry=r,
        )
        self._telegram_errors = Counter(
            "telegram_errors",
            "Errors from the Telegram Bot API, by exception type",
            ["type"],
            namespace=namespace,
            registry=r,
        )
        self._latency = Histogram(
            "handler_latency_seconds",
            "Time to handle one update",
            namespace=namespace,
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        # Every fixed label value exists from the start, at 0, so dashboards and rate() work before
        # the first event (a counter that appears later loses its first increment in rate()).
        for kind in UPDATE_KINDS:
            self._updates.labels(kind=kind)
        for status in REMINDER_STATUSES:
            self._reminders.labels(status=status)
        for status in BROADCAST_STATUSES:
            self._broadcast.labels(status=status)

    def update_handled(self, kind: str) -> None:
        """Count one update: "message", "edited", "callback", "command" or "other"."""
        self._updates.labels(kind=_fixed(kind, UPDATE_KINDS, "update kind")).inc()

    def alarm(self, level: str) -> None:
        """Count one alarm reply at triage `level` (its label, e.g. "urgent", "seh", "emergency")."""
        self._alarms.labels(level=_identifier(level.lower())).inc()

    def reminder(self, status: str) -> None:
        """Count one reminder: "sent", "skipped" or "failed"."""
        self._reminders.labels(status=_fixed(status, REMINDER_STATUSES, "reminder status")).inc()

    def broadcast(self, status: str) -> None:
        """Count one broadcast message: "sent", "failed" or "blocked" (the patient blocked the bot)."""
        self._broadcast.labels(status=_fixed(status, BROADCAST_STATUSES, "broadcast status")).inc()

    def broadcast_queued(self, n: int) -> None:
        """Set the number of broadcast messages still waiting to be sent."""
        self._broadcast_queued.set(max(0, n))

    def team_questions(self, waiting: int, oldest_age_seconds: float) -> None:
        """Set the number of unanswered questions to the team and the age of the oldest."""
        self._team_waiting.set(max(0, waiting))
        self._team_oldest.set(max(0.0, oldest_age_seconds))

    def telegram_error(self, type_name: str | BaseException) -> None:
        """Count one Bot API error by its class name (pass the name or the exception itself)."""
        name = type(type_name).__name__ if isinstance(type_name, BaseException) else type_name
        self._telegram_errors.labels(type=_identifier(name)).inc()

    def watch_sending(self, figures: Callable[[], SendFigures]) -> None:
        """Report the send pacer's queues, waits, 429s and drops (read at each scrape)."""
        self.registry.register(_SendCollector(figures, self.namespace))

    def observe_latency(self, seconds: float) -> None:
        """Record how long handling one update took."""
        self._latency.observe(max(0.0, seconds))

    @contextmanager
    def time_handler(self) -> Iterator[None]:
        """Measure the enclosed block with `observe_latency` (also when it raises)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.observe_latency(time.perf_counter() - start)

    def render(self) -> bytes:
        """All metrics in the Prometheus text exposition format (see `CONTENT_TYPE`)."""
        return generate_latest(self.registry)


def classify_update(update: object) -> str:
    """The `kind` label of a python-telegram-bot `Update`, found by duck typing (no telegram import)."""
    if getattr(update, "callback_query", None) is not None:
        return "callback"
    if getattr(update, "edited_message", None) is not None:
        return "edited"
    message = getattr(update, "message", None)
    if message is not None:
        text = getattr(message, "text", None)
        return "command" if isinstance(text, str) and text.startswith("/") else "message"
    return OTHER
