"""Measured values in a message: pulse, blood pressure, saturation, breathing rate, GCS.

Clinically trained relatives write "pols 135, RR 80/45, sat 86%"; patients with a home monitor write
"mijn bloeddruk is 85 over 50". A value is a number right after one of a reading's names, with at most
a few filler words between ("saturatie van 86"). Names, thresholds and fillers are content
(`measurements:` in alarms.yaml). One pass over the tokens; at each word only the names that start
with it are tried.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.triage.normalize import Token
from bot.triage.vocabulary import Measurement, Measurements


@dataclass(frozen=True, slots=True)
class Value:
    """A measured value: which reading, where, and whether it is an alarm."""

    reading: Measurement
    start: int  # the first word of the name
    index: int  # the number (the first one of a pair)
    value: float
    alarm: bool
    numbers: tuple[int, ...]  # every number token that belongs to the value


class MeasurementReader:
    """Compiled once from the vocabulary's `measurements:`."""

    def __init__(self, rules: Measurements) -> None:
        self._rules = rules
        self._by_first: dict[str, list[tuple[tuple[str, ...], Measurement]]] = {}
        for reading in rules.readings:
            for name in reading.names:
                if name:
                    self._by_first.setdefault(name[0], []).append((name, reading))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))  # "pulse ox" before "pulse"
        # "E2M5V2": the parts of a score, one digit each, in one word or as many words in a row
        self._scores = [
            (reading, re.compile("".join(f"{part}(\\d)" for part in reading.parts)), len(reading.parts))
            for reading in rules.readings
            if reading.parts
        ]

    def read(self, tokens: Sequence[Token]) -> list[Value]:
        """Every measured value in `tokens`, normal or not."""
        if not self._by_first:
            return []
        found: list[Value] = self._read_scores(tokens) if self._scores else []
        after = 0  # "o2 sat 84" is one value, not a second one at "sat"
        for start, token in enumerate(tokens):
            candidates = self._by_first.get(token.text) if token.kind == "word" and start >= after else None
            if not candidates:
                continue
            for name, reading in candidates:
                end = start + len(name)
                if end > len(tokens) or any(tokens[start + k].text != w for k, w in enumerate(name)):
                    continue
                value = self._value(tokens, start, end, reading)
                if value is not None:
                    found.append(value)
                    after = value.numbers[-1] + 1
                    break
        return found

    def _read_scores(self, tokens: Sequence[Token]) -> list[Value]:
        """Scores written as their parts ("E2M5V2", "E2 M5 V2", read as "e 2 m 5 v 2"): the digits' sum."""
        found: list[Value] = []
        for start, token in enumerate(tokens):
            if token.kind != "word":
                continue
            for reading, pattern, count in self._scores:
                if not token.text.startswith(reading.parts[0]):
                    continue
                for length in (2 * count, count, 1):  # letters and digits apart, letter-digit words, one word
                    written = tokens[start : start + length]
                    if len(written) < length or any(t.kind not in ("word", "number") for t in written):
                        continue
                    parts = pattern.fullmatch("".join(t.text for t in written))
                    if parts is None:
                        continue
                    value = float(sum(int(digit) for digit in parts.groups()))
                    if reading.min <= value <= reading.max:
                        end = start + length - 1
                        found.append(Value(reading, start, end, value, reading.alarms(value), (end,)))
                    break
        return found

    def _value(self, tokens: Sequence[Token], start: int, after: int, reading: Measurement) -> Value | None:
        """The value of `reading` whose name ends before token `after`, or None."""
        rules = self._rules
        i = after
        if i < len(tokens) and tokens[i].kind == "break" and tokens[i].text == "|":
            i += 1  # "saturatie: 86"
        skipped = 0
        while i < len(tokens) and tokens[i].kind == "word" and tokens[i].text in rules.fillers:
            if skipped == rules.max_gap:
                return None
            i += 1
            skipped += 1
        if i >= len(tokens) or tokens[i].kind != "number":
            return None
        number = _number(tokens[i])
        if number is None:
            return None
        second = i + 1
        if second < len(tokens) and tokens[second].text in rules.pair_words:
            second += 1
        is_pair = second < len(tokens) and tokens[second].kind == "number"
        if is_pair != reading.pair:
            return None  # "RR 80/45" is a blood pressure, "RR 32/min" a breathing rate
        last = second if is_pair else i
        if last + 1 < len(tokens) and tokens[last + 1].text in rules.not_before:
            return None  # "sat 85 minuten in de wachtkamer"
        if not reading.min <= number <= reading.max:
            return None
        alarm = reading.alarms(number) and not _in_sentence(tokens, i, reading.unless)
        numbers = (i, second) if is_pair else (i,)
        return Value(reading, start, i, number, alarm, numbers)


def _number(token: Token) -> float | None:
    try:
        return float(token.text.replace(",", "."))
    except ValueError:  # a digit of another script
        return None


def _in_sentence(tokens: Sequence[Token], index: int, cues: frozenset[str]) -> bool:
    """Is one of `cues` in the sentence of token `index` ("130, tijdens het fietsen")?"""
    if not cues:
        return False
    for step in (-1, 1):
        i = index
        while 0 <= i < len(tokens) and not (tokens[i].kind == "break" and tokens[i].text in ".?"):
            if tokens[i].text in cues:
                return True
            i += step
    return False
