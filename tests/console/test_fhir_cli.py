"""`python -m bot appointments import bundle.json`: the same FHIR files as the console, with the same lookup."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from starlette.testclient import TestClient

from bot.clock import ManualClock, local
from bot.console.web import ConsoleContext
from tests.cli import run_bot
from tests.console.conftest import sign_in
from tests.console.helpers import DATA, enrol_through_console


def test_the_command_line_imports_a_fhir_bundle_idempotently(
    client: TestClient, ctx: ConsoleContext, clock: ManualClock, tmp_path: Path
) -> None:
    clock.set(datetime.now(UTC))  # the command line uses the real clock
    csrf = sign_in(client, ctx)
    enrol_through_console(client, ctx, csrf, 2000, "MRN-1001")
    text = (DATA / "bundle.json").read_text(encoding="utf-8")
    today = local(ctx.clock.now()).date()
    for day in range(14, 18):
        text = text.replace(f"2026-12-{day}", f"{today + timedelta(days=day):%Y-%m-%d}")
    bundle = tmp_path / "bundle.json"
    bundle.write_text(text, encoding="utf-8")
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": ctx.settings.database_url,
        "PATIENT_ID_KEY": str(ctx.settings.patient_id_key),
    }
    refused = run_bot("appointments", "import", str(bundle), env=env)  # all or nothing by default
    assert refused.returncode == 1 and "nothing imported" in refused.stderr
    assert "no enrolment has this patient number" in refused.stderr
    first = run_bot("appointments", "import", str(bundle), "--partial", env=env)
    assert "2 added, 0 moved, 0 already present, 1 bad row(s) left out" in first.stdout, first.stderr
    again = run_bot("appointments", "import", str(bundle), "--partial", env=env)
    assert "0 added, 0 moved, 2 already present, 1 bad row(s) left out" in again.stdout
    doc = json.loads(text)
    doc["entry"][1]["resource"]["status"] = "cancelled"
    bundle.write_text(json.dumps(doc), encoding="utf-8")
    cancelled = run_bot("appointments", "import", str(bundle), "--partial", env=env)
    assert ", 1 cancelled" in cancelled.stdout
    assert {a.external_id for a in ctx.storage.list_appointments(after=ctx.clock.now())} == {"fhir-appt-2"}
