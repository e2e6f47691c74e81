"""Settings from environment variables (see `.env.example` and the README).

Every value is checked here, once, so a mistyped variable stops the bot (or a command) with one
line that names the variable and what it may be, instead of a traceback or a silent surprise such
as a negative retention that deletes upcoming appointments. An empty variable means its default.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The salt the code used before a deployment set its own: public, so it protects nothing.
DEFAULT_LOG_HASH_SALT = "levermetastasen-bot"

# Inclusive ranges of the whole-number settings: (lowest, highest).
RANGES: dict[str, tuple[int, int]] = {
    "REMINDER_MAX_LATE_HOURS": (0, 72),
    "ENROL_CODE_DAYS": (1, 90),
    "PURGE_AFTER_DAYS": (1, 3650),
    "BROADCAST_RATE": (1, 30),  # Telegram allows about 30 messages per second over all chats
    "REPLY_MAX_WAIT": (10, 3600),  # seconds a reply may wait for Telegram's limits (alarm replies: always)
    "METRICS_PORT": (0, 65535),  # 0 = off
    # Input limits (README, "Security"): what one request, upload or import may hold.
    "WEBHOOK_MAX_BYTES": (10_000, 50_000_000),
    "JSON_MAX_DEPTH": (8, 512),
    "CONSOLE_MAX_UPLOAD_BYTES": (10_000, 50_000_000),
    "IMPORT_MAX_ROWS": (1, 1_000_000),
    "IMPORT_MAX_FIELD_CHARS": (100, 100_000),  # 100: an external id must fit
    # Console sessions and sign-in.
    "CONSOLE_IDLE_MINUTES": (1, 24 * 60),
    "CONSOLE_SESSION_HOURS": (1, 7 * 24),
    "CONSOLE_SIGNIN_ATTEMPTS": (1, 1000),
    "INBOX_PURGE_DAYS": (1, 3650),
}
# Telegram user ids are positive and below 2**52 (Bot API documentation).
MAX_TELEGRAM_ID = 2**52
DATABASE_SCHEMES = ("sqlite", "postgresql")
FERNET_KEY_BYTES = 32  # a Fernet key: 32 bytes, written as 44 characters of url-safe base64


class SettingsError(ValueError):
    """An environment variable with a value the bot cannot use (the message is one line)."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    low, high = RANGES[name]
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be from {low} to {high}, not {value}")
    return value


def _ids(env: Mapping[str, str], name: str) -> frozenset[int]:
    raw = env.get(name, "").replace(";", ",")
    ids: set[int] = set()
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        if not part.isdigit() or not 0 < int(part) < MAX_TELEGRAM_ID:
            raise SettingsError(
                f"{name} must be Telegram user ids (positive whole numbers) separated by commas, not {part[:40]!r}"
            )
        ids.add(int(part))
    return frozenset(ids)


def check_database_url(url: str, name: str = "DATABASE_URL") -> str:
    """`url` when it is a SQLite or PostgreSQL URL SQLAlchemy can read; SettingsError (one line) otherwise."""
    # Imported here: commands that never open a database (triage, reply) start without SQLAlchemy.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except (ArgumentError, ValueError):
        backend = ""
    if backend not in DATABASE_SCHEMES:
        shown = url.split("://", 1)[0][:30]  # the scheme only: the rest may hold a password
        raise SettingsError(
            f"{name} must start with sqlite:/// or postgresql+psycopg://, not {shown + '://' if '://' in url else '…'}"
        )
    return url


def _networks(env: Mapping[str, str], name: str) -> tuple[IPv4Network | IPv6Network, ...]:
    raw = env.get(name, "").replace(";", ",")
    networks = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(ip_network(part, strict=False))
        except ValueError:
            raise SettingsError(
                f"{name} must be IP addresses or networks (e.g. 10.0.0.5, 10.0.0.0/24) separated by commas, "
                f"not {part[:40]!r}"
            ) from None
    return tuple(networks)


