# Two set-up commands (see README "Quick start"):
#   make lab    create/reuse .venv, install everything, open the training in JupyterLab
#   make test   create/reuse .venv, install everything, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Re-install when the dependency list changes.
STAMP  := $(VENV)/.walkbeside-installed

.PHONY: lab test install clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Walk Beside needs Python 3.10 or newer (found %s)." % sys.version.split()[0]) if sys.version_info < (3, 10) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/walkbeside lab

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope

clean:
	rm -rf $(VENV) build
