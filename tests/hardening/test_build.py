"""Reproducible builds (issue 12): locked, hashed, bounded dependencies used by make and the image."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def requirement_name(spec: str) -> str:
    return re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def locked(file: str) -> dict[str, str]:
    text = (ROOT / file).read_text(encoding="utf-8")
    return {
        m[0].lower().replace("_", "-").replace(".", "-"): m[1]
        for m in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.MULTILINE)
    }


def test_every_dependency_has_an_upper_bound_and_is_in_the_locks() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = project["dependencies"]
    dev = project["optional-dependencies"]["dev"]
    runtime_lock, dev_lock = locked("requirements.lock"), locked("requirements-dev.lock")
    for spec in runtime + dev:
        assert "<" in spec, f"{spec}: no upper bound"
        name = requirement_name(spec)
        assert name in dev_lock, f"{name} is not in requirements-dev.lock: run `make lock`"
        if spec in runtime:
            assert name in runtime_lock, f"{name} is not in requirements.lock: run `make lock`"
            assert runtime_lock[name] == dev_lock[name], f"{name}: the image and the tests would differ"


def test_every_locked_package_has_hashes() -> None:
    for file in ("requirements.lock", "requirements-dev.lock"):
        blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", (ROOT / file).read_text(encoding="utf-8"))
        for block in blocks[1:]:
            assert "--hash=sha256:" in block, f"{file}: {block.splitlines()[0]} has no hash"


def test_make_and_the_image_install_from_the_locks_and_compose_mounts_content_read_only() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements-dev.lock" in makefile and "\nlock:" in makefile
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements.lock" in dockerfile and "--no-deps" in dockerfile
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    volumes = compose["services"]["bot"]["volumes"]
    assert "./content:/app/content:ro" in volumes and "./schedules:/app/schedules:ro" in volumes
