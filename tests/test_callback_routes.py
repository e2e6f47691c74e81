"""The route type of bot/callbacks.py: one template gives the pattern, the builder and the parser, and
every parser answers data that does not fit with None (the handler's stale button)."""

from __future__ import annotations

import re

import pytest

from bot import callbacks
from bot.callbacks import NUMBER, POSITIVE, REST, TEXT, Choice, Fixed, Route, Route2, Template


def test_a_template_compiles_like_starlettes_compile_path() -> None:
    template = Template("pg:{chapter}:{page}", (TEXT, POSITIVE))
    assert template.names == ("chapter", "page")
    assert template.expression() == r"^pg:(?P<chapter>.+):(?P<page>\d+)$"
    assert template.expression(["contact"]) == r"^pg:contact:(?P<page>\d+)$"
    assert template.format("contact", 2) == "pg:contact:2"
    with pytest.raises(ValueError, match="one convertor per parameter"):
        Template("pg:{chapter}:{chapter}", (TEXT, TEXT))
    with pytest.raises(ValueError, match="one convertor per parameter"):
        Template("ch:{chapter}", ())


def test_one_failure_convention_none() -> None:
    page = Route2("pg:{chapter}:{page}", TEXT, POSITIVE)
    assert page.parse("pg:contact:2") == ("contact", 2)
    assert page.parse("pg:a:b:3") == ("a:b", 3)  # the page is the part after the last colon
    for bad in ("pg:contact:0", "pg::2", "pg:contact:x", "ch:contact", "pg:contact:²", ""):
        assert page.parse(bad) is None, bad
    pick = Route("appt:pick:{when}", NUMBER)
    assert pick.parse("appt:pick:12") == 12 and pick.parse("appt:pick:-1") is None and pick.parse("x") is None
    yes_no: Route[str] = Route("del:{answer}", Choice(("yes", "no")))
    assert yes_no.parse("del:maybe") is None and yes_no.parse("del:yes") == "yes"


def test_a_rest_parameter_takes_every_data_of_its_kind_to_the_handler() -> None:
    chapter = Route("ch:{chapter}", REST)
    for data in ("ch:", "ch:x", "ch:a\nb", "ch:x\n"):
        assert re.match(chapter.pattern, data) and chapter.parse(data) == data.removeprefix("ch:")
    assert chapter.parse("pg:x") is None and not re.match(chapter.pattern, "pg:x")


def test_the_patterns_of_the_handlers_take_what_they_took_before() -> None:
    before = {
        callbacks.CHAPTER_PATTERN: r"^ch:",
        callbacks.APPOINTMENT_TYPE_PATTERN: r"^appt:type:",
        callbacks.APPOINTMENT_PICK_PATTERN: r"^appt:pick:",
        callbacks.BC_AUDIENCE_PATTERN: r"^bc:aud:",
        callbacks.BC_CHAPTER_PATTERN: r"^bc:ch:",
        callbacks.APPOINTMENT_CONSENT_PATTERN: r"^appt:consent:(yes|no)$",
        callbacks.APPOINTMENT_DEL_PATTERN: r"^appt:del:\d+$",
        callbacks.APPOINTMENT_ICS_PATTERN: r"^appt:ics:\d+$",
        callbacks.APPOINTMENT_SAVE_PATTERN: r"^appt:save$",
        callbacks.REMINDER_READ_PATTERN: r"^rem:read:\d+$",
        callbacks.DELETE_PATTERN: r"^del:(yes|no)$",
        callbacks.BROADCASTS_PATTERN: r"^bcast:(on|off|consent)$",
        callbacks.BC_SEND_PATTERN: r"^bc:(send|urgent)$",
        callbacks.TQ_SEND_PATTERN: r"^tq:send:\d+$",
        callbacks.BC_PATTERN: r"^bc:",
    }
    samples = [
        "ch:",
        "ch:x\ny",
        "appt:type:",
        "appt:type:ct",
        "appt:pick:x",
        "appt:pick:12",
        "bc:aud:type:ct",
        "bc:ch:",
        "appt:consent:yes",
        "appt:consent:maybe",
        "appt:del:7",
        "appt:del:x",
        "appt:ics:7\n",
        "appt:save",
        "appt:saved",
        "rem:read:12",
        "del:no",
        "bcast:consent",
        "bc:urgent",
        "bc:send2",
        "tq:send:9",
        "bc:other",
        "menu",
    ]
    for new, old in before.items():
        for data in samples:
            assert bool(re.match(new, data)) == bool(re.match(old, data)), (old, data)


def test_the_parsers_the_handlers_use() -> None:
    assert callbacks.parse_chapter_page("pg:contact:2") == ("contact", 2)
    assert callbacks.parse_chapter_page("pg:contact:0") is None
    assert callbacks.parse_appointment_pick("appt:pick:x") is None
    assert callbacks.parse_appointment_type("appt:type:") == ""
    assert callbacks.parse_chapter("menu") is None and callbacks.parse_bc_audience("bc:ch:x") is None
    assert callbacks.APPOINTMENT_LIST.parse("appt:del:7") == ("del", 7)
    assert callbacks.REMINDER_MOVE.parse("rem:move:3") == 3 and callbacks.REMINDER_READ.parse("rem:move:3") is None
    assert Fixed("bc:upd").pattern == r"^bc:upd$"
