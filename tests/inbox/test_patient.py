"""Transcripts: a question the folder cannot answer goes to the team only when the patient presses the button."""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app.assembly import build_application
from bot.clock import ManualClock
from bot.fakeapi.harness import BotHarness
from bot.fakeapi.server import FakeBotApi
from bot.inbox.crypto import InboxCipher
from bot.observability.logs import configure_logging
from bot.storage import schema as s
from tests.chats import PATIENT, TUESDAY_10_30, Chat, make_settings, running_bot
from tests.inbox.conftest import KEY

UNKNOWN = "Mag mijn hond mee naar de poli?"
SEND = "Stuur mijn vraag naar het team"


def stored_texts(chat: Chat) -> list[str]:
    """Every stored message text of the inbox, decrypted (the rows themselves hold only tokens)."""
    with chat.assembly.services.storage.engine.connect() as conn:
        bodies = list(conn.execute(select(s.inbox_messages.c.body).order_by(s.inbox_messages.c.id)).scalars())
    cipher = InboxCipher(KEY)
    return [cipher.open(body) for body in bodies]


def count(chat: Chat, table: object) -> int:
    with chat.assembly.services.storage.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


async def test_the_button_is_offered_and_only_the_press_stores_the_question(chat: Chat) -> None:
    reply = await chat.say(PATIENT, UNKNOWN)
    reply.assert_contains("niet in de folder", "112")
    assert SEND in reply.labels
    asked = chat.fake.messages_to(PATIENT)[-1]
    assert asked.reply_to is not None  # the reply quotes the patient's message: the button refers to it
    assert count(chat, s.inbox_threads) == 0 and count(chat, s.inbox_messages) == 0  # nothing before the press

    pressed = await chat.press(PATIENT, SEND)
    pressed.assert_contains(
        "Uw vraag is naar het HPB team gestuurd",
        "casemanager of verpleegkundige",
        "uiterlijk donderdag 3 december",  # Tuesday 10:30 + 2 working days
        "niet voor spoed",
        "112",
        "versleuteld",
        "/stop",
    )
    assert SEND not in [b.label for b in chat.fake.message(PATIENT, asked.message_id).flat_buttons]
    assert stored_texts(chat) == [UNKNOWN]
    with chat.assembly.services.storage.engine.connect() as conn:
        raw = conn.execute(select(s.inbox_messages.c.body)).scalar_one()
        thread = conn.execute(select(s.inbox_threads)).one()._mapping
    assert UNKNOWN not in raw and "hond" not in raw  # encrypted at rest
    assert thread["status"] == "new" and thread["level"] == "none" and thread["language"] == "nl"

    # The same button once more (a double tap, or the old message on another phone): stored once.
    again = chat.fake.press_button(PATIENT, asked.message_id, "tq:send:" + str(asked.reply_to), check=False)
    (await chat.harness.settle(chat.fake.pending_updates[-1])).assert_contains("al naar het team gestuurd")
    assert again and stored_texts(chat) == [UNKNOWN]


async def test_answers_and_small_talk_get_no_button(chat: Chat) -> None:
    answered = await chat.say(PATIENT, "moet mijn gehoorapparaat uit bij de MRI?")
    answered.assert_contains("Dit staat in de folder")
    assert SEND not in answered.labels
    assert SEND not in (await chat.say(PATIENT, "Goedemorgen")).labels
    assert SEND not in (await chat.say(PATIENT, "/menu")).labels


async def test_without_the_key_there_is_no_button_and_nothing_is_stored(keyless: Chat) -> None:
    reply = await keyless.say(PATIENT, UNKNOWN)
    reply.assert_contains("niet in de folder")
    assert SEND not in reply.labels
    assert keyless.fake.messages_to(PATIENT)[-1].reply_to is None  # the reply is as it was
    (await keyless.say(PATIENT, "/vraag Mag mijn hond mee?")).assert_contains("kan nu niet via de chatbot")
    assert count(keyless, s.inbox_threads) == 0 and count(keyless, s.inbox_messages) == 0
    # An old button from when the key was set: nothing is stored either.
    keyless.fake.press_button(PATIENT, keyless.fake.messages_to(PATIENT)[0].message_id, "tq:send:1", check=False)
    (await keyless.harness.settle(keyless.fake.pending_updates[-1])).assert_contains("kan nu niet via de chatbot")
    assert count(keyless, s.inbox_messages) == 0


