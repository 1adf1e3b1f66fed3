# motcua — `make run` serves the demo, `make test` runs the whole suite. Both start from a
# fresh machine: they create .venv, install what is needed and prepare the database.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install sysdeps e2e-deps lint format bench migrate demo messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# System packages for PDFs, translations and browser tests (Debian). Skipped when present or
# when not root; the browser journeys then skip with a reason.
sysdeps:
	@missing=""; \
	for p in chromium:/usr/bin/chromium msgfmt:/usr/bin/msgfmt; do \
	  test -x $${p#*:} || missing="$$missing $${p%%:*}"; done; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	missing=$$(echo $$missing | sed 's/msgfmt/gettext/'); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Please install:$$missing"; fi; fi

# axe-core from npm for the accessibility audit in the browser journeys.
e2e-deps:
	@test -f node_modules/axe-core/axe.min.js || (command -v npm >/dev/null && npm install --no-audit --no-fund --silent) || echo "npm not found: accessibility audit will skip"

migrate: install
	$(BIN)/motcua migrate --noinput
	$(BIN)/motcua collectstatic --noinput --verbosity 0

demo: migrate
	$(BIN)/motcua demo

run: sysdeps demo
	$(BIN)/motcua serve --host $(HOST) --port $(PORT)

test: install sysdeps e2e-deps
	$(BIN)/motcua collectstatic --noinput --verbosity 0
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

messages: install
	cd src/motcua && ../../$(BIN)/motcua makemessages -l vi --no-location && ../../$(BIN)/motcua compilemessages

# The performance suite (docs/performance.md): needs PostgreSQL on 127.0.0.1:5432; creates and
# reuses the database motcua_bench (BENCH_DATABASE_URL) and no other.
$(VENV)/.bench-installed: $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@

bench: $(VENV)/.bench-installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var node_modules .pytest_cache
