"""Text normalisation, tokens, stop words and stems for Dutch and English."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

import snowballstemmer

QueryLang = Literal["nl", "en"]

# Hyphenated words stay together ("MRI-scan", "e-mail") so they can be split like compounds.
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Function words and question fillers carry no topic. "weer" (again), "laat" (hoe laat) and
# "eigenlijk" are listed because patients use them in nearly every kind of sentence.
NL_STOP = frozenset(
    """
    aan af al alle allemaal alleen als altijd ander andere anders ben bij binnen bv daar daarna dan dat
    de deze die dit doe doen doet door dus echt een eens eigenlijk en er even ga gaan gaat gedaan geen
    geweest graag haar had heb hebben heeft hem het hier hij hoe hoor hoe laat hun ik in is ja je jij
    jou jouw kan kon krijg krijgen krijgt kun kunnen kunt laat laten maar me meer men met mij mijn moet
    moeten mogen mag na naar nee niet niets niks nog nou nu of ofzo om omdat ongeveer ons onze ook op
    over precies s t toch toe tot u uit uw van veel voor waar waarom wanneer want was wat we weer wel
    welk welke wie wij wil willen word worden wordt zal ze zelf zich zij zijn zo zou zoals zouden
    lang iets iemand ermee erover eruit erin hoeveel hoelang hierover daarover beste vraag vragen even
    stel stellen mn m n zn ipv waarvoor komen komt kom
    weet zoveel erg heel zeer best man vrouw moeder vader zoon dochter partner echtgenoot echtgenote familie
    """.split()
)

EN_STOP = frozenset(
    """
    a about am an and any are as at be been being but by can could did do does doing for from get
    got had has have having he her here him his how i if in into is it its just me might more most
    much must my no not of on or our please should so some than that the their them then there these
    they this to too up us was we were what when where which who whom why will with would you your
    anything something tell know time need get go happen many normal mean means
    """.split()
)

# Words that mark a question as English when they outnumber the Dutch ones.
_EN_MARKERS = frozenset(
    "the is are what how when where who why does do can i my you your of for with should will".split()
)
_NL_MARKERS = frozenset(
    "de het een is wat hoe wanneer waar wie waarom ik mijn u uw van voor met moet kan kunt ben".split()
)

_nl_stemmer = snowballstemmer.stemmer("dutch")
_en_stemmer = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case without accents ("Diëtist" -> "dietist"), so typed and written forms agree."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Folded word tokens; hyphenated words come back whole, e.g. "mri-scan"."""
    return _TOKEN_RE.findall(fold(text))


def guess_lang(tokens: list[str]) -> QueryLang:
    """English when the question has more English than Dutch function words; Dutch otherwise."""
    en = sum(t in _EN_MARKERS for t in tokens)
    nl = sum(t in _NL_MARKERS for t in tokens)
    return "en" if en > nl else "nl"


def is_stop(token: str, lang: QueryLang) -> bool:
    """A word that says nothing about the topic in this language."""
    return token in (EN_STOP if lang == "en" else NL_STOP)


@lru_cache(maxsize=65536)
def stem_nl(word: str) -> str:
    """Dutch stem of a folded word."""
    return _NL_STEM_EXCEPTIONS.get(word) or str(_nl_stemmer.stemWord(word))


# Where the Dutch stemmer makes two different words one: "weekend" would become "week" ("weken").
_NL_STEM_EXCEPTIONS = {"weekend": "weekend", "weekenden": "weekend", "weekends": "weekend"}


@lru_cache(maxsize=65536)
def stem_en(word: str) -> str:
    """English stem of a folded word, prefixed so it never collides with a Dutch stem."""
    return "en:" + str(_en_stemmer.stemWord(word))
