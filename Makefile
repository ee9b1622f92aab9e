# The two set-up commands of the README: `make demo` (the main job) and `make test` (the whole suite).
# Each one makes the virtual environment and installs what it needs by itself.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test lint venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/gridbot demo

test: $(STAMP)
	$(VENV)/bin/pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check gridbot tests benchmarks
	$(VENV)/bin/ruff format --check gridbot tests benchmarks
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) gridbot.db gridbot.db-wal gridbot.db-shm
