"""The simulated users: the updates Telegram would deliver when a patient or staff member acts.

Texts, commands, voice, photos, stickers, locations and documents, edits of an earlier text, button
presses and adding the bot to a group are queued as updates for the bot's next getUpdates.
"""

from __future__ import annotations

from typing import Any

from bot.fakeapi.models import JsonDict
from bot.fakeapi.state import BotApiState, StoredMessage, buttons


class SimulatedUsers(BotApiState):
    """Queues the updates of what users do in their chats with the bot."""

    def queue_update(self, update: JsonDict) -> JsonDict:
        """Queue an arbitrary update; ``update_id`` is assigned when missing. Returns the update.

        It must still be parseable by PTB: an update PTB cannot parse is never confirmed.
        """
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        self._bump()
        return update

    def add_bot_to_group(self, chat_id: int, user_id: int = 1000) -> JsonDict:
        """Queue the `my_chat_member` update Telegram sends when a user adds the bot to group `chat_id` (< 0)."""
        member = {"user": self._bot_user()}
        return self.queue_update(
            {
                "my_chat_member": {
                    "chat": self._chat(chat_id),
                    "from": self._user(user_id, "Test", "nl"),
                    "date": self._now(),
                    "old_chat_member": {**member, "status": "left"},
                    "new_chat_member": {**member, "status": "member"},
                }
            }
        )

    def _user_message(
        self,
        chat_id: int,
        content: JsonDict,
        *,
        user_id: int | None,
        language_code: str | None,
        first_name: str,
    ) -> JsonDict:
        message_id = self._new_message_id(chat_id)
        message: JsonDict = {
            "message_id": message_id,
            "from": self._user(user_id if user_id is not None else chat_id, first_name, language_code),
            "chat": self._chat(chat_id, first_name),
            "date": self._now(),
            **content,
        }
        self._messages[(chat_id, message_id)] = StoredMessage(
            chat_id, message_id, message["date"], from_bot=False, payload=dict(content), extra=message
        )
        return self.queue_update({"message": message})

    def send_text(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        language_code: str | None = "nl",
        first_name: str = "Test",
    ) -> JsonDict:
        """Queue a private-chat text message from the patient. Returns the update dict."""
        content: JsonDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._user_message(chat_id, content, user_id=user_id, language_code=language_code, first_name=first_name)

    def send_command(
        self,
        chat_id: int,
        command: str,
        args: str = "",
        user_id: int | None = None,
        language_code: str | None = "nl",
        first_name: str = "Test",
    ) -> JsonDict:
        """Queue ``/command args`` with the bot_command entity PTB's CommandHandler needs."""
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return self.send_text(chat_id, text, user_id, language_code, first_name)

    def _file(self, prefix: str) -> JsonDict:
        n = next(self._seq)
        return {"file_id": f"{prefix}-file-{n}", "file_unique_id": f"{prefix}-u{n}"}

    def send_voice(self, chat_id: int, duration: int = 3, **user: Any) -> JsonDict:
        """Queue a voice message."""
        voice = {**self._file("voice"), "duration": duration, "mime_type": "audio/ogg", "file_size": 4000}
        return self._user_message(chat_id, {"voice": voice}, **_user_kwargs(user))

    def send_photo(self, chat_id: int, caption: str | None = None, **user: Any) -> JsonDict:
        """Queue a photo (two sizes), optionally with a caption."""
        sizes = [{**self._file("photo"), "width": w, "height": w, "file_size": w * 100} for w in (90, 800)]
        content: JsonDict = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._user_message(chat_id, content, **_user_kwargs(user))

    def send_sticker(self, chat_id: int, emoji: str = "👍", **user: Any) -> JsonDict:
        """Queue a sticker."""
        sticker = {
            **self._file("sticker"),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message(chat_id, {"sticker": sticker}, **_user_kwargs(user))

    def send_location(
        self, chat_id: int, latitude: float = 52.3676, longitude: float = 4.9041, **user: Any
    ) -> JsonDict:
        """Queue a location (default: Amsterdam)."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_message(chat_id, {"location": location}, **_user_kwargs(user))

    def send_document_from_user(
        self,
        chat_id: int,
        file_name: str = "brief.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        **user: Any,
    ) -> JsonDict:
        """Queue a document the patient sends."""
        content: JsonDict = {
            "document": {**self._file("doc"), "file_name": file_name, "mime_type": mime_type, "file_size": 12345}
        }
        if caption is not None:
            content["caption"] = caption
        return self._user_message(chat_id, content, **_user_kwargs(user))

    def edit_text(self, chat_id: int, message_id: int, new_text: str) -> JsonDict:
        """Queue an ``edited_message`` update: the patient edited their earlier text message."""
        stored = self._messages.get((chat_id, message_id))
        if stored is None or stored.from_bot:
            raise ValueError(f"no patient message {message_id} in chat {chat_id}")
        stored.payload["text"] = new_text
        stored.edit_date = self._now()
        message = {**stored.extra, "text": new_text, "edit_date": stored.edit_date}
        message.pop("entities", None)
        return self.queue_update({"edited_message": message})

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "nl",
        first_name: str = "Test",
        check: bool = True,
    ) -> str:
        """Queue a callback query for a button of the bot's message; return the query id.

        With ``check`` (default) the message must exist and carry a button with that data, which
        catches tests pressing stale or imaginary buttons; pass ``check=False`` to simulate that.
        """
        stored = self._messages.get((chat_id, message_id))
        if check:
            if stored is None or not stored.from_bot or stored.deleted:
                raise ValueError(f"no bot message {message_id} in chat {chat_id}")
            data = [b.callback_data for row in buttons(stored.reply_markup) for b in row]
            if callback_data not in data:
                raise ValueError(f"message {message_id} has no button {callback_data!r}; it has {data}")
        query_id = f"cq{next(self._callback_ids)}"
        query: JsonDict = {
            "id": query_id,
            "from": self._user(user_id if user_id is not None else chat_id, first_name, language_code),
            "chat_instance": f"ci{chat_id}",
            "data": callback_data,
        }
        if stored is not None:
            query["message"] = self._message_json(stored)
        self._pending_callbacks[query_id] = query
        self.queue_update({"callback_query": query})
        return query_id


def _user_kwargs(user: dict[str, Any]) -> dict[str, Any]:
    unknown = set(user) - {"user_id", "language_code", "first_name"}
    if unknown:
        raise TypeError(f"unexpected arguments {sorted(unknown)}")
    return {
        "user_id": user.get("user_id"),
        "language_code": user.get("language_code", "nl"),
        "first_name": user.get("first_name", "Test"),
    }
