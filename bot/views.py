"""What the patient sees for the menu and a chapter: HTML text plus buttons. Pure, no Telegram."""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot import callbacks
from bot.content.model import Chapter, Content, Lang
from bot.content.render import heading_html, paragraph_html, paragraphs, split_messages
from bot.content.ui import UiText
from bot.sending import Button, Keyboard

# A chapter longer than this is shown in pages, split between paragraphs: a phone screen of text.
PAGE_LIMIT = 900


@dataclass(frozen=True)
class View:
    """One or more messages; the keyboard belongs to the last one."""

    messages: list[str]
    keyboard: Keyboard = ()


def menu_button(ui: UiText, lang: Lang) -> Button:
    """The "back to the contents" button."""
    return Button(ui.t("button_menu", lang), callbacks.MENU)


def menu_view(content: Content, ui: UiText, lang: Lang, intro: str | None = None) -> View:
    """The main menu: "Spoed — wie bel ik?" first, then one big button per chapter (older patients tap
    more easily)."""
    text = ui.t("menu_title", lang)
    if intro:
        text = f"{intro}\n\n{text}"
    keyboard = [[Button(ui.t("button_spoed", lang), callbacks.SPOED)]]
    keyboard += [[Button(c.label, callbacks.chapter(c.id))] for c in content.top_level()]
    return View([text], keyboard)


def _blocks(content: Content, chapter: Chapter, parent: Chapter | None) -> list[str]:
    """The chapter as HTML blocks, each heading joined to the paragraph after it. A chapter without text
    of its own shows its sections in full (e.g. Contact)."""
    if chapter.text:
        texts = [paragraph_html(p) for p in paragraphs(chapter.text)]
        return [f"{heading_html(chapter, parent)}\n\n{texts[0]}", *texts[1:]] if texts else [heading_html(chapter)]
    blocks = [f"<b>{html.escape(chapter.title, quote=False)}</b>"]
    for section in content.children(chapter.id):
        texts = [paragraph_html(p) for p in paragraphs(section.text)] or [""]
        blocks.append(f"<b>{html.escape(section.title, quote=False)}</b>\n{texts[0]}".rstrip())
        blocks += texts[1:]
    blocks[:2] = ["\n\n".join(blocks[:2])]
    return blocks


def chapter_pages(content: Content, chapter: Chapter, limit: int = PAGE_LIMIT) -> list[str]:
    """The chapter's pages: paragraphs grouped up to `limit` characters, never split inside one."""
    parent = content.chapter(chapter.parent) if chapter.parent else None
    pages: list[str] = []
    for block in _blocks(content, chapter, parent):
        if pages and len(pages[-1]) + 2 + len(block) <= limit:
            pages[-1] = f"{pages[-1]}\n\n{block}"
        else:
            pages.append(block)
    return [piece for page in pages for piece in split_messages([page])]


def chapter_view(content: Content, ui: UiText, chapter: Chapter, lang: Lang, page: int = 1) -> View:
    """A page of a chapter with buttons for its sections, the other pages, previous / next, up and the menu."""
    parent = content.chapter(chapter.parent) if chapter.parent else None
    pages = chapter_pages(content, chapter)
    page = min(max(page, 1), len(pages))
    text = pages[page - 1]
    if page > 1:
        text = f"<i>{html.escape(chapter.title, quote=False)} ({page}/{len(pages)})</i>\n\n{text}"
    keyboard: list[list[Button]] = []
    turn = []
    if page > 1:
        label = ui.t("button_page_previous", lang, page=page - 1, pages=len(pages))
        turn.append(Button(label, callbacks.chapter_page(chapter.id, page - 1)))
    if page < len(pages):
        label = ui.t("button_page_next", lang, page=page + 1, pages=len(pages))
        turn.append(Button(label, callbacks.chapter_page(chapter.id, page + 1)))
    if turn:
        keyboard.append(turn)
    keyboard += [[Button(s.label, callbacks.chapter(s.id))] for s in content.children(chapter.id)]
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
    return View([text], keyboard)
