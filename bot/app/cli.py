"""`python -m bot run` (Telegram, long polling or webhook) and `python -m bot demo` (terminal chat)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
import tempfile
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.app.assembly import ALLOWED_UPDATES, build_application
from bot.app.knowledge import ContentLoadError
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `run` and `demo` commands."""
    run = subparsers.add_parser("run", help="run the bot on Telegram (needs TELEGRAM_BOT_TOKEN)")
    run.add_argument("--base-url", help="Bot API server, e.g. http://127.0.0.1:8081/bot (default: Telegram)")
    run.add_argument("--db", help="database URL (default: DATABASE_URL or sqlite:///data/bot.db)")
    run.set_defaults(func=_run)
    demo = subparsers.add_parser("demo", help="chat with the bot in this terminal, without Telegram")
    demo.set_defaults(func=_demo)


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    changes: dict[str, object] = {}
    if getattr(args, "base_url", None):
        changes["base_url"] = args.base_url
    if getattr(args, "db", None):
        changes["database_url"] = args.db
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


def _run(args: argparse.Namespace) -> int:
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the bot token
    try:
        settings = _settings(args)
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is not set. Without a token, try: python -m bot demo", file=sys.stderr)
        return 2
    try:
        assembly = build_application(settings)
    except ContentLoadError as exc:
        print(f"content problems, not starting:\n{exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(
            f"database unavailable, not starting: {type(exc).__name__}: {exc.args[0] if exc.args else ''}",
            file=sys.stderr,
        )
        return 1
    assembly.app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from bot.app.demo_console import run_console

    logging.getLogger().setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="levermetastasen-demo-") as tmp:
        base = Settings.from_env()

        def app_factory(base_url: str):  # type: ignore[no-untyped-def]
            settings = dataclasses.replace(
                base, token=None, base_url=base_url, database_url=f"sqlite:///{Path(tmp) / 'demo.db'}"
            )
            return build_application(settings).app

        try:
            asyncio.run(run_console(app_factory))
        except ContentLoadError as exc:
            print(f"content problems:\n{exc}", file=sys.stderr)
            return 1
    return 0
