"""Broadcasts page: compose (text or chapter), audience with its count, the patient's view, confirm, progress, history.

The console only queues (one outbox row per recipient, in one audited transaction, like /bericht);
the bot's outbox sender delivers, and the progress fragment polls the outbox counts with htmx.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clock import local
from bot.console.web import (
    FORM_FIELD_BYTES,
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
from bot.reminders.rules import QuietHours
from bot.sending import Keyboard
from bot.staff.compose import MAX_TEXT, Composer, Draft, TextTooLong, audience_label, valid_audience
from bot.storage.records import APPOINTMENT_TYPES, BroadcastSummary


@dataclass(frozen=True)
class Preview:
    """One language's rendering of the draft: the message body (Telegram HTML) and its buttons."""

    lang: str
    body: Markup
    buttons: list[str]


def as_html(telegram_html: str) -> Markup:
    """Telegram HTML (escaped text with b/i/a/code tags, built by compose.render) as HTML with line breaks."""
    return Markup(telegram_html.replace("\n", "<br>"))  # noqa: S704 - compose.render escapes every staff text


def _composer(ctx: ConsoleContext) -> Composer:
    catalog = ctx.knowledge.current.catalog
    return Composer(ctx.storage, catalog, catalog.staff)


def _audiences(ctx: ConsoleContext, lang: str) -> list[tuple[str, str]]:
    catalog = ctx.knowledge.current.catalog
    options = ["all", *(f"type:{kind}" for kind in APPOINTMENT_TYPES)]
    return [(value, audience_label(value, catalog.staff, catalog, lang)) for value in options]


def _quiet_now(ctx: ConsoleContext, now: datetime) -> QuietHours | None:
    """The schedule's quiet hours when a normal broadcast waits now (as the bot's outbox reads them), else None."""
    quiet = ctx.knowledge.current.catalog.reminder_rules.quiet_hours
    return quiet if quiet is not None and quiet.contains(local(now).time().replace(tzinfo=None)) else None


async def _compose_page(ctx: ConsoleContext, request: Request, staff: Staff, **values: Any) -> Response:
    lang = lang_of(request)
    now = ctx.clock.now()
    audiences = []
    for value, label in _audiences(ctx, lang):
        count = await ctx.db(ctx.storage.staff.count_audience, value, now)
        audiences.append((value, label, count))
    history = await ctx.db(ctx.storage.staff.list_broadcasts, 20)
    chapters = ctx.knowledge.current.catalog.content.top_level()
    return render(
        ctx,
        request,
        "broadcasts.html",
        staff=staff,
        audiences=audiences,
        chapters=chapters,
        history=history,
        max_text=MAX_TEXT,
        quiet=_quiet_now(ctx, now),
        **values,
    )


