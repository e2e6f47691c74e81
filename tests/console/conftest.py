"""Console fixtures: settings on a temporary SQLite database, the console app with a manual clock, signed-in clients."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bot.clock import AMSTERDAM, ManualClock
from bot.console.app import build_console_app
from bot.console.cli import build_context
from bot.console.web import ConsoleContext
from bot.settings import Settings
from bot.staff.signin import create_signin_link

STAFF = 4242
OTHER_STAFF = 4343
STRANGER = 999
TUESDAY_10_30 = datetime(2026, 12, 1, 10, 30, tzinfo=AMSTERDAM)
CONSOLE_URL = "http://127.0.0.1:8070"


def console_settings(tmp_path: Path, **changes: object) -> Settings:
    """The repository's content with a temporary database, two staff ids and a patient-number key."""
    settings = dataclasses.replace(
        Settings.from_env({}),
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        staff_user_ids=frozenset({STAFF, OTHER_STAFF}),
        bot_username="levermetastasen_test_bot",
        console_url=CONSOLE_URL,
        patient_id_key="test-key-not-secret",
    )
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def sign_in(client: TestClient, ctx: ConsoleContext, user_id: int = STAFF) -> str:
    """Sign `client` in through a fresh link; return the session's CSRF token."""
    link = create_signin_link(ctx.queries, CONSOLE_URL, user_id, ctx.clock.now())
    page = client.get(link.removeprefix(CONSOLE_URL))
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token
    response = client.post(
        "/signin", data={"csrf": csrf_of(page.text), "token": token.group(1)}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/enrolment").text)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(TUESDAY_10_30)


@pytest.fixture
def ctx(tmp_path: Path, clock: ManualClock) -> ConsoleContext:
    return build_context(console_settings(tmp_path), clock=clock)


@pytest.fixture
def client(ctx: ConsoleContext) -> Iterator[TestClient]:
    with TestClient(build_console_app(ctx), base_url=CONSOLE_URL) as test_client:
        yield test_client
