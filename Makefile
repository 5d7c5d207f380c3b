# Octopus: `make run` serves the product, `make test` runs every test and lint.
VENV     := .venv
PY       := $(VENV)/bin/python
MANAGE   := $(PY) manage.py
STAMP    := $(VENV)/.installed
HOST     ?= 127.0.0.1
PORT     ?= 8000

.PHONY: run setup test lint fuzz bench lock vendor clean

$(STAMP): requirements.lock
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $(STAMP)

# Migrate the embedded database and make the cache table (it holds the login lockout), load reference and sample
# data, make sure an administrator can sign in.
setup: $(STAMP)
	@mkdir -p var
	$(MANAGE) migrate --no-input --verbosity 0
	$(MANAGE) createcachetable
	$(MANAGE) load_reference_data
	$(MANAGE) load_sample_data
	$(MANAGE) ensure_admin

# The web server, and beside it the worker that runs background jobs (imports); stopping one stops both.
run: setup
	@$(MANAGE) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

# mypy checks the modules `files` names in pyproject.toml ([tool.mypy]: octopus/lib and every services/queries
# module), with the django-stubs plugin; what they import is read for its types but not reported.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(MANAGE) makemigrations --check --dry-run --verbosity 0

# Every test against PostgreSQL when DATABASE_URL is set (CI), else against the embedded SQLite.
# Browser tests run on their own: their live server needs committed data, which they flush when done.
test: lint
	$(VENV)/bin/pytest -n 2 -m "not browser"
	$(VENV)/bin/pytest -m browser

# Schemathesis over the whole API, in-process (no server to start): 0 server errors, 0 answers off the schema.
# FUZZ_EXAMPLES=100 make fuzz tries more cases per operation (default 10).
fuzz: $(STAMP)
	FUZZ=1 $(VENV)/bin/pytest -n 2 -m fuzz octopus/site/tests/test_api_fuzz.py

bench: $(STAMP)
	$(VENV)/bin/python -m octopus.site.bench

# Re-pin dependencies after editing requirements.in.
lock: $(STAMP)
	$(VENV)/bin/pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock requirements.in

# Refresh the vendored front-end files (needs npm).
vendor:
	scripts/vendor_static.sh

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache
