# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8765
URL ?=

.PHONY: run test lint bench conformance fixtures clean bytecode

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
	@$(BIN)/python -m compileall -q emulator client conformance bench

run: $(VENV)/.installed bytecode
	$(BIN)/nemo-emulator serve --host $(HOST) --port $(PORT)

test: $(VENV)/.dev bytecode
	$(BIN)/python -m pytest -q tests
	$(BIN)/python -m pytest -q conformance --nemo-report=.conformance

lint: $(VENV)/.dev
	$(BIN)/ruff check emulator client conformance tests bench fixtures
	$(BIN)/mypy

conformance: $(VENV)/.dev bytecode
	$(BIN)/python -m pytest -q conformance $(if $(URL),--nemo-base-url=$(URL)) --nemo-report=.conformance

fixtures: $(VENV)/.installed
	$(BIN)/python fixtures/make_media.py

bench: $(VENV)/.dev bytecode
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .conformance
