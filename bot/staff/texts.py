"""The staff tools' texts: `content/staff.yaml`, loaded like `ui.yaml` and kept in the Catalog."""

from __future__ import annotations

from bot.content.ui import UiText

STAFF_FILE = "staff.yaml"

# The same shape as the patient interface texts: per language, the same keys, checked placeholders.
StaffTexts = UiText
