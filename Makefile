# Two commands for a newcomer: `make run` and `make test`. Both set up what they need first
# and are safe to repeat: the virtualenv is rebuilt only when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium
CJK_FONTS := /usr/share/fonts/opentype/noto
REDIS_SERVER := /usr/bin/redis-server
NGINX := /usr/sbin/nginx
# Root installs directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# axe-core (accessibility checks injected by the browser tests), from the npm registry into
# a git-ignored folder; installed once, again only when the pinned version changes.
AXE_VERSION := 4.14.1
AXE_DIR := .npm
AXE := $(AXE_DIR)/axe-core-$(AXE_VERSION)

.PHONY: run test lint lock bench bench-compare chromium redis nginx axe clean vendor-plotly screens frames

# Dependencies come from the lock files (exact versions, the same on every machine and in the
# Docker image); the project itself is installed over them, editable, without resolving again.
LOCK      := requirements.lock
TEST_LOCK := requirements-test.lock

$(VENV)/.runtime: pyproject.toml setup.py $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test: $(VENV)/.runtime pyproject.toml $(TEST_LOCK)
	$(PY) -m pip install --quiet -r $(TEST_LOCK)
	touch $@

# After changing the dependencies in pyproject.toml: pin them again (pip-tools, in a venv of
# its own). The test lock starts from the runtime pins, so both agree (tests/test_lock.py).
# UPGRADE=1 moves every pin to the newest version allowed.
PIP_TOOLS := pip-tools==7.6.2
LOCK_VENV := .venv-lock
COMPILE = $(LOCK_VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url \
	--no-emit-find-links $(if $(UPGRADE),--upgrade)
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/pip install --quiet $(PIP_TOOLS); }
	$(COMPILE) --output-file $(LOCK) pyproject.toml
	cp $(LOCK) $(TEST_LOCK)
	$(COMPILE) --extra test --output-file $(TEST_LOCK) pyproject.toml

# Playwright drives Debian's Chromium: its own browser download does not work offline. Without
# a CJK font, Korean pages show empty boxes in screenshots.
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium (needed by the browser tests)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@test -d $(CJK_FONTS) || { \
	  echo "Installing Debian's fonts-noto-cjk (Hangul in the browser's screenshots)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk >/dev/null; }

# The room tests run two app instances against a real Redis; they skip if it cannot be had.
redis:
	@test -x $(REDIS_SERVER) || { \
	  echo "Installing Debian's redis-server (needed by the teacher-room tests)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server >/dev/null; } || \
	  echo "redis-server could not be installed: the Redis room tests will be skipped"

# The multi-replica tests put Debian's nginx (with deploy/nginx.conf) in front of two app
# processes, as compose.yaml does; they skip if it cannot be had.
nginx:
	@test -x $(NGINX) || { \
	  echo "Installing Debian's nginx (needed by the multi-replica tests)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx >/dev/null; } || \
	  echo "nginx could not be installed: the multi-replica tests will be skipped"

$(AXE):
	@command -v npm >/dev/null || { \
	  echo "Installing Debian's npm (to fetch axe-core)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm >/dev/null; }
	npm install --silent --no-audit --no-fund --no-save --prefix $(AXE_DIR) axe-core@$(AXE_VERSION)
	touch $@

axe: $(AXE)

# The pages' Plotly (app/routers/vendor.py): the cartesian bundle from the npm registry, of the
# plotly.js version the installed `plotly` package carries. Committed (classrooms are offline);
# run this after upgrading `plotly`, then commit app/vendor/plotly/.
vendor-plotly: $(VENV)/.runtime
	version=$$($(PY) -c 'from plotly.offline import get_plotlyjs_version as v; print(v())') && \
	tmp=$$(mktemp -d) && cd $$tmp && \
	npm pack --silent plotly.js-cartesian-dist-min@$$version && tar xzf *.tgz && \
	cp package/plotly-cartesian.min.js package/LICENSE package/package.json \
	  $(CURDIR)/app/vendor/plotly/ && rm -rf $$tmp
	# Classrooms are offline: the bundle must name no CDN. Its one address is the default
	# topojson URL of geo traces, which this bundle cannot draw; point it at a local path.
	sed -i 's|dflt:"https://cdn.plot.ly/un/"|dflt:"topojson/"|' app/vendor/plotly/plotly-cartesian.min.js

# The project's command (pyproject.toml), as installed: `neural-playground --help`.
run: $(VENV)/.runtime
	$(VENV)/bin/neural-playground

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .

# The suite runs in parallel, one worker per core (pytest-xdist), a module's tests together on
# one worker (some share a live server). Browser tests run after the others, never in the same
# worker: Playwright's sync API keeps an event loop running in the worker's main thread, where
# the pool and session tests call asyncio.run. Both runs always happen; either failing fails.
# TEST_WORKERS=0 runs each part in one process.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile
test: $(VENV)/.test chromium redis nginx $(AXE) lint
	@status=0; \
	$(PYTEST) --ignore=tests/browser || status=1; \
	$(PYTEST) tests/browser || status=1; \
	exit $$status

bench: $(VENV)/.test
	$(PY) -m bench

# This tree's figures beside another revision's, measured alternately in one run (a figure
# only compares with one taken on the same machine at the same time): BASE=<rev> NAMES="..."
BASE ?= HEAD~1
NAMES ?=
# Screenshots of every page on the laptop, projector and tablet screens, in
# artifacts/screens/ (bench/screens.py; ARGS="--lang ko --theme dark" for the others).
screens: $(VENV)/.test chromium
	$(PY) -m bench.screens $(ARGS)

# Frames per second in the browser while each page trains, and its longest task's CPU time
# (bench/frames.py; the table in docs/performance.md).
frames: $(VENV)/.test chromium
	$(PY) -m bench.frames $(ARGS)

bench-compare: $(VENV)/.test
	$(PY) -m bench.compare $(BASE) $(NAMES)

clean:
	rm -rf $(VENV) $(LOCK_VENV) $(AXE_DIR) .pytest_cache .ruff_cache .hypothesis artifacts
