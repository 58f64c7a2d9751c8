# Two commands for a fresh machine with Python 3.11 and git:  make demo  and  make test.
# Every target bootstraps .venv itself; nobody has to activate it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
# nbgrader runs the `alembic` program when it creates a gradebook, so the venv's bin/ must be on PATH.
export PATH := $(BIN):$(PATH)
# Matplotlib must not try to open a window from a test or an autograded notebook.
export MPLBACKEND := Agg

STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint lab install clean

# The accessibility browser tests inject axe-core, pinned in tests/a11y/package-lock.json (npm ci needs node/npm).
AXE := tests/a11y/node_modules/axe-core/axe.min.js

$(STAMP): pyproject.toml binder/requirements.txt requirements-cluster.txt requirements-test.txt tests/a11y/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	cd tests/a11y && npm ci --no-audit --no-fund --silent
	test -f $(AXE)
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope

# For contributors: the unit and course-structure tests, without browsers, nbgrader runs, servers or notebooks.
FAST := not (browser or grading or cluster or postgres or slow or claims)
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -m "$(FAST)" -n 2 --dist loadscope

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src

# JupyterLab 4.6 asks about its news feed unless fetchNews is "false"; news_url=None stops the fetch itself.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_OVERRIDES): $(STAMP)
	mkdir -p $(dir $@)
	echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' > $@

lab: $(STAMP) $(LAB_OVERRIDES)
	$(BIN)/jupyter lab --LabApp.news_url=None notebooks/00_start_here.ipynb

# Only what can be rebuilt: the venv, caches, `make demo`'s copy of the course and test artifacts. Never the
# instructor's work (submitted/, gradebook.db, autograded/, feedback/, grades.csv, reports/): remove those by hand.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis demo-output test-artifacts tests/a11y/node_modules
	find . \( -path ./submitted -o -path ./autograded -o -path ./feedback \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	@echo "make clean: kept submitted/, gradebook.db, autograded/, feedback/, grades.csv and reports/ (your grading)."
