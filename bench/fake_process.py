"""The fake Bot API in a child process, so a benchmark charges only the bot's side of each request.

    async with FakeProcess() as fake:          # starts ``python -m bench.fake_process``
        app = Application.builder().token(TOKEN).base_url(fake.base_url).build()
        first, last = await fake.inject([(1000, "hallo"), (1001, "koorts")])
        await fake.wait_confirmed(last)
        print(await fake.stats())              # {"accepted": …, "rejected_429": …}

The child runs a `bot.fakeapi.server.FakeBotApi` on 127.0.0.1 (a free port) in its own asyncio loop.
Control channel: one JSON object per line on the child's stdin, one JSON answer per line on a copy
of its original stdout (the child points fd 1 at stderr, so a stray print cannot corrupt the
channel). Requests: ``inject`` (messages as [chat_id, text] pairs; answers the first and last
update_id), ``stats``, ``confirmed`` (wait until getUpdates confirmed an update_id), ``first_reply``
(wait for the first message to a chat; answers the child's ``time.perf_counter()`` then, which on
Linux is the same monotonic clock as the parent's), ``replies`` (messages accepted per chat), ``stop``; with ``--flood`` (Telegram's flood limits, 429
beyond them) also ``wait_replied`` (until at least some of a range of chats had a message) and
``flood`` (when each message was accepted, when each was tried, the 429s).
The child ignores SIGINT (the parent owns its lifetime) and exits when its stdin closes, so it
cannot outlive a parent that died; `FakeProcess` always ends it: stop, then terminate, then kill.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self

from bot.fakeapi.server import FakeBotApi, RateLimits

ROOT = Path(__file__).resolve().parent.parent
LINE_LIMIT = 1 << 26  # one inject line carries every text of a throughput run
START_TIMEOUT = 60.0  # a cold interpreter importing tornado and the fake
STOP_TIMEOUT = 5.0


class FakeProcessError(RuntimeError):
    """The child answered with an error, or did not answer."""


# ---------------------------------------------------------------- the child


def _answer(out: BinaryIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message).encode() + b"\n")


async def _handle(fake: FakeBotApi, request: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op == "inject":
        ids = [fake.send_text(int(chat_id), str(text))["update_id"] for chat_id, text in request["messages"]]
        return {"ok": True, "first": ids[0] if ids else None, "last": ids[-1] if ids else None}
    if op == "stats":
        return {"ok": True, "accepted": fake.stats.accepted, "rejected_429": fake.stats.rejected_429}
    if op == "confirmed":
        await fake.wait_confirmed(int(request["update_id"]), within=float(request.get("within", 10.0)))
        return {"ok": True}
    if op == "first_reply":
        chat_id = int(request["chat_id"])
        # A counter, not messages_to(): that walks every message kept, and this runs on each request.
        await fake.wait_until(lambda: fake.stats.per_chat[chat_id] > 0, float(request.get("within", 10.0)))
        return {"ok": True, "at": time.perf_counter()}
    if op == "replies":
        return {"ok": True, "counts": [fake.stats.per_chat[int(chat_id)] for chat_id in request["chat_ids"]]}
    if op == "wait_replied":
        first, count, at_least = int(request["first"]), int(request["count"]), int(request["at_least"])
        seen: set[int] = set()
        looked = [0]

        def enough() -> bool:
            for _, chat in fake.accepted_at[looked[0] :]:
                if first <= chat < first + count:
                    seen.add(chat)
            looked[0] = len(fake.accepted_at)
            return len(seen) >= at_least

        with contextlib.suppress(TimeoutError):
            await fake.wait_until(enough, float(request.get("within", 10.0)), "replies")
        return {"ok": True, "replied": len(seen)}
    if op == "flood":
        return {
            "ok": True,
            "accepted": fake.accepted_at,
            "attempted": fake.attempted_at,
            "rejected_429": fake.stats.rejected_429,
        }
    if op == "stop":
        return {"ok": True}
    return {"ok": False, "error": f"unknown op {op!r}"}


async def _serve(out: BinaryIO, rate_limits: RateLimits | None) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    async with FakeBotApi(rate_limits=rate_limits) as fake:
        _answer(out, {"ok": True, "base_url": fake.base_url, "pid": os.getpid()})
        while line := await reader.readline():  # b"": the parent closed stdin (or died)
            request: dict[str, Any] = {}
            try:
                request = json.loads(line)
                answer = await _handle(fake, request)
            except Exception as exc:  # report to the parent; the fake keeps serving
                answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            _answer(out, answer)
            if request.get("op") == "stop":
                break


def main() -> None:
    """Entry point of ``python -m bench.fake_process``."""
    # The fake stands in for Telegram, whose answers do not pause for this process's garbage collector:
    # with every message of a run kept here, a full collection took 10-30 ms and landed in the bot's p99.
    gc.disable()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the parent, which stops us
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # anything printed from now on goes to stderr, not into the control channel
    sys.stdout = sys.stderr
    asyncio.run(_serve(out, RateLimits() if "--flood" in sys.argv[1:] else None))


# ---------------------------------------------------------------- the parent's handle


class FakeProcess:
    """Start, drive and always end the child; use ``async with``."""

    def __init__(self, *, flood: bool = False) -> None:
        """`flood`: the fake keeps Telegram's flood limits (`RateLimits()`) and answers 429 beyond them."""
        self.flood = flood
        self.base_url = ""
        self.pid = 0
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Spawn the child and wait until its fake listens."""
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.fake_process",
            *(["--flood"] if self.flood else []),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=ROOT,
            limit=LINE_LIMIT,
        )
        ready = await self._read(START_TIMEOUT)
        self.base_url = str(ready["base_url"])
        self.pid = int(ready["pid"])
        if not self.base_url.startswith("http://127.0.0.1:"):
            raise FakeProcessError(f"the fake should listen on 127.0.0.1 only, not at {self.base_url}")

    async def _read(self, within: float) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        try:
            line = await asyncio.wait_for(self._proc.stdout.readline(), within)
        except TimeoutError:
            raise FakeProcessError(f"the fake process did not answer within {within}s") from None
        if not line:
            raise FakeProcessError(f"the fake process ended (exit status {await self._proc.wait()})")
        answer: dict[str, Any] = json.loads(line)
        if not answer.get("ok"):
            raise FakeProcessError(f"the fake process failed: {answer.get('error')}")
        return answer

    async def _call(self, request: dict[str, Any], within: float = 10.0) -> dict[str, Any]:
        if self._proc is None or self._proc.stdin is None:
            raise FakeProcessError("the fake process is not running")
        async with self._lock:
            self._proc.stdin.write(json.dumps(request).encode() + b"\n")
            await self._proc.stdin.drain()
            return await self._read(within)

    async def inject(self, messages: Sequence[tuple[int, str]]) -> tuple[int, int]:
        """Queue each (chat_id, text) as a patient's message; return the first and last update_id."""
        answer = await self._call({"op": "inject", "messages": messages}, within=60.0)
        return int(answer["first"]), int(answer["last"])

    async def stats(self) -> dict[str, int]:
        """Message-producing calls the fake accepted, and the 429s it answered."""
        answer = await self._call({"op": "stats"})
        return {"accepted": int(answer["accepted"]), "rejected_429": int(answer["rejected_429"])}

    async def wait_confirmed(self, update_id: int, within: float = 10.0) -> None:
        """Wait until getUpdates asked with an offset beyond `update_id` (see `FakeBotApi.wait_confirmed`)."""
        await self._call({"op": "confirmed", "update_id": update_id, "within": within}, within=within + 5.0)

    async def first_reply(self, chat_id: int, within: float = 10.0) -> float:
        """The `time.perf_counter()` at which the fake accepted its first message to `chat_id` (waits for it)."""
        answer = await self._call({"op": "first_reply", "chat_id": chat_id, "within": within}, within=within + 5.0)
        return float(answer["at"])

    async def replies(self, chat_ids: Sequence[int]) -> list[int]:
        """How many messages the fake accepted to each of `chat_ids`."""
        answer = await self._call({"op": "replies", "chat_ids": list(chat_ids)})
        return [int(count) for count in answer["counts"]]

    async def wait_replied(self, chats: range, at_least: int | None = None, within: float = 10.0) -> int:
        """Wait until `at_least` (default: all) of `chats` had a message; return how many had one."""
        request = {
            "op": "wait_replied",
            "first": chats.start,
            "count": len(chats),
            "at_least": len(chats) if at_least is None else at_least,
            "within": within,
        }
        answer = await self._call(request, within=within + 10.0)
        return int(answer["replied"])

    async def flood_log(self) -> tuple[list[tuple[float, int]], list[float], int]:
        """With `flood`: (time, chat) of every accepted message, the time of every one tried, the 429s."""
        answer = await self._call({"op": "flood"}, within=60.0)
        accepted = [(float(t), int(chat)) for t, chat in answer["accepted"]]
        return accepted, [float(t) for t in answer["attempted"]], int(answer["rejected_429"])

    async def stop(self) -> None:
        """Ask the child to stop; terminate, and finally kill, it when it does not go. Idempotent."""
        proc, self._proc = self._proc, None
        if proc is None or proc.returncode is not None:
            return
        with contextlib.suppress(Exception):  # a dead pipe or a stuck child: the signals below end it
            assert proc.stdin is not None
            proc.stdin.write(b'{"op": "stop"}\n')
            await asyncio.wait_for(proc.stdin.drain(), STOP_TIMEOUT)
            proc.stdin.close()
        for end in (proc.terminate, proc.kill):
            try:
                await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
                return
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    end()
        await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)  # after SIGKILL

    async def __aenter__(self) -> Self:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


if __name__ == "__main__":
    main()
