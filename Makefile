# Two commands for students: `make lab` and `make test`. Everything else is for instructors.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: lab test execute html bench lint venv clean

# Create the virtual environment and install lecturelib (editable) with its dev extra.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

## Open the series in JupyterLab (token authentication stays on).
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00_start_here.ipynb

## Run every test: the library's unit tests and every notebook under strict nbval.
test: $(STAMP)
	$(BIN)/python -m pytest

## Re-run every notebook in place from a clean kernel (after changing lecturelib).
execute: $(STAMP)
	$(BIN)/python -m lecturelib.execute notebooks/*.ipynb

## Export every notebook to standalone HTML in html/ (readable offline, no Python needed).
html: $(STAMP)
	$(BIN)/python -m lecturelib.htmlexport notebooks/*.ipynb --output html

## Benchmarks against numpy by hand, PyTorch, micrograd and scikit-learn (benchmarks/RESULTS.md).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check lecturelib tests benchmarks
	$(BIN)/ruff format --check lecturelib tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
