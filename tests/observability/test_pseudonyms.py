"""The log pseudonym's salt comes through Settings (LOG_HASH_SALT), never from the environment directly."""

from __future__ import annotations

import pytest

from bot.observability import pseudonyms
from bot.observability.pseudonyms import hash_chat_id, use_log_salt
from bot.settings import DEFAULT_LOG_HASH_SALT, Settings


@pytest.fixture(autouse=True)
def _keep_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pseudonyms._PSEUDONYMS, "key", pseudonyms._PSEUDONYMS.key)  # restored afterwards


@pytest.mark.parametrize("raw", ["", "  ", DEFAULT_LOG_HASH_SALT, f" {DEFAULT_LOG_HASH_SALT} "])
def test_an_empty_or_public_salt_is_no_salt(raw: str) -> None:
    assert Settings.from_env({"LOG_HASH_SALT": raw}).log_hash_salt is None


def test_the_salt_is_read_by_settings_and_passed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.from_env({"LOG_HASH_SALT": " eigen-zout "})
    assert settings.log_hash_salt == "eigen-zout"
    monkeypatch.setenv("LOG_HASH_SALT", "uit-de-omgeving")  # only Settings reads the environment
    use_log_salt(None)
    public = hash_chat_id(123456789)
    use_log_salt(settings.log_hash_salt)
    own = hash_chat_id(123456789)
    assert own != public and own.startswith("chat-")
    use_log_salt(DEFAULT_LOG_HASH_SALT)
    assert hash_chat_id(123456789) == public
