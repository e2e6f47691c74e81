"""Does a message with an alarm also ask something? Triage's words read by the one question reader.

The `alarm` reading of bot/questions.py on the matcher's tokens: when it asks, the alarm reply is
followed by the folder's answer (bot/replying/compose.py).
"""

from __future__ import annotations

from bot import questions
from bot.triage.normalize import tokenize


def looks_like_question(text: str) -> bool:
    """True for a question mark, a question word anywhere, or a verb that opens a question (the `alarm`
    reading of bot/questions.py, on triage's words)."""
    return questions.asks_anywhere(text, [t.text for t in tokenize(text) if t.kind == "word"], "alarm")
