"""The transcript fixtures (a running bot over the local fake, a manual clock; see tests/chats.py)."""

from tests.chats import chat, clock

__all__ = ["chat", "clock"]
