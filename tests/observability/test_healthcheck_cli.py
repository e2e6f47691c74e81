"""`python -m bot healthcheck`, run exactly as the Dockerfile's HEALTHCHECK runs it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping

import pytest

from bot.observability import cli
from bot.observability.metrics import Metrics
from bot.observability.server import ObservabilityServer
from tests.observability.conftest import run_bot


async def healthy() -> Mapping[str, bool]:
    return {"database": True}


async def unhealthy() -> Mapping[str, bool]:
    return {"database": False}


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_exit_0_when_healthy_and_1_when_unhealthy_or_unreachable() -> None:
    async with (
        ObservabilityServer(Metrics(), healthy, port=0) as good,
        ObservabilityServer(Metrics(), unhealthy, port=0) as bad,
    ):
        ok, failing, unreachable = await asyncio.gather(
            run_bot("healthcheck", "--url", f"{good.url}/healthz"),
            run_bot("healthcheck", "--url", f"{bad.url}/healthz"),
            run_bot("healthcheck", "--url", f"http://127.0.0.1:{closed_port()}/healthz", "--timeout", "2"),
        )
    assert ok.returncode == 0, ok.stderr
    assert "healthy" in ok.stdout
    assert failing.returncode == 1
    assert "HTTP 503" in failing.stderr
    assert unreachable.returncode == 1
    assert "unhealthy" in unreachable.stderr


async def test_check_in_process_refuses_other_schemes() -> None:
    ok, reason = await asyncio.to_thread(cli.check, "file:///etc/passwd")
    assert not ok and "http" in reason


@pytest.mark.parametrize(
    ("env", "url"),
    [
        ({}, "http://127.0.0.1:9090/healthz"),
        ({"METRICS_PORT": "0"}, "http://127.0.0.1:9090/healthz"),
        ({"METRICS_PORT": "9123"}, "http://127.0.0.1:9123/healthz"),
        ({"METRICS_PORT": "nine"}, "http://127.0.0.1:9090/healthz"),
    ],
)
def test_default_url_follows_metrics_port(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], url: str) -> None:
    monkeypatch.delenv("METRICS_PORT", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert cli.default_url() == url
