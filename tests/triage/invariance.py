"""The invariance suite's generator: reviewed seed messages, written in the ways patients really write.

Each seed of invariance_seeds.yaml (one or more per alarm concept) becomes many variants: in capitals,
without punctuation, with hedges before and after ("het is vast niks maar", "verder gaat het goed
hoor"), in the middle of a harmless story of about 1,500 characters, in common dialect spellings,
written by a relative, and as its English paraphrase. None may get a lower level than the seed. The
seed's negated, past and hypothetical forms, likewise transformed, may never alarm. Words run
together ("ikhebhogekoorts") are generated apart (`run_together_variants`), with their own test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

SEEDS_FILE = Path(__file__).with_name("invariance_seeds.yaml")

HEDGES_BEFORE = {
    "nl": [
        "het is vast niks maar",
        "ik wil niet zeuren maar",
        "sorry dat ik stoor,",
        "ik weet niet of het erg is, maar",
        "misschien stel ik me aan maar",
    ],
    "en": [
        "it's probably nothing but",
        "sorry to bother you,",
        "I don't want to make a fuss but",
        "not sure if this matters but",
    ],
}
HEDGES_AFTER = {
    "nl": [
        "verder gaat het goed hoor",
        "sorry dat ik stoor",
        "het zal wel meevallen",
        "maar verder alles prima",
        "ik wil niet zeuren",
    ],
    "en": ["otherwise I'm fine", "sorry to bother you", "it's probably nothing", "other than that all good"],
}
# About 1,500 characters each, without a complaint or a cue; the alarm goes in the middle.
STORIES = {
    "nl": [
        "Goedemorgen, ik wilde u even bijpraten over de afgelopen dagen. Mijn dochter is zaterdag langs "
        "geweest met de kleinkinderen en we hebben samen pannenkoeken gebakken. Daarna zijn we naar het "
        "park gelopen, het was prachtig weer en de eenden zwommen in de vijver. Zondag hebben we de "
        "verjaardag van mijn schoonzus gevierd, met taart en koffie in de tuin. Maandag ben ik naar de "
        "bibliotheek gegaan om een paar nieuwe boeken te halen, ik lees nu een detective die zich afspeelt "
        "in Friesland. Mijn buurman heeft geholpen met de heg, die was flink gegroeid dit voorjaar. Dinsdag "
        "kwam de fysiotherapeut, we hebben oefeningen gedaan voor de conditie en ik mag elke dag een stukje "
        "wandelen. Woensdag heb ik de brief van het ziekenhuis over de volgende afspraak gekregen, dank "
        "daarvoor. Ik heb de datum op de kalender in de keuken geschreven zodat mijn man hem ook ziet.",
        "Verder hebben we het huis een beetje opgeruimd, want mijn zoon komt volgende maand logeren met "
        "zijn vriendin. Ze wonen in Utrecht en werken allebei in het onderwijs. Mijn man is druk met zijn "
        "moestuin, de tomaten en de bonen doen het goed dit jaar en we eten bijna elke dag iets uit eigen "
        "tuin. Ik heb ook weer wat gebreid, een sjaal voor mijn kleindochter in haar lievelingskleur. Op "
        "donderdag gaan we meestal naar de markt voor verse vis en fruit. Ik wilde nog vragen of ik de "
        "parkeerkaart bij de balie kan afstempelen, want de vorige keer wist ik dat niet. Ook heb ik de "
        "folder gelezen die ik heb meegekregen, die is heel duidelijk geschreven. Mijn man en ik vinden "
        "het fijn dat we via deze app vragen kunnen stellen. Hartelijke groet en een fijne dag.",
    ],
    "en": [
        "Good morning, I wanted to give you a short update about the past few days. My daughter visited on "
        "Saturday with the grandchildren and we baked pancakes together. Afterwards we walked to the park, "
        "the weather was lovely and the ducks were swimming in the pond. On Sunday we celebrated my "
        "sister-in-law's birthday with cake and coffee in the garden. On Monday I went to the library to "
        "pick up some new books, I am reading a detective story set in Scotland. My neighbour helped me "
        "trim the hedge, which had grown a lot this spring. On Tuesday the physiotherapist came round, we "
        "did exercises for my stamina and I may take a short walk every day. On Wednesday I received the "
        "hospital's letter about the next appointment, thank you for that. I wrote the date on the kitchen "
        "calendar so that my husband sees it too.",
        "We also tidied the house a little, because my son is coming to stay next month with his girlfriend. "
        "They live in Leeds and both work in schools. My husband is busy with his vegetable garden, the "
        "tomatoes and beans are doing well this year and we eat something from our own garden nearly every "
        "day. I have also been knitting again, a scarf for my granddaughter in her favourite colour. On "
        "Thursdays we usually go to the market for fresh fish and fruit. I wanted to ask whether I can have "
        "the parking ticket stamped at the desk, because I did not know that the time before. I also read "
        "the leaflet I was given, it is written very clearly. My husband and I like being able to ask "
        "questions through this app. Kind regards and have a nice day.",
    ],
}
# Common dialect and chat spellings of Dutch function words (the complaint words stay as written).
DIALECT = {
    "mijn": "m'n",
    "het": "'t",
    "een": "'n",
    "niet": "nie",
    "heeft": "hep",
    "gisteren": "gister",
    "ik": "'k",
    "nu": "nou",
}
_WORD = re.compile(r"[A-Za-zÀ-ÿ']+")
_PUNCTUATION = re.compile(r"(?<!\d)[.,]|[.,](?!\d)|[;:!?()\"]")  # a decimal mark stays: "39,4"


@dataclass(frozen=True)
class Variant:
    """One generated message: the seed it came from, how it was changed, and the text."""

    concept: str
    seed: str
    transform: str
    text: str


@dataclass(frozen=True)
class Seed:
    concept: str
    nl: str
    en: str
    rel: str = ""
    rel_en: str = ""


@dataclass(frozen=True)
class ConceptSeeds:
    """The reviewed messages of one concept: alarms, and the forms that must not alarm."""

    concept: str
    seeds: tuple[Seed, ...]
    quiet: tuple[tuple[str, str], ...]  # (kind: negated, past or hypothetical; text)


def load_seeds(path: Path = SEEDS_FILE) -> list[ConceptSeeds]:
    """The seed file, one entry per concept."""
    out = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        concept = entry["concept"]
        seeds = tuple(Seed(concept, **seed) for seed in entry.get("seeds", []))
        quiet = tuple(
            (kind, text) for kind in ("negated", "past", "hypothetical") for text in entry.get(kind, []) or []
        )
        out.append(ConceptSeeds(concept, seeds, quiet))
    return out


def caps(text: str) -> str:
    return text.upper()


def no_punctuation(text: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def run_together(text: str) -> str:
    return "".join(no_punctuation(text).split())


def dialect(text: str) -> str:
    return _WORD.sub(lambda m: DIALECT.get(m.group().lower(), m.group()), text)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def _sentence(text: str) -> str:
    return text if text.rstrip().endswith((".", "?", "!")) else text.rstrip() + "."


def in_story(text: str, story: str) -> str:
    """The message in the middle of the story, at a sentence break."""
    middle = len(story) // 2
    cut = story.find(". ", middle)
    cut = middle if cut < 0 else cut + 2
    return f"{story[:cut]}{_sentence(text[:1].upper() + text[1:])} {story[cut:]}"


def _written(concept: str, seed: str, text: str, lang: str, prefix: str) -> Iterator[Variant]:
    """One text in every way of writing of its language."""
    yield Variant(concept, seed, f"{prefix}as written", text)
    yield Variant(concept, seed, f"{prefix}capitals", caps(text))
    yield Variant(concept, seed, f"{prefix}no punctuation", no_punctuation(text))
    before, after = HEDGES_BEFORE[lang], HEDGES_AFTER[lang]
    for hedge in before:
        yield Variant(concept, seed, f"{prefix}hedge before: {hedge}", f"{hedge} {_lower_first(text)}")
    for hedge in after:
        yield Variant(
            concept, seed, f"{prefix}hedge after: {hedge}", f"{_sentence(text)} {hedge[:1].upper()}{hedge[1:]}."
        )
    for first in before:
        for last in after:
            yield Variant(concept, seed, f"{prefix}hedges: {first} / {last}", f"{first} {_lower_first(text)}, {last}")
    for number, story in enumerate(STORIES[lang], 1):
        yield Variant(concept, seed, f"{prefix}in story {number}", in_story(text, story))
    if lang == "nl":
        yield Variant(concept, seed, f"{prefix}dialect", dialect(text))
        yield Variant(concept, seed, f"{prefix}dialect, capitals", caps(dialect(text)))


def alarm_variants(entry: ConceptSeeds) -> Iterator[Variant]:
    """Every transformed form of the concept's seeds (the seeds themselves included)."""
    for seed in entry.seeds:
        yield from _written(entry.concept, seed.nl, seed.nl, "nl", "")
        yield from _written(entry.concept, seed.nl, seed.en, "en", "English, ")
        if seed.rel:
            yield Variant(entry.concept, seed.nl, "relative", seed.rel)
            yield Variant(entry.concept, seed.nl, "relative, capitals", caps(seed.rel))
            yield Variant(entry.concept, seed.nl, "relative, no punctuation", no_punctuation(seed.rel))
            yield Variant(entry.concept, seed.nl, "relative, dialect", dialect(seed.rel))
            for hedge in HEDGES_BEFORE["nl"]:
                yield Variant(entry.concept, seed.nl, f"relative, hedge: {hedge}", f"{hedge} {seed.rel}")
        if seed.rel_en:
            yield Variant(entry.concept, seed.nl, "relative, English", seed.rel_en)
            yield Variant(entry.concept, seed.nl, "relative, English, capitals", caps(seed.rel_en))


