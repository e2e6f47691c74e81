"""A question the folder cannot answer, from the patient's chat to the staff console and back, in real Chromium.

The patient talks to the real bot (build_application) over the local Bot API fake; staff use the console
in a headless Chromium (Selenium) on the same database. The bot's own answer delivery sends what the
console queued. Screenshots of the inbox and the thread go to tmp/artefacts (docs/team-questions.png in
the README is one of them). Skipped with a message when chromium / chromium-driver are not installed.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app.assembly import build_application
from bot.console.cli import build_context
from bot.console.web import ConsoleContext
from bot.fakeapi.harness import BotHarness
from bot.fakeapi.server import FakeBotApi
from bot.inbox.crypto import InboxCipher
from bot.staff.signin import create_signin_link
from tests.console.browser import ARTEFACTS, chromium, console_server
from tests.console.conftest import OTHER_STAFF, STAFF, console_settings

WAIT = 20
KEY = "dGVzdC1rZXktbm90LXNlY3JldC0zMi1ieXRlcy0hIT0="
PATIENT = 1000
QUESTION = "Mag mijn hond mee naar de poli als ik voor controle kom?"
ANSWER = "Nee, alleen hulphonden mogen mee het ziekenhuis in. Vraag iemand om op uw hond te passen."
FOLLOW_UP = "Dank u. Mag mijn partner wel mee naar binnen?"


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


def _by(kind: str) -> Any:
    from selenium.webdriver.common.by import By

    return getattr(By, kind)


def _wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)


def _sign_in(driver: Any, ctx: ConsoleContext, url: str) -> None:
    driver.get(create_signin_link(ctx.queries, url, STAFF, ctx.clock.now()))
    driver.find_element(_by("ID"), "signin").click()
    _wait(driver, lambda d: d.current_url.endswith("/enrolment"))


def _earlier_questions(ctx: ConsoleContext) -> None:
    """Two questions from other patients asked before, so the inbox looks as it will: one flagged, one claimed."""
    cipher = InboxCipher(KEY)
    inbox = ctx.storage.inbox
    now = ctx.clock.now()
    flagged = "Ik heb sinds gisteren 38,6 koorts. Moet ik mijn chemo van donderdag dan uitstellen?"
    inbox.open_thread(2001, "nl", "seh", cipher.seal(flagged), 11, now - timedelta(days=1, hours=3))
    claimed = inbox.open_thread(
        2002, "en", "none", cipher.seal("Can I fly to Spain in May?"), 12, now - timedelta(hours=5)
    )
    inbox.claim(claimed.thread_id, OTHER_STAFF, 1, now)


async def test_a_question_reaches_the_team_and_the_answer_reaches_the_patient(tmp_path: Path, driver: Any) -> None:
    ctx = build_context(console_settings(tmp_path, inbox_key=KEY))
    _earlier_questions(ctx)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with console_server(ctx) as url:
        driver.delete_all_cookies()
        async with FakeBotApi() as fake:
            settings = dataclasses.replace(ctx.settings, base_url=fake.base_url)
            assembly = build_application(settings, retry_delays=(0.0, 0.0, 0.0), answer_poll=0.2)
            async with BotHarness(assembly.app, fake) as patient:
                await assembly.startup()
                try:
                    # The patient: not in the folder -> the button -> the confirmation.
                    reply = await patient.say(PATIENT, QUESTION)
                    reply.assert_contains("niet in de folder")
                    confirmed = await patient.press(PATIENT, "Stuur mijn vraag naar het team")
                    confirmed.assert_contains("Uw vraag is naar het HPB team gestuurd", "112")
                    [thread_id] = [t.id for t in ctx.storage.inbox.list_threads(open_only=True) if t.chat_id == PATIENT]

                    def staff_answers() -> str:
                        _sign_in(driver, ctx, url)
                        driver.find_element(_by("LINK_TEXT"), "Vragen").click()
                        table = _wait(driver, lambda d: d.find_elements(_by("ID"), "open-questions"))[0]
                        assert "nieuw" in table.text and "hond" not in table.text  # the list holds no texts
                        assert (
                            "⚠ Alarm: SEH" in table.text and f"in behandeling door staf-id {OTHER_STAFF}" in table.text
                        )
                        driver.save_screenshot(str(ARTEFACTS / "questions-inbox.png"))
                        table.find_element(_by("LINK_TEXT"), f"Openen {thread_id}").click()
                        thread = _wait(driver, lambda d: d.find_elements(_by("ID"), "thread"))[0]
                        assert QUESTION in thread.text
                        driver.find_element(_by("ID"), "claim").click()
                        _wait(driver, lambda d: d.find_elements(_by("ID"), "q-notice"))
                        assert f"door staf-id {STAFF}" in driver.find_element(_by("ID"), "q-status").text
                        driver.find_element(_by("ID"), "answer-text").send_keys(ANSWER)
                        # htmx: the preview shows the answer as the patient will see it, with its length.
                        _wait(driver, lambda d: "hulphonden" in d.find_element(_by("ID"), "answer-preview").text)
                        preview = driver.find_element(_by("ID"), "answer-preview").text
                        assert "Antwoord van het HPB team" in preview and QUESTION in preview
                        assert "van 4096 tekens" in driver.find_element(_by("ID"), "length").text
                        driver.save_screenshot(str(ARTEFACTS / "questions-answer.png"))
                        driver.find_element(_by("ID"), "send-answer").click()
                        notice = _wait(driver, lambda d: d.find_elements(_by("ID"), "q-notice"))[0]
                        return str(notice.text)

                    notice = await asyncio.to_thread(staff_answers)
                    assert "de bot stuurt het nu naar de patiënt" in notice

                    # The bot's delivery sends it: once.
                    def answered() -> list[Any]:
                        return [m for m in fake.messages_to(PATIENT) if "Antwoord van het HPB team" in m.body]

                    await fake.wait_until(lambda: bool(answered()), within=WAIT, what="the team's answer")
                    await asyncio.sleep(1.0)  # several delivery turns (every 0.2 s): still one message
                    assert len(answered()) == 1 and "hulphonden" in answered()[0].body

                    # The patient's one reply, into the same thread.
                    (await patient.press(PATIENT, "Reageer op dit antwoord")).assert_contains("Typ nu uw reactie")
                    (await patient.say(PATIENT, FOLLOW_UP)).assert_contains("Uw reactie is naar het HPB team gestuurd")

                    def staff_sees_the_follow_up() -> list[str]:
                        driver.get(f"{url}/questions/{thread_id}")
                        thread = _wait(driver, lambda d: d.find_elements(_by("ID"), "thread"))[0]
                        items = [li.text for li in thread.find_elements(_by("CSS_SELECTOR"), "li.msg")]
                        driver.save_screenshot(str(ARTEFACTS / "questions-thread.png"))
                        driver.find_element(_by("LINK_TEXT"), "Terug naar de vragen").click()
                        _wait(driver, lambda d: d.find_elements(_by("ID"), "open-questions"))
                        assert "vervolgvraag" in driver.find_element(_by("ID"), "open-questions").text
                        return items

                    items = await asyncio.to_thread(staff_sees_the_follow_up)
                finally:
                    await assembly.shutdown()
    assert len(items) == 3
    assert QUESTION in items[0] and "hulphonden" in items[1] and "afgeleverd" in items[1] and FOLLOW_UP in items[2]
    [thread] = [t for t in ctx.storage.inbox.list_threads(open_only=True) if t.chat_id == PATIENT]
    assert thread.status == "new" and thread.follow_up_used
