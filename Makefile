# Two commands: `make run` (embedded demo) and `make test` (the suite: every test on
# PostgreSQL, the embedded-mode proof on SQLite). `make test-all`: every test on both.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-pooled test-all lint bench clean translations

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/zugong serve

# -n auto: one pytest-xdist worker per core, each on a database and Redis db of its own;
# worksteal: a worker that runs dry takes tests queued for the other (with plain "load"
# one worker sat idle for the last 10 minutes of a run while the other had the tail).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m tests.preflight
	$(BIN)/pytest -n auto --dist worksteal $(PYTEST_ARGS)
	$(MAKE) test-pooled

# The tenancy, isolation and jobs suites again, the app's connection through a PgBouncer
# of the run's own in transaction pooling mode (tests/pgbouncer.py), as production pools.
POOLED_SUITES := tests/core/tenancy tests/isolation tests/core/jobs
test-pooled: $(STAMP)
	$(BIN)/pytest -n auto --dist worksteal --pgbouncer $(POOLED_SUITES) $(PYTEST_ARGS)

test-all: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m tests.preflight
	$(BIN)/pytest -n auto --dist worksteal --all-backends $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance .pytest_cache

# Re-extract the Chinese msgids, merge them into the English catalog, compile the .mo.
# No fuzzy matching: short Chinese msgids make difflib guesses wrong more often than right.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o core/translations/messages.pot .
	$(BIN)/pybabel update -i core/translations/messages.pot -d core/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d core/translations --statistics
