"""Callback data: the strings on the wire never change (buttons sent weeks ago must keep working),
each one parses back to what built it and matches its handler's pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import callbacks

# (built, the exact string Telegram carries, the pattern of its handler)
WIRE = [
    (callbacks.MENU, "menu", callbacks.MENU_PATTERN),
    (callbacks.chapter("na-de-operatie"), "ch:na-de-operatie", callbacks.CHAPTER_PATTERN),
    (callbacks.language("en"), "lang:en", callbacks.LANGUAGE_PATTERN),
    (callbacks.appointment_consent("yes"), "appt:consent:yes", callbacks.APPOINTMENT_CONSENT_PATTERN),
    (callbacks.appointment_type("ct"), "appt:type:ct", callbacks.APPOINTMENT_TYPE_PATTERN),
    (callbacks.appointment_pick(1767225600), "appt:pick:1767225600", callbacks.APPOINTMENT_PICK_PATTERN),
    (callbacks.appointment_confirm("save"), "appt:save", callbacks.APPOINTMENT_SAVE_PATTERN),
    (callbacks.appointment_confirm("again"), "appt:again", callbacks.APPOINTMENT_AGAIN_PATTERN),
    (callbacks.appointment_confirm("cancel"), "appt:cancel", callbacks.APPOINTMENT_CANCEL_PATTERN),
    (callbacks.appointment_list_action("del", 7), "appt:del:7", callbacks.APPOINTMENT_LIST_PATTERN),
    (callbacks.appointment_list_action("ics", 7), "appt:ics:7", callbacks.APPOINTMENT_LIST_PATTERN),
    (callbacks.reminder_read(12), "rem:read:12", callbacks.REMINDER_READ_PATTERN),
    (callbacks.reminder_move(3), "rem:move:3", callbacks.REMINDER_MOVE_PATTERN),
    (callbacks.delete("no"), "del:no", callbacks.DELETE_PATTERN),
    (callbacks.broadcasts("consent"), "bcast:consent", callbacks.BROADCASTS_PATTERN),
    (callbacks.enrol("yes"), "enr:yes", callbacks.ENROL_PATTERN),
    (callbacks.bc_audience("type:ct"), "bc:aud:type:ct", callbacks.BC_AUDIENCE_PATTERN),
    (callbacks.BC_CHOOSE, "bc:chs", callbacks.BC_CHOOSE_PATTERN),
    (callbacks.bc_chapter("contact"), "bc:ch:contact", callbacks.BC_CHAPTER_PATTERN),
    (callbacks.bc_send("urgent"), "bc:urgent", callbacks.BC_SEND_PATTERN),
    (callbacks.BC_CANCEL, "bc:cancel", callbacks.BC_CANCEL_PATTERN),
    (callbacks.BC_UPDATED, "bc:upd", callbacks.BC_UPDATED_PATTERN),
    (callbacks.tq_send(2_147_483_647), "tq:send:2147483647", callbacks.TQ_SEND_PATTERN),
    (callbacks.tq_reply(31), "tq:reply:31", callbacks.TQ_REPLY_PATTERN),
    (callbacks.TQ_NO_REPLY, "tq:noreply", callbacks.TQ_NO_REPLY_PATTERN),
]


@pytest.mark.parametrize(("built", "wire", "pattern"), WIRE, ids=[wire for _, wire, _ in WIRE])
def test_the_wire_format_holds(built: str, wire: str, pattern: str) -> None:
    assert built == wire
    assert re.match(pattern, wire)
    assert len(wire.encode()) <= 64


def test_parsing_gives_back_what_was_built() -> None:
    assert callbacks.parse_chapter("ch:contact") == "contact"
    assert callbacks.parse_language("lang:nl") == "nl" and callbacks.parse_language("lang:fr") is None
    assert callbacks.parse_appointment_consent("appt:consent:no") == "no"
    assert callbacks.parse_appointment_type("appt:type:ct") == "ct"
    assert callbacks.parse_appointment_pick("appt:pick:1767225600") == 1767225600
    assert callbacks.parse_appointment_list_action("appt:ics:7") == ("ics", 7)
    assert callbacks.parse_appointment_list_action("appt:ics:x") is None
    assert callbacks.parse_reminder_id("rem:read:12") == 12 and callbacks.parse_reminder_id("rem:x:1") is None
    assert callbacks.parse_delete("del:yes") == "yes" and callbacks.parse_delete("del:maybe") is None
    assert callbacks.parse_broadcasts("bcast:off") == "off" and callbacks.parse_broadcasts("bcast:") is None
    assert callbacks.parse_enrol("enr:no") == "no"
    assert callbacks.parse_bc_audience("bc:aud:all") == "all"
    assert callbacks.parse_bc_chapter("bc:ch:contact") == "contact"
    assert callbacks.parse_tq_number("tq:send:12") == 12 and callbacks.parse_tq_number("tq:reply:31") == 31
    assert callbacks.parse_tq_number("tq:send:x") is None and callbacks.parse_tq_number("tq:other:1") is None
    assert callbacks.parse_bc_send("bc:send") == "send" and callbacks.parse_bc_send("bc:cancel") is None


def test_handlers_take_patterns_and_parsing_from_the_callbacks_module() -> None:
    adapters = Path(__file__).resolve().parent.parent / "bot" / "app"
    for path in [*sorted((adapters / "handlers").glob("*.py")), adapters / "assembly.py"]:
        source = path.read_text(encoding="utf-8")
        for smell in ('pattern=r"', 'pattern="', "pattern=f", 'split(":")', 'query.data.removeprefix("'):
            assert smell not in source, f"{path.name}: {smell}"
