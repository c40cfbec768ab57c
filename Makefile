# Quickstart targets: `make demo` and `make test` work on a fresh clone with python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := examples/kancc-reminiscences.txt

.PHONY: demo test setup clean-venv

$(BIN)/webmend: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,ray,bench]'
	touch $(BIN)/webmend

setup: $(BIN)/webmend

demo: setup  ## mend the bundled sample page and print its record
	$(BIN)/webmend clean $(SAMPLE) -o - | $(BIN)/python -m json.tool --no-ensure-ascii

test: setup  ## the test suite (what CI runs)
	$(BIN)/python -m pytest webmend tests

clean-venv:
	rm -rf $(VENV)
