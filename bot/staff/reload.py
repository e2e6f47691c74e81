"""Reloading content/ and schedules/ for staff (/herladen, SIGHUP): validate all, swap, let reminders follow."""

from __future__ import annotations

import html
import logging

from bot.app.knowledge import ReloadReport
from bot.app.services import Services
from bot.staff.texts import StaffTexts

log = logging.getLogger(__name__)


def reload_content(services: Services, actor: int | None) -> ReloadReport:
    """Reload; on success the reminder service uses the new rules. Audited either way."""
    report = services.knowledge.reload()
    now = services.clock.now()
    if report.ok:
        if services.reminders is not None:
            services.reminders.rules = services.knowledge.current.catalog.reminder_rules
        detail = f"ok: changed {','.join(report.changed) or '-'}; added {','.join(report.added) or '-'}"
        detail += f"; removed {','.join(report.removed) or '-'}"
    else:
        detail = f"refused: {len(report.problems)} problem(s)"
    services.storage.audit(now, actor, "reload", detail)
    return report


def format_reload(report: ReloadReport, texts: StaffTexts, lang: str) -> str:
    """The answer to staff: what changed, or every problem with file and line."""
    if not report.ok:
        lines = [texts.t("staff_reload_failed", lang, count=len(report.problems))]
        lines += [f"• <code>{html.escape(str(problem))}</code>" for problem in report.problems]
        return "\n".join(lines)
    none = texts.t("staff_reload_none", lang)
    return texts.t(
        "staff_reload_ok",
        lang,
        changed=", ".join(report.changed) or none,
        added=", ".join(report.added) or none,
        removed=", ".join(report.removed) or none,
    )
