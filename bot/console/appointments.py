"""Appointments page: upcoming by day and type (pseudonymous reference), add, move, cancel; CSV and FHIR import.

An import is applied row by row and reports each row; a row whose external id is known and whose
time is unchanged is left alone, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import itertools
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clock import local
from bot.console.web import ConsoleContext, Staff, field_text, form_of, redirect, render, staff_page
from bot.observability.pseudonyms import hash_chat_id
from bot.reminders.apply import RowResult, apply_pending, apply_rows
from bot.reminders.codes import UnusableCode
from bot.reminders.fhir import CODES_FILE, load_type_codes, looks_like_bundle, read_bundle
from bot.reminders.identifiers import patient_resolver
from bot.reminders.importer import FIELDS, ImportRow, parse_local
from bot.reminders.service import ReminderService
from bot.sending import Document, Keyboard, SendError
from bot.staff.enrolment import EnrolmentService
from bot.storage.records import APPOINTMENT_TYPES
from bot.storage.staff_queries import DuplicatePendingExternalId
from bot.storage.store import DuplicateExternalId, UnknownPatient
from bot.yamlsrc import Problem

MAX_UPLOAD = 2_000_000
DAYS_AHEAD = 60


class _NoSender:
    """The console never sends: the bot's reminder timer picks new reminders up from the database."""

    async def send_message(self, chat_id: int, html: str, keyboard: Keyboard = ()) -> int:
        raise SendError("the console does not send messages")

    async def send_document(self, chat_id: int, document: Document) -> int:
        raise SendError("the console does not send messages")


def reminder_service(ctx: ConsoleContext) -> ReminderService:
    """A ReminderService with the current rules that only writes (the bot sends)."""
    rules = ctx.knowledge.current.catalog.reminder_rules
    return ReminderService(
        ctx.storage, rules, _NoSender(), ctx.clock, timedelta(hours=ctx.settings.reminder_max_late_hours)
    )


def read_csv(data: bytes, file: str) -> tuple[list[ImportRow], list[Problem]]:
    """The CSV of `appointments import` (external_id, chat_id, type, at), from bytes."""
    rows: list[ImportRow] = []
    problems: list[Problem] = []
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        records = [(reader.line_num, record) for record in reader]
    except (UnicodeDecodeError, csv.Error) as exc:
        return [], [Problem(file, 0, f"cannot read CSV: {exc}")]
    for line, raw in records:
        missing = [f for f in FIELDS if not (raw.get(f) or "").strip()]
        if missing:
            problems.append(Problem(file, line, f"missing {', '.join(missing)}"))
            continue
        try:
            chat_id = int(raw["chat_id"].strip())
        except ValueError:
            problems.append(Problem(file, line, f"chat_id must be a number, got {raw['chat_id']!r}"))
            continue
        kind = raw["type"].strip().lower()
        if kind not in APPOINTMENT_TYPES:
            problems.append(Problem(file, line, f"type must be one of {', '.join(APPOINTMENT_TYPES)}, got {kind!r}"))
            continue
        try:
            start = parse_local(raw["at"])
        except ValueError:
            problems.append(Problem(file, line, f"at must be 'YYYY-MM-DD HH:MM', got {raw['at']!r}"))
            continue
        rows.append(ImportRow(line, raw["external_id"].strip(), chat_id, kind, start))
    return rows, problems


def import_file(ctx: ConsoleContext, data: bytes, name: str) -> list[RowResult]:
    """Read a CSV or FHIR bundle and apply it; every row's result, bad rows with their reasons."""
    if looks_like_bundle(data):
        codes, problems = load_type_codes(Path(ctx.settings.schedules_dir) / CODES_FILE)
        if problems:
            return [RowResult(p.line, False, str(p.message)) for p in problems]
        resolve = patient_resolver(ctx.queries, ctx.settings.patient_id_key, ctx.clock.now)
        parsed = read_bundle(data, name, codes, resolve)
        rows, cancelled, problems, pending = parsed.rows, parsed.cancelled, parsed.problems, parsed.pending
    else:
        rows, problems = read_csv(data, name)
        cancelled, pending = [], []
    results = apply_rows(reminder_service(ctx), ctx.queries, rows, cancelled)
    results += apply_pending(ctx.queries, ctx.storage, pending, ctx.clock.now())
    results += [RowResult(p.line, False, p.message) for p in problems]
    return sorted(results, key=lambda r: r.line)


