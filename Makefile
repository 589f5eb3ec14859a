# Two commands: `make run` and `make test`. Both create .venv when it is missing.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-slow lint bench clean mutate compiled

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The hot path compiled to C (sim/compiled.py): built once, rebuilt when its sources
# change; without a C compiler, a note, and the model runs from source.
compiled: $(STAMP)
	@$(PY) -c 'import sim.compiled; sim.compiled.build()'

# After the run (or sweep), its one-page report: the page's path is printed last.
run: compiled
	@set -o pipefail; $(PY) -m sim $(ARGS) | tee $(VENV)/last-run.log
	@dir=$$(sed -nE 's/^(results|sweep): //p' $(VENV)/last-run.log | tail -1); \
	if [ -n "$$dir" ]; then \
	  set -o pipefail; page=$$($(PY) -m sim.report "$$dir" --html | tail -1) && echo "report: $$page"; fi

test: compiled
	$(PY) -m pytest -q -n auto $(ARGS)

test-slow: compiled
	$(PY) -m pytest -q -n auto -m slow $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check sim hydra_plugins tests benchmarks experiments
	$(VENV)/bin/mypy

bench: compiled
	$(PY) benchmarks/replication.py
	$(PY) benchmarks/negotiation.py
	$(PY) benchmarks/sweeps.py all
	$(PY) benchmarks/explore.py

# Mutation testing of the core (not part of `make test`; slow): see docs/testing.md.
# MUTANTS narrows the run (e.g. MUTANTS='sim.streams*'); MUTATE_TIME caps it in seconds, and
# a run stopped by the cap goes on where it stopped when run again.
MUTATE_JOBS ?= 2
MUTATE_TIME ?= 3600
mutate: $(STAMP)
	-timeout -k 60 $(MUTATE_TIME) $(VENV)/bin/mutmut run --max-children $(MUTATE_JOBS) $(MUTANTS)
	$(PY) tests/mutation/report.py mutants-report.txt

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache .mypy_cache .ruff_cache mutants mutants-report.txt
	find sim -name '*.so' -delete; rm -f sim/compiled.stamp

.PHONY: golden
golden: $(STAMP)
	$(PY) tests/golden/regenerate.py
