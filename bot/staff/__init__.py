"""Staff tools: authorisation, enrolment codes, broadcasts (composed here, delivered by `bot.outbox`), audit.

Core modules here import nothing from `telegram`; the Telegram side is `bot.app.handlers.staff_*`.
"""
