"""clinlp's context algorithm on the matcher's complaints: absent, past, hypothetical, someone else's.

Messages written for this suite (the first ones are issue 20's examples), none from an evaluation set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.triage.context_rules_file import CONTEXT_RULES_FILE, load_context_rules
from bot.triage.levels import Level
from bot.triage.matcher import Triage
from bot.triage.qualifiers import QualifierRules

EMERGENCY, SEH, URGENT, NONE = Level.EMERGENCY, Level.SEH, Level.URGENT, Level.NONE
CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("gin pijn en gin koorts, alles goed", "negation"),
        ("Stel dat ik na de operatie koorts krijg, wie bel ik dan?", "hypothetical"),
        ("What should I do if I get a fever at night?", "hypothetical"),
        ("Mijn kleinzoon heeft 39 graden koorts, mag hij op bezoek komen?", "someone else"),
        ("I almost had a heart attack when I saw the bill lol", "idiom"),
        # the same kinds, other words
        ("ik heb nie overgegeven en gien diarree", "negation"),
        ("no fever, no vomiting, just tired", "negation"),
        ("wat als ik in het weekend geel word?", "hypothetical"),
        ("in case I get a fever, who do I call?", "hypothetical"),
        ("vorige maand had ik koorts, nu niet meer", "past"),
        ("I had a fever last week but now I'm fine", "past"),
        ("Ich had vörrige waek koorts, mer noe is alles weer good", "past"),
        ("mijn buurvrouw heeft hoge koorts, mag ik bij haar op bezoek?", "someone else"),
        ("my colleague has a high fever, can I still go to work?", "someone else"),
        ("de kat heeft op mijn bed gespuugd, dus ik slaap op de bank", "pet"),
        ("our dog has yellow eyes, the vet is closed", "pet"),
        ("vanaf welke temperatuur noemen jullie het koorts?", "hypothetical"),
    ],
)
def test_clearly_absent_past_hypothetical_or_someone_elses(triage: Triage, text: str, cue: str) -> None:
    result = triage.assess(text)
    assert result.level == NONE, result.explain()
    assert {m.cue for m in result.matches if m.negated} >= {cue}, result.explain()


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # a relative writing about the patient is the patient
        ("mijn moeder heeft koorts", URGENT),
        ("mijn vader heeft 39,5 koorts, wat moet ik doen?", SEH),
        ("my dad keeps throwing up", URGENT),
        ("oma is flauwgevallen en reageert niet", EMERGENCY),
        ("mijn zoon zegt dat ik heel geel zie", URGENT),
        ("mijn kleinzoon belde, opa is flauwgevallen", EMERGENCY),  # the grandchild reports, opa is ill
        # 112 is right for anyone, even a neighbour
        ("mijn buurman is flauwgevallen en reageert niet", EMERGENCY),
        # a question about a complaint one has now
        ("ik heb 39 koorts, wat moet ik doen?", SEH),
        ("Is het normaal dat ik zoveel pijn heb bij de wond?", URGENT),
        ("Wat moet ik doen als ik koorts krijg?", URGENT),  # a plain "als": maybe getting it now
        # in doubt, alarm: the cue does not reach the complaint
        ("ik wil niet zeuren maar ik heb hoge koorts", SEH),
        ("ik wil niet zeuren ik heb hoge koorts", SEH),
        ("de pijn gaat niet weg", URGENT),
        ("ik weet niet of het koorts is", URGENT),
        ("ik heb nog nooit zo'n pijn gehad", URGENT),
        ("Ik ben 72 jaar en heb hoge koorts", SEH),
        ("ik werd vanochtend wakker met hevige buikpijn", URGENT),
        ("als ik eet moet ik direct overgeven", URGENT),
        ("het voelt als een olifant op mijn borst", EMERGENCY),
        ("sinds vorige week koorts en het zakt niet", URGENT),
        ("eergisteren had ik buikpijn maar sinds gisteren is het veel erger", URGENT),
        ("vorige week benauwd, nu weer, en erger", URGENT),
        ("mijn ogen zijn geler dan vorige week", URGENT),
        ("twee weken geleden geopereerd en nu koorts", URGENT),
        ("ik heb de hele nacht diarree gehad", URGENT),
        ("the pain started last week and is getting worse", URGENT),
        ("I don't know if it matters but I am vomiting blood", EMERGENCY),
        ("de hond sprong op me en ik viel flauw", EMERGENCY),
    ],
)
def test_in_doubt_the_alarm_stands(triage: Triage, text: str, level: Level) -> None:
    result = triage.assess(text)
    assert result.level == level, result.explain()


def test_a_term_that_holds_a_negation_is_never_cancelled_as_absent(triage: Triage) -> None:
    assert triage.assess("ik krijg geen lucht").level == EMERGENCY
    assert triage.assess("hij ademt niet meer").level == EMERGENCY
    assert triage.assess("ik kan niks meer eten of drinken").level == URGENT


def test_the_repository_rules_load_and_await_signoff(qualifiers: QualifierRules) -> None:
    awaiting = {rule.id for rule in qualifiers.awaiting_signoff()}
    assert {"negation_dialect", "negation_english", "hypothetical", "someone_else", "pets"} <= awaiting
    assert qualifiers.dropped > 0
    assert all(rule.why for rule in qualifiers.added)


def test_the_pipeline_is_built_once_per_rule_set(qualifiers: QualifierRules) -> None:
    again, problems = load_context_rules(CONTENT / CONTEXT_RULES_FILE)
    assert problems == [] and again is not None
    assert again.pipeline is qualifiers.pipeline


RULES_HEAD = """\
version: 1
qualifiers:
  - {name: Condition, values: [Unconditional, Conditional], default: Unconditional}
  - {name: Time, values: [Unspecified, Later], default: Unspecified}
  - {name: Species, values: [Human, Animal], default: Human}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / CONTEXT_RULES_FILE
    path.write_text(text, encoding="utf-8")
    return path


