# Two commands for a newcomer: `make run` and `make test`. Both set up what they need first
# and are safe to repeat: the virtualenv is rebuilt only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium
# Root installs directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench chromium clean

$(VENV)/.runtime: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.test: $(VENV)/.runtime pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Playwright drives Debian's Chromium: its own browser download does not work offline.
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium (needed by the browser tests)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

run: $(VENV)/.runtime
	$(PY) -m app

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .

test: $(VENV)/.test chromium lint
	$(PY) -m pytest

bench: $(VENV)/.test
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis artifacts
