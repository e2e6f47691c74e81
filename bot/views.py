"""What the patient sees for the menu and a chapter: HTML text plus buttons. Pure, no Telegram."""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot import callbacks
from bot.content.model import Chapter, Content, Lang
from bot.content.render import chapter_messages, paragraph_html, paragraphs, split_messages
from bot.content.ui import UiText
from bot.sending import Button, Keyboard


@dataclass(frozen=True)
class View:
    """One or more messages; the keyboard belongs to the last one."""

    messages: list[str]
    keyboard: Keyboard = ()


def menu_button(ui: UiText, lang: Lang) -> Button:
    """The "back to the contents" button."""
    return Button(ui.t("button_menu", lang), callbacks.MENU)


def menu_view(content: Content, ui: UiText, lang: Lang, intro: str | None = None) -> View:
    """The main menu: one big button per chapter (older patients tap more easily)."""
    text = ui.t("menu_title", lang)
    if intro:
        text = f"{intro}\n\n{text}"
    keyboard = [[Button(c.label, callbacks.chapter(c.id))] for c in content.top_level()]
    return View([text], keyboard)


def _sections_html(content: Content, chapter: Chapter) -> list[str]:
    """A chapter without text of its own shows its sections in full (e.g. Contact)."""
    blocks = []
    for section in content.children(chapter.id):
        blocks.append(f"<b>{html.escape(section.title, quote=False)}</b>")
        blocks += [paragraph_html(p) for p in paragraphs(section.text)]
    return blocks


def chapter_view(content: Content, ui: UiText, chapter: Chapter, lang: Lang) -> View:
    """A chapter with buttons for its sections, previous / next, up and the menu."""
    parent = content.chapter(chapter.parent) if chapter.parent else None
    if chapter.text:
        messages = chapter_messages(chapter, parent)
    else:
        messages = split_messages(
            [f"<b>{html.escape(chapter.title, quote=False)}</b>", *_sections_html(content, chapter)]
        )
    keyboard: list[list[Button]] = [[Button(s.label, callbacks.chapter(s.id))] for s in content.children(chapter.id)]
    previous, following = content.neighbours(chapter.id)
    nav = []
    if previous:
        nav.append(Button(ui.t("button_previous", lang, title=previous.label), callbacks.chapter(previous.id)))
    if following:
        nav.append(Button(ui.t("button_next", lang, title=following.label), callbacks.chapter(following.id)))
    if nav:
        keyboard.append(nav)
    bottom = []
    if parent:
        bottom.append(Button(ui.t("button_up", lang, title=parent.label), callbacks.chapter(parent.id)))
    bottom.append(menu_button(ui, lang))
    keyboard.append(bottom)
    return View(messages, keyboard)
