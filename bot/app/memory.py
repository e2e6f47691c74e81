"""Keeping the long-lived part of the process out of the garbage collector's full passes."""

from __future__ import annotations

import gc


def keep_long_lived_out_of_gc() -> None:
    """Move every object alive now (the folder, search index, word lists, python-telegram-bot) to the
    collector's permanent generation.

    They live as long as the process; a full collection walking them paused the event loop for about
    50 ms, and with it every chat's reply. Objects freed later are still freed by reference counting.
    Call once everything is loaded (`python -m bot run`); after a content reload, call
    `keep_reloaded_out_of_gc`.
    """
    gc.collect()
    gc.freeze()


def keep_reloaded_out_of_gc() -> None:
    """After a content reload: the same for the new content, in a process that froze at start-up.

    (A process that never froze — a test run, the demo — is left as it is: a freeze hides objects from
    `gc.get_referrers`, which libraries imported later rely on.)
    """
    if gc.get_freeze_count():
        keep_long_lived_out_of_gc()
