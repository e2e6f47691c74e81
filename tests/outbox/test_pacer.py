"""The send pacer: Telegram's rates, priorities, order per chat, 429 pauses, drops.

Each test runs on a virtual clock (tests/virtual_time.py): waits take no real time, and
`loop.time()`, which aiolimiter's buckets use, is the same clock as the pacer's.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable

import pytest

from bot.outbox.pacer import Dropped, Limits, Pacer, Priority
from tests.virtual_time import run_virtual

LIMITS = Limits(per_second=10, burst=1, chat_interval=1.1, group_interval=3.3, broadcast_per_second=4)


def now() -> float:
    return asyncio.get_running_loop().time()


Log = list[tuple[float, int, Priority]]  # (time, chat, priority) of each send


def pacer(limits: Limits = LIMITS) -> Pacer:
    return Pacer(limits, monotonic=now)


async def send(p: Pacer, chat: int, priority: Priority, log: Log, hold: float = 0) -> None:
    async with p.turn(chat, priority):
        log.append((now(), chat, priority))
        await asyncio.sleep(hold)


def most_in_a_second(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


def test_the_bot_wide_rate_holds_under_a_burst() -> None:
    async def main() -> list[float]:
        p, log = pacer(), Log()
        await asyncio.gather(*(send(p, chat, Priority.ALARM, log) for chat in range(100)))
        return [t for t, _, _ in log]

    times = run_virtual(main())
    assert len(times) == 100
    assert most_in_a_second(times) <= 11  # per_second + burst
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.1 - 1e-9
    assert times[-1] == pytest.approx(9.9, abs=0.05)  # and no slower than the rate


def test_after_a_pause_the_best_priority_goes_first_then_the_longest_waiting() -> None:
    async def main() -> list[int]:
        p, log = pacer(), Log()
        p.flood(5)
        tasks = []
        for chat, priority in [
            (1, Priority.BROADCAST),
            (2, Priority.REMINDER),
            (3, Priority.REPLY),
            (4, Priority.ALARM),
        ]:
            tasks.append(asyncio.create_task(send(p, chat, priority, log)))
            await asyncio.sleep(0.01)
        tasks.append(asyncio.create_task(send(p, 5, Priority.ALARM, log)))
        await asyncio.gather(*tasks)
        assert log[0][0] >= 5  # nothing during the pause
        return [chat for _, chat, _ in log]

    assert run_virtual(main()) == [4, 5, 3, 2, 1]
    assert Pacer(LIMITS).http_429 == 0


def test_one_message_at_a_time_per_chat_and_a_second_apart() -> None:
    async def main() -> list[float]:
        p, log = pacer(), Log()
        await asyncio.gather(*(send(p, 7, Priority.REPLY, log, hold=0.05) for _ in range(3)))
        return [t for t, _, _ in log]

    first, second, third = run_virtual(main())
    assert second - first >= 1.1 - 1e-9 and third - second >= 1.1 - 1e-9


def test_groups_get_twenty_a_minute_at_most() -> None:
    async def main() -> list[float]:
        p, log = pacer(), Log()
        await asyncio.gather(*(send(p, -100, Priority.REPLY, log) for _ in range(3)))
        return [t for t, _, _ in log]

    times = run_virtual(main())
    assert times[2] - times[0] >= 2 * 3.3 - 1e-9


def test_broadcasts_keep_to_their_own_rate_and_replies_get_the_rest() -> None:
    async def main() -> tuple[list[float], list[float]]:
        p, log = pacer(), Log()
        await asyncio.gather(
            *(send(p, 1000 + i, Priority.BROADCAST, log) for i in range(20)),
            *(send(p, 2000 + i, Priority.REPLY, log) for i in range(20)),
        )
        broadcasts = [t for t, _, pr in log if pr is Priority.BROADCAST]
        replies = [t for t, _, pr in log if pr is Priority.REPLY]
        return broadcasts, replies

    broadcasts, replies = run_virtual(main())
    assert most_in_a_second(broadcasts) <= 5  # 4 per second (+ the first at once)
    assert max(replies) < min(broadcasts[1:])  # replies first; broadcasts after them


def test_a_429_pauses_everything_and_the_message_keeps_its_place_in_its_chat() -> None:
    async def main() -> tuple[list[tuple[float, str]], Pacer]:
        p = pacer()
        log: list[tuple[float, str]] = []

        async def first() -> None:
            async with p.turn(9, Priority.REPLY) as turn:
                log.append((now(), "429"))
                p.flood(30)
                await p.again(turn)
                log.append((now(), "first"))

        async def later(chat: int, name: str) -> None:
            await asyncio.sleep(0.01)
            async with p.turn(chat, Priority.REPLY):
                log.append((now(), name))

        await asyncio.gather(first(), later(9, "second"), later(10, "other chat"))
        return log, p

    log, p = run_virtual(main())
    at = {name: t for t, name in log}
    assert [name for _, name in log] == ["429", "first", "other chat", "second"]
    assert at["first"] >= 30 and at["other chat"] >= 30  # nothing during the pause
    assert at["second"] >= at["first"] + 1.1  # its chat's next message waits its turn behind the first
    assert p.http_429 == 1 and p.sent[Priority.REPLY] == 3


def test_an_alarm_reply_waits_as_long_as_it_takes_other_messages_are_dropped_and_counted() -> None:
    async def main() -> tuple[dict[str, object], Pacer]:
        p = pacer(Limits(per_second=10, reply_max_wait=60, background_max_wait=40))
        p.flood(500)  # a long flood wait

        async def outcome(chat: int, priority: Priority) -> object:
            try:
                async with p.turn(chat, priority):
                    return now()
            except Dropped as exc:
                return exc

        results = await asyncio.gather(
            *(outcome(chat, priority) for chat, priority in enumerate(Priority)),
        )
        return dict(zip([p.name for p in Priority], results, strict=True)), p

    results, p = run_virtual(main())
    assert results["ALARM"] == pytest.approx(500, abs=0.01)
    reply, reminder, broadcast = results["REPLY"], results["REMINDER"], results["BROADCAST"]
    assert isinstance(reply, Dropped) and reply.waited == pytest.approx(60, abs=0.01)
    assert isinstance(reminder, Dropped) and reminder.waited == pytest.approx(40, abs=0.01)
    assert isinstance(broadcast, Dropped)
    assert dict(p.dropped) == {Priority.REPLY: 1, Priority.REMINDER: 1, Priority.BROADCAST: 1}
    assert p.figures().dropped == {"alarm": 0, "reply": 1, "reminder": 1, "broadcast": 1}


def test_figures_show_the_queues_and_the_oldest_alarm_reply() -> None:
    async def main() -> None:
        p = pacer()
        p.flood(10)
        tasks = [asyncio.create_task(send(p, c, Priority.ALARM, [])) for c in range(3)]
        tasks.append(asyncio.create_task(send(p, 99, Priority.BROADCAST, [])))
        await asyncio.sleep(4)
        figures = p.figures()
        assert figures.queued == {"alarm": 3, "reply": 0, "reminder": 0, "broadcast": 1}
        assert figures.oldest_alarm_wait == pytest.approx(4)
        assert figures.http_429 == 1 and figures.rate == 10
        await asyncio.gather(*tasks)
        assert p.figures().queued["alarm"] == 0 and p.figures().oldest_alarm_wait == 0

    run_virtual(main())


def test_a_cancelled_wait_leaves_the_queue_and_frees_its_chat() -> None:
    async def main() -> list[int]:
        p, log = pacer(), Log()
        p.flood(2)
        gone = asyncio.create_task(send(p, 1, Priority.ALARM, log))
        kept = asyncio.create_task(send(p, 2, Priority.REPLY, log))
        await asyncio.sleep(1)
        gone.cancel()
        await asyncio.gather(kept)
        with pytest.raises(asyncio.CancelledError):
            await gone
        assert p.figures().queued["alarm"] == 0
        await send(p, 1, Priority.REPLY, log)  # the cancelled message holds nothing back
        return [chat for _, chat, _ in log]

    assert run_virtual(main()) == [2, 1]


def test_a_lower_share_takes_effect_without_a_burst() -> None:
    async def main() -> list[float]:
        p, log = pacer(), Log()
        await send(p, 1, Priority.REPLY, log)
        await p.set_rate(2)
        await asyncio.gather(*(send(p, chat, Priority.REPLY, log) for chat in range(2, 6)))
        return [t for t, _, _ in log]

    times = run_virtual(main())
    assert all(b - a >= 0.5 - 1e-9 for a, b in itertools.pairwise(times[1:]))
    assert times[1] >= 0.5 - 1e-9  # the new bucket starts full


def test_unhurried_sends_go_at_once() -> None:
    async def main() -> list[float]:
        p, log = pacer(), Log()
        for chat in range(5):
            await send(p, chat, Priority.REPLY, log)
            await asyncio.sleep(0.2)
        return [t for t, _, _ in log]

    assert run_virtual(main()) == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8], abs=1e-3)


def test_the_virtual_clock_moves_while_waiting() -> None:
    waits: list[Callable[[], Awaitable[None]]] = [lambda: asyncio.sleep(30)]

    async def main() -> float:
        for wait in waits:
            await wait()
        return now()

    assert run_virtual(main()) == pytest.approx(30)
