"""Composing what the patient sees for one incoming text: pure, no Telegram."""
