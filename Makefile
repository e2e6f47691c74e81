# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create (or reuse) .venv and install what the project needs into it.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint format bench check install clean lock

# Exactly the versions in requirements-dev.lock, each checked against its hash; then the bot itself.
$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

## run: the bot on Telegram when TELEGRAM_BOT_TOKEN is set (also from .env), else the local demo chat
run: $(STAMP)
	@set -a; [ ! -f .env ] || . ./.env; set +a; \
	if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then exec $(PY) -m bot run; \
	else echo "TELEGRAM_BOT_TOKEN is not set: starting the local demo chat."; exec $(PY) -m bot demo; fi

## test: lint, then the whole test suite with branch coverage of bot/ (a table of the files not fully
## covered and the total, which may not fall below fail_under in pyproject.toml); PostgreSQL tests skip
## with a message when no server answers
test: lint
	$(PY) -m pytest -q --cov --cov-report=term:skip-covered

## lint: ruff, formatting, mypy, the Dockerfile (hadolint) and the content files
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/hadolint Dockerfile
	$(PY) -m bot content check

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## bench: every benchmark; prints one table and writes bench/results.json
bench: $(STAMP)
	$(PY) -m bench

check: test

## lock: pin every dependency (with hashes) from pyproject.toml: requirements-dev.lock (make), requirements.lock (image)
# Run after changing dependencies in pyproject.toml; versions already locked stay unless they must move.
PIP_COMPILE := $(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet 'pip-tools>=7.4,<8'
	$(PIP_COMPILE) --extra dev -o requirements-dev.lock pyproject.toml requirements-build.in
	$(PIP_COMPILE) -c requirements-dev.lock -o requirements.lock pyproject.toml requirements-build.in

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.*
