# The two commands: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast lint format bench clean

# The student's environment, made only from the student file exactly as README "For students"
# says (a new venv, its own stock pip, no upgrade), anew whenever that file changes. The student
# tests (tests/student) run the student's kernel and JupyterLab from it. `--retries 0`: where
# the file's CPU index cannot be reached (this machine), pip tries it once per package, quietly,
# instead of five times with back-off and a warning each; the same wheels come from pip's other
# indexes.
STUDENT_VENV := .venv-student
STUDENT_STAMP := $(STUDENT_VENV)/.installed

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(STUDENT_STAMP): assignments/requirements.txt
	rm -rf $(STUDENT_VENV)
	$(PYTHON) -m venv $(STUDENT_VENV)
	$(STUDENT_VENV)/bin/pip install --quiet --retries 0 -r assignments/requirements.txt
	touch $(STUDENT_STAMP)

demo: $(STAMP)
	$(VENV)/bin/autograder demo

# Two pytest-xdist workers, a test class or module each at a time (see tests/conftest.py);
# the ten slowest tests are listed at the end.
XDIST := -n 2 --dist loadscope --no-loadscope-reorder

# The browser tests drive Debian's chromium through playwright (never a browser of its own).
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

test: $(STAMP) $(STUDENT_STAMP) $(CHROMIUM)
	$(PY) -m pytest $(XDIST) --durations=10

test-fast: $(STAMP)
	$(PY) -m pytest $(XDIST) -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) benchmarks/training_epoch.py
	$(PY) benchmarks/grading.py
	$(PY) benchmarks/similarity.py

clean:
	rm -rf $(VENV) $(STUDENT_VENV) dist build out *.egg-info
