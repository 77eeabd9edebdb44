# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench install browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Starts the app in the browser (http://127.0.0.1:8550); imports the demo plan into an empty data folder.
run: $(STAMP)
	$(PY) -m planner app --demo-if-empty $(ARGS)

# Every test, the real-browser ones included (installs Debian's chromium when missing and allowed).
test: $(STAMP) browser
	$(PY) -m pytest -q -p no:cacheprovider

# Unit, storage and UI tests only (no browser).
test-fast: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m "not browser"

bench: $(STAMP)
	$(PY) -m planner.bench

browser:
	@sh tools/ensure-chromium.sh

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
