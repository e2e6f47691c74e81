"""An event loop whose clock jumps ahead instead of waiting: pure-asyncio tests of time, run instantly.

Whenever the loop would block for `timeout` seconds (nothing ready, the next timer that far away), its
clock moves forward by `timeout` and the loop goes on. Each turn of the loop also takes a microsecond,
as on a real machine: code that waits for "a moment after now" (aiolimiter rounding a float) gets it.
Only for code that waits on timers and on itself: a test that does real I/O (sockets, threads) would
see its timeouts fire at once.

    result = run_virtual(main())     # main() sees asyncio.get_running_loop().time() start at 0
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar, cast

T = TypeVar("T")
TURN = 1e-6  # seconds one turn of the loop takes


class _JumpingSelector:
    """The loop's selector, except that a wait with a timeout moves the virtual clock instead."""

    def __init__(self, real: selectors.BaseSelector, loop: VirtualTimeLoop) -> None:
        self._real = real
        self._loop = loop

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        self._loop.now += TURN
        events = self._real.select(0)
        if events or timeout is None or timeout <= 0:
            return events if events or timeout is not None else self._real.select(None)
        self._loop.now += max(0.0, timeout - TURN)
        return []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop on a virtual clock (seconds from 0)."""

    _selector: selectors.BaseSelector  # set by asyncio's BaseSelectorEventLoop (not in its stubs)

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0
        # The loop only calls select() and what __getattr__ hands on to the real selector.
        self._selector = cast(selectors.BaseSelector, _JumpingSelector(self._selector, self))

    def time(self) -> float:
        return self.now


def run_virtual(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on a fresh `VirtualTimeLoop`."""
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(main)
    finally:
        loop.close()