def _fernet_keys(env: Mapping[str, str], name: str) -> str | None:
    """Comma-separated Fernet keys (the first encrypts, every one decrypts), checked without cryptography."""
    raw = env.get(name, "").strip()
    if not raw:
        return None
    for part in raw.split(","):
        try:
            decoded = base64.urlsafe_b64decode(part.strip().encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            decoded = b""
        if len(decoded) != FERNET_KEY_BYTES:
            raise SettingsError(
                f"{name} must be Fernet keys (44 characters of url-safe base64, comma-separated); "
                "make one with: python -m bot inbox-key"
            )
    return ",".join(part.strip() for part in raw.split(","))


def _url(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name, "").strip()
    if raw and not raw.startswith(("http://", "https://")):
        raise SettingsError(f"{name} must be an http:// or https:// URL")
    return raw or None


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    token: str | None = None
    base_url: str | None = None
    database_url: str = field(default_factory=lambda: f"sqlite:///{ROOT / 'data' / 'bot.db'}")
    content_dir: Path = ROOT / "content"
    schedules_dir: Path = ROOT / "schedules"
    staff_user_ids: frozenset[int] = frozenset()
    reminder_max_late_hours: int = 6
    enrol_code_days: int = 14
    purge_after_days: int = 30
    broadcast_rate: int = 25
    reply_max_wait: int = 120
    metrics_port: int = 0
    metrics_host: str = "127.0.0.1"
    webhook_secret: str | None = None
    log_json: bool = False
    bot_username: str | None = None
    console_url: str = "http://127.0.0.1:8070"
    patient_id_key: str | None = None
    log_hash_salt: str | None = None
    webhook_max_bytes: int = 1_000_000  # a Telegram update is a few kilobytes
    json_max_depth: int = 32  # an update nests about 8 deep, a FHIR bundle about 10
    console_max_upload_bytes: int = 2_000_000
    import_max_rows: int = 5000
    import_max_field_chars: int = 200
    console_idle_minutes: int = 30
    console_session_hours: int = 12
    console_signin_attempts: int = 10  # failed sign-ins per client address per minute
    console_trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    inbox_key: str | None = None  # questions to the team: off without it (bot/inbox)
    inbox_purge_days: int = 30

    @staticmethod
    def content_dir_from_env(env: Mapping[str, str] | None = None) -> Path:
        """CONTENT_DIR alone, as `from_env` reads it: for the commands that read content and nothing else
        (`triage`, `ask`), which then start without importing the database layer."""
        env = os.environ if env is None else env
        return Path(env.get("CONTENT_DIR", "").strip() or Settings.content_dir)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and check settings from `env` (default: os.environ); SettingsError names the first bad one."""
        env = os.environ if env is None else env
        defaults = cls()
        log_format = env.get("LOG_FORMAT", "").strip().lower()
        if log_format not in ("", "json", "text"):
            raise SettingsError(f"LOG_FORMAT must be json or text (or empty), not {log_format[:20]!r}")
        salt = env.get("LOG_HASH_SALT", "").strip()
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN", "").strip() or None,
            base_url=_url(env, "TELEGRAM_BASE_URL"),
            database_url=check_database_url(env.get("DATABASE_URL", "").strip() or defaults.database_url),
            content_dir=cls.content_dir_from_env(env),
            schedules_dir=Path(env.get("SCHEDULES_DIR", "").strip() or defaults.schedules_dir),
            staff_user_ids=_ids(env, "STAFF_USER_IDS"),
            reminder_max_late_hours=_int(env, "REMINDER_MAX_LATE_HOURS", defaults.reminder_max_late_hours),
            enrol_code_days=_int(env, "ENROL_CODE_DAYS", defaults.enrol_code_days),
            purge_after_days=_int(env, "PURGE_AFTER_DAYS", defaults.purge_after_days),
            broadcast_rate=_int(env, "BROADCAST_RATE", defaults.broadcast_rate),
            reply_max_wait=_int(env, "REPLY_MAX_WAIT", defaults.reply_max_wait),
            metrics_port=_int(env, "METRICS_PORT", defaults.metrics_port),
            metrics_host=env.get("METRICS_HOST", "").strip() or defaults.metrics_host,
            webhook_secret=env.get("WEBHOOK_SECRET") or None,
            log_json=log_format == "json",
            bot_username=env.get("BOT_USERNAME", "").strip().lstrip("@") or None,
            log_hash_salt=None if salt in ("", DEFAULT_LOG_HASH_SALT) else salt,
            console_url=(env.get("CONSOLE_URL") or defaults.console_url).rstrip("/"),
            patient_id_key=env.get("PATIENT_ID_KEY") or None,
            webhook_max_bytes=_int(env, "WEBHOOK_MAX_BYTES", defaults.webhook_max_bytes),
            json_max_depth=_int(env, "JSON_MAX_DEPTH", defaults.json_max_depth),
            console_max_upload_bytes=_int(env, "CONSOLE_MAX_UPLOAD_BYTES", defaults.console_max_upload_bytes),
            import_max_rows=_int(env, "IMPORT_MAX_ROWS", defaults.import_max_rows),
            import_max_field_chars=_int(env, "IMPORT_MAX_FIELD_CHARS", defaults.import_max_field_chars),
            console_idle_minutes=_int(env, "CONSOLE_IDLE_MINUTES", defaults.console_idle_minutes),
            console_session_hours=_int(env, "CONSOLE_SESSION_HOURS", defaults.console_session_hours),
            console_signin_attempts=_int(env, "CONSOLE_SIGNIN_ATTEMPTS", defaults.console_signin_attempts),
            console_trusted_proxies=_networks(env, "CONSOLE_TRUSTED_PROXIES"),
            inbox_key=_fernet_keys(env, "INBOX_KEY"),
            inbox_purge_days=_int(env, "INBOX_PURGE_DAYS", defaults.inbox_purge_days),
        )
