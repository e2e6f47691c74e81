"""The chapters say exactly what the folder says, both ways."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content.loader import load_content
from bot.content.model import Content

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "patientenfolder-levermetastasen.txt"

OUTLINE_IDS = [
    "inleiding",
    "team",
    "casemanager",
    "wetenschappelijk-onderzoek",
    "de-lever",
    "leveruitzaaiingen",
    "klachten",
    "doel-van-de-behandeling",
    "verwijzing",
    "onderzoek-en-diagnose",
    "ct-scan",
    "mri-scan",
    "leverpunctie",
    "pet-scan",
    "uitslag",
    "behandelingen",
    "contact",
    "bereikbaarheid",
    "afsprakenlijn",
    "spreekuur",
    "spoed",
    "e-mail",
]


def normalise(text: str) -> str:
    """Collapse whitespace and drop bullet marks, so layout differences do not count."""
    text = re.sub(r"^\s*(?:•|-)\s+", "", text, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> list[str]:
    """Sentences and bullet items of a chapter text."""
    pieces: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"^\s*-\s+", "", line).strip()
        pieces += [s.strip() for s in re.split(r"(?<=[.?!:])\s+", line) if s.strip()]
    return pieces


@pytest.fixture(scope="module")
def content() -> Content:
    loaded, problems = load_content(ROOT / "content")
    assert loaded is not None, problems
    return loaded


@pytest.fixture(scope="module")
def folder() -> str:
    return normalise(SEED.read_text(encoding="utf-8"))


def test_all_outline_ids_in_folder_order(content: Content) -> None:
    assert [c.id for c in content.chapters] == OUTLINE_IDS


def test_sections_have_the_outline_parents(content: Content) -> None:
    parents = {c.id: c.parent for c in content.chapters if c.parent}
    assert parents == {
        "ct-scan": "onderzoek-en-diagnose",
        "mri-scan": "onderzoek-en-diagnose",
        "leverpunctie": "onderzoek-en-diagnose",
        "pet-scan": "onderzoek-en-diagnose",
        "bereikbaarheid": "contact",
        "afsprakenlijn": "contact",
        "spreekuur": "contact",
        "spoed": "contact",
        "e-mail": "contact",
    }


def test_every_sentence_of_every_chapter_is_in_the_folder(content: Content, folder: str) -> None:
    missing = [
        (chapter.id, sentence)
        for chapter in content.chapters
        for sentence in sentences(chapter.text)
        if normalise(sentence) not in folder
    ]
    assert missing == []


def test_every_paragraph_of_the_folder_belongs_to_a_chapter(content: Content) -> None:
    chapter_text = normalise("\n".join(c.text for c in content.chapters))
    headings = {normalise(h) for c in content.chapters for h in (c.title, c.subtitle) if h}
    orphans = []
    for paragraph in re.split(r"\n\s*\n", SEED.read_text(encoding="utf-8")):
        for line in paragraph.splitlines():
            text = normalise(line).rstrip(".")
            if not text or text in headings or normalise(line) in headings:
                continue
            if normalise(line) not in chapter_text:
                orphans.append(line.strip())
    assert orphans == []


def test_numbers_come_from_contacts(content: Content) -> None:
    spoed = content.chapter("spoed")
    assert spoed is not None
    for role in ("spoedlijn", "seh"):
        phone = content.contacts[role].phone
        assert phone is not None and phone in spoed.text
    assert "{{" not in "".join(c.text for c in content.chapters)


def test_seed_copy_matches_shared_folder_when_present() -> None:
    shared = ROOT.parent / "shared" / "seed" / "patientenfolder-levermetastasen.txt"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert SEED.read_bytes() == shared.read_bytes()
