"""Keeping the long-lived part of the process out of the garbage collector's full passes."""

from __future__ import annotations

import gc


def keep_long_lived_out_of_gc() -> None:
    """Move every object alive now (the folder, search index, word lists, python-telegram-bot) to the
    collector's permanent generation.

    They live as long as the process; a full collection walking them paused the event loop for about
    50 ms, and with it every chat's reply. Objects freed later are still freed by reference counting.
    Call once everything is loaded, and again after a content reload.
    """
    gc.collect()
    gc.freeze()
