# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test test-fast bench install browser clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The app and its own dependencies only.
$(APP_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $(APP_STAMP)

# The app plus the test tools (pytest, hypothesis, playwright, a FHIR model library and test server).
$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(APP_STAMP) $(TEST_STAMP)

install: $(APP_STAMP)

# Starts the app in the browser (http://127.0.0.1:8550); imports the demo plan into an empty data folder.
run: $(APP_STAMP)
	$(PY) -m planner app --demo-if-empty $(ARGS)

# Every test, the real-browser ones included (installs Debian's chromium when missing and allowed).
test: $(TEST_STAMP) browser
	$(PY) -m pytest -q -p no:cacheprovider

# Unit, storage and UI tests only (no browser).
test-fast: $(TEST_STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m "not browser"

bench: $(APP_STAMP)
	$(PY) -m planner.bench

browser:
	@sh tools/ensure-chromium.sh

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