async def test_vraag_sends_a_question_typed_on_purpose(chat: Chat) -> None:
    (await chat.say(PATIENT, "/vraag")).assert_contains("Typ /vraag met uw vraag erachter")
    assert count(chat, s.inbox_threads) == 0
    reply = await chat.say(PATIENT, "/vraag Hoe lang moet ik\nna de operatie thuis blijven van mijn werk?")
    reply.assert_contains("Uw vraag is naar het HPB team gestuurd", "112")
    assert stored_texts(chat) == ["Hoe lang moet ik\nna de operatie thuis blijven van mijn werk?"]


async def test_an_alarm_is_answered_first_and_the_question_is_flagged(chat: Chat) -> None:
    reply = await chat.say(PATIENT, "Ik heb 39,5 koorts en rillingen, mag mijn hond dan nog bij mij slapen?")
    assert "112" in (reply[0].text or "") and "spoedeisende hulp" in (reply[0].text or "")  # the alarm reply, first
    assert SEND not in [b.label for b in reply[0].flat_buttons]  # never on the alarm reply itself
    assert reply[-1].reply_to is not None and SEND in [b.label for b in reply[-1].flat_buttons]
    pressed = await chat.press(PATIENT, SEND)
    pressed.assert_contains("Uw vraag is naar het HPB team gestuurd")
    everything = chat.fake.messages_to(PATIENT)
    alarm_at = next(i for i, m in enumerate(everything) if "spoedeisende hulp" in m.body)
    confirmed_at = next(i for i, m in enumerate(everything) if "HPB team gestuurd" in m.body)
    assert alarm_at < confirmed_at
    with chat.assembly.services.storage.engine.connect() as conn:
        assert conn.execute(select(s.inbox_threads.c.level)).scalar_one() == "seh"


async def test_an_alarm_only_message_gets_no_button_but_vraag_still_sends_it_after_the_alarm_reply(chat: Chat) -> None:
    alarm = await chat.say(PATIENT, "ik heb 39,5 koorts")
    assert SEND not in alarm.labels and count(chat, s.inbox_threads) == 0
    reply = await chat.say(PATIENT, "/vraag ik heb 39,5 koorts sinds vanochtend")
    assert "spoedeisende hulp" in (reply[0].text or "")  # the alarm reply first, as for any message
    reply.assert_contains("Uw vraag is naar het HPB team gestuurd")
    with chat.assembly.services.storage.engine.connect() as conn:
        assert conn.execute(select(s.inbox_threads.c.level)).scalar_one() == "seh"


async def test_a_deleted_message_is_not_sent(chat: Chat) -> None:
    await chat.say(PATIENT, UNKNOWN)
    shown = chat.fake.messages_to(PATIENT)[-1]
    assert shown.reply_to is not None
    chat.fake._messages[(PATIENT, shown.reply_to)].deleted = True  # the patient deleted their message
    (await chat.press(PATIENT, SEND)).assert_contains("kan uw vraag niet meer terugvinden", "/vraag")
    assert count(chat, s.inbox_threads) == 0


async def test_the_press_works_after_a_restart_because_telegram_holds_the_text(tmp_path: Path) -> None:
    clock = ManualClock(TUESDAY_10_30)
    async with FakeBotApi() as fake:
        settings = dataclasses.replace(make_settings(tmp_path, fake.base_url), inbox_key=KEY)
        first = build_application(settings, clock=clock, retry_delays=(0.0, 0.0, 0.0))
        async with BotHarness(first.app, fake) as harness:
            await harness.say(PATIENT, UNKNOWN)
        second = build_application(settings, clock=clock, retry_delays=(0.0, 0.0, 0.0))
        async with BotHarness(second.app, fake) as harness:
            (await harness.press(PATIENT, SEND)).assert_contains("Uw vraag is naar het HPB team gestuurd")
        detail = second.services.storage.inbox.list_threads(open_only=True)
        assert len(detail) == 1


