# Quick start: `make` sets everything up and runs the main job on the archive; `make test` runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
AS_OF ?=
AS_OF_FLAG := $(if $(AS_OF),--as-of $(AS_OF),)

.PHONY: all setup validate reports site test clean

all: validate reports site

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

validate: setup
	$(PY) scripts/validate.py $(AS_OF_FLAG)

reports: setup
	$(PY) scripts/build_reports.py $(AS_OF_FLAG) --out out/reports

site: setup
	CALLBACK_AS_OF=$(AS_OF) $(PY) -m mkdocs build --strict --site-dir site

test: setup
	$(PY) -m pytest -q

clean:
	rm -rf site out .pytest_cache
