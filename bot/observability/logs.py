"""Logging set-up: plain text for people, one JSON object per line for log collectors.

Privacy rules for every log call in the bot (GDPR/AVG; logs are kept and shipped elsewhere):

* never log message texts, names, dates of birth or any other content a patient typed or received;
* never log a chat id or user id itself; log `bot.observability.pseudonyms.hash_chat_id(chat_id)` instead;
* log exception *types* freely, exception messages with care: database errors quote SQL parameters.

The bot token is a password. httpx logs every request URL, and Bot API URLs contain the token
(`https://api.telegram.org/bot<TOKEN>/sendMessage`), so `TokenRedactingFilter` rewrites every record
on the way out, and the formatters redact their final text (tracebacks included) once more. Two nets:
the secrets of this process are redacted *by value* (`redact_values`, filled from the environment by
`secrets_of`: the token whatever its shape, WEBHOOK_SECRET, INBOX_KEY, PATIENT_ID_KEY, LOG_HASH_SALT,
the database password), and anything shaped like a bot token by pattern. `RedactingStream` puts the
same redaction on standard error, for the lines that do not go through logging.
"""

from __future__ import annotations

import json as jsonlib
import logging
import re
import sys
import traceback
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, TextIO, cast
from urllib.parse import quote, urlsplit

# The environment variables whose values are secrets, redacted wherever they appear.
SECRET_VARIABLES: Final = ("TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "INBOX_KEY", "PATIENT_ID_KEY", "LOG_HASH_SALT")
MIN_SECRET: Final = 3  # shorter values would blank out ordinary words; no real secret is that short
_values: tuple[str, ...] = ()  # longest first

# `bot123456:AA…` in Bot API URLs, and a bare token anywhere else (e.g. in an exception message).
_URL_TOKEN: Final = re.compile(r"bot\d+:[A-Za-z0-9_-]+")
_BARE_TOKEN: Final = re.compile(r"(?<![A-Za-z0-9_])\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED: Final = "bot<redacted>"

# Attributes every LogRecord has; anything else on a record came from `extra=` and is emitted in JSON.
_STANDARD_ATTRS: Final = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

# Loggers that log one line per HTTP request (with the token in the URL) at INFO: only warnings.
_NOISY_LOGGERS: Final = ("httpx", "httpcore", "tornado.access")


def secrets_of(env: Mapping[str, str]) -> list[str]:
    """The secret values in `env`: each secret variable, the token's part after the colon, the database password."""
    found = [env.get(name, "").strip() for name in SECRET_VARIABLES]
    found += [key.strip() for key in env.get("INBOX_KEY", "").split(",")]  # several keys: each one alone too
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if ":" in token and len(token.split(":", 1)[1]) >= 6:  # Telegram quotes it without the bot id too
        found.append(token.split(":", 1)[1])
    try:
        found.append(urlsplit(env.get("DATABASE_URL", "")).password or "")
    except ValueError:
        pass
    return found


def redact_values(values: Iterable[str]) -> None:
    """Redact these values (and their URL-encoded forms) in every log record and error line from now on."""
    global _values
    known = set(_values)
    for value in values:
        if len(value) >= MIN_SECRET:
            known |= {value, quote(value, safe="")}
    _values = tuple(sorted(known, key=len, reverse=True))


def redact(text: str) -> str:
    """`text` with every known secret replaced by `<redacted>` and every bot token by `bot<redacted>`."""
    for value in _values:
        if value in text:
            text = text.replace(value, "<redacted>")
    if ":" not in text:  # fast path: a token always contains a colon
        return text
    return _BARE_TOKEN.sub("<redacted>", _URL_TOKEN.sub(REDACTED, text))


class RedactingStream:
    """A text stream (standard error) that redacts whatever is written to it; everything else is the stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write `text` redacted; the length of `text`, as a stream answers."""
        self._stream.write(redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        """Write each line redacted."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def redact_standard_error(env: Mapping[str, str]) -> None:
    """Learn the secrets of `env` and redact them (and token shapes) on standard error (once per process)."""
    redact_values(secrets_of(env))
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = cast(TextIO, RedactingStream(sys.stderr))


class TokenRedactingFilter(logging.Filter):
    """Rewrites records whose message (after %-formatting with args) contains a bot token.

    Install it on *handlers*: a filter on a logger does not see records propagated from its
    children (`httpx._client` and the like), a filter on the handler sees everything it writes.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        cleaned = redact(message)
        if cleaned != message:
            # Freeze the redacted message: args (e.g. an httpx.URL) would reintroduce the token.
            record.msg, record.args = cleaned, None
        return True


class UpdateContentFilter(logging.Filter):
    """Keeps python-telegram-bot's own records to one line without update content.

    PTB logs an update it cannot parse in full at CRITICAL ("Received data was …": message texts and
    names), and start-up failures with a traceback. A record from a `telegram` logger keeps its level,
    logger and message, plus the exception's type; the data and the traceback go.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("telegram"):
            return True
        exc = record.exc_info[1] if record.exc_info else None
        kind = f" ({type(exc).__name__})" if exc is not None else ""
        if "Received data" in str(record.msg):
            record.msg, record.args = f"an update could not be parsed and was not processed{kind}", None
        elif exc is not None:
            record.msg, record.args = f"{record.getMessage()}{kind}", None
        record.exc_info, record.exc_text = None, None
        return True


class PlainFormatter(logging.Formatter):
    """`2025-01-31T09:00:00.123Z INFO bot.app: message`, with the token redacted."""

    def __init__(self, fmt: str = "%(asctime)s %(levelname)s %(name)s: %(message)s") -> None:
        super().__init__(fmt)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _utc_iso(record.created)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (UTC, ISO 8601), level, logger, message, exc, and any `extra=`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": _utc_iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            # Type and frames only: exception messages can quote personal data (SQL parameters,
            # Telegram's echo of a message); the type and location are enough to find the bug.
            entry["exc_type"] = f"{type(exc).__module__}.{type(exc).__qualname__}"
            entry["exc_frames"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(exc.__traceback__)
            ]
        if record.stack_info:
            entry["stack"] = record.stack_info
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in entry and not key.startswith("_"):
                entry[key] = value
        return redact(jsonlib.dumps(entry, default=str, ensure_ascii=False))


def _utc_iso(created: float) -> str:
    return datetime.fromtimestamp(created, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def configure_logging(json: bool = False, level: int | str = logging.INFO, fmt: str | None = None) -> logging.Handler:
    """Send all logs to stderr as plain text or JSON lines, with bot tokens redacted.

    Replaces the root logger's handlers (so it can be called again, e.g. after `basicConfig`) and
    returns the new handler. httpx and other per-request loggers are limited to warnings.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json else PlainFormatter(fmt) if fmt else PlainFormatter())
    handler.addFilter(UpdateContentFilter())
    handler.addFilter(TokenRedactingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # python-telegram-bot logs whole updates (message texts, names) at DEBUG: never let them through,
    # even when the bot itself runs at DEBUG.
    logging.getLogger("telegram").setLevel(max(root.getEffectiveLevel(), logging.INFO))
    # Warnings from the warnings module go through logging too, so they are formatted and redacted.
    logging.captureWarnings(True)
    return handler
