"""/afspraken (the patient's upcoming appointments: cancel one, or get it as .ics) and the buttons under a
reminder ("Gelezen", "Afspraak verzetten?"). Callback data can be tampered with: an appointment or a
reminder is only acted on when it is this chat's.
"""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import callbacks
from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.replies import say, send_view
from bot.app.services import Services
from bot.content.model import Lang
from bot.localized import in_lang
from bot.reminders.dates import format_when
from bot.reminders.ics import appointment_ics
from bot.sending import Button, Document
from bot.storage.records import Appointment

log = logging.getLogger(__name__)


def type_label(services: Services, appointment_type: str, lang: Lang) -> str:
    """The name of an appointment type in `lang` (reminders.yaml)."""
    rules = services.knowledge.current.catalog.reminder_rules
    label = rules.for_type(appointment_type).label
    return in_lang(label, lang)


class AppointmentList:
    """The patient's appointments and the reminder buttons."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def handlers(self) -> list[Registration]:
        """/afspraken, its buttons and the reminder buttons (all in the default group)."""
        only_new = filters.UpdateType.MESSAGE
        return [
            (Group.DEFAULT, CommandHandler("afspraken", self.list, filters=only_new)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_calendar, pattern=callbacks.APPOINTMENT_ICS_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_remove, pattern=callbacks.APPOINTMENT_DEL_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_reminder_read, pattern=callbacks.REMINDER_READ_PATTERN)),
            (Group.DEFAULT, CallbackQueryHandler(self.on_reminder_move, pattern=callbacks.REMINDER_MOVE_PATTERN)),
        ]

    def _type_label(self, appointment_type: str, lang: Lang) -> str:
        return type_label(self.services, appointment_type, lang)

    async def list(self, update: Update, context: Context) -> None:
        """Upcoming appointments with cancel and calendar buttons."""
        chat = update.effective_chat
        if chat is None:
            return
        lang = context.lang
        upcoming = await self.services.db(
            self.services.storage.list_appointments, chat_id=chat.id, after=self.services.clock.now()
        )
        if not upcoming:
            await send_view(update.effective_message, say(context.t("appt_none")))
            return
        lines = [context.t("appt_list_title")]
        keyboard: list[list[Button]] = []
        for appointment in upcoming[:10]:
            label = self._type_label(appointment.type, lang)
            when = format_when(appointment.start_at, lang)
            lines.append("• " + context.t("appt_item", type=html.escape(label), when=when))
            short = when.split(" ", 1)[1]  # without the weekday, to keep buttons short
            keyboard.append(
                [
                    Button(
                        context.t("button_appt_cancel", type=label, short=short),
                        callbacks.appointment_list_action("del", appointment.id),
                    )
                ]
            )
            keyboard.append(
                [
                    Button(
                        context.t("button_appt_ics", type=label, short=short),
                        callbacks.appointment_list_action("ics", appointment.id),
                    )
                ]
            )
        await send_view(update.effective_message, say("\n".join(lines), keyboard))

    async def _own_appointment(self, update: Update, appointment_id: int) -> Appointment | None:
        """The appointment if it belongs to this chat: callback data can be tampered with."""
        chat = update.effective_chat
        appointment = await self.services.db(self.services.storage.get_appointment, appointment_id)
        if chat is None or appointment is None or appointment.chat_id != chat.id:
            return None
        return appointment

    async def _listed(self, update: Update, context: Context) -> Appointment | None:
        """The appointment under a button of /afspraken, when it is this chat's and not cancelled (else say so)."""
        query = update.callback_query
        parsed = callbacks.parse_appointment_list_action(query.data or "") if query is not None else None
        if query is None or parsed is None:
            return None
        await query.answer()
        appointment = await self._own_appointment(update, parsed[1])
        if appointment is None or appointment.cancelled:
            await send_view(update.effective_message, say(context.t("appt_unknown")))
            return None
        return appointment

    async def on_calendar(self, update: Update, context: Context) -> None:
        """Send an appointment of /afspraken as an .ics calendar file."""
        appointment = await self._listed(update, context)
        if appointment is None:
            return
        label = self._type_label(appointment.type, context.lang)
        when = format_when(appointment.start_at, context.lang)
        rules = self.services.knowledge.current.catalog.reminder_rules
        data = appointment_ics(appointment, rules, self.services.clock.now())
        document = Document(f"afspraak-{appointment.start_at:%Y%m%d-%H%M}.ics", data, f"{html.escape(label)}: {when}")
        await self.services.sender.send_document(appointment.chat_id, document)

    async def on_remove(self, update: Update, context: Context) -> None:
        """Cancel an appointment of /afspraken (and its reminders); the hospital still has to be told."""
        appointment = await self._listed(update, context)
        if appointment is None:
            return
        label = self._type_label(appointment.type, context.lang)
        when = format_when(appointment.start_at, context.lang)
        await self.services.db(self.services.reminders.cancel_appointment, appointment.id)
        self.services.timer.changed()
        phone = self.services.knowledge.current.catalog.content.contacts["afsprakenlijn"].phone or ""
        removed = context.t("appt_removed", type=html.escape(label), when=when)
        note = context.t("appt_hospital_note", phone=html.escape(phone))
        await send_view(update.effective_message, say(removed + "\n\n" + note))

    async def on_reminder_read(self, update: Update, context: Context) -> None:
        """ "Gelezen": record it and take the button away."""
        query = update.callback_query
        reminder_id = callbacks.REMINDER_READ.parse(query.data or "") if query is not None else None
        if query is None or reminder_id is None or not isinstance(query.message, Message):
            return
        reminder = await self.services.db(self.services.storage.get_reminder, reminder_id)
        appointment = await self._own_appointment(update, reminder.appointment_id) if reminder else None
        if reminder is None or appointment is None:
            await query.answer()
            return
        await self.services.db(self.services.storage.mark_read, reminder.id, self.services.clock.now())
        await query.answer(context.t("reminder_read"))
        markup = query.message.reply_markup
        if markup is not None:
            rows = [[b for b in row if b.callback_data != query.data] for row in markup.inline_keyboard]
            await query.message.edit_reply_markup(InlineKeyboardMarkup([r for r in rows if r]))

    async def on_reminder_move(self, update: Update, context: Context) -> None:
        """ "Afspraak verzetten?": the folder's afsprakenlijn section."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        chapter = self.services.knowledge.current.catalog.content.chapter("afsprakenlijn")
        if chapter is not None:
            await send_view(update.effective_message, say(html.escape(chapter.text, quote=False)))
