# Two commands do all the set-up on a fresh machine:
#   make run   - virtualenv, locked install, translations, migrations, demo data (empty database only), serve on :5000
#   make test  - the same install plus the locked dev tools, then the whole test suite
# Dependencies come from the lock files requirements/main.txt and requirements/dev.txt (exact versions
# and hashes, so every machine gets what CI tested); `make lock` refreshes them from pyproject.toml.
# requirements/vectors.txt (the engine's word vectors) is pinned by hand and installed without its
# declared dependencies (see the file).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
LOCK   := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: run test install dev translations db serve bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The locked set is installed as it is (--require-hashes), then the project itself without resolving
# anything (its build backend, setuptools, is in the lock too).
$(VENV)/.installed: requirements/main.txt requirements/vectors.txt pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r requirements/main.txt
	$(PIP) install --require-hashes --no-deps -r requirements/vectors.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.installed
	$(PIP) install --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed translations

dev: $(VENV)/.dev-installed translations

# Message catalogs are compiled as part of the install (the .mo files are not committed).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d matchmaker/translations 2>&1 | grep -v '^$$' || true
	@test -f matchmaker/translations/ja/LC_MESSAGES/messages.mo

db: install
	$(BIN)/matchmaker db upgrade
	$(BIN)/matchmaker seed-demo --if-empty

run: db
	$(BIN)/matchmaker run --host $(HOST) --port $(PORT)

# Two processes (the machine's two cores), each test file kept in one of them (module fixtures reused).
TEST_WORKERS ?= 2

test: dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Refresh the lock files after changing dependencies in pyproject.toml (or to take new releases on
# purpose); then run `make test` from a fresh clone before committing them.
lock: $(VENV)/.dev-installed
	$(LOCK) --build-deps-for editable -o requirements/main.txt pyproject.toml
	$(LOCK) --extra dev -c requirements/main.txt -o requirements/dev.txt pyproject.toml

# Update the catalogs after changing user-visible strings.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -w 120 -o matchmaker/translations/messages.pot .
	$(BIN)/pybabel update -w 120 -i matchmaker/translations/messages.pot -d matchmaker/translations

bench: dev
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/scheduling.py

clean:
	rm -rf $(VENV) build *.egg-info
