"""An appointments file, whatever its kind, and the one import run: the command line and the console share both.

`read_appointments(name, data, …)` reads a FHIR R4 bundle (recognised by its content, byte order
mark or not), a YAML file (by its name, command line only) or CSV; `run_import(…)` plans it against
the database and, when nothing is wrong (or `partial`), writes it in one transaction. The console
and `appointments import` therefore accept, refuse and word everything alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.reminders.fhir import CODES_FILE, load_type_codes, looks_like_bundle, read_bundle
from bot.reminders.identifiers import patient_resolver
from bot.reminders.import_rows import ImportBatch, ImportLimits, read_csv_data, read_import_file
from bot.reminders.importer import (
    ImportConflict,
    ImportPlan,
    ImportResult,
    RowResult,
    StorageLookup,
    apply_import,
    plan_import,
)
from bot.reminders.rules import ReminderRules
from bot.settings import Settings
from bot.storage.store import Storage
from bot.yamlsrc import Problem


def read_appointments(
    name: str, data: bytes, settings: Settings, storage: Storage, now: Callable[[], datetime]
) -> ImportBatch:
    """The rows of an uploaded or given file: a FHIR bundle by its content (or a .json name), else CSV."""
    limits = ImportLimits.from_settings(settings)
    if not looks_like_bundle(data) and not name.lower().endswith(".json"):
        return read_csv_data(name, data, limits)
    codes, problems = load_type_codes(Path(settings.schedules_dir) / CODES_FILE)
    if problems:
        return ImportBatch(name, problems=problems)
    resolve = patient_resolver(storage.console, settings.patient_id_key, now)
    return read_bundle(data, name, codes, resolve, limits)


def read_path(path: Path, settings: Settings, storage: Storage, now: Callable[[], datetime]) -> ImportBatch:
    """A file on disk: YAML by its name (.yaml, .yml), otherwise as `read_appointments`."""
    if path.suffix.lower() in (".yaml", ".yml"):
        rows, problems = read_import_file(path, ImportLimits.from_settings(settings))
        return ImportBatch(str(path), rows=rows, problems=problems)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ImportBatch(str(path), problems=[Problem(str(path), 0, f"cannot read the file: {exc.strerror or exc}")])
    return read_appointments(str(path), data, settings, storage, now)


@dataclass(frozen=True)
class ImportReport:
    """What an import run found and did: the plan, and what was written (None: nothing)."""

    batch: ImportBatch
    plan: ImportPlan
    result: ImportResult | None
    conflict: str | None = None

    @property
    def written(self) -> bool:
        """Whether anything was written."""
        return self.result is not None

    def summary(self) -> str:
        """One line: what was written, or why nothing was."""
        if self.conflict is not None:
            return f"nothing imported: the database changed meanwhile ({self.conflict}); import again"
        if self.result is None:
            return (
                f"nothing imported: {self.plan.bad_lines} row(s) with problems, {self.batch.count} row(s) read. "
                "Fix them and import again"
            )
        return self.result.summary(self.plan.bad_lines, left_out=bool(self.plan.problems))

    def results(self) -> list[RowResult]:
        """Every row's outcome; when nothing was written only the problems (the rest did not happen)."""
        if self.result is None:
            return [r for r in self.plan.results() if not r.ok]
        return self.plan.results()


def run_import(
    storage: Storage, rules: ReminderRules, batch: ImportBatch, now: datetime, *, partial: bool = False
) -> ImportReport:
    """Plan `batch` and write it, all or nothing (with `partial`: the good rows even when others are bad)."""
    plan = plan_import(batch, StorageLookup(storage), now)
    if plan.problems and not partial:
        return ImportReport(batch, plan, None)
    try:
        result = apply_import(storage, plan, rules, now, partial=partial)
    except ImportConflict as exc:
        return ImportReport(batch, plan, None, str(exc))
    return ImportReport(batch, plan, result)
