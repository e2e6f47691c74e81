"""`python -m bot appointments add|list|cancel|import|ics`: appointments for staff, on the command line."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot import cliargs
from bot.clock import SystemClock
from bot.reminders.codes import UnusableCode, code_target
from bot.reminders.dates import format_when
from bot.reminders.files import read_path, run_import
from bot.reminders.ics import appointment_ics
from bot.reminders.loader import load_reminder_rules
from bot.reminders.service import ReminderService
from bot.reminders.validation import check_new
from bot.sending import Document, Keyboard, SendError
from bot.settings import Settings
from bot.storage.records import APPOINTMENT_TYPES
from bot.storage.staff_queries import DuplicatePendingExternalId
from bot.storage.store import DuplicateExternalId, UnknownPatient, open_storage


class _NoSender:
    """The command line never sends: the running bot picks the new reminders up from the database."""

    async def send_message(self, chat_id: int, html: str, keyboard: Keyboard = ()) -> int:
        raise SendError("the command line does not send messages")

    async def send_document(self, chat_id: int, document: Document) -> int:
        raise SendError("the command line does not send messages")


def _service(args: argparse.Namespace) -> ReminderService | None:
    settings = _settings(args)
    rules_path = settings.schedules_dir / "reminders.yaml"
    rules, problems = load_reminder_rules(rules_path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if rules is None:
        return None
    storage = open_storage(settings.database_url)
    return ReminderService(
        storage, rules, _NoSender(), SystemClock(), timedelta(hours=settings.reminder_max_late_hours)
    )


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    return dataclasses.replace(settings, database_url=args.db) if args.db else settings


def _add(args: argparse.Namespace) -> int:
    service = _service(args)
    if service is None:
        return 1
    checked = check_new(args.type, args.at, args.external_id, service.clock.now(), time_name="--at")
    if isinstance(checked, list):
        print(f"refused: {'; '.join(checked)}", file=sys.stderr)
        return 2
    _, start, args.external_id = checked
    if args.patient:
        chat_id = _patient_chat(service, args, start)
        if chat_id is None or chat_id < 0:
            return 0 if chat_id is None else 1
        args.chat_id = chat_id
    try:
        appt = service.add_appointment(args.chat_id, args.type, start, "staff", args.external_id)
    except UnknownPatient:
        print(f"chat {args.chat_id} has not started the bot (no consent yet)", file=sys.stderr)
        return 1
    except DuplicateExternalId:
        print(f"external id {args.external_id!r} exists already", file=sys.stderr)
        return 1
    reminders = service.storage.reminders_of(appt.id)
    print(f"appointment {appt.id}: {appt.type} {format_when(appt.start_at, 'nl')}, {len(reminders)} reminder(s)")
    for reminder in reminders:
        print(f"  {reminder.rule}: {format_when(reminder.due_at, 'nl')}")
    return 0


def _patient_chat(service: ReminderService, args: argparse.Namespace, start: datetime) -> int | None:
    """--patient CODE: the chat of a redeemed code; None after keeping it for an unredeemed one; -1 on error."""
    try:
        enrolment, chat_id = code_target(service.storage, args.patient, service.clock)
    except UnusableCode as exc:
        print(f"--patient: {exc}", file=sys.stderr)
        return -1
    if chat_id is not None:
        return chat_id
    try:
        service.storage.staff.add_pending_appointment(
            enrolment.id, args.type, start, service.clock.now(), args.external_id
        )
    except DuplicatePendingExternalId:
        print(f"external id {args.external_id!r} exists already", file=sys.stderr)
        return -1
    print(f"appointment kept for enrolment {enrolment.id}: reminders are planned when the patient uses the code")
    return None


def _list(args: argparse.Namespace) -> int:
    service = _service(args)
    if service is None:
        return 1
    after = None if args.all else service.clock.now()
    appointments = service.storage.list_appointments(args.chat_id, after, include_cancelled=args.all)
    for appt in appointments:
        flags = " (cancelled)" if appt.cancelled else ""
        external = f" [{appt.external_id}]" if appt.external_id else ""
        print(f"{appt.id}\t{appt.chat_id}\t{appt.type}\t{format_when(appt.start_at, 'nl')}{external}{flags}")
    if not appointments:
        print("no appointments")
    return 0


def _cancel(args: argparse.Namespace) -> int:
    service = _service(args)
    if service is None:
        return 1
    if not service.cancel_appointment(args.id):
        print(f"no open appointment with id {args.id}", file=sys.stderr)
        return 1
    print(f"appointment {args.id} cancelled; its reminders will not be sent")
    return 0


def _import(args: argparse.Namespace) -> int:
    service = _service(args)
    if service is None:
        return 1
    settings = _settings(args)
    clock = service.clock
    batch = read_path(Path(args.file), settings, service.storage, clock.now)
    report = run_import(service.storage, service.rules, batch, clock.now(), partial=args.partial)
    for problem in report.plan.problems:
        print(problem, file=sys.stderr)
    if not report.written:
        hint = "" if report.conflict else " (or pass --partial to import only the good rows)"
        print(report.summary() + hint, file=sys.stderr)
        return 1
    print(report.summary())
    return 1 if report.plan.problems else 0


def _ics(args: argparse.Namespace) -> int:
    service = _service(args)
    if service is None:
        return 1
    appt = service.storage.get_appointment(args.id)
    if appt is None:
        print(f"no appointment with id {args.id}", file=sys.stderr)
        return 1
    data = appointment_ics(appt, service.rules, service.clock.now())
    Path(args.output).write_bytes(data)
    print(f"written {args.output}")
    return 0


def register(subparsers: Any) -> None:
    """Add `appointments …` to the command line."""
    parser = subparsers.add_parser("appointments", help="add, list, cancel and import appointments")
    parser.add_argument("--db", help="database URL (default: DATABASE_URL or data/bot.db)")
    commands = parser.add_subparsers(dest="appointments_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="add an appointment (Amsterdam local time)")
    who = add.add_mutually_exclusive_group(required=True)
    who.add_argument("--chat-id", type=cliargs.chat_id)
    who.add_argument("--patient", metavar="CODE", help="the patient's enrolment code (before or after redemption)")
    add.add_argument("--type", choices=APPOINTMENT_TYPES, required=True)
    add.add_argument("--at", required=True, help='"YYYY-MM-DD HH:MM", Amsterdam local time')
    add.add_argument("--external-id")
    add.set_defaults(func=_add)

    listing = commands.add_parser("list", help="upcoming appointments")
    listing.add_argument("--chat-id", type=cliargs.chat_id)
    listing.add_argument("--all", action="store_true", help="also past and cancelled ones")
    listing.set_defaults(func=_list)

    cancel = commands.add_parser("cancel", help="cancel an appointment; its reminders are not sent")
    cancel.add_argument("id", type=cliargs.record_id)
    cancel.set_defaults(func=_cancel)

    imp = commands.add_parser(
        "import",
        help="import a CSV, YAML or FHIR R4 Bundle file: all rows or none (idempotent by external_id; docs/IMPORT.md)",
    )
    imp.add_argument("file")
    imp.add_argument("--partial", action="store_true", help="import the good rows even when others have problems")
    imp.set_defaults(func=_import)

    ics = commands.add_parser("ics", help="write an appointment as an .ics calendar file")
    ics.add_argument("id", type=cliargs.record_id)
    ics.add_argument("--output", "-o", default="afspraak.ics")
    ics.set_defaults(func=_ics)
