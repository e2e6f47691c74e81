"""The text and buttons of a reminder message (HTML for Telegram). Pure: no I/O."""

from __future__ import annotations

from html import escape

from bot import callbacks
from bot.localized import in_lang, known_lang
from bot.reminders.dates import format_when
from bot.reminders.rules import ReminderRules
from bot.sending import Button, Keyboard
from bot.storage.records import Appointment


def render_reminder(
    rules: ReminderRules, appointment: Appointment, reminder_id: int, lang: str
) -> tuple[str, Keyboard]:
    """The reminder message for `appointment` in `lang` (folder facts stay Dutch) and its buttons."""
    lang = known_lang(rules.templates, lang)
    type_rules = rules.for_type(appointment.type)
    type_label = in_lang(type_rules.label, lang)
    when = format_when(appointment.start_at, lang)
    parts = [escape(rules.text(lang, "reminder").format(type=type_label, when=when))]
    if type_rules.folder_facts:
        parts.append(f"{escape(rules.text(lang, 'folder_intro'))}\n<i>{escape(type_rules.folder_facts)}</i>")
    if type_rules.site_preparation is not None:
        site_text = in_lang(type_rules.site_preparation.text, lang)
        parts.append(f"{escape(rules.text(lang, 'site_intro'))}\n{escape(site_text)}")
    keyboard: list[list[Button]] = [[Button(rules.text(lang, "button_read"), callbacks.reminder_read(reminder_id))]]
    if type_rules.chapter:
        label = rules.text(lang, "button_chapter").format(type=type_label)
        keyboard.append([Button(label, callbacks.chapter(type_rules.chapter))])
    keyboard.append([Button(rules.text(lang, "button_move"), callbacks.reminder_move(appointment.id))])
    return "\n\n".join(parts), keyboard
