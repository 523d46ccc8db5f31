# The two commands of the README: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup system run test bench bench-quick clean

system:
	bash .ci/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: system $(STAMP)

run: setup
	$(BIN)/labatlas build
	$(BIN)/labatlas viz -o out/labatlas.html
	$(BIN)/labatlas query shared-partners
	$(BIN)/labatlas export --format ttl -o out/labatlas.ttl

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Scale and speed against rdflib, measured in the same run (README, "Scale and speed").
bench: setup
	$(BIN)/python -m labatlas.bench.run

bench-quick: setup
	$(BIN)/python -m labatlas.bench.run --quick

clean:
	rm -rf $(VENV) out .labatlas
