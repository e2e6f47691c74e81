"""Reading a FHIR R4 `Bundle` of `Appointment` resources (with `fhir.resources`) into import rows.

* The resource id is the external id, so importing the same bundle twice changes nothing.
* `appointmentType` / `serviceType` codes map to the bot's types through schedules/fhir.yaml.
* `status: cancelled` (or `noshow`, `entered-in-error`) cancels the appointment with that id.
* The patient is found through an identifier on the participant's actor (or on the Patient resource
  it references inside the bundle): `resolve(identifier value)` gives the chat id, the enrolment
  whose code is not redeemed yet (the appointment then waits for it, as with `--patient CODE`), or a reason.

Rows are the importer's `ImportRow`, `PendingRow` and `CancelRow`, with the entry number as `line`,
in an `ImportBatch` planned like any other file; every bad entry is a `Problem`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fhir.resources.R4B.appointment import Appointment
from pydantic import ValidationError

from bot import boundedjson
from bot.reminders.import_rows import CancelRow, ImportBatch, ImportLimits, ImportRow, PendingRow, too_many_rows
from bot.reminders.validation import check_external_id
from bot.storage.records import APPOINTMENT_TYPES, AppointmentType
from bot.yamlsrc import LineDict, Problem, YamlError, load_yaml

CODES_FILE = "fhir.yaml"
CANCELLING = frozenset({"cancelled", "noshow", "entered-in-error"})
BOOKING = frozenset({"proposed", "pending", "booked", "arrived", "fulfilled", "checked-in", "waitlist"})

# identifier value -> chat id, or a reason (str) why the patient cannot be found
Resolve = Callable[[str], "int | WaitingEnrolment | str"]


@dataclass(frozen=True)
class WaitingEnrolment:
    """A patient whose enrolment code is not redeemed yet."""

    enrolment_id: int


def load_type_codes(path: Path) -> tuple[dict[str, AppointmentType], list[Problem]]:
    """schedules/fhir.yaml: lower-case code -> appointment type."""
    try:
        doc = load_yaml(path)
    except YamlError as exc:
        return {}, [exc.problem]
    codes = doc.get("codes") if isinstance(doc, LineDict) else None
    if not isinstance(codes, LineDict):
        return {}, [Problem(str(path), 1, "fhir.yaml: expected a mapping 'codes' of code: type")]
    result: dict[str, AppointmentType] = {}
    problems = []
    for code, kind in codes.items():
        if kind not in APPOINTMENT_TYPES:
            problems.append(Problem(str(path), codes.line_of(code), f"code {code!r}: unknown type {kind!r}"))
        else:
            result[str(code).strip().lower()] = kind
    return result, problems


def looks_like_bundle(data: bytes) -> bool:
    """Whether an uploaded file is JSON (a FHIR bundle) rather than CSV, with or without a byte order mark."""
    return data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{"


def _codes(appointment: Appointment) -> list[str]:
    concepts = [appointment.appointmentType, *(appointment.serviceType or [])]
    return [
        str(coding.code).strip().lower()
        for concept in concepts
        if concept is not None
        for coding in (concept.coding or [])
        if coding.code
    ]


def _identifiers(appointment: Appointment, patients: dict[str, list[str]]) -> list[str]:
    values: list[str] = []
    for participant in appointment.participant or []:
        actor = participant.actor
        if actor is None:
            continue
        if actor.identifier is not None and actor.identifier.value:
            values.append(str(actor.identifier.value))
        if actor.reference:
            values += patients.get(str(actor.reference), [])
    return values


def _patients(entries: list[Any]) -> dict[str, list[str]]:
    """Patient resources in the bundle by reference ("Patient/<id>" and fullUrl) -> identifier values."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
            continue
        values = [str(i["value"]) for i in resource.get("identifier") or [] if isinstance(i, dict) and i.get("value")]
        if resource.get("id"):
            found[f"Patient/{resource['id']}"] = values
        if isinstance(entry.get("fullUrl"), str):
            found[entry["fullUrl"]] = values
    return found


def read_bundle(
    data: bytes,
    file: str,
    type_codes: dict[str, AppointmentType],
    resolve: Resolve,
    limits: ImportLimits | None = None,
) -> ImportBatch:
    """Every Appointment entry of a Bundle as a row, a cancellation or a problem (entry numbers from 1)."""
    limits = limits or ImportLimits()
    result = ImportBatch(file)
    try:
        doc = boundedjson.loads(data, limits.max_depth)
    except boundedjson.JsonTooDeep as exc:
        result.problems.append(Problem(file, 0, f"not a FHIR bundle: {exc} (JSON_MAX_DEPTH)"))
        return result
    except ValueError as exc:
        result.problems.append(Problem(file, 0, f"not a JSON file: {str(exc)[:100]}"))
        return result
    if not isinstance(doc, dict) or doc.get("resourceType") != "Bundle":
        result.problems.append(Problem(file, 0, "expected a FHIR Bundle with entries"))
        return result
    entries: list[Any] = doc.get("entry") if isinstance(doc.get("entry"), list) else []  # type: ignore[assignment]
    if len(entries) > limits.max_rows:
        result.problems.append(too_many_rows(file, limits))
        return result
    patients = _patients(entries)
    for number, entry in enumerate(entries, start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            result.problems.append(Problem(file, number, "entry without a resource"))
            continue
        if resource.get("resourceType") != "Appointment":
            continue  # Patient and other resources only help to find patients
        outcome = _entry(file, number, resource, type_codes, patients, resolve)
        if isinstance(outcome, Problem):
            result.problems.append(outcome)
        elif isinstance(outcome, ImportRow):
            result.rows.append(outcome)
        elif isinstance(outcome, PendingRow):
            result.pending.append(outcome)
        else:
            result.cancelled.append(outcome)
    if not (result.rows or result.pending or result.cancelled or result.problems):
        result.problems.append(Problem(file, 0, "the bundle has no Appointment entries"))
    return result


def _entry(
    file: str,
    number: int,
    resource: dict[str, Any],
    type_codes: dict[str, AppointmentType],
    patients: dict[str, list[str]],
    resolve: Resolve,
) -> ImportRow | PendingRow | CancelRow | Problem:
    try:
        appointment = Appointment.model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return Problem(file, number, f"not a valid FHIR Appointment: {where}: {first.get('msg', '')}")
    if not appointment.id:
        return Problem(file, number, "Appointment without id (the id is the external id)")
    external_id = str(appointment.id)
    why = check_external_id(external_id)
    if why:
        return Problem(file, number, why)
    status = str(appointment.status or "")
    if status in CANCELLING:
        return CancelRow(number, external_id, file)
    if status not in BOOKING:
        return Problem(file, number, f"unknown status {status!r}")
    codes = _codes(appointment)
    kinds = [type_codes[c] for c in codes if c in type_codes]
    if not kinds:
        shown = ", ".join(codes) or "none"
        return Problem(
            file, number, f"no known appointmentType/serviceType code (found: {shown}); see schedules/fhir.yaml"
        )
    start = appointment.start
    if not isinstance(start, datetime) or start.tzinfo is None:
        return Problem(file, number, "start must be a date and time with a time zone")
    values = _identifiers(appointment, patients)
    if not values:
        return Problem(file, number, "no patient identifier on a participant")
    reasons = []
    for value in values:
        found = resolve(value)
        if isinstance(found, int):
            return ImportRow(number, external_id, found, kinds[0], start, file)
        if isinstance(found, WaitingEnrolment):
            return PendingRow(number, external_id, found.enrolment_id, kinds[0], start, file)
        reasons.append(found)
    return Problem(file, number, reasons[0])