async def test_the_team_answer_arrives_once_and_the_patient_replies_once_in_the_same_thread(chat: Chat) -> None:
    await chat.say(PATIENT, UNKNOWN)
    await chat.press(PATIENT, SEND)
    services = chat.assembly.services
    inbox = services.inbox
    assert inbox is not None
    [thread] = services.storage.inbox.list_threads(open_only=True)
    answer = "Ja, aangelijnd mag hij mee in de hal. Op de afdeling niet."
    action = services.storage.inbox.answer(
        thread.id,
        4242,
        thread.revision,
        inbox.cipher.seal(answer),
        len(answer),
        chat.clock.now(),
        lambda _: timedelta(0),
    )
    assert action.outcome == "ok"
    await inbox.answers.delivery.run_due()
    await inbox.answers.delivery.run_due()  # a second turn finds nothing more to send
    arrived = [m for m in chat.fake.messages_to(PATIENT) if "Antwoord van het HPB team" in m.body]
    assert len(arrived) == 1
    assert "aangelijnd" in arrived[0].body and "Mag mijn hond mee naar de poli?" in arrived[0].body
    assert [b.label for b in arrived[0].flat_buttons] == ["Reageer op dit antwoord"]

    (await chat.press(PATIENT, "Reageer op dit antwoord")).assert_contains("Typ nu uw reactie")
    follow = await chat.say(PATIENT, "Dank u. En mag mijn partner ook mee?")
    follow.assert_contains("Uw reactie is naar het HPB team gestuurd", "112").assert_not_contains("niet vinden")
    [again] = services.storage.inbox.list_threads(open_only=True)
    assert again.id == thread.id and again.status == "new" and again.follow_up_used
    assert stored_texts(chat) == [UNKNOWN, answer, "Dank u. En mag mijn partner ook mee?"]
    # Once only: the button now says so, and an ordinary message is an ordinary message again.
    (await chat.press(PATIENT, "Reageer op dit antwoord")).assert_contains("niet meer reageren", "/vraag")
    (await chat.say(PATIENT, "Hoe lang duurt een MRI?")).assert_contains("Dit staat in de folder")


async def test_never_mind_sends_nothing_and_a_lapsed_prompt_is_forgotten(chat: Chat) -> None:
    await chat.say(PATIENT, "/vraag Mag mijn hond mee?")
    services = chat.assembly.services
    inbox = services.inbox
    assert inbox is not None
    [thread] = services.storage.inbox.list_threads(open_only=True)
    services.storage.inbox.answer(
        thread.id, 4242, thread.revision, inbox.cipher.seal("Ja."), 3, chat.clock.now(), lambda _: timedelta(0)
    )
    await inbox.answers.delivery.run_due()
    await chat.press(PATIENT, "Reageer op dit antwoord")
    (await chat.press(PATIENT, "Toch niet")).assert_contains("er is niets verstuurd")
    (await chat.say(PATIENT, "Mag mijn kat mee?")).assert_contains("niet in de folder")
    await chat.press(PATIENT, "Reageer op dit antwoord")
    chat.clock.advance(timedelta(minutes=31))
    (await chat.say(PATIENT, "Mag mijn kat mee?")).assert_contains("niet in de folder")
    assert len(stored_texts(chat)) == 2  # the question and the answer only


async def test_an_alarm_as_the_reply_is_answered_first_and_reaches_the_team_flagged(chat: Chat) -> None:
    await chat.say(PATIENT, "/vraag Mag mijn hond mee?")
    services = chat.assembly.services
    inbox = services.inbox
    assert inbox is not None
    [thread] = services.storage.inbox.list_threads(open_only=True)
    services.storage.inbox.answer(
        thread.id, 4242, thread.revision, inbox.cipher.seal("Ja."), 3, chat.clock.now(), lambda _: timedelta(0)
    )
    await inbox.answers.delivery.run_due()
    await chat.press(PATIENT, "Reageer op dit antwoord")
    reply = await chat.say(PATIENT, "ik heb nu 39,5 koorts")
    assert "spoedeisende hulp" in (reply[0].text or "")
    reply.assert_contains("Uw reactie is naar het HPB team gestuurd")
    [again] = services.storage.inbox.list_threads(open_only=True)
    assert again.level == "seh"


