"""Several instances share one bot's send budget through the database; one alone reports its figures.

On SQLite and on PostgreSQL (tests/databases.py). Each instance has its own engine, as a process
would; the wall clock is a `ManualClock`, the instances' monotonic clocks are numbers moved by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.clock import AMSTERDAM, ManualClock
from bot.outbox.budget import HOLD, MEMORY, PERIOD, SKEW, TTL, SendBudget, fair_share
from bot.outbox.pacer import Limits, Pacer, Priority
from bot.storage import Storage
from bot.storage.offload import Offload
from bot.storage.send_budget import SendStatus
from tests.databases import engine_factory

__all__ = ["engine_factory"]  # a fixture

LIMITS = Limits()  # 27/s and a burst of 2 alone; shared: a floor of 1/s each and a pool of 20/s


class Instance:
    """One bot process: its storage, pacer and budget, and a monotonic clock moved by the test."""

    def __init__(self, storage: Storage, clock: ManualClock, name: str) -> None:
        self.now = 0.0
        self.storage = storage
        self.pacer = Pacer(LIMITS, rate=LIMITS.floor, monotonic=lambda: self.now)
        self.budget = SendBudget(
            self.pacer, storage, clock, shared=True, db=Offload(), instance_id=name, monotonic=lambda: self.now
        )

    async def renew(self, seconds: float = PERIOD) -> float:
        self.now += seconds
        await self.budget.renew()
        return self.pacer.rate


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 12, 1, 10, 0, tzinfo=AMSTERDAM))


@pytest.fixture
def stores(engine_factory: Callable[[], Engine]) -> Iterator[Callable[[], Storage]]:
    made: list[Storage] = []

    def make() -> Storage:
        store = Storage(engine_factory())
        store.migrate()
        made.append(store)
        return store

    yield make


def in_use(storage: Storage, clock: ManualClock) -> float:
    """The leased rates the rows say may be in use now (what a newcomer's `fair_share` would see)."""
    seen: list[float] = []

    def look(others: Sequence[float]) -> float:
        seen.extend(others)
        return 0.0

    storage.budget.lease("probe", clock.now(), look, SendStatus(), ttl=TTL, memory=MEMORY, hold=HOLD)
    storage.budget.release("probe")
    return sum(seen)


def test_an_equal_share_but_never_more_than_the_others_leave() -> None:
    assert fair_share(20, []) == 20
    assert fair_share(20, [20]) == 0
    assert fair_share(20, [10]) == 10
    assert fair_share(20, [0, 0]) == pytest.approx(20 / 3)
    assert fair_share(20, [15, 15]) == 0


async def test_two_instances_converge_on_equal_shares_and_never_lease_more_than_the_pool(
    stores: Callable[[], Storage], clock: ManualClock
) -> None:
    a, b = Instance(stores(), clock, "a"), Instance(stores(), clock, "b")
    floor, pool = LIMITS.floor, LIMITS.pool
    assert await a.renew() == floor + pool  # alone
    assert await b.renew() == floor  # nothing free yet: b sends at its floor
    assert in_use(a.storage, clock) <= pool
    assert await a.renew() == floor + pool / 2  # a gives half back ...
    assert await b.renew() == floor  # ... which still counts at the old rate while a slows down
    assert in_use(a.storage, clock) <= pool
    clock.advance(HOLD)
    assert await b.renew() == floor + pool / 2
    assert in_use(a.storage, clock) <= pool
    for _ in range(3):
        assert await a.renew() == floor + pool / 2
        assert await b.renew() == floor + pool / 2
        clock.advance(timedelta(seconds=PERIOD))
    # Two floors, two bursts and the pool: within Telegram's 30 in any second, with one to spare.
    assert a.pacer.rate + b.pacer.rate + 2 * LIMITS.burst <= 29


async def test_a_stopped_instance_gives_its_share_back_at_once(
    stores: Callable[[], Storage], clock: ManualClock
) -> None:
    a, b = Instance(stores(), clock, "a"), Instance(stores(), clock, "b")
    await a.renew()
    await b.renew()
    await a.renew()
    clock.advance(HOLD)
    await b.renew()
    await a.budget.stop()
    assert await b.renew() == LIMITS.floor + LIMITS.pool


async def test_a_crashed_instance_counts_until_its_lease_and_memory_have_passed(
    stores: Callable[[], Storage], clock: ManualClock
) -> None:
    a, b = Instance(stores(), clock, "a"), Instance(stores(), clock, "b")
    await a.renew()  # a takes the pool, then dies without a word
    clock.advance(TTL)
    assert await b.renew() == LIMITS.floor  # a's lease has lapsed, but it may still be sending
    clock.advance(MEMORY)
    assert await b.renew() == LIMITS.floor  # not yet forgotten (the row is kept for MEMORY after TTL)
    clock.advance(timedelta(seconds=1))
    assert await b.renew() == LIMITS.floor + LIMITS.pool


async def test_without_the_database_an_instance_keeps_its_share_while_the_others_count_it_then_its_floor(
    stores: Callable[[], Storage], clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = Instance(stores(), clock, "a")
    assert await a.renew() == LIMITS.floor + LIMITS.pool

    def away(*args: object, **kwargs: object) -> None:
        raise ConnectionError("the database is away")

    monkeypatch.setattr(a.storage.budget, "lease", away)
    kept = (TTL + MEMORY).total_seconds() - SKEW - PERIOD
    assert await a.renew(kept) == LIMITS.floor + LIMITS.pool  # others still count it: keep pacing
    assert await a.renew(PERIOD + 0.1) == LIMITS.floor  # they may have taken it over by now


async def test_one_instance_alone_reports_its_queues_and_the_day_counts_429s_and_drops(
    stores: Callable[[], Storage], clock: ManualClock
) -> None:
    storage = stores()
    pacer = Pacer(LIMITS, monotonic=lambda: 0.0)
    budget = SendBudget(pacer, storage, clock, shared=False, db=Offload(), instance_id="solo")
    pacer.flood(5)
    pacer.dropped[Priority.REPLY] += 2
    await budget.renew()
    [row] = storage.budget.running(clock.now())
    assert (row.instance_id, row.shared, row.status.http_429, row.status.dropped) == ("solo", False, 1, 2)
    assert pacer.rate == LIMITS.per_second  # alone: the whole budget, no lease
    await budget.renew()  # nothing new: nothing counted twice
    counts = {name: n for _, name, n in storage.console.daily_counts(clock.now().date())}
    assert counts == {"send_429": 1, "send_dropped": 2}
    await budget.stop()
    assert storage.budget.running(clock.now()) == []
