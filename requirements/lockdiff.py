"""Print the packages of this Python environment whose versions differ from a lock file.

    .venv-latest/bin/python requirements/lockdiff.py requirements/constraints.txt

`make test-latest` runs it after the suite, with the interpreter of the unconstrained
virtualenv, so a failure there comes with the list of releases that may have caused it.
Only the standard library is used: it runs in any of the virtualenvs. Always exits 0.
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

__all__ = ["differences", "installed", "locked", "main"]

# `name==version` at the start of a lock line, optionally followed by ` ; marker`.
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _normal(name: str) -> str:
    """The PEP 503 normal form of a distribution name (`Foo_Bar` -> `foo-bar`)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(text: str) -> dict[str, set[str]]:
    """The pinned versions per normalised name; a name pinned per marker has several."""
    pins: dict[str, set[str]] = {}
    for line in text.splitlines():
        match = _PIN.match(line)
        if match:
            pins.setdefault(_normal(match.group(1)), set()).add(match.group(2))
    return pins


def installed() -> dict[str, str]:
    """The distributions of the running interpreter's environment, by normalised name."""
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[_normal(name)] = dist.version
    return found


def differences(
    pins: dict[str, set[str]], present: dict[str, str], ignore: frozenset[str] = frozenset()
) -> list[str]:
    """One line per package whose installed version is not the locked one, sorted by name.

    A package installed but not in the lock is listed as new. A locked package that is not
    installed is left out: the lock is universal, so it names packages for other platforms
    and Python versions too.
    """
    lines = []
    for name in sorted(present):
        if name in ignore:
            continue
        version = present[name]
        if name not in pins:
            lines.append(f"{name}: {version} (not in the lock)")
        elif version not in pins[name]:
            lines.append(f"{name}: {' or '.join(sorted(pins[name]))} -> {version}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Compare this environment with the lock file named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path, help="a lock file written by `make lock`")
    parser.add_argument(
        "--ignore", action="append", default=[], help="a distribution to leave out (repeatable)"
    )
    args = parser.parse_args(argv)
    ignore = frozenset(_normal(n) for n in args.ignore)
    lines = differences(locked(args.lock.read_text()), installed(), ignore)
    where = Path(sys.prefix).name
    if lines:
        print(f"{where}: {len(lines)} package(s) differ from {args.lock}:")
        for line in lines:
            print(f"  {line}")
    else:
        print(f"{where}: every package is at its version in {args.lock}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
