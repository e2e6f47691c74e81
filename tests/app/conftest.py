"""Transcript fixtures: the real Application over the local Bot API fake, real SQLite, and a clock
that only moves when a test moves it (see tests/chats.py)."""

from tests.chats import chat, clock

__all__ = ["chat", "clock"]
