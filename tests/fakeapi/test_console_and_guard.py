"""The terminal demo driven with piped input, and the root network guard."""

from __future__ import annotations

import io
import socket
from typing import Any

import pytest

from bot.fakeapi.demo_console import HINT, run_console

from .conftest import build_echo_app


async def test_console_with_piped_input() -> None:
    stdin = io.StringIO("hallo <wereld>\n\n2\n3\n9\n/doc\n/quit\nnot read\n")
    stdout = io.StringIO()
    await run_console(build_echo_app, stdin=stdin, stdout=stdout, step_timeout=5)
    lines = stdout.getvalue().splitlines()
    assert lines[0] == HINT
    assert "bot: Je zei: hallo <wereld>" in lines  # bold dropped, entities unescaped (no TTY: no ANSI)
    assert "     [1] Ok  [2] Nee" in lines
    assert "     [3] Website (https://www.amsterdamumc.nl)" in lines
    assert "> [Nee]" in lines
    assert "bot (bewerkt): Gekozen: nee" in lines
    # the edited message lost its buttons, so "3" and "9" are ordinary messages now
    assert "bot: Je zei: 3" in lines
    assert "bot: [bestand: afspraak.ics, 32 bytes]" in lines
    assert lines[-1] == "Tot ziens! / Bye!"
    assert "not read" not in stdout.getvalue()


async def test_console_stops_at_end_of_input() -> None:
    stdout = io.StringIO()
    await run_console(build_echo_app, stdin=io.StringIO("1\nhoi"), stdout=stdout, step_timeout=5)
    assert "bot: Je zei: 1" in stdout.getvalue()  # no buttons yet: a number is just text
    assert "bot: Je zei: hoi" in stdout.getvalue()


def test_network_guard_blocks_internet(network_guard: Any) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.1)
        with pytest.raises(OSError, match="network access blocked"):
            sock.connect(("192.0.2.1", 443))
        with pytest.raises(OSError, match="network access blocked"):
            sock.connect_ex(("192.0.2.1", 80))
    with pytest.raises(OSError, match="network access blocked"):
        socket.getaddrinfo("api.telegram.org", 443)
    with pytest.raises(OSError, match="network access blocked"):
        socket.create_connection(("api.telegram.org", 443), timeout=0.1)
    assert len(network_guard.attempts) == 4
    network_guard.clear()


def test_network_guard_allows_loopback() -> None:
    assert socket.getaddrinfo("localhost", 80)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
