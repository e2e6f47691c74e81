"""Property test: thousands of random updates through the real application over the fake Bot API.

Approach. Starting the application (content, search index, SQLite, the fake, polling) takes most of
a second, so it runs ONCE for the whole hypothesis run: the test is a plain (sync) function and the
`live` fixture drives its own event loop with `asyncio.Runner`; each hypothesis example is run to
completion with ``runner.run(…)``. Between examples the loop simply pauses, and PTB, the fake and
the database carry on where they were. The health check for function-scoped fixtures is silenced on
purpose: the app is meant to be shared between examples.

One example is a *batch* of 15–40 random events, all injected at once and then settled together
(PTB confirms the whole batch, `update_queue.join()`, the fake idle), so thousands of updates fit
in seconds. Every event gets its own fresh chat (or, for button presses, its own fresh menu
message), so replies can be attributed by chat id and state never leaks between events.

Events:
* text messages: arbitrary unicode, empty, whitespace-only, ~10,000 characters, realistic patient
  texts, command-looking texts, all with random ("odd") entities, including bot_command entities
  at offset 0 that PTB then treats as commands;
* button presses with garbage callback data (also prefixes the bot uses, e.g. ``ch:``, ``appt:del:``)
  on an existing menu message (``press_button(check=False)``);
* update types the bot does not handle: channel posts, my_chat_member, polls, poll answers,
  message reactions, join requests (only shapes PTB can parse; `test_other_updates_parse` checks).

Expected: no handler raises (BotHarness fails the step on any error); every text message gets
exactly one reply, or an alarm reply (with 112) followed by one answer, and an alarm text's first
reply carries 112 — except commands the bot knows (their views may have several messages, at least
one is required) and the empty text, which Telegram never sends and PTB does not treat as text
(no reply is required, at most one allowed); every callback query is answered; nothing is sent
to the chats of the updates the bot does not handle.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot.app.assembly import Assembly, build_application
from bot.clock import AMSTERDAM, ManualClock
from bot.fakeapi.harness import BotHarness, Reply, plain_text
from bot.fakeapi.models import JsonDict, SentMessage
from bot.fakeapi.server import FakeBotApi
from bot.outbox.pacer import UNPACED
from bot.settings import Settings
from bot.triage.levels import Level

MAX_EXAMPLES = 120  # batches; with an average of ~20 events that is a few thousand updates
BUTTON_CHAT = 999
TUESDAY_10_30 = datetime(2026, 12, 1, 10, 30, tzinfo=AMSTERDAM)

PATIENT_TEXTS = [
    "Ik heb sinds gisteren 39,4 koorts",
    "hoe lang moet ik nuchter zijn voor de operatie?",
    "mijn buik is opgezet en doet erg pijn",
    "Wanneer hoor ik de uitslag van de MDO?",
    "ik kan niks binnenhouden, alles komt eruit",
    "bedankt!",
    "hallo",
    "Is er parkeergelegenheid bij de AMC ingang?",
    "mijn ogen zijn ineens geel",
    "What should I bring to the hospital?",
    "koorts?",
    "/start",
    "/help extra woorden",
    "/bestaatniet",
    "/afspraak",
]
ENTITY_TYPES = [
    "bot_command",
    "mention",
    "hashtag",
    "url",
    "email",
    "bold",
    "italic",
    "code",
    "pre",
    "text_link",
    "text_mention",
    "custom_emoji",
    "spoiler",
    "blockquote",
    "expandable_blockquote",
    "made_up_type",
]
CALLBACK_PREFIXES = [
    "",
    "menu",
    "ch:",
    "ch:spoed",
    "lang:",
    "lang:nl",
    "appt:",
    "appt:del:",
    "appt:ics:",
    "appt:cancel",
    "appt:consent:yes",
    "appt:type:",
    "appt:pick:",
    "appt:save",
    "appt:again",
    "rem:read:",
    "rem:move:",
    "staff:",
    "bc:",
]


# ---------------------------------------------------------------- strategies


@dataclass(frozen=True)
class Text:
    text: str
    entities: tuple[JsonDict, ...]
    language_code: str | None


@dataclass(frozen=True)
class Press:
    data: str


@dataclass(frozen=True)
class Other:
    kind: str


def _entity(text_length: int) -> st.SearchStrategy[JsonDict]:
    upper = text_length + 3
    return st.fixed_dictionaries(
        {
            "type": st.sampled_from(ENTITY_TYPES),
            "offset": st.integers(0, upper),
            "length": st.integers(0, upper),
        }
    )


@st.composite
def texts(draw: st.DrawFn) -> Text:
    kind = draw(st.integers(0, 99))
    if kind < 45:
        text = draw(st.text(max_size=200))
    elif kind < 75:
        text = draw(st.sampled_from(PATIENT_TEXTS))
    elif kind < 85:
        text = draw(st.sampled_from(["", " ", "\n\n", "\u200b", "\u00a0\t", "🙂", "?", "\x00"]))
    elif kind < 98:
        text = draw(st.builds(lambda a, b: f"/{a} {b}", st.text(max_size=20), st.text(max_size=40)))
    elif kind < 99:  # ~10,000 characters in words
        text = " ".join(draw(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=5)) * 2_000)[:10_000]
    else:  # ~10,000 characters (Telegram stops at 4,096; the bot must cope anyway)
        text = (draw(st.text(min_size=1, max_size=12)) * 10_000)[:10_000]
    entities = draw(st.lists(_entity(len(text)), max_size=3)) if draw(st.booleans()) else []
    language = draw(st.sampled_from(["nl", "en", "de", None]))
    return Text(text, tuple(entities), language)


def _callback_data() -> st.SearchStrategy[str]:
    def fit(data: str) -> str:  # Telegram allows 1-64 bytes; the empty string is the "no data" case
        while len(data.encode("utf-8")) > 64:
            data = data[:-1]
        return data

    return st.one_of(
        st.text(max_size=64).map(fit),
        st.builds(lambda p, s: fit(p + s), st.sampled_from(CALLBACK_PREFIXES), st.text(max_size=20)),
        st.builds(lambda p, n: fit(f"{p}{n}"), st.sampled_from(CALLBACK_PREFIXES), st.integers(-5, 10**12)),
    )


OTHER_KINDS = [
    "channel_post",
    "edited_channel_post",
    "my_chat_member",
    "poll",
    "poll_answer",
    "message_reaction",
    "message_reaction_count",
    "chat_join_request",
]

events = st.one_of(
    texts(),
    texts(),
    texts(),  # text messages are the main case: three in five events
    st.builds(Press, _callback_data()),
    st.builds(Other, st.sampled_from(OTHER_KINDS)),
)


def other_update(kind: str, chat_id: int, bot_id: int) -> JsonDict:
    """A well-formed update of a type the bot has no handler for (chat ids: negative for groups)."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Test"}
    private = {"id": chat_id, "type": "private", "first_name": "Test"}
    channel = {"id": -chat_id, "type": "channel", "title": "Kanaal"}
    bot_user = {"id": bot_id, "is_bot": True, "first_name": "Bot"}
    option = {"persistent_id": "o1", "text": "ja", "voter_count": 0}
    shapes: dict[str, JsonDict] = {
        "channel_post": {"message_id": 1, "date": 0, "chat": channel, "text": "ik heb koorts"},
        "edited_channel_post": {"message_id": 1, "date": 0, "edit_date": 1, "chat": channel, "text": "koorts?"},
        "my_chat_member": {
            "chat": private,
            "from": user,
            "date": 0,
            "old_chat_member": {"status": "member", "user": bot_user},
            "new_chat_member": {"status": "kicked", "user": bot_user, "until_date": 0},
        },
        "poll": {
            "id": f"poll{chat_id}",
            "question": "Hoe gaat het?",
            "options": [option],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        },
        "poll_answer": {"poll_id": "p", "user": user, "option_ids": [0], "option_persistent_ids": ["o1"]},
        "message_reaction": {
            "chat": private,
            "message_id": 1,
            "user": user,
            "date": 0,
            "old_reaction": [],
            "new_reaction": [{"type": "emoji", "emoji": "👍"}],
        },
        "message_reaction_count": {
            "chat": private,
            "message_id": 1,
            "date": 0,
            "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 2}],
        },
        "chat_join_request": {
            "chat": {"id": -chat_id, "type": "supergroup", "title": "Groep"},
            "from": user,
            "user_chat_id": chat_id,
            "date": 0,
        },
    }
    return {kind: shapes[kind]}


