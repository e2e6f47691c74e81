"""content/conversation.yaml: the dialogue words, the words of a complaint and feelings, and their checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.conversation import Conversation, load_conversation
from bot.content.loader import load_content

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def conversation() -> Conversation:
    content, _ = load_content(CONTENT)
    loaded, problems = load_conversation(CONTENT / "conversation.yaml", content)
    assert loaded is not None, problems
    return loaded


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("stop", "stop"),
        ("Stoppen!", "stop"),
        ("nee, ik wil annuleren", "stop"),
        ("cancel", "stop"),
        ("help", "help"),
        ("?", "help"),
        ("Help me", "help"),
        ("weet ik niet", "dont_know"),
        ("Ik weet het niet", "dont_know"),
        ("I don't know", "dont_know"),
        ("ik wil stoppen met de chemo want ik word er zo ziek van", None),  # a sentence, not the word
        ("morgen om 10 uur", None),
    ],
)
def test_dialogue_words(conversation: Conversation, text: str, intent: str | None) -> None:
    assert conversation.intent(text) == intent


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("ik voel me niet goed", True),
        ("mijn linkerhand wil niet meer meewerken", True),
        ("haar gezicht hangt scheef", True),
        ("my arm feels numb", True),
        ("ik heb last van tintelingen", True),
        ("Mijn benen zijn even dun als altijd", False),  # a body part, nothing changed
        ("geen jeuk en niet misselijk", False),  # negated
        ("gisteren was ik duizelig maar nu weer prima", False),  # over
        ("wat moet ik doen als ik misselijk word", False),  # what if
        ("ik viel bijna flauw van schrik haha", False),  # an idiom
        ("onze hond is ziek", False),  # an animal
    ],
)
def test_talk_about_a_complaint(conversation: Conversation, text: str, complaint: bool) -> None:
    assert conversation.mentions_complaint(text) is complaint


@pytest.mark.parametrize(
    ("text", "feeling"),
    [
        ("Mijn moeder is gisteravond overleden", "loss"),
        ("Ik ben zo verdrietig", "grief"),
        ("ik zie erg op tegen de operatie", "fear"),
        ("I am really scared", "fear"),
        ("Ik voel me zo eenzaam", "loneliness"),
        ("Ik ben boos over de lange wachttijd", "anger"),
        ("Wat een opluchting, goed nieuws", "hope"),
        ("Bedankt voor alles", "thanks"),
        ("Ik ben niet bang", None),
        ("Hoe zwaar is de lever?", None),
        ("Ik heb een hoop vragen", None),
    ],
)
def test_feelings(conversation: Conversation, text: str, feeling: str | None) -> None:
    found = conversation.feeling(text)
    assert (found.id if found else None) == feeling


def test_every_feeling_awaits_sign_off_until_reviewed(conversation: Conversation) -> None:
    assert {f.id for f in conversation.awaiting_sign_off()} == {f.id for f in conversation.feelings}


def test_the_support_sentence_must_be_the_folders_own(tmp_path: Path) -> None:
    content, _ = load_content(CONTENT)
    path = tmp_path / "conversation.yaml"
    text = (CONTENT / "conversation.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("kunt u bij haar terecht.", "kunt u haar altijd bellen."), encoding="utf-8")
    loaded, problems = load_conversation(path, content)
    assert loaded is None
    assert any("support.sentence: not in the chapter 'casemanager' as written" in p.message for p in problems)


def test_problems_are_reported_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "conversation.yaml"
    path.write_text(
        "dialogue: {stop: [stop]}\nfeelings: [{id: x, nl: [a], en: [b], reply: {nl: y}}]\n", encoding="utf-8"
    )
    loaded, problems = load_conversation(path)
    assert loaded is None
    messages = [str(p) for p in problems]
    assert any("missing key 'help'" in m for m in messages)
    assert any(":2: " in m and "feelings.x.reply: missing key 'en'" in m for m in messages)
