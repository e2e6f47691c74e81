"""The console's "Vragen" page over HTTP: staff only, CSRF on every action, every read and action audited,
and of two staff answering at once one answer is queued and the other is told who answered."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.clock import ManualClock
from bot.console.app import build_console_app
from bot.console.cli import build_context
from bot.console.web import ConsoleContext
from bot.inbox.crypto import InboxCipher
from bot.storage import schema as s
from tests.console.conftest import CONSOLE_URL, OTHER_STAFF, STAFF, console_settings, sign_in

KEY = "dGVzdC1rZXktbm90LXNlY3JldC0zMi1ieXRlcy0hIT0="
CIPHER = InboxCipher(KEY)
QUESTION = "Mag mijn hond <Bello> mee naar de poli?"


@pytest.fixture
def ctx(tmp_path: Path, clock: ManualClock) -> ConsoleContext:
    return build_context(console_settings(tmp_path, inbox_key=KEY), clock=clock)


@pytest.fixture
def client(ctx: ConsoleContext) -> Iterator[TestClient]:
    with TestClient(build_console_app(ctx), base_url=CONSOLE_URL) as test_client:
        yield test_client


def ask(ctx: ConsoleContext, text: str = QUESTION, level: str = "none", chat: int = 1000, message_id: int = 5) -> int:
    asked = ctx.clock.now() - timedelta(hours=3)
    return ctx.storage.inbox.open_thread(chat, "nl", level, CIPHER.seal(text), message_id, asked).thread_id


def revision_of(html: str) -> str:
    found = re.search(r'name="revision" value="(\d+)"', html)
    assert found, html
    return found.group(1)


def team_messages(ctx: ConsoleContext) -> int:
    with ctx.storage.engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(s.inbox_messages.c.author == "team")).scalar_one())


def test_strangers_and_forms_without_csrf_are_refused(ctx: ConsoleContext, client: TestClient) -> None:
    thread_id = ask(ctx)
    for path in ("/questions", f"/questions/{thread_id}"):
        page = client.get(path)
        assert page.status_code == 403 and "hond" not in page.text
    refused = client.post(f"/questions/{thread_id}/answer", data={"text": "Ja", "revision": "1"})
    assert refused.status_code == 403
    csrf = sign_in(client, ctx)
    for action, data in (
        ("answer", {"text": "Ja", "revision": "1"}),
        ("claim", {"revision": "1"}),
        ("close", {"revision": "1", "reason": "duplicate"}),
        ("preview", {"text": "Ja"}),
    ):
        no_token = client.post(f"/questions/{thread_id}/{action}", data=data)
        assert no_token.status_code == 403, action
        wrong = client.post(f"/questions/{thread_id}/{action}", data={**data, "csrf": csrf[:-2] + "xx"})
        assert wrong.status_code == 403, action
    assert client.post("/questions/notify", data={"notify": "on"}).status_code == 403
    assert team_messages(ctx) == 0
    detail = ctx.storage.inbox.thread_detail(thread_id)
    thread = detail.thread if detail else None
    assert thread and thread.status == "new" and thread.revision == 1


def test_the_list_shows_no_text_and_opening_a_question_is_audited(ctx: ConsoleContext, client: TestClient) -> None:
    plain = ask(ctx)
    alarm = ask(ctx, "Ik heb 39,5 koorts, mag ik morgen werken?", level="seh", chat=1001, message_id=6)
    sign_in(client, ctx)
    listing = client.get("/questions")
    assert listing.status_code == 200
    assert "hond" not in listing.text and "koorts" not in listing.text  # no texts in the list
    assert "2,5 uur" in listing.text  # asked Tuesday 07:30, before opening: 08:00-10:30 is 2.5 office hours
    assert "⚠ Alarm: SEH" in listing.text and "nieuw" in listing.text
    assert listing.text.index(f"/questions/{plain}") < listing.text.index(f"/questions/{alarm}")
    opened = client.get(f"/questions/{plain}")
    assert opened.status_code == 200
    assert "Mag mijn hond &lt;Bello&gt; mee naar de poli?" in opened.text  # decrypted, escaped
    entries = ctx.storage.staff.audit_entries(3)
    assert entries[0].action == "inbox-read" and entries[0].actor == STAFF and entries[0].detail == f"thread {plain}"
    assert "hond" not in entries[0].detail
    flagged = client.get(f"/questions/{alarm}")
    assert "De bot gaf de patiënt eerst het alarmantwoord" in flagged.text


def test_preview_claim_answer_and_close(ctx: ConsoleContext, client: TestClient) -> None:
    thread_id = ask(ctx)
    csrf = sign_in(client, ctx)
    page = client.get(f"/questions/{thread_id}")
    preview = client.post(f"/questions/{thread_id}/preview", data={"csrf": csrf, "text": "Ja, <aangelijnd> & rustig."})
    assert preview.status_code == 200
    assert "Antwoord van het HPB team" in preview.text and "Ja, &lt;aangelijnd&gt; &amp; rustig." in preview.text
    assert "Mag mijn hond &lt;Bello&gt; mee naar de poli?" in preview.text  # the question, as the patient sees it
    assert re.search(r"\d+ van 4096 tekens", preview.text) and "Reageer op dit antwoord" in preview.text
    too_long = client.post(f"/questions/{thread_id}/preview", data={"csrf": csrf, "text": "x" * 4000})
    assert "Te lang" in too_long.text

    claimed = client.post(
        f"/questions/{thread_id}/claim", data={"csrf": csrf, "revision": revision_of(page.text)}, follow_redirects=True
    )
    assert "U heeft deze vraag opgepakt" in claimed.text and f"door staf-id {STAFF}" in claimed.text
    answered = client.post(
        f"/questions/{thread_id}/answer",
        data={"csrf": csrf, "revision": revision_of(claimed.text), "text": "Ja, aangelijnd."},
        follow_redirects=True,
    )
    assert answered.status_code == 200 and "de bot stuurt het nu naar de patiënt" in answered.text
    assert "wacht op verzending" in answered.text and team_messages(ctx) == 1
    closed = client.post(
        f"/questions/{thread_id}/close",
        data={"csrf": csrf, "revision": revision_of(answered.text), "reason": "answered_by_phone"},
        follow_redirects=True,
    )
    assert "Gesloten." in closed.text and "telefonisch beantwoord" in closed.text
    actions = [e.action for e in ctx.storage.staff.audit_entries(20) if e.action.startswith("inbox-")]
    assert {"inbox-read", "inbox-claim", "inbox-answer", "inbox-close"} <= set(actions)
    assert all("aangelijnd" not in e.detail for e in ctx.storage.staff.audit_entries(20))
    assert ctx.queries.daily_counts(ctx.clock.now().date() - timedelta(days=1))  # asked and answered counted


def test_empty_and_too_long_answers_are_refused_and_keep_the_text(ctx: ConsoleContext, client: TestClient) -> None:
    thread_id = ask(ctx)
    csrf = sign_in(client, ctx)
    empty = client.post(f"/questions/{thread_id}/answer", data={"csrf": csrf, "revision": "1", "text": "  "})
    assert empty.status_code == 400 and "Typ eerst een antwoord" in empty.text
    long_text = "Dit is lang. " * 300
    refused = client.post(f"/questions/{thread_id}/answer", data={"csrf": csrf, "revision": "1", "text": long_text})
    assert refused.status_code == 400 and "Te lang" in refused.text and "Dit is lang. Dit is lang." in refused.text
    assert team_messages(ctx) == 0


def test_two_staff_answering_at_once_one_answer_is_sent(ctx: ConsoleContext, tmp_path: Path) -> None:
    thread_id = ask(ctx)
    # Two staff members, two console processes on one database, both with the page open.
    other_ctx = build_context(dataclasses.replace(ctx.settings), clock=ctx.clock)
    with (
        TestClient(build_console_app(ctx), base_url=CONSOLE_URL) as first,
        TestClient(build_console_app(other_ctx), base_url=CONSOLE_URL) as second,
    ):
        first_csrf, second_csrf = sign_in(first, ctx, STAFF), sign_in(second, other_ctx, OTHER_STAFF)
        seen_first = revision_of(first.get(f"/questions/{thread_id}").text)
        seen_second = revision_of(second.get(f"/questions/{thread_id}").text)
        ok = first.post(
            f"/questions/{thread_id}/answer",
            data={"csrf": first_csrf, "revision": seen_first, "text": "Ja, aangelijnd."},
            follow_redirects=False,
        )
        late = second.post(
            f"/questions/{thread_id}/answer",
            data={"csrf": second_csrf, "revision": seen_second, "text": "Nee, liever niet."},
        )
    assert ok.status_code == 303
    assert late.status_code == 409
    assert f"al beantwoord door staf-id {STAFF}" in late.text
    assert "Nee, liever niet." in late.text  # the late answer is not lost from the form
    assert team_messages(ctx) == 1
    detail = ctx.storage.inbox.thread_detail(thread_id)
    assert detail is not None
    assert [CIPHER.open(m.body) for m in detail.messages if m.author == "team"] == ["Ja, aangelijnd."]


def test_without_the_key_the_page_says_the_feature_is_off(tmp_path: Path, clock: ManualClock) -> None:
    ctx = build_context(console_settings(tmp_path), clock=clock)
    thread_id = ask(ctx)
    with TestClient(build_console_app(ctx), base_url=CONSOLE_URL) as client:
        csrf = sign_in(client, ctx)
        assert "INBOX_KEY is niet ingesteld" in client.get("/questions").text
        page = client.get(f"/questions/{thread_id}")
        assert "hond" not in page.text and 'id="send-answer"' not in page.text
        refused = client.post(f"/questions/{thread_id}/answer", data={"csrf": csrf, "revision": "1", "text": "Ja"})
        assert refused.status_code == 404
    assert team_messages(ctx) == 0


def test_notices_are_switched_per_staff_member_and_audited(ctx: ConsoleContext, client: TestClient) -> None:
    csrf = sign_in(client, ctx)
    assert "Meldingen staan uit" in client.get("/questions").text
    on = client.post("/questions/notify", data={"csrf": csrf, "notify": "on"}, follow_redirects=True)
    assert "Meldingen staan aan" in on.text
    assert ctx.storage.inbox_delivery.notice_recipients() == [STAFF]
    assert ctx.storage.staff.audit_entries(1)[0].action == "inbox-notify"


def test_statistics_show_questions_asked_answered_and_time_to_answer(ctx: ConsoleContext, client: TestClient) -> None:
    thread_id = ask(ctx)
    ctx.storage.inbox.answer(
        thread_id, STAFF, 1, CIPHER.seal("Ja"), 2, ctx.clock.now(), lambda _since: timedelta(minutes=150)
    )
    sign_in(client, ctx)
    page = client.get("/statistics")
    table = page.text[page.text.index('id="team-figures"') :]
    row = re.search(r"<tr><th scope=\"row\">2026-12-01</th><td>(\d+)</td><td>(\d+)</td><td>([\d.]*)</td></tr>", table)
    assert row and row.groups() == ("1", "1", "2.5")
    csv = client.get("/statistics.csv").text.splitlines()
    assert csv[0].endswith("team_questions,team_answered,team_answer_hours") and csv[-1].endswith(",1,1,2.5")
