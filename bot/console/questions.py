"""The "Vragen" page: questions patients sent to the team, claimed, answered or closed by staff.

The list shows no texts (waiting time in working hours, triage level, language, status); opening a
question decrypts its messages and is audited, as are claiming, answering and closing. Every action
carries the thread's revision as the page showed it, and storage carries it out only from that
revision (one conditional UPDATE): of two staff answering at once one answer is sent, and the other
sees who answered, with their own text kept in the form. The console only queues an answer; the
running bot sends it (bot.inbox.delivery). Without INBOX_KEY the page says the feature is off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.texts import ConsoleLang
from bot.console.web import (
    ConsoleContext,
    Staff,
    field_text,
    form_of,
    lang_of,
    plain_error,
    redirect,
    render,
    staff_page,
)
from bot.inbox.crypto import InboxCipher, UnreadableText, cipher_from_key
from bot.inbox.hours import working_time
from bot.inbox.texts import MAX_ANSWER, TELEGRAM_LIMIT, format_age, render_answer, visible_length
from bot.storage.inbox_records import CLOSE_REASONS, InboxMessage, Thread, ThreadDetail

MAX_ID = 2**31 - 1  # thread ids are 32-bit integers; a larger number in a path is simply unknown


@dataclass(frozen=True)
class Row:
    """A thread in the list: what staff need to choose, no texts."""

    thread: Thread
    waiting: str | None  # working time, in words


@dataclass(frozen=True)
class Shown:
    """A message of the thread as staff read it."""

    message: InboxMessage
    text: str | None  # None: the current key does not open it


def _cipher(ctx: ConsoleContext) -> InboxCipher | None:
    return cipher_from_key(ctx.settings.inbox_key)


def _thread_id(request: Request) -> int | None:
    value = int(request.path_params["thread_id"])
    return value if 0 < value <= MAX_ID else None


def _lang(request: Request) -> ConsoleLang:
    return lang_of(request)


def _waiting(ctx: ConsoleContext, since: datetime | None, lang: str) -> str | None:
    if since is None:
        return None
    hours = ctx.knowledge.current.catalog.content.office_hours
    return format_age(working_time(since, ctx.clock.now(), hours), lang)


async def page(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """GET: open questions oldest first, then the latest handled ones, and the notice opt-in."""
    lang = _lang(request)
    open_threads = await ctx.db(ctx.storage.inbox.list_threads, True)
    handled = await ctx.db(ctx.storage.inbox.list_threads, False, 50)
    notify = await ctx.db(ctx.storage.inbox_delivery.notify_wanted, staff.user_id)
    return render(
        ctx,
        request,
        "questions.html",
        staff=staff,
        enabled=_cipher(ctx) is not None,
        open_rows=[Row(t, _waiting(ctx, t.waiting_since, lang)) for t in open_threads],
        handled_rows=[Row(t, None) for t in handled],
        notify=notify,
        notice_hours=ctx.knowledge.current.catalog.content.team_questions.staff_notice_every_hours,
    )


def _open(cipher: InboxCipher | None, message: InboxMessage) -> Shown:
    if cipher is None:
        return Shown(message, None)
    try:
        return Shown(message, cipher.open(message.body))
    except UnreadableText:
        return Shown(message, None)


def _question(shown: list[Shown]) -> Shown | None:
    """The patient's newest message: what an answer now answers."""
    patients = [s for s in shown if s.message.author == "patient"]
    return patients[-1] if patients else None


def _preview_values(thread: Thread, question: Shown | None, text: str, ctx: ConsoleContext) -> dict[str, Any]:
    ui = ctx.knowledge.current.catalog.ui
    rendered = render_answer(
        ui,
        thread.language,
        text or "…",
        question.text if question else None,
        question.message.created_at if question else None,
    )
    length = visible_length(rendered)
    return {
        # Telegram starts a line after a quote block by itself; one line break less shows it as the app does.
        "preview": Markup(rendered.replace("</blockquote>\n", "</blockquote>").replace("\n", "<br>")),  # noqa: S704 - render_answer escapes every typed text
        "length": length,
        "limit": TELEGRAM_LIMIT,
        "text_length": len(text),
        "max_text": MAX_ANSWER,
        "too_long": length > TELEGRAM_LIMIT or len(text) > MAX_ANSWER,
        "reply_button": ui.t("button_reply_to_team", thread.language) if not thread.follow_up_used else None,
    }


async def _thread_page(
    ctx: ConsoleContext,
    request: Request,
    staff: Staff,
    detail: ThreadDetail,
    status_code: int = 200,
    **values: object,
) -> Response:
    lang = _lang(request)
    cipher = _cipher(ctx)
    shown = [_open(cipher, m) for m in detail.messages]
    thread = detail.thread
    draft = str(values.pop("draft", ""))
    return render(
        ctx,
        request,
        "question.html",
        status_code=status_code,
        staff=staff,
        thread=thread,
        shown=shown,
        waiting=_waiting(ctx, thread.waiting_since, lang),
        reasons=CLOSE_REASONS,
        draft=draft,
        enabled=cipher is not None,
        **_preview_values(thread, _question(shown), draft, ctx),
        **values,
    )


