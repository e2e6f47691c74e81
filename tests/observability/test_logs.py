"""Logging: JSON lines, plain text, and the bot token never reaching the output."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from bot.observability.logs import (
    JsonFormatter,
    PlainFormatter,
    RedactingStream,
    TokenRedactingFilter,
    configure_logging,
    redact,
    redact_values,
    secrets_of,
)

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
URL = f"https://api.telegram.org/bot{TOKEN}/sendMessage"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state; put it back after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "tornado.access", "telegram")}
    try:
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        for name, old in levels.items():
            logging.getLogger(name).setLevel(old)
        logging.captureWarnings(False)


def make_logger(formatter: logging.Formatter) -> tuple[logging.Logger, io.StringIO]:
    """A private logger writing through a handler with the redacting filter, like configure_logging's."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(TokenRedactingFilter())
    logger = logging.getLogger(f"test.observability.{id(stream)}")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (URL, "https://api.telegram.org/bot<redacted>/sendMessage"),
        (
            f"POST https://x/bot{TOKEN}/getMe and /file/bot{TOKEN}/a.pdf",
            "POST https://x/bot<redacted>/getMe and /file/bot<redacted>/a.pdf",
        ),
        (f"token {TOKEN} leaked", "token <redacted> leaked"),
        ("bot123:short/getMe", "bot<redacted>/getMe"),
        ("at 12:30 the appointment", "at 12:30 the appointment"),
        ("plain text without colon", "plain text without colon"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_httpx_request_line_is_redacted_also_when_the_url_is_an_argument() -> None:
    logger, stream = make_logger(PlainFormatter())
    # httpx's own call: logger.info('HTTP Request: %s %s "%s %d %s"', method, url, ...), url an httpx.URL.
    logger.info('HTTP Request: %s %s "%s %d %s"', "POST", httpx.URL(URL), "HTTP/1.1", 200, "OK")
    out = stream.getvalue()
    assert TOKEN not in out and "123456789" not in out
    assert 'HTTP Request: POST https://api.telegram.org/bot<redacted>/sendMessage "HTTP/1.1 200 OK"' in out


def test_filter_freezes_the_redacted_message_and_drops_the_args() -> None:
    record = logging.makeLogRecord({"msg": "calling %s", "args": (URL,), "name": "httpx"})
    assert TokenRedactingFilter().filter(record) is True
    assert record.args is None
    assert record.getMessage() == "calling https://api.telegram.org/bot<redacted>/sendMessage"
    untouched = logging.makeLogRecord({"msg": "sent %d reminders", "args": (3,)})
    TokenRedactingFilter().filter(untouched)
    assert untouched.args == (3,)


def test_token_in_an_exception_is_redacted_in_both_formats() -> None:
    for formatter in (PlainFormatter(), JsonFormatter()):
        logger, stream = make_logger(formatter)
        try:
            raise ConnectionError(f"cannot reach {URL}")
        except ConnectionError:
            logger.exception("polling failed for %s", URL)
        assert TOKEN not in stream.getvalue()
        assert "bot<redacted>" in stream.getvalue()


def test_json_lines_have_utc_timestamp_level_logger_message_and_extras() -> None:
    logger, stream = make_logger(JsonFormatter())
    logger.warning("reminder %s for %s", "failed", "chat-abc123", extra={"chat": "chat-abc123", "attempt": 2})
    logger.info("second line")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    entry = json.loads(lines[0])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == logger.name
    assert entry["message"] == "reminder failed for chat-abc123"
    assert entry["chat"] == "chat-abc123" and entry["attempt"] == 2
    assert entry["ts"].endswith("Z")
    ts = datetime.fromisoformat(entry["ts"])
    assert ts.utcoffset() is not None and ts.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert abs((datetime.now(UTC) - ts).total_seconds()) < 60
    assert "exc_type" not in entry


def test_json_exception_has_type_and_frames_but_not_the_message() -> None:
    logger, stream = make_logger(JsonFormatter())

    def inner() -> None:
        raise ValueError("patient typed: ik heb koorts")

    try:
        inner()
    except ValueError:
        logger.exception("handler failed")
    entry = json.loads(stream.getvalue())
    assert entry["message"] == "handler failed"
    assert entry["exc_type"] == "builtins.ValueError"
    assert any(frame.endswith("in inner") for frame in entry["exc_frames"])
    assert "koorts" not in stream.getvalue()


@pytest.mark.usefixtures("restore_logging")
def test_configure_logging_json_writes_one_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    handler = configure_logging(json=True, level="DEBUG")
    assert logging.getLogger().handlers == [handler]
    logging.getLogger("bot.test").info("started")
    logging.getLogger("httpx").info("HTTP Request: POST %s", URL)  # below WARNING for httpx: dropped
    logging.getLogger("httpx").warning("HTTP Request: POST %s", URL)
    logging.getLogger("telegram.ext.Application").debug("Processing update %s", "Update(text='koorts')")
    lines = capsys.readouterr().err.splitlines()
    entries = [json.loads(line) for line in lines]
    assert [e["logger"] for e in entries] == ["bot.test", "httpx"]
    assert entries[1]["message"] == "HTTP Request: POST https://api.telegram.org/bot<redacted>/sendMessage"
    assert TOKEN not in "".join(lines)


@pytest.mark.usefixtures("restore_logging")
def test_configure_logging_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=False, level=logging.INFO)
    logging.getLogger("bot.test").debug("hidden")
    logging.getLogger("bot.test").info("visible %s", URL)
    err = capsys.readouterr().err
    assert "hidden" not in err
    line = err.strip()
    assert " INFO bot.test: visible https://api.telegram.org/bot<redacted>/sendMessage" in line
    assert datetime.fromisoformat(line.split(" ", 1)[0]).tzinfo is not None


@pytest.fixture
def known_secrets() -> Iterator[None]:
    """redact_values is process-wide: put the known values back after the test."""
    from bot.observability import logs

    before = logs._values
    try:
        yield
    finally:
        logs._values = before


def test_secrets_are_redacted_by_value_in_records_tracebacks_and_standard_error(known_secrets: None) -> None:
    # Issue 25, finding 7: the token whatever its shape, and the other secrets of the environment.
    env = {
        "TELEGRAM_BOT_TOKEN": "42:tiny-secret",
        "WEBHOOK_SECRET": "hook-Secret-1",
        "INBOX_KEY": "inbox key 2",
        "PATIENT_ID_KEY": "pid/key+3",
        "DATABASE_URL": "postgresql+psycopg://bot:pg-Pass-4@db:5432/bot",
    }
    redact_values(secrets_of(env))
    leaked = ["42:tiny-secret", "tiny-secret", "hook-Secret-1", "inbox key 2", "pid%2Fkey%2B3", "pg-Pass-4"]
    for formatter in (PlainFormatter(), JsonFormatter()):
        logger, stream = make_logger(formatter)
        logger.warning("calling %s with %s", "https://api.example/bot42:tiny-secret/getMe", env["WEBHOOK_SECRET"])
        try:
            raise ValueError(f"bad key {env['PATIENT_ID_KEY']} and {env['INBOX_KEY']}")
        except ValueError:
            logger.exception("failed with %s", "pid%2Fkey%2B3")
        out = stream.getvalue()
        assert all(secret not in out for secret in leaked) and "<redacted>" in out
    buffer = io.StringIO()
    RedactingStream(buffer).write("Traceback: InvalidToken: The token `42:tiny-secret` was rejected; pg-Pass-4\n")
    assert all(secret not in buffer.getvalue() for secret in leaked)
    assert redact("two letters ab and a time 12:30 stay") == "two letters ab and a time 12:30 stay"
