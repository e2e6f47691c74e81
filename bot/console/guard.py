"""The console's outermost layer: every request gets an id, a bounded body and the security headers,
and every failure a page of our own and a log line of our own.

It wraps the whole Starlette app (Starlette's own error middleware sits inside it and cannot add
headers to the 500 it sends), so it holds for every route, also those added later:

* a request id (12 hex digits) in `request.state.request_id`, the `X-Request-Id` header and the error page;
* the client address in `request.state.client_address`: the peer, or the address a configured
  trusted proxy (CONSOLE_TRUSTED_PROXIES) forwarded; a forwarded header from anyone else is ignored;
* a request body over `max_body` bytes is refused (413) before anything reads it: by its
  Content-Length at once, or when the stream passes the limit (`BodyTooLarge`, answered by the app);
* the Content-Security-Policy and friends on every response, errors included, and no caching of pages;
* an exception anywhere is logged through the project's logging (type and frames only: messages can
  quote SQL parameters, i.e. chat ids, times, external ids) and answered with the 500 page; it never
  reaches uvicorn, whose traceback would print those messages as plain text.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from collections.abc import Awaitable, Callable
from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("bot.console")

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
HSTS = (b"strict-transport-security", b"max-age=31536000")
BODY_OVERHEAD = 64 * 1024  # the form fields and multipart framing around an uploaded file

Networks = tuple[IPv4Network | IPv6Network, ...]
# (scope, status) -> the error page as (content type, body): the app renders it in the user's language,
# with the request id from the scope's state.
ErrorPage = Callable[[Scope, int], Awaitable[tuple[bytes, bytes]]]


class BodyTooLarge(Exception):
    """The request body passed the limit while it was being read."""


def client_address(scope: Scope, trusted: Networks) -> str:
    """The peer's address; from a trusted proxy, the nearest address it forwarded that is not a proxy itself."""
    peer = str((scope.get("client") or ("-", 0))[0])
    if not trusted or not _trusted(peer, trusted):
        return peer
    forwarded = [
        part.strip()
        for name, value in scope.get("headers", [])
        if name == b"x-forwarded-for"
        for part in value.decode("latin-1").split(",")
    ]
    # Each proxy appends the address it saw: read from the right, skipping our own proxies.
    for candidate in reversed(forwarded):
        if not _trusted(candidate, trusted):
            return candidate if _is_address(candidate) else peer
    return peer


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _trusted(address: str, trusted: Networks) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in trusted)


def _frames(exc: BaseException) -> str:
    return "".join(f"\n  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__))


class ConsoleGuard:
    """The ASGI middleware described above, around the console's Starlette app."""

    def __init__(
        self, app: ASGIApp, error_page: ErrorPage, *, max_body: int, trusted: Networks = (), https: bool = False
    ) -> None:
        self.app = app
        self.error_page = error_page
        self.max_body = max_body
        self.trusted = trusted
        self.headers = SECURITY_HEADERS + ([HSTS] if https else [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(6)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["client_address"] = client_address(scope, self.trusted)
        static = str(scope.get("path", "")).startswith("/static/")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                headers += self.headers
                headers.append((b"x-request-id", request_id.encode()))
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        if self._declared_length(scope) > self.max_body:
            await self._page(scope, send_with_headers, 413)
            return
        try:
            await self.app(scope, self._bounded(receive), send_with_headers)
        except Exception as exc:
            log.error(
                "console request failed: %s %s %s request=%s%s",
                type(exc).__name__,
                scope.get("method", "-"),
                _route(scope),
                request_id,
                _frames(exc),
            )
            if not started:
                await self._page(scope, send_with_headers, 500)

    def _declared_length(self, scope: Scope) -> int:
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return self.max_body + 1  # unreadable: refuse rather than guess
        return 0

    def _bounded(self, receive: Receive) -> Receive:
        received = 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        return bounded

    async def _page(self, scope: Scope, send: Send, status: int) -> None:
        content_type, body = await self.error_page(scope, status)
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        if status == 413:
            headers.append((b"connection", b"close"))  # the rest of the body is not read
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _route(scope: Scope) -> str:
    """The first part of the path only: a sign-in path carries its one-time token."""
    path = str(scope.get("path", ""))
    return "/" + path.lstrip("/").split("/", 1)[0]
