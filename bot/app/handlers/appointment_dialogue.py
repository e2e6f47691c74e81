"""/afspraak: the patient enters an appointment, and /annuleer.

The dialogue asks consent first (nothing is stored before it), then the type, then the date
and time in the patient's own Dutch words, and confirms before saving. Its state is a typed draft
in the chat's state (`ChatData.appointment`, kept in the database by bot.app.chat_state), so it continues after
a restart and on whichever instance gets the next update; each handler checks the draft's step, and
a button from another step is stale. The safety layer runs in an earlier handler group, so an alarm
typed in the middle of it is still answered first. Typed text reaches the dialogue through
bot.app.handlers.dialogue, which first reads "stop", "help" and "weet ik niet"; what is clearly not an
answer gets the reply it calls for there, never "Die datum kan ik niet lezen".
"""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks
from bot.app.context import AppointmentDraft, AppointmentStep, Context
from bot.app.groups import Group, Registration
from bot.app.handlers.appointment_list import type_label
from bot.app.replies import say, send_view
from bot.app.services import Services
from bot.content.model import Lang
from bot.observability.pseudonyms import hash_chat_id
from bot.reminders.dates import example_when, format_day, format_when
from bot.reminders.parsing import ParsedTime, mentions_date_or_time, parse_appointment_time
from bot.reminders.validation import PAST, check_start
from bot.replying.compose import not_an_answer
from bot.sending import Button
from bot.storage.records import APPOINTMENT_TYPES, AppointmentType

log = logging.getLogger(__name__)
Stale = Callable[[Update, Context], Awaitable[None]]