def test_problems_are_reported_with_their_lines(tmp_path: Path) -> None:
    text = RULES_HEAD + (
        "drop:\n"
        "  - qualifier: Presence.Absent\n"
        "    direction: preceding\n"
        "    patterns: [geen, bestaat niet]\n"  # line 9: the second is not one of clinlp's
        "    why: test\n"
        "rules:\n"
        "  - id: one\n"  # line 12
        "    qualifier: Presence.Gone\n"  # line 13
        "    direction: sideways\n"  # line 14
        "    patterns: [gin]\n"
        "    reviewed_by: Dr. A\n"  # reviewed_on missing
        "    reviewed_on: null\n"
        "  - id: one\n"  # line 18: duplicate
        "    qualifier: Presence.Absent\n"
        "    direction: preceding\n"
        "    max_scope: 0\n"  # line 21
        "    patterns: ['!!', [{LOWER: gin}]]\n"  # line 22: no word
        "    reviewed_by: null\n"
        "    reviewed_on: null\n"
    )
    rules, problems = load_context_rules(_write(tmp_path, text))
    assert rules is None
    found = {(p.line, p.message.split(": ", 1)[1]) for p in problems}
    assert (9, "'bestaat niet' is not a Presence.Absent preceding rule of clinlp") in found
    assert any(line == 13 and "qualifier 'Presence.Gone' is not one of" in msg for line, msg in found)
    assert any(line == 14 and "direction must be one of" in msg for line, msg in found)
    assert any(line == 12 and "fill in both" in msg for line, msg in found)
    assert any(line == 18 and "duplicate id" in msg for line, msg in found)
    assert any(line == 21 and "max_scope" in msg for line, msg in found)
    assert any(line == 22 and "has no word" in msg for line, msg in found)


def test_a_token_pattern_spacy_refuses_is_reported(tmp_path: Path) -> None:
    text = RULES_HEAD + (
        "rules:\n"
        "  - id: bad\n"
        "    qualifier: Presence.Absent\n"
        "    direction: preceding\n"
        "    patterns: [[{LOWER: {NOPE: [gin]}}]]\n"
        "    reviewed_by: null\n"
        "    reviewed_on: null\n"
    )
    rules, problems = load_context_rules(_write(tmp_path, text))
    assert rules is None
    assert [p.line for p in problems] == [7]
    assert "spaCy cannot use a token pattern" in problems[0].message


