"""Issue 25, findings 2, 3, 5, 6 and 10: what the console does with too much, too deep and broken.

Every response carries the security headers (500s included), a failure is logged our way (JSON when
asked, type and frames only, never the chat ids, times and external ids an exception message quotes)
and shown with a request id, a body over the limit is refused before it is read, a broadcast over
Telegram's limit is refused rather than cut.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from bot.console.web import ConsoleContext
from bot.staff.broadcast_draft import MAX_TEXT
from bot.staff.signin import create_signin_link
from bot.storage.offload import Offload
from bot.storage.store import open_storage
from tests.cli import clean_env, finish, start_bot
from tests.console.conftest import STAFF, csrf_of, sign_in
from tests.console.helpers import subscribers

HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options")
LEAK = "HIX-SECRET-77 chat 123456789 at 2026-12-20 10:00"


def _fail(*_args: object, **_kwargs: object) -> object:
    raise RuntimeError(f"[SQL: SELECT …] [parameters: ({LEAK!r},)]")


def test_a_500_has_the_headers_and_a_request_id_and_the_log_has_no_patient_data(
    client: TestClient, ctx: ConsoleContext, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    sign_in(client, ctx)
    monkeypatch.setattr(ctx.storage.console, "upcoming_appointments", _fail)
    response = client.get("/appointments")
    assert response.status_code == 500
    assert all(name in response.headers for name in HEADERS) and response.headers["cache-control"] == "no-store"
    request_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{12}", request_id) and request_id in response.text
    assert (
        "Er ging iets mis" in response.text and "HIX-SECRET" not in response.text and "Traceback" not in response.text
    )
    [record] = [r for r in caplog.records if r.name == "bot.console"]
    assert request_id in record.getMessage() and "RuntimeError" in record.getMessage()
    assert "HIX-SECRET" not in caplog.text and "123456789" not in caplog.text and "2026-12-20" not in caplog.text


def test_every_response_has_the_headers(client: TestClient, ctx: ConsoleContext) -> None:
    for response in (client.get("/enrolment"), client.get("/nowhere"), client.get("/static/console.css")):
        assert all(name in response.headers for name in HEADERS), response.status_code
    assert "server" not in client.get("/nowhere").headers


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    limit = ctx.settings.console_max_upload_bytes
    big = {"file": ("a.csv", b"x" * (limit + 100_000), "text/csv")}
    refused = client.post("/appointments/import", data={"csrf": csrf}, files=big)
    assert refused.status_code == 413 and "Te groot" in refused.text and "2 MB" in refused.text
    assert all(name in refused.headers for name in HEADERS)
    # Just under the request limit but over the file limit: the upload's own message.
    over = {"file": ("a.csv", b"x" * (limit + 10), "text/csv")}
    page = client.post("/appointments/import", data={"csrf": csrf}, files=over)
    assert page.status_code == 200 and "CONSOLE_MAX_UPLOAD_BYTES" in page.text
    # A form field over its size is one clear refusal too, never a 500.
    field = client.post("/broadcasts/preview", data={"csrf": csrf, "kind": "text", "text": "x" * 100_000})
    assert field.status_code == 400 and "te veel of te lange velden" in field.text


def test_a_bundle_nested_too_deep_is_one_line_not_an_error(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    deep = b'{"resourceType": "Bundle", "entry": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    files = {"file": ("bundle.json", deep, "application/json")}
    page = client.post("/appointments/import", data={"csrf": csrf}, files=files)
    assert page.status_code == 200 and "nested more than 32 levels" in page.text


def test_a_file_with_too_many_rows_or_a_long_field_is_refused(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    subscribers(ctx, [1000])
    rows = "".join(f"E{n},1000,ct,2026-12-20 10:00\n" for n in range(ctx.settings.import_max_rows + 1))
    files = {"file": ("a.csv", ("external_id,chat_id,type,at\n" + rows).encode(), "text/csv")}
    many = client.post("/appointments/import", data={"csrf": csrf}, files=files)
    assert "more than 5000 rows" in many.text and ctx.storage.list_appointments() == []
    long = f"external_id,chat_id,type,at,note\nE1,1000,ct,2026-12-20 10:00,{'n' * 5000}\n"
    refused = client.post(
        "/appointments/import", data={"csrf": csrf}, files={"file": ("a.csv", long.encode(), "text/csv")}
    )
    assert "note is 5000 characters long; a field holds at most 200" in refused.text


def test_a_broadcast_over_the_telegram_limit_is_refused_not_cut(client: TestClient, ctx: ConsoleContext) -> None:
    subscribers(ctx, [1001])
    csrf = sign_in(client, ctx)
    text = "Lees dit. " * 400  # 4,000 characters
    form = {"csrf": csrf, "kind": "text", "text": text, "audience": "all"}
    preview = client.post("/broadcasts/preview", data=form)
    assert preview.status_code == 200 and f"hoogstens {MAX_TEXT} tekens" in preview.text
    assert "3999 tekens" in preview.text and text.strip() in preview.text  # kept for editing, not cut
    confirmed = client.post("/broadcasts/confirm", data=form, follow_redirects=False)
    assert confirmed.status_code == 200 and ctx.storage.staff.list_broadcasts() == []
    exactly = client.post("/broadcasts/confirm", data={**form, "text": "x" * MAX_TEXT}, follow_redirects=False)
    assert exactly.status_code == 303


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_served_console_logs_a_failure_as_one_json_line_without_patient_data(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    storage = open_storage(f"sqlite:///{db}")
    link = create_signin_link(storage.console, "http://127.0.0.1", STAFF, datetime.now(UTC))
    port = _free_port()
    env = clean_env(DATABASE_URL=f"sqlite:///{db}", LOG_FORMAT="json", STAFF_USER_IDS=str(STAFF))
    process = await start_bot("console", "--port", str(port), env=env)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(600):  # the console starts in seconds; under load in tens of seconds
                try:
                    form = await client.get(link.removeprefix("http://127.0.0.1"))
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            token = re.search(r'name="token" value="([^"]+)"', form.text)
            assert token
            signed = await client.post("/signin", data={"csrf": csrf_of(form.text), "token": token.group(1)})
            assert signed.status_code == 303
            with sqlite3.connect(db) as conn:  # the database breaks under the running console
                conn.execute("ALTER TABLE pending_appointments RENAME TO gone")
            failed = await client.get("/appointments")
    finally:
        code, output = await finish(process, stop=True)
    assert failed.status_code == 500 and "content-security-policy" in failed.headers
    request_id = failed.headers["x-request-id"]
    lines = [line for line in output.splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    [entry] = [e for e in entries if request_id in e["message"]]
    # The console's calls go through the bot's Offload, which reports an OperationalError as DatabaseUnavailable.
    assert entry["level"] == "ERROR" and "DatabaseUnavailable" in entry["message"]
    assert any("database unavailable (OperationalError" in e["message"] for e in entries)
    assert "Traceback" not in output and "SELECT" not in output and "parameters" not in output
    for other in entries:  # no appointment times (the query's parameter is today's date)
        assert str(datetime.now(UTC).year) not in json.dumps({k: v for k, v in other.items() if k != "ts"})
    assert code == 0, output


def test_a_database_that_does_not_answer_is_a_500_within_the_deadline(
    client: TestClient, ctx: ConsoleContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, ctx)
    released = threading.Event()

    def hang(*_args: object, **_kwargs: object) -> object:
        released.wait(5)  # longer than any page takes, far longer than the deadline
        return []

    ctx.offload = Offload(deadline=0.2)  # the bot's Offload: a pool of its own and a deadline
    monkeypatch.setattr(ctx.storage.console, "upcoming_appointments", hang)
    started = time.monotonic()
    try:
        response = client.get("/appointments")
    finally:
        released.set()
    assert response.status_code == 500 and time.monotonic() - started < 4.5  # the hang lasts 5 s
    assert not ctx.offload.available
