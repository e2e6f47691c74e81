"""Content page: chapters with versions, alarm concepts with sign-off state, the review view, reload.

The review view shows the exact reply the bot gives for a concept at three moments, rendered by
bot/triage/alarm_texts.py; the clinician signs off there (name and date into the database, audited) and
`content check` counts it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clock import AMSTERDAM, local
from bot.console.broadcasts import as_html
from bot.console.web import ConsoleContext, Staff, field_text, form_of, plain_error, redirect, render, staff_page
from bot.staff.reload import reload_content
from bot.triage.alarm_texts import render_alarm_reply
from bot.triage.match import Match, TriageResult
from bot.triage.routing import route
from bot.triage.signoffs import Review, as_lookup, concept_hash, review_of

MOMENTS = (
    ("review_weekday_11", 2, dt.time(11, 0)),
    ("review_weekday_20", 2, dt.time(20, 0)),
    ("review_sunday", 6, dt.time(11, 0)),
)


def moment(now: dt.datetime, weekday: int, at: dt.time) -> dt.datetime:
    """The next `weekday` (0 = Monday) at `at`, Amsterdam time, from `now`."""
    today = local(now).date()
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    return dt.datetime.combine(day, at, tzinfo=AMSTERDAM)


async def _reviews(ctx: ConsoleContext) -> dict[str, Review | None]:
    records = await ctx.db(ctx.queries.signoffs)
    lookup = as_lookup((k[0], k[1], v.reviewed_by, v.reviewed_on) for k, v in records.items())
    return {c.id: review_of(c, lookup) for c in ctx.knowledge.current.catalog.alarms.concepts}


async def _content_page(ctx: ConsoleContext, request: Request, staff: Staff, **extra: Any) -> Response:
    """The content page (chapters and concepts with their sign-offs), with `extra` for the template."""
    catalog = ctx.knowledge.current.catalog
    return render(
        ctx,
        request,
        "content.html",
        staff=staff,
        chapters=catalog.content.chapters,
        concepts=catalog.alarms.concepts,
        reviews=await _reviews(ctx),
        **extra,
    )


async def page(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """GET: chapters and concepts."""
    return await _content_page(ctx, request, staff, notice=request.query_params.get("notice"))


async def review(ctx: ConsoleContext, request: Request, staff: Staff, **values: Any) -> Response:
    """GET: one concept's words and the bot's exact reply at three moments, with the sign-off form."""
    catalog = ctx.knowledge.current.catalog
    concept = catalog.alarms.concept(str(request.path_params["concept_id"]))
    if concept is None:
        return plain_error(ctx, request, 404)
    now = ctx.clock.now()
    replies = []
    for key, weekday, at in MOMENTS:
        when = moment(now, weekday, at)
        # As if the concept itself was found: the reply shows what depends on the reason (fever's SEH sentence).
        result = TriageResult(concept.level, (Match(concept.id, concept.level, (), "exact", False, ""),))
        body = render_alarm_reply(
            result, route(concept.level, when, catalog.content), catalog.content, "nl", catalog.alarm_replies
        )
        replies.append((key, when, as_html(body)))
    reviews = await _reviews(ctx)
    return render(
        ctx,
        request,
        "review.html",
        staff=staff,
        concept=concept,
        replies=replies,
        review=reviews.get(concept.id),
        vocabulary_hash=concept_hash(concept),
        today=local(now).date().isoformat(),
        **values,
    )


async def sign_off(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: record the clinician's name and date for the concept's current vocabulary (audited)."""
    concept = ctx.knowledge.current.catalog.alarms.concept(str(request.path_params["concept_id"]))
    if concept is None:
        return plain_error(ctx, request, 404)
    form = form_of(request)
    name = field_text(form, "reviewed_by", 120)
    try:
        day = dt.date.fromisoformat(field_text(form, "reviewed_on", 10))
    except ValueError:
        day = None
    if not name or day is None:
        return await review(ctx, request, staff, error="review_bad")
    if field_text(form, "vocabulary_hash", 64) != concept_hash(concept):
        # The vocabulary changed (a reload) between showing and signing: show the new one first.
        return redirect(f"/content/concepts/{concept.id}")
    added = await ctx.db(
        ctx.queries.add_signoff, concept.id, concept_hash(concept), name, day, staff.user_id, ctx.clock.now()
    )
    return await review(ctx, request, staff, notice="review_done" if added else "review_already")


async def reload(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: reload content/ and schedules/, validated exactly like /herladen (audited either way)."""
    report = await ctx.db(reload_content, ctx.knowledge, ctx.storage, ctx.clock, staff.user_id)
    return await _content_page(ctx, request, staff, report=report)


def routes(ctx: ConsoleContext) -> list[Route]:
    """The content routes."""
    return [
        Route("/content", staff_page(ctx, page), methods=["GET"]),
        Route("/content/reload", staff_page(ctx, reload), methods=["POST"]),
        Route("/content/concepts/{concept_id}", staff_page(ctx, review), methods=["GET"]),
        Route("/content/concepts/{concept_id}", staff_page(ctx, sign_off), methods=["POST"]),
    ]
