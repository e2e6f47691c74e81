"""Reply texts for alarms, the safety net, unreadable messages, crashes and the spreekuur (Telegram HTML).

Templates come from content/alarm_replies.yaml; numbers come from Content.contacts. Template text
is escaped first, then placeholders are replaced by escaped, tappable numbers.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from bot.content.model import Contact, Content, Lang
from bot.localized import in_lang
from bot.reminders.dates import format_when
from bot.triage.levels import Level
from bot.triage.match import TriageResult
from bot.triage.reply_templates import PLACEHOLDER, AlarmReplies, LangReplies
from bot.triage.routing import (
    ALARMNUMMER,
    HUISARTSENPOST,
    SEH,
    SPOEDLIJN,
    SPREEKUUR,
    Routing,
    office_open,
    route,
    spreekuur_status,
)


def contact_html(contact: Contact, lang: Lang) -> str:
    """A contact as HTML: its number, else its e-mail address, else its name.

    No tel: links: Telegram's API does not accept them in every client, and a rejected alarm reply
    would be lost; Telegram apps make phone numbers in plain text tappable themselves.
    """
    if contact.phone:
        return html.escape(contact.phone)
    if contact.email:
        return f'<a href="mailto:{html.escape(contact.email)}">{html.escape(contact.email)}</a>'
    return html.escape(contact.label(lang))


def _fill(template: str, values: dict[str, str]) -> str:
    """Escape the template, then put in the (already escaped) values."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), html.escape(template, quote=False))


def _contact_values(content: Content, lang: Lang) -> dict[str, str]:
    return {cid: contact_html(contact, lang) for cid, contact in content.contacts.items()}


def _hour_role(now: dt.datetime, content: Content) -> str:
    """The folder's spoed route for this moment: the spoedlijn in office hours, else the huisartsenpost."""
    return SPOEDLIJN if office_open(now, content) else HUISARTSENPOST


def _call(role: str, content: Content, lang: Lang, templates: LangReplies) -> str | None:
    """The instruction "Bel nu …" for `role`; None when its contact is missing (reported by `content check`)."""
    if role not in content.contacts or role not in templates.call:
        return None
    return _fill(templates.call[role], _contact_values(content, lang))


def _text(key: str, templates: LangReplies, values: dict[str, str]) -> str:
    return _fill(templates.texts[key], values)


def _extra_line(contact_id: str, content: Content, lang: Lang, templates: LangReplies) -> str | None:
    """The line for an extra contact: its own template, else the generic "name: number"."""
    contact = content.contacts.get(contact_id)
    if contact is None:  # reported by `content check`; the reply never fails on it
        return None
    number = contact_html(contact, lang)
    own = templates.extra_lines.get(contact_id)
    if own:
        return _fill(own, {contact_id: number})
    return _fill(
        templates.texts["extra_line"], {"name": html.escape(contact.label(lang), quote=False), "number": number}
    )


@dataclass(frozen=True)
class _AlarmPlan:
    """What an alarm reply shows: the instruction's role, extra contacts, and the folder lines' roles."""

    instruction: str
    extras: tuple[str, ...]
    folder: tuple[str, ...]


def _plan(result: TriageResult, routing: Routing, content: Content, replies: AlarmReplies) -> _AlarmPlan:
    reasons = set(result.concepts)
    roles = [*routing.roles, *([] if ALARMNUMMER in routing.roles else [ALARMNUMMER])]
    # A folder line that names a reason (the SEH sentence names fever) shows only for that reason.
    folder = tuple(r for r in roles if r not in replies.folder_lines_for or reasons & replies.folder_lines_for[r])
    extras = tuple(cid for cid in dict.fromkeys(result.extra_contacts) if cid in content.contacts)
    return _AlarmPlan(roles[0], extras, folder)


