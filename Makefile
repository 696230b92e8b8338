# The two commands: `make demo` and `make test`. Both create .venv on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# checkov pins old networkx/boto3, so it lives in its own virtualenv (docs/adr/0003).
TOOLS  ?= .tools
CHECKOV_VENV := $(TOOLS)/checkov

.PHONY: demo test lint typecheck unit graphviz checkov bench bench-iac clean docs

demo: $(STAMP) graphviz
	$(BIN)/pscan demo --out pscan-demo

# checkov first: the IaC tests run the real thing (a minute or two on a fresh machine).
test: $(STAMP) graphviz checkov lint typecheck unit

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pscan needs Python >= 3.11 (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check scanner tests rules fixtures bench
	$(BIN)/ruff format --check scanner tests rules fixtures bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy --strict scanner

unit: $(STAMP)
	$(BIN)/pytest -q

docs: $(STAMP)
	$(PY) -m scanner.docs

# Graphviz renders SVG diagrams. Installed with apt-get where we may (root, Debian/Ubuntu);
# otherwise pscan still writes DOT and Mermaid and says how to get `dot`.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing graphviz with apt-get"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null 2>&1 || \
	    { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null 2>&1; } || \
	    echo "note: could not install graphviz; SVG diagrams will be skipped"; \
	  else echo "note: graphviz 'dot' not found; install it for SVG diagrams"; fi; }

checkov: $(CHECKOV_VENV)/bin/checkov

$(CHECKOV_VENV)/bin/checkov:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov>=3.2,<4'

bench: $(STAMP)
	$(PY) bench/bench_scan.py

# checkov and pscan's rules on fixtures/iac and a generated 5,000-resource plan
bench-iac: $(STAMP) checkov
	$(PY) bench/bench_iac.py --resources 5000

clean:
	rm -rf $(VENV) $(TOOLS) pscan-demo .pytest_cache .mypy_cache .ruff_cache build dist
