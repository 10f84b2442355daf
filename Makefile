# Quick start: `make` sets everything up and runs the main job on the archive; `make test` runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
CALLBACK := $(VENV)/bin/callback
AS_OF ?=
AS_OF_FLAG := $(if $(AS_OF),--as-of $(AS_OF),)

.PHONY: all setup validate reports site test clean

all: validate reports site

setup: $(VENV)/.installed

# The pinned packages, then this repository itself (editable: the `callback` command and the MkDocs plugin run the
# checkout's code), built with the pinned setuptools just installed: nothing else is downloaded.
$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	touch $@

validate: setup
	$(CALLBACK) validate $(AS_OF_FLAG)

reports: setup
	$(CALLBACK) reports $(AS_OF_FLAG) --out out/reports

site: setup
	CALLBACK_AS_OF=$(AS_OF) $(PY) -m mkdocs build --strict --site-dir site

test: setup
	$(PY) -m pytest -q

clean:
	rm -rf site out .pytest_cache