def alarm_roles(result: TriageResult, routing: Routing, content: Content, replies: AlarmReplies) -> tuple[str, ...]:
    """The contacts an alarm reply shows, in order (roles and extra contact ids), as `render_alarm_reply`."""
    plan = _plan(result, routing, content, replies)
    return tuple(dict.fromkeys([plan.instruction, *plan.extras, *plan.folder]))


def render_alarm_reply(
    result: TriageResult, routing: Routing, content: Content, lang: Lang, replies: AlarmReplies
) -> str:
    """The alarm reply: first, alone and in bold, what to do now ("Bel nu 112."); extra contacts (113)
    right after it; below any instruction other than 112, when to call 112 after all; then the folder's
    own sentences for this moment, the SEH sentence only when fever is a reason.

    For a message without alarm (level none) this is the spreekuur reply.
    """
    templates = replies.get(lang)
    if result.level is Level.NONE or routing.level is Level.NONE:
        return render_spreekuur_reply(routing.at, content, lang, replies)
    plan = _plan(result, routing, content, replies)
    values = _contact_values(content, lang)
    paragraphs = []
    call = _call(plan.instruction, content, lang, templates)
    first = f"<b>{call}</b>" if call else ""
    if plan.instruction != ALARMNUMMER:
        first = "\n".join(x for x in (first, _text("escalate", templates, values)) if x)
    paragraphs.append(first)
    paragraphs += [line for cid in plan.extras if (line := _extra_line(cid, content, lang, templates))]
    folder = [_fill(templates.lines[role], values) for role in plan.folder if role in templates.lines]
    if folder:
        paragraphs.append("\n".join([f"<i>{_text('from_folder', templates, {})}</i>", *folder]))
    return "\n\n".join(p for p in paragraphs if p)


def safety_net_roles(now: dt.datetime, content: Content) -> tuple[str, ...]:
    """The contacts the safety net shows: the spoed route for this moment and 112."""
    return route(Level.URGENT, now, content).roles


