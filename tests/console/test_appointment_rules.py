"""Issue 25, findings 1-4 and 10: the console checks appointments by the one set of rules every way in shares.

Each test is a red-team probe: the console accepted a year typo, an "open end" date, the project's own
`;`-separated example file was refused, a chat id beyond 64 bits or an external id beyond the column
answered 500, a FHIR file with a byte order mark was read as CSV.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.clock import AMSTERDAM
from bot.console.app import build_console_app
from bot.console.cli import build_context
from bot.console.web import ConsoleContext
from bot.reminders.codes import code_hash
from bot.staff.enrolment import EnrolmentService
from bot.storage.store import open_storage
from tests.cli import ROOT
from tests.console.conftest import CONSOLE_URL, console_settings, sign_in
from tests.console.helpers import DATA, enrol_through_console, subscribers
from tests.databases import pg_url

__all__ = ["pg_url"]  # a fixture


def _code(client: TestClient, csrf: str) -> str:
    card = client.post("/enrolment", data={"csrf": csrf, "identifier": ""})
    found = re.search(r"\?start=([A-Za-z0-9_-]{32})", card.text)
    assert found
    return found.group(1)


def _upload(client: TestClient, csrf: str, name: str, data: bytes) -> str:
    response = client.post("/appointments/import", data={"csrf": csrf}, files={"file": (name, data, "text/csv")})
    assert response.status_code == 200, response.text
    text: str = response.text  # Any to mypy: starlette's stubs type the TestClient with httpx2, not installed
    return text


@pytest.mark.parametrize("at", ["9999-12-31 10:00", "2062-12-10 10:00", "2025-12-10 10:00", "0001-01-01 00:00"])
def test_add_refuses_an_open_end_a_year_typo_and_the_past(client: TestClient, ctx: ConsoleContext, at: str) -> None:
    csrf = sign_in(client, ctx)
    enrolled = enrol_through_console(client, ctx, csrf, 2000, "MRN-7")
    waiting = _code(client, csrf)
    for code in (enrolled, waiting):
        page = client.post("/appointments", data={"csrf": csrf, "code": code, "type": "mri", "at": at})
        assert page.status_code == 200
        assert "two years ahead" in page.text or "in the past" in page.text or "must be" in page.text
    assert ctx.storage.list_appointments() == [] and ctx.queries.pending_appointments(ctx.clock.now()) == []


@pytest.mark.parametrize("at", ["2025-12-21 11:00", "2062-12-21 11:00", "9999-12-31 23:30"])
def test_move_refuses_a_year_typo_and_keeps_the_appointment_and_its_reminders(
    client: TestClient, ctx: ConsoleContext, at: str
) -> None:
    csrf = sign_in(client, ctx)
    code = enrol_through_console(client, ctx, csrf, 2000, "MRN-7")
    client.post("/appointments", data={"csrf": csrf, "code": code, "type": "mri", "at": "2026-12-20 10:00"})
    [appointment] = ctx.storage.list_appointments()
    reminders = ctx.storage.reminders_of(appointment.id)
    moved = client.post(f"/appointments/appt/{appointment.id}", data={"csrf": csrf, "action": "move", "at": at})
    assert moved.status_code == 200 and "the new time:" in moved.text
    assert ctx.storage.get_appointment(appointment.id) == appointment
    assert ctx.storage.reminders_of(appointment.id) == reminders
    assert "appointment-move" not in [e.action for e in ctx.storage.staff.audit_entries()]


def test_the_documented_semicolon_example_imports_in_the_console(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    subscribers(ctx, [123456789, 987654321])
    example = (ROOT / "docs" / "afspraken-voorbeeld.csv").read_bytes()
    text = _upload(client, csrf, "afspraken-voorbeeld.csv", b"\xef\xbb\xbf" + example)
    assert text.count('class="ok-row"') == 3 and 'class="bad-row"' not in text
    assert {a.external_id for a in ctx.storage.list_appointments()} == {
        "HIX-2027-0001",
        "HIX-2027-0002",
        "HIX-2027-0003",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"external_id;chat_id;type;at\r\n", "the file has no appointments"),
        (
            b"external_id,chat_id,type,at\nA,9223372036854775808,mri,2026-12-20 10:00\n",
            "chat_id must be a Telegram user id",
        ),
        (b"external_id,chat_id,type,at\nA,1000,mri,2026-12-20 10:00,extra\n", None),
        (b"external_id,chat_id,type,at\nA\x07B,1000,mri,2026-12-20 10:00\n", "external_id contains control characters"),
        (b'{"resourceType": "Bundle", "type": "collection", "entry": []}', "no Appointment entries"),
    ],
    ids=["empty", "header-only", "chat-id-over-2**63", "extra-column", "control-character", "empty-bundle"],
)
def test_a_file_that_imports_nothing_says_why(
    client: TestClient, ctx: ConsoleContext, data: bytes, message: str | None
) -> None:
    csrf = sign_in(client, ctx)
    subscribers(ctx, [1000])
    text = _upload(client, csrf, "afspraken.csv", data)
    if message is None:  # an extra column is no problem
        assert "A: added" in text
        return
    assert message in text and "Niets geïmporteerd" in text
    assert ctx.storage.list_appointments() == []


def test_a_fhir_bundle_with_a_byte_order_mark_is_read_as_fhir(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    enrol_through_console(client, ctx, csrf, 2000, "MRN-1001")
    doc = json.loads((DATA / "bundle.json").read_text(encoding="utf-8"))
    doc["entry"] = doc["entry"][:3]
    text = _upload(client, csrf, "bundle.json", b"\xef\xbb\xbf" + json.dumps(doc).encode())
    assert "fhir-appt-1: added" in text and "the header must name" not in text


def test_an_external_id_waiting_for_one_code_is_refused_for_another_patient(
    client: TestClient, ctx: ConsoleContext
) -> None:
    csrf = sign_in(client, ctx)
    subscribers(ctx, [1000])
    waiting = _code(client, csrf)
    client.post(
        "/appointments",
        data={"csrf": csrf, "code": waiting, "type": "ct", "at": "2026-12-20 10:00", "external_id": "X-1"},
    )
    text = _upload(client, csrf, "a.csv", b"external_id,chat_id,type,at\nX-1,1000,ct,2026-12-21 10:00\n")
    assert "waiting for another patient" in text and ctx.storage.list_appointments() == []


def test_huge_ids_in_paths_are_not_found_not_an_error(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    for path in ("/appointments/appt/99999999999999999999999", "/enrolment/99999999999999999999/revoke"):
        response = client.post(path, data={"csrf": csrf, "action": "cancel"})
        assert response.status_code == 404 and "Niet gevonden" in response.text
    assert client.get("/broadcasts/9223372036854775808").status_code == 404


@pytest.fixture
def pg_ctx(tmp_path: Path, pg_url: str, clock: object) -> Iterator[ConsoleContext]:
    settings = console_settings(tmp_path, database_url=pg_url)
    storage = open_storage(pg_url)
    yield build_context(settings, storage=storage, clock=clock)  # type: ignore[arg-type]
    storage.close()


@pytest.mark.postgres
def test_on_postgres_a_long_external_id_is_refused_and_nothing_is_imported(pg_ctx: ConsoleContext) -> None:
    with TestClient(build_console_app(pg_ctx), base_url=CONSOLE_URL) as client:
        csrf = sign_in(client, pg_ctx)
        subscribers(pg_ctx, [1000])
        rows = "external_id,chat_id,type,at\nA,1000,mri,2026-12-20 10:00\n" + f"{'x' * 150},1000,ct,2026-12-21 10:00\n"
        text = _upload(client, csrf, "a.csv", rows.encode())
    assert "external_id is 150 characters long; at most 100" in text
    assert pg_ctx.storage.list_appointments() == []  # the good first row is not imported either
    [entry] = [e for e in pg_ctx.storage.staff.audit_entries() if e.action == "appointment-import"]
    assert "nothing imported" in entry.detail


def test_staff_see_what_the_enrolment_could_not_plan(client: TestClient, ctx: ConsoleContext) -> None:
    # Issue 25, finding 1: the patient is enrolled, and the row that could not be planned is on the page.
    csrf = sign_in(client, ctx)
    code = _code(client, csrf)
    [enrolment] = ctx.queries.list_enrolments()
    open_end = datetime(9999, 12, 31, 10, 0, tzinfo=AMSTERDAM)
    ctx.storage.staff.add_pending_appointment(enrolment.id, "mri", open_end, ctx.clock.now(), "HIX-OPEN")
    rules = ctx.knowledge.current.catalog.reminder_rules
    redeemed = EnrolmentService(ctx.storage, ctx.clock).redeem(code_hash(code), 2000, "nl", rules)
    assert (redeemed.outcome, redeemed.appointments, redeemed.refused) == ("ok", 0, 1)
    page = client.get("/appointments")
    assert "Niet ingepland bij inschrijving" in page.text and "HIX-OPEN" in page.text
