"""The inbox's storage on SQLite and PostgreSQL: staff act on the revision they saw, answers go out once,
and /stop, the purge and the export reach every row."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from bot.clock import ManualClock
from bot.content.loader import load_content
from bot.content.ui import load_ui
from bot.inbox.crypto import InboxCipher
from bot.inbox.delivery import AnswerDelivery
from bot.sending import Blocked, MaybeDelivered, RecordingSender, Transient
from bot.settings import ROOT
from bot.storage import Storage
from bot.storage import schema as s
from bot.storage.offload import Offload
from tests.databases import engine_factory, storage
from tests.inbox.conftest import KEY

__all__ = ["engine_factory", "storage"]

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
CHAT = 1000
STAFF, OTHER = 4242, 4343
CIPHER = InboxCipher(KEY)


def nothing(_since: datetime) -> timedelta:
    return timedelta(minutes=90)


def ask(storage: Storage, text: str = "Mag mijn hond mee?", chat: int = CHAT, message_id: int = 7) -> int:
    opened = storage.inbox.open_thread(chat, "nl", "none", CIPHER.seal(text), message_id, NOW)
    assert opened.created
    return opened.thread_id


def inbox_rows(storage: Storage, chat: int) -> dict[str, int]:
    with storage.engine.connect() as conn:
        return {
            table.name: int(
                conn.execute(select(func.count()).select_from(table).where(table.c.chat_id == chat)).scalar_one()
            )
            for table in (s.inbox_threads, s.inbox_messages)
        }


def test_a_question_is_stored_once_and_sealed(storage: Storage) -> None:
    thread_id = ask(storage)
    again = storage.inbox.open_thread(CHAT, "nl", "none", CIPHER.seal("Mag mijn hond mee?"), 7, NOW)
    assert again.thread_id == thread_id and not again.created
    detail = storage.inbox.read_thread(thread_id, STAFF, NOW)
    assert detail is not None and len(detail.messages) == 1
    assert "hond" not in detail.messages[0].body and CIPHER.open(detail.messages[0].body) == "Mag mijn hond mee?"
    audit = storage.staff.audit_entries(5)
    assert (
        audit[0].action == "inbox-read" and audit[0].detail == f"thread {thread_id}" and "hond" not in audit[0].detail
    )


def test_two_staff_answering_at_once_one_wins_and_the_other_sees_it(engine_factory: Callable[[], Engine]) -> None:
    # Two console processes: two engines on one database, both acting on revision 1 at the same moment.
    first, second = Storage(engine_factory()), Storage(engine_factory())
    first.migrate()
    thread_id = ask(first)
    barrier = threading.Barrier(2)
    results = {}

    def answer(store: Storage, actor: int, text: str) -> None:
        barrier.wait()
        results[actor] = store.inbox.answer(thread_id, actor, 1, CIPHER.seal(text), len(text), NOW, nothing)

    threads = [
        threading.Thread(target=answer, args=(first, STAFF, "Ja, aangelijnd.")),
        threading.Thread(target=answer, args=(second, OTHER, "Nee, liever niet.")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = sorted(r.outcome for r in results.values())
    assert outcomes == ["changed", "ok"]
    winner = next(actor for actor, r in results.items() if r.outcome == "ok")
    loser = results[OTHER if winner == STAFF else STAFF]
    assert loser.thread is not None and loser.thread.status == "answered" and loser.thread.answered_by == winner
    with first.engine.connect() as conn:
        queued = conn.execute(select(func.count()).where(s.inbox_messages.c.author == "team")).scalar_one()
    assert queued == 1  # one answer to send, whatever the timing
    actions = [e.action for e in first.staff.audit_entries(10)]
    assert actions.count("inbox-answer") == 1


def test_claim_answer_and_close_act_only_on_the_revision_seen(storage: Storage) -> None:
    thread_id = ask(storage)
    claimed = storage.inbox.claim(thread_id, STAFF, 1, NOW)
    assert claimed.outcome == "ok" and claimed.thread and claimed.thread.claimed_by == STAFF
    # A colleague with the page from before the claim: refused, and told who claimed it.
    stale = storage.inbox.answer(thread_id, OTHER, 1, CIPHER.seal("x"), 1, NOW, nothing)
    assert stale.outcome == "changed" and stale.thread and stale.thread.claimed_by == STAFF
    taken_over = storage.inbox.claim(thread_id, OTHER, 2, NOW)
    assert taken_over.outcome == "ok" and taken_over.thread and taken_over.thread.claimed_by == OTHER
    assert storage.inbox.close(thread_id, STAFF, 2, "duplicate", NOW).outcome == "changed"
    closed = storage.inbox.close(thread_id, OTHER, 3, "answered_by_phone", NOW)
    assert closed.outcome == "ok" and closed.thread and closed.thread.status == "closed"
    assert storage.inbox.claim(404, STAFF, 1, NOW).outcome == "unknown"
    actions = [e.action for e in storage.staff.audit_entries(10)]
    assert actions[:3] == ["inbox-close", "inbox-claim", "inbox-claim"]


def test_the_one_follow_up_reopens_the_thread(storage: Storage) -> None:
    thread_id = ask(storage)
    assert not storage.inbox.follow_up_open(thread_id, CHAT)  # nothing answered yet
    storage.inbox.answer(thread_id, STAFF, 1, CIPHER.seal("Ja."), 3, NOW, nothing)
    assert storage.inbox.follow_up_open(thread_id, CHAT) and not storage.inbox.follow_up_open(thread_id, CHAT + 1)
    later = NOW + timedelta(hours=2)
    assert storage.inbox.add_follow_up(thread_id, CHAT, CIPHER.seal("Ook in de wachtkamer?"), "urgent", later)
    detail = storage.inbox.thread_detail(thread_id)
    thread = detail.thread if detail else None
    assert thread and thread.status == "new" and thread.waiting_since == later and thread.level == "urgent"
    assert not storage.inbox.add_follow_up(thread_id, CHAT, CIPHER.seal("En nog iets"), "none", later)
    assert storage.inbox.waiting().new == 1


async def test_an_answer_is_delivered_once_with_the_reminders_rules(storage: Storage) -> None:
    ui, problems = load_ui(ROOT / "content" / "ui.yaml")
    assert ui is not None, problems
    sender = RecordingSender()
    clock = ManualClock(NOW)
    delivery = AnswerDelivery(storage, sender, clock, CIPHER, lambda: ui, Offload())
    first = ask(storage, "Vraag een", CHAT, 1)
    second = ask(storage, "Vraag twee", CHAT + 1, 2)
    third = ask(storage, "Vraag drie", CHAT + 2, 3)
    for thread_id in (first, second, third):
        storage.inbox.answer(thread_id, STAFF, 1, CIPHER.seal(f"Antwoord <{thread_id}> & meer"), 10, NOW, nothing)
    sender.fail_with[CHAT + 1] = MaybeDelivered("no answer")
    sender.fail_with[CHAT + 2] = Transient("network")
    report = await delivery.run_due(NOW)
    assert [m.chat_id for m in sender.sent] == [CHAT]
    body = sender.sent[0].html
    assert (
        "Antwoord van het HPB team" in body and "Vraag een" in body and f"Antwoord &lt;{first}&gt; &amp; meer" in body
    )
    assert [[b.callback_data for b in row] for row in sender.sent[0].keyboard] == [[f"tq:reply:{first}"]]
    assert sorted(report.sent) != [] and len(report.retry) == 1
    # The unconfirmed one is never sent again; the network failure is retried after a minute.
    del sender.fail_with[CHAT + 1], sender.fail_with[CHAT + 2]
    assert (await delivery.run_due(NOW + timedelta(seconds=30))).sent == []
    again = await delivery.run_due(NOW + timedelta(minutes=2))
    assert [m.chat_id for m in sender.sent] == [CHAT, CHAT + 2] and len(again.sent) == 1
    with storage.engine.connect() as conn:
        rows = dict(
            conn.execute(
                select(s.inbox_messages.c.chat_id, s.inbox_messages.c.error).where(s.inbox_messages.c.author == "team")
            ).all()
        )
        statuses = set(
            conn.execute(select(s.inbox_messages.c.status).where(s.inbox_messages.c.author == "team")).scalars()
        )
    assert statuses == {"sent"} and rows[CHAT + 1] == "unconfirmed"
    # A chat that blocked the bot: failed, and shown as undelivered in the console's list.
    fourth = ask(storage, "Vraag vier", CHAT + 3, 4)
    storage.inbox.answer(fourth, STAFF, 1, CIPHER.seal("Antwoord"), 8, NOW, nothing)
    sender.fail_with[CHAT + 3] = Blocked("blocked")
    assert len((await delivery.run_due(NOW)).failed) == 1
    listed = {t.id: t for t in storage.inbox.list_threads(open_only=False)}
    assert listed[fourth].undelivered == 1 and listed[first].undelivered == 0


async def test_two_instances_deliver_each_answer_once(engine_factory: Callable[[], Engine]) -> None:
    first, second = Storage(engine_factory()), Storage(engine_factory())
    first.migrate()
    ui, _ = load_ui(ROOT / "content" / "ui.yaml")
    assert ui is not None
    for i in range(30):
        thread_id = ask(first, f"Vraag {i}", CHAT + i, i)
        first.inbox.answer(thread_id, STAFF, 1, CIPHER.seal(f"Antwoord {i}"), 9, NOW, nothing)
    sender = RecordingSender()
    clock = ManualClock(NOW)
    deliveries = [AnswerDelivery(store, sender, clock, CIPHER, lambda: ui, Offload()) for store in (first, second)]
    await asyncio.gather(*(d.run_due(NOW) for d in deliveries))
    chats = sorted(m.chat_id for m in sender.sent)
    assert chats == [CHAT + i for i in range(30)]


def test_stop_purge_and_export_reach_every_inbox_row(storage: Storage) -> None:
    thread_id = ask(storage)
    storage.inbox.answer(thread_id, STAFF, 1, CIPHER.seal("Ja."), 3, NOW, nothing)
    storage.inbox.add_follow_up(thread_id, CHAT, CIPHER.seal("Dank u"), "none", NOW)
    other = ask(storage, "Andere vraag", CHAT + 1, 9)
    exported = storage.export_chat(CHAT)
    assert [t["id"] for t in exported["inbox_threads"]] == [thread_id]
    assert [CIPHER.open(m["body"]) for m in exported["inbox_messages"]] == ["Mag mijn hond mee?", "Ja.", "Dank u"]
    counts = storage.delete_chat(CHAT)
    assert counts["inbox_threads"] == 1 and counts["inbox_messages"] == 3
    assert inbox_rows(storage, CHAT) == {"inbox_threads": 0, "inbox_messages": 0}
    assert inbox_rows(storage, CHAT + 1) == {"inbox_threads": 1, "inbox_messages": 1}
    with storage.engine.connect() as conn:
        assert conn.execute(select(func.count()).where(s.audit_log.c.chat_id == CHAT)).scalar_one() == 0

    # The purge: a thread dealt with more than the retention ago goes; an open one stays, however old.
    closed = storage.inbox.close(other, STAFF, 1, "answered_by_phone", NOW)
    assert closed.outcome == "ok"
    waiting = ask(storage, "Nog open", CHAT + 2, 10)
    assert storage.inbox.purge(NOW + timedelta(days=29), 30) == {"inbox_messages": 0, "inbox_threads": 0}
    assert storage.inbox.purge(NOW + timedelta(days=31), 30) == {"inbox_messages": 1, "inbox_threads": 1}
    assert inbox_rows(storage, CHAT + 1) == {"inbox_threads": 0, "inbox_messages": 0}
    assert storage.inbox.thread_detail(waiting) is not None


def test_staff_notices_are_taken_once_per_interval(storage: Storage) -> None:
    storage.inbox_delivery.set_notify(STAFF, True, NOW)
    assert storage.inbox_delivery.notice_recipients() == [STAFF] and storage.inbox_delivery.notify_wanted(STAFF)
    slot = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert storage.inbox_delivery.claim_notice(STAFF, slot)
    assert not storage.inbox_delivery.claim_notice(STAFF, slot)
    assert storage.inbox_delivery.claim_notice(STAFF, slot + timedelta(hours=2))
    storage.inbox_delivery.set_notify(STAFF, False, NOW)
    assert storage.inbox_delivery.notice_recipients() == [] and not storage.inbox_delivery.claim_notice(
        STAFF, slot + timedelta(hours=4)
    )


def test_the_content_promise_is_read() -> None:
    content, problems = load_content(ROOT / "content")
    assert content is not None, problems
    assert content.team_questions.answer_within_working_days == 2
    assert content.team_questions.staff_notice_every_hours == 2
