"""Freezing long-lived objects out of the collector happens only in a process that froze at start-up."""

from __future__ import annotations

import gc

from bot.app.memory import keep_reloaded_out_of_gc


def test_a_reload_in_a_process_that_never_froze_freezes_nothing() -> None:
    assert gc.get_freeze_count() == 0  # tests never run `python -m bot run`'s start-up freeze
    keep_reloaded_out_of_gc()
    assert gc.get_freeze_count() == 0
