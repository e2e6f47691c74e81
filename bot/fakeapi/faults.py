"""Failing on purpose: injected faults (`fail_next`) and Telegram's flood control (`RateLimits`).

This module decides *whether* a request fails and with which error; holding a request or dropping
its connection is done by the server, which owns the connection.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.fakeapi.models import FaultKind
from bot.fakeapi.wire import SEND_METHODS, ApiError, Params

HOLD_CAP_SECONDS = 60.0  # a "timeout" fault holds the request at most this long

_DESCRIPTIONS = {
    "400": "Bad Request: injected fault",
    "403": "Forbidden: bot was blocked by the user",
    "500": "Internal Server Error",
    "502": "Bad Gateway",
}


@dataclass(frozen=True)
class RateLimits:
    """Flood control as Telegram documents it: answer 429 (with `retry_after`) when a message would be
    more than these many in the last `window` s, overall and per chat, or in the last minute in a group
    (a chat id below 0). Off unless the fake is given one (`FakeBotApi(rate_limits=RateLimits())`,
    `python -m bot fake-api --flood`)."""

    global_per_second: int = 30
    per_chat_per_second: int = 1
    window: float = 1.0
    per_group_per_minute: int = 20
    # Telegram sends whole seconds; benchmarks may pass a small float (PTB accepts it) to go faster.
    retry_after: float | None = None
    methods: frozenset[str] = SEND_METHODS


@dataclass
class Fault:
    """One injected fault and how many more calls it fails."""

    method: str  # lower-case method name or "*" (anything but getUpdates)
    kind: FaultKind
    remaining: int
    chat_id: int | None
    retry_after: float
    description: str | None
    hold: float = 0.0

    def error(self) -> ApiError:
        """The error answer of a fault that answers (every kind but "timeout", "close" and "slow")."""
        if self.kind == "429":
            return too_many_requests(self.retry_after)
        return ApiError(int(self.kind), self.description or _DESCRIPTIONS[self.kind])


def too_many_requests(retry_after: float) -> ApiError:
    """Telegram's flood-control answer: 429 with the seconds to wait."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after:g}", {"retry_after": retry_after})


class Faults:
    """The faults that have not fired yet, in the order they were injected."""

    def __init__(self) -> None:
        self._pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Fail the next calls that match `fault`."""
        self._pending.append(fault)

    def clear(self) -> None:
        """Forget faults that have not fired yet."""
        self._pending.clear()

    def take(self, method: str, params: Params) -> Fault | None:
        """The first fault matching this call, counted down (and forgotten once used up); None if none."""
        for fault in self._pending:
            if fault.method != method and not (fault.method == "*" and method != "getupdates"):
                continue
            if fault.chat_id is not None and params.raw.get("chat_id") is not None:
                try:
                    if int(params.raw["chat_id"]) != fault.chat_id:
                        continue
                except (TypeError, ValueError):
                    continue
            elif fault.chat_id is not None:
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._pending.remove(fault)
            return fault
        return None


class RateLimiter:
    """Sliding windows of accepted messages, overall and per chat; the times of every accepted one."""

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._global: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}
        self.accepted: list[tuple[float, int]] = []  # (monotonic time, chat id), for benchmarks
        self.attempts: list[float] = []  # monotonic time of every message tried, accepted or not

    def admit(self, chat_id: int, limits: RateLimits) -> float | None:
        """Count a message to `chat_id` and return None; or, when it is one too many, the retry_after."""
        now = self._monotonic()
        self.attempts.append(now)
        window = _trimmed(self._global, now - limits.window)
        group = chat_id < 0
        chat_span, chat_limit = (
            (60.0, limits.per_group_per_minute) if group else (limits.window, limits.per_chat_per_second)
        )
        chat_window = _trimmed(self._per_chat.setdefault(chat_id, deque()), now - chat_span)
        blocking: tuple[deque[float], float] | None = None
        if len(window) >= limits.global_per_second:
            blocking = window, limits.window
        elif len(chat_window) >= chat_limit:
            blocking = chat_window, chat_span
        if blocking is not None:
            wait = blocking[0][0] + blocking[1] - now
            return limits.retry_after if limits.retry_after is not None else max(1, math.ceil(wait))
        window.append(now)
        chat_window.append(now)
        self.accepted.append((now, chat_id))
        return None


def _trimmed(window: deque[float], horizon: float) -> deque[float]:
    while window and window[0] <= horizon:
        window.popleft()
    return window
