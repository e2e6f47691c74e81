"""Building the console's Starlette app: sign-in and sign-out, language switch, security headers, the pages."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.console import appointments, broadcasts, content, enrolment, questions, stats
from bot.console.links import new_secret, same_secret, secret_hash
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

# No inline script or style anywhere: every script and stylesheet is a file the console serves.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
SIGNIN_ATTEMPTS = 10  # sign-in attempts per client address …
SIGNIN_WINDOW = 60.0  # … per this many seconds (per console process)


class SecurityHeaders:
    """Adds the CSP and friends to every response; pages are never cached (they show patient data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += SECURITY_HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SigninLimiter:
    """At most SIGNIN_ATTEMPTS sign-in attempts per client address per SIGNIN_WINDOW seconds."""

    def __init__(self, attempts: int = SIGNIN_ATTEMPTS, window: float = SIGNIN_WINDOW) -> None:
        self.attempts = attempts
        self.window = window
        self.seen: dict[str, deque[float]] = {}

    def allow(self, client: str) -> bool:
        """Count one attempt; False when over the limit."""
        now = time.monotonic()
        times = self.seen.setdefault(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.attempts:
            return False
        times.append(now)
        if len(self.seen) > 10_000:  # forget quiet addresses rather than grow without bound
            self.seen = {k: v for k, v in self.seen.items() if v}
        return True


def build_console_app(ctx: ConsoleContext) -> Starlette:
    """The console as an ASGI app over `ctx` (no state of its own beyond the sign-in rate limiter)."""
    limiter = SigninLimiter()

    async def signin_form(request: Request) -> Response:
        token = str(request.path_params["token"])
        csrf = new_secret()
        response = render(ctx, request, "signin.html", token=token, csrf=csrf)
        ctx.set_cookie(response, PRESIGNIN_COOKIE, csrf, max_age=600)
        return response

    async def signin(request: Request) -> Response:
        client = request.client.host if request.client else "-"
        if not limiter.allow(client):
            return render(
                ctx, request, "error.html", status_code=429, title_key="forbidden_title", message_key="too_many"
            )
        form = await request.form(max_files=0, max_fields=5)
        csrf, token = field_text(form, "csrf", 200), field_text(form, "token", 200)
        expected = request.cookies.get(PRESIGNIN_COOKIE, "")
        if not csrf or not expected or not same_secret(csrf, expected):
            return plain_error(ctx, request, 403)
        session = new_secret()
        result = await ctx.db(
            ctx.queries.redeem_link, secret_hash(token), secret_hash(session), new_secret(), ctx.clock.now()
        )
        if result.outcome != "ok" or result.user_id not in ctx.settings.staff_user_ids:
            if result.outcome == "ok":
                await ctx.db(ctx.queries.end_session, secret_hash(session), ctx.clock.now(), "not in STAFF_USER_IDS")
            return render(ctx, request, "signin_failed.html", status_code=403)
        response = redirect("/")
        ctx.set_cookie(response, SESSION_COOKIE, session)
        response.delete_cookie(PRESIGNIN_COOKIE, path="/")
        return response

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

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return plain_error(ctx, request, 404 if status in (404, 405) else 403)

    routes: list[Any] = [
        Route("/", staff_page(ctx, home)),
        Route("/signin/{token}", signin_form, methods=["GET"]),
        Route("/signin", signin, methods=["POST"]),
        Route("/signout", staff_page(ctx, signout), methods=["POST"]),
        Route("/lang/{code}", switch_lang, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    for module in (enrolment, appointments, broadcasts, questions, content, stats):
        routes += module.routes(ctx)
    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
    app.add_middleware(SecurityHeaders)
    return app
