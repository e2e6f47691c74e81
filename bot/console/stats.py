"""Statistics page: per day counts as server-rendered SVG bar charts, and the same figures as CSV; and
what each running bot instance is sending now (its queues by priority, the wait of its oldest alarm
reply, 429s and dropped messages since it started), from the rows the instances write every few seconds.

Only counts are shown: no message text is ever shown here (the questions to the team are on their own page).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.clock import AMSTERDAM, local
from bot.console.web import ConsoleContext, Staff, render, staff_page

DAYS = 14
SERIES = (
    "alarm_emergency",
    "alarm_seh",
    "alarm_urgent",
    "answered",
    "misses",
    "reminders_sent",
    "reminders_skipped",
    "reminders_failed",
    "broadcasts",
    "broadcast_recipients",
    "send_429",
    "send_dropped",
)
# Questions to the team (bot/inbox): asked, answered, and the minutes of working time answers took.
TEAM = ("team_questions", "team_answered", "team_answer_minutes")


@dataclass
class DayFigures:
    """The counts of one day (Amsterdam)."""

    day: date
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SERIES + TEAM, 0))

    @property
    def answer_hours(self) -> str:
        """The average working time to an answer that day, in hours ("" when nothing was answered)."""
        answered = self.values["team_answered"]
        return f"{self.values['team_answer_minutes'] / answered / 60:.1f}" if answered else ""


def collect(ctx: ConsoleContext, today: date, days: int = DAYS) -> list[DayFigures]:
    """Per-day figures for the last `days` days up to `today` (synchronous: run in a thread)."""
    first = today - timedelta(days=days - 1)
    figures = {first + timedelta(days=i): DayFigures(first + timedelta(days=i)) for i in range(days)}
    since = datetime.combine(first, datetime.min.time(), tzinfo=AMSTERDAM)
    for day, name, count in ctx.queries.daily_counts(first):
        if day in figures and name in figures[day].values:
            figures[day].values[name] += count
    for day, count in ctx.storage.miss_counts(first):
        if day in figures:
            figures[day].values["misses"] += count
    for due, status in ctx.queries.reminder_counts(since):
        day = local(due).date()
        if day in figures:
            figures[day].values[f"reminders_{status}"] += 1
    for created, recipients, _sent in ctx.queries.broadcast_days(since):
        day = local(created).date()
        if day in figures:
            figures[day].values["broadcasts"] += 1
            figures[day].values["broadcast_recipients"] += recipients
    return [figures[d] for d in sorted(figures)]


@dataclass(frozen=True)
class Bar:
    """One bar of an SVG chart (coordinates in the chart's viewBox)."""

    x: float
    y: float
    height: float
    value: int
    label: str


def bars(figures: list[DayFigures], key: str, height: float = 100.0, width: float = 24.0) -> list[Bar]:
    """Bars for one series, scaled to the chart's height."""
    top = max((f.values[key] for f in figures), default=0) or 1
    result = []
    for i, f in enumerate(figures):
        h = height * f.values[key] / top
        result.append(Bar(i * width + 4, height - h + 16, h, f.values[key], f"{f.day:%d-%m}"))
    return result


async def page(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """GET: charts and a table per day."""
    figures = await ctx.db(collect, ctx, local(ctx.clock.now()).date())
    instances = await ctx.db(ctx.storage.budget.running, ctx.clock.now())
    keys = ("alarm_emergency", "alarm_seh", "alarm_urgent", "answered", "misses", "reminders_sent", "reminders_failed")
    charts = [(key, bars(figures, key)) for key in (*keys, "broadcast_recipients")]
    return render(
        ctx,
        request,
        "stats.html",
        staff=staff,
        figures=figures,
        series=SERIES,
        charts=charts,
        days=DAYS,
        instances=instances,
    )


async def download(ctx: ConsoleContext, request: Request, staff: Staff) -> Response:
    """GET: the same figures as CSV."""
    figures = await ctx.db(collect, ctx, local(ctx.clock.now()).date())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["day", *SERIES, "team_questions", "team_answered", "team_answer_hours"])
    for f in figures:
        team = (f.values["team_questions"], f.values["team_answered"], f.answer_hours)
        writer.writerow([f.day.isoformat(), *(f.values[k] for k in SERIES), *team])
    await ctx.db(ctx.storage.staff.audit, ctx.clock.now(), staff.user_id, "statistics-csv", f"{len(figures)} days")
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="statistiek.csv"'},
    )


def routes(ctx: ConsoleContext) -> list[Route]:
    """The statistics routes."""
    return [
        Route("/statistics", staff_page(ctx, page), methods=["GET"]),
        Route("/statistics.csv", staff_page(ctx, download), methods=["GET"]),
    ]
