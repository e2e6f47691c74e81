"""Reloading content/ and schedules/ for staff (/herladen, SIGHUP): validate all, swap, let reminders follow."""

from __future__ import annotations

import html
import logging

from bot.clock import Clock
from bot.knowledge import KnowledgeStore, ReloadReport
from bot.reminders.service import ReminderService
from bot.staff.texts import StaffTexts
from bot.storage.store import Storage

log = logging.getLogger(__name__)


def reload_content(
    knowledge: KnowledgeStore,
    storage: Storage,
    clock: Clock,
    actor: int | None,
    reminders: ReminderService | None = None,
) -> ReloadReport:
    """Reload; on success `reminders` (when given) uses the new rules. Audited either way."""
    report = knowledge.reload()
    now = clock.now()
    if report.ok:
        if reminders is not None:
            reminders.rules = knowledge.current.catalog.reminder_rules
        detail = f"ok: changed {','.join(report.changed) or '-'}; added {','.join(report.added) or '-'}"
        detail += f"; removed {','.join(report.removed) or '-'}"
    else:
        detail = f"refused: {len(report.problems)} problem(s)"
    storage.staff.audit(now, actor, "reload", detail)
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
