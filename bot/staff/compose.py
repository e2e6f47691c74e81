"""Composing a broadcast: audience, text or chapter, the patient's view (preview = the real message), confirm.

Pure apart from Storage: the Telegram conversation and the command line both use it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from bot import callbacks
from bot.catalog import Catalog
from bot.localized import in_lang
from bot.sending import Button, Keyboard
from bot.staff.texts import StaffTexts
from bot.storage.records import APPOINTMENT_TYPES, Broadcast, BroadcastKind, BroadcastSummary
from bot.storage.store import Storage

MAX_TEXT = 3500  # room for the header and footer within Telegram's 4096
DraftStep = Literal["audience", "content", "preview"]


class TextTooLong(ValueError):
    """A broadcast text longer than MAX_TEXT: refused, never cut."""

    def __init__(self, length: int) -> None:
        super().__init__(f"{length} characters; at most {MAX_TEXT}")
        self.length = length


@dataclass(frozen=True)
class Draft:
    """A broadcast being composed (kept in the staff member's chat state between steps)."""

    audience: str = "all"
    kind: BroadcastKind = "text"
    text: str | None = None
    chapter_ids: tuple[str, ...] = ()
    step: DraftStep = "audience"

    def with_text(self, text: str) -> Draft:
        """The draft with staff's own text (plain text; escaped when rendered); TextTooLong beyond MAX_TEXT."""
        text = text.strip()
        if len(text) > MAX_TEXT:
            raise TextTooLong(len(text))
        return replace(self, kind="text", text=text, chapter_ids=(), step="preview")

    def with_chapters(self, chapter_ids: Sequence[str], kind: BroadcastKind = "chapter") -> Draft:
        """The draft pointing to chapters of the folder."""
        return replace(self, kind=kind, text=None, chapter_ids=tuple(chapter_ids), step="preview")


def valid_audience(audience: str) -> bool:
    """`all` or `type:<appointment type>`."""
    return audience == "all" or (audience.startswith("type:") and audience[5:] in APPOINTMENT_TYPES)


def audience_label(audience: str, texts: StaffTexts, catalog: Catalog, lang: str) -> str:
    """A human name of an audience."""
    if audience == "all":
        return texts.t("staff_bc_all", lang)
    kind = audience.removeprefix("type:")
    label = catalog.reminder_rules.types[kind].label if kind in catalog.reminder_rules.types else {}
    return texts.t("staff_bc_type", lang, type=in_lang(label, lang) if label else kind)


def content_version(catalog: Catalog, chapter_ids: Sequence[str]) -> str | None:
    """`id@version` of each chapter, as audited."""
    parts = []
    for chapter_id in chapter_ids:
        chapter = catalog.content.chapter(chapter_id)
        parts.append(f"{chapter_id}@{chapter.version if chapter else '?'}")
    return ",".join(parts) or None


def render(
    kind: BroadcastKind, text: str | None, chapter_ids: Sequence[str], lang: str, catalog: Catalog, texts: StaffTexts
) -> tuple[str, Keyboard] | None:
    """The message a recipient gets; None when its chapters no longer exist."""
    footer = texts.t("notice_footer", lang)
    if kind == "text":
        if not text:
            return None
        return f"{texts.t('broadcast_header', lang)}\n\n{html.escape(text)}\n\n<i>{footer}</i>", ()
    chapters = [c for c in (catalog.content.chapter(i) for i in chapter_ids) if c is not None]
    if not chapters:
        return None
    keyboard: Keyboard = [[Button(f"📖 {c.label}", callbacks.chapter(c.id))] for c in chapters]
    if kind == "chapter":
        body = texts.t("notice_chapter", lang, title=html.escape(chapters[0].title))
    else:
        body = texts.t("notice_updated", lang, titles=", ".join(html.escape(c.title) for c in chapters))
    return f"{body}\n\n<i>{footer}</i>", keyboard


def render_broadcast(
    broadcast: Broadcast, lang: str, catalog: Catalog, texts: StaffTexts
) -> tuple[str, Keyboard] | None:
    """`render` for a stored broadcast (what `BroadcastSender` calls)."""
    return render(broadcast.kind, broadcast.text, broadcast.chapter_ids, lang, catalog, texts)


def format_duration(seconds: float) -> str:
    """1 h 02 min / 3 min 05 s / 12 s."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def format_report(summary: BroadcastSummary, texts: StaffTexts, lang: str = "nl") -> str:
    """The end report for the staff member."""
    return texts.t(
        "staff_bc_report",
        lang,
        id=summary.broadcast.id,
        sent=summary.sent,
        failed=summary.failed,
        blocked=summary.blocked,
        skipped=summary.skipped,
        duration=format_duration(summary.duration_seconds),
    )


@dataclass
class Composer:
    """Turns a confirmed draft into a stored broadcast with its outbox rows."""

    storage: Storage
    catalog: Catalog
    texts: StaffTexts

    def recipients(self, draft: Draft, now: datetime) -> int:
        """How many chats the draft would reach now."""
        return self.storage.staff.count_audience(draft.audience, now)

    def preview(self, draft: Draft, lang: str) -> tuple[str, Keyboard] | None:
        """Exactly what a patient would get (in `lang`)."""
        return render(draft.kind, draft.text, draft.chapter_ids, lang, self.catalog, self.texts)

    def confirm(
        self,
        draft: Draft,
        now: datetime,
        staff_user_id: int | None,
        urgent: bool,
        report_chat_id: int | None,
        origin: str | None = None,
    ) -> Broadcast:
        """Store the broadcast and one outbox row per recipient, audited, in one transaction."""
        if not valid_audience(draft.audience):
            raise ValueError(f"unknown audience {draft.audience!r}")
        return self.storage.staff.create_broadcast(
            now=now,
            created_by=staff_user_id,
            kind=draft.kind,
            audience=draft.audience,
            text=draft.text,
            chapter_ids=draft.chapter_ids,
            content_version=content_version(self.catalog, draft.chapter_ids),
            urgent=urgent,
            report_chat_id=report_chat_id,
            origin=origin,
        )
