"""The Telegram side: application assembly, handlers and the demo. Everything else is pure core."""
