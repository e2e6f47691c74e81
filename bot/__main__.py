"""`python -m bot …`: see bot.cli."""

import os
import sys

# python-telegram-bot 22.2+ warns on every RetryAfter unless the (future) timedelta behaviour is
# chosen; the bot handles both types.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.cli import main

sys.exit(main())