def run_together_variants(entry: ConceptSeeds) -> Iterator[Variant]:
    """The seeds with every space taken out ("IKHEBHOGEKOORTS")."""
    for seed in entry.seeds:
        yield Variant(entry.concept, seed.nl, "run together", run_together(seed.nl))
        yield Variant(entry.concept, seed.nl, "run together, capitals", caps(run_together(seed.nl)))
        yield Variant(entry.concept, seed.nl, "English, run together", run_together(seed.en))


def quiet_variants(entry: ConceptSeeds) -> Iterator[Variant]:
    """The negated, past and hypothetical forms, as written, in capitals, without punctuation, in a story."""
    for kind, text in entry.quiet:
        lang = (
            "nl" if any(w in text.lower().split() for w in ("ik", "de", "het", "mijn", "een", "stel", "wat")) else "en"
        )
        yield Variant(entry.concept, text, f"{kind}", text)
        yield Variant(entry.concept, text, f"{kind}, capitals", caps(text))
        yield Variant(entry.concept, text, f"{kind}, no punctuation", no_punctuation(text))
        yield Variant(entry.concept, text, f"{kind}, in story", in_story(text, STORIES[lang][0]))
        if lang == "nl":
            yield Variant(entry.concept, text, f"{kind}, dialect", dialect(text))
