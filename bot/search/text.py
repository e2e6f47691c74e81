"""Text normalisation, tokens, stop words and stems for Dutch and English."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

import snowballstemmer

from bot import questions

QueryLang = Literal["nl", "en"]

# Hyphenated words stay together ("MRI-scan", "e-mail") so they can be split like compounds.
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Function words, question fillers and the formulas of a letter ("geachte", "met vriendelijke groet")
# carry no topic. "weer" (again), "laat" (hoe laat) and "eigenlijk" are listed because patients use them
# in nearly every kind of sentence.
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
    stel stellen mn m n zn ipv waarvoor komen komt kom tijdens
    weet zoveel erg heel zeer best man vrouw moeder vader zoon dochter partner echtgenoot echtgenote familie
    te daarvoor hiervoor ervoor daarmee hiermee daarbij hierbij erbij daarin hierin daarom dien dient zodat
    terwijl indien misschien gewoon ff effe enzo zullen zult wilt wou wilde konden moest moesten mocht
    mochten hadden werd werden waren geworden bent toen daarnet alsof beetje soms hen jullie ieder elke elk
    sommige
    geachte heer mevrouw dames heren vriendelijke groet groeten groetjes mvg gr alvast bedankt dank
    dankjewel dankuwel alstublieft aub svp sorry excuus hallo hoi hey goedemorgen goedemiddag goedenavond
    """.split()
)

EN_STOP = frozenset(
    """
    a about am an and any are as at be been being but by can could did do does doing for from get
    got had has have having he her here him his how i if in into is it its just me might more most
    much must my no not of on or our please should so some than that the their them then there these
    they this to too up us was we were what when where which who whom why will with would you your
    anything something tell know time need get go happen many normal mean means during
    dear sir madam regards kind hi hello hey thanks thank sorry
    """.split()
)

# Words that mark a question as English when they outnumber the Dutch ones.
_EN_MARKERS = frozenset(
    "the is are what how when where who why does do can i my you your of for with should will".split()
)
_NL_MARKERS = frozenset(
    "de het een is wat hoe wanneer waar wie waarom ik mijn u uw van voor met moet kan kunt ben".split()
)

# The particles of Dutch separable verbs: "hij valt af" is "afvallen", "hoe komen ze daar terecht"
# is "terechtkomen".
PARTICLES = frozenset(
    """
    aan af bij binnen dicht door in kwijt langs mee na om op open over samen tegen terecht terug thuis toe
    uit vast voor weg
    """.split()
)


@lru_cache(maxsize=65536)  # pure, per word; patients reuse the same verbs
def infinitives(verb: str) -> tuple[str, ...]:
    """Guesses at the infinitive of a Dutch verb form, the form itself first: "valt" -> "vallen",
    "stuurt" -> "sturen", "komt" -> "komen", "doet" -> "doen", and past participles: "geannuleerd" ->
    "annuleren", "afgezegd" -> "afzeggen". Only lookups use them, so a wrong guess finds nothing."""
    out = [verb, *_present_infinitives(verb)]
    if len(verb) > 5 and verb[-1] in "dt":
        for particle in ("", *PARTICLES):
            head = particle + "ge"
            if verb.startswith(head) and len(verb) - len(head) >= 3:
                out += [particle + form for form in _present_infinitives(verb[len(head) : -1])]
    return tuple(dict.fromkeys(out))


def _present_infinitives(verb: str) -> list[str]:
    # "valt": the t is the ending (vallen); "verzet": the t is the verb's own (verzetten). Try both.
    bases = [verb[:-1], verb] if verb.endswith("t") and len(verb) > 3 else [verb]
    return [form for base in bases for form in _from_base(base)]


def _from_base(base: str) -> list[str]:
    out = [base]
    if len(base) >= 2:
        out += [base + "en", base + "n", base + base[-1] + "en"]
        if len(base) >= 3 and base[-2] == base[-3] and base[-2] in "aeou":
            out.append(base[:-2] + base[-1] + "en")  # stuur -> sturen, neem -> nemen
        if base[-1] in "fs":
            soft = base[:-1] + ("v" if base[-1] == "f" else "z")
            out.append(soft + "en")  # blijf -> blijven, lees -> lezen
            if len(soft) >= 3 and soft[-2] == soft[-3] and soft[-2] in "aeou":
                out.append(soft[:-2] + soft[-1] + "en")  # geef -> geven
    return out


