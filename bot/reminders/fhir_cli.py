"""`appointments import FILE.json`: a FHIR R4 Bundle read with the console's patient lookup (keyed identifier hash)."""

from __future__ import annotations

from pathlib import Path

from bot.clock import SystemClock
from bot.reminders.apply import apply_pending
from bot.reminders.fhir import CODES_FILE, load_type_codes, read_bundle
from bot.reminders.identifiers import patient_resolver
from bot.reminders.importer import ImportRow
from bot.settings import Settings
from bot.storage.store import Storage
from bot.yamlsrc import Problem


def read_fhir_file(path: Path, storage: Storage) -> tuple[list[ImportRow], list[tuple[int, str]], list[Problem]]:
    """Rows to add or move, (entry, external id) to cancel, and bad entries of a bundle file.

    Appointments of patients whose code is not redeemed yet are kept waiting here already (the
    command line has no place to report them otherwise); run twice, they change nothing.
    """
    settings = Settings.from_env()
    codes, problems = load_type_codes(settings.schedules_dir / CODES_FILE)
    if problems:
        return [], [], problems
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [], [Problem(str(path), 0, f"cannot read: {exc.strerror}")]
    queries = storage.console
    resolve = patient_resolver(queries, settings.patient_id_key, SystemClock().now)
    parsed = read_bundle(data, str(path), codes, resolve)
    for result in apply_pending(queries, storage, parsed.pending, SystemClock().now()):
        print(f"{path}:{result.line}: {result.message}")
    cancelled = []
    for line, external_id in parsed.cancelled:
        waiting = queries.pending_by_external_id(external_id)
        if waiting is None:
            cancelled.append((line, external_id))
        else:
            queries.update_pending(waiting.id, None, cancel=True)
            print(f"{path}:{line}: {external_id}: cancelled (it was waiting for the enrolment)")
    return parsed.rows, cancelled, parsed.problems
