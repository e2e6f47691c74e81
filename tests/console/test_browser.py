"""The console in a real headless Chromium (Selenium): sign in, enrol and print, import, broadcast, sign off, statistics.

Skipped with a message when Debian's chromium / chromium-driver are not installed (.ci/run installs them).
The broadcast test runs the real bot (build_application) against the local Bot API fake, so the
bot's own outbox sender delivers what the console queued.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app.assembly import build_application
from bot.clock import local
from bot.console.cli import build_context
from bot.console.web import ConsoleContext
from bot.fakeapi.harness import BotHarness
from bot.fakeapi.server import FakeBotApi
from bot.outbox.pacer import UNPACED
from bot.staff.signin import create_signin_link
from tests.cli import run_bot
from tests.console.browser import ARTEFACTS, chromium, console_server
from tests.console.conftest import STAFF, console_settings
from tests.console.helpers import DATA, subscribers

WAIT = 20


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def live(tmp_path: Path, driver: Any) -> Iterator[tuple[ConsoleContext, str]]:
    ctx = build_context(console_settings(tmp_path))
    with console_server(ctx) as url:
        driver.delete_all_cookies()
        yield ctx, url


def _wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)


def _by(kind: str) -> Any:
    from selenium.webdriver.common.by import By

    return getattr(By, kind)


def sign_in(driver: Any, ctx: ConsoleContext, url: str) -> None:
    """Open a one-time link like a staff member would and press Aanmelden."""
    link = create_signin_link(ctx.queries, url, STAFF, ctx.clock.now())
    driver.get(link)
    driver.find_element(_by("ID"), "signin").click()
    _wait(driver, lambda d: d.current_url.endswith("/enrolment"))
    assert driver.find_element(_by("TAG_NAME"), "h1").text == "Inschrijven"


def test_sign_in_enrol_and_print_a_card(live: tuple[ConsoleContext, str], driver: Any) -> None:
    ctx, url = live
    sign_in(driver, ctx, url)
    field = driver.find_element(_by("ID"), "identifier")
    assert driver.find_element(_by("CSS_SELECTOR"), "label[for=identifier]").text  # every field has a label
    field.send_keys("MRN-1001")
    driver.find_element(_by("ID"), "create-code").click()
    card = _wait(driver, lambda d: d.find_elements(_by("CSS_SELECTOR"), "article.a6-card"))[0]
    assert "Tik op Start" in card.text and "https://t.me/levermetastasen_test_bot?start=" in card.text
    qr = card.find_element(_by("CSS_SELECTOR"), "img.qr")
    assert driver.execute_script("return arguments[0].naturalWidth", qr) > 100  # the QR image loaded (CSP allows it)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTEFACTS / "enrolment-card-screen.png"))
    # The print stylesheet: only the card, on one A6 page.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not driver.find_element(_by("CSS_SELECTOR"), "header.top").is_displayed()
    assert not driver.find_element(_by("ID"), "print-card").is_displayed()
    driver.save_screenshot(str(ARTEFACTS / "enrolment-card-print.png"))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    data = base64.b64decode(pdf["data"])
    (ARTEFACTS / "enrolment-card.pdf").write_bytes(data)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert len(boxes) == 1, boxes  # one page
    assert abs(float(boxes[0][0]) - 297.6) < 2 and abs(float(boxes[0][1]) - 419.5) < 2  # A6: 105 x 148 mm
    # the list shows the new code by its hash prefix, with the patient number flag
    driver.find_element(_by("LINK_TEXT"), "Terug naar inschrijven").click()
    table = _wait(driver, lambda d: d.find_elements(_by("CSS_SELECTOR"), "table"))[0]
    assert "met patiëntnummer" in table.text
    # keyboard: the skip link is the first thing Tab reaches
    driver.find_element(_by("TAG_NAME"), "body").send_keys("\t")
    assert driver.switch_to.active_element.get_attribute("class") == "skip"


def _dated(template: str, ctx: ConsoleContext, tmp_path: Path, name: str) -> Path:
    """A data file with its dates moved to the days after today (the files say 2026-12-1x)."""
    today = local(ctx.clock.now()).date()
    text = template
    for day in range(10, 18):
        text = text.replace(f"2026-12-{day}", f"{today + timedelta(days=day):%Y-%m-%d}")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _without_last_row(name: str, text: str) -> str:
    """The file without its one bad row (the last line of the CSV, the last entry of the bundle)."""
    if name.endswith(".csv"):
        return "\n".join(text.splitlines()[:-1]) + "\n"
    doc = json.loads(text)
    doc["entry"] = doc["entry"][:-1]
    return json.dumps(doc)


def test_import_a_csv_and_a_fhir_bundle_each_with_one_bad_row_then_without_it(
    live: tuple[ConsoleContext, str], driver: Any, tmp_path: Path
) -> None:
    ctx, url = live
    sign_in(driver, ctx, url)
    subscribers(ctx, [1000])
    driver.find_element(_by("ID"), "identifier").send_keys("MRN-1001")
    driver.find_element(_by("ID"), "create-code").click()
    card = _wait(driver, lambda d: d.find_elements(_by("CSS_SELECTOR"), "p.card-link"))[0]
    from bot.reminders.codes import code_hash
    from bot.staff.enrolment import EnrolmentService

    code = card.text.rsplit("start=", 1)[1]
    rules = ctx.knowledge.current.catalog.reminder_rules
    assert EnrolmentService(ctx.storage, ctx.clock).redeem(code_hash(code), 2000, "nl", rules).outcome == "ok"
    for name, expected in (("appointments.csv", "csv-1: added"), ("bundle.json", "fhir-appt-1: added")):
        text = (DATA / name).read_text(encoding="utf-8")
        for content, bad, good in ((text, 1, 0), (_without_last_row(name, text), 0, 2)):
            path = _dated(content, ctx, tmp_path, name)
            driver.get(f"{url}/appointments")
            driver.find_element(_by("ID"), "file").send_keys(str(path))
            driver.find_element(_by("ID"), "import").click()
            result = _wait(driver, lambda d: d.find_elements(_by("ID"), "import-result"))[0]
            assert len(result.find_elements(_by("CSS_SELECTOR"), "tr.bad-row")) == bad  # all or nothing
            assert len(result.find_elements(_by("CSS_SELECTOR"), "tr.ok-row")) == good
        assert expected in result.text
    upcoming = driver.find_element(_by("TAG_NAME"), "main").text
    assert "fhir-appt-2" in upcoming and "csv-2" in upcoming


async def test_compose_confirm_and_watch_a_broadcast_reach_100_percent(
    live: tuple[ConsoleContext, str], driver: Any
) -> None:
    ctx, url = live
    chats = list(range(3001, 3013))
    subscribers(ctx, chats)
    async with FakeBotApi() as fake:
        settings = dataclasses.replace(ctx.settings, base_url=fake.base_url)
        assembly = build_application(
            settings,
            retry_delays=(0.0, 0.0, 0.0),
            outbox_options={"quiet": None, "poll": 0.2, "rate": 4, "instance_id": "outbox-browser"},
            limits=dataclasses.replace(UNPACED, broadcast_per_second=4),  # slow enough to watch it grow
        )
        async with BotHarness(assembly.app, fake):
            await assembly.startup()
            try:

                def compose_and_watch() -> list[str]:
                    sign_in(driver, ctx, url)
                    driver.get(f"{url}/broadcasts")
                    driver.find_element(_by("ID"), "text").send_keys("Het spreekuur is op 24 december gesloten.")
                    driver.find_element(_by("ID"), "preview").click()
                    count = _wait(driver, lambda d: d.find_elements(_by("ID"), "count"))[0]
                    assert "12 ontvanger(s)" in count.text
                    assert "Bericht van het HPB team" in driver.find_element(_by("CSS_SELECTOR"), ".bubble").text
                    driver.find_element(_by("ID"), "confirm").click()
                    seen: list[str] = []

                    def done(d: Any) -> bool:
                        seen.append(d.find_element(_by("ID"), "percent").text)
                        return seen[-1] == "100%"

                    _wait(driver, done)
                    assert driver.find_element(_by("ID"), "n-sent").text == "12"
                    assert driver.find_element(_by("ID"), "state").text == "Klaar"
                    return seen

                seen = await asyncio.to_thread(compose_and_watch)
            finally:
                await assembly.shutdown()
        assert any(p != "100%" for p in seen), "progress was only ever seen complete"
        for chat in chats:
            assert [m.body for m in fake.messages_to(chat) if "24 december" in m.body], chat
    summary = ctx.storage.staff.list_broadcasts(1)[0]
    assert summary.sent == 12 and summary.broadcast.status == "done"


def test_sign_off_an_alarm_concept_and_content_check_counts_it(live: tuple[ConsoleContext, str], driver: Any) -> None:
    ctx, url = live
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": ctx.settings.database_url}
    total = len(ctx.knowledge.current.catalog.alarms.unreviewed())
    assert f"({total} not yet signed off" in run_bot("content", "check", env=env).stdout
    sign_in(driver, ctx, url)
    driver.find_element(_by("LINK_TEXT"), "Inhoud").click()
    concept = ctx.knowledge.current.catalog.alarms.unreviewed()[0]
    _wait(driver, lambda d: d.find_elements(_by("ID"), "concepts"))
    driver.find_element(_by("LINK_TEXT"), concept.id).click()
    replies = _wait(driver, lambda d: d.find_elements(_by("CSS_SELECTOR"), ".phone"))
    assert len(replies) == 3 and all("112" in r.text for r in replies)
    driver.find_element(_by("ID"), "reviewed_by").send_keys("Dr. A. Jansen")
    driver.find_element(_by("ID"), "sign-off").click()
    notice = _wait(driver, lambda d: d.find_elements(_by("ID"), "review-notice"))[0]
    assert notice.text == "Afgetekend."
    assert "Dr. A. Jansen" in driver.find_element(_by("ID"), "signoff-state").text
    checked = run_bot("content", "check", env=env).stdout
    assert f"({total - 1} not yet signed off" in checked and "1 signed off in the staff console" in checked


def test_statistics_show_the_days_figures(live: tuple[ConsoleContext, str], driver: Any) -> None:
    ctx, url = live
    subscribers(ctx, [1001, 1002, 1003])
    today = local(ctx.clock.now()).date()
    ctx.storage.count_miss(today, 4)
    ctx.queries.add_daily_count(today, "alarm_urgent", 2)
    ctx.queries.add_daily_count(today, "answered", 5)
    from bot.staff.broadcast_draft import Composer, Draft

    catalog = ctx.knowledge.current.catalog
    Composer(ctx.storage, catalog, catalog.staff).confirm(
        Draft().with_text("Hallo"), ctx.clock.now(), STAFF, False, None
    )
    sign_in(driver, ctx, url)
    driver.find_element(_by("LINK_TEXT"), "Statistiek").click()
    table = _wait(driver, lambda d: d.find_elements(_by("ID"), "figures"))[0]
    first = table.find_elements(_by("CSS_SELECTOR"), "tbody tr")[0].text.split()
    assert first == [today.isoformat(), "0", "0", "2", "5", "4", "0", "0", "0", "1", "3", "0", "0"]
    assert len(driver.find_elements(_by("CSS_SELECTOR"), "svg rect.bar")) >= 8 * 14
    assert "Hallo" not in driver.find_element(_by("TAG_NAME"), "main").text
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTEFACTS / "statistics.png"))
    assert json.dumps(first)  # figures only: day and counts
