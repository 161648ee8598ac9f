# Two commands: `make run` serves Amplify, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PORT

PO := $(wildcard amplify/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test install install-test translations extract-messages bench clean

run: $(VENV)/.installed $(MO)
	$(BIN)/amplify init
	$(BIN)/amplify run --port $(PORT)

test: $(VENV)/.installed-test $(MO)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Amplify needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed $(MO)
install-test: $(VENV)/.installed-test $(MO)

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

translations: $(MO)

# Refresh the template catalog from the code and merge it into every language.
extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o amplify/translations/messages.pot .
	$(BIN)/pybabel update -i amplify/translations/messages.pot -d amplify/translations --no-fuzzy-matching --omit-header

bench: $(VENV)/.installed-test $(MO)
	@for b in bench/*.py; do [ -e "$$b" ] && $(BIN)/python $$b; done; true

clean:
	rm -rf $(VENV) amplify/translations/*/LC_MESSAGES/*.mo
