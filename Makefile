# `make run` starts the app on the embedded default (SQLite + threads); `make test` runs every test.
# Both create the virtualenv in .venv on first use and reuse it afterwards.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run run-lan serve test test-fast fuzz install benchmarks clean vendor

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "booklib needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/flask --app booklib.web run $(ARGS)

# The app on the home network over HTTPS (the camera needs it): a self-signed certificate made once in
# the instance folder, the address printed and shown as a QR code on the add-book page. PORT_LAN=5443.
PORT_LAN ?= 5443
run-lan: $(STAMP)
	$(BIN)/python -m booklib.web.lan --port $(PORT_LAN) $(ARGS)

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

# Browser files kept in the repository (nothing here is needed to run or test the app): the barcode
# decoder the add-book page uses where the browser has no BarcodeDetector, and axe-core for the
# browser tests. Versions are pinned in package.json; run after changing them.
ZXING := booklib/web/static/vendor/zxing-wasm
vendor:
	npm ci --no-audit --no-fund
	mkdir -p $(ZXING) tests/browser/vendor
	cp node_modules/zxing-wasm/dist/iife/reader/index.js $(ZXING)/zxing-reader.js
	cp node_modules/zxing-wasm/dist/reader/zxing_reader.wasm node_modules/zxing-wasm/LICENSE $(ZXING)/
	node -p '"zxing-wasm " + require("./node_modules/zxing-wasm/package.json").version' > $(ZXING)/VERSION
	cp node_modules/axe-core/axe.min.js tests/browser/vendor/
	cp node_modules/axe-core/LICENSE tests/browser/vendor/LICENSE-axe-core
	node -p '"axe-core " + require("./node_modules/axe-core/package.json").version' > tests/browser/vendor/VERSION

clean:
	rm -rf $(VENV) .pytest_cache
