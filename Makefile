# The two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint messages check-messages bench-search worker beat

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	@mkdir -p var
	$(PY) -m pytest

lint: install
	$(BIN)/ruff check .

# Refresh the English catalogue after changing Japanese strings, then compile it (commit both).
messages: install
	$(PY) manage.py makemessages -l en --no-obsolete --add-location file \
	  --ignore '.venv/*' --ignore 'var/*' --ignore '*/tests/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages -l en --ignore .venv

# The compiled .mo must match its .po (CI runs this).
check-messages:
	@for po in $$(find locale -name '*.po'); do \
	  msgfmt --check -o var/check.mo "$$po" && cmp -s var/check.mo "$${po%.po}.mo" \
	  || { echo "$${po%.po}.mo is out of date: run 'make messages'"; exit 1; }; \
	done; rm -f var/check.mo; echo "compiled translations are current"

worker: install
	$(BIN)/celery -A config worker -l info

beat: install
	$(BIN)/celery -A config beat -l info
