# Two commands for students: `make lab` and `make test`. Everything else is for instructors.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: lab test execute html bench lint venv clean machines floors mutants loadtest

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

## Strict nbval on every notebook under other machines' kernels (OpenBLAS kernel and numpy SIMD
## level: SkylakeX, Zen, Haswell, Sandybridge, Prescott; those this CPU can run).
machines: $(STAMP)
	$(BIN)/python .ci/machines.py

## The unit tests and every notebook with the lowest versions pyproject.toml allows (.venv-floors).
FLOORS := .venv-floors
floors:
	@test -x $(FLOORS)/bin/python || $(PYTHON) -m venv $(FLOORS)
	$(FLOORS)/bin/python -m pip install --quiet --upgrade pip
	$(PYTHON) .ci/floors.py > $(FLOORS)/constraints.txt
	$(FLOORS)/bin/python -m pip install --quiet -c $(FLOORS)/constraints.txt -e ".[dev,crosscheck]"
	$(FLOORS)/bin/python -m pip check
	$(FLOORS)/bin/python -m pip list --format=freeze | grep -iE "^($$(sed 's/==.*//' $(FLOORS)/constraints.txt | paste -sd'|'))=="
	$(FLOORS)/bin/python -m pytest --ignore=tests/browser

## Mutation testing of the engine and the optimisers, on a scratch copy (about 15 min; by hand).
mutants: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,mutants]"
	$(BIN)/python .ci/mutants.py

## A class on this machine: the test hub on 127.0.0.1 and N simulated students (deploy/README.md).
loadtest: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,hub]"
	npm ci --prefix deploy --no-audit --no-fund --loglevel=error
	$(BIN)/python deploy/loadtest.py $(if $(STUDENTS),--students $(STUDENTS)) $(LOADTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check lecturelib tests benchmarks deploy
	$(BIN)/ruff format --check lecturelib tests benchmarks deploy

clean:
	rm -rf $(VENV) $(FLOORS) build *.egg-info
