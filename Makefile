# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8765
URL ?=
SHARE ?=
ARGS ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-quick lint bench conformance fixtures clean bytecode typecheck-links chromium nemovideo-cli

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

# Our modules' bytecode, written even where PYTHONDONTWRITEBYTECODE is set: without it every start of the
# emulator recompiles them (~40 ms of its ~0.3 s start-up). Only changed files are recompiled.
bytecode: | $(BIN)/python
	@$(BIN)/python -m compileall -q protocol emulator client conformance bench

# `make run PORT=9000 ARGS="--time-scale 60"`: one line per request is printed (`--quiet` turns that off).
run: $(VENV)/.installed bytecode
	@$(BIN)/nemo-emulator serve --host $(HOST) --port $(PORT) $(ARGS) || [ $$? -eq 130 ]

# The inspector's browser tests drive Debian's chromium; installed here when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { echo "installing Debian's chromium for the inspector's browser tests"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q >/dev/null && \
		  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; }

# Both phases always run; each says what it is doing and how it ended, and `make test` fails if either failed.
test: $(VENV)/.dev bytecode chromium nemovideo-cli
	@echo "== 1/2 the test suite (tests/): emulator, client, CLIs, browser, wheel, side-by-side ADK =="; \
	$(BIN)/python -m pytest -q tests; unit=$$?; \
	echo "== 2/2 the conformance suite (conformance/) against a freshly started emulator =="; \
	$(BIN)/python -m pytest -q conformance --nemo-report=.conformance; conf=$$?; \
	echo "== results: tests/ $$( [ $$unit = 0 ] && echo passed || echo "FAILED (exit $$unit)" ), conformance/ \
	$$( [ $$conf = 0 ] && echo passed || echo "FAILED (exit $$conf)" ) =="; \
	[ $$unit = 0 ] && [ $$conf = 0 ]

# The daily loop: everything but real encodes, the browser, the wheel and the side-by-side ADK run.
# The official `nemovideo` CLI (npm nemovideo-tools@0.1.8, named in tests/cli/package.json) is installed into the
# ignored tests/cli/node_modules; Debian's nodejs and npm are installed when missing.
nemovideo-cli:
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "installing Debian's nodejs and npm"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q >/dev/null && \
		  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm >/dev/null; }; }
	@[ -x tests/cli/node_modules/.bin/nemovideo ] || { echo "installing nemovideo-tools@0.1.8 from the npm registry"; \
		npm ci --prefix tests/cli --no-audit --no-fund --loglevel=error >/dev/null || \
		npm install --prefix tests/cli --no-audit --no-fund --loglevel=error >/dev/null; }

test-quick: $(VENV)/.dev bytecode
	$(BIN)/python -m pytest -q -m "not slow" tests

# mypy reads the packages by their installed names through links in .venv/typecheck (the editable install's
# import hook is invisible to it).
typecheck-links: | $(BIN)/python
	@mkdir -p $(VENV)/typecheck
	@for pair in protocol:nemo_protocol emulator:nemo_emulator client:nemo_client conformance:nemo_conformance; do \
		ln -sfn ../../$${pair%%:*} $(VENV)/typecheck/$${pair##*:}; done

lint: $(VENV)/.dev typecheck-links
	$(BIN)/ruff check protocol emulator client conformance tests bench fixtures
	MYPYPATH=$(VENV)/typecheck $(BIN)/mypy

# `make conformance URL=http://127.0.0.1:8765 SHARE=1`: a running server, with two shared anonymous identities.
conformance: $(VENV)/.dev bytecode
	$(BIN)/python -m pytest -q conformance $(if $(URL),--nemo-base-url=$(URL)) \
		$(if $(SHARE),--nemo-share-identities) --nemo-report=.conformance

fixtures: $(VENV)/.installed
	$(BIN)/python fixtures/make_media.py

bench: $(VENV)/.dev bytecode
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .conformance build dist
