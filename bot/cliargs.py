"""argparse types for numbers on the command line: out of range is a one-line usage error, never a traceback.

Python's int is unbounded, SQLite's and PostgreSQL's BIGINT are not, and dates end in year 9999: an id
or a day count checked here cannot overflow further down.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bot.settings import MAX_TELEGRAM_ID

MAX_RECORD_ID = 2**63 - 1


def bounded_int(low: int, high: int, what: str = "a whole number") -> Callable[[str], int]:
    """An argparse type accepting whole numbers from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what} from {low} to {high}, not {text[:40]!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {what} from {low} to {high}, not {text[:40]}")
        return value

    parse.__name__ = what  # argparse names the type in its messages
    return parse


chat_id = bounded_int(1, MAX_TELEGRAM_ID - 1, "a patient's Telegram chat id")
record_id = bounded_int(1, MAX_RECORD_ID, "an id")
