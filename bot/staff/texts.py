"""The staff tools' texts: `content/staff.yaml` (`bot.catalog.STAFF_FILE`), loaded like `ui.yaml` and kept in the Catalog."""

from __future__ import annotations

from bot.content.ui import UiText

# The same shape as the patient interface texts: per language, the same keys, checked placeholders.
StaffTexts = UiText
