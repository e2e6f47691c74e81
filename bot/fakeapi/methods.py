"""The Bot API methods the fake implements, on its state, answering like Telegram (errors included).

getMe, getUpdates (long polling, offsets, allowed_updates), sendMessage, sendDocument,
editMessageText, editMessageReplyMarkup, deleteMessage, answerCallbackQuery, set/get/deleteMyCommands,
setWebhook, deleteWebhook, getWebhookInfo, setMyDescription, setMyShortDescription, sendChatAction,
leaveChat. Method names are lower-case here (the Bot API's are case-insensitive).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import Any

from bot.fakeapi.checks import MAX_CAPTION, checked_text, formatted_length, validate_markup
from bot.fakeapi.models import JsonDict, UploadedFile
from bot.fakeapi.state import BotApiState, StoredMessage
from bot.fakeapi.wire import ApiError, Params, decode_json_fields

Method = Callable[[Params, dict[str, UploadedFile]], Awaitable[Any]]


class BotApiMethods(BotApiState):
    """Each method takes the request's parameters and uploaded files and returns the ``result``."""

    @cached_property
    def _methods(self) -> dict[str, Method]:
        return {
            "getme": self._get_me,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmydescription": self._set_my_description,
            "setmyshortdescription": self._set_my_short_description,
            "senddocument": self._send_document,
            "sendchataction": self._send_chat_action,
            "leavechat": self._leave_chat,
        }

    def _method(self, name: str) -> Method | None:
        """The implementation of every method but getUpdates (which waits; see `_get_updates`)."""
        return self._methods.get(name)

    async def _get_me(self, params: Params, files: dict[str, UploadedFile]) -> JsonDict:
        return {
            **self._bot_user(),
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ------------------------------------------------------------------ getUpdates

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._confirmed_below = max(self._confirmed_below, offset)
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _batch(self, limit: int) -> list[JsonDict]:
        if self._allowed_updates:
            allowed = set(self._allowed_updates)
            # Telegram never delivers update types the bot did not ask for.
            self._updates = [u for u in self._updates if allowed & (u.keys() - {"update_id"})]
        return self._updates[:limit]

    async def _get_updates(self, params: Params, gave_up: Callable[[], bool]) -> list[JsonDict]:
        """Confirm by offset, then answer the queued updates; wait up to `timeout` s while there are none."""
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get_int("offset", 0) or 0
        limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
        timeout = params.get_float("timeout", 0.0)
        allowed = params.get_json("allowed_updates")
        if allowed is not None:
            self._allowed_updates = list(allowed)  # Telegram remembers the last setting
        self._confirm(offset)
        self._bump()
        if timeout > 0 and not self._batch(limit):
            try:
                await self.wait_until(
                    lambda: bool(self._batch(limit)) or gave_up() or self._stopping, timeout, "updates"
                )
            except TimeoutError:
                pass  # an empty answer after the long-poll timeout, as Telegram does
        return self._batch(limit)

    # ------------------------------------------------------------------ messages

    def _store_bot_message(
        self,
        chat_id: int,
        payload: JsonDict,
        parse_mode: str | None,
        markup: JsonDict | None,
        document: UploadedFile | None = None,
        reply_to: int | None = None,
    ) -> StoredMessage:
        message = StoredMessage(
            chat_id,
            self._new_message_id(chat_id),
            self._now(),
            from_bot=True,
            payload=payload,
            parse_mode=parse_mode,
            reply_markup=markup,
            document=document,
            reply_to=reply_to,
        )
        self._chat(chat_id)
        self._messages[(chat_id, message.message_id)] = message
        self._event("new", message)
        return message

    async def _send_message(self, params: Params, files: dict[str, UploadedFile]) -> JsonDict:
        chat_id = params.chat_id()
        text, parse_mode = checked_text(params)
        markup = params.get_json("reply_markup")
        validate_markup(markup)
        message = self._store_bot_message(chat_id, {"text": text}, parse_mode, markup, reply_to=_replied_to(params))
        return self._message_json(message)

    async def _send_document(self, params: Params, files: dict[str, UploadedFile]) -> JsonDict:
        chat_id = params.chat_id()
        reference = params.get_str("document")
        if "document" in files:
            document = files["document"]
        elif reference and reference.startswith("attach://") and reference[9:] in files:
            document = files[reference[9:]]
        elif reference:
            document = UploadedFile(reference, b"")  # a file_id or URL
        else:
            raise ApiError(400, "Bad Request: there is no document in the request")
        caption = params.get_str("caption")
        parse_mode = params.get_str("parse_mode")
        if caption is not None and formatted_length(caption, parse_mode) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        markup = params.get_json("reply_markup")
        validate_markup(markup)
        n = next(self._seq)
        payload: JsonDict = {
            "document": {
                "file_id": f"doc-{n}",
                "file_unique_id": f"d{n}",
                "file_name": document.filename,
                "mime_type": document.mime_type,
                "file_size": len(document.content),
            }
        }
        if caption is not None:
            payload["caption"] = caption
        message = self._store_bot_message(chat_id, payload, parse_mode, markup, document)
        return self._message_json(message)

    def _find_bot_message(self, params: Params, verb: str = "edit") -> StoredMessage:
        if params.has("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        chat_id = params.chat_id()
        message_id = params.get_int("message_id")
        stored = self._messages.get((chat_id, message_id or 0))
        if stored is None or stored.deleted:
            raise ApiError(400, f"Bad Request: message to {verb} not found")
        if not stored.from_bot:
            raise ApiError(400, f"Bad Request: message can't be {verb}ed")
        return stored

    @staticmethod
    def _not_modified() -> ApiError:
        return ApiError(
            400,
            "Bad Request: message is not modified: specified new message content and "
            "reply markup are exactly the same as a current content and reply markup "
            "of the message",
        )

    async def _edit_message_text(self, params: Params, files: dict[str, UploadedFile]) -> JsonDict:
        stored = self._find_bot_message(params)
        if "text" not in stored.payload:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, parse_mode = checked_text(params)
        # Like Telegram: leaving out reply_markup removes the inline keyboard.
        markup = params.get_json("reply_markup")
        validate_markup(markup)
        same_text = stored.payload["text"] == text and (stored.parse_mode or "") == (parse_mode or "")
        if same_text and (stored.reply_markup or None) == (markup or None):
            raise self._not_modified()
        stored.payload["text"] = text
        stored.parse_mode = parse_mode
        stored.reply_markup = markup
        stored.edit_date = self._now()
        self._event("edit", stored)
        return self._message_json(stored)

    async def _edit_message_reply_markup(self, params: Params, files: dict[str, UploadedFile]) -> JsonDict:
        stored = self._find_bot_message(params)
        markup = params.get_json("reply_markup")
        validate_markup(markup)
        if (stored.reply_markup or None) == (markup or None):
            raise self._not_modified()
        stored.reply_markup = markup
        stored.edit_date = self._now()
        self._event("edit", stored)
        return self._message_json(stored)

    async def _delete_message(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        stored = self._find_bot_message(params, verb="delete")
        stored.deleted = True
        self._event("delete", stored)
        return True

    async def _answer_callback_query(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        query_id = params.get_str("callback_query_id") or ""
        if query_id not in self._pending_callbacks:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if query_id in self.answered_callbacks:
            raise ApiError(400, "Bad Request: query ID is invalid")  # a query is answered once
        self.answered_callbacks[query_id] = dict(params.raw)
        return True

    async def _send_chat_action(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        params.chat_id()
        return True

    async def _leave_chat(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        chat_id = params.chat_id()
        if chat_id > 0:
            raise ApiError(400, "Bad Request: chat member status can't be changed in private chats")
        self.left_chats.append(chat_id)
        return True

    # ------------------------------------------------------------------ the bot's settings

    @staticmethod
    def _scope_key(params: Params) -> tuple[str, str]:
        scope = params.get_json("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get_str("language_code") or ""

    async def _set_my_commands(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        commands = params.get_json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100 items")
        for command in commands:
            name = str(command.get("command", ""))
            if not (1 <= len(name) <= 32 and name.replace("_", "a").isalnum() and name == name.lower()):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        self.commands[self._scope_key(params)] = commands
        return True

    async def _get_my_commands(self, params: Params, files: dict[str, UploadedFile]) -> list[JsonDict]:
        return self.commands.get(self._scope_key(params), [])

    async def _delete_my_commands(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    async def _delete_webhook(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        self.webhook = None
        if params.get_bool("drop_pending_updates"):
            if self._updates:
                self._confirmed_below = max(self._confirmed_below, self._updates[-1]["update_id"] + 1)
            self._updates.clear()
        return True

    async def _set_webhook(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        url = params.get_str("url") or ""
        if not url:
            self.webhook = None
            return True
        if not url.startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {**decode_json_fields(params.raw), "url": url}
        if params.get_bool("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: Params, files: dict[str, UploadedFile]) -> JsonDict:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _set_my_description(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        description = params.get_str("description") or ""
        if len(description) > 512:
            raise ApiError(400, "Bad Request: description is too long")
        self.description[params.get_str("language_code") or ""] = description
        return True

    async def _set_my_short_description(self, params: Params, files: dict[str, UploadedFile]) -> bool:
        description = params.get_str("short_description") or ""
        if len(description) > 120:
            raise ApiError(400, "Bad Request: short description is too long")
        self.short_description[params.get_str("language_code") or ""] = description
        return True


def _replied_to(params: Params) -> int | None:
    """The message id of `reply_parameters` (or the older `reply_to_message_id`), if any."""
    reply = params.get_json("reply_parameters")
    if isinstance(reply, dict) and isinstance(reply.get("message_id"), int):
        return int(reply["message_id"])
    return params.get_int("reply_to_message_id")
