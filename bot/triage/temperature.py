"""Reading body temperatures from a tokenised message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.triage.levels import Level
from bot.triage.match import Match
from bot.triage.normalize import Token
from bot.triage.vocabulary import TemperatureRule


@dataclass(frozen=True, slots=True)
class Reading:
    """A number read as a body temperature, at token `index`."""

    index: int
    celsius: float
    level: Level


def _fahrenheit(tokens: Sequence[Token], index: int, rule: TemperatureRule) -> bool:
    """ "102F", "102 F", "102 degrees F", "102 fahrenheit"."""
    following = [t.text for t in tokens[index + 1 : index + 3]]
    if following[:1] and following[0] in rule.fahrenheit:
        return True
    return len(following) == 2 and following[0] in rule.units and following[1] in rule.fahrenheit


def _above(tokens: Sequence[Token], index: int, rule: TemperatureRule) -> bool:
    """ "boven (de) 38,5", "hoger dan 38,5", "above 38.5": strictly more than the number."""
    for back in (1, 2, 3):
        if index - back < 0 or tokens[index - back].kind != "word":
            return False
        if tokens[index - back].text in rule.above:
            return True
    return False


def level_for(celsius: float, rule: TemperatureRule) -> Level:
    """The level a temperature means: above seh_above is seh, from urgent_from it is urgent."""
    if celsius > rule.seh_above:
        return Level.SEH
    if celsius >= rule.urgent_from:
        return Level.URGENT
    return Level.NONE


def _after_temperature_word(tokens: Sequence[Token], index: int, rule: TemperatureRule) -> bool:
    """ "temp 385", "temperatuur is 391": a temperature word at most two words before the number."""
    for back in (1, 2, 3):
        if index - back < 0 or tokens[index - back].kind != "word":
            return False
        if tokens[index - back].text in rule.context:
            return True
    return False


def read_temperatures(
    tokens: Sequence[Token], rule: TemperatureRule, has_context: bool, skip: frozenset[int] = frozenset()
) -> list[Reading]:
    """Numbers in `tokens` that are body temperatures.

    A decimal number in range is a temperature ("38,6"); a whole number needs a unit right after it
    ("39 graden"), a temperature word elsewhere in the message (`has_context`), or a weak cue before
    it at the end of a clause ("bijna 40"). Three digits right after a temperature word are a
    temperature without its comma ("temp 385" is 38.5). Phone numbers (numbers next to numbers), ages,
    times, weights and counts (by the words around them) are never read, nor the numbers at `skip`
    (measured values such as "pols 98").
    """
    readings: list[Reading] = []
    for index, token in enumerate(tokens):
        if token.kind != "number" or index in skip:
            continue
        integer, _, fraction = token.text.replace(",", ".").partition(".")
        if len(integer) > 3 or len(fraction) > 2:
            continue
        try:
            celsius = float(token.text.replace(",", "."))
        except ValueError:  # a digit of another script that float() does not read
            continue
        fahrenheit = rule.fahrenheit and _fahrenheit(tokens, index, rule)
        after_unit = index + 1 < len(tokens) and tokens[index + 1].text in rule.units
        if not fahrenheit and rule.fahrenheit and _F_MIN <= celsius <= _F_MAX and (after_unit or has_context):
            fahrenheit = True  # "102 degrees", "fever 101": no body is that hot in Celsius
        if fahrenheit:
            celsius = round((celsius - 32) * 5 / 9, 1)
        elif len(integer) == 3 and not fraction and _after_temperature_word(tokens, index, rule):
            celsius = celsius / 10  # "temp 385": the comma left out
            fraction = integer[2]
        elif len(integer) > 2:
            continue
        if not rule.min <= celsius <= rule.max:
            continue
        before = tokens[index - 1] if index > 0 else None
        before2 = tokens[index - 2] if index > 1 else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if _next_to_a_number(before, after, fraction, rule):
            continue  # part of a phone number or a list of numbers
        if after and after.text in rule.not_before:
            continue
        if before and before.text in rule.not_after:
            continue
        if before and before2 and before.text in rule.weak_context and before2.text in rule.not_after:
            continue  # "ik ben bijna 40"
        if not fraction and not fahrenheit:
            clause_ends = after is None or after.kind == "break" or after.text in _CLAUSE_GLUE
            unit = after is not None and after.text in rule.units
            weak = before is not None and before.text in rule.weak_context and clause_ends
            weak = weak or _above(tokens, index, rule)
            if not (unit or has_context or weak):
                continue
        level = level_for(celsius, rule)
        if _above(tokens, index, rule) and celsius >= rule.seh_above:
            level = Level.SEH
        readings.append(Reading(index, celsius, level))
    return readings


# Body temperatures in Fahrenheit (35-43 °C).
_F_MIN, _F_MAX = 95.0, 110.0

# Words that may follow a temperature at the end of a clause: "bijna 40 en ik ril".
_CLAUSE_GLUE = frozenset({"en", "maar", "nu", "and", "but", "now", "vandaag", "today"})


def _next_to_a_number(before: Token | None, after: Token | None, fraction: str, rule: TemperatureRule) -> bool:
    """A number next to another is part of a phone number or a list of counts, unless both are readings
    with a decimal ("38,6 / 38,9 / 39,2": phone numbers and blood pressures have none)."""
    return any(
        other is not None and other.kind == "number" and not (fraction and _body_decimal(other.text, rule))
        for other in (before, after)
    )


def _body_decimal(text: str, rule: TemperatureRule) -> bool:
    integer, _, fraction = text.replace(",", ".").partition(".")
    return bool(fraction) and integer.isdigit() and rule.min <= int(integer) < rule.max


# A fever word cancelled as told in the past or resolved takes its reading with it; a denial does not ("geen
# koorts, 38,9" contradicts itself, and in doubt the number alarms).
_CARRIED_CUES = frozenset({"past", "resolved"})


def readings_follow_their_word(
    tokens: Sequence[Token], matches: list[Match], concept: str, new_reading: frozenset[str]
) -> list[Match]:
    """ "de koorts van eergisteren (38,9) is weg": a reading at most five tokens after a fever word that was
    cancelled as past or resolved, in its sentence and with no `new_reading` word ("nu", "en") between, is
    cancelled with it."""
    out = list(matches)
    words = [m for m in out if m.concept == concept and m.celsius is None and m.negated and m.cue in _CARRIED_CUES]
    if not words:
        return out
    for i, m in enumerate(out):
        if m.celsius is None or m.negated or m.concept != concept:
            continue
        for word in words:
            between = tokens[word.end + 1 : m.start]
            if 0 <= m.start - word.end <= 5 and not any(t.text in new_reading or t.text in ".?" for t in between):
                out[i] = replace(m, negated=True, cue=word.cue)
                break
    return out
