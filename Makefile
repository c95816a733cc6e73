# Open by Necessity: `make book` builds the HTML book, `make test` runs the test suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: book book-student pdf screenshots course test bench lint vendor clean data install-check

$(INSTALLED): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

book: $(INSTALLED)  ## execute stale chapters (papermill) and build _build/html strictly
	$(BIN)/chipshock build

book-student: $(INSTALLED)  ## the book without exercise solutions, in _build/student/html
	$(BIN)/chipshock build --student

pdf: $(INSTALLED)  ## the book, _build/pdf/book.pdf, and its computation appendix, _build/pdf/computation.pdf (printed by Chromium)
	$(BIN)/python -m chipshock.pipeline.pdf

screenshots: $(INSTALLED)  ## developers and robustness at 1,400 px, 420 px (in a 420-px frame) and in dark mode, in _build/screenshots
	$(BIN)/python scripts/screenshots.py

course: $(INSTALLED)  ## autograded assignments in _build/course (student, solution, self-contained autograder zip), each solution graded full and each blank zero for the default and three drawn students
	$(BIN)/chipshock course --out _build/course --check --students 3

# Two pytest-xdist workers, each test module on one of them (its module fixtures are made once);
# one execution cache serves both. PYTEST_ARGS= runs in one process. (Not --dist loadgroup:
# pytest-xdist 3.8 cannot group tests under pytest 9.)
PYTEST_ARGS ?= -n 2 --dist loadfile

test: $(INSTALLED)  ## the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(INSTALLED)  ## timings: clean build, no-op build, one chapter rerun
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_gharchive.py

data: $(INSTALLED)  ## fetch data/raw/ (from ../shared/data when present) and build data/processed/
	if [ -d ../shared/data ]; then $(BIN)/chipshock data fetch --mirror ../shared/data; else $(BIN)/chipshock data fetch; fi
	$(BIN)/chipshock data build

install-check: $(INSTALLED)  ## `pip install .` in a fresh venv runs `chipshock chapters` and `chipshock run primer`
	$(BIN)/python scripts/install_check.py

lint: $(INSTALLED)
	$(BIN)/ruff check src tests scripts

vendor: $(INSTALLED)  ## regenerate _static/vega-offline.js and _vendor/mathjax from npm
	PY=$(BIN)/python scripts/vendor_js.sh

clean:
	rm -rf _build computation variants
