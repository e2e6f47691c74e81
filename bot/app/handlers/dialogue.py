"""Typed text inside a patient dialogue: "stop", "help" and "weet ik niet" work everywhere, and a message
that is clearly not an answer gets the reply it calls for, never a dead end.

One text handler in `Group.DIALOGUE`, so after the alarm layer (an alarm was answered before this runs).
When the chat is in a dialogue — entering an appointment (/afspraak) or the consent after an enrolment
link — the message is read first for the dialogue words of content/conversation.yaml:
* "stop", "stoppen", "annuleren", "cancel": leave the dialogue, nothing is saved;
* "help", "?": what the step waits for, and the spoed line with 112 (it may be a cry for help);
* "weet ik niet", "I don't know": what the dialogue does without an answer.
Then the dialogue reads its answer. What it cannot take as one (a complaint, a feeling, a question,
anything without a date where a date is asked) gets the same reply as outside the dialogue — the
net that fits it, a feeling's sentence, the folder's passage — and then what the step still waits for.
"""

from __future__ import annotations

from typing import Protocol

from telegram import Update
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.app.context import Context
from bot.app.groups import Group, Registration
from bot.app.handlers.free_text import QuestionHandlers
from bot.app.handlers.safety import alarm_answered
from bot.app.replies import say, send_view
from bot.app.services import Services
from bot.triage.alarm_texts import render_safety_net


class PatientDialogue(Protocol):
    """A dialogue that waits for a patient's answer."""

    def is_open(self, context: Context) -> bool:
        """True while the chat is in this dialogue."""
        ...

    def waiting_for(self, context: Context) -> str:
        """What the open step waits for, and how to stop (Telegram HTML)."""
        ...

    def reminder(self, context: Context) -> str | None:
        """What to say after the reply to a message that was not an answer (None: nothing)."""
        ...

    async def stop(self, update: Update, context: Context) -> None:
        """Leave the dialogue and say so."""
        ...

    async def dont_know(self, update: Update, context: Context) -> None:
        """The patient does not know the answer."""
        ...

    async def answer(self, update: Update, context: Context) -> bool:
        """Take the text as the step's answer; False when it is not one."""
        ...


class EnrolmentConsent:
    """The consent buttons after an enrolment link (bot.app.handlers.staff_enrolment): typed text is never an answer."""

    def is_open(self, context: Context) -> bool:
        """True between the enrolment link and a consent button."""
        return context.state.enrol_code_hash is not None

    def waiting_for(self, context: Context) -> str:
        """Tap a consent button, or stop."""
        return context.t("enrol_help")

    def reminder(self, context: Context) -> str | None:
        """Nothing: the consent buttons stay where they are, and the code may wait for days."""
        return None

    async def stop(self, update: Update, context: Context) -> None:
        """Forget the code: nothing is stored."""
        context.state.enrol_code_hash = None
        await send_view(update.effective_message, say(context.t("appt_cancelled_conversation")))

    async def dont_know(self, update: Update, context: Context) -> None:
        """Explain the choice again."""
        await send_view(update.effective_message, say(self.waiting_for(context)))

    async def answer(self, update: Update, context: Context) -> bool:
        """The consent is given with a button only."""
        return False


class DialogueHandlers:
    """The dialogue words and the no-dead-end rule for every patient dialogue."""

    def __init__(self, services: Services, questions: QuestionHandlers, dialogues: list[PatientDialogue]) -> None:
        self.services = services
        self.questions = questions
        self.dialogues = dialogues

    def handlers(self) -> list[Registration]:
        """One handler for new typed text (commands such as /annuleer have their own)."""
        text = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
        return [(Group.DIALOGUE, MessageHandler(text, self.on_text))]

    async def on_text(self, update: Update, context: Context) -> None:
        """Dialogue words first, then the dialogue's answer, else the reply the message calls for."""
        message = update.effective_message
        dialogue = next((d for d in self.dialogues if d.is_open(context)), None)
        if message is None or not message.text or dialogue is None:
            return  # not in a dialogue: the question handler answers
        catalog = self.services.knowledge.current.catalog
        intent = catalog.conversation.intent(message.text)
        if intent == "stop":
            await dialogue.stop(update, context)
        elif intent == "help":
            now = self.services.clock.now()
            spoed = render_safety_net(now, catalog.content, context.lang, catalog.alarm_replies)
            await send_view(message, say(f"{dialogue.waiting_for(context)}\n\n{spoed}"))
        elif intent == "dont_know":
            await dialogue.dont_know(update, context)
        elif alarm_answered(update, context):
            return  # the alarm reply said whom to call; the question handler answers what was asked
        elif not await dialogue.answer(update, context):
            await self.questions.on_text(update, context)
            reminder = dialogue.reminder(context) if dialogue.is_open(context) else None
            if reminder:
                await send_view(message, say(reminder))
        raise ApplicationHandlerStop
