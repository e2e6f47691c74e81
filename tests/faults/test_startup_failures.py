"""`python -m bot run` with a database it cannot use: a clear one-line error and a non-zero exit.

Each case runs the real command in a subprocess (with a timeout) and a token, so everything up to
polling would happen. TELEGRAM_BASE_URL points at a loopback socket that listens but never answers:
the test then checks that nobody connected to it, i.e. that the command failed before any network
call — and the environment can never reach api.telegram.org.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0  # bounds a hang only; SQLite's busy timeout (10 s) is the slowest expected case


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stderr: str
    connections: int  # connections made to the stand-in Telegram server


@pytest.fixture
def telegram_standin() -> Iterator[socket.socket]:
    """A loopback socket that accepts connections into its backlog but never answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def count_connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _ = server.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def run_bot(database_url: str, server: socket.socket) -> Outcome:
    port = server.getsockname()[1]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DATABASE_", "PG", "METRICS_", "WEBHOOK_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN="123:x",
        TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot",
        DATABASE_URL=database_url,
        PYTHONDONTWRITEBYTECODE="1",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return Outcome(proc.returncode, proc.stderr, count_connections(server))


def assert_clear_failure(outcome: Outcome) -> None:
    assert outcome.returncode not in (0, None), outcome
    assert "Traceback" not in outcome.stderr, outcome.stderr
    assert "database" in outcome.stderr.lower(), outcome.stderr
    assert outcome.connections == 0, "the bot contacted Telegram before checking its database"


def test_unreachable_postgresql(telegram_standin: socket.socket) -> None:
    outcome = run_bot("postgresql+psycopg://nobody@127.0.0.1:1/none", telegram_standin)
    assert_clear_failure(outcome)
    assert len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr


def test_unwritable_sqlite_path(tmp_path: Path, telegram_standin: socket.socket) -> None:
    # A path below a regular file: no directory can be created there, not even by root.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    outcome = run_bot(f"sqlite:///{blocker / 'data' / 'bot.db'}", telegram_standin)
    assert_clear_failure(outcome)
    assert len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr


def test_unopenable_sqlite_file(tmp_path: Path, telegram_standin: socket.socket) -> None:
    # The database path is a directory: SQLite cannot open it.
    (tmp_path / "bot.db").mkdir()
    outcome = run_bot(f"sqlite:///{tmp_path / 'bot.db'}", telegram_standin)
    assert_clear_failure(outcome)
    assert len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr


def test_locked_sqlite(tmp_path: Path, telegram_standin: socket.socket) -> None:
    path = tmp_path / "bot.db"
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("CREATE TABLE other_process (x)")
        holder.execute("BEGIN EXCLUSIVE")
        outcome = run_bot(f"sqlite:///{path}", telegram_standin)
    finally:
        holder.close()
    assert_clear_failure(outcome)
    assert "locked" in outcome.stderr
    assert len(outcome.stderr.strip().splitlines()) == 1, outcome.stderr
