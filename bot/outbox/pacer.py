"""`Pacer`: the broadcast sender's own rate limit (global slots, one message per chat per second, 429 pauses).

It paces only the outbox. Patient replies go straight to Telegram and never queue here, so the
sender must stay below Telegram's ~30 messages/s to leave them headroom; on a 429 only the
outbox pauses. Time comes from an injected monotonic clock and sleep, so tests run instantly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """At most `rate` slots per second (evenly spaced, no bursts), per-chat spacing, and pauses."""

    def __init__(
        self,
        rate: float,
        *,
        per_chat_interval: float = 1.0,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.per_chat_interval = per_chat_interval
        self.monotonic = monotonic
        self.sleep = sleep
        self._next = 0.0
        self._paused_until = 0.0
        self._last_to_chat: dict[int, float] = {}

    async def acquire(self) -> None:
        """Wait for the next global slot (also waits out a pause)."""
        while True:
            now = self.monotonic()
            slot = max(self._next, self._paused_until)
            if slot <= now:
                # A slightly late wake-up keeps the schedule (so the average stays at `rate`); a long
                # idle gap does not build up credit for a burst.
                self._next = (slot if now - slot < self.interval else now) + self.interval
                return
            await self.sleep(slot - now)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: send nothing for `seconds`."""
        self._paused_until = max(self._paused_until, self.monotonic() + seconds)

    def paused_for(self) -> float:
        """Seconds left of a pause (0 when not paused)."""
        return max(0.0, self._paused_until - self.monotonic())

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until `chat_id` may get another message from us."""
        last = self._last_to_chat.get(chat_id)
        return 0.0 if last is None else max(0.0, last + self.per_chat_interval - self.monotonic())

    def note_chat(self, chat_id: int) -> None:
        """Remember that a message to `chat_id` goes out now."""
        now = self.monotonic()
        if len(self._last_to_chat) > 10_000:  # forget chats whose spacing has passed
            horizon = now - self.per_chat_interval
            self._last_to_chat = {c: t for c, t in self._last_to_chat.items() if t > horizon}
        self._last_to_chat[chat_id] = now