def test_the_qualifiers_the_bot_cancels_on_must_exist(tmp_path: Path) -> None:
    rules, problems = load_context_rules(_write(tmp_path, "version: 1\nrules: []\n"))
    assert rules is None
    assert any("Condition.Conditional must exist" in p.message for p in problems)


def test_a_signed_off_rule_is_no_longer_listed(tmp_path: Path) -> None:
    text = RULES_HEAD + (
        "rules:\n"
        "  - id: signed\n"
        "    qualifier: Presence.Absent\n"
        "    direction: preceding\n"
        "    patterns: [gin]\n"
        "    reviewed_by: Dr. A\n"
        "    reviewed_on: 2026-12-01\n"
        "  - id: open\n"
        "    qualifier: Presence.Absent\n"
        "    direction: preceding\n"
        "    patterns: [gien]\n"
        "    reviewed_by: null\n"
        "    reviewed_on: null\n"
    )
    rules, problems = load_context_rules(_write(tmp_path, text))
    assert problems == [] and rules is not None
    assert [rule.id for rule in rules.awaiting_signoff()] == ["open"]
    assert "gien" in rules.awaiting_signoff()[0].describe()


def test_describe_shows_token_patterns_in_brief(tmp_path: Path) -> None:
    text = RULES_HEAD + (
        "rules:\n"
        "  - id: brief\n"
        "    qualifier: Presence.Absent\n"
        "    direction: following\n"
        "    patterns: [[{LOWER: is}, {LOWER: {IN: [al, nu, weer, toch]}, OP: '*'}, {LOWER: weg}], [{OP: '?'}]]\n"
        "    reviewed_by: null\n"
        "    reviewed_on: null\n"
    )
    rules, problems = load_context_rules(_write(tmp_path, text))
    assert problems == [] and rules is not None
    assert rules.added[0].describe() == "Presence.Absent following: is [al|nu|weer...]* weg, *"


def test_qualifying_reads_no_file(triage: Triage, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline is built when the rules load; the alarm path opens nothing."""
    import builtins
    import io

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a file was opened on the alarm path: {args[:1]}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(io, "open", refuse)
    assert triage.assess("Stel dat ik koorts krijg in het weekend, gin pijn, mijn buurvrouw is ziek").level == NONE
    assert triage.assess("ik heb geen koorts maar wel hevige buikpijn").level == URGENT


def test_a_lazy_pipeline_builds_for_the_first_cued_sentence_and_answers_the_same(qualifiers: QualifierRules) -> None:
    """The triage command's pipeline (build=False): spaCy and clinlp load only for a sentence holding a
    cue's first word, and its qualifiers are the eagerly built pipeline's."""
    from bot.triage.normalize import tokenize
    from bot.triage.qualifiers import ContextPipeline

    lazy = ContextPipeline(qualifiers.pipeline.rules, build=False)
    plain = tokenize("ik heb hoge koorts")
    assert lazy.qualify(plain, [(3, 3)]) == [frozenset()]
    assert not lazy.built
    cued = tokenize("ik heb geen koorts en vorige week had ik diarree")
    spans = [(3, 3), (9, 9)]
    assert lazy.qualify(cued, spans) == qualifiers.pipeline.qualify(cued, spans)
    assert lazy.built
    assert "Presence.Absent" in lazy.qualify(cued, spans)[0]


def test_the_triage_command_loads_clinlp_only_when_a_message_needs_it() -> None:
    """A one-line check without a cue word starts without spaCy (issue 20: start-up); `-X importtime`
    lists every module the command imported."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "CONTENT_DIR": str(CONTENT)}
    for text, loads in (("ik heb hoge koorts", False), ("ik heb geen koorts", True)):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "bot", "triage", "--jsonl"],
            input=text + "\n",
            capture_output=True,
            text=True,
            cwd=CONTENT.parent,
            env=env,
            timeout=60,
            check=True,
        )
        imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()}
        assert ("spacy" in imported) is loads and ("clinlp" in imported) is loads
        assert len(proc.stdout.splitlines()) == 1