async def thread(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """GET: one question with its messages (decrypted; the read is audited) and the actions."""
    thread_id = _thread_id(request)
    detail = (
        await ctx.db(ctx.storage.inbox.read_thread, thread_id, staff.user_id, ctx.clock.now()) if thread_id else None
    )
    if detail is None:
        return plain_error(ctx, request, 404)
    notice = request.query_params.get("done")
    return await _thread_page(
        ctx, request, staff, detail, notice=f"q_{notice}" if notice in ("sent", "claimed", "closed") else None
    )


def _revision(request: Request) -> int:
    raw = field_text(form_of(request), "revision", 12)
    return int(raw) if raw.isdigit() else -1


async def _after_conflict(
    ctx: ConsoleContext, request: Request, staff: Staff, thread_id: int, draft: str = ""
) -> Response:
    """The thread as it is now, saying that someone else acted first (409); the typed text stays."""
    detail = await ctx.db(ctx.storage.inbox.read_thread, thread_id, staff.user_id, ctx.clock.now())
    if detail is None:
        return plain_error(ctx, request, 404)
    current = detail.thread
    if current.status == "answered" and current.answered_by is not None:
        error, values = "q_changed_answered", {"id": str(current.answered_by)}
    else:
        error, values = "q_changed", {"status": ctx.texts.t(f"q_status_{current.status}", _lang(request))}
    return await _thread_page(ctx, request, staff, detail, 409, error=error, error_values=values, draft=draft)


async def claim(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: take the question on (or over from a colleague)."""
    thread_id = _thread_id(request)
    if thread_id is None:
        return plain_error(ctx, request, 404)
    done = await ctx.db(ctx.storage.inbox.claim, thread_id, staff.user_id, _revision(request), ctx.clock.now())
    if done.outcome == "unknown":
        return plain_error(ctx, request, 404)
    if done.outcome == "changed":
        return await _after_conflict(ctx, request, staff, thread_id)
    return redirect(f"/questions/{thread_id}?done=claimed")


async def preview(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST (htmx): the answer as the patient will see it, with its length against Telegram's limit."""
    thread_id = _thread_id(request)
    # The question shown above the answer is part of the read audited when the page was opened.
    detail = await ctx.db(ctx.storage.inbox.thread_detail, thread_id) if thread_id else None
    if detail is None:
        return plain_error(ctx, request, 404)
    text = field_text(form_of(request), "text", MAX_ANSWER * 2)
    question = _question([_open(_cipher(ctx), m) for m in detail.messages])
    return render(
        ctx, request, "_answer_preview.html", staff=staff, **_preview_values(detail.thread, question, text, ctx)
    )


async def answer(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: store the answer (sealed) and queue it for the bot, only from the revision the page showed."""
    thread_id = _thread_id(request)
    cipher = _cipher(ctx)
    if thread_id is None or cipher is None:
        return plain_error(ctx, request, 404)
    text = field_text(form_of(request), "text", MAX_ANSWER * 2)
    detail = await ctx.db(ctx.storage.inbox.thread_detail, thread_id)
    if detail is None:
        return plain_error(ctx, request, 404)
    values = _preview_values(detail.thread, _question([_open(cipher, m) for m in detail.messages]), text, ctx)
    if not text or values["too_long"]:
        error = "q_empty" if not text else "q_too_long"
        return await _thread_page(ctx, request, staff, detail, 400, error=error, draft=text)
    hours = ctx.knowledge.current.catalog.content.office_hours
    now = ctx.clock.now()
    done = await ctx.db(
        ctx.storage.inbox.answer,
        thread_id,
        staff.user_id,
        _revision(request),
        cipher.seal(text),
        len(text),
        now,
        lambda since: working_time(since, now, hours),
    )
    if done.outcome == "unknown":
        return plain_error(ctx, request, 404)
    if done.outcome == "changed":
        return await _after_conflict(ctx, request, staff, thread_id, draft=text)
    return redirect(f"/questions/{thread_id}?done=sent")


async def close(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: close with one of the fixed reasons."""
    thread_id = _thread_id(request)
    reason = field_text(form_of(request), "reason", 30)
    if thread_id is None or reason not in CLOSE_REASONS:
        return plain_error(ctx, request, 404 if thread_id is None else 403)
    done = await ctx.db(ctx.storage.inbox.close, thread_id, staff.user_id, _revision(request), reason, ctx.clock.now())
    if done.outcome == "unknown":
        return plain_error(ctx, request, 404)
    if done.outcome == "changed":
        return await _after_conflict(ctx, request, staff, thread_id)
    return redirect(f"/questions/{thread_id}?done=closed")


async def notify(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: notices in Telegram on or off for the signed-in staff member."""
    wanted = field_text(form_of(request), "notify", 5) == "on"
    await ctx.db(ctx.storage.inbox_delivery.set_notify, staff.user_id, wanted, ctx.clock.now())
    return redirect("/questions")


def routes(ctx: ConsoleContext) -> list[Route]:
    """The question routes."""
    return [
        Route("/questions", staff_page(ctx, page), methods=["GET"]),
        Route("/questions/notify", staff_page(ctx, notify), methods=["POST"]),
        Route("/questions/{thread_id:int}", staff_page(ctx, thread), methods=["GET"]),
        Route("/questions/{thread_id:int}/claim", staff_page(ctx, claim), methods=["POST"]),
        Route("/questions/{thread_id:int}/preview", staff_page(ctx, preview), methods=["POST"]),
        Route("/questions/{thread_id:int}/answer", staff_page(ctx, answer), methods=["POST"]),
        Route("/questions/{thread_id:int}/close", staff_page(ctx, close), methods=["POST"]),
    ]