async def page(ctx: ConsoleContext, request: Request, staff: Staff, **values: Any) -> Response:
    """GET: upcoming appointments grouped by day, the add form and the import form."""
    now = ctx.clock.now()
    upcoming = await ctx.db(ctx.queries.upcoming_appointments, now, now + timedelta(days=DAYS_AHEAD))
    pending = await ctx.db(ctx.queries.pending_appointments, now)
    items: list[tuple[datetime, str, str, str | None, str, int]] = [
        (a.start_at, a.type, hash_chat_id(a.chat_id), a.external_id, "appt", a.id) for a in upcoming
    ]
    items += [(p.start_at, p.type, f"code #{p.enrolment_id}", p.external_id, "pending", p.id) for p in pending]
    items.sort(key=lambda item: (item[0], item[1]))
    days = [(day, list(group)) for day, group in itertools.groupby(items, key=lambda item: local(item[0]).date())]
    return render(
        ctx,
        request,
        "appointments.html",
        staff=staff,
        days=days,
        types=APPOINTMENT_TYPES,
        default_at=f"{local(now + timedelta(days=7)):%Y-%m-%d} 09:00",
        **values,
    )


async def add(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: an appointment for a patient's enrolment code (kept until redemption when not used yet)."""
    form = form_of(request)
    code, kind, at = field_text(form, "code", 64), field_text(form, "type", 20), field_text(form, "at", 20)
    external_id = field_text(form, "external_id", 100) or None
    try:
        start = parse_local(at)
    except ValueError:
        return await page(ctx, request, staff, error=f"at: 'YYYY-MM-DD HH:MM', not {at!r}")
    if kind not in APPOINTMENT_TYPES or start <= ctx.clock.now():
        return await page(ctx, request, staff, error="type / time")
    service = reminder_service(ctx)
    enrolments = EnrolmentService(ctx.storage, ctx.clock)

    def store() -> str | None:
        try:
            enrolment, chat_id = enrolments.target(code)
        except UnusableCode as exc:
            return str(exc)
        try:
            if chat_id is None:
                enrolments.add_pending(enrolment, kind, start, external_id)
            else:
                service.add_appointment(chat_id, kind, start, "staff", external_id)
        except (DuplicateExternalId, DuplicatePendingExternalId):
            return "external id exists already"
        except UnknownPatient:
            return "the patient has not started the bot"
        ctx.storage.staff.audit(
            ctx.clock.now(), staff.user_id, "appointment-add", f"{kind} at {start:%Y-%m-%d %H:%M} UTC"
        )
        return None

    problem = await ctx.db(store)
    if problem:
        return await page(ctx, request, staff, error=problem)
    return redirect("/appointments?done=1")


async def change(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: move (new time) or cancel one appointment, or one still waiting for its code."""
    form = form_of(request)
    which, item_id = str(request.path_params["which"]), int(request.path_params["item_id"])
    cancel = field_text(form, "action", 10) == "cancel"
    start = None
    if not cancel:
        try:
            start = parse_local(field_text(form, "at", 20))
        except ValueError:
            return await page(ctx, request, staff, error="at: 'YYYY-MM-DD HH:MM'")
    service = reminder_service(ctx)

    def store() -> bool:
        if which == "pending":
            done = ctx.queries.update_pending(item_id, start, cancel)
        elif cancel:
            done = service.cancel_appointment(item_id)
        else:
            done = start is not None and service.move_appointment(item_id, start) is not None
        action = "appointment-cancel" if cancel else "appointment-move"
        ctx.storage.staff.audit(
            ctx.clock.now(), staff.user_id, action, f"{which} {item_id}: {'ok' if done else 'no change'}"
        )
        return done

    await ctx.db(store)
    return redirect("/appointments?done=1")


async def upload(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: import an uploaded CSV or FHIR bundle; the result lists every row."""
    upload_file = form_of(request).get("file")
    if not isinstance(upload_file, UploadFile):
        return await page(ctx, request, staff, error="file")
    data = await upload_file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return await page(ctx, request, staff, error=f"file larger than {MAX_UPLOAD} bytes")
    name = Path(upload_file.filename or "upload").name
    results = await ctx.db(import_file, ctx, data, name)
    ok = sum(1 for r in results if r.ok)
    await ctx.db(
        ctx.storage.staff.audit,
        ctx.clock.now(),
        staff.user_id,
        "appointment-import",
        f"{name}: {ok} ok, {len(results) - ok} bad",
    )
    return await page(ctx, request, staff, results=results, imported=name)


def routes(ctx: ConsoleContext) -> list[Route]:
    """The appointment routes."""
    return [
        Route("/appointments", staff_page(ctx, page), methods=["GET"]),
        Route("/appointments", staff_page(ctx, add), methods=["POST"]),
        Route("/appointments/import", staff_page(ctx, upload), methods=["POST"]),
        Route("/appointments/{which:str}/{item_id:int}", staff_page(ctx, change), methods=["POST"]),
    ]
