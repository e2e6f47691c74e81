"""`python -m bot console [--host H] [--port P]` and `python -m bot console-link --user ID`."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock, SystemClock
from bot.console.web import ConsoleContext
from bot.knowledge import ContentLoadError, KnowledgeStore
from bot.observability.logs import configure_logging
from bot.observability.pseudonyms import use_log_salt
from bot.settings import Settings, SettingsError
from bot.staff.signin import TooManyLinks, create_signin_link
from bot.storage.store import Storage, open_storage

DEFAULT_PORT = 8070
# uvicorn's options wherever the console is served: the project's logging (no handlers of uvicorn's
# own, so its lines are JSON with LOG_FORMAT=json and redacted), no access log (URLs can carry one-time
# sign-in tokens), no Server header, and no X-Forwarded-For handling of its own: `ConsoleGuard` reads
# that header, from CONSOLE_TRUSTED_PROXIES only (uvicorn would trust any request from 127.0.0.1).
SERVER_OPTIONS: dict[str, Any] = {
    "log_config": None,
    "log_level": "warning",
    "access_log": False,
    "proxy_headers": False,
    "server_header": False,
}


def build_context(
    settings: Settings,
    *,
    storage: Storage | None = None,
    clock: Clock | None = None,
    knowledge: KnowledgeStore | None = None,
) -> ConsoleContext:
    """The console's services over the bot's database (migrated) and content."""
    if storage is None:
        storage = open_storage(settings.database_url)
        storage.migrate()
    return ConsoleContext(
        settings=settings,
        storage=storage,
        knowledge=knowledge or KnowledgeStore(settings.content_dir, settings.schedules_dir),
        clock=clock or SystemClock(),
    )


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    if getattr(args, "db", None):
        settings = dataclasses.replace(settings, database_url=args.db)
    return settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.console.app import build_console_app

    try:
        settings = _settings(args)
        configure_logging(settings.log_json)
        use_log_salt(settings.log_hash_salt)  # the appointments page shows pseudonyms
        ctx = build_context(settings)
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except ContentLoadError as exc:
        print(f"content problems, not starting:\n{exc}", file=sys.stderr)
        return 1
    except (SQLAlchemyError, OSError) as exc:
        print(f"database unavailable, not starting: {type(exc).__name__}", file=sys.stderr)
        return 1
    if not settings.staff_user_ids:
        print("note: STAFF_USER_IDS is empty, so nobody can sign in", file=sys.stderr)
    print(f"staff console on http://{args.host}:{args.port} (public address: {settings.console_url})", flush=True)
    uvicorn.run(build_console_app(ctx), host=args.host, port=args.port, **SERVER_OPTIONS)
    return 0


def _link(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if args.user not in settings.staff_user_ids:
        print(f"user {args.user} is not in STAFF_USER_IDS: no link", file=sys.stderr)
        return 1
    storage = open_storage(settings.database_url)
    storage.migrate()
    try:
        link = create_signin_link(storage.console, settings.console_url, args.user, SystemClock().now())
    except TooManyLinks as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    print(link)
    print("valid 5 minutes, once", file=sys.stderr)
    return 0


def register(subparsers: Any) -> None:
    """Add `console` and `console-link`."""
    db_help = "database URL (default: DATABASE_URL or data/bot.db)"
    serve = subparsers.add_parser("console", help="run the staff console (web) on 127.0.0.1:8070")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument("--db", help=db_help)
    serve.set_defaults(func=_serve)
    link = subparsers.add_parser("console-link", help="print a one-time sign-in link to the console (5 minutes)")
    link.add_argument("--user", type=int, required=True, help="the staff member's Telegram user id")
    link.add_argument("--db", help=db_help)
    link.set_defaults(func=_link)
