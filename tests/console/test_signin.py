"""Sign-in without passwords, sessions and the refusals, over plain HTTP (Starlette's TestClient)."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import UTC, datetime, timedelta
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from bot.clock import ManualClock
from bot.console.app import build_console_app
from bot.console.web import ConsoleContext
from bot.staff.signin import LINK_LIMIT, TooManyLinks, create_signin_link
from tests.app.helpers import free_port
from tests.cli import clean_env, finish, run_bot, start_bot
from tests.console.conftest import CONSOLE_URL, STAFF, STRANGER, csrf_of, sign_in
from tests.console.helpers import subscribers


def _open(client: TestClient, link: str) -> tuple[str, str]:
    page = client.get(link.removeprefix(CONSOLE_URL))
    assert page.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token
    return csrf_of(page.text), token.group(1)


def test_a_link_signs_in_once_with_safe_cookies_and_headers(client: TestClient, ctx: ConsoleContext) -> None:
    link = create_signin_link(ctx.queries, CONSOLE_URL, STAFF, ctx.clock.now())
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 random bits, URL-safe
    csrf, token = _open(client, link)
    response = client.post("/signin", data={"csrf": csrf, "token": token}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie.split("console_presignin")[0]
    page = client.get("/enrolment")
    assert page.status_code == 200 and "Inschrijven" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text and " style=" not in page.text
    # only the hash of the token is stored
    with ctx.storage.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM console_links").scalars().all()
    assert token not in stored and len(stored[0]) == 64
    actions = [e.action for e in ctx.storage.staff.audit_entries()]
    assert "console-link" in actions and "console-signin" in actions


def test_a_reused_link_is_refused(client: TestClient, ctx: ConsoleContext) -> None:
    link = create_signin_link(ctx.queries, CONSOLE_URL, STAFF, ctx.clock.now())
    csrf, token = _open(client, link)
    assert client.post("/signin", data={"csrf": csrf, "token": token}, follow_redirects=False).status_code == 303
    client.cookies.clear()
    csrf, token = _open(client, link)
    again = client.post("/signin", data={"csrf": csrf, "token": token}, follow_redirects=False)
    assert again.status_code == 403 and "al gebruikt of verlopen" in again.text
    assert client.get("/enrolment").status_code == 403


def test_an_expired_link_is_refused(client: TestClient, ctx: ConsoleContext, clock: ManualClock) -> None:
    link = create_signin_link(ctx.queries, CONSOLE_URL, STAFF, clock.now())
    csrf, token = _open(client, link)
    clock.advance(timedelta(minutes=5, seconds=1))
    response = client.post("/signin", data={"csrf": csrf, "token": token}, follow_redirects=False)
    assert response.status_code == 403
    assert "console-signin-refused" in [e.action for e in ctx.storage.staff.audit_entries()]


def test_a_made_up_link_and_a_missing_presignin_token_are_refused(client: TestClient) -> None:
    csrf, token = _open(client, f"{CONSOLE_URL}/signin/made-up-token")
    assert client.post("/signin", data={"csrf": csrf, "token": token}).status_code == 403
    client.cookies.clear()
    assert client.post("/signin", data={"csrf": csrf, "token": token}).status_code == 403


def test_a_non_staff_id_gets_no_link_and_no_session(tmp_path: Path, ctx: ConsoleContext, client: TestClient) -> None:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": ctx.settings.database_url, "STAFF_USER_IDS": str(STAFF)}
    refused = run_bot("console-link", "--user", str(STRANGER), env=env)
    assert refused.returncode == 1 and "not in STAFF_USER_IDS" in refused.stderr and "signin" not in refused.stdout
    # A link made for a staff member whose id has been removed since then does not sign in.
    link = create_signin_link(ctx.queries, CONSOLE_URL, STRANGER, ctx.clock.now())
    csrf, token = _open(client, link)
    assert client.post("/signin", data={"csrf": csrf, "token": token}).status_code == 403
    assert client.get("/enrolment").status_code == 403


def test_the_cli_prints_a_working_link(ctx: ConsoleContext, client: TestClient, clock: ManualClock) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": ctx.settings.database_url,
        "STAFF_USER_IDS": str(STAFF),
        "CONSOLE_URL": CONSOLE_URL,
    }
    made = run_bot("console-link", "--user", str(STAFF), env=env)
    assert made.returncode == 0, made.stderr
    link = made.stdout.strip()
    assert link.startswith(f"{CONSOLE_URL}/signin/")
    clock.set(datetime.now(UTC))  # the CLI used the real clock
    csrf, token = _open(client, link)
    assert client.post("/signin", data={"csrf": csrf, "token": token}, follow_redirects=False).status_code == 303


def test_removing_an_id_from_staff_ends_its_sessions(ctx: ConsoleContext, client: TestClient) -> None:
    sign_in(client, ctx)
    assert client.get("/enrolment").status_code == 200
    narrowed = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, staff_user_ids=frozenset()))
    with TestClient(build_console_app(narrowed), base_url=CONSOLE_URL) as other:
        other.cookies.update(client.cookies)
        assert other.get("/enrolment").status_code == 403
    assert client.get("/enrolment").status_code == 403  # the session itself is gone


def test_forms_without_their_csrf_token_are_refused(ctx: ConsoleContext, client: TestClient) -> None:
    csrf = sign_in(client, ctx)
    assert client.post("/enrolment", data={}).status_code == 403
    assert client.post("/enrolment", data={"csrf": "wrong"}).status_code == 403
    assert client.post("/broadcasts/confirm", data={"kind": "text", "text": "x", "audience": "all"}).status_code == 403
    assert client.post("/signout", data={}).status_code == 403
    assert ctx.queries.list_enrolments() == []
    assert client.post("/enrolment", data={"csrf": csrf}).status_code == 200
    assert len(ctx.queries.list_enrolments()) == 1


def test_idle_timeout_and_sign_out(ctx: ConsoleContext, client: TestClient, clock: ManualClock) -> None:
    csrf = sign_in(client, ctx)
    clock.advance(timedelta(minutes=29))
    assert client.get("/enrolment").status_code == 200  # activity restarts the idle clock
    clock.advance(timedelta(minutes=29))
    assert client.get("/broadcasts").status_code == 200
    clock.advance(timedelta(minutes=30))
    assert client.get("/enrolment").status_code == 403
    csrf = sign_in(client, ctx)
    assert client.post("/signout", data={"csrf": csrf}).status_code == 200
    assert client.get("/enrolment").status_code == 403
    assert "console-signout" in [e.action for e in ctx.storage.staff.audit_entries()]


def test_sign_in_links_are_rate_limited(ctx: ConsoleContext, clock: ManualClock) -> None:
    for _ in range(LINK_LIMIT):
        create_signin_link(ctx.queries, CONSOLE_URL, STAFF, ctx.clock.now())
    with pytest.raises(TooManyLinks):
        create_signin_link(ctx.queries, CONSOLE_URL, STAFF, ctx.clock.now())
    clock.advance(timedelta(minutes=16))
    create_signin_link(ctx.queries, CONSOLE_URL, STAFF, ctx.clock.now())


def test_sign_in_attempts_are_rate_limited_per_address(client: TestClient) -> None:
    answers = [client.post("/signin", data={"csrf": "x", "token": "y"}).status_code for _ in range(12)]
    assert answers[:10] == [403] * 10 and answers[-1] == 429


def test_plain_404_and_403_pages(client: TestClient, ctx: ConsoleContext) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Traceback" not in missing.text and "Niet gevonden" in missing.text
    assert client.get("/enrolment").status_code == 403
    sign_in(client, ctx)
    assert client.get("/broadcasts/12345").status_code == 404
    english = client.get("/lang/en?next=/enrolment", follow_redirects=True)
    assert "Enrolment" in english.text and 'lang="en"' in english.text
    assert client.get("/lang/en?next=//evil.example", follow_redirects=False).headers["location"] == "/"


def test_secure_cookies_beyond_localhost(tmp_path: Path, ctx: ConsoleContext) -> None:
    public = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, console_url="https://console.example"))
    with TestClient(build_console_app(public), base_url="https://console.example") as client:
        link = create_signin_link(public.queries, "https://console.example", STAFF, public.clock.now())
        page = client.get(link.removeprefix("https://console.example"))
        token = re.search(r'name="token" value="([^"]+)"', page.text)
        assert token
        response = client.post(
            "/signin", data={"csrf": csrf_of(page.text), "token": token.group(1)}, follow_redirects=False
        )
        session_cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("console_session="))
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=strict" in session_cookie


def test_compose_runs_the_console_on_loopback_and_the_package_ships_its_files() -> None:
    import tomllib

    import yaml

    root = Path(__file__).resolve().parent.parent.parent
    compose = yaml.safe_load((root / "docker-compose.yml").read_text(encoding="utf-8"))
    console = compose["services"]["console"]
    assert console["command"][:4] == ["python", "-m", "bot", "console"]
    assert console["ports"] == ["127.0.0.1:8070:8070"]
    assert console["environment"]["DATABASE_URL"] == compose["services"]["bot"]["environment"]["DATABASE_URL"]
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert set(data["bot.console"]) == {"templates/*.html", "static/*"}
    assert (root / "bot" / "console" / "static" / "htmx.min.js").stat().st_size > 30_000


# Issue 25, finding 8 and the session parts of 10: the sign-in limiter, lifetimes, Secure by scheme.


def _junk(client: TestClient, times: int, **headers: str) -> list[int]:
    return [client.post("/signin", data={"csrf": "x", "token": "y"}, headers=headers).status_code for _ in range(times)]


def _sign_in_with_a_link(client: TestClient, ctx: ConsoleContext, **headers: str) -> int:
    link = create_signin_link(ctx.queries, CONSOLE_URL, STAFF, ctx.clock.now())
    csrf, token = _open(client, link)
    status: int = client.post(  # Any to mypy: starlette's stubs type the TestClient with httpx2, not installed
        "/signin", data={"csrf": csrf, "token": token}, headers=headers, follow_redirects=False
    ).status_code
    return status


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(client: TestClient) -> None:
    answers = [_junk(client, 1, **{"X-Forwarded-For": f"198.51.100.{n}"})[0] for n in range(12)]
    assert answers[:10] == [403] * 10 and answers[-1] == 429  # one peer, whatever it claims


def test_junk_never_blocks_a_valid_link_and_failures_expire(
    client: TestClient, ctx: ConsoleContext, clock: ManualClock
) -> None:
    assert _junk(client, 12)[-1] == 429
    assert _sign_in_with_a_link(client, ctx) == 303  # same address, over its limit: a real link still works
    client.cookies.clear()
    clock.advance(timedelta(seconds=61))
    assert _junk(client, 1) == [403]  # forgotten after the window


def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_count(ctx: ConsoleContext) -> None:
    proxied = dataclasses.replace(
        ctx, settings=dataclasses.replace(ctx.settings, console_trusted_proxies=(ip_network("10.0.0.0/24"),))
    )
    app = build_console_app(proxied)
    with TestClient(app, base_url=CONSOLE_URL, client=("10.0.0.7", 40000)) as client:
        prober = {"X-Forwarded-For": "203.0.113.5"}
        assert _junk(client, 12, **prober)[-1] == 429
        # The prober cannot pose as someone else either: the proxy appends the address it saw.
        assert _junk(client, 1, **{"X-Forwarded-For": "192.0.2.1, 203.0.113.5"}) == [429]
        assert _junk(client, 1, **{"X-Forwarded-For": "192.0.2.44"}) == [403]
        assert _sign_in_with_a_link(client, proxied, **{"X-Forwarded-For": "192.0.2.44"}) == 303


def test_a_sign_in_of_someone_no_longer_staff_is_audited_as_refused(ctx: ConsoleContext, client: TestClient) -> None:
    link = create_signin_link(ctx.queries, CONSOLE_URL, STRANGER, ctx.clock.now())
    csrf, token = _open(client, link)
    assert client.post("/signin", data={"csrf": csrf, "token": token}).status_code == 403
    actions = [(e.action, e.detail) for e in ctx.storage.staff.audit_entries() if e.actor == STRANGER]
    assert ("console-signin-refused", "not in STAFF_USER_IDS") in actions
    assert "console-signin" not in [action for action, _ in actions]
    with ctx.storage.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM console_sessions").scalar_one() == 0


def test_a_session_ends_after_its_lifetime_however_busy(
    ctx: ConsoleContext, client: TestClient, clock: ManualClock
) -> None:
    sign_in(client, ctx)
    for _ in range(ctx.settings.console_session_hours * 3 - 1):
        clock.advance(timedelta(minutes=20))
        assert client.get("/enrolment").status_code == 200
    clock.advance(timedelta(minutes=20))
    assert client.get("/enrolment").status_code == 403
    assert "session ended after its lifetime" in [e.detail for e in ctx.storage.staff.audit_entries()]


def test_the_progress_poll_does_not_keep_an_unattended_session_alive(
    ctx: ConsoleContext, client: TestClient, clock: ManualClock
) -> None:
    subscribers(ctx, [1001])
    csrf = sign_in(client, ctx)
    form = {"csrf": csrf, "kind": "text", "text": "Hallo", "audience": "all"}
    report = client.post("/broadcasts/confirm", data=form, follow_redirects=False).headers["location"]
    for _ in range(ctx.settings.console_idle_minutes - 1):  # the page polls itself while nobody is at the desk
        clock.advance(timedelta(minutes=1))
        assert client.get(f"{report}/progress", headers={"HX-Request": "true"}).status_code == 200
    clock.advance(timedelta(minutes=1))
    assert client.get(f"{report}/progress").status_code == 403


@pytest.mark.parametrize(("url", "secure"), [("http://console.example", False), ("https://127.0.0.1:8443", True)])
def test_the_secure_flag_follows_the_scheme_of_console_url(ctx: ConsoleContext, url: str, secure: bool) -> None:
    public = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, console_url=url))
    with TestClient(build_console_app(public), base_url=url) as client:
        link = create_signin_link(public.queries, url, STAFF, public.clock.now())
        page = client.get(link.removeprefix(url))
        token = re.search(r'name="token" value="([^"]+)"', page.text)
        assert token
        response = client.post(
            "/signin", data={"csrf": csrf_of(page.text), "token": token.group(1)}, follow_redirects=False
        )
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("console_session="))
        assert ("Secure" in cookie) is secure


async def test_the_served_console_ignores_a_spoofed_forwarded_address_from_loopback(tmp_path: Path) -> None:
    # uvicorn trusted X-Forwarded-For from 127.0.0.1: each junk request could pose as a new address.
    port = free_port()
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", STAFF_USER_IDS=str(STAFF))
    process = await start_bot("console", "--port", str(port), env=env)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(600):  # the console starts in seconds; under load in tens of seconds
                try:
                    await client.get("/nowhere")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.1)
            answers = []
            for n in range(12):
                spoofed = {"X-Forwarded-For": f"198.51.100.{n}"}
                answers.append(
                    (await client.post("/signin", data={"csrf": "x", "token": "y"}, headers=spoofed)).status_code
                )
    finally:
        await finish(process, stop=True)
    assert answers[:10] == [403] * 10 and answers[-1] == 429
