"""The one exception tree of pscan.

    ScannerError                 anything pscan reports as a user-facing error (exit 2)
    ├── ConfigError              bad command-line value or config file
    ├── SnapshotError            missing, malformed or unsupported snapshot
    ├── RuleError
    │   ├── RuleLoadError        a rule file or pack that cannot be loaded
    │   └── RuleEvalError        a rule that failed on a resource (recorded, not raised to users)
    ├── CollectorError           a collector that cannot run at all
    ├── LoadTestError            a load test that Locust could not run
    ├── ReportError              a findings document or output that cannot be rendered
    └── WorkerError              a worker process or Dask worker died mid-scan, or runs
                                 another Python version (exit 3)

Messages name the object, the problem and the fix, on one line.
"""

from __future__ import annotations

from pydantic import ValidationError

__all__ = [
    "CollectorError",
    "ConfigError",
    "LoadTestError",
    "ReportError",
    "RuleError",
    "RuleEvalError",
    "RuleLoadError",
    "ScannerError",
    "SnapshotError",
    "WorkerError",
    "validation_summary",
]


def validation_summary(exc: ValidationError) -> str:
    """The first problem of a pydantic validation error, on one line.

    `field a.b: Input should be ... (and 2 more)`: the field path, the problem and how
    many other problems there are, for messages that must fit one line.
    """
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"field {where}: {first['msg']}{more}"


class ScannerError(Exception):
    """Base class of every error pscan reports to the user."""


class ConfigError(ScannerError):
    """A bad option value or configuration file."""


class SnapshotError(ScannerError):
    """A snapshot that is missing, malformed or of an unsupported schema version."""


class RuleError(ScannerError):
    """A problem with a rule."""


class RuleLoadError(RuleError):
    """A rule file or pack that cannot be loaded."""


class RuleEvalError(RuleError):
    """A rule that raised while evaluating a resource."""


class CollectorError(ScannerError):
    """A collector that cannot run at all (not a per-service collection error)."""


class LoadTestError(ScannerError):
    """A load test that could not run (Locust missing, crashed or overran its time)."""


class ReportError(ScannerError):
    """A findings document that cannot be read or rendered."""


class WorkerError(ScannerError):
    """A worker that evaluated part of a scan died (crashed or killed), or sent a result
    this process cannot read (another Python version): the scan is void."""
