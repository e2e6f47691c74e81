"""Root test configuration: a network guard for every test.

Tests must never reach the internet (api.telegram.org in particular). Every socket connect to a
non-loopback address and every name lookup of a non-local host raises `NetworkBlocked`, and — since
libraries such as PTB retry or swallow network errors — the attempt is also recorded and fails the
test at teardown. Loopback (127.0.0.0/8, ::1, localhost) and AF_UNIX sockets are allowed.
Area-specific fixtures belong in the subfolders' conftest.py files.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}

os.environ.setdefault("PTB_TIMEDELTA", "1")  # as bot/__main__.py does: no deprecation warning per 429


class NetworkBlocked(OSError):
    """A test tried to use the network beyond loopback."""


class NetworkGuard:
    """Records blocked attempts; a test that expects them calls `clear()`."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def clear(self) -> None:
        self.attempts.clear()

    def block(self, what: str) -> NetworkBlocked:
        self.attempts.append(what)
        return NetworkBlocked(f"network access blocked in tests: {what} (only loopback is allowed)")


def _is_local_host(host: Any, *, allow_wildcard: bool = False) -> bool:
    if host is None or (isinstance(host, bytes | bytearray) and not host):
        return True
    name = host.decode() if isinstance(host, bytes | bytearray) else str(host)
    if name.lower() in _LOCAL_NAMES or (allow_wildcard and name in {"", "0.0.0.0", "::"}):  # noqa: S104
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host: Any) -> bool:
    try:
        ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return False
    return True


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    """Block non-loopback connects and lookups; fail the test if any was attempted."""
    guard = NetworkGuard()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_create_connection = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    def check_address(sock: socket.socket, address: Any) -> None:
        if sock.family == getattr(socket, "AF_UNIX", None):
            return
        host = address[0] if isinstance(address, tuple) else address
        if not _is_local_host(host):
            raise guard.block(f"connect to {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        check_address(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check_address(self, address)
        return real_connect_ex(self, address)

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        if not _is_local_host(address[0]):
            raise guard.block(f"create_connection to {address!r}")
        return real_create_connection(address, *args, **kwargs)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        # IP literals need no DNS (a connect to them is checked above); names must be local.
        if not (_is_local_host(host, allow_wildcard=True) or _is_ip_literal(host)):
            raise guard.block(f"name lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield guard
    if guard.attempts:
        pytest.fail("network access was attempted (tests must stay on loopback):\n  " + "\n  ".join(guard.attempts))
