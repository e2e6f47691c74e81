"""Issue 25, finding 10 (privacy and audit): the export holds every stored field about a chat, the hospital
patient number linked at enrolment included, and after /stop the audit log holds nothing of the patient's
appointments.
"""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from bot.console.web import ConsoleContext
from bot.reminders.identifiers import identifier_hash
from bot.storage import schema
from tests.cli import run_bot
from tests.console.conftest import sign_in
from tests.console.helpers import enrol_through_console

CHAT = 2000


def _columns(table: object) -> set[str]:
    return {column.name for column in table.columns}  # type: ignore[attr-defined]


def test_export_has_every_field_and_stop_leaves_no_appointment_data_in_the_audit(
    client: TestClient, ctx: ConsoleContext
) -> None:
    csrf = sign_in(client, ctx)
    code = enrol_through_console(client, ctx, csrf, CHAT, "MRN-1001")
    added = client.post(
        "/appointments",
        data={"csrf": csrf, "code": code, "type": "mri", "at": "2026-12-20 10:00", "external_id": "HIX-77"},
    )
    assert added.status_code == 200
    [appointment] = ctx.storage.list_appointments(chat_id=CHAT)
    client.post(f"/appointments/appt/{appointment.id}", data={"csrf": csrf, "action": "move", "at": "2026-12-21 11:15"})
    client.post("/broadcasts/confirm", data={"csrf": csrf, "kind": "text", "text": "Hallo", "audience": "all"})

    exported = run_bot("privacy", "--db", ctx.settings.database_url, "export", "--chat-id", str(CHAT))
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    [number] = data["hospital_patient_numbers"]
    assert number["identifier_hash"] == identifier_hash(str(ctx.settings.patient_id_key), "MRN-1001")
    assert set(data["patient"]) == _columns(schema.patients)
    assert set(data["appointments"][0]) == _columns(schema.appointments)
    assert set(data["reminders"][0]) == _columns(schema.reminders)
    assert set(data["enrolments"][0]) == _columns(schema.enrolments) - {"code_hash"}  # a secret, not the patient's
    assert set(data["broadcast_deliveries"][0]) == _columns(schema.outbox)
    assert {e["action"] for e in data["audit_references"]} >= {"enrol-redeem", "appointment-add", "appointment-move"}
    assert set(data["audit_references"][0]) == _columns(schema.audit_log)

    ctx.storage.delete_chat(CHAT)  # what /stop does after its confirmation
    for entry in ctx.storage.staff.audit_entries():
        assert entry.chat_id is None
        for trace in (
            "HIX-77",
            "mri",
            "2026-12-2",
            "10:00",
            "11:15",
            "09:00",
            "10:15",
            f"appointment {appointment.id}",
        ):
            assert trace not in entry.detail, (entry.action, entry.detail)
    assert not any(ctx.storage.export_chat(CHAT).values())
