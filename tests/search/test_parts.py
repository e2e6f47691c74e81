"""Text helpers: folding, tokens, compounds, typos and sentence units."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.search.compound import Splitter
from bot.search.passage import best_passage, split_units
from bot.search.text import fold, guess_lang, words


def test_fold_and_words() -> None:
    assert fold("Diëtist") == "dietist"
    assert words("Een MRI-scan, 30 minuten!") == ["een", "mri-scan", "30", "minuten"]
    assert guess_lang(words("How long does the MRI take?")) == "en"
    assert guess_lang(words("Hoe lang duurt de MRI?")) == "nl"


def test_splitter() -> None:
    splitter = Splitter(["lever", "biopsie", "punctie", "gehoor", "apparaat", "casemanager", "mri", "scan"])
    assert splitter.split("leverbiopsie") == ("lever", "biopsie")
    assert splitter.split("gehoorapparaat") == ("gehoor", "apparaat")
    assert splitter.split("mri-scan") == ("mri", "scan")
    assert splitter.split("lever") == ()
    assert splitter.near("casemanger") == ("casemanager",)
    assert splitter.near("kat") == ()


def test_units_keep_exact_text() -> None:
    text = "Eerste zin. Tweede zin? Ja.\n\nLijst:\n\n- Een punt\n- Nog een punt"
    pieces = [text[u.start : u.end] for u in split_units(text)]
    assert pieces == ["Eerste zin.", "Tweede zin?", "Ja.", "Lijst:", "Een punt", "Nog een punt"]


def test_best_passage_grows_to_neighbours() -> None:
    text = "A een. B twee. C drie. D vier."
    units = split_units(text)
    scores = [0.0, 2.0, 1.5, 0.1]
    assert best_passage(text, units, lambda i: scores[i]) == "B twee. C drie."
    assert best_passage(text, units, lambda i: 0.0) == "A een."
    assert best_passage("", (), lambda i: 1.0) == ""


@given(st.text(max_size=200))
def test_units_are_exact_slices(text: str) -> None:
    for unit in split_units(text):
        piece = text[unit.start : unit.end]
        assert piece and piece == piece.strip()
