# Two commands on a fresh machine with Python 3.11+ and make: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit docs bench clean coverage test-thorough mutation

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/styringskerne demo

test: lint typecheck unit docs

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

# The gate runs the same examples every time (profile "ci"); HYPOTHESIS_PROFILE=thorough runs
# 1.000 examples of every property and fuzz test. The suite runs on every core (pytest-xdist:
# about 45 s instead of 80 s on 2 cores); PYTEST_ARGS="-m 'not slow'" leaves out the demo runs.
unit: $(STAMP)
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(BIN)/pytest -n auto $(PYTEST_ARGS)

# Line and branch coverage of the tests in tests/ (doctests left out), per module.
coverage: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest -n auto -o addopts="" tests --cov=styringskerne \
		--cov-branch --cov-report=term:skip-covered

# More examples of every property and fuzz test (random seeds), not part of the gate.
test-thorough: $(STAMP)
	HYPOTHESIS_PROFILE=thorough $(BIN)/pytest -n auto $(PYTEST_ARGS)

# Mutation testing of the modules in [tool.mutmut] only_mutate (pyproject.toml), tests/ only;
# the surviving mutants are listed by `mutmut results` and shown by `mutmut show NAME`.
mutation: $(STAMP)
	rm -rf mutants
	HYPOTHESIS_PROFILE=mutation $(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir $(VENV)/site
	$(BIN)/python tools/check_site.py $(VENV)/site

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	cd benchmarks && ../$(BIN)/python bench_projection.py
	cd benchmarks && ../$(BIN)/python bench_explain.py
	cd benchmarks && ../$(BIN)/python bench_visitation.py
	cd benchmarks && ../$(BIN)/python bench_steering.py
	cd benchmarks && ../$(BIN)/python bench_kpi.py
	cd benchmarks && ../$(BIN)/python bench_frames.py
	cd benchmarks && ../$(BIN)/python bench_money_flows.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache site
