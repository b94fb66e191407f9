# `make run` starts the app on the embedded default (SQLite + threads); `make test` runs every test.
# Both create the virtualenv in .venv on first use and reuse it afterwards.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test test-fast fuzz install benchmarks clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "booklib needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/flask --app booklib.web run $(ARGS)

# A production server: gunicorn, 2 x cores + 1 workers of 4 threads. HOST=0.0.0.0 serves the network.
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) * 2 + 1 )))
serve: $(STAMP)
	$(BIN)/gunicorn --workers $(WORKERS) --threads 4 --bind $(HOST):$(PORT) --access-logfile - $(ARGS) booklib.entrypoints.wsgi:app

test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

# The fast part, for a developer's edit-test loop: everything not marked slow.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" $(ARGS)

# Schemathesis against the live app on both backends, longer than CI's bounded run (tests/fuzz).
FUZZ_EXAMPLES ?= 1000
FUZZ_SEED ?= $(shell date +%s)
fuzz: $(STAMP)
	BOOKLIB_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) BOOKLIB_FUZZ_SEED=$(FUZZ_SEED) $(BIN)/python -m pytest tests/fuzz -s -p no:logging --timeout 0 $(ARGS)

benchmarks: $(STAMP)
	for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
