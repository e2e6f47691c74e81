"""How updates are scheduled: chats in parallel, each chat in order, webhook redeliveries once.

`ChatOrderedProcessor` is python-telegram-bot's extension point for concurrent updates. Updates of
different chats run concurrently, so one chat waiting for a slow database never holds up another
chat's alarm reply; updates of one chat run one after the other, in arrival order, so a dialogue
sees its steps in order.

With a `SeenUpdates` ledger (webhook mode), an update whose update_id an instance took already is
dropped: Telegram redelivers a webhook update when the answer was slow, and behind a load balancer
the copy may reach another instance. The ledger is a database row per update; the processor waits
at most `budget` seconds for it and then handles the update anyway, so a database that does not
answer costs an alarm reply at most that much, and a duplicate is preferred to a late reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.clock import Clock
from bot.storage.dialogs import DialogStore
from bot.storage.offload import Offload

log = logging.getLogger(__name__)

SEEN_BUDGET_SECONDS = 0.25
_REMEMBERED = 4096  # recent update_ids kept in memory: a redelivery to this instance needs no query


class SeenUpdates:
    """Which webhook updates were taken already, in memory and across instances in the database."""

    def __init__(self, dialogs: DialogStore, db: Offload, clock: Clock, budget: float = SEEN_BUDGET_SECONDS) -> None:
        self.dialogs = dialogs
        self.db = db
        self.clock = clock
        self.budget = budget
        self._recent: OrderedDict[int, None] = OrderedDict()

    async def first_time(self, update_id: int) -> bool:
        """True unless this update was taken before (by this or another instance)."""
        if update_id in self._recent:
            return False
        self._recent[update_id] = None
        if len(self._recent) > _REMEMBERED:
            self._recent.popitem(last=False)
        task = asyncio.ensure_future(self.db(self.dialogs.take_update, update_id, self.clock.now()))
        try:
            return await asyncio.wait_for(asyncio.shield(task), self.budget)
        except Exception:
            # No answer in time: handle it (the row may still be written later, which is harmless).
            task.add_done_callback(_consume)
            return True


def _consume(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within a chat; optionally drops redelivered updates."""

    def __init__(self, max_concurrent_updates: int = 256, seen: SeenUpdates | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.seen = seen
        # Runs after each update's handlers, still in the chat's turn (bot.app.chat_state writes the dialog state).
        self.after: Callable[[object], Awaitable[None]] | None = None
        self._tails: dict[int, asyncio.Future[None]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the same chat's previous update, then run this one (unless it is a redelivery)."""
        key = _chat_key(update)
        if key is None:
            await self._run(update, coroutine)
            return
        # Take this chat's place in line before the first await, so arrival order is kept.
        loop = asyncio.get_running_loop()
        previous = self._tails.get(key)
        done: asyncio.Future[None] = loop.create_future()
        self._tails[key] = done
        try:
            if previous is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.shield(previous)
            await self._run(update, coroutine)
        finally:
            done.set_result(None)
            if self._tails.get(key) is done:
                del self._tails[key]

    async def _run(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self.seen is not None and isinstance(update, Update) and not await self.seen.first_time(update.update_id):
            log.info("update %d was delivered before; dropped", update.update_id)
            _close(coroutine)
            return
        try:
            await coroutine
        finally:
            if self.after is not None:
                await self.after(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: the application waits for the updates in progress."""


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


def _close(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
