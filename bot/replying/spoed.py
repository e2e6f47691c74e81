"""The menu's "Spoed — wie bel ik?": whom to call, by how bad it is, for this moment. Pure, no Telegram."""

from __future__ import annotations

import datetime as dt

from bot import callbacks
from bot.catalog import Catalog
from bot.content.model import Lang
from bot.sending import Button
from bot.triage.alarm_texts import render_spoed_overview
from bot.views import View, menu_button

SPOED_CHAPTER = "spoed"  # the folder's own "Spoed" section, one tap away


def spoed_view(now: dt.datetime, lang: Lang, catalog: Catalog) -> View:
    """112, the SEH for fever, the spoed route of this hour and the spreekuur, with the folder's section."""
    ui, content = catalog.ui, catalog.content
    keyboard = []
    chapter = content.chapter(SPOED_CHAPTER)
    if chapter is not None:
        keyboard.append([Button(ui.t("button_read", lang, title=chapter.label), callbacks.chapter(chapter.id))])
    keyboard.append([menu_button(ui, lang)])
    return View([render_spoed_overview(now, content, lang, catalog.alarm_replies)], keyboard)
