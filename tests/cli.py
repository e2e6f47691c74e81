"""Running `python -m bot …` as a subprocess from the repository root, as a user or the Dockerfile would.

`run_bot` runs a command to its end; `start_bot` starts one (`python -m bot run`, say) for a test to
talk to, and `finish` waits for its end. `clean_env` and `bot_env` give it an environment without the
bot settings of the shell that runs the tests.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"  # the shape of a real token; the fake takes any
BOT_VARIABLES = (
    "TELEGRAM_", "DATABASE_URL", "STAFF_USER_IDS", "PURGE_", "ENROL_", "BROADCAST_", "METRICS_", "LOG_",
    "INBOX_", "WEBHOOK_", "JSON_", "CONSOLE_", "IMPORT_", "PATIENT_ID_KEY",
)  # fmt: skip


def run_bot(
    *args: str, input: str | None = None, env: Mapping[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` and return what it printed; never raises on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(env) if env is not None else None,
        timeout=timeout,
        check=False,
    )


async def start_bot(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    """Start `python -m bot ARGS` with `env`, its output piped, its input empty."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process, stop: bool = False) -> tuple[int, str]:
    """Wait (at most a minute) for `process` to end, after a Ctrl-C with `stop`; its exit code and output."""
    if stop and process.returncode is None:
        process.send_signal(signal.SIGINT)
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    except TimeoutError:
        process.kill()  # never leave a bot running behind a failed test
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, out.decode() + err.decode()


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without any bot setting, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(BOT_VARIABLES)}
    return {**env, **values}


def bot_env(base_url: str, database_url: str) -> dict[str, str]:
    """The environment of `python -m bot run` against the fake at `base_url` and `database_url`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "PG", "METRICS_", "WEBHOOK_", "STAFF_", "BROADCAST_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN="123:x",
        TELEGRAM_BASE_URL=base_url,
        DATABASE_URL=database_url,
        BROADCAST_RATE="25",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env
