"""HTTP transport of the fake: a tornado server on 127.0.0.1 that hands each request to the fake.

It runs in the *same* asyncio loop as the bot, so a test can inject updates, let python-telegram-bot
poll them and inspect what the bot sent without sleeping and without network access. Routes:
``/bot<token>/<method>`` (GET or POST) goes to the fake's `Serve` callback; anything else is 404.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.fakeapi.models import JsonDict, UploadedFile
from bot.fakeapi.wire import ApiError


class ApiRequest(tornado.web.RequestHandler):
    """One request to ``/bot<token>/<method>``, as the fake reads and answers it."""

    def initialize(self, serve: Serve, on_close: Callable[[], None]) -> None:
        """Called by tornado with the route's arguments."""
        self._serve = serve
        self._on_close = on_close
        self._closed = asyncio.Event()

    def on_connection_close(self) -> None:
        """A client gave up (timeout/cancel): release a held long poll or "timeout" fault."""
        self._closed.set()
        self._on_close()

    async def post(self, token: str, method: str) -> None:
        """Hand the request to the fake."""
        await self._serve(self, token, method)

    async def get(self, token: str, method: str) -> None:
        """Hand the request to the fake."""
        await self._serve(self, token, method)

    @property
    def gave_up(self) -> bool:
        """Whether the client closed the connection."""
        return self._closed.is_set()

    def params(self) -> tuple[JsonDict, dict[str, UploadedFile]]:
        """The parameters (JSON body, query and form fields; later ones win) and the uploaded files."""
        request = self.request
        raw: JsonDict = {}
        content_type = request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and request.body:
            try:
                body = json.loads(request.body)
            except json.JSONDecodeError:
                raise ApiError(400, "Bad Request: can't parse JSON body") from None
            if isinstance(body, dict):
                raw.update(body)
        for name, values in request.query_arguments.items():
            raw[name] = values[-1].decode("utf-8")
        for name, values in request.body_arguments.items():
            raw[name] = values[-1].decode("utf-8")
        files = {
            name: UploadedFile(
                items[-1].filename, bytes(items[-1].body), items[-1].content_type or "application/octet-stream"
            )
            for name, items in request.files.items()
        }
        return raw, files

    def answer(self, status: int, body: JsonDict) -> None:
        """Send the JSON answer."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def drop(self) -> None:
        """Close the connection without an answer."""
        self.detach().close()


Serve = Callable[[ApiRequest, str, str], Awaitable[None]]


class _NotFound(tornado.web.RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))


class HttpTransport:
    """The listening socket and its connections; `serve(request, token, method)` answers each request."""

    def __init__(self, serve: Serve, on_close: Callable[[], None]) -> None:
        self._serve = serve
        self._on_close = on_close
        self._server: tornado.httpserver.HTTPServer | None = None
        self._port = 0

    async def start(self, port: int = 0) -> None:
        """Bind 127.0.0.1 on `port` (0: a free one) and start serving in the running loop."""
        app = tornado.web.Application(
            [
                (r"/bot([^/]*)/([A-Za-z_]+)", ApiRequest, {"serve": self._serve, "on_close": self._on_close}),
                (r".*", _NotFound),
            ],
            log_function=lambda _handler: None,  # no access log noise in test output
        )
        sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
        self._port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    @property
    def port(self) -> int:
        """The bound port (0 before `start`)."""
        return self._port
