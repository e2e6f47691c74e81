# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create (or reuse) .venv and install what the project needs into it.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint format bench check install clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: the bot on Telegram when TELEGRAM_BOT_TOKEN is set (also from .env), else the local demo chat
run: $(STAMP)
	@set -a; [ ! -f .env ] || . ./.env; set +a; \
	if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then exec $(PY) -m bot run; \
	else echo "TELEGRAM_BOT_TOKEN is not set: starting the local demo chat."; exec $(PY) -m bot demo; fi

## test: lint, then the whole test suite (PostgreSQL tests skip with a message when no server answers)
test: lint
	$(PY) -m pytest -q

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

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
