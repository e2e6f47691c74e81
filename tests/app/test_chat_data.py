"""The chat's typed state and its `dialog_state` JSON: round trip, rows of the earlier string-keyed
version, and unreadable fields dropped one by one."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from bot.app.chat_state import dump_state, load_state
from bot.app.context import AppointmentDraft, ChatData
from bot.staff.broadcast_draft import Draft

NOW = datetime(2025, 3, 4, 10, 30, tzinfo=UTC)

# A row as the version with string keys in chat_data wrote it (json.dumps, sort_keys=True).
OLD_ROW = json.dumps(
    {
        "appointment_draft": {
            "day": "2025-03-10",
            "step": "confirm",
            "touched_at": "2025-03-04T10:30:00+00:00",
            "type": "mri",
            "when": "2025-03-10T12:15:00+00:00",
        },
        "enrol_code_hash": "c0ffee",
        "lang": "en",
        "staff_draft": {
            "audience": "type:ct",
            "chapter_ids": ["contact"],
            "kind": "chapter",
            "step": "preview",
            "text": None,
        },
    },
    sort_keys=True,
)


def full_state() -> ChatData:
    return ChatData(
        lang="en",
        appointment=AppointmentDraft(
            step="confirm",
            touched_at=NOW,
            type="mri",
            day=date(2025, 3, 10),
            when=datetime(2025, 3, 10, 12, 15, tzinfo=UTC),
        ),
        staff_draft=Draft(audience="type:ct", kind="chapter", chapter_ids=("contact",), step="preview"),
        enrol_code_hash="c0ffee",
        alarm_answered_update=17,
    )


def test_the_persisted_fields_round_trip_and_the_alarm_mark_stays_in_memory() -> None:
    stored = dump_state(full_state())
    loaded = ChatData(alarm_answered_update=3)
    load_state(loaded, stored)
    assert loaded == ChatData(**{**vars(full_state()), "alarm_answered_update": 3})
    assert "alarm" not in (stored or "")


def test_rows_of_the_string_keyed_version_read_and_are_written_the_same() -> None:
    state = ChatData()
    load_state(state, OLD_ROW)
    assert state == ChatData(**{**vars(full_state()), "alarm_answered_update": None})
    assert dump_state(state) == OLD_ROW


def test_nothing_kept_is_no_row_and_an_absent_row_empties_the_persisted_fields() -> None:
    assert dump_state(ChatData(alarm_answered_update=5)) is None
    state = full_state()
    load_state(state, None)
    assert state == ChatData(alarm_answered_update=17)


def test_an_unreadable_field_is_dropped_and_the_rest_of_the_row_still_counts() -> None:
    row = json.loads(OLD_ROW)
    row["lang"] = "fr"
    row["appointment_draft"]["touched_at"] = "2025-03-04T10:30:00"  # no time zone
    row["enrol_code_hash"] = 12
    state = ChatData()
    load_state(state, json.dumps(row))
    assert state.lang is None and state.appointment is None and state.enrol_code_hash is None
    assert state.staff_draft == full_state().staff_draft

    row = json.loads(OLD_ROW)
    row["appointment_draft"]["step"] = "payment"
    row["staff_draft"]["chapter_ids"] = "contact"
    row["enrol_code_hash"] = {"nested": True}
    load_state(state, json.dumps(row))
    assert state.appointment is None and state.staff_draft is None and state.enrol_code_hash is None
    assert state.lang == "en"

    load_state(state, json.dumps({**json.loads(OLD_ROW), "appointment_draft": 5, "staff_draft": ["x"]}))
    assert state.appointment is None and state.staff_draft is None and state.enrol_code_hash == "c0ffee"


def test_a_damaged_row_empties_the_state() -> None:
    for damaged in ("{not json", "[1, 2]", '"text"'):
        state = full_state()
        load_state(state, damaged)
        assert state == ChatData(alarm_answered_update=17)


def test_clear_forgets_everything() -> None:
    state = full_state()
    state.clear()
    assert state == ChatData()
