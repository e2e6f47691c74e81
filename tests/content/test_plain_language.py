"""The B1 check of `content check`: short sentences and common words in every text the bot writes itself."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.content.plain import PLAIN_FILE, bot_texts, check_plain_language, load_plain_rules, sentences
from tests.cli import run_bot

CONTENT = Path(__file__).resolve().parents[2] / "content"


def test_the_bots_own_texts_pass_and_the_folder_is_not_judged() -> None:
    rules, problems = load_plain_rules(CONTENT / PLAIN_FILE)
    assert rules is not None, problems
    texts = list(bot_texts(CONTENT))
    files = {Path(t.file).name for t in texts}
    assert files == {"ui.yaml", "alarm_replies.yaml", "conversation.yaml"}  # never folder.yaml or staff.yaml
    assert not any(t.key.startswith("lines.") for t in texts)  # the folder's own sentences in alarm_replies
    report = check_plain_language(texts, rules)
    assert report.problems == []
    assert report.longest["nl"] <= 15 and report.average["nl"] <= 10


def test_sentences_count_a_placeholder_and_a_time_as_one_word() -> None:
    assert sentences("Bel nu {spoedlijn}. Het is <b>morgen</b>, 10:00.\n• Een lijst") == [
        ["Bel", "nu", "X"],
        ["Het", "is", "morgen", "10:00"],
        ["Een", "lijst"],
    ]


def test_a_long_sentence_and_a_word_to_avoid_fail_content_check(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    ui = content / "ui.yaml"
    text = ui.read_text(encoding="utf-8")
    long = "Dit is een hele lange zin van de chatbot die veel te veel woorden heeft voor een patiënt die leest."
    text = text.replace('  reminder_read: "Dank u, gezien."', f'  reminder_read: "{long} Indien nodig."', 1)
    ui.write_text(text, encoding="utf-8")
    done = run_bot("content", "check", str(content))
    assert done.returncode == 1
    assert "nl.reminder_read: a sentence of 20 words (at most 15)" in done.stderr
    assert "nl.reminder_read: avoid 'indien', write 'als'" in done.stderr
    assert "ui.yaml:" in done.stderr  # with file and line
