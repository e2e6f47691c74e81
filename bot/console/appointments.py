"""Appointments page: upcoming by day and type (pseudonymous reference), add, move, cancel; CSV and FHIR import.

Every appointment is checked by bot.reminders.validation, as on the command line and in `/afspraak`,
and an upload goes through the same reading and planning as `appointments import`: all rows or none,
each row's outcome listed, the same messages. Importing the same file twice changes nothing.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clock import local
from bot.console.web import ConsoleContext, Staff, field_text, form_of, plain_error, redirect, render, staff_page
from bot.observability.pseudonyms import hash_chat_id
from bot.reminders.codes import UnusableCode
from bot.reminders.files import ImportReport, read_appointments, run_import
from bot.reminders.service import ReminderService
from bot.reminders.validation import Refusal, check_new, check_start, read_time
from bot.sending import Document, Keyboard, SendError
from bot.staff.enrolment import EnrolmentService
from bot.storage.records import APPOINTMENT_TYPES
from bot.storage.staff_queries import REFUSED_AT_ENROLMENT, DuplicatePendingExternalId
from bot.storage.store import DuplicateExternalId, UnknownPatient

DAYS_AHEAD = 60
FIELD = 200  # characters read of a form field: enough for the checks to see what is wrong with it
REFUSED_DAYS = 30


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


def import_upload(ctx: ConsoleContext, data: bytes, name: str) -> ImportReport:
    """Read an uploaded CSV or FHIR bundle and import it, all or nothing (storage thread)."""
    batch = read_appointments(name, data, ctx.settings, ctx.storage, ctx.clock.now)
    rules = ctx.knowledge.current.catalog.reminder_rules
    return run_import(ctx.storage, rules, batch, ctx.clock.now())


async def page(ctx: ConsoleContext, request: Request, staff: Staff, **values: Any) -> Response:
    """GET: upcoming appointments grouped by day, the add form, the import form, and what enrolment refused."""
    now = ctx.clock.now()
    upcoming = await ctx.db(ctx.queries.upcoming_appointments, now, now + timedelta(days=DAYS_AHEAD))
    pending = await ctx.db(ctx.queries.pending_appointments, now)
    refused = await ctx.db(ctx.storage.staff.audit_entries_of, REFUSED_AT_ENROLMENT, now - timedelta(days=REFUSED_DAYS))
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
        refused=refused,
        default_at=f"{local(now + timedelta(days=7)):%Y-%m-%d} 09:00",
        **values,
    )


async def add(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: an appointment for a patient's enrolment code (kept until redemption when not used yet)."""
    form = form_of(request)
    code = field_text(form, "code", 64)
    checked = check_new(
        field_text(form, "type", FIELD), field_text(form, "at", FIELD), field_text(form, "external_id", FIELD),
        ctx.clock.now(),
    )  # fmt: skip
    if isinstance(checked, list):
        return await page(ctx, request, staff, error="; ".join(checked))
    kind, start, external_id = checked
    service = reminder_service(ctx)
    enrolments = EnrolmentService(ctx.storage, ctx.clock)

    def store() -> str | None:
        try:
            enrolment, chat_id = enrolments.target(code)
        except UnusableCode as exc:
            return str(exc)
        try:
            if chat_id is None:
                pending_id = enrolments.add_pending(enrolment, kind, start, external_id)
                detail = f"waiting appointment {pending_id} for enrolment {enrolment.id}"
            else:
                detail = f"appointment {service.add_appointment(chat_id, kind, start, 'staff', external_id).id}"
        except (DuplicateExternalId, DuplicatePendingExternalId):
            return "external id exists already"
        except UnknownPatient:
            return "the patient has not started the bot"
        ctx.storage.staff.audit(ctx.clock.now(), staff.user_id, "appointment-add", detail, chat_id=chat_id)
        return None

    problem = await ctx.db(store)
    if problem:
        return await page(ctx, request, staff, error=problem)
    return redirect("/appointments?done=1")


async def change(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: move (new time) or cancel one appointment, or one still waiting for its code."""
    form = form_of(request)
    which, item_id = str(request.path_params["which"]), int(request.path_params["item_id"])
    if which not in ("appt", "pending"):
        return plain_error(ctx, request, 404)
    cancel = field_text(form, "action", 10) == "cancel"
    start: datetime | None = None
    if not cancel:
        read = read_time(field_text(form, "at", FIELD))
        if isinstance(read, Refusal):
            return await page(ctx, request, staff, error=read.message)
        start = read
        why = check_start(start, ctx.clock.now())
        if why:  # a year typo would move it into the past (dropping its reminders) or to 2062
            return await page(ctx, request, staff, error=f"the new time: {why}")
    service = reminder_service(ctx)

    def store() -> None:
        chat_id = None
        if which == "pending":
            done = ctx.queries.update_pending(item_id, start, cancel)
        else:
            known = ctx.storage.get_appointment(item_id)
            chat_id = known.chat_id if known else None
            if cancel:
                done = service.cancel_appointment(item_id)
            else:
                done = start is not None and service.move_appointment(item_id, start) is not None
        action = "appointment-cancel" if cancel else "appointment-move"
        name = "waiting appointment" if which == "pending" else "appointment"
        detail = f"{name} {item_id}" + ("" if done else ": no change")
        ctx.storage.staff.audit(ctx.clock.now(), staff.user_id, action, detail, chat_id=chat_id)

    await ctx.db(store)
    return redirect("/appointments?done=1")


async def upload(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: import an uploaded CSV or FHIR bundle, all rows or none; the result lists every row."""
    upload_file = form_of(request).get("file")
    if not isinstance(upload_file, UploadFile):
        return await page(ctx, request, staff, error="choose a file")
    limit = ctx.settings.console_max_upload_bytes
    data = await upload_file.read(limit + 1)
    if len(data) > limit:
        return await page(
            ctx, request, staff, error=f"the file is larger than {limit} bytes (CONSOLE_MAX_UPLOAD_BYTES)"
        )
    name = Path(upload_file.filename or "upload").name[:100]
    report = await ctx.db(import_upload, ctx, data, name)
    detail = f"{report.batch.count} row(s): {report.summary()}"  # no file name: it may name a patient
    await ctx.db(ctx.storage.staff.audit, ctx.clock.now(), staff.user_id, "appointment-import", detail)
    return await page(
        ctx, request, staff, results=report.results(), imported=name, summary=report.summary(), written=report.written
    )


def routes(ctx: ConsoleContext) -> list[Route]:
    """The appointment routes."""
    return [
        Route("/appointments", staff_page(ctx, page), methods=["GET"]),
        Route("/appointments", staff_page(ctx, add), methods=["POST"]),
        Route("/appointments/import", staff_page(ctx, upload), methods=["POST"]),
        Route("/appointments/{which:str}/{item_id:int}", staff_page(ctx, change), methods=["POST"]),
    ]
