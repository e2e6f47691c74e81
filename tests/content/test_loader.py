"""The loader reports every problem at once, with file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.contacts import same_number
from bot.content.loader import load_content

ROOT = Path(__file__).resolve().parents[2]

BROKEN_FOLDER = """\
chapters:
  - id: een
    title: Een
    text: Tekst met {{nergens.phone}}.
    kleur: rood
  - id: een
    title: Nog een
    text: Dubbel.
  - id: twee
    title: Twee
    parent: bestaat-niet
    text: Tekst.
  - id: drie
    title: Drie
    text: "   "
  - title: Zonder id
    text: Tekst.
"""


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def test_every_problem_reported_with_file_and_line(content_dir: Path) -> None:
    (content_dir / "folder.yaml").write_text(BROKEN_FOLDER, encoding="utf-8")
    content, problems = load_content(content_dir)
    assert content is None
    found = {(p.line, p.message) for p in problems}
    assert all(p.file.endswith("folder.yaml") for p in problems)
    assert (4, "placeholder {{nergens.phone}} names unknown contact 'nergens'") in found
    assert (5, "chapter 'een': unknown key 'kleur'") in found
    assert any(line == 6 and "duplicate id 'een'" in msg for line, msg in found)
    assert (11, "chapter 'twee': parent 'bestaat-niet' does not exist") in found
    assert (15, "chapter 'drie': empty text") in found
    assert any(line == 16 and "missing key 'id'" in msg for line, msg in found)


def test_bad_yaml_is_one_located_problem(content_dir: Path) -> None:
    (content_dir / "folder.yaml").write_text("chapters:\n  - id: [een\n    title: x\n", encoding="utf-8")
    content, problems = load_content(content_dir)
    assert content is None
    assert len(problems) == 1
    assert problems[0].file.endswith("folder.yaml") and problems[0].line >= 2
    assert "invalid YAML" in problems[0].message


def test_contacts_problems(content_dir: Path) -> None:
    path = content_dir / "contacts.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('start: "08:00"', 'start: "8 uur"').replace("  spoedlijn:\n", "  spoedlijnn:\n")
    path.write_text(text, encoding="utf-8")
    content, problems = load_content(content_dir)
    assert content is None
    messages = [p.message for p in problems]
    assert "contacts: missing contact 'spoedlijn'" in messages
    assert any("office_hours start" in m for m in messages)
    assert any("{{spoedlijn.phone}} names unknown contact 'spoedlijn'" in m for m in messages)


def test_cli_check_ok_and_failing(content_dir: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check", str(ROOT / "content")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("content check: OK")
    # Then every alarm concept beyond the folder that awaits a clinician's sign-off, by id.
    listed = ok.stdout.strip().splitlines()[1:]
    assert listed[0].startswith("alarm concepts beyond the folder awaiting a clinician's sign-off")
    assert any(line.strip().startswith("suicidal (emergency)") for line in listed)
    # A concept raised by a measured value shows its names and threshold.
    pulse = next(i for i, line in enumerate(listed) if line.strip().startswith("fast_pulse (emergency)"))
    assert listed[pulse + 1].strip().startswith("measured: pols,") and ">= 120" in listed[pulse + 1]
    assert any(line.startswith("alarm spellings beyond the folder") for line in listed)
    assert any("contact 'zelfmoordpreventie'" in line for line in listed)
    # ... and every context rule beyond clinlp's defaults (content/context_rules.yaml), by id and line.
    assert any(line.startswith("context rules beyond clinlp's defaults awaiting") for line in listed)
    assert any(line.strip().startswith("negation_dialect (line ") for line in listed)
    (content_dir / "folder.yaml").write_text(BROKEN_FOLDER, encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check", str(content_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert bad.returncode == 1
    assert "folder.yaml:5: chapter 'een': unknown key 'kleur'" in bad.stderr


def test_cli_dump_json_covers_all_ids() -> None:
    import json

    out = subprocess.run(
        [sys.executable, "-m", "bot", "content", "dump", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    rows = json.loads(out.stdout)
    assert len(rows) == 22
    assert set(rows[0]) == {"id", "title", "parent", "text"}
    assert rows[0]["id"] == "inleiding"


def test_contacts_beyond_the_folder_await_sign_off(content_dir: Path) -> None:
    content, problems = load_content(content_dir)
    assert content is not None, problems
    extra = content.contacts["zelfmoordpreventie"]
    assert extra.source == "beyond-folder" and extra.awaiting_sign_off
    assert not content.contacts["spoedlijn"].awaiting_sign_off
    path = content_dir / "contacts.yaml"
    text = path.read_text(encoding="utf-8")
    signed = text.replace(
        "    reviewed_by: null\n    reviewed_on: null\n", "    reviewed_by: Dr. A. Arts\n    reviewed_on: 2026-12-01\n"
    )
    path.write_text(signed, encoding="utf-8")
    content, problems = load_content(content_dir)
    assert content is not None, problems
    assert not content.contacts["zelfmoordpreventie"].awaiting_sign_off


def test_sign_off_keys_are_checked(content_dir: Path) -> None:
    path = content_dir / "contacts.yaml"
    text = path.read_text(encoding="utf-8")
    broken = (
        text.replace("source: beyond-folder", "source: internet")
        .replace("reviewed_on: null", "reviewed_on: gisteren")
        .replace('    tel: "+31625716027"\n', '    tel: "+31625716027"\n    reviewed_by: Dr. A. Arts\n', 1)
    )
    path.write_text(broken, encoding="utf-8")
    content, problems = load_content(content_dir)
    assert content is None
    messages = [p.message for p in problems]
    assert "contact 'zelfmoordpreventie': source must be folder or beyond-folder" in messages
    assert any("reviewed_on must be a date" in m for m in messages)
    assert any("contact 'spoedlijn': reviewed_by/reviewed_on only for source: beyond-folder" in m for m in messages)
    assert any("contact 'spoedlijn': fill in both reviewed_by and reviewed_on" in m for m in messages)
    path.write_text(text.replace("    reviewed_by: null\n", ""), encoding="utf-8")
    _, problems = load_content(content_dir)
    assert any("needs 'reviewed_by' (may be empty)" in p.message for p in problems)


@pytest.mark.parametrize(
    ("phone", "tel", "same"),
    [
        ("06 25 71 60 27", "+31625716027", True),
        ("113 / 0800-0113", "08000113", True),  # alternatives: tel must be one of them
        ("113 of 0800-0113", "113", True),
        ("113 / 0800-0113", "0800011", False),
        ("020 44 43 636", "0204443637", False),
    ],
)
def test_phone_and_tel_agree_or_are_one_of_the_alternatives(phone: str, tel: str, same: bool) -> None:
    assert same_number(phone, tel) is same
