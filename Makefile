# Entry points of stspd. `make run` and `make test` install everything they need.
# uv is called as `python3 -m uv` so that it works wherever pip put it.

UV := python3 -m uv
RUN := $(UV) run --frozen
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT ?= 8000
# pytest's worker processes (pytest-xdist). `auto` is one per core: 2 on these machines (the
# tests use the CPU, not the network; README, Tests). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

.PHONY: run test test-fast test-sweep install install-system install-browser lint check pytest bench bench-load bench-documents clean-db

# Long work (a partner file's import, a survey's weighting) runs in the request here: the
# immediate task backend, no worker to start (TASKS_BACKEND, docs/decisions.md).
run: install
	$(RUN) stspd migrate --no-input -v 0
	$(RUN) stspd demo
	@echo "\nstspd sert la démonstration sur http://127.0.0.1:$(PORT)/ (Ctrl-C pour arrêter)\n"
	$(RUN) stspd runserver 127.0.0.1:$(PORT)

test: install install-browser lint pytest

# The edit loop: ruff only, no browser test, in parallel. `make test` before a commit lands.
test-fast: install
	$(RUN) ruff check .
	$(RUN) pytest -n $(PYTEST_WORKERS) -m "not browser and not sweep"

install: install-system
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen --quiet
	@mkdir -p var

# Pango, HarfBuzz's subsetter (font subsetting) and a font for WeasyPrint's PDF documents.
install-system:
	@/sbin/ldconfig -p | grep -q libpangoft2-1.0.so.0 && /sbin/ldconfig -p | grep -q libharfbuzz-subset.so.0 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null; }

# Debian's chromium (never a browser downloaded by Playwright) and axe-core from npm.
install-browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent

lint:
	$(RUN) ruff format --check .
	$(RUN) ruff check .
	$(RUN) lint-imports
	$(RUN) mypy stspd crimestats
	$(RUN) stspd makemigrations --check --dry-run

pytest:
	$(RUN) pytest -n $(PYTEST_WORKERS) -m "not sweep"

# Every observatory page of every commune and EPCI of the shipped real data (thousands of pages).
test-sweep: install
	$(RUN) pytest -n $(PYTEST_WORKERS) -m sweep

bench: install
	$(RUN) python bench/cog_import.py
	DATABASE_URL=$${BENCH_POSTGRES_URL:-postgres://postgres:postgres@127.0.0.1:5432/stspd} $(RUN) python bench/cog_import.py
	$(RUN) python bench/ssmsi_import.py
	DATABASE_URL=$${BENCH_POSTGRES_URL:-postgres://postgres:postgres@127.0.0.1:5432/stspd} $(RUN) python bench/ssmsi_import.py
	$(RUN) python bench/observatory_page.py
	DATABASE_URL=$${BENCH_POSTGRES_URL:-postgres://postgres:postgres@127.0.0.1:5432/stspd} $(RUN) python bench/observatory_page.py
	$(RUN) python bench/dashboard.py
	DATABASE_URL=$${BENCH_POSTGRES_URL:-postgres://postgres:postgres@127.0.0.1:5432/stspd} $(RUN) python bench/dashboard.py
	$(RUN) python bench/stats_all_cells.py
	$(RUN) python bench/funnel.py
	$(RUN) python bench/hotspots.py
	$(RUN) python bench/synthetic_control.py
	$(RUN) python bench/calibration.py
	$(RUN) python bench/strategy_pdf.py
	$(MAKE) bench-load

# 100 clients for 60 s on gunicorn and PostgreSQL (the demo in a database of its own).
bench-load: install
	BENCH_POSTGRES_URL=$${BENCH_POSTGRES_URL:-postgres://postgres:postgres@127.0.0.1:5432/stspd} $(RUN) python bench/load.py

# The public signed PDF under 100 anonymous clients against the same server sending it as a file.
bench-documents: install
	BENCH_POSTGRES_URL=$${BENCH_POSTGRES_URL:-postgres://postgres:postgres@127.0.0.1:5432/stspd} $(RUN) python bench/documents.py

clean-db:
	rm -f var/stspd.sqlite3 var/stspd.sqlite3-wal var/stspd.sqlite3-shm
