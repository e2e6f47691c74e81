"""Turn chapter text into Telegram HTML, split to fit Telegram's message limit (pages: bot.views)."""

from __future__ import annotations

import html
import re

from bot.content.model import Chapter

TELEGRAM_LIMIT = 4096
BULLET = "•"


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a chapter text (separated by empty lines)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def paragraph_html(paragraph: str) -> str:
    """One paragraph as escaped HTML; lines starting with '- ' become bullets."""
    lines = []
    for line in paragraph.splitlines():
        line = line.strip()
        if line.startswith("- "):
            lines.append(f"{BULLET} {html.escape(line[2:].strip(), quote=False)}")
        else:
            lines.append(html.escape(line, quote=False))
    return "\n".join(lines)


def heading_html(chapter: Chapter, parent: Chapter | None = None) -> str:
    """The chapter's heading (with its parent chapter's title for a section)."""
    parts = []
    if parent is not None:
        parts.append(f"<i>{html.escape(parent.title, quote=False)}</i>")
    parts.append(f"<b>{html.escape(chapter.title, quote=False)}</b>")
    if chapter.subtitle:
        parts.append(f"<b>{html.escape(chapter.subtitle, quote=False)}</b>")
    return "\n".join(parts)


def split_messages(blocks: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Join HTML blocks with blank lines into as few messages as fit in `limit` characters.

    Splits only between blocks; a single block longer than the limit is cut at line or word
    boundaries (blocks carry no tags across lines, so cutting there keeps the HTML valid).
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _cut(block, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _cut(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    pieces: list[str] = []
    current = ""
    for word in re.split(r"(?<=\n)|(?<= )", block):
        if len(current) + len(word) > limit and current:
            pieces.append(current.rstrip())
            current = ""
        while len(word) > limit:  # one enormous "word": cut hard, avoiding the middle of an entity
            cut = limit
            amp = word.rfind("&", 0, cut)
            if amp != -1 and ";" not in word[amp:cut]:
                cut = amp or limit
            pieces.append(word[:cut])
            word = word[cut:]
        current += word
    if current.strip():
        pieces.append(current.rstrip())
    return pieces
