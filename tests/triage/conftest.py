"""Fixtures for the triage tests: the real vocabulary and reply templates, and a small Content."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.content.model import Contact, Content, MenuChoice, WeeklyHours
from bot.triage.alarms_file import load_alarms
from bot.triage.context_rules_file import load_context_rules
from bot.triage.matcher import Triage
from bot.triage.qualifiers import QualifierRules
from bot.triage.reply_templates import AlarmReplies, load_alarm_replies
from bot.triage.vocabulary import AlarmVocabulary

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="session")
def vocabulary() -> AlarmVocabulary:
    vocab, problems = load_alarms(CONTENT_DIR / "alarms.yaml")
    assert problems == []
    assert vocab is not None
    return vocab


@pytest.fixture(scope="session")
def qualifiers() -> QualifierRules:
    rules, problems = load_context_rules(CONTENT_DIR / "context_rules.yaml")
    assert problems == []
    assert rules is not None
    return rules


@pytest.fixture(scope="session")
def triage(vocabulary: AlarmVocabulary, qualifiers: QualifierRules) -> Triage:
    return Triage(vocabulary, qualifiers)


@pytest.fixture(scope="session")
def replies() -> AlarmReplies:
    loaded, problems = load_alarm_replies(CONTENT_DIR / "alarm_replies.yaml")
    assert problems == []
    assert loaded is not None
    return loaded


def make_content() -> Content:
    """Contacts and hours as in the folder; chapters are not needed for triage."""
    contacts = {
        "spoedlijn": Contact(
            "spoedlijn",
            {"nl": "Verpleegkundige spoedlijn", "en": "Nurses' urgent line"},
            "06 25 71 60 27",
            "+31625716027",
        ),
        "huisartsenpost": Contact("huisartsenpost", {"nl": "Uw huisartsenpost", "en": "Your GP service"}),
        "seh": Contact(
            "seh", {"nl": "Spoedeisende hulp VUmc", "en": "Emergency department VUmc"}, "020 44 43 636", "+31204443636"
        ),
        "alarmnummer": Contact("alarmnummer", {"nl": "Alarmnummer", "en": "Emergency number"}, "112", "112"),
        "spreekuur": Contact(
            "spreekuur",
            {"nl": "Verpleegkundig telefonisch spreekuur", "en": "Nurses' hour"},
            "020 444 11 00",
            "+31204441100",
        ),
    }
    return Content(
        chapters=(),
        contacts=contacts,
        spreekuur=WeeklyHours(frozenset({0, 1, 3, 4}), time(10), time(12), "NL"),
        spreekuur_menu=(
            MenuChoice(1, {"nl": "patiënt", "en": "patient"}),
            MenuChoice(1, {"nl": "medische vraag", "en": "medical question"}),
            MenuChoice(4, {"nl": "verpleegkundig consulent colorectaal", "en": "colorectal nurse consultant"}),
        ),
        office_hours=WeeklyHours(frozenset({0, 1, 2, 3, 4}), time(8), time(17), "NL"),
    )


@pytest.fixture(scope="session")
def content() -> Content:
    return make_content()
