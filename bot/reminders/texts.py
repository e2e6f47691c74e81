"""The text and buttons of a reminder message (HTML for Telegram). Pure: no I/O."""

from __future__ import annotations

from html import escape

from bot.callbacks import chapter as chapter_callback
from bot.reminders.dates import format_when
from bot.reminders.rules import ReminderRules
from bot.sending import Button, Keyboard
from bot.storage.records import Appointment


def read_callback(reminder_id: int) -> str:
    """Callback data of the "Gelezen" button."""
    return f"rem:read:{reminder_id}"


def move_callback(appointment_id: int) -> str:
    """Callback data of the "Afspraak verzetten?" button."""
    return f"rem:move:{appointment_id}"


def render_reminder(
    rules: ReminderRules, appointment: Appointment, reminder_id: int, lang: str
) -> tuple[str, Keyboard]:
    """The reminder message for `appointment` in `lang` (folder facts stay Dutch) and its buttons."""
    lang = lang if lang in rules.templates else "nl"
    type_rules = rules.for_type(appointment.type)
    type_label = type_rules.label.get(lang) or type_rules.label["nl"]
    when = format_when(appointment.start_at, lang)
    parts = [escape(rules.text(lang, "reminder").format(type=type_label, when=when))]
    if type_rules.folder_facts:
        parts.append(f"{escape(rules.text(lang, 'folder_intro'))}\n<i>{escape(type_rules.folder_facts)}</i>")
    if type_rules.site_preparation is not None:
        site_text = type_rules.site_preparation.text.get(lang) or type_rules.site_preparation.text["nl"]
        parts.append(f"{escape(rules.text(lang, 'site_intro'))}\n{escape(site_text)}")
    keyboard: list[list[Button]] = [[Button(rules.text(lang, "button_read"), read_callback(reminder_id))]]
    if type_rules.chapter:
        label = rules.text(lang, "button_chapter").format(type=type_label)
        keyboard.append([Button(label, chapter_callback(type_rules.chapter))])
    keyboard.append([Button(rules.text(lang, "button_move"), move_callback(appointment.id))])
    return "\n\n".join(parts), keyboard
