"""Enrolment page: create a code (optionally with the hospital's patient number), print its card, list, revoke."""

from __future__ import annotations

import base64
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.console.web import ConsoleContext, Staff, field_text, form_of, redirect, render, staff_page
from bot.reminders.identifiers import identifier_hash
from bot.staff.enrolment import EnrolmentService, deep_link, qr_png


async def _list(ctx: ConsoleContext, request: Request, staff: Staff, **values: Any) -> Response:
    codes = await ctx.db(ctx.queries.list_enrolments, 50)
    with_identifier = await ctx.db(ctx.queries.enrolments_with_identifier)
    return render(
        ctx,
        request,
        "enrolment.html",
        staff=staff,
        codes=codes,
        with_identifier=with_identifier,
        now=ctx.clock.now(),
        identifiers_on=bool(ctx.settings.patient_id_key),
        **values,
    )


async def page(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """GET: the form and the list of codes (hash prefixes only: the codes themselves are not stored)."""
    return await _list(ctx, request, staff, notice=request.query_params.get("notice"))


async def create(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: a new code and its printable A6 card (the only place the code is ever shown)."""
    username = ctx.settings.bot_username
    if not username:
        return await _list(ctx, request, staff, error="enrol_no_username")
    raw_identifier = field_text(form_of(request), "identifier", 60)
    service = EnrolmentService(ctx.storage, ctx.clock, ctx.settings.enrol_code_days)
    created = await ctx.db(service.create, staff.user_id)
    warning = None
    if raw_identifier and ctx.settings.patient_id_key:
        hashed = identifier_hash(ctx.settings.patient_id_key, raw_identifier)
        if not await ctx.db(ctx.queries.set_patient_identifier, created.enrolment.id, hashed):
            warning = "enrol_identifier_taken"
    link = deep_link(username, created.code)
    qr = base64.b64encode(qr_png(link)).decode()
    return render(
        ctx, request, "card.html", staff=staff, link=link, qr=qr, expires_at=created.expires_at, warning=warning
    )


async def revoke(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """POST: make an unused code unusable."""
    enrolment_id = int(request.path_params["enrolment_id"])
    await ctx.db(ctx.queries.revoke_enrolment, enrolment_id, staff.user_id, ctx.clock.now())
    return redirect("/enrolment?notice=revoked")


def routes(ctx: ConsoleContext) -> list[Route]:
    """The enrolment routes."""
    return [
        Route("/enrolment", staff_page(ctx, page), methods=["GET"]),
        Route("/enrolment", staff_page(ctx, create), methods=["POST"]),
        Route("/enrolment/{enrolment_id:int}/revoke", staff_page(ctx, revoke), methods=["POST"]),
    ]
