"""The transcript fixtures of tests/app (a running bot over the local fake, a manual clock)."""

from tests.app.conftest import chat, clock

__all__ = ["chat", "clock"]
