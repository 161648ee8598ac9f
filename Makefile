# Two commands: `make run` serves Amplify, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PORT

PO := $(wildcard amplify/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test install install-test translations extract-messages lock audit-deps bench clean

run: $(VENV)/.installed $(MO)
	$(BIN)/amplify init
	$(BIN)/amplify run --port $(PORT)

test: $(VENV)/.installed-test $(MO)
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Amplify needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Dependencies come from the lock files, each file checked against its hash; then
# Amplify itself, with no dependency of its own resolved on the side.
install-locked = $(BIN)/python -m pip install --quiet --require-hashes -r $(1) \
	&& $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .

$(VENV)/.installed: pyproject.toml requirements.lock | $(VENV)/bin/python
	$(call install-locked,requirements.lock)
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements-test.lock | $(VENV)/bin/python
	$(call install-locked,requirements-test.lock)
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

# Pin every dependency (and the build's setuptools) with the hashes of the files PyPI
# publishes: requirements.lock to run, requirements-test.lock for the tests too. Run it
# after changing the dependencies in pyproject.toml; pins already in a lock are kept
# (delete the locks first to move everything to the newest versions). The machine's own
# pip settings are left out so that local wheel folders put no other files' hashes in.
LOCK = env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null \
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links --build-deps-for editable

lock: | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(LOCK) --output-file requirements.lock pyproject.toml
	$(LOCK) --extra test --output-file requirements-test.lock pyproject.toml

# Known vulnerabilities in the locked versions (needs the network).
audit-deps: | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit --disable-pip --require-hashes -r requirements.lock -r requirements-test.lock

bench: $(VENV)/.installed-test $(MO)
	@for b in bench/*.py; do [ -e "$$b" ] && $(BIN)/python $$b; done; true

clean:
	rm -rf $(VENV) amplify/translations/*/LC_MESSAGES/*.mo