# ---------------------------------------------------------------- the running bot


def command_names(handlers: list[BaseHandler[Any, Any, Any]]) -> set[str]:
    """Every command some CommandHandler (also inside conversations) responds to."""
    names: set[str] = set()
    for handler in handlers:
        if isinstance(handler, CommandHandler):
            names |= set(handler.commands)
        elif isinstance(handler, ConversationHandler):
            nested = [*handler.entry_points, *handler.fallbacks, *itertools.chain(*handler.states.values())]
            names |= command_names(nested)
    return names


@dataclass
class Live:
    """The running application and the event loop it lives in."""

    runner: asyncio.Runner
    fake: FakeBotApi
    harness: BotHarness
    assembly: Assembly
    commands: set[str]
    chat_ids: Iterator[int]
    menu_id: int
    updates: int = 0

    def run_batch(self, batch: list[Text | Press | Other]) -> None:
        self.runner.run(self._run_batch(batch))

    async def _run_batch(self, batch: list[Text | Press | Other]) -> None:
        injected: list[tuple[Text | Press | Other, int, JsonDict | str]] = []
        last: JsonDict | None = None
        for event in batch:
            chat_id = next(self.chat_ids)
            if isinstance(event, Text):
                update = self.fake.send_text(chat_id, event.text, language_code=event.language_code)
                if event.entities:
                    update["message"]["entities"] = [dict(e) for e in event.entities]  # queued, not yet polled
                injected.append((event, chat_id, update))
                last = update
            elif isinstance(event, Press):
                query_id = self.fake.press_button(BUTTON_CHAT, self.menu_id, event.data, check=False)
                injected.append((event, BUTTON_CHAT, query_id))
                last = self.fake.pending_updates[-1]
            else:
                update = self.fake.queue_update(other_update(event.kind, chat_id, self.fake.bot_id))
                injected.append((event, chat_id, update))
                last = update
        assert last is not None
        reply = await self.harness.settle(last)  # raises on any handler error
        self.updates += len(batch)
        self.track_menu(reply)
        by_chat: dict[int, list[SentMessage]] = defaultdict(list)
        for message in reply.messages:
            by_chat[message.chat_id].append(message)
        for event, chat_id, handle in injected:
            if isinstance(event, Text):
                self.check_text_reply(event, by_chat[chat_id], reply.transcript)
            elif isinstance(event, Press):
                assert handle in self.fake.answered_callbacks, f"query {event.data!r} unanswered\n{reply.transcript}"
            else:
                assert not by_chat[chat_id] and not by_chat[-chat_id], f"{event.kind} answered\n{reply.transcript}"

    def track_menu(self, reply: Reply) -> None:
        """Press buttons on the newest message the bot sent to BUTTON_CHAT (kept without scanning it)."""
        if any(m.chat_id == BUTTON_CHAT and m.message_id == self.menu_id for m in reply.deleted):
            self.menu_id = self.fake.messages_to(BUTTON_CHAT)[-1].message_id
        ids = [m.message_id for m in reply.messages if m.chat_id == BUTTON_CHAT and not m.deleted]
        self.menu_id = max([self.menu_id, *ids])

    def _command(self, event: Text) -> str | None:
        """The command PTB's CommandHandler would see, if the first entity makes the text a command."""
        if not event.entities or not event.text:
            return None
        first = event.entities[0]
        if first["type"] != "bot_command" or first["offset"] != 0:
            return None
        return event.text[1 : first["length"]].split("@")[0].lower()

    def check_text_reply(self, event: Text, messages: list[SentMessage], transcript: str) -> None:
        texts = [plain_text(m) for m in messages]
        where = f"text {event.text[:200]!r} entities {event.entities}: replies {texts}"
        if event.text == "":
            assert len(messages) <= 1, where
            return
        alarm = self.assembly.services.knowledge.current.triage.assess(event.text).level != Level.NONE
        if alarm:
            assert messages and "112" in texts[0], where
        if self._command(event) in self.commands:
            assert messages, where
            return
        if len(messages) == 2:
            assert "112" in texts[0], f"two replies, the first no alarm reply: {where}"
        else:
            assert len(messages) == 1, where


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    runner = asyncio.Runner()
    fake = FakeBotApi()
    settings = dataclasses.replace(Settings.from_env({}), database_url=f"sqlite:///{tmp_path / 'bot.db'}")

    async def start() -> Live:
        await fake.start()
        assembly = build_application(
            dataclasses.replace(settings, base_url=fake.base_url),
            clock=ManualClock(TUESDAY_10_30),
            retry_delays=(0.0, 0.0, 0.0),
            limits=UNPACED,
        )
        harness = BotHarness(assembly.app, fake, step_timeout=30.0)
        await harness.__aenter__()
        await assembly.startup()
        menu = await harness.command(BUTTON_CHAT, "start")
        assert menu.buttons, menu.transcript
        commands = command_names([h for group in assembly.app.handlers.values() for h in group])
        return Live(runner, fake, harness, assembly, commands, itertools.count(10_000_000), menu[-1].message_id)

    live = runner.run(start())
    try:
        yield live
    finally:

        async def stop() -> None:
            await live.harness.__aexit__(None, None, None)
            await fake.stop()

        runner.run(stop())
        runner.close()


@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.lists(events, min_size=15, max_size=40))
def test_random_updates_never_crash_and_get_one_reply(live: Live, batch: list[Text | Press | Other]) -> None:
    live.run_batch(batch)


def test_other_updates_parse() -> None:
    """Every update shape used above is one PTB can parse (else it would never be confirmed)."""
    for kind in OTHER_KINDS:
        update = Update.de_json({"update_id": 1, **other_update(kind, 5, 7)}, None)
        assert update is not None
