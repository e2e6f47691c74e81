"""`make run` without a token: the terminal demo, run exactly as the Makefile runs it."""

from __future__ import annotations

import os

from tests.cli import run_bot


def test_demo_chat_in_the_terminal() -> None:
    typed = "/start\n2\n/start spoed\nhoe lang duurt een mri?\n/quit\n"
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    done = run_bot("demo", input=typed, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Welkom" in out and "[1] 🚨 Spoed — wie bel ik?" in out and "[2] Over deze folder" in out
    assert "(bewerkt): Over deze folder" in out  # the button press edited the menu in place
    assert "06 25 71 60 27" in out and "112" in out  # the deep link opened the Spoed section
    assert "30 minuten" in out
