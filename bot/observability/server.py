"""`/healthz` and `/metrics` over HTTP, served by tornado on the bot's own asyncio loop.

python-telegram-bot already depends on tornado (for webhooks), so this needs no extra thread,
process or dependency. Wiring (in the application's start-up, inside the running loop)::

    server = ObservabilityServer(metrics, health, host=host, port=settings.metrics_port)
    await server.start()   # server.port is the bound port (useful with port=0)
    ...
    await server.stop()

`health` is an async callable returning `{check name: ok}`; the service is healthy when every
check is ok. Blocking work such as a database `SELECT 1` belongs in `asyncio.to_thread` so that a
slow database cannot freeze the bot's loop::

    async def health() -> dict[str, bool]:
        updater = app.updater
        return {
            "database": await asyncio.to_thread(db_ok),  # SELECT 1
            "updates": app.running and (updater is None or updater.running),
        }
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.observability.metrics import CONTENT_TYPE, Metrics

log = logging.getLogger(__name__)

HealthCallback = Callable[[], Awaitable[Mapping[str, bool]]]
"""Async callable returning `{check name: ok}`, e.g. `{"database": True, "updates": True}`."""

HEALTH_TIMEOUT = 5.0
"""Seconds a health callback may take; a hanging check (e.g. a stuck database) counts as failed."""


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, health: HealthCallback, timeout: float) -> None:
        self._health = health
        self._timeout = timeout

    async def get(self) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                results = dict(await self._health())
        except TimeoutError:
            log.warning("health check timed out after %.1f s", self._timeout)
            results = {"health_check": False}
        except Exception as exc:  # a failing check means "unhealthy", never a 500 page
            log.warning("health check raised %s", type(exc).__name__, exc_info=True)
            results = {"health_check": False}
        healthy = bool(results) and all(results.values())
        body = {
            "status": "ok" if healthy else "failing",
            "checks": {name: "ok" if ok else "failing" for name, ok in results.items()},
        }
        self.set_status(200 if healthy else 503)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class _MetricsHandler(tornado.web.RequestHandler):
    def initialize(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE)
        self.set_header("Cache-Control", "no-store")
        self.finish(self._metrics.render())


def _log_request(handler: tornado.web.RequestHandler) -> None:
    # Probes hit /healthz every few seconds: log only failures, not every successful poll.
    status = handler.get_status()
    if status >= 400:
        log.info("%s %s -> %d", handler.request.method, handler.request.path, status)


class ObservabilityServer:
    """An HTTP server for `/healthz` and `/metrics` on the current asyncio loop."""

    def __init__(
        self,
        metrics: Metrics,
        health: HealthCallback,
        *,
        host: str = "127.0.0.1",
        port: int = 9090,
        health_timeout: float = HEALTH_TIMEOUT,
    ) -> None:
        self.metrics = metrics
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self._app = tornado.web.Application(
            [
                (r"/healthz", _HealthHandler, {"health": health, "timeout": health_timeout}),
                (r"/metrics", _MetricsHandler, {"metrics": metrics}),
            ],
            log_function=_log_request,
        )
        self._server: tornado.httpserver.HTTPServer | None = None

    @property
    def port(self) -> int:
        """The bound port (the real one when constructed with port 0); only after `start()`."""
        if self._port is None:
            raise RuntimeError("the server has not been started")
        return self._port

    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. `http://127.0.0.1:9090`."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Bind and start serving on the running loop."""
        if self._server is not None:
            return
        # bind_sockets resolves the host and binds each address; with port 0 the first socket's
        # port is reused for the others, so every address family gets the same free port.
        sockets = tornado.netutil.bind_sockets(self._requested_port, self.host, family=socket.AF_UNSPEC)
        server = tornado.httpserver.HTTPServer(self._app, xheaders=False)
        server.add_sockets(sockets)
        self._server = server
        self._port = int(sockets[0].getsockname()[1])
        log.info("health and metrics on %s:%d", self.host, self._port)

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        await server.close_all_connections()

    async def __aenter__(self) -> ObservabilityServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()
