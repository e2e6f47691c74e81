"""Settings from environment variables (see `.env.example` and the README)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """An environment variable with a value the bot cannot use."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from exc


def _ids(env: Mapping[str, str], name: str) -> frozenset[int]:
    raw = env.get(name, "").replace(";", ",")
    try:
        return frozenset(int(part) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"{name} must be a comma-separated list of Telegram user ids") from exc


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
    metrics_port: int = 0
    metrics_host: str = "127.0.0.1"
    webhook_secret: str | None = None
    log_json: bool = False
    bot_username: str | None = None
    console_url: str = "http://127.0.0.1:8070"
    patient_id_key: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from `env` (default: os.environ)."""
        env = os.environ if env is None else env
        defaults = cls()
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            base_url=env.get("TELEGRAM_BASE_URL") or None,
            database_url=env.get("DATABASE_URL") or defaults.database_url,
            content_dir=Path(env.get("CONTENT_DIR") or defaults.content_dir),
            schedules_dir=Path(env.get("SCHEDULES_DIR") or defaults.schedules_dir),
            staff_user_ids=_ids(env, "STAFF_USER_IDS"),
            reminder_max_late_hours=_int(env, "REMINDER_MAX_LATE_HOURS", defaults.reminder_max_late_hours),
            enrol_code_days=_int(env, "ENROL_CODE_DAYS", defaults.enrol_code_days),
            purge_after_days=_int(env, "PURGE_AFTER_DAYS", defaults.purge_after_days),
            broadcast_rate=_int(env, "BROADCAST_RATE", defaults.broadcast_rate),
            metrics_port=_int(env, "METRICS_PORT", defaults.metrics_port),
            metrics_host=env.get("METRICS_HOST") or defaults.metrics_host,
            webhook_secret=env.get("WEBHOOK_SECRET") or None,
            log_json=env.get("LOG_FORMAT", "").lower() == "json",
            bot_username=env.get("BOT_USERNAME") or None,
            console_url=(env.get("CONSOLE_URL") or defaults.console_url).rstrip("/"),
            patient_id_key=env.get("PATIENT_ID_KEY") or None,
        )
