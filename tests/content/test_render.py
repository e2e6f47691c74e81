"""Chapter text as Telegram HTML: escaping, bullets, and splitting at Telegram's 4,096 characters."""

from __future__ import annotations

from bot.content.model import Chapter
from bot.content.render import TELEGRAM_LIMIT, chapter_messages, split_messages
from bot.fakeapi.telegram_html import parse_html


def test_text_is_escaped_and_bullets_rendered() -> None:
    chapter = Chapter("x", "A & B <c>", None, "Koorts (> 38,5 °C) & pijn\n\n- een\n- twee")
    (message,) = chapter_messages(chapter)
    assert "<b>A &amp; B &lt;c&gt;</b>" in message
    assert "Koorts (&gt; 38,5 °C) &amp; pijn" in message
    assert "• een\n• twee" in message
    parse_html(message)  # valid Telegram HTML


def test_long_texts_split_on_paragraph_boundaries() -> None:
    paragraphs = [f"Alinea {i}. " + "woord " * 120 for i in range(40)]
    chapter = Chapter("lang", "Lang", None, "\n\n".join(p.strip() for p in paragraphs))
    messages = chapter_messages(chapter)
    assert len(messages) > 1
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
