"""Local fake of the Telegram Bot API and a transcript harness for tests, the demo and benchmarks."""

from bot.fakeapi.models import Button, Call, MessageEvent, SentMessage, Stats, UploadedFile
from bot.fakeapi.server import ApiError, FakeBotApi, RateLimits

__all__ = [
    "ApiError",
    "Button",
    "Call",
    "FakeBotApi",
    "MessageEvent",
    "RateLimits",
    "SentMessage",
    "Stats",
    "UploadedFile",
]
