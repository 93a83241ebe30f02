# Everything starts from a fresh machine with Python 3.11: the first target that
# needs the virtual environment makes it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check bench fuzz faults clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## open the TUI on the bundled sample
	$(BIN)/briefing

test: $(STAMP)  ## the whole suite
	$(BIN)/pytest

check: $(STAMP)  ## lint, format and types
	$(BIN)/ruff check briefing tests bench
	$(BIN)/ruff format --check briefing tests bench
	$(BIN)/mypy

bench: $(STAMP)  ## the speed table at 2,000 and 20,000; BENCH_SIZES=2000,20000,100000 for the large run
	$(BIN)/python bench/run.py
	$(BIN)/python bench/stores.py  # the same corpus in SQLite and PostgreSQL, side by side

fuzz: $(STAMP)  ## many generated inputs (FUZZ_INPUTS=12000): tracebacks, hangs, peak memory
	$(BIN)/python tests/fuzz/run.py

faults: $(STAMP)  ## kill -9 and concurrent ingests at full size: FAULT_FILES=2000 FAULT_TRIALS=20
	$(BIN)/python bench/faults.py --files $${FAULT_FILES:-2000} --trials $${FAULT_TRIALS:-20}

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
