"""A local fake of the Telegram Bot API for tests, the demo and benchmarks: `FakeBotApi`.

The fake is put together from one module per job:

- `transport`: the tornado HTTP server on 127.0.0.1 (a free port), in the bot's own asyncio loop;
- `state`: what Telegram knows (chats, messages, queued updates, recorded calls), inspecting and
  waiting on it;
- `methods`: the Bot API methods the bot calls, answering like Telegram (`checks`: what it refuses);
- `users`: the simulated patients and staff, whose actions become updates;
- `faults`: injected failures and flood control;
- `wire`: request parameters and error answers.

This module wires them: every request goes through `FakeBotApi._dispatch` (fault, rate limit, method,
statistics) and is recorded as a `Call`.

Wire format as PTB uses it: ``POST {base_url}{token}/{method}`` with form fields (non-string values
JSON-encoded) or multipart form data when uploading; answers are ``{"ok": true, "result": …}`` or
``{"ok": false, "error_code": …, "description": …, "parameters": {"retry_after": N}}``.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from bot.fakeapi.checks import MAX_CAPTION, MAX_TEXT
from bot.fakeapi.faults import HOLD_CAP_SECONDS, Fault, Faults, RateLimiter, RateLimits, too_many_requests
from bot.fakeapi.methods import BotApiMethods
from bot.fakeapi.models import Call, FaultKind, JsonDict, UploadedFile
from bot.fakeapi.state import BOT_USERNAME, DEFAULT_BOT_ID
from bot.fakeapi.transport import ApiRequest, HttpTransport
from bot.fakeapi.users import SimulatedUsers
from bot.fakeapi.wire import SEND_METHODS, ApiError, Params, decode_json_fields

__all__ = [
    "BOT_USERNAME",
    "DEFAULT_BOT_ID",
    "MAX_CAPTION",
    "MAX_TEXT",
    "SEND_METHODS",
    "ApiError",
    "FakeBotApi",
    "RateLimits",
]


class FakeBotApi(SimulatedUsers, BotApiMethods):
    """The fake Bot API server plus the test-facing injection and inspection API."""

    def __init__(
        self,
        *,
        rate_limits: RateLimits | None = None,
        clock: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        username: str = BOT_USERNAME,
        first_name: str = "Levermetastasen (test)",
    ) -> None:
        super().__init__(clock=clock or (lambda: datetime.now(UTC)), username=username, first_name=first_name)
        self.rate_limits = rate_limits
        self._faults = Faults()
        self._rates = RateLimiter(monotonic)
        # With rate limits: (monotonic time, chat id) of each accepted send; the time of every send tried.
        self.accepted_at = self._rates.accepted
        self.attempted_at = self._rates.attempts
        self._transport = HttpTransport(self._serve, self._bump)

    # ------------------------------------------------------------------ lifecycle

    async def start(self, port: int = 0) -> None:
        """Bind 127.0.0.1 on `port` (default: a free one) and start serving in the running loop."""
        await self._transport.start(port)

    async def stop(self) -> None:
        """Release held requests, stop listening and close every connection."""
        self._stopping = True
        self._bump()
        await self._transport.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The bound port (0 before `start`)."""
        return self._transport.port

    @property
    def base_url(self) -> str:
        """Pass to ``Application.builder().base_url(…)``; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        kind: FaultKind,
        count: int = 1,
        *,
        chat_id: int | None = None,
        retry_after: float = 1,
        description: str | None = None,
        hold: float = 20.0,
    ) -> None:
        """Make the next `count` calls of `method` ("*" = any but getUpdates) fail with `kind`.

        kinds: "500"/"502" (NetworkError in PTB), "429" (RetryAfter), "403" (Forbidden: bot was blocked),
        "400" (BadRequest), "timeout" (held until the client gives up: TimedOut), "close" (connection
        closed without answer: NetworkError), "slow" (carried out, e.g. the message is delivered, but the
        answer is held `hold` seconds: a client with a shorter read timeout sees TimedOut although the
        message arrived). With `chat_id`, only calls for that chat match.
        """
        self._faults.add(Fault(method.lower(), kind, count, chat_id, retry_after, description, hold))

    def clear_faults(self) -> None:
        """Forget faults that have not fired yet."""
        self._faults.clear()

    # ------------------------------------------------------------------ serving

    async def _serve(self, request: ApiRequest, token: str, method: str) -> None:
        """Answer one request; record it as a `Call`."""
        lower = method.lower()  # Bot API method names are case-insensitive
        counted = lower != "getupdates"  # a long poll is not "the bot is busy"
        if counted:
            self._inflight += 1
        self._bump()
        params_raw: JsonDict = {}
        files: dict[str, UploadedFile] = {}
        status: int = 0
        body: JsonDict = {}  # status 0: no answer was sent (connection dropped or request cancelled)
        try:
            try:
                params_raw, files = request.params()
                status, body = await self._dispatch(request, token, lower, Params(params_raw), files)
            except ApiError as exc:
                status, body = exc.code, exc.body()
            if status == 0:  # "timeout"/"close" fault: the connection was dropped, no answer
                return
            request.answer(status, body)
        finally:
            if counted:
                self._inflight -= 1
            self._calls.append(Call(next(self._seq), method, decode_json_fields(params_raw), files, status, body))
            self._bump()

    async def _dispatch(
        self, request: ApiRequest, token: str, method: str, params: Params, files: dict[str, UploadedFile]
    ) -> tuple[int, JsonDict]:
        prefix = token.split(":", 1)[0]
        if prefix.isdigit():
            self.bot_id = int(prefix)  # like Telegram: the bot id is the token's number
        fault = self._faults.take(method, params)
        if fault is not None and fault.kind != "slow":
            return await self._apply_fault(request, fault)
        if method == "getupdates":
            return 200, {"ok": True, "result": await self._get_updates(params, lambda: request.gave_up)}
        implementation = self._method(method)
        if implementation is None:
            raise ApiError(404, "Not Found: method not found")
        if self.rate_limits is not None and method in self.rate_limits.methods:
            retry_after = self._rates.admit(params.chat_id(), self.rate_limits)
            if retry_after is not None:
                self.stats.rejected_429 += 1
                raise too_many_requests(retry_after)
        result = await implementation(params, files)
        if method in SEND_METHODS:
            chat_id = params.chat_id()
            self.stats.accepted += 1
            self.stats.per_chat[chat_id] += 1
            self.stats.texts[(chat_id, str(params.get_str("text") or params.get_str("caption") or ""))] += 1
        if fault is not None:  # "slow": done, but the answer comes late (or never, if the client hangs up)
            with contextlib.suppress(TimeoutError):
                await self.wait_until(lambda: request.gave_up or self._stopping, fault.hold, "client to give up")
            if request.gave_up or self._stopping:
                request.drop()
                return 0, {}
        return 200, {"ok": True, "result": result}

    async def _apply_fault(self, request: ApiRequest, fault: Fault) -> tuple[int, JsonDict]:
        if fault.kind in {"timeout", "close"}:
            if fault.kind == "timeout":
                # Hold until the client times out and hangs up (or the fake stops).
                with contextlib.suppress(TimeoutError):
                    await self.wait_until(
                        lambda: request.gave_up or self._stopping, HOLD_CAP_SECONDS, "client to give up"
                    )
            request.drop()
            return 0, {}
        if fault.kind == "429":
            self.stats.rejected_429 += 1
        raise fault.error()
