# The two commands: `make demo` and `make test`. Both create .venv on a fresh machine.
# What they install is locked in requirements/ (docs/ci.md, docs/adr/0004): `make lock`
# refreshes the lock, `make test-latest` tries the newest releases without it.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# pscan's dependencies and dev extra, pip and the build backend: pinned, with hashes.
LOCK   := requirements/constraints.txt
# checkov pins old networkx/boto3, so it lives in its own virtualenv (docs/adr/0003).
TOOLS  ?= .tools
CHECKOV_VENV  := $(TOOLS)/checkov
CHECKOV_LOCK  := requirements/checkov.txt
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-stamp
# `make lock` runs uv from its own small virtualenv, pinned by requirements/lock.txt.
LOCK_VENV := .venv-lock
UV        := $(LOCK_VENV)/bin/uv
UV_PIN = $(UV) pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock'
UV_COMPILE = $(UV_PIN) --upgrade
# `make test-latest`: the newest releases pyproject.toml allows, no lock.
LATEST    := .venv-latest

.PHONY: demo test lint typecheck unit graphviz postgresql chromium checkov bench bench-iac clean docs lock lock-keep test-latest

demo: $(STAMP) graphviz
	$(BIN)/pscan demo --out pscan-demo

# checkov first: the IaC tests run the real thing (a minute or two on a fresh machine).
test: $(STAMP) graphviz postgresql chromium checkov lint typecheck unit

# Exactly the lock, every file checked against its hash; then pscan itself, editable, with
# no dependencies of its own (they are all in the lock) and the locked build backend.
# Hash checking cannot cover an editable install, hence the two steps. `pip check` fails
# when pyproject.toml names a dependency the lock lacks: run `make lock`.
# --no-deps: the lock is complete, so pip installs exactly its pins without resolving; the
# pip a fresh venv starts with (23.x) otherwise rejects a dependency asked for with extras
# (google-cloud-bigquery's google-auth[pyopenssl]) as "not pinned" in --require-hashes mode.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pscan needs Python >= 3.11 (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-deps --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check || { echo "pyproject.toml and $(LOCK) disagree: run make lock" >&2; exit 1; }
	@touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check scanner tests rules fixtures bench
	$(BIN)/ruff format --check scanner tests rules fixtures bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy --strict scanner tests rules

unit: $(STAMP)
	$(BIN)/pytest -q

docs: $(STAMP)
	$(PY) -m scanner.docs
	$(PY) -m scanner.coverage
	$(PY) -m scanner.collectors.aws.permissions > docs/aws-permissions.md.tmp && mv docs/aws-permissions.md.tmp docs/aws-permissions.md

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

# PostgreSQL: the audit store's tests start a server of their own on loopback, from the
# Debian package's initdb/pg_ctl (tests/audit/conftest.py); pscan itself needs no server.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing postgresql with apt-get"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || \
	    { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1; } || \
	    echo "note: could not install postgresql; the PostgreSQL audit-store tests will skip"; \
	  else echo "note: PostgreSQL not found; install the postgresql package for its audit-store tests"; fi; }

# Headless Chromium (Debian package): tests open the HTML reports and diagrams in it through
# Playwright (dev extra; it launches this executable and downloads no browser of its own)
# and take screenshots. pscan itself does not need a browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium with apt-get"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
	    { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } || \
	    echo "note: could not install chromium; the browser tests will skip"; \
	  else echo "note: chromium not found; install the chromium package for the browser tests"; fi; }

checkov: $(CHECKOV_STAMP)

# Installed in place: a lock change updates the virtualenv without rebuilding it.
$(CHECKOV_STAMP): $(CHECKOV_LOCK)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --require-hashes -r $(CHECKOV_LOCK)
	@touch $(CHECKOV_STAMP)

# Resolve the newest versions pyproject.toml and requirements/*.in allow into the lock
# files (a few seconds). Then `make test`, and commit requirements/ when it passes.
lock: $(UV)
	$(UV_COMPILE) pyproject.toml requirements/build.in --extra dev -o $(LOCK)
	$(UV_COMPILE) requirements/checkov.in -o $(CHECKOV_LOCK)
	$(UV_COMPILE) requirements/lock.in -o requirements/lock.txt

# Only what changed in pyproject.toml (a new or widened dependency): every other pin stays.
lock-keep: $(UV)
	$(UV_PIN) pyproject.toml requirements/build.in --extra dev -o $(LOCK)
	$(UV_PIN) requirements/checkov.in -o $(CHECKOV_LOCK)

$(UV): requirements/lock.txt
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements/lock.txt
	@touch $(UV)

# The suite against the newest releases, in fresh virtualenvs and without the lock: what a
# `make lock` would bring. Every step runs; then the packages that differ from the lock are
# listed, and the exit status is the suite's. The weekly workflow .github/workflows/latest.yml.
test-latest: graphviz
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade -r requirements/build.in
	$(LATEST)/bin/python -m pip install --quiet --upgrade --no-build-isolation -e '.[dev]'
	@touch $(LATEST)/.latest-stamp
	$(PYTHON) -m venv $(LATEST)/checkov
	$(LATEST)/checkov/bin/python -m pip install --quiet --upgrade pip -r requirements/checkov.in
	@status=0; \
	PSCAN_CHECKOV=$(CURDIR)/$(LATEST)/checkov/bin/checkov \
	  $(MAKE) --no-print-directory -k lint typecheck unit VENV=$(LATEST) STAMP=$(LATEST)/.latest-stamp || status=$$?; \
	echo; echo "== versions that differ from the lock"; \
	$(LATEST)/bin/python requirements/lockdiff.py $(LOCK) --ignore platform-scanner --ignore setuptools; \
	$(LATEST)/checkov/bin/python requirements/lockdiff.py $(CHECKOV_LOCK) --ignore pip --ignore setuptools; \
	if [ $$status = 0 ]; then echo "test-latest: passed with the newest releases (make lock takes them)"; \
	else echo "test-latest: FAILED with the newest releases; see the failures above and the versions just listed"; fi; \
	exit $$status

bench: $(STAMP)
	$(PY) bench/bench_scan.py

# checkov and pscan's rules on fixtures/iac and a generated 5,000-resource plan
bench-iac: $(STAMP) checkov
	$(PY) bench/bench_iac.py --resources 5000

clean:
	rm -rf $(VENV) $(TOOLS) $(LOCK_VENV) $(LATEST) pscan-demo .pytest_cache .mypy_cache .ruff_cache build dist
