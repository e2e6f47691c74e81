"""The outbox: broadcast messages as database rows, delivered by one paced sender (`BroadcastSender`)."""

from bot.outbox.pacer import Pacer
from bot.outbox.sender import BroadcastSender, PassReport

__all__ = ["BroadcastSender", "Pacer", "PassReport"]
