"""The test toolchain: the external tools CI requires, and the lock of what `make test` installs.

In CI the external tools must be there, so tests that need them never skip quietly:
`.ci/run` sets PSCAN_REQUIRE_TOOLS=1; on a developer machine without Graphviz or the
checkov virtualenv those tests skip with a reason instead.

What `make test` installs is locked in requirements/ (docs/ci.md): the lock must cover
everything pyproject.toml declares, with hashes, and the Makefile must install from it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scanner.checkov import find_checkov

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = os.environ.get("PSCAN_REQUIRE_TOOLS") == "1"


@pytest.mark.skipif(not REQUIRED, reason="only enforced where PSCAN_REQUIRE_TOOLS=1 (CI)")
def test_graphviz_checkov_postgresql_and_chromium_are_installed() -> None:
    assert shutil.which("dot"), "Graphviz dot missing: make graphviz"
    assert find_checkov(None, ROOT).executable is not None, "checkov missing: make checkov"
    initdb = list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    assert initdb, "PostgreSQL missing: make postgresql"
    assert shutil.which("chromium"), "Chromium missing: make chromium"


def test_make_test_installs_postgresql_and_chromium_like_graphviz() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "test: $(STAMP) graphviz postgresql chromium checkov lint typecheck unit" in makefile
    assert "apt-get install -y -qq postgresql" in makefile
    assert "apt-get install -y -qq chromium" in makefile


# ---------------------------------------------------------------------- the lock
# `make test` installs requirements/constraints.txt (docs/ci.md, docs/adr/0004); the lock
# must hold every dependency pyproject.toml declares, at a version its range allows.
LOCK = ROOT / "requirements" / "constraints.txt"
CHECKOV_LOCK = ROOT / "requirements" / "checkov.txt"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?:\s*;\s*(.+?))?\s*\\?$")


def _pins(path: Path) -> dict[str, list[tuple[str, str | None]]]:
    """Normalised name -> [(version, marker)] of a lock file written by `make lock`."""
    pins: dict[str, list[tuple[str, str | None]]] = {}
    for line in path.read_text().splitlines():
        match = _PIN.match(line)
        if match:
            name, version, marker = match.groups()
            pins.setdefault(canonicalize_name(name), []).append((version, marker))
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    texts = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["dev"],
        *project["build-system"]["requires"],
    ]
    return [Requirement(text) for text in texts]


def _locked_version(pins: dict[str, list[tuple[str, str | None]]], name: str) -> str | None:
    """The version the lock installs for `name` on this interpreter, or None."""
    for version, marker in pins.get(canonicalize_name(name), []):
        if marker is None or Marker(marker).evaluate():
            return version
    return None


def test_lock_covers_every_declared_dependency() -> None:
    pins = _pins(LOCK)
    problems = []
    for req in _declared():
        version = _locked_version(pins, req.name)
        if version is None:
            problems.append(f"{req}: not in the lock")
        elif not req.specifier.contains(version, prereleases=True):
            problems.append(f"{req}: the lock has {version}")
    assert problems == [], f"{LOCK.name} is out of date; run: make lock ({problems})"


def test_lock_covers_the_extras_pyproject_asks_for() -> None:
    """`moto[server]` brings flask and more: those are pinned too."""
    pins = _pins(LOCK)
    missing = []
    for req in _declared():
        for extra in req.extras:
            for text in metadata.requires(req.name) or []:
                dep = Requirement(text)
                wanted = dep.marker is not None and dep.marker.evaluate({"extra": extra})
                if wanted and _locked_version(pins, dep.name) is None:
                    missing.append(f"{req.name}[{extra}] needs {dep.name}")
    assert missing == [], f"run: make lock ({missing})"


def test_checkov_lock_pins_checkov_in_its_range() -> None:
    (wanted,) = [
        Requirement(line)
        for line in (ROOT / "requirements" / "checkov.in").read_text().splitlines()
        if line.startswith("checkov")
    ]
    version = _locked_version(_pins(CHECKOV_LOCK), "checkov")
    assert version is not None and wanted.specifier.contains(version)


def test_locks_carry_a_hash_for_every_pin() -> None:
    for path in (LOCK, CHECKOV_LOCK, ROOT / "requirements" / "lock.txt"):
        blocks = re.split(r"\n(?=[A-Za-z0-9])", path.read_text())
        pinned = [b for b in blocks if _PIN.match(b.splitlines()[0])]
        assert pinned and all("--hash=sha256:" in b for b in pinned), path.name


def test_make_installs_from_the_locks() -> None:
    """A lock change reinstalls: both virtualenvs' stamps depend on their lock file."""
    makefile = (ROOT / "Makefile").read_text()
    assert "LOCK   := requirements/constraints.txt" in makefile
    assert "$(STAMP): pyproject.toml $(LOCK)\n" in makefile
    assert "--require-hashes -r $(LOCK)" in makefile
    assert "$(CHECKOV_STAMP): $(CHECKOV_LOCK)\n" in makefile
    assert "--require-hashes -r $(CHECKOV_LOCK)" in makefile


def test_library_output_markers_name_locked_libraries() -> None:
    """A test marked `library_output("x")` pins x's output; x must be one the lock holds."""
    pins = {**_pins(LOCK), **_pins(CHECKOV_LOCK)}
    named: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        for args in re.findall(r"@pytest\.mark\.library_output\(([^)]*)\)", path.read_text()):
            named.update(re.findall(r"\"([^\"]+)\"", args))
    assert {"click", "moto", "botocore", "checkov"} <= named
    assert sorted(n for n in named if canonicalize_name(n) not in pins) == []


# ---------------------------------------------------------------------- make test-latest
def _lockdiff() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lockdiff", ROOT / "requirements" / "lockdiff.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lockdiff_lists_what_differs_from_the_lock() -> None:
    lockdiff = _lockdiff()
    pins = lockdiff.locked(
        "click==8.1.0 \\\n    --hash=sha256:00\n"
        "networkx==3.6.1 ; python_full_version < '3.12' \\\n"
        "networkx==3.7 ; python_full_version >= '3.12' \\\n"
        "Typing_Extensions==4.0\n"
        "colorama==0.4.6 ; sys_platform == 'win32'\n"
    )
    present = {"click": "8.2.0", "networkx": "3.7", "typing-extensions": "4.0", "rich": "15.0"}
    assert lockdiff.differences(pins, present, frozenset({"pip"})) == [
        "click: 8.1.0 -> 8.2.0",
        "rich: 15.0 (not in the lock)",
    ]


def test_this_environment_matches_the_lock() -> None:
    """The .venv `make test` built holds every locked package at its locked version."""
    if not (Path(sys.prefix) / ".installed-stamp").is_file():
        pytest.skip("not the virtualenv make builds from the lock (make test-latest has its own)")
    lockdiff = _lockdiff()
    pins = lockdiff.locked(LOCK.read_text())
    present = {k: v for k, v in lockdiff.installed().items() if k in pins}
    assert lockdiff.differences(pins, present) == [], "run: make .venv/.installed-stamp"
