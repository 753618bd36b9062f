# One command to install and run the platform, one to install and run the tests.
# Everything installs into .venv/ at the repository root (so .venv/bin/kamld is the CLI).

PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Installed packages are compiled to bytecode once, at install: every CLI command and service
# start-up then skips compiling them (about a second each), also where bytecode is never written.
export UV_COMPILE_BYTECODE := 1

.PHONY: install prometheus up test test-unit test-integration bench lint lock clean dist

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: $(UV) uv.lock pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
	$(UV) sync --frozen --all-packages --python $(VENV)/bin/python
	$(VENV)/bin/python -m compileall -q libs services >/dev/null
	@touch $@

install: $(VENV)/.installed prometheus

# A real Prometheus (Debian's package) for the tests of the alert rules and dashboards; it starts no
# service by itself. Skipped where it is installed already or apt-get is not available.
prometheus:
	@command -v prometheus >/dev/null && command -v promtool >/dev/null || \
		{ command -v apt-get >/dev/null && apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; } || \
		echo "warning: Prometheus is not installed; its tests will be skipped"

up: install
	$(VENV)/bin/kamld up

# The tests start with the lint: a lint or type error fails `make test` (and CI) before any test runs.
test: lint
	$(VENV)/bin/python -m pytest

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
# (they carry kamld_content with them; docs/sdk.md).
dist: $(UV)
	$(UV) build --quiet --out-dir dist libs/sdk

clean:
	rm -rf $(VENV) dist

# Regenerate the committed public OpenAPI document (a test fails when it drifts from the code).
.PHONY: openapi
openapi: install
	$(VENV)/bin/python -m kamld_workbench_api.openapi docs/openapi/public-v1.json
