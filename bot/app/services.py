"""The services the handlers share, assembled once in `bot.app.assembly` and passed in."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.app.misses import MissTally
from bot.clock import Clock
from bot.content.model import Lang
from bot.inbox.crypto import InboxCipher
from bot.inbox.delivery import AnswerLoop
from bot.knowledge import KnowledgeStore
from bot.observability.metrics import Metrics
from bot.outbox.sender import BroadcastSender
from bot.reminders.service import ReminderService
from bot.reminders.timer import ReminderTimer
from bot.sending import MessageSender
from bot.settings import Settings
from bot.storage.offload import Offload
from bot.storage.store import Storage


@dataclass(frozen=True)
class TeamInbox:
    """Questions to the team, when `INBOX_KEY` is set: the key's cipher and the loop that sends answers."""

    cipher: InboxCipher
    answers: AnswerLoop


@dataclass
class Services:
    """Settings, content, storage, clock and the parts that send: complete when constructed."""

    settings: Settings
    knowledge: KnowledgeStore
    storage: Storage
    clock: Clock
    sender: MessageSender
    reminders: ReminderService
    timer: ReminderTimer
    outbox: BroadcastSender
    metrics: Metrics
    db: Offload
    inbox: TeamInbox | None = None  # None: INBOX_KEY is not set and the feature is off
    languages: ChatLanguages = field(default_factory=lambda: ChatLanguages())
    misses: MissTally = field(init=False)

    def __post_init__(self) -> None:
        self.misses = MissTally(self.storage)

    async def refresh_languages(self) -> None:
        """Reload the language cache from the database (start-up, then every minute, off the alarm path)."""
        self.languages.load(await self.db(self.storage.patient_languages))


class ChatLanguages:
    """An in-process cache of the chats' chosen languages; allowed to be stale, never blocks.

    Filled from the database at start-up and every minute after (bot.app.housekeeping), and at once
    whenever a patient chooses a language here. A chat it does not know is answered in Telegram's
    language (`language_code`). A choice made on another instance or by the command line arrives
    within a minute, which at worst costs a reply in the other language, never a missed alarm.
    """

    def __init__(self) -> None:
        self._langs: dict[int, Lang | None] = {}

    def get(self, chat_id: int) -> Lang | None:
        """The remembered language, or None (unknown, or nothing stored)."""
        return self._langs.get(chat_id)

    def remember(self, chat_id: int, language: str | None) -> None:
        """Note a chat's language (None: nothing stored for it)."""
        self._langs[chat_id] = language if language in ("nl", "en") else None  # type: ignore[assignment]

    def forget(self, chat_id: int) -> None:
        """The chat's data was deleted."""
        self._langs[chat_id] = None

    def load(self, pairs: list[tuple[int, str]]) -> None:
        """Replace the cache with the database's (chat id, language) pairs."""
        self._langs = {chat_id: language for chat_id, language in pairs if language in ("nl", "en")}  # type: ignore[misc]