async def test_no_question_or_answer_text_reaches_the_logs(
    tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    # The production logging set-up at its most talkative, as tests/app/test_operations.py does.
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("telegram").level)
    configure_logging(json=False, level=logging.DEBUG)
    root.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    question, answer, follow_up = "Mag mijn hond Bello mee?", "Alleen hulphonden, helaas.", "Jammer, dank u wel"
    try:
        async with running_bot(tmp_path, clock, inbox_key=KEY) as chat:
            await chat.say(PATIENT, question)
            await chat.press(PATIENT, SEND)
            services = chat.assembly.services
            assert services.inbox is not None
            [thread] = services.storage.inbox.list_threads(open_only=True)
            sealed = services.inbox.cipher.seal(answer)
            services.storage.inbox.answer(thread.id, 4242, 1, sealed, len(answer), clock.now(), lambda _: timedelta(0))
            await services.inbox.answers.delivery.run_due()
            await chat.press(PATIENT, "Reageer op dit antwoord")
            await chat.say(PATIENT, follow_up)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.getLogger("telegram").setLevel(saved[2])
        logging.captureWarnings(False)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "question to the team stored" in logged and "team answer" in logged
    for fragment in ("Bello", "hulphonden", "Jammer", KEY, KEY[:12]):
        assert fragment not in logged, fragment


async def test_privacy_says_what_is_kept_of_questions_to_the_team(chat: Chat) -> None:
    (await chat.say(PATIENT, "/privacy")).assert_contains("versleuteld", "30 dagen nadat het team")


async def test_without_the_key_privacy_does_not_mention_them(keyless: Chat) -> None:
    (await keyless.say(PATIENT, "/privacy")).assert_not_contains("versleuteld")


async def test_stop_deletes_the_questions_in_every_table(chat: Chat) -> None:
    await chat.say(PATIENT, UNKNOWN)
    await chat.press(PATIENT, SEND)
    await chat.say(PATIENT, "/vraag Nog een vraag")
    assert count(chat, s.inbox_threads) == 2 and count(chat, s.inbox_messages) == 2
    await chat.say(PATIENT, "/stop")
    (await chat.press(PATIENT, "Ja, alles wissen")).assert_contains("Gewist")
    storage = chat.assembly.services.storage
    with storage.engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            if "chat_id" in table.c:
                left = conn.execute(select(func.count()).select_from(table).where(table.c.chat_id == PATIENT)).scalar()
                assert left == 0, table.name
    assert count(chat, s.inbox_threads) == 0 and count(chat, s.inbox_messages) == 0


async def test_a_press_while_the_database_is_locked_loses_nothing(tmp_path: Path, clock: ManualClock) -> None:
    async with running_bot(tmp_path, clock, inbox_key=KEY, fail_on_handler_errors=False) as chat:
        await chat.say(PATIENT, UNKNOWN)
        shown = chat.fake.messages_to(PATIENT)[-1]
        # Another connection holds SQLite's write lock, as a long import would.
        other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None, timeout=0.1)
        other.execute("BEGIN IMMEDIATE")
        try:
            locked = await chat.press(PATIENT, SEND)
        finally:
            other.execute("ROLLBACK")
            other.close()
        locked.assert_contains("Dit lukt nu even niet", "112")
        assert SEND in [b.label for b in chat.fake.message(PATIENT, shown.message_id).flat_buttons]  # still there
        (await chat.press(PATIENT, SEND)).assert_contains("Uw vraag is naar het HPB team gestuurd")
        assert stored_texts(chat) == [UNKNOWN]


async def test_help_names_vraag_only_when_questions_to_the_team_are_on(chat: Chat, keyless: Chat) -> None:
    (await chat.say(PATIENT, "/help")).assert_contains("/vraag", "Het team antwoordt hier")
    (await keyless.say(PATIENT, "/help")).assert_not_contains("/vraag")
