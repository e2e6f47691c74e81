"""The services the handlers share, assembled once in `bot.app.assembly` and passed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.app.knowledge import KnowledgeStore
from bot.app.misses import MissTally
from bot.clock import Clock
from bot.content.model import Lang
from bot.content.ui import pick_lang
from bot.observability.metrics import Metrics
from bot.outbox.sender import BroadcastSender
from bot.reminders.service import ReminderService
from bot.reminders.timer import ReminderTimer
from bot.sending import MessageSender, RecordingSender
from bot.settings import Settings
from bot.storage.store import Storage

if TYPE_CHECKING:
    from telegram import Update


@dataclass
class Services:
    """Settings, content, storage and clock; the reminder and outbox services join after build."""

    settings: Settings
    knowledge: KnowledgeStore
    storage: Storage
    clock: Clock
    sender: MessageSender = field(default_factory=RecordingSender)
    metrics: Metrics = field(default_factory=Metrics)
    reminders: ReminderService | None = None
    timer: ReminderTimer | None = None
    outbox: BroadcastSender | None = None
    misses: MissTally = field(init=False)

    def __post_init__(self) -> None:
        self.misses = MissTally(self.storage)

    def lang(self, update: Update, chat_data: dict[Any, Any] | None) -> Lang:
        """The chat's interface language: /taal choice, else the stored one, else Telegram's."""
        if chat_data is not None and chat_data.get("lang") in ("nl", "en"):
            lang: Lang = chat_data["lang"]
            return lang
        chat = update.effective_chat
        if chat is not None and chat_data is not None and "lang_checked" not in chat_data:
            chat_data["lang_checked"] = True
            patient = self.storage.get_patient(chat.id)
            if patient is not None and patient.language in ("nl", "en"):
                chat_data["lang"] = patient.language
                return "en" if patient.language == "en" else "nl"
        user = update.effective_user
        return pick_lang(user.language_code if user else None)