async def page(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """GET: the compose form and the history."""
    return await _compose_page(ctx, request, staff)


def _draft(request: Request) -> tuple[Draft | None, dict[str, str]]:
    """The draft of the form, or None (with `fields["error"]` when the text is too long: refused, never cut)."""
    form = form_of(request)
    fields = {
        "kind": field_text(form, "kind", 10),
        # Read whole (the form parser bounds a field's size) so a text over the limit is refused, not cut.
        "text": field_text(form, "text", FORM_FIELD_BYTES).replace("\r\n", "\n"),
        "chapter": field_text(form, "chapter", 80),
        "audience": field_text(form, "audience", 30),
        "urgent": "1" if field_text(form, "urgent", 5) else "",
    }
    if not valid_audience(fields["audience"]):
        return None, fields
    draft = Draft(audience=fields["audience"])
    if fields["kind"] == "chapter" and fields["chapter"]:
        return draft.with_chapters([fields["chapter"]]), fields
    if fields["kind"] == "text" and fields["text"]:
        try:
            return draft.with_text(fields["text"]), fields
        except TextTooLong as exc:
            fields["error"] = "bc_too_long"
            fields["length"] = str(exc.length)
    return None, fields


def _previews(composer: Composer, draft: Draft) -> list[Preview] | None:
    previews = []
    for lang in ("nl", "en"):
        rendered = composer.preview(draft, lang)
        if rendered is None:
            return None
        body, keyboard = rendered
        previews.append(Preview(lang, as_html(body), _labels(keyboard)))
    return previews


def _labels(keyboard: Keyboard) -> list[str]:
    return [button.label for row in keyboard for button in row]


async def preview(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: exactly what the patient gets, the recipient count, and the confirm form."""
    draft, fields = _draft(request)
    composer = _composer(ctx)
    previews = _previews(composer, draft) if draft is not None else None
    if draft is None or previews is None:
        return await _compose_page(ctx, request, staff, error=fields.get("error", "bc_empty"), fields=fields)
    count = await ctx.db(composer.recipients, draft, ctx.clock.now())
    return render(ctx, request, "broadcast_preview.html", staff=staff, previews=previews, count=count, fields=fields)


async def edit(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: back from the preview to the compose form, with what was typed."""
    _, fields = _draft(request)
    return await _compose_page(ctx, request, staff, fields=fields)


async def confirm(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: store the broadcast with its outbox rows (audited); the bot's sender delivers it."""
    draft, fields = _draft(request)
    composer = _composer(ctx)
    if draft is None or _previews(composer, draft) is None:
        return await _compose_page(ctx, request, staff, error=fields.get("error", "bc_empty"), fields=fields)
    now = ctx.clock.now()
    if await ctx.db(composer.recipients, draft, now) == 0:
        return await _compose_page(ctx, request, staff, error="bc_none", fields=fields)
    stored = await ctx.db(composer.confirm, draft, now, staff.user_id, bool(fields["urgent"]), None, "staff console")
    return redirect(f"/broadcasts/{stored.id}")


async def _summary(ctx: ConsoleContext, broadcast_id: int) -> BroadcastSummary | None:
    return await ctx.db(ctx.storage.staff.broadcast_summary, broadcast_id)


def _progress_values(ctx: ConsoleContext, summary: BroadcastSummary) -> dict[str, Any]:
    b = summary.broadcast
    settled = summary.sent + summary.failed + summary.blocked + summary.skipped
    percent = 100 if b.recipients == 0 else round(100 * settled / b.recipients)
    end = b.finished_at or ctx.clock.now()
    seconds = max((end - b.created_at).total_seconds(), 1.0)
    return {
        "summary": summary,
        "settled": settled,
        "percent": percent,
        "rate": f"{summary.sent / seconds:.1f}",
        "done": b.status == "done" or settled >= b.recipients,
    }


async def report(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """GET: one broadcast: what, to whom, and its live progress."""
    summary = await _summary(ctx, int(request.path_params["broadcast_id"]))
    if summary is None:
        return plain_error(ctx, request, 404)
    return render(ctx, request, "broadcast_report.html", staff=staff, **_progress_values(ctx, summary))


async def progress(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """GET (htmx): the progress fragment; it stops polling once the broadcast is done."""
    summary = await _summary(ctx, int(request.path_params["broadcast_id"]))
    if summary is None:
        return plain_error(ctx, request, 404)
    return render(ctx, request, "_progress.html", staff=staff, **_progress_values(ctx, summary))


def routes(ctx: ConsoleContext) -> list[Route]:
    """The broadcast routes."""
    return [
        Route("/broadcasts", staff_page(ctx, page), methods=["GET"]),
        Route("/broadcasts/preview", staff_page(ctx, preview), methods=["POST"]),
        Route("/broadcasts/confirm", staff_page(ctx, confirm), methods=["POST"]),
        Route("/broadcasts/edit", staff_page(ctx, edit), methods=["POST"]),
        Route("/broadcasts/{broadcast_id:int}", staff_page(ctx, report), methods=["GET"]),
        Route("/broadcasts/{broadcast_id:int}/progress", staff_page(ctx, progress, background=True), methods=["GET"]),
    ]
