"""`python -m bot run` (Telegram, long polling or webhook) and `python -m bot demo` (terminal chat)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError

from bot import cliargs
from bot.app.assembly import ALLOWED_UPDATES, build_application
from bot.app.memory import keep_long_lived_out_of_gc
from bot.app.webhook import use_strict_json_handler
from bot.knowledge import ContentLoadError
from bot.observability.logs import configure_logging
from bot.observability.pseudonyms import use_log_salt
from bot.settings import Settings
from bot.storage.secrets import LOG_SALT, kept_secret
from bot.storage.store import Storage

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `run` and `demo` commands."""
    run = subparsers.add_parser("run", help="run the bot on Telegram (needs TELEGRAM_BOT_TOKEN)")
    run.add_argument("--base-url", help="Bot API server, e.g. http://127.0.0.1:8081/bot (default: Telegram)")
    run.add_argument("--db", help="database URL (default: DATABASE_URL or sqlite:///data/bot.db)")
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="receive updates by webhook at this public https URL instead of long polling (needs WEBHOOK_SECRET)",
    )
    run.add_argument("--listen", default="0.0.0.0", help="webhook: address to listen on (default 0.0.0.0)")  # noqa: S104
    run.add_argument(
        "--port",
        type=cliargs.bounded_int(1, 65535, "a port"),
        default=8080,
        help="webhook: port to listen on (default 8080)",
    )
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
    # A SettingsError or any other exception goes to bot.cli.main: one redacted line, exit != 0.
    settings = _settings(args)
    configure_logging(settings.log_json)
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is not set. Without a token, try: python -m bot demo", file=sys.stderr)
        return 2
    try:
        assembly = build_application(settings, dedupe_updates=bool(args.webhook))
    except ContentLoadError as exc:
        print(f"content problems, not starting:\n{exc}", file=sys.stderr)
        return 1
    except (SQLAlchemyError, OSError) as exc:
        # One line, without the URL or SQL: both may carry credentials or data.
        first_line = (str(exc.args[0]) if exc.args else "").strip().splitlines()[:1]
        reason = first_line[0] if first_line else ""
        print(f"database unavailable, not starting: {type(exc).__name__}: {reason}", file=sys.stderr)
        return 1
    _use_log_salt(settings, assembly.services.storage)
    keep_long_lived_out_of_gc()
    if args.webhook:
        if not settings.webhook_secret:
            print("--webhook needs WEBHOOK_SECRET: Telegram sends it with every update", file=sys.stderr)
            return 2
        use_strict_json_handler(settings.webhook_max_bytes, settings.json_max_depth)
        assembly.app.run_webhook(
            listen=args.listen,
            port=args.port,
            url_path=webhook_path(args.webhook),
            webhook_url=args.webhook,
            secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        assembly.app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def _use_log_salt(settings: Settings, storage: Storage) -> None:
    """Key the log pseudonyms with LOG_HASH_SALT, or with a random salt kept in the database.

    An empty or default salt is public, and a 10-digit chat id space is cheap to search: the
    pseudonyms could be reversed. The generated salt is shared by every instance on the database.
    """
    if settings.log_hash_salt:
        use_log_salt(settings.log_hash_salt)
        return
    use_log_salt(kept_secret(storage, LOG_SALT, datetime.now(UTC)))
    log.warning("LOG_HASH_SALT is not set: chat ids in the logs are keyed with a random salt kept in the database")


def webhook_path(url: str) -> str:
    """The local path the webhook server answers on: the public URL's path."""
    return urlsplit(url).path.lstrip("/")


def _demo(args: argparse.Namespace) -> int:
    from bot.fakeapi.demo_console import run_console

    logging.getLogger().setLevel(logging.ERROR)
    from bot.console.demo import demo_console, demo_settings

    with tempfile.TemporaryDirectory(prefix="levermetastasen-demo-") as tmp:
        base = demo_settings(Settings.from_env())
        use_log_salt(base.log_hash_salt)  # a kept salt would be new each time: the demo's database is temporary
        base = dataclasses.replace(base, database_url=f"sqlite:///{Path(tmp) / 'demo.db'}")

        def app_factory(base_url: str):  # type: ignore[no-untyped-def]
            settings = dataclasses.replace(base, token=None, base_url=base_url)
            return build_application(settings).app

        async def chat_beside_the_console() -> None:
            async with demo_console(base):  # the staff console on 127.0.0.1, same database
                await run_console(app_factory)

        try:
            asyncio.run(chat_beside_the_console())
        except ContentLoadError as exc:
            print(f"content problems:\n{exc}", file=sys.stderr)
            return 1
    return 0