class AppointmentDialogue:
    """/afspraak step by step: consent, type, date and time, confirmation."""

    def __init__(self, services: Services, stale: Stale) -> None:
        self.services = services
        self.stale = stale

    def handlers(self) -> list[Registration]:
        """/annuleer and the cancel button inside the dialogue first, then /afspraak and its buttons."""
        only_new = filters.UpdateType.MESSAGE
        return [
            (Group.DIALOGUE, CommandHandler(["annuleer", "cancel"], self.cancel, filters=only_new)),
            (Group.DIALOGUE, CallbackQueryHandler(self.cancel, pattern=callbacks.APPOINTMENT_CANCEL_PATTERN)),
            (Group.DEFAULT, CommandHandler("afspraak", self.start, filters=only_new)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_consent, pattern=callbacks.APPOINTMENT_CONSENT_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_type, pattern=callbacks.APPOINTMENT_TYPE_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_pick, pattern=callbacks.APPOINTMENT_PICK_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_save, pattern=callbacks.APPOINTMENT_SAVE_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_again, pattern=callbacks.APPOINTMENT_AGAIN_PATTERN)),
            (Group.DEFAULT, CommandHandler("annuleer", self.nothing_to_cancel, filters=only_new)),
        ]

    # -- helpers ---------------------------------------------------------------------------------

    def _type_label(self, appointment_type: str, lang: Lang) -> str:
        return type_label(self.services, appointment_type, lang)

    def _type_button(self, appointment_type: str, context: Context) -> str:
        if appointment_type == "overig":
            return context.t("button_other_appointment")
        label = self._type_label(appointment_type, context.lang)
        return label[:1].upper() + label[1:]

    def _draft(self, context: Context, *steps: AppointmentStep) -> AppointmentDraft | None:
        """The open draft when it is in one of `steps` (any step when none given) and not lapsed."""
        draft = context.state.appointment
        if draft is None or draft.idle(self.services.clock.now()):
            return None
        return draft if not steps or draft.step in steps else None

    def _new(self, step: AppointmentStep) -> AppointmentDraft:
        return AppointmentDraft(step=step, touched_at=self.services.clock.now())

    # -- the dialogue ----------------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """Ask consent when nothing is stored yet, else the type of appointment."""
        chat = update.effective_chat
        if chat is None:
            return
        context.state.appointment = None
        patient = await self.services.db(self.services.storage.get_patient, chat.id)
        if patient is None or patient.consent_at is None:
            days = self.services.settings.purge_after_days
            keyboard = [
                [Button(context.t("button_consent_yes"), callbacks.appointment_consent("yes"))],
                [Button(context.t("button_consent_no"), callbacks.appointment_consent("no"))],
            ]
            await send_view(update.effective_message, say(context.t("privacy_consent", days=days), keyboard))
            context.state.appointment = self._new("consent")
            return
        await self._ask_type(update, context)

    async def _ask_type(self, update: Update, context: Context) -> None:
        keyboard = [[Button(self._type_button(t, context), callbacks.appointment_type(t))] for t in APPOINTMENT_TYPES]
        keyboard.append([Button(context.t("button_cancel"), callbacks.appointment_confirm("cancel"))])
        await send_view(update.effective_message, say(context.t("appt_choose_type"), keyboard))
        context.state.appointment = self._new("type")

    async def on_consent(self, update: Update, context: Context) -> None:
        """Store the patient with the consent time, or store nothing."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        if self._draft(context, "consent") is None:
            await self.stale(update, context)
            return
        await query.answer()
        if callbacks.parse_appointment_consent(query.data or "") != "yes":
            context.state.appointment = None
            await send_view(update.effective_message, say(context.t("consent_declined")))
            return
        now = self.services.clock.now()
        lang = context.lang
        await self.services.db(self.services.storage.upsert_patient, chat.id, lang, now, consent_at=now)
        self.services.languages.remember(chat.id, lang)
        log.info("consent given chat=%s", hash_chat_id(chat.id))
        await self._ask_type(update, context)

    async def on_type(self, update: Update, context: Context) -> None:
        """Remember the type; ask for the date and time."""
        query = update.callback_query
        if query is None or query.data is None:
            return
        draft = self._draft(context, "type")
        if draft is None:
            await self.stale(update, context)
            return
        await query.answer()
        appointment_type = callbacks.parse_appointment_type(query.data)
        if appointment_type is None or appointment_type not in APPOINTMENT_TYPES:
            await self._ask_type(update, context)
            return
        label = self._type_label(appointment_type, context.lang)
        ask = context.t("appt_ask_when", type=html.escape(label), example=self._example(context))
        await send_view(update.effective_message, say(ask))
        now = self.services.clock.now()
        context.state.appointment = draft.at("when", now, type=_as_type(appointment_type), day=None, when=None)

    # -- typed text, through bot.app.handlers.dialogue ----------------------------------------------

    def is_open(self, context: Context) -> bool:
        """True while an appointment is being entered (and the draft has not lapsed)."""
        return self._draft(context) is not None

    def waiting_for(self, context: Context) -> str:
        """What the open step waits for, and how to stop."""
        draft = self._draft(context)
        step = draft.step if draft is not None else "when"
        return context.t(f"appt_help_{step}", example=self._example(context))

    def reminder(self, context: Context) -> str | None:
        """After the reply to a message that was not an answer: the step again."""
        return self.waiting_for(context)

    async def stop(self, update: Update, context: Context) -> None:
        """ "stop", "stoppen", "annuleren": leave the dialogue; nothing is saved."""
        context.state.appointment = None
        await send_view(update.effective_message, say(context.t("appt_cancelled_conversation")))

    async def dont_know(self, update: Update, context: Context) -> None:
        """ "weet ik niet": without a date there is nothing to remind of, so stop; elsewhere explain the step."""
        if self._draft(context, "when", "confirm") is None:
            await send_view(update.effective_message, say(self.waiting_for(context)))
            return
        context.state.appointment = None
        await send_view(update.effective_message, say(context.t("appt_dont_know")))

    async def answer(self, update: Update, context: Context) -> bool:
        """Read typed text as the step's answer; False when it is clearly not one (the caller replies to it)."""
        message = update.effective_message
        if self._draft(context, "when", "confirm") is None or message is None or not message.text:
            return False  # the other steps wait for a button
        text = message.text[:200]
        draft = context.state.appointment
        parsed = parse_appointment_time(text, self.services.clock.now(), day=draft.day if draft else None)
        if parsed.status == "error" and parsed.reason == "unreadable":
            catalog = self.services.knowledge.current.catalog
            if not mentions_date_or_time(text) or not_an_answer(text, catalog):
                return False
        await self._on_when(update, context, parsed)
        return True

    def _example(self, context: Context) -> str:
        return html.escape(example_when(self.services.clock.now(), context.lang))

    async def _on_when(self, update: Update, context: Context, parsed: ParsedTime) -> None:
        """The date and time read: confirm, ask again, or ask which one was meant."""
        draft = self._draft(context, "when", "confirm")
        if draft is None or draft.type is None:
            return
        lang = context.lang
        label = html.escape(self._type_label(draft.type, lang))
        now = self.services.clock.now()
        if parsed.status == "ok" and parsed.when is not None:
            await self._confirm(update, context, parsed.when)
            return
        context.state.appointment = draft.at("when", now)
        if parsed.status == "error":
            key = "appt_past" if parsed.reason == "past" else "appt_unreadable"
            await send_view(update.effective_message, say(context.t(key, example=self._example(context))))
            return
        if parsed.question in ("ask_time", "nonexistent") and parsed.day is not None:
            context.state.appointment = draft.at("when", now, day=parsed.day)
            if parsed.question == "nonexistent":  # 02:30 on the night the clocks skip it: ask, never shift
                await send_view(update.effective_message, say(parsed.question_text(lang) or ""))
                return
            noon = datetime.combine(parsed.day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
            date_text = format_day(noon, lang)
            await send_view(update.effective_message, say(context.t("appt_ask_time", type=label, date=date_text)))
            return
        if parsed.candidates:
            options = [format_when(c, lang, now) for c in parsed.candidates[:4]]
            keyboard = [
                [Button(o, callbacks.appointment_pick(int(c.timestamp())))]
                for o, c in zip(options, parsed.candidates, strict=False)
            ]
            question = parsed.question_text(lang) or context.t("appt_ambiguous", options=" / ".join(options))
            await send_view(update.effective_message, say(question, keyboard))
            return
        question = parsed.question_text(lang) or context.t("appt_unreadable", example=self._example(context))
        await send_view(update.effective_message, say(question))

    async def on_pick(self, update: Update, context: Context) -> None:
        """One of the offered times was chosen."""
        query = update.callback_query
        if query is None or query.data is None:
            return
        if self._draft(context, "when", "confirm") is None:
            await self.stale(update, context)
            return
        await query.answer()
        seconds = callbacks.parse_appointment_pick(query.data)
        try:
            when = datetime.fromtimestamp(seconds, tz=UTC) if seconds is not None else None
        except (ValueError, OverflowError, OSError):
            return
        if when is None:
            return
        await self._confirm(update, context, when)

    async def _confirm(self, update: Update, context: Context, when: datetime) -> None:
        draft = self._draft(context, "when", "confirm")
        if draft is None or draft.type is None:
            return
        lang = context.lang
        now = self.services.clock.now()
        refused = check_start(when, now)  # the rules every way in shares (bot.reminders.validation)
        if refused:
            context.state.appointment = draft.at("when", now)
            key = "appt_past" if refused == PAST else "appt_too_far"
            await send_view(update.effective_message, say(context.t(key, example=self._example(context))))
            return
        label = html.escape(self._type_label(draft.type, lang))
        keyboard = [
            [Button(context.t("button_yes_save"), callbacks.appointment_confirm("save"))],
            [Button(context.t("button_no_again"), callbacks.appointment_confirm("again"))],
            [Button(context.t("button_cancel"), callbacks.appointment_confirm("cancel"))],
        ]
        when_text = format_when(when, lang, now)
        confirm = context.t("appt_confirm", type=label, when=when_text)
        await send_view(update.effective_message, say(confirm, keyboard))
        context.state.appointment = draft.at("confirm", now, when=when.astimezone(UTC))

    async def on_again(self, update: Update, context: Context) -> None:
        """ "No": ask for the date and time again."""
        query = update.callback_query
        draft = self._draft(context, "confirm")
        if draft is None:
            await self.stale(update, context)
            return
        if query:
            await query.answer()
        label = html.escape(self._type_label(draft.type or "overig", context.lang))
        ask = context.t("appt_ask_when", type=label, example=self._example(context))
        await send_view(update.effective_message, say(ask))
        context.state.appointment = draft.at("when", self.services.clock.now(), when=None, day=None)

    async def on_save(self, update: Update, context: Context) -> None:
        """Save the appointment with its reminders and say when they will come."""
        query, chat = update.callback_query, update.effective_chat
        draft = self._draft(context, "confirm")
        if query is None or chat is None:
            return
        if draft is None or draft.when is None or draft.type is None:
            await self.stale(update, context)
            return
        await query.answer()
        reminders = self.services.reminders
        # The draft goes first: a second tap (or the same tap on another instance) finds none.
        context.state.appointment = None
        try:
            appointment = await self.services.db(reminders.add_appointment, chat.id, draft.type, draft.when, "patient")
        except Exception:
            context.state.appointment = draft  # not saved: the patient can tap again once the database is back
            raise
        self.services.timer.changed()
        lang = context.lang
        now = self.services.clock.now()
        label = html.escape(self._type_label(appointment.type, lang))
        lines = [context.t("appt_saved", type=label, when=format_when(appointment.start_at, lang, now))]
        stored = await self.services.db(self.services.storage.reminders_of, appointment.id)
        pending = [r for r in stored if r.status == "pending"]
        if pending:
            moments = "\n".join(f"• {format_when(r.due_at, lang, now)}" for r in pending)
            lines.append(context.t("appt_saved_reminders", moments=moments))
        else:
            lines.append(context.t("appt_saved_no_reminders"))
        await send_view(update.effective_message, say("\n".join(lines)))

    async def cancel(self, update: Update, context: Context) -> None:
        """/annuleer or the cancel button inside the dialogue: leave it; nothing is saved."""
        if self._draft(context) is None:
            if update.callback_query is not None:
                await self.stale(update, context)
                raise ApplicationHandlerStop
            return  # /annuleer outside the dialogue: group 0 answers it
        if update.callback_query:
            await update.callback_query.answer()
        context.state.appointment = None
        await send_view(update.effective_message, say(context.t("appt_cancelled_conversation")))
        raise ApplicationHandlerStop

    async def nothing_to_cancel(self, update: Update, context: Context) -> None:
        """/annuleer outside the conversation."""
        await send_view(update.effective_message, say(context.t("appt_cancelled_conversation")))


def _as_type(value: str) -> AppointmentType:
    assert value in APPOINTMENT_TYPES  # noqa: S101 - checked by the caller
    return value
