"""Greetings, thanks and acknowledgements in Dutch and English; questions are never small talk."""

from __future__ import annotations

import pytest

from bot.search.smalltalk import classify_smalltalk


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hallo", "greeting"),
        ("goedemorgen!", "greeting"),
        ("Goede middag dokter", "greeting"),
        ("hoi 👋", "greeting"),
        ("Hi there", "greeting"),
        ("Hello", "greeting"),
        ("good morning", "greeting"),
        ("Dank u wel!", "thanks"),
        ("bedankt voor de informatie", "thanks"),
        ("Hartelijk dank", "thanks"),
        ("dankjewel 🙏", "thanks"),
        ("ok, bedankt", "thanks"),
        ("Thank you so much", "thanks"),
        ("thx", "thanks"),
        ("ok", "ack"),
        ("Oké", "ack"),
        ("prima, duidelijk", "ack"),
        ("👍", "ack"),
        ("👍🏻", "ack"),
        ("got it", "ack"),
        ("", None),
        ("   ", None),
        ("😢", None),
        ("hallo, hoe lang duurt de MRI?", None),
        ("ok maar wat is een MDO", None),
        ("bedankt, wie is mijn casemanager?", None),
        ("wat is het weer morgen", None),
    ],
)
def test_classify(text: str, kind: str | None) -> None:
    assert classify_smalltalk(text) == kind
