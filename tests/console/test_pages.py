"""The console's pages over plain HTTP: enrolment, broadcasts, appointments (CSV and FHIR), content, statistics."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta

from starlette.testclient import TestClient

from bot.clock import AMSTERDAM
from bot.console.web import ConsoleContext
from bot.storage.send_budget import SendStatus
from bot.triage.signoffs import concept_hash
from tests.cli import run_bot
from tests.console.conftest import STAFF, sign_in
from tests.console.helpers import DATA, enrol_through_console, subscribers


def test_enrolment_card_list_and_revoke(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    card = client.post("/enrolment", data={"csrf": csrf, "identifier": "MRN-1001"})
    assert card.status_code == 200
    assert "data:image/png;base64," in card.text and "https://t.me/levermetastasen_test_bot?start=" in card.text
    assert "Tik op <strong>Start</strong>" in card.text and 'id="print-card"' in card.text
    code = re.search(r"\?start=([A-Za-z0-9_-]{32})", card.text)
    assert code
    listing = client.get("/enrolment")
    assert code.group(1) not in listing.text  # only the hash prefix is listed
    enrolment = ctx.queries.list_enrolments()[0]
    assert enrolment.code_hash[:8] in listing.text and "met patiëntnummer" in listing.text
    with ctx.storage.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT identifier_hash FROM patient_identifiers").scalars().all()
    assert len(stored) == 1 and "MRN" not in stored[0]
    revoked = client.post(f"/enrolment/{enrolment.id}/revoke", data={"csrf": csrf})
    assert "Code ingetrokken" in revoked.text and "verlopen" in revoked.text
    assert [e.action for e in ctx.storage.staff.audit_entries()][:2] == ["enrol-revoke", "enrol-create"]


def test_broadcast_preview_confirm_and_report(client: TestClient, ctx: ConsoleContext) -> None:
    subscribers(ctx, [1001, 1002, 1003])
    csrf = sign_in(client, ctx)
    form = {"csrf": csrf, "kind": "text", "text": "Het spreekuur is <dicht> op 24 december.", "audience": "all"}
    preview = client.post("/broadcasts/preview", data=form)
    assert preview.status_code == 200
    assert "Bericht van het HPB team" in preview.text and "&lt;dicht&gt;" in preview.text
    assert "3 ontvanger(s)" in preview.text
    edited = client.post("/broadcasts/edit", data=form)
    assert "Het spreekuur is &lt;dicht&gt; op 24 december.</textarea>" in edited.text
    confirmed = client.post("/broadcasts/confirm", data=form, follow_redirects=False)
    assert confirmed.status_code == 303
    report = client.get(confirmed.headers["location"])
    assert "0%" in report.text and 'hx-get="/broadcasts/1/progress"' in report.text
    assert ctx.storage.outbox.counts(1) == {"queued": 3}
    entry = ctx.storage.staff.audit_entries()[0]
    assert entry.action == "broadcast" and entry.actor == STAFF and "staff console" in entry.detail
    assert "spreekuur" not in entry.detail  # the audit keeps no message text
    chapter = client.post(
        "/broadcasts/preview", data={"csrf": csrf, "kind": "chapter", "chapter": "spoed", "audience": "type:ct"}
    )
    assert chapter.status_code == 200 and "0 ontvanger(s)" in chapter.text and "disabled" in chapter.text
    empty = client.post("/broadcasts/preview", data={"csrf": csrf, "kind": "text", "text": " ", "audience": "all"})
    assert "Vul een tekst in" in empty.text


def test_the_broadcast_page_names_the_schedules_quiet_hours_while_they_last(
    client: TestClient, ctx: ConsoleContext
) -> None:
    sign_in(client, ctx)
    quiet = "Nu is het stille tijd (21:00–08:00): een gewoon bericht wacht tot 08:00."
    assert quiet not in client.get("/broadcasts").text  # Tuesday 10:30
    ctx.clock.set(datetime(2026, 12, 1, 22, 30, tzinfo=AMSTERDAM))  # type: ignore[attr-defined]
    sign_in(client, ctx)  # the session of 10:30 has expired
    assert quiet in client.get("/broadcasts").text
    client.cookies.set("console_lang", "en")
    assert (
        "It is quiet hours now (21:00–08:00): a normal broadcast waits until 08:00." in client.get("/broadcasts").text
    )


def _without_unknown_patient(bundle: dict[str, object]) -> bytes:
    """The test bundle without its entry for a patient number nobody enrolled with."""
    entries = bundle["entry"]
    assert isinstance(entries, list)
    return json.dumps({**bundle, "entry": entries[:3]}).encode()


def test_csv_and_fhir_imports_are_all_or_nothing_report_each_row_and_change_nothing_the_second_time(
    client: TestClient, ctx: ConsoleContext
) -> None:
    csrf = sign_in(client, ctx)
    subscribers(ctx, [1000])
    enrol_through_console(client, ctx, csrf, 2000, "MRN-1001")
    text = (DATA / "appointments.csv").read_text(encoding="utf-8")
    files = {"file": ("appointments.csv", text.encode(), "text/csv")}
    refused = client.post("/appointments/import", data={"csrf": csrf}, files=files)
    assert refused.text.count('class="bad-row"') == 1 and "type must be one of" in refused.text
    assert "Niets geïmporteerd" in refused.text and 'class="ok-row"' not in refused.text
    assert ctx.storage.list_appointments() == []  # one bad row: nothing imported, as on the command line
    fixed = {"file": ("appointments.csv", "\n".join(text.splitlines()[:3]).encode(), "text/csv")}
    first = client.post("/appointments/import", data={"csrf": csrf}, files=fixed)
    assert first.text.count('class="ok-row"') == 2 and "csv-1: added" in first.text
    doc = json.loads((DATA / "bundle.json").read_text())
    bundle = {"file": ("bundle.json", json.dumps(doc).encode(), "application/fhir+json")}
    bad = client.post("/appointments/import", data={"csrf": csrf}, files=bundle)
    assert "no enrolment has this patient number" in bad.text and "Niets geïmporteerd" in bad.text
    bundle = {"file": ("bundle.json", _without_unknown_patient(doc), "application/fhir+json")}
    fhir = client.post("/appointments/import", data={"csrf": csrf}, files=bundle)
    assert "fhir-appt-1: added" in fhir.text and "fhir-appt-2: added" in fhir.text
    chats = {a.external_id: a.chat_id for a in ctx.storage.list_appointments()}
    assert chats == {"csv-1": 1000, "csv-2": 1000, "fhir-appt-1": 2000, "fhir-appt-2": 2000}
    types = {a.external_id: a.type for a in ctx.storage.list_appointments()}
    assert types["fhir-appt-1"] == "ct" and types["fhir-appt-2"] == "uitslag"
    reminders = {a.id: len(ctx.storage.reminders_of(a.id)) for a in ctx.storage.list_appointments()}
    again = client.post("/appointments/import", data={"csrf": csrf}, files=bundle)
    assert "already present, unchanged" in again.text and ": added" not in again.text
    client.post("/appointments/import", data={"csrf": csrf}, files=fixed)
    assert {a.id: len(ctx.storage.reminders_of(a.id)) for a in ctx.storage.list_appointments()} == reminders
    # status cancelled cancels the appointment with that resource id
    doc["entry"][1]["resource"]["status"] = "cancelled"
    payload = {"file": ("cancel.json", _without_unknown_patient(doc), "application/json")}
    cancelled = client.post("/appointments/import", data={"csrf": csrf}, files=payload)
    assert "fhir-appt-1: cancelled" in cancelled.text
    assert "fhir-appt-1" not in {a.external_id for a in ctx.storage.list_appointments(after=ctx.clock.now())}
    page = client.get("/appointments")
    assert "fhir-appt-2" in page.text and "2000" not in re.sub(r"<[^>]+>", " ", page.text).split()


def test_add_move_and_cancel_an_appointment(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    code = enrol_through_console(client, ctx, csrf, 2000, "MRN-7")
    added = client.post("/appointments", data={"csrf": csrf, "code": code, "type": "mri", "at": "2026-12-20 10:00"})
    assert added.status_code == 200 and "10:00" in added.text
    appointment = ctx.storage.list_appointments()[0]
    moved = client.post(
        f"/appointments/appt/{appointment.id}", data={"csrf": csrf, "action": "move", "at": "2026-12-21 11:00"}
    )
    assert "11:00" in moved.text
    client.post(f"/appointments/appt/{appointment.id}", data={"csrf": csrf, "action": "cancel", "at": ""})
    assert ctx.storage.list_appointments(after=ctx.clock.now()) == []
    actions = [e.action for e in ctx.storage.staff.audit_entries()]
    assert {"appointment-add", "appointment-move", "appointment-cancel"} <= set(actions)


def test_sign_off_a_concept_and_content_check_counts_it(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    concept = ctx.knowledge.current.catalog.alarms.unreviewed()[0]
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": ctx.settings.database_url}
    total = len(ctx.knowledge.current.catalog.alarms.unreviewed())
    before = run_bot("content", "check", env=env)
    assert f"({total} not yet signed off" in before.stdout
    review = client.get(f"/content/concepts/{concept.id}")
    assert review.status_code == 200 and "112" in review.text
    assert all(moment in review.text for moment in ("Werkdag 11:00", "Werkdag 20:00", "Zondag 11:00"))
    signed = client.post(
        f"/content/concepts/{concept.id}",
        data={
            "csrf": csrf,
            "reviewed_by": "Dr. A. Jansen",
            "reviewed_on": "2026-12-01",
            "vocabulary_hash": concept_hash(concept),
        },
    )
    assert "Afgetekend." in signed.text and "afgetekend door Dr. A. Jansen" in signed.text
    after = run_bot("content", "check", env=env)
    assert f"({total - 1} not yet signed off" in after.stdout and "1 signed off in the staff console" in after.stdout
    assert ctx.storage.staff.audit_entries()[0].action == "concept-signoff"
    bad = client.post(f"/content/concepts/{concept.id}", data={"csrf": csrf, "reviewed_by": "", "reviewed_on": "x"})
    assert "Vul een naam" in bad.text


def test_content_page_and_reload(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    page = client.get("/content")
    assert "nog niet afgetekend" in page.text and ctx.knowledge.current.catalog.content.chapters[0].version in page.text
    reloaded = client.post("/content/reload", data={"csrf": csrf})
    assert "Opnieuw geladen." in reloaded.text
    assert ctx.storage.staff.audit_entries()[0].action == "reload"


def test_statistics_page_and_csv(client: TestClient, ctx: ConsoleContext) -> None:
    csrf = sign_in(client, ctx)
    subscribers(ctx, [1001, 1002])
    client.post("/broadcasts/confirm", data={"csrf": csrf, "kind": "text", "text": "Hallo", "audience": "all"})
    ctx.storage.count_miss(ctx.clock.now().date(), 3)
    page = client.get("/statistics")
    assert page.status_code == 200 and "<svg" in page.text and "Hallo" not in page.text
    rows = list(csv.DictReader(io.StringIO(client.get("/statistics.csv").text)))
    today = rows[-1]
    assert today["day"] == "2026-12-01" and today["misses"] == "3"
    assert today["broadcasts"] == "1" and today["broadcast_recipients"] == "2"
    assert "Geen draaiende bot gezien" in page.text


def test_statistics_show_what_the_running_bot_is_sending(client: TestClient, ctx: ConsoleContext) -> None:
    sign_in(client, ctx)
    busy = SendStatus(queued_alarm=4, queued_reply=2, queued_broadcast=8, oldest_alarm_s=3.5, http_429=1, dropped=2)
    ctx.storage.budget.report("bot-1234", ctx.clock.now(), busy, rate=27.0, ttl=timedelta(seconds=90))
    ctx.queries.add_daily_count(ctx.clock.now().date(), "send_429", 1)
    page = client.get("/statistics")
    sending = page.text.split('id="sending"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", sending.split("<tbody>", 1)[1])
    assert cells[:9] == ["bot-1234", "27.0", "4", "2", "0", "8", "3.5", "1", "2"]
    rows = list(csv.DictReader(io.StringIO(client.get("/statistics.csv").text)))
    assert rows[-1]["send_429"] == "1" and rows[-1]["send_dropped"] == "0"


def test_a_fhir_appointment_for_a_code_not_yet_used_waits_for_the_enrolment(
    client: TestClient, ctx: ConsoleContext
) -> None:
    csrf = sign_in(client, ctx)
    card = client.post("/enrolment", data={"csrf": csrf, "identifier": "MRN-1001"})
    code = re.search(r"\?start=([A-Za-z0-9_-]{32})", card.text)
    assert code
    doc = json.loads((DATA / "bundle.json").read_text())
    bundle = {"file": ("bundle.json", _without_unknown_patient(doc), "application/fhir+json")}
    first = client.post("/appointments/import", data={"csrf": csrf}, files=bundle)
    assert first.text.count("waiting for the patient") == 2 and 'class="bad-row"' not in first.text
    again = client.post("/appointments/import", data={"csrf": csrf}, files=bundle)
    assert "waiting for the patient" not in again.text and again.text.count("already present, unchanged") == 2
    assert "wacht op inschrijving" in client.get("/appointments").text
    from bot.reminders.codes import code_hash
    from bot.staff.enrolment import EnrolmentService

    rules = ctx.knowledge.current.catalog.reminder_rules
    redeemed = EnrolmentService(ctx.storage, ctx.clock).redeem(code_hash(code.group(1)), 2000, "nl", rules)
    assert redeemed.appointments == 2
    assert {a.external_id for a in ctx.storage.list_appointments(chat_id=2000)} == {"fhir-appt-1", "fhir-appt-2"}
