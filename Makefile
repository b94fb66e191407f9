# `make run` starts the app on the embedded default (SQLite + threads); `make test` runs every test.
# Both create the virtualenv in .venv on first use and reuse it afterwards.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test test-fast install benchmarks clean

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

benchmarks: $(STAMP)
	for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache
