# Two commands do all the set-up on a fresh machine:
#   make run   - virtualenv, install, translations, migrations, demo data (empty database only), serve on :5000
#   make test  - the same install plus the dev extras, then the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install dev translations db serve bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
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

test: dev
	$(BIN)/python -m pytest

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
