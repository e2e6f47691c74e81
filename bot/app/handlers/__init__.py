"""Telegram handlers. Each module translates updates into calls on the core and back."""
