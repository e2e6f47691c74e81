"""Callback data of inline buttons. Short, prefixed strings; anything else is treated as stale.

menu                    the main menu
ch:<chapter-id>         open a chapter
rem:read:<reminder-id>  "Gelezen" under a reminder
rem:move:<appt-id>      "Afspraak verzetten?" under a reminder
appt:…                  the /afspraak conversation and /afspraken list
lang:<nl|en>            /taal
bc:…                    staff broadcast confirmation
del:…                   /stop confirmation
"""

MENU = "menu"


def chapter(chapter_id: str) -> str:
    """Callback data that opens a chapter."""
    return f"ch:{chapter_id}"
