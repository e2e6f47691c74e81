"""Helpers for the observability tests: run `python -m bot …` exactly as the container does."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.observability.metrics import Metrics
from tests.cli import start_bot

REPO = Path(__file__).resolve().parents[2]
COMMAND_TIMEOUT = 60.0  # only bounds a hanging command; they normally take about a second


@dataclass(frozen=True)
class Completed:
    """Exit code and output of one command."""

    returncode: int
    stdout: str
    stderr: str


async def run_bot(*args: str) -> Completed:
    """`python -m bot ARGS` in a subprocess from the repository root, without blocking the loop.

    Async so that a server running on the test's loop can answer the subprocess meanwhile.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"METRICS_PORT", "DATABASE_URL"}}
    process = await start_bot(*args, env=env)
    try:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            out, err = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        pytest.fail(f"python -m bot {' '.join(args)} did not finish within {COMMAND_TIMEOUT} s")
    assert process.returncode is not None
    return Completed(process.returncode, out.decode(), err.decode())


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of `metrics.render()` by (name, sorted labels), parsed as Prometheus would."""
    text = metrics.render().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
