"""The console's interface texts: `content/console.yaml` (`bot.catalog.CONSOLE_FILE`), loaded and checked
like `ui.yaml` (both languages, the same keys and placeholders, no empty text) and kept in the Catalog,
so `content check` sees them and a reload changes them. Dutch first, with an English switch."""

from __future__ import annotations

from typing import Literal

from bot.content.ui import UiText

ConsoleLang = Literal["nl", "en"]

# The same shape as the patient interface texts: per language, the same keys, checked placeholders.
ConsoleTexts = UiText
