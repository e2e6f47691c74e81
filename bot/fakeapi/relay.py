"""A TCP relay for tests that can stop forwarding, like a network partition or a hung proxy.

Runs in threads of its own (never on the event loop under test), so it keeps relaying while the
bot's loop is busy, and a paused relay holds every byte until `resume()`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Relay:
    """Forwards 127.0.0.1:<port> to `target`; `pause()` stops forwarding in both directions."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True, name="relay-accept").start()

    def pause(self) -> None:
        """Stop forwarding: connections stay open, nothing gets through (a hang, not a refusal)."""
        self._flowing.clear()

    def resume(self) -> None:
        """Forward again, including what was held."""
        self._flowing.set()

    def close(self) -> None:
        """Stop accepting and drop every connection."""
        self._closed.set()
        self._flowing.set()
        with contextlib.suppress(OSError):
            self._server.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True, name="relay-pump").start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self._flowing.wait()
                if self._closed.is_set():
                    break
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@contextmanager
def relay_to(host: str, port: int) -> Iterator[Relay]:
    """A running relay to host:port, closed afterwards."""
    relay = Relay((host, port))
    try:
        yield relay
    finally:
        relay.close()