def render_spoed_line(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """One short line with the spoed route for this moment and 112 ("Spoed? Bel nu uw huisartsenpost. …"),
    for the end of a reply to a harmless message, and on top of every reply the bot cannot give."""
    templates = replies.get(lang)
    call = _call(_hour_role(now, content), content, lang, templates) or ""
    return _text("spoed_line", templates, {**_contact_values(content, lang), "call": call}).replace("  ", " ")


def render_safety_net(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """The spoed line in bold: on top of every reply that cannot help (unreadable, another language, a crash)."""
    return f"<b>{render_spoed_line(now, content, lang, replies)}</b>"


def render_body_check(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """For a message about the body or a complaint that the bot does not understand: first, plainly, the
    112 situations; then the spoed route for this moment. Never the spreekuur: this may not wait."""
    templates = replies.get(lang)
    values = _contact_values(content, lang)
    call = _call(_hour_role(now, content), content, lang, templates) or ""
    return "\n\n".join(
        [
            f"<b>{_text('body_check', templates, values)}</b>\n{_text('body_signs', templates, {})}",
            f"<b>{_text('body_else', templates, {'call': call}).strip()}</b>",
            _text("body_unsure", templates, {}),
        ]
    )


def body_check_roles(now: dt.datetime, content: Content) -> tuple[str, ...]:
    """The contacts the body check shows: 112, then the spoed route for this moment."""
    return tuple(r for r in (ALARMNUMMER, _hour_role(now, content)) if r in content.contacts)


def render_not_found(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """ "Not in the folder", one contact line, and the spoed line at the end."""
    templates = replies.get(lang)
    email = content.contacts.get("email")
    values = {
        **_contact_values(content, lang),
        "email": html.escape(email.email) if email is not None and email.email else "",
    }
    return "\n\n".join(
        [
            f"{_text('not_found', templates, {})}\n{_text('not_found_contact', templates, values)}",
            render_spoed_line(now, content, lang, replies),
        ]
    )


def not_found_roles(now: dt.datetime, content: Content) -> tuple[str, ...]:
    """The contacts the short "not in the folder" reply shows, in order."""
    return tuple(r for r in ("email", SPREEKUUR, *safety_net_roles(now, content)) if r in content.contacts)


def render_spoed_overview(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """The menu's "Spoed — wie bel ik?": whom to call, by how bad it is, for this moment."""
    templates = replies.get(lang)
    values = _contact_values(content, lang)
    call = _call(_hour_role(now, content), content, lang, templates) or ""
    lines = [
        f"<b>{_text('spoed_title', templates, {})}</b>",
        _text("spoed_emergency", templates, values),
        _text("spoed_seh", templates, values),
        _text("spoed_other", templates, {"call": call}),
    ]
    status = spreekuur_status(now, content)
    none = _text("spoed_none", templates, values)
    if status.open_now:
        none += " " + _text("spreekuur_open", templates, {})
    elif status.next_open is not None:
        when = html.escape(format_when(status.next_open, lang, now))
        none += " " + _text("spreekuur_next", templates, {"when": when})
    return "\n\n".join([lines[0], "\n".join(lines[1:]), none, _text("spoed_folder", templates, {})])


def spoed_overview_roles(now: dt.datetime, content: Content) -> tuple[str, ...]:
    """The contacts the spoed overview shows, in order."""
    roles = (ALARMNUMMER, SEH, _hour_role(now, content), SPREEKUUR)
    return tuple(r for r in roles if r in content.contacts)


def render_foreign_reply(now: dt.datetime, content: Content, langs: tuple[Lang, ...], replies: AlarmReplies) -> str:
    """For a message in a language the bot does not read: the spoed line and "I cannot read this",
    once per language in `langs` (Dutch and English); the numbers carry the message."""
    blocks = [
        f"{render_safety_net(now, content, lang, replies)}\n{_fill(replies.get(lang).texts['foreign'], {})}"
        for lang in langs
    ]
    return "\n\n".join(blocks)


def render_with_spoed_lines(first: str, now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """Any first line (e.g. "this is not possible right now"), then the spoed line with 112."""
    return f"{_fill(first, {})}\n\n{render_safety_net(now, content, lang, replies)}"


def render_unreadable_reply(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """For voice, photo, sticker …: "I cannot read this", then the spoed line with 112."""
    return render_with_spoed_lines(replies.get(lang).texts["unreadable"], now, content, lang, replies)


def render_error_fallback(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """When a handler crashed: say so, then the spoed line with 112."""
    return render_with_spoed_lines(replies.get(lang).texts["error"], now, content, lang, replies)


def render_spreekuur_reply(now: dt.datetime, content: Content, lang: Lang, replies: AlarmReplies) -> str:
    """The verpleegkundig telefonisch spreekuur: number, hours, open now or next opening, menu."""
    templates = replies.get(lang)
    texts = templates.texts
    values = _contact_values(content, lang)
    hours = content.spreekuur
    day_names = [templates.days[d] for d in sorted(hours.days)]
    days = ", ".join(day_names[:-1]) + f" {texts['and']} {day_names[-1]}" if len(day_names) > 1 else "".join(day_names)
    lines = []
    if SPREEKUUR in content.contacts:
        lines.append(f"<b>{_fill(texts['spreekuur_title'], values)}</b>")
    lines.append(
        _fill(
            texts["spreekuur_hours"],
            {"days": html.escape(days), "start": f"{hours.start:%H:%M}", "end": f"{hours.end:%H:%M}"},
        )
    )
    status = spreekuur_status(now, content)
    if status.open_now:
        lines.append(_fill(texts["spreekuur_open"], {}))
    elif status.next_open is not None:
        lines.append(_fill(texts["spreekuur_next"], {"when": html.escape(format_when(status.next_open, lang, now))}))
    if content.spreekuur_menu:
        menu = ", ".join(f"{in_lang(c.label, lang)} ({c.choice})" for c in content.spreekuur_menu)
        lines.append(_fill(texts["spreekuur_menu"], {"menu": html.escape(menu)}))
    return "\n".join(lines)
