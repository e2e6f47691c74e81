"""The context rules clinlp's qualifiers do not cover: each still cancels only on a clear, reviewed cue.

Negation, the past, hypotheticals and someone else's complaints (a pet, a neighbour) are clinlp's
(bot/triage/qualifiers.py, content/context_rules.yaml). What stays here, and why clinlp cannot do it:

- idiom: "ik stik van de zenuwen" is no complaint at all, while clinlp qualifies a complaint it is given;
- "also": "de koorts is weg en de diarree ook" carries a denial across "en ... ook", past a cue's clause;
- resolved: "had koorts maar nu weer normaal", "koortsvrij", a normal temperature: the cue ends the
  complaint across "maar"/"nu", where a ContextD scope stops, and a number needs the temperature reading;
- not now: "ik heb nu niks, maar wanneer bel ik bij koorts?" is said of the whole message, not one sentence;
- definition: "Wat is geelzucht precies?" asks what a word means: a topic, not a complaint;
- contrast: "geen pijn meer in mijn buik, wel in mijn rug" brings a cancelled complaint back; clinlp never revives;
- again: "vorige week benauwd, nu weer, en erger": a past complaint spoken of again later on is now (the
  cue names no complaint, so clinlp cannot attach it to one).

Cancelled matches stay in the result, with `negated` set and the rule's name as `cue`.
Every rule walks the tokens and matches a fixed number of times: linear in the message length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.triage.layout import Layout, PhraseIndex, layout_of
from bot.triage.levels import Level
from bot.triage.match import Match
from bot.triage.normalize import Token
from bot.triage.temperature import readings_follow_their_word
from bot.triage.vocabulary import ContextCues, Negation

_FIRST_PERSON = frozenset("ik mijn mn me mij i my im ive".split())


class _Reading:
    """Which complaint a resolution cue speaks of (the resolved rule's grammar)."""

    def __init__(
        self,
        tokens: Sequence[Token],
        layout: Layout,
        phrases: dict[str, list[tuple[int, int]]],
        matches: list[Match],
        cues: ContextCues,
    ) -> None:
        self.tokens = tokens
        self.layout = layout
        self.matches = matches
        self.refer_back = cues.refer_back
        self.names = {i: cues.names[t.text] for i, t in enumerate(tokens) if t.text in cues.names}
        # a cue is known by its last token; where it starts, to read the words before it
        self.cue_length = {end: end - start + 1 for tag in ("resolved", "well") for start, end in phrases.get(tag, [])}
        # "sinds gisteren", "since yesterday": a time that goes on until now does not make its clause past
        self.past = {
            layout.clause[start]
            for start, _ in phrases.get("past", [])
            if not (start and tokens[start - 1].text in cues.ongoing)
        }
        self.location = cues.location
        self.determiners = cues.determiners
        self.present_before = layout.seen_before([t.text in cues.present for t in tokens])
        self.worse = sorted(start for start, _ in phrases.get("again", []))

    def told_in_past(self, m: Match) -> bool:
        """Told in the past in its clause and not as now: "gisteren had ik koorts", not "sinds gisteren", "en nu ..."."""
        sentence = self.layout.sentence[m.start]
        return (
            self.layout.clause[m.start] in self.past
            and not self.present_before[m.start]
            and not any(self.layout.sentence[w] == sentence and w > m.end for w in self.worse)
        )

    def ends(self, m: Match, cue: int, *, past_only: bool) -> bool:
        """Does the cue at token `cue` end complaint `m`?"""
        if cue <= m.end or any(m.end < w < cue for w in self.worse):
            return False
        gap = self.layout.sentence[cue] - self.layout.sentence[m.start]
        if gap == 0:
            return self.told_in_past(m) or (not past_only and self._next_to(m, cue))
        if gap == 1 and not self.names.get(cue):
            # "Dat is nu over.", "Nu voel ik me weer prima.": the cue's sentence refers back and names nothing else
            first = cue
            while first > 0 and self.layout.sentence[first - 1] == self.layout.sentence[cue]:
                first -= 1
            cue_start = cue - self.cue_length.get(cue, 1) + 1
            refers_back = all(t.text in self.refer_back for t in self.tokens[first:cue_start] if t.kind == "word")
            return refers_back and self.told_in_past(m)
        # "Vorige week koorts van 39,4. ... Nu al zes dagen koortsvrij.": a cue that names the complaint
        return m.concept in self.names.get(cue, ()) and self.told_in_past(m)

    def _next_to(self, m: Match, cue: int) -> bool:
        """`m` is the last complaint before the cue, in the cue's own clause (a match that only says where
        it is, "de pijn bij de wond is weg", is part of it)."""
        # "39 koorts en de diarree is weer over" speaks of the diarree only, even when clinlp cancelled it
        return self.layout.clause[m.end] == self.layout.clause[cue] and not any(
            m.end < a.start < cue and not self._where(m, a) for a in self.matches
        )

    def _where(self, m: Match, a: Match) -> bool:
        """`a` says where `m` is: a preposition and determiners only between them ("pijn bij de wond")."""
        between = [t.text for t in self.tokens[m.end + 1 : a.start]]
        return bool(between) and between[0] in self.location and all(w in self.determiners for w in between[1:])


class ContextRules:
    """The context rules, compiled once from the vocabulary's cue lists."""

    def __init__(self, cues: ContextCues, negation: Negation, fever_concept: str) -> None:
        self.cues = cues
        self.negation = negation
        self.fever = fever_concept
        self._phrases = PhraseIndex(
            [
                ("idiom", cues.idioms),
                ("resolved", cues.resolved),
                ("well", cues.well),
                ("hedge", cues.hedges),
                ("past", cues.past),
                ("not now", cues.not_now),
                ("definition", cues.definition),
                ("again", cues.again),
                ("come true", cues.come_true),
            ]
        )
        self._single_cues = cues.contrast | negation.after | cues.also

    def apply(self, tokens: Sequence[Token], matches: list[Match]) -> list[Match]:
        """The matches with those cancelled by a clear cue marked `negated`, with the rule as `cue`."""
        if not matches:
            return matches
        phrases = self._phrases.find(tokens)
        normal = any(m.celsius is not None and m.celsius < self.cues.normal_below for m in matches)
        if phrases or normal or any(t.text in self._single_cues for t in tokens):
            matches = self._rules(tokens, phrases, matches)
        # otherwise no cue at all (most alarm messages): only clinlp's
        return readings_follow_their_word(tokens, matches, self.fever, self.cues.new_reading)

    def _rules(
        self, tokens: Sequence[Token], phrases: dict[str, list[tuple[int, int]]], matches: list[Match]
    ) -> list[Match]:
        layout = layout_of(tokens)
        phrases["again"] = self._again_cues(tokens, layout, phrases.get("again", []))
        out = sorted(matches, key=lambda m: (m.start, m.end))
        out = self._idiom(tokens, phrases.get("idiom", []), out)
        out = self._also(tokens, layout, out)
        out = self._resolved_rule(tokens, layout, phrases, out)
        out = self._not_now_rule(tokens, layout, bool(phrases.get("not now")), out)
        out = self._definition_rule(tokens, layout, phrases.get("definition", []), out)
        again = phrases["again"]
        out = self._again(layout, again, out)
        out = self._again(layout, phrases.get("come true", []), out, cancelled_as=("hypothetical", "past"))
        # "Diarree was twee dagen weg, sinds vanmiddag weer terug": gone, then back ("weer terug", "came back")
        back = [span for span in again if tokens[span[1]].text in self.cues.returned and span[0] < span[1]]
        out = self._again(layout, back, out, cancelled_as=("negation", "resolved"))
        return self._contrast(tokens, layout, out)

    def _again_cues(
        self, tokens: Sequence[Token], layout: Layout, spans: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """The "again"/"worse" cues that count: not denied ("het is niet meer teruggekomen"), and not a lone
        "again" in a question ("When can I go swimming again?")."""
        return [
            (a, b)
            for a, b in spans
            if not any(t.text in self.negation.before for t in tokens[max(0, a - 2) : a])
            and not (a == b and tokens[a].text in self.cues.repeated and layout.sentence[a] in layout.questions)
        ]

    # --- the rules -------------------------------------------------------------------------------

    def _idiom(self, tokens: Sequence[Token], spans: list[tuple[int, int]], matches: list[Match]) -> list[Match]:
        if not spans:
            return matches
        covered = [False] * (len(tokens) + 1)
        for start, end in spans:
            for i in range(start, end + 1):
                covered[i] = True
        return [_cancel(m, "idiom") if any(covered[m.start : m.end + 1]) else m for m in matches]

    def _also(self, tokens: Sequence[Token], layout: Layout, matches: list[Match]) -> list[Match]:
        """ "de koorts is weg en de diarree ook": a complaint right before "ook" shares the denial before it."""
        out: list[Match] = []
        for m in matches:
            previous = out[-1] if out else None
            if (
                previous is not None
                and previous.negated
                and not m.negated
                and not m.holds_negation  # "no stool and no wind either": the denial is the complaint
                and m.level < Level.EMERGENCY
                and layout.sentence[previous.end] == layout.sentence[m.start]
                and m.end + 1 < len(tokens)
                and tokens[m.end + 1].text in self.cues.also
            ):
                m = _cancel(m, "negation")
            out.append(m)
        return out

    def _resolution_cues(self, tokens: Sequence[Token], spans: list[tuple[int, int]]) -> list[int]:
        cues = [end for _, end in spans]
        neg = self.negation
        for i, token in enumerate(tokens):
            if token.text not in neg.after:
                continue
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if not (nxt is None or nxt.kind == "break" or nxt.text in neg.after_end):
                continue
            if i and tokens[i - 1].text in self.cues.not_a_cue_after:
                continue  # "she is itching all over"
            back = i - 1
            while back >= 0 and tokens[back].text in ("nog", "still", "yet"):
                back -= 1
            if back >= 0 and (tokens[back].text in neg.before or tokens[back].text in ("gaat", "going")):
                continue  # "gaat niet weg", "nog niet over"
            cues.append(i)
        return cues

    def _resolved_rule(
        self, tokens: Sequence[Token], layout: Layout, phrases: dict[str, list[tuple[int, int]]], matches: list[Match]
    ) -> list[Match]:
        """ "had koorts maar nu weer normaal", "de diarree is weg": a cue ends the complaint it speaks of.

        A cue ends the complaint right before it in its clause, every complaint before
        it in a sentence told in the past, and a past complaint of the sentence before when its own sentence
        names none. A hedge ("verder", "otherwise") makes a cue speak of everything else: it ends nothing.
        """
        hedged = {layout.clause[start] for start, _ in phrases.get("hedge", [])}
        specific = [
            c for c in self._resolution_cues(tokens, phrases.get("resolved", [])) if layout.clause[c] not in hedged
        ]
        well = [end for _, end in phrases.get("well", []) if layout.clause[end] not in hedged]
        normal = [m.end for m in matches if m.celsius is not None and m.celsius < self.cues.normal_below]
        # "38,4, paracetamol genomen en nu 37,3": a fever kept down by a medicine is still the fever
        normal = [n for n in normal if not any(t.text in self.cues.lowered_by for t in tokens[:n])]
        if not specific and not well and not normal:
            return matches
        reading = _Reading(tokens, layout, phrases, matches, self.cues)
        contrast_earlier = layout.seen_before([t.text in self.cues.contrast for t in tokens])
        out: list[Match] = []
        for m in matches:
            if (
                m.negated
                or m.level >= Level.EMERGENCY
                or (m.celsius is not None and m.celsius < self.cues.normal_below)
            ):
                out.append(m)
                continue
            resolved = any(reading.ends(m, c, past_only=False) for c in specific) or any(
                reading.ends(m, c, past_only=True) for c in well
            )
            if not resolved and m.concept == self.fever and not contrast_earlier[m.start]:
                resolved = any(reading.ends(m, n, past_only=False) for n in normal) or (
                    m.celsius is None
                    and any(n < m.start and layout.sentence[n] == layout.sentence[m.start] for n in normal)
                )
            out.append(_cancel(m, "resolved") if resolved else m)
        return out

    def _not_now_rule(
        self, tokens: Sequence[Token], layout: Layout, not_now: bool, matches: list[Match]
    ) -> list[Match]:
        """A general question in a message that says nothing is wrong now ("ik heb nu niks, maar ...")."""
        if not not_now:
            return matches
        # "... maar nu heel veel pijn": a symptom after "maar"/"nu" in its sentence is the patient's now.
        contrast_earlier = layout.seen_before(
            [t.text in self.cues.contrast or t.text in self.cues.present for t in tokens]
        )
        out: list[Match] = []
        for m in matches:
            general = (
                not m.negated
                and not contrast_earlier[m.start]
                and (layout.sentence[m.start] in layout.questions or m.level <= Level.URGENT)
            )
            out.append(_cancel(m, "not now") if general else m)
        return out

    def _definition_rule(
        self, tokens: Sequence[Token], layout: Layout, openers: list[tuple[int, int]], matches: list[Match]
    ) -> list[Match]:
        """ "Wat is geelzucht precies?" asks what a word means, not for help."""
        if not openers:
            return matches
        personal = {layout.sentence[i] for i, t in enumerate(tokens) if t.text in _FIRST_PERSON}
        asked = {
            layout.sentence[start]
            for start, _ in openers
            if layout.sentence[start] in layout.questions and layout.sentence[start] not in personal
        }
        return [
            _cancel(m, "definition") if layout.sentence[m.start] in asked and m.level <= Level.URGENT else m
            for m in matches
        ]

    def _again(
        self,
        layout: Layout,
        spans: list[tuple[int, int]],
        matches: list[Match],
        cancelled_as: tuple[str, ...] = ("past",),
    ) -> list[Match]:
        """A complaint cancelled as past comes back with a cue later in its sentence or the next one; one
        cancelled as "what if" comes back when it came true ("als ik geel werd, nou dat ben ik nu")."""
        if not spans:
            return matches
        out: list[Match] = []
        for m in matches:
            if m.negated and m.cue in cancelled_as:
                sentence = layout.sentence[m.start]
                if any(start > m.end and layout.sentence[start] - sentence <= 1 for start, _ in spans):
                    m = replace(m, negated=False, cue="again")
            out.append(m)
        return out

    def _contrast(self, tokens: Sequence[Token], layout: Layout, matches: list[Match]) -> list[Match]:
        """ "geen pijn meer in mijn buik, wel in mijn rug", "de pijn was weg maar is nu terug": the last
        cancelled symptom before "wel"/"maar" counts after all when a body part or "terug" follows
        and no other symptom does."""
        size = len(tokens)
        active = [False] * size
        for m in matches:
            if not m.negated and m.level > Level.NONE:  # a sign that only counts in a combination is no symptom
                active[m.start] = True
        active_later = layout.seen_after(active)
        body_later = layout.seen_after([t.text in self.cues.body or t.text in self.cues.returned for t in tokens])
        if not any(t.text in self.cues.contrast for t in tokens):
            return matches
        out = list(matches)
        k = 0  # index of the first match that starts at or after the current token
        for i, token in enumerate(tokens):
            while k < len(out) and out[k].start < i:
                k += 1
            if token.text not in self.cues.contrast or active_later[i] or not body_later[i]:
                continue
            last = k - 1
            while last >= 0 and out[last].level == Level.NONE:  # a sign ("buik" of a combination) is no symptom
                last -= 1
            if last >= 0 and layout.sentence[out[last].start] == layout.sentence[i]:
                m = out[last]
                if m.negated and m.cue in ("", "negation", "resolved"):
                    out[last] = replace(m, negated=False, cue="contrast")
        return out


def _cancel(match: Match, cue: str) -> Match:
    return match if match.negated else replace(match, negated=True, cue=cue)
