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

.PHONY: demo test test-fast lint lab lab-instructor student-edition install clean

# The accessibility browser tests inject axe-core, pinned in tests/a11y/package-lock.json (npm ci needs node/npm).
AXE := tests/a11y/node_modules/axe-core/axe.min.js

$(STAMP): pyproject.toml binder/requirements.txt requirements-cluster.txt requirements-test.txt tests/a11y/package-lock.json
	@echo "Installing the course's libraries, its test tools and axe-core (requirements-test.txt, about 140 pinned packages, 1 GB) into $(VENV)/: about 5 minutes the first time, with no output until it is done."
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

# `make lab` needs only the runtime pins (binder/requirements.txt, what Binder installs) and the package, not the
# test tools: its own stamp, so a student's first `make lab` does not install pytest, Playwright or repo2docker.
RUNTIME_STAMP := $(VENV)/.installed-runtime
$(RUNTIME_STAMP): pyproject.toml binder/requirements.txt
	@echo "Installing JupyterLab, nbgrader and the course's libraries ($$(grep -c '==' binder/requirements.txt) pinned packages from binder/requirements.txt) into $(VENV)/, without the test tools: a few minutes the first time."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r binder/requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Student mode: the settings Binder applies (binder/student_settings.sh: no Create Assignment, Formgrader, Assignment
# List or Course List, no news prompt), written to a git-ignored config dir that only `make lab` uses.
STUDENT_CONFIG := $(CURDIR)/.jupyter-student
$(STUDENT_CONFIG)/.applied: binder/student_settings.sh $(RUNTIME_STAMP)
	rm -rf $(STUDENT_CONFIG)
	JUPYTER_CONFIG_DIR=$(STUDENT_CONFIG) bash binder/student_settings.sh
	touch $@

# JupyterLab 4.6 asks about its news feed unless fetchNews is "false"; news_url=None stops the fetch itself.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_OVERRIDES): $(RUNTIME_STAMP)
	mkdir -p $(dir $@)
	echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' > $@

# Jupyter refuses to run as root without --allow-root (a container, a VM); ARGS="..." passes more options.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# The student's work folder (git-ignored): lessons and labs copied on first run, never overwritten (mlcicd.workspace).
WORK := my-work
LAB_ARGS = --LabApp.news_url=None $(ALLOW_ROOT) $(ARGS)

lab: $(RUNTIME_STAMP) $(STUDENT_CONFIG)/.applied
	$(BIN)/python -m mlcicd.workspace $(WORK)
	JUPYTER_CONFIG_DIR=$(STUDENT_CONFIG) $(BIN)/jupyter lab --ServerApp.root_dir=$(WORK) $(LAB_ARGS) $(WORK)/notebooks/00_start_here.ipynb

# The instructor's view: the repository itself, with every nbgrader tool (Create Assignment, Formgrader).
lab-instructor: $(RUNTIME_STAMP) $(LAB_OVERRIDES)
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_ARGS) notebooks/00_start_here.ipynb

# The public repository students and Binder get: make student-edition DEST=~/mlcicd-student BINDER_REPO=owner/name
student-edition: $(RUNTIME_STAMP)
	@test -n "$(DEST)" || { echo "make student-edition needs DEST=folder (a new or empty folder outside this repository)"; exit 2; }
	$(BIN)/python scripts/student_edition.py $(DEST) $(if $(BINDER_REPO),--binder-repo $(BINDER_REPO))

# Only what can be rebuilt: the venv, caches, `make demo`'s copy of the course and test artifacts. Never the
# instructor's work (submitted/, gradebook.db, autograded/, feedback/, grades.csv, reports/): remove those by hand.
clean:
	rm -rf $(VENV) .jupyter-student .pytest_cache .mypy_cache .ruff_cache .hypothesis demo-output test-artifacts tests/a11y/node_modules
	find . \( -path ./submitted -o -path ./autograded -o -path ./feedback \) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	@echo "make clean: kept submitted/, gradebook.db, autograded/, feedback/, grades.csv and reports/ (your grading)."
