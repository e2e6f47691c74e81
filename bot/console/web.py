"""What every console page shares: the context (services), templates, the staff guard with CSRF, responses.

Storage is synchronous (SQLAlchemy); every call goes through `ctx.db(...)`, the bot's `Offload`: a worker
thread of a bounded pool and a deadline, so the event loop never blocks on the database and a database
that does not answer makes a page fail (`DatabaseUnavailable`, the 500 page) instead of hanging.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.clock import Clock, local
from bot.console.texts import ConsoleLang, ConsoleTexts
from bot.knowledge import KnowledgeStore
from bot.settings import Settings
from bot.staff.signin import same_secret, secret_hash
from bot.storage.console_queries import ConsoleQueries, ConsoleSession
from bot.storage.offload import Offload
from bot.storage.store import Storage

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "console_session"
PRESIGNIN_COOKIE = "console_presignin"
LANG_COOKIE = "console_lang"
FORM_FIELD_BYTES = 64 * 1024  # one form field (not a file): a broadcast text is at most 3,500 characters

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class ConsoleContext:
    """The services behind the console, built once by `build_console_app` and passed to every page."""

    settings: Settings
    storage: Storage
    knowledge: KnowledgeStore
    clock: Clock
    offload: Offload = field(default_factory=Offload)
    templates: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(("html", "svg")),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["local"] = lambda when, fmt="%d-%m-%Y %H:%M": f"{local(when):{fmt}}"

    async def db(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a synchronous storage call off the loop, within the deadline of `offload`."""
        return await self.offload(fn, *args, **kwargs)

    @property
    def texts(self) -> ConsoleTexts:
        """The console's texts (`content/console.yaml`) of the content in use."""
        return self.knowledge.current.catalog.console

    @property
    def queries(self) -> ConsoleQueries:
        """The console's own queries (`storage.console`)."""
        return self.storage.console

    @property
    def secure_cookies(self) -> bool:
        """Cookies are Secure when staff reach the console over https (the scheme of CONSOLE_URL)."""
        return urlsplit(self.settings.console_url).scheme == "https"

    def set_cookie(self, response: Response, name: str, value: str, max_age: int | None = None) -> None:
        """HttpOnly, SameSite=Strict, Secure when CONSOLE_URL is https, for the whole console."""
        response.set_cookie(
            name, value, max_age=max_age, path="/", httponly=True, samesite="strict", secure=self.secure_cookies
        )


@dataclass(frozen=True)
class Staff:
    """The signed-in staff member of a request."""

    user_id: int
    csrf: str
    session_hash: str


def lang_of(request: Request) -> ConsoleLang:
    """The interface language: the switch's cookie, else Dutch."""
    return "en" if request.cookies.get(LANG_COOKIE) == "en" else "nl"


def render(
    ctx: ConsoleContext,
    request: Request,
    template: str,
    status_code: int = 200,
    staff: Staff | None = None,
    **values: Any,
) -> HTMLResponse:
    """A page (or an htmx fragment) in the request's language."""
    lang = lang_of(request)
    page = ctx.templates.get_template(template).render(
        lang=lang,
        t=lambda key, **v: ctx.texts.t(key, lang, **v),
        staff=staff,
        path=request.url.path,
        **values,
    )
    return HTMLResponse(page, status_code=status_code)


ERROR_KEYS = {400: "bad_request", 403: "forbidden", 404: "not_found", 413: "too_large", 500: "server_error"}


def plain_error(ctx: ConsoleContext, request: Request, status_code: int) -> HTMLResponse:
    """The plain error pages: they say nothing about why beyond the status (and the request id, to report it)."""
    key = ERROR_KEYS.get(status_code, "forbidden")
    return render(
        ctx,
        request,
        "error.html",
        status_code=status_code,
        title_key=f"{key}_title",
        message_key=key,
        request_id=getattr(request.state, "request_id", None),
        upload_limit=ctx.settings.console_max_upload_bytes // 1_000_000 or 1,
    )


async def current_staff(ctx: ConsoleContext, request: Request, background: bool = False) -> Staff | None:
    """The staff member of the session cookie, or None. STAFF_USER_IDS is checked on every request.

    A `background` request (a poll nobody clicked, such as the broadcast progress) does not count as
    activity: an unattended session still ends after the idle time.
    """
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    hashed = secret_hash(secret)
    settings = ctx.settings
    session: ConsoleSession | None = await ctx.db(
        ctx.queries.touch_session,
        hashed,
        ctx.clock.now(),
        timedelta(minutes=settings.console_idle_minutes),
        timedelta(hours=settings.console_session_hours),
        extend=not background,
    )
    if session is None:
        return None
    if session.user_id not in ctx.settings.staff_user_ids:
        await ctx.db(ctx.queries.end_session, hashed, ctx.clock.now(), "no longer in STAFF_USER_IDS")
        return None
    return Staff(session.user_id, session.csrf_token, hashed)


Page = Callable[[ConsoleContext, Request, Staff], Awaitable[Response]]


def staff_page(ctx: ConsoleContext, page: Page, background: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint for staff only; every POST must carry the session's CSRF token (form field `csrf`).

    `background`: the route is polled by the page itself (htmx `every …`), so it does not keep the
    session alive. The form is parsed with bounds (fields, field size); the body's size is bounded
    before that by `ConsoleGuard`.
    """

    @functools.wraps(page)
    async def endpoint(request: Request) -> Response:
        staff = await current_staff(ctx, request, background)
        if staff is None:
            response = render(ctx, request, "signed_out.html", status_code=403)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response
        if request.method != "POST":
            return await page(ctx, request, staff)
        # Closed after the page: an uploaded file's temporary file goes with it.
        async with request.form(max_files=1, max_fields=40, max_part_size=FORM_FIELD_BYTES) as form:
            request.state.form = form
            token = form.get("csrf")
            if not isinstance(token, str) or not same_secret(token, staff.csrf):
                return plain_error(ctx, request, 403)
            return await page(ctx, request, staff)

    return endpoint


def form_of(request: Request) -> FormData:
    """The parsed form of a POST (parsed once by `staff_page`)."""
    form: FormData = request.state.form
    return form


def field_text(form: FormData, name: str, limit: int = 4000) -> str:
    """A text field, stripped and cut to `limit` characters ('' when absent or a file)."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def redirect(path: str) -> RedirectResponse:
    """303 See Other to a path of the console."""
    return RedirectResponse(path, status_code=303)
