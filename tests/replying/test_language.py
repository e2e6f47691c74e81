"""Which messages the bot reads: Dutch and English, with typos, compounds, numbers and emoji."""

from __future__ import annotations

import pytest

from bot.triage.language import Reading, read_language


@pytest.mark.parametrize(
    "text",
    [
        "Hoe lang duurt de MRI?",
        "How long does the MRI take?",
        "ik heb pijjn in mn buik",  # typos
        "Ik heb buikpijnaanvallen",  # a compound no word list has
        "hoofdnummer vumc",
        "Levermetastasen en chemo?",
        "Dzień dobry, ik wil vragen over afspraak, welke dag?",  # a foreign greeting, then Dutch
        "Salaam, ik ben de zoon. Kan ik de uitslag horen?",
        "diare",  # one unknown word: more likely a typo than another language
        "39,5",
        "👍",
        "",
        "x" * 4000,
    ],
)
def test_dutch_and_english_are_read(text: str) -> None:
    assert read_language(text) is Reading.READABLE


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Nefes almakta gittikçe zorlanıyorum", Reading.FOREIGN_WORDS),  # Turkish
        ("Sürekli kusuyorum", Reading.FOREIGN_WORDS),
        ("Karnım çok ağrıyor", Reading.FOREIGN_WORDS),
        ("Duszność się nasila", Reading.FOREIGN_WORDS),  # Polish
        ("Mam gorączkę 39,2 po chemii", Reading.FOREIGN_WORDS),
        ("Mi tin hopi doló na mi barika", Reading.FOREIGN_WORDS),  # Papiamento
        ("Ich habe Fieber und Bauchschmerzen", Reading.FOREIGN_WORDS),  # German
        ("عندي ألم شديد في بطني", Reading.FOREIGN_SCRIPT),  # Arabic
        ("Я не могу дышать", Reading.FOREIGN_SCRIPT),  # Russian
    ],
)
def test_other_languages_are_not(text: str, reading: Reading) -> None:
    assert read_language(text) is reading
    assert reading.foreign


def test_words_recognised_elsewhere_count_as_known() -> None:
    assert read_language("diare diare diare") is Reading.FOREIGN_WORDS
    assert read_language("diare diare diare", also_known={"diare"}) is Reading.READABLE
