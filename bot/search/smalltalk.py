"""Recognise greetings, thanks and acknowledgements, which get a short polite reply, not a search."""

from __future__ import annotations

import unicodedata
from typing import Literal

from bot.search.text import words

Smalltalk = Literal["greeting", "thanks", "ack"]

_GREETING = frozenset(
    """
    hallo hoi hey hee hai hoihoi goedemorgen goedemiddag goedenavond goedendag goeiemorgen goeiemiddag
    goeienavond morgen middag avond dag daag hi hello hiya howdy greetings morning afternoon evening
    """.split()
)
_THANKS = frozenset(
    """
    bedankt dank dankjewel dankuwel dankje danku thanks thank thx tnx ty merci cheers
    """.split()
)
_ACK = frozenset(
    """
    ok oke okay okey okee oki k kk prima goed top helder duidelijk begrepen fijn mooi super perfect ja
    jazeker yes yep yeah alright fine great cool gezien akkoord klopt nice understood got
    """.split()
)
# Words that may surround the above without making the message a question: "dank u wel voor de info".
_FILLER = frozenset(
    """
    u je jij jullie wel heel erg zeer hartelijk hartelijke veel enorm super nogmaals alvast hoor zeker
    voor de het uw informatie info hulp uitleg antwoord dat is was dan nou echt goede goeie allemaal
    allen iedereen team daar mee so much very you for the help all it that s thats good a lot
    dokter zuster gaat hoe met there everyone
    """.split()
)
_EMOJI: dict[str, Smalltalk] = {
    "👋": "greeting",
    "🙏": "thanks",
    "💐": "thanks",
    "❤": "thanks",
    "♥": "thanks",
    "😍": "thanks",
    "🥰": "thanks",
    "👍": "ack",
    "👌": "ack",
    "✅": "ack",
    "✔": "ack",
    "🙂": "ack",
    "😊": "ack",
    "😀": "ack",
    "😃": "ack",
    "👏": "ack",
    "💪": "ack",
}
# Invisible emoji modifiers: variation selector, zero-width joiner, skin tones.
_MODIFIERS = {"\ufe0f", "\u200d", *(chr(c) for c in range(0x1F3FB, 0x1F400))}


def classify_smalltalk(text: str) -> Smalltalk | None:
    """ "greeting", "thanks" or "ack" when the message is only that; None for anything else.

    A message with any other word ("hallo, hoe lang duurt de MRI?") is None, so it is searched.
    Thanks wins over greeting, and greeting over acknowledgement ("ok, bedankt!" is thanks).
    """
    kinds: set[Smalltalk] = set()
    for ch in text:
        if ch in _MODIFIERS:
            continue
        if ch in _EMOJI:
            kinds.add(_EMOJI[ch])
        elif unicodedata.category(ch) == "So":
            return None  # an emoji we cannot read ("😢") deserves more than "ok"
    for word in words(text.replace("'", "")):
        if word in _THANKS:
            kinds.add("thanks")
        elif word in _GREETING:
            kinds.add("greeting")
        elif word in _ACK:
            kinds.add("ack")
        elif word not in _FILLER:
            return None
    order: tuple[Smalltalk, ...] = ("thanks", "greeting", "ack")
    return next((kind for kind in order if kind in kinds), None)
