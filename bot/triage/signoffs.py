"""Clinical sign-off of alarm concepts: in alarms.yaml (reviewed_by/on) or in the console's review records.

A console sign-off is stored in the database (content/ is mounted read-only in the container),
keyed by concept id and a hash of the concept's vocabulary: a sign-off holds for exactly the words,
level and folder text the clinician saw, and any later change to them needs a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.triage.vocabulary import AlarmVocabulary, Concept


def concept_hash(concept: Concept) -> str:
    """sha256 of what a clinician reviews of a concept: id, level, folder text and every term."""
    reviewed = {
        "id": concept.id,
        "level": concept.level.label,
        "folder": concept.folder,
        "nl": list(concept.nl),
        "en": list(concept.en),
        "misspellings": list(concept.misspellings),
        "exact": list(concept.exact),
        "compounds": list(concept.compounds),
        "negatable": concept.negatable,
    }
    return hashlib.sha256(json.dumps(reviewed, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Review:
    """Who signed a concept off, when, and where that is recorded."""

    reviewed_by: str
    reviewed_on: dt.date
    where: str  # "alarms.yaml" or "console"


def review_of(concept: Concept, console: Mapping[tuple[str, str], tuple[str, dt.date]]) -> Review | None:
    """The concept's sign-off: alarms.yaml first, else a console record for its current vocabulary."""
    if concept.reviewed_by and concept.reviewed_on is not None:
        return Review(concept.reviewed_by, concept.reviewed_on, "alarms.yaml")
    found = console.get((concept.id, concept_hash(concept)))
    return Review(found[0], found[1], "console") if found else None


def unreviewed(
    vocabulary: AlarmVocabulary, console: Mapping[tuple[str, str], tuple[str, dt.date]]
) -> tuple[Concept, ...]:
    """Concepts with no sign-off in alarms.yaml nor a console record for their current vocabulary."""
    return tuple(c for c in vocabulary.concepts if review_of(c, console) is None)


def as_lookup(records: Iterable[tuple[str, str, str, dt.date]]) -> dict[tuple[str, str], tuple[str, dt.date]]:
    """(concept id, hash, name, date) rows as the lookup `review_of` takes."""
    return {(cid, h): (name, day) for cid, h, name, day in records}
