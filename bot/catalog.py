"""Everything the bot reads from `content/` and `schedules/`, loaded and validated together.

A reload builds a new Catalog and swaps it in only when it has no problems, so a broken file never
replaces working content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.conversation import CONVERSATION_FILE, Conversation, load_conversation
from bot.content.loader import load_content
from bot.content.model import Content
from bot.content.ui import UI_FILE, UiText, load_ui
from bot.reminders.loader import load_reminder_rules
from bot.reminders.rules import ReminderRules
from bot.search.vocab import SearchVocabulary, load_search_vocabulary
from bot.triage.qualifiers import CONTEXT_RULES_FILE, QualifierRules, load_context_rules
from bot.triage.replies import AlarmReplies, check_extra_contacts, check_reason_concepts, load_alarm_replies
from bot.triage.vocabulary import AlarmVocabulary, load_alarms
from bot.yamlsrc import Problem

STAFF_FILE = "staff.yaml"
CONSOLE_FILE = "console.yaml"
ALARMS_FILE = "alarms.yaml"
ALARM_REPLIES_FILE = "alarm_replies.yaml"
SEARCH_FILE = "search.yaml"
REMINDERS_FILE = "reminders.yaml"


@dataclass(frozen=True)
class Catalog:
    """The loaded content, interface texts, alarm vocabulary, search vocabulary, reminder rules and the
    words of conversation.yaml (dialogue words, complaint words, feelings)."""

    content: Content
    ui: UiText
    staff: UiText
    alarms: AlarmVocabulary
    context_rules: QualifierRules
    alarm_replies: AlarmReplies
    search_vocabulary: SearchVocabulary
    reminder_rules: ReminderRules
    conversation: Conversation
    console: UiText

    def summary(self, unreviewed: int | None = None) -> str:
        """One line describing what was loaded (`unreviewed`: counted with the console's sign-offs)."""
        open_reviews = len(self.alarms.unreviewed()) if unreviewed is None else unreviewed
        return (
            f"{len(self.content.chapters)} chapters, {len(self.content.contacts)} contacts, "
            f"{len(self.alarms.concepts)} alarm concepts ({open_reviews} not yet signed off by a "
            f"clinician), {len(self.context_rules.added)} context rules beyond clinlp's "
            f"({len(self.context_rules.awaiting_signoff())} not yet signed off), {len(self.search_vocabulary.chapters)} chapters with "
            f"search keywords, {len(self.reminder_rules.types)} appointment types"
        )


def load_catalog(content_dir: Path, schedules_dir: Path) -> tuple[Catalog | None, list[Problem]]:
    """Load every content and schedule file; None and all problems when anything is wrong."""
    problems: list[Problem] = []
    content, found = load_content(content_dir)
    problems += found
    ui, found = load_ui(content_dir / UI_FILE)
    problems += found
    staff, found = load_ui(content_dir / STAFF_FILE)
    problems += found
    console, found = load_ui(content_dir / CONSOLE_FILE)
    problems += found
    alarms, found = load_alarms(content_dir / ALARMS_FILE)
    problems += found
    context_rules, found = load_context_rules(content_dir / CONTEXT_RULES_FILE)
    problems += found
    replies, found = load_alarm_replies(content_dir / ALARM_REPLIES_FILE)
    problems += found
    folder_text = "\n".join(c.text for c in content.chapters) if content else None
    rules, found = load_reminder_rules(schedules_dir / REMINDERS_FILE, folder_text)
    problems += found
    vocabulary = None
    conversation, found = load_conversation(content_dir / CONVERSATION_FILE, content)
    problems += found
    if replies is not None and alarms is not None:
        problems += check_reason_concepts(replies, {c.id for c in alarms.concepts}, content_dir / ALARM_REPLIES_FILE)
    if content is not None:
        vocabulary, found = load_search_vocabulary(content_dir / SEARCH_FILE, content)
        problems += found
        if rules is not None:
            problems += _chapter_references(rules, content, schedules_dir / REMINDERS_FILE)
        if replies is not None:
            problems += check_extra_contacts(replies, content, content_dir / ALARM_REPLIES_FILE)
        if alarms is not None:
            problems += alarms.contact_problems(set(content.contacts))
    if (
        problems
        or content is None
        or ui is None
        or staff is None
        or console is None
        or alarms is None
        or context_rules is None
        or replies is None
        or rules is None
        or vocabulary is None
        or conversation is None
    ):
        return None, sorted(set(problems))
    return Catalog(content, ui, staff, alarms, context_rules, replies, vocabulary, rules, conversation, console), []


def _chapter_references(rules: ReminderRules, content: Content, path: Path) -> list[Problem]:
    """Reminder buttons open chapters: each named chapter must exist."""
    return [
        Problem(str(path), 0, f"type '{name}': chapter '{type_rules.chapter}' does not exist in folder.yaml")
        for name, type_rules in rules.types.items()
        if type_rules.chapter and content.chapter(type_rules.chapter) is None
    ]
