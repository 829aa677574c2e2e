# glonass-dispatch: `make run` starts the whole system, `make test` runs every test.
# Both set up what they need: the virtualenv, PostGIS and Chromium from Debian where missing.

SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT   := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -y -q -o Dpkg::Use-Pty=0

.PHONY: run test test-fast bench lint typecheck check fuzz postgis chromium vendor screenshots clean

$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing glonass-dispatch with its test tools"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

postgis:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "==> installing PostgreSQL and PostGIS from Debian"; \
	  $(APT) update && $(APT) install postgresql postgresql-contrib; \
	fi
	@major=$$(ls /usr/lib/postgresql | sort -n | tail -1); \
	if ! ls /usr/share/postgresql/$$major/extension/postgis.control >/dev/null 2>&1; then \
	  echo "==> installing postgresql-$$major-postgis-3 from Debian"; \
	  $(APT) update && $(APT) install postgresql-$$major-postgis-3; \
	else echo "==> PostGIS for PostgreSQL $$major is installed"; fi

chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "==> installing Debian's chromium for the browser tests"; \
	  $(APT) update && $(APT) install chromium; \
	else echo "==> chromium is installed"; fi

run: $(STAMP) postgis
	@echo "==> starting glonass-dispatch with the demo city and a simulated fleet (Ctrl-C stops)"
	$(BIN)/glonass-dispatch serve --simulate 84

test: $(STAMP) postgis chromium
	@echo "==> running the test suite (its own PostGIS cluster under var/test-pg)"
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not postgis and not browser"

bench: $(STAMP) postgis
	$(BIN)/python -m tests.bench

lint: $(STAMP)
	$(BIN)/ruff check egts_server dispatch maps db tests
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

fuzz: $(STAMP)
	$(BIN)/pip install -q atheris
	$(BIN)/python tests/fuzz/fuzz_egts.py -max_total_time=600 var/fuzz/egts
	$(BIN)/python tests/fuzz/fuzz_ndtp.py -max_total_time=600
	$(BIN)/python tests/fuzz/fuzz_ndtp.py --nis -max_total_time=600
	$(BIN)/python tests/fuzz/fuzz_wialon.py -max_total_time=600
	$(BIN)/python tests/fuzz/fuzz_osmand.py -max_total_time=600
	$(BIN)/python tests/fuzz/fuzz_teltonika.py -max_total_time=600
	$(BIN)/python tests/fuzz/fuzz_wialonretr.py -max_total_time=600
	$(BIN)/python tests/fuzz/fuzz_galileosky.py -max_total_time=600
	$(BIN)/python tests/fuzz/fuzz_navtelecom.py -max_total_time=600

screenshots: $(STAMP) postgis chromium
	$(BIN)/python -m tests.tools.screenshots

vendor: $(STAMP)
	$(BIN)/python -m maps.vendor

clean:
	rm -rf $(VENV) var/test-pg build *.egg-info
