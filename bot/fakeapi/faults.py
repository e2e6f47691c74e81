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
    """Flood control: answer 429 when more than these many messages went out in the last `window` s."""

    global_per_second: int = 30
    per_chat_per_second: int = 1
    window: float = 1.0
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
    """Sliding windows of accepted messages, overall and per chat."""

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._global: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}

    def admit(self, chat_id: int, limits: RateLimits) -> float | None:
        """Count a message to `chat_id` and return None; or, when it is one too many, the retry_after."""
        now = self._monotonic()
        horizon = now - limits.window
        window = self._global
        while window and window[0] <= horizon:
            window.popleft()
        chat_window = self._per_chat.setdefault(chat_id, deque())
        while chat_window and chat_window[0] <= horizon:
            chat_window.popleft()
        blocking: deque[float] | None = None
        if len(window) >= limits.global_per_second:
            blocking = window
        elif len(chat_window) >= limits.per_chat_per_second:
            blocking = chat_window
        if blocking is not None:
            wait = blocking[0] + limits.window - now
            return limits.retry_after if limits.retry_after is not None else max(1, math.ceil(wait))
        window.append(now)
        chat_window.append(now)
        return None
