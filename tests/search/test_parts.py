"""Text helpers: folding, tokens, compounds, typos and sentence units."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.search.compound import Splitter, dt_variants
from bot.search.passage import best_passage, companions, points_back, split_units
from bot.search.text import fold, guess_lang, infinitives, is_real_word, question_positions, words


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


def test_a_sentence_that_points_back_comes_with_the_one_before() -> None:
    text = "Tijdens een punctie nemen we cellen af. Dit gebeurt onder lokale verdoving. Een patholoog kijkt ernaar."
    units = split_units(text)
    assert companions(text, units) == ((0, 0), (0, 1), (2, 2))
    scores = [0.0, 3.0, 0.0]
    assert best_passage(text, units, lambda i: scores[i]) == (
        "Tijdens een punctie nemen we cellen af. Dit gebeurt onder lokale verdoving."
    )
    for sentence in (
        "Om die reden vragen we u metaal af te doen.",
        "Deze stof is ongevaarlijk.",
        "Wij doen daarom veel.",
        "Het doel is dan kleiner maken.",
        "Neem dan contact op.",
        "Ongeveer de helft hiervan.",
    ):
        assert points_back(sentence), sentence
    for sentence in ("De lever weegt anderhalve kilo.", "Klachten die kunnen voorkomen:", "Een MRI-scan duurt lang."):
        assert not points_back(sentence), sentence


def test_a_bullet_comes_with_its_list_its_heading_and_the_sentence_that_ends_it() -> None:
    text = "Inleiding.\n\nHeeft u klachten zoals:\n\n- Pijn\n- Koorts\n\nNeem dan contact op.\n\nSlot."
    units = split_units(text)
    assert [u.bullet for u in units] == [False, False, True, True, False, False]
    assert companions(text, units)[3] == (1, 4)
    scores = [0.0, 0.0, 0.0, 2.0, 0.0, 0.0]
    assert best_passage(text, units, lambda i: scores[i]) == (
        "Heeft u klachten zoals:\n\n- Pijn\n- Koorts\n\nNeem dan contact op."
    )


@given(st.text(max_size=200))
def test_units_are_exact_slices(text: str) -> None:
    for unit in split_units(text):
        piece = text[unit.start : unit.end]
        assert piece and piece == piece.strip()


def test_typos_need_a_budget_by_length() -> None:
    splitter = Splitter(["mri", "pet", "uitzaaiingen", "spoedlijn", "casemanager", "lezen"])
    assert splitter.near("mrie") == ("mri",)  # four letters: only a letter too many
    assert splitter.near("pett") == ("pet",)
    assert splitter.near("uitzaijingen") == ("uitzaaiingen",)  # long words: two typos
    assert splitter.near("spoetlijn") == ("spoedlijn",)
    assert splitter.near("casemaneger") == ("casemanager",)
    assert splitter.near("mr") == ()
    assert splitter.near("lzn") == ()


def test_unknown_heads_split_off_only_when_they_are_real_words() -> None:
    lexicon = ["ring", "metaal", "afspraak"]
    lenient = Splitter(lexicon)
    strict = Splitter(lexicon, is_real_word)
    assert lenient.split("uitkering") == ("uitke", "ring")  # the folder's own words: any head
    assert strict.split("uitkering") == ()  # a question's: "uitke" is no word
    assert strict.split("trouwring") == ("trouw", "ring")
    assert lenient.split("terugbelafspraak") == ("terugbel", "afspraak")


def test_real_words_are_not_typos_but_d_and_t_are_checked() -> None:
    assert is_real_word("lenen") and is_real_word("bedoelt") and is_real_word("uitkering")
    assert not is_real_word("uitzaijingen") and not is_real_word("spoetlijn") and not is_real_word("mrie")
    assert dt_variants("bedoelt") == ("bedoeld", "bedoeldt")
    assert dt_variants("duurd") == ("duurt", "duurdt")
    assert dt_variants("wordt") == ("word", "wort")
    splitter = Splitter(["bedoeld", "duurt"])
    assert splitter.spelling("bedoelt") == ("bedoeld",)
    assert splitter.spelling("duurd") == ("duurt",)
    assert splitter.spelling("lezen") == ()


def test_infinitives_and_separable_verbs() -> None:
    assert "vallen" in infinitives("valt")
    assert "sturen" in infinitives("stuurt")
    assert "komen" in infinitives("komt")
    assert "verzetten" in infinitives("verzet")
    assert "verplaatsen" in infinitives("verplaatst")
    assert "annuleren" in infinitives("geannuleerd")
    assert "afzeggen" in infinitives("afgezegd")
    assert "blijven" in infinitives("blijf")
    splitter = Splitter(["afvallen", "terechtkomen", "inplannen"])
    assert splitter.separable("valt", "af") == "afvallen"
    assert splitter.separable("komen", "terecht") == "terechtkomen"
    assert splitter.separable("plant", "in") == "inplannen"
    assert splitter.separable("valt", "in") is None


def test_question_sentences_of_a_longer_message() -> None:
    text = "Mijn man heeft een pacemaker. Kan hij in de MRI?"
    asking = question_positions(text)
    assert asking is not None
    assert [w for i, w in enumerate(words(text)) if i in asking] == ["kan", "hij", "in", "de", "mri"]
    # Without a question mark the last sentence asks when it starts like a question.
    asking = question_positions("ik heb koorts. wie moet ik bellen")
    assert asking is not None and 0 not in asking and 3 in asking
    assert question_positions("wie moet ik bellen?") is None  # one sentence
    assert question_positions("ik ben bang voor de straling. is dat gevaarlijk?") is None  # points back
    assert question_positions("ik heb koorts. en pijn.") is None  # nothing asks
    assert question_positions("koorts van 38.5 graden, wat nu?") is None  # a decimal point ends no sentence
