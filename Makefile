# glonass-dispatch: `make run` starts the whole system, `make test` runs every test.
# Both set up what they need: the virtualenv, PostGIS, HAProxy and Chromium from Debian where
# missing.

SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT   := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get -y -q -o Dpkg::Use-Pty=0

.PHONY: run test test-fast bench lint typecheck check fuzz mutate postgis haproxy chromium vendor \
	screenshots clean

$(STAMP): pyproject.toml setup.py
	@echo "==> creating $(VENV) and installing glonass-dispatch with its test tools"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

# The compiled kernels (codecs, the writer's COPY encoder), built in place next to their Cython
# sources (the editable install builds them too; this rebuilds them after a source changes).
# Without a C compiler setup.py says so and the pure-Python ones serve.
CYTHON_SOURCES := $(shell find egts_server db -name '*.pyx' -o -name '*.pxd' -o -name '*.pxi')
COMPILED := build/.compiled-stamp
$(COMPILED): $(STAMP) $(CYTHON_SOURCES) setup.py
	@echo "==> building the compiled codec kernels"
	$(BIN)/python setup.py -q build_ext --inplace
	@mkdir -p build && touch $(COMPILED)

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

haproxy:  # the load balancer of deploy/ (its configuration check and the multi-node test)
	@if ! command -v haproxy >/dev/null 2>&1; then \
	  echo "==> installing Debian's haproxy for the scale-out tests"; \
	  $(APT) update && $(APT) install haproxy; \
	else echo "==> haproxy is installed"; fi

chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "==> installing Debian's chromium for the browser tests"; \
	  $(APT) update && $(APT) install chromium; \
	else echo "==> chromium is installed"; fi

run: $(STAMP) $(COMPILED) postgis
	@echo "==> starting glonass-dispatch with the demo city and a simulated fleet (Ctrl-C stops)"
	$(BIN)/glonass-dispatch serve --simulate 84

test: $(STAMP) $(COMPILED) postgis haproxy chromium
	@echo "==> running the test suite (its own PostGIS cluster under var/test-pg)"
	$(BIN)/pytest

test-fast: $(STAMP) $(COMPILED)
	$(BIN)/pytest -m "not postgis and not browser"

bench: $(STAMP) $(COMPILED) postgis haproxy
	$(BIN)/python -m tests.bench

lint: $(STAMP)
	$(BIN)/ruff check egts_server dispatch maps db tests
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

# Coverage-guided fuzzing (atheris), one target per codec, FUZZ_SECONDS each (default ten
# minutes); corpora grow under var/fuzz/<target>, a crash leaves its input as var/fuzz/crash-*
# and stops the run. tests/fuzz/test_targets.py runs every target for a few seconds.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := egts ndtp nis wialon osmand teltonika wialonretr galileosky navtelecom
fuzz: $(STAMP)
	$(BIN)/pip install -q -e '.[fuzz]'
	@mkdir -p var/fuzz
	@for target in $(FUZZ_TARGETS); do \
	  script=tests/fuzz/fuzz_$$target.py; flag=; \
	  if [ $$target = nis ]; then script=tests/fuzz/fuzz_ndtp.py; flag=--nis; fi; \
	  echo "==> fuzzing $$target for $(FUZZ_SECONDS) s"; \
	  $(BIN)/python $$script $$flag -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=var/fuzz/ var/fuzz/$$target || exit 1; \
	done

# Mutation testing of the modules [tool.mutmut] names (not part of `make test`: it takes the
# better part of an hour). Without MUTANTS every mutant is made and run afresh; with it only the
# mutants it names are run again, e.g. make mutate MUTANTS='maps.auth.throttle.*'.
MUTATE_CHILDREN ?= 2
MUTANTS ?=
mutate: $(STAMP)
	@echo "==> mutation testing: every mutant of the listed modules against the fast tests"
	@echo "    (the pure-Python reference codecs are what is mutated: GLONASS_NO_EXTENSIONS=1)"
	@echo "    (progress in var/mutmut.log)"
	@mkdir -p var; if [ -z "$(MUTANTS)" ]; then rm -rf mutants; fi
	GLONASS_NO_EXTENSIONS=1 $(BIN)/mutmut run --max-children $(MUTATE_CHILDREN) $(foreach m,$(MUTANTS),'$(m)') \
	  > var/mutmut.log 2>&1 || \
	  { tail -n 40 var/mutmut.log; exit 1; }
	$(BIN)/python -m tests.tools.mutation_report --fail-under 95

screenshots: $(STAMP) postgis chromium
	$(BIN)/python -m tests.tools.screenshots

vendor: $(STAMP)
	$(BIN)/python -m maps.vendor

clean:
	rm -rf $(VENV) var/test-pg build *.egg-info mutants
	find egts_server db -name '*.so' -delete