_nl_stemmer = snowballstemmer.stemmer("dutch")
_en_stemmer = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case without accents ("Diëtist" -> "dietist"), so typed and written forms agree."""
    if text.isascii():
        return text.lower()  # nothing to strip: most messages, at a fraction of the cost
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Folded word tokens; hyphenated words come back whole, e.g. "mri-scan"."""
    return _TOKEN_RE.findall(fold(text))


# A sentence ends at . ! ? followed by a space, or at a line break ("38.5" stays one sentence).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")

# Words that point back at an earlier sentence ("is dat gevaarlijk?", "welk nummer bel ik daarvoor?"):
# a question with one is about the story before it.
_BACK_REFERENCE = frozenset(
    """
    dat dit die deze daar daarvoor daarmee daarbij daarover daarna daarvan daarin daarop hiervoor hiermee
    hierbij hierover hiervan ervoor ermee erbij erover ervan that this those these it
    """.split()
)


def question_positions(text: str) -> frozenset[int] | None:
    """Positions (in `words(text)`) of the words in the sentences that ask, in a message of several.

    The sentences that end with a question mark ask; without one, the last sentence asks when it
    starts like a question. None for a message of one sentence, one in which no sentence asks, or one
    whose question points back at the story ("is dat gevaarlijk?"): then every word counts alike.
    """
    sentences = [s for s in _SENTENCE_BREAK.split(text.strip()) if words(s)]
    if len(sentences) < 2:
        return None
    asking = questions.asking_sentences(sentences, words, "search")
    if all(asking) or not any(asking):
        return None
    if any(asks and not _BACK_REFERENCE.isdisjoint(words(s)) for s, asks in zip(sentences, asking, strict=True)):
        return None
    found: set[int] = set()
    start = 0
    for sentence, asks in zip(sentences, asking, strict=True):
        count = len(words(sentence))
        if asks:
            found.update(range(start, start + count))
        start += count
    return frozenset(found)


def guess_lang(tokens: list[str]) -> QueryLang:
    """English when the question has more English than Dutch function words; Dutch otherwise."""
    en = sum(t in _EN_MARKERS for t in tokens)
    nl = sum(t in _NL_MARKERS for t in tokens)
    return "en" if en > nl else "nl"


def is_stop(token: str, lang: QueryLang) -> bool:
    """A word that says nothing about the topic in this language (a single letter says nothing either)."""
    return token in (EN_STOP if lang == "en" else NL_STOP) or (len(token) == 1 and not token.isdigit())


@lru_cache(maxsize=65536)
def stem_nl(word: str) -> str:
    """Dutch stem of a folded word."""
    return _NL_STEM_EXCEPTIONS.get(word) or str(_nl_stemmer.stemWord(word))


# Where the Dutch stemmer makes two different words one: "weekend" would become "week" ("weken").
_NL_STEM_EXCEPTIONS = {"weekend": "weekend", "weekenden": "weekend", "weekends": "weekend"}


# A word at least this frequent (wordfreq's zipf scale) in Dutch or English is a real word: it is
# never read as a typo of a folder word ("lenen" is not "lezen") and may be the head of a compound.
# The alarm lexicon uses the same bar; frequent misspellings ("duurd", "studi") sit below it.
REAL_WORD_ZIPF = 2.5


@lru_cache(maxsize=65536)
def is_real_word(word: str) -> bool:
    """Whether `word` (folded) is a word of Dutch or English at large, not only of the folder."""
    import wordfreq  # heavy word lists, loaded on the first word that needs them (the bot has them already)

    return any(wordfreq.zipf_frequency(word, lang) >= REAL_WORD_ZIPF for lang in ("nl", "en"))


@lru_cache(maxsize=65536)
def stem_en(word: str) -> str:
    """English stem of a folded word, prefixed so it never collides with a Dutch stem."""
    return "en:" + str(_en_stemmer.stemWord(word))
