"""The /healthz and /metrics server over loopback, on the test's own event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping

import httpx
import pytest

from bot.observability.metrics import Metrics
from bot.observability.server import HealthCallback, ObservabilityServer


class Health:
    """A health callback whose answer the test controls."""

    def __init__(self) -> None:
        self.checks: dict[str, bool] = {"database": True, "updates": True}
        self.error: BaseException | None = None
        self.delay = 0.0

    async def __call__(self) -> Mapping[str, bool]:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return self.checks


@pytest.fixture
def health() -> Health:
    return Health()


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@pytest.fixture
async def server(metrics: Metrics, health: Health) -> AsyncIterator[ObservabilityServer]:
    srv = ObservabilityServer(metrics, health, host="127.0.0.1", port=0, health_timeout=0.5)
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture
async def client(server: ObservabilityServer) -> AsyncIterator[httpx.AsyncClient]:
    # trust_env=False: a proxy from the environment must not capture loopback requests.
    async with httpx.AsyncClient(base_url=server.url, trust_env=False, timeout=5.0) as c:
        yield c


async def test_port_zero_binds_a_free_port(server: ObservabilityServer) -> None:
    assert server.port > 0
    assert server.url == f"http://127.0.0.1:{server.port}"


async def test_healthz_is_200_with_the_checks_when_healthy(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "updates": "ok"}}


async def test_healthz_is_503_when_a_check_fails(client: httpx.AsyncClient, health: Health) -> None:
    health.checks["database"] = False
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "checks": {"database": "failing", "updates": "ok"}}


async def test_healthz_is_503_when_the_callback_raises(client: httpx.AsyncClient, health: Health) -> None:
    health.error = RuntimeError("database is gone")
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"health_check": "failing"}
    assert "database is gone" not in response.text


async def test_healthz_is_503_when_the_callback_hangs(client: httpx.AsyncClient, health: Health) -> None:
    health.delay = 5.0
    response = await client.get("/healthz")
    assert response.status_code == 503


async def test_healthz_with_no_checks_is_not_healthy(client: httpx.AsyncClient, health: Health) -> None:
    health.checks = {}
    assert (await client.get("/healthz")).status_code == 503


async def test_metrics_serves_the_prometheus_text_format(client: httpx.AsyncClient, metrics: Metrics) -> None:
    metrics.alarm("seh")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert 'bot_alarms_total{level="seh"} 1.0' in response.text
    assert "# TYPE bot_handler_latency_seconds histogram" in response.text


async def test_unknown_paths_and_methods_are_refused(client: httpx.AsyncClient) -> None:
    assert (await client.get("/")).status_code == 404
    assert (await client.post("/metrics", content=b"")).status_code == 405


async def test_stop_closes_the_port_and_is_idempotent(metrics: Metrics, health: HealthCallback) -> None:
    srv = ObservabilityServer(metrics, health, port=0)
    with pytest.raises(RuntimeError):
        _ = srv.port
    async with srv:
        port = srv.port
        async with httpx.AsyncClient(trust_env=False) as c:
            assert (await c.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
    await srv.stop()
    async with httpx.AsyncClient(trust_env=False) as c:
        with pytest.raises(httpx.ConnectError):
            await c.get(f"http://127.0.0.1:{port}/healthz")
