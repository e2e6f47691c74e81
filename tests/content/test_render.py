"""Chapter text as Telegram HTML: escaping, bullets, pages split between paragraphs, and splitting at
Telegram's 4,096 characters."""

from __future__ import annotations

from datetime import time

from bot.content.model import Chapter, Content, WeeklyHours
from bot.content.render import TELEGRAM_LIMIT, split_messages
from bot.fakeapi.telegram_html import parse_html
from bot.views import PAGE_LIMIT, chapter_pages

HOURS = WeeklyHours(frozenset({0}), time(10), time(12))


def pages(chapter: Chapter) -> list[str]:
    return chapter_pages(Content((chapter,), {}, HOURS, (), HOURS), chapter)


def test_text_is_escaped_and_bullets_rendered() -> None:
    chapter = Chapter("x", "A & B <c>", None, "Koorts (> 38,5 °C) & pijn\n\n- een\n- twee")
    (message,) = pages(chapter)
    assert "<b>A &amp; B &lt;c&gt;</b>" in message
    assert "Koorts (&gt; 38,5 °C) &amp; pijn" in message
    assert "• een\n• twee" in message
    parse_html(message)  # valid Telegram HTML


def test_long_texts_come_in_pages_split_on_paragraph_boundaries() -> None:
    paragraphs = [f"Alinea {i}. " + "woord " * (20 + i * 5) for i in range(40)]
    chapter = Chapter("lang", "Lang", None, "\n\n".join(p.strip() for p in paragraphs))
    messages = pages(chapter)
    assert len(messages) > 1
    # A page is at most a phone screen, unless it is one paragraph (with its heading) that is longer.
    assert all(len(m) <= PAGE_LIMIT or m.count("\n\n") <= 1 for m in messages)
    assert all(len(m) <= TELEGRAM_LIMIT for m in messages)
    for message in messages[1:]:
        assert message.startswith("Alinea ")  # every message starts at a paragraph
    joined = "\n\n".join(messages)
    assert all(p.strip() in joined for p in paragraphs)


def test_a_single_huge_paragraph_is_cut_at_words_and_stays_valid_html() -> None:
    block = "&amp; " * 2000 + "x" * 5000
    messages = split_messages([block], limit=TELEGRAM_LIMIT)
    assert all(len(m) <= TELEGRAM_LIMIT for m in messages)
    for message in messages:
        parse_html(message)
    assert "".join(messages).replace(" ", "").count("&amp;") == 2000
