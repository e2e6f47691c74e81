"""`Offload`: the event loop's only way into the (synchronous) `Storage`.

Every storage call made from async code runs in a small thread pool of its own and is awaited with a
deadline. Why threads and not SQLAlchemy's asyncio extension: the storage package stays one set of
typed synchronous methods that the command line, the tests and the bot share unchanged, and a
deadline on the *caller's* side also covers the case no driver timeout covers — a connection whose
peer stops answering mid-query (a network partition, a hung proxy), where `statement_timeout` never
reaches the server. A thread stuck that way stays stuck until the database answers again; the pool is
bounded, so at most `workers` threads wait and every later call fails fast with
`DatabaseUnavailable` after the deadline instead of queueing without end. A call that had not
started when its deadline passed is cancelled and never runs; one that had started finishes (or
fails) on its own once the database answers.

A call that takes rows for this process (a claim) goes through `claim`: when its caller stops
waiting — the deadline passed, or the sender was cancelled — but the call still completes in its
thread, the rows it took are given back at once, instead of waiting out their lease.

Writes that record what already happened outside the database (a message went out to Telegram) use
`record`: it is never cancelled, and it is retried while the database refuses, for up to `patience`
seconds, because a lost "sent" mark means a second copy once the claim expires.

`available` is what the health check reports: False after a call timed out or the database refused
a connection, True again after the next call that succeeds.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import queue
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_DEADLINE = 5.0
DEFAULT_WORKERS = 8
DEFAULT_PATIENCE = 60.0


class DatabaseUnavailable(RuntimeError):
    """The database did not answer within the deadline, or refused the connection."""


class Offload:
    """Runs synchronous storage calls in a bounded thread pool, each with a deadline."""

    def __init__(
        self, deadline: float = DEFAULT_DEADLINE, workers: int = DEFAULT_WORKERS, patience: float = DEFAULT_PATIENCE
    ) -> None:
        self.deadline = deadline
        self.workers = workers
        self.patience = patience
        self.available = True
        self._pool: DaemonPool | None = None
        self._waits: set[asyncio.Timeout] = set()  # the deadlines of the waits in progress, for `hurry`
        self._hurried_by: float | None = None  # loop time by which writes that must land give up

    async def _within(self, awaitable: Awaitable[T], seconds: float) -> T:
        """`await awaitable`, raising TimeoutError after `seconds` (or sooner, after `hurry`)."""
        async with asyncio.timeout(seconds) as limit:
            self._waits.add(limit)
            try:
                return await awaitable
            finally:
                self._waits.discard(limit)

    def _executor(self) -> DaemonPool:
        if self._pool is None:
            self._pool = DaemonPool(self.workers, "storage")
        return self._pool

    async def __call__(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn(*args, **kwargs)` off the loop; raise `DatabaseUnavailable` when it takes too long."""
        loop = asyncio.get_running_loop()
        return await self._answer(fn, loop.run_in_executor(self._executor(), functools.partial(fn, *args, **kwargs)))

    async def _answer(self, fn: Callable[..., Any], awaitable: Awaitable[T]) -> T:
        """`await awaitable` within the deadline; no answer in time, or a refused connection, is
        `DatabaseUnavailable`."""
        try:
            result = await self._within(awaitable, self.deadline)
        except TimeoutError as exc:
            self._down("timeout", getattr(fn, "__name__", "call"))
            raise DatabaseUnavailable(f"no answer within {self.deadline:g} s") from exc
        except (OperationalError, PoolTimeout) as exc:
            self._down(_reason(exc), getattr(fn, "__name__", ""))
            raise DatabaseUnavailable(type(exc).__name__) from exc
        self._up()
        return result

    async def claim(
        self, fn: Callable[P, list[T]], give_back: Callable[[list[T]], object], *args: P.args, **kwargs: P.kwargs
    ) -> list[T]:
        """Like calling `fn`, for a call that claims rows: when nobody takes its result, `give_back(rows)`.

        Without this, a claim whose caller was cancelled or timed out while the statement ran would
        complete unseen, and its rows would stay claimed, unsent, until the lease ran out (minutes).
        """
        executor = self._executor()
        done = executor.submit(fn, *args, **kwargs)
        taken = asyncio.wrap_future(done)
        try:
            return await self._answer(fn, asyncio.shield(taken))
        except BaseException:
            taken.add_done_callback(_retrieve)
            if not done.cancel():  # already running: whatever it claims goes back when it completes
                done.add_done_callback(functools.partial(_give_back_unseen, executor, give_back))
            raise

    async def record(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a write that must land: never cancelled, retried while the database refuses, up to `patience` s."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.patience
        delay = 0.1
        while True:
            if self._hurried_by is not None:
                give_up = min(give_up, self._hurried_by)
            future = loop.run_in_executor(self._executor(), functools.partial(fn, *args, **kwargs))
            try:
                result = await self._within(asyncio.shield(future), max(0.01, give_up - loop.time()))
            except TimeoutError as exc:
                # The call stays queued or running and lands once the database answers again.
                self._down("timeout", getattr(fn, "__name__", "call"))
                raise DatabaseUnavailable(f"no answer within {self.patience:g} s") from exc
            except (OperationalError, PoolTimeout) as exc:
                self._down(_reason(exc), getattr(fn, "__name__", ""))
                if loop.time() + delay >= give_up:
                    raise DatabaseUnavailable(type(exc).__name__) from exc
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
                continue
            self._up()
            return result

    def _up(self) -> None:
        if not self.available:
            log.warning("database answers again")
        self.available = True

    def _down(self, why: str, what: str) -> None:
        if self.available:
            log.error("database unavailable (%s in %s)", why, what)
        self.available = False

    def hurry(self, seconds: float = 1.0) -> None:
        """Stopping: wait at most `seconds` per call from now on, writes that must land included; the
        waits already in progress end within `seconds` too (a stop must not wait out their deadlines)."""
        self.deadline = min(self.deadline, seconds)
        self.patience = min(self.patience, seconds)
        try:
            now = asyncio.get_running_loop().time()
        except RuntimeError:  # not called from the loop: no wait can be in progress on it
            return
        self._hurried_by = now + seconds
        for limit in self._waits:
            when = limit.when()
            if when is None or when > self._hurried_by:
                limit.reschedule(self._hurried_by)

    def close(self) -> None:
        """Stop the pool without waiting for calls stuck on an unanswering database."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _give_back_unseen(executor: Executor, give_back: Callable[[list[Any]], object], done: Future[Any]) -> None:
    """`give_back` the rows a claim took after its caller stopped waiting (runs in the pool's thread)."""
    if not done.cancelled() and done.exception() is None and done.result():
        executor.submit(give_back, done.result())


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # nobody awaits it any more; its error was handled where it mattered


def _reason(exc: Exception) -> str:
    return type(exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc).__name__


class DaemonPool(Executor):
    """A fixed pool of daemon threads: a call stuck on an unanswering database never holds up the exit.

    (`ThreadPoolExecutor` joins its threads at interpreter exit, so a stop during a database hang
    would wait for the database.) A queued call that was cancelled before a thread took it never runs.
    """

    def __init__(self, workers: int, name: str) -> None:
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, daemon=True, name=f"{name}-{index}") for index in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Queue `fn(*args, **kwargs)` for the next free thread."""
        future: Future[T] = Future()
        self._queue.put((future, functools.partial(fn, *args, **kwargs)))
        return future

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            future, call = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as exc:  # handed to the awaiting coroutine
                future.set_exception(exc)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Let each thread end after the calls queued before (without waiting for one stuck on the database)."""
        for _ in self._threads:
            self._queue.put(None)
        if wait:
            for thread in self._threads:
                thread.join()
