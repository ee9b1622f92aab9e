# The two set-up commands of the README: `make demo` (the main job) and `make test` (the whole suite).
# Each one makes the virtual environment and installs what it needs by itself.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test lint venv clean

$(STAMP): pyproject.toml
	@# Digests carry a chart with Chinese labels: install a CJK font when the machine has none (Debian).
	@ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc >/dev/null 2>&1 || ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || \
		{ command -v apt-get >/dev/null && { apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1; }; } || \
		echo "warning: no CJK font could be installed; digests will be sent as text only"; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/gridbot demo

test: $(STAMP)
	$(VENV)/bin/pytest -q -n auto --dist loadgroup

lint: $(STAMP)
	$(VENV)/bin/ruff check gridbot tests benchmarks
	$(VENV)/bin/ruff format --check gridbot tests benchmarks
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) gridbot.db gridbot.db-wal gridbot.db-shm
