"""Building the console's ASGI app: sign-in and sign-out, language switch, error pages, the pages, the guard.

Every route sits inside `ConsoleGuard` (bot.console.guard: request ids, body limits, security headers,
errors logged our way); a route added by any module gets all of that without doing anything.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope

from bot.console import appointments, broadcasts, content, enrolment, questions, stats
from bot.console.guard import BODY_OVERHEAD, BodyTooLarge, ConsoleGuard
from bot.console.web import (
    HERE,
    LANG_COOKIE,
    PRESIGNIN_COOKIE,
    SESSION_COOKIE,
    ConsoleContext,
    Staff,
    field_text,
    plain_error,
    redirect,
    render,
    staff_page,
)
from bot.staff.signin import new_secret, same_secret, secret_hash

SIGNIN_WINDOW = timedelta(minutes=1)  # failed sign-in attempts are counted per address over this window
MAX_ADDRESSES = 10_000  # addresses the limiter remembers at most (the least recent go first)


class BoundedIntConvertor(Convertor[int]):
    """`{name:int}` in every console route: at most 18 digits, so an id always fits a database integer.

    A longer number does not match the route: the plain 404 page, never an overflow further down.
    """

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("int", BoundedIntConvertor())


class SigninLimiter:
    """Failed sign-in attempts per client address: more than `attempts` within `window` answers 429.

    Only failures count, and a valid link always signs in (the link is checked whatever came before):
    junk from any address, this one included, never locks staff out. Tokens hold 256 random bits, so
    the limit is not what stops guessing; it keeps a flood of refusals cheap (no audit entries) and
    says so. Entries expire after the window; at most MAX_ADDRESSES are kept.
    """

    def __init__(self, attempts: int, window: timedelta = SIGNIN_WINDOW, capacity: int = MAX_ADDRESSES) -> None:
        self.attempts = attempts
        self.window = window
        self.capacity = capacity
        self.failures: OrderedDict[str, deque[datetime]] = OrderedDict()

    def over(self, address: str, now: datetime) -> bool:
        """Whether `address` has used up its failed attempts (without counting one)."""
        times = self._recent(address, now)
        return times is not None and len(times) >= self.attempts

    def failed(self, address: str, now: datetime) -> None:
        """Count one failed attempt."""
        times = self._recent(address, now)
        if times is None:
            times = self.failures[address] = deque()
        times.append(now)
        self.failures.move_to_end(address)
        self._expire(now)

    def _recent(self, address: str, now: datetime) -> deque[datetime] | None:
        times = self.failures.get(address)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self.failures[address]
            return None
        return times

    def _expire(self, now: datetime) -> None:
        # The least recently failing addresses are at the front: drop the stale ones, then any over capacity.
        while self.failures:
            address, times = next(iter(self.failures.items()))
            if times and times[-1] > now - self.window and len(self.failures) <= self.capacity:
                break
            del self.failures[address]


def _signin_routes(ctx: ConsoleContext) -> list[Route]:
    """The sign-in form of a one-time link and its POST, under the sign-in rate limiter."""
    limiter = SigninLimiter(ctx.settings.console_signin_attempts)

    async def signin_form(request: Request) -> Response:
        token = str(request.path_params["token"])
        csrf = new_secret()
        response = render(ctx, request, "signin.html", token=token, csrf=csrf)
        ctx.set_cookie(response, PRESIGNIN_COOKIE, csrf, max_age=600)
        return response

    async def signin(request: Request) -> Response:
        address = str(request.state.client_address)
        now = ctx.clock.now()
        form = await request.form(max_files=0, max_fields=5, max_part_size=1024)
        csrf, token = field_text(form, "csrf", 200), field_text(form, "token", 200)
        expected = request.cookies.get(PRESIGNIN_COOKIE, "")
        over = limiter.over(address, now)
        if not csrf or not expected or not same_secret(csrf, expected):
            limiter.failed(address, now)
            return too_many(request) if over else plain_error(ctx, request, 403)
        session = new_secret()
        result = await ctx.db(
            ctx.queries.redeem_link,
            secret_hash(token),
            secret_hash(session),
            new_secret(),
            now,
            ctx.settings.staff_user_ids,
            audit_refusal=not over,
        )
        if result.outcome != "ok":
            limiter.failed(address, now)
            if over:
                return too_many(request)
            return render(ctx, request, "signin_failed.html", status_code=403)
        response = redirect("/")
        ctx.set_cookie(response, SESSION_COOKIE, session)
        response.delete_cookie(PRESIGNIN_COOKIE, path="/")
        return response

    def too_many(request: Request) -> Response:
        return render(ctx, request, "error.html", status_code=429, title_key="forbidden_title", message_key="too_many")

    return [
        Route("/signin/{token}", signin_form, methods=["GET"]),
        Route("/signin", signin, methods=["POST"]),
    ]


def _session_routes(ctx: ConsoleContext) -> list[Route]:
    """Home, sign-out and the language switch."""

    async def signout(_ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
        await ctx.db(ctx.queries.end_session, staff.session_hash, ctx.clock.now())
        response = render(ctx, request, "signed_out.html")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def switch_lang(request: Request) -> Response:
        code = "en" if request.path_params["code"] == "en" else "nl"
        target = request.query_params.get("next", "/")
        if not target.startswith("/") or target.startswith("//") or "\\" in target:
            target = "/"
        response = redirect(target)
        ctx.set_cookie(response, LANG_COOKIE, code, max_age=365 * 24 * 3600)
        return response

    async def home(_ctx: ConsoleContext, _request: Request, _staff: Staff) -> Response:
        return redirect("/enrolment")

    return [
        Route("/", staff_page(ctx, home)),
        Route("/signout", staff_page(ctx, signout), methods=["POST"]),
        Route("/lang/{code}", switch_lang, methods=["GET"]),
    ]


def _exception_handlers(ctx: ConsoleContext) -> dict[Any, Callable[[Request, Exception], Awaitable[Response]]]:
    """The plain error pages for what the routes raise."""

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status in (400, 413):  # a form the parser refused (too many fields, a field too long)
            return plain_error(ctx, request, status)
        return plain_error(ctx, request, 404 if status in (404, 405) else 403)

    async def too_large(request: Request, _exc: Exception) -> Response:
        return plain_error(ctx, request, 413)

    async def server_error(request: Request, _exc: Exception) -> Response:
        return plain_error(ctx, request, 500)  # ConsoleGuard logs the exception

    return {HTTPException: http_error, BodyTooLarge: too_large, Exception: server_error}


def build_console_app(ctx: ConsoleContext) -> ASGIApp:
    """The console as an ASGI app over `ctx` (no state of its own beyond the sign-in rate limiter)."""

    async def error_page(scope: Scope, status: int) -> tuple[bytes, bytes]:
        response = plain_error(ctx, Request(scope), status)
        return b"text/html; charset=utf-8", bytes(response.body)

    routes: list[Any] = [
        *_session_routes(ctx),
        *_signin_routes(ctx),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    for module in (enrolment, appointments, broadcasts, questions, content, stats):
        routes += module.routes(ctx)
    app = Starlette(routes=routes, exception_handlers=_exception_handlers(ctx))
    return ConsoleGuard(
        app,
        error_page,
        max_body=ctx.settings.console_max_upload_bytes + BODY_OVERHEAD,
        trusted=ctx.settings.console_trusted_proxies,
        https=ctx.secure_cookies,
    )
