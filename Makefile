# One command to install and run the platform, one to install and run the tests.
# Everything installs into .venv/ at the repository root (so .venv/bin/kamld is the CLI).

PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
LABEXT := libs/jupyterlab-kamld
LABEXT_OUT := $(LABEXT)/src/jupyterlab_kamld/labextension/package.json
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Installed packages are compiled to bytecode once, at install: every CLI command and service
# start-up then skips compiling them (about a second each), also where bytecode is never written.
export UV_COMPILE_BYTECODE := 1

.PHONY: install prometheus up test test-unit test-integration bench lint lock clean dist frontend chromium slapd

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) uv.lock pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml) $(LABEXT_OUT)
	$(UV) sync --frozen --all-packages --python $(VENV)/bin/python
	$(VENV)/bin/python -m compileall -q libs services >/dev/null
	@touch $@

# The front ends (frontend/: the generated API client and the Workbench web UI) from the committed
# lockfile; the Workbench's static assets are built into workbench-api's package, which serves them.
FRONTEND := frontend
NPM ?= npm
FRONTEND_SOURCES := $(shell find $(FRONTEND)/client/src $(FRONTEND)/client/scripts $(FRONTEND)/workbench/src \
	$(FRONTEND)/workbench/index.html -type f 2>/dev/null) $(wildcard $(FRONTEND)/*/*.json $(FRONTEND)/*/*.ts)
WEB_DIST := services/workbench-api/src/kamld_workbench_api/web/dist

$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package-lock.json $(wildcard $(FRONTEND)/*/package.json)
	cd $(FRONTEND) && $(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_DIST)/index.html: $(FRONTEND)/node_modules/.installed $(FRONTEND_SOURCES)
	cd $(FRONTEND) && $(NPM) run build --silent

frontend: $(WEB_DIST)/index.html

# The JupyterLab extension's front end, built from its committed lockfile (after the shared API
# client it imports) before the package that carries it is installed (docs/ui.md).
$(LABEXT)/js/node_modules/.package-lock.json: $(LABEXT)/js/package-lock.json
	cd $(LABEXT)/js && npm ci --no-audit --no-fund --loglevel=error

$(LABEXT_OUT): $(LABEXT)/js/node_modules/.package-lock.json $(WEB_DIST)/index.html $(LABEXT)/js/package.json $(LABEXT)/js/tsconfig.json $(wildcard $(LABEXT)/js/src/* $(LABEXT)/js/style/*)
	cd $(LABEXT)/js && npm run --silent build

# The browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium)

install: $(VENV)/.installed frontend chromium prometheus slapd

# A real Prometheus (Debian's package) for the tests of the alert rules and dashboards; it starts no
# service by itself. Skipped where it is installed already or apt-get is not available.
prometheus:
	@command -v prometheus >/dev/null && command -v promtool >/dev/null || \
		{ command -v apt-get >/dev/null && apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; } || \
		echo "warning: Prometheus is not installed; its tests will be skipped"

# A real OpenLDAP server (Debian's slapd) for the directory sign-in tests, which start their own
# throw-away one; the package's own service is not used.
slapd:
	@test -x /usr/sbin/slapd || \
		{ command -v apt-get >/dev/null && apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slapd >/dev/null; } || \
		echo "warning: slapd is not installed; the directory sign-in tests will be skipped"

up: install
	$(VENV)/bin/kamld up

# The tests start with the lint: a lint or type error fails `make test` (and CI) before any test runs.
# pytest runs in TEST_WORKERS processes (pytest-xdist), each test module in one of them so its
# module-scoped platform starts once; most tests wait on real servers, so there are more workers
# than cores. TEST_WORKERS=0 runs everything in this one process.
TEST_WORKERS ?= 3

test: lint
	cd $(FRONTEND) && $(NPM) test --silent
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile

test-unit: install
	$(VENV)/bin/python -m pytest libs services

test-integration: install
	$(VENV)/bin/python -m pytest tests

bench: install
	$(UV) sync --frozen --all-packages --group bench --python $(VENV)/bin/python
	@rm -f $(VENV)/.installed
	$(VENV)/bin/python -m bench

# ruff (lint and format) over everything; mypy as configured in pyproject.toml (strict for libs/).
lint: install
	$(VENV)/bin/ruff check libs services tests bench
	$(VENV)/bin/ruff format --check libs services tests bench
	$(VENV)/bin/mypy

lock: $(UV)
	$(UV) lock

# The SDK as a wheel and an sdist in dist/, for `pip install dist/kamld-*.whl` in any environment
# (they carry kamld_content with them; docs/sdk.md); the JupyterLab extension's wheel beside them
# (with its built labextension), for the JupyterHub images (deploy/jupyterhub/, docs/deploy.md).
dist: $(UV) $(LABEXT_OUT)
	$(UV) build --quiet --out-dir dist libs/sdk
	$(UV) build --quiet --wheel --out-dir dist $(LABEXT)

clean:
	rm -rf $(VENV) dist $(FRONTEND)/node_modules $(FRONTEND)/*/dist $(WEB_DIST)

# Regenerate the committed public OpenAPI document (a test fails when it drifts from the code).
.PHONY: openapi
openapi: $(VENV)/.installed $(FRONTEND)/node_modules/.installed
	$(VENV)/bin/python -m kamld_workbench_api.openapi docs/openapi/public-v1.json
	cd $(FRONTEND)/client && node scripts/generate.mjs
