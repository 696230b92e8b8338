"""Run checkov on infrastructure-as-code files, offline, and turn its report into findings.

checkov pins old versions of libraries pscan uses (docs/adr/0003-checkov-isolated.md), so
it lives in its own virtualenv and runs as a subprocess with JSON output:

    checkov -d DIR --framework terraform terraform_plan ... -o json --skip-download
            --soft-fail --download-external-modules false

with `CKV_SKIP_PACKAGE_UPDATE_CHECK=true` and `BC_SKIP_MAPPING=TRUE` and without any
Prisma Cloud key in its environment: no update check, no policy download, no upload.
A run that takes longer than its timeout is killed and reported, never waited for.

The executable is found, in this order: the configured path (`checkov.path` in
`.pscan.yaml`), `$PSCAN_CHECKOV`, the `make checkov` virtualenv `.tools/checkov` (in the
working directory or a parent, or beside this source checkout), then `checkov` on PATH.

checkov's JSON report is parsed with pydantic models. Each failed check becomes a
`Finding` with `source="checkov"`, the file and line range, checkov's guideline (or the
check's source file when no guideline is known offline), and a severity pscan assigns from
`checkov_severity.yaml` (checkov's own severities need a platform key). Checks skipped with
`checkov:skip=ID:reason` comments are honoured by checkov itself and counted.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scanner.errors import ConfigError, validation_summary
from scanner.model import (
    Category,
    CheckovRun,
    CheckovSkip,
    Finding,
    Location,
    Remediation,
    ResourceRef,
    Severity,
    fingerprint,
)

__all__ = [
    "DEFAULT_FRAMEWORKS",
    "DEFAULT_TIMEOUT",
    "ENV",
    "INSTALL_HINT",
    "CheckovError",
    "CheckovReport",
    "CheckovResult",
    "Discovery",
    "SeverityMap",
    "find_checkov",
    "load_severity_map",
    "parse_report",
    "report_to_findings",
    "run_checkov",
    "summarize",
]

logger = logging.getLogger(__name__)

# Every framework pscan asks for explicitly (checkov would otherwise try all of them).
DEFAULT_FRAMEWORKS = (
    "terraform",
    "terraform_plan",
    "cloudformation",
    "kubernetes",
    "helm",
    "dockerfile",
    "github_actions",
)
DEFAULT_TIMEOUT = 900.0

# Offline: no package update check, no policy metadata download, no platform.
ENV = {
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_NO_COLOR": "true",
    "ANSI_COLORS_DISABLED": "true",
}
_SCRUBBED = ("BC_API_KEY", "PRISMA_API_URL", "BC_API_URL", "CKV_VALIDATE_SECRETS")

INSTALL_HINT = (
    "checkov is not installed: run `make checkov` (a private virtualenv in .tools/checkov),"
    " or `pipx install checkov`, or point PSCAN_CHECKOV / checkov.path in .pscan.yaml at"
    " the executable; pscan's own rules ran without it"
)

_SEVERITY_FILE = Path(__file__).with_name("checkov_severity.yaml")
_POLICY_INDEX = "https://www.checkov.io/5.Policy%20Index/{framework}.html"
_SOURCE_URL = "https://github.com/bridgecrewio/checkov/blob/main/{path}.py"


class CheckovError(ConfigError):
    """checkov could not be run or its report could not be read."""


# ---------------------------------------------------------------------- discovery
@dataclass(frozen=True)
class Discovery:
    """Where the checkov executable was found (or why not)."""

    executable: Path | None
    how: str


def find_checkov(configured: str | Path | None = None, cwd: Path | None = None) -> Discovery:
    """Find the checkov executable: config, $PSCAN_CHECKOV, .tools/checkov, then PATH.

    Raises:
        CheckovError: an explicitly configured path (config or $PSCAN_CHECKOV) is not an
            executable file; a wrong explicit setting is an error, not a silent fallback.
    """
    for value, how in ((configured, "checkov.path"), (os.environ.get("PSCAN_CHECKOV"), "env")):
        if value:
            path = Path(value).expanduser()
            if not (path.is_file() and os.access(path, os.X_OK)):
                label = "PSCAN_CHECKOV" if how == "env" else "checkov.path in the config"
                msg = f"{label}: {path} is not an executable file ({INSTALL_HINT})"
                raise CheckovError(msg)
            return Discovery(path, "PSCAN_CHECKOV" if how == "env" else "config")
    start = (cwd or Path.cwd()).resolve()
    candidates = [d / ".tools" / "checkov" / "bin" / "checkov" for d in (start, *start.parents)]
    candidates.append(
        Path(__file__).resolve().parents[1] / ".tools" / "checkov" / "bin" / "checkov"
    )
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return Discovery(path, ".tools/checkov")
    found = shutil.which("checkov")
    if found:
        return Discovery(Path(found), "PATH")
    return Discovery(None, "missing")


# ---------------------------------------------------------------------- the report
class _Loose(BaseModel):
    """checkov adds fields between releases; read the ones pscan uses, ignore the rest."""

    model_config = ConfigDict(extra="ignore")


class CheckResult(_Loose):
    """`check_result` of one check."""

    result: str
    suppress_comment: str | None = None
    evaluated_keys: list[str] = Field(default_factory=list)


class CheckovResult(_Loose):
    """One check on one resource, as checkov reports it."""

    check_id: str
    check_name: str = ""
    check_result: CheckResult
    file_path: str = ""
    file_abs_path: str = ""
    repo_file_path: str = ""
    file_line_range: list[int] = Field(default_factory=list)
    resource: str = ""
    resource_address: str | None = None
    check_class: str = ""
    guideline: str | None = None
    severity: str | None = None
    bc_check_id: str | None = None


class CheckovResults(_Loose):
    """`results` of one framework's report."""

    failed_checks: list[CheckovResult] = Field(default_factory=list)
    passed_checks: list[CheckovResult] = Field(default_factory=list)
    skipped_checks: list[CheckovResult] = Field(default_factory=list)
    parsing_errors: list[str] = Field(default_factory=list)


class CheckovSummary(_Loose):
    """`summary` of one framework's report."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    parsing_errors: int = 0
    resource_count: int = 0
    checkov_version: str = ""


class CheckovReport(_Loose):
    """The report of one framework (`check_type`)."""

    check_type: str = ""
    results: CheckovResults = Field(default_factory=CheckovResults)
    summary: CheckovSummary = Field(default_factory=CheckovSummary)


def parse_report(text: str, source: str = "checkov") -> list[CheckovReport]:
    """Parse checkov's `-o json` output: one report, a list of them, or an empty summary.

    Raises:
        CheckovError: the text is not JSON of that shape.
    """
    text = text.strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except ValueError as exc:
        snippet = text[:120].replace("\n", " ")
        msg = f"{source}: output is not JSON ({exc}): {snippet!r}"
        raise CheckovError(msg) from None
    items = data if isinstance(data, list) else [data]
    reports: list[CheckovReport] = []
    try:
        for item in items:
            if isinstance(item, dict) and "results" not in item and "check_type" not in item:
                continue  # {"passed": 0, "failed": 0, ...}: nothing was scanned
            reports.append(CheckovReport.model_validate(item))
    except ValidationError as exc:
        msg = f"{source}: unexpected report shape: {validation_summary(exc)}"
        raise CheckovError(msg) from None
    return reports


# ---------------------------------------------------------------------- running
def run_checkov(
    paths: Sequence[Path],
    *,
    executable: Path,
    frameworks: Sequence[str] = DEFAULT_FRAMEWORKS,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: Path | None = None,
) -> tuple[list[CheckovReport], float]:
    """Run checkov over files and folders; return its reports and the seconds it took.

    Folders are passed with `-d` and files with `-f` (checkov takes one kind per run, so
    a mix makes two runs).

    Raises:
        CheckovError: checkov could not start, timed out, crashed, or wrote no JSON.
    """
    frameworks = [f for f in frameworks if f != "helm" or shutil.which("helm")]
    dirs = [p for p in paths if Path(p).is_dir()]
    files = [p for p in paths if not Path(p).is_dir()]
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env.update(ENV)
    started = time.monotonic()
    reports: list[CheckovReport] = []
    for flag, group in (("-d", dirs), ("-f", files)):
        if not group:
            continue
        cmd = [str(executable)]
        for path in group:
            cmd += [flag, str(path)]
        cmd += [
            "--framework",
            *frameworks,
            "-o",
            "json",
            "--skip-download",
            "--soft-fail",
            "--download-external-modules",
            "false",
        ]
        logger.info("running %s", " ".join(cmd))
        remaining = max(1.0, timeout - (time.monotonic() - started))
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                env=env,
                cwd=cwd,
                timeout=remaining,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            msg = (
                f"checkov did not finish within {timeout:.0f}s and was stopped"
                " (raise checkov.timeout in .pscan.yaml, or scan fewer files)"
            )
            raise CheckovError(msg) from None
        except OSError as exc:
            msg = f"cannot run checkov at {executable}: {exc.strerror or exc}"
            raise CheckovError(msg) from None
        if proc.returncode not in (0, 1):
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            msg = f"checkov exited with status {proc.returncode}: {tail[0][:300]}"
            raise CheckovError(msg)
        if proc.stderr.strip():
            logger.debug("checkov stderr: %s", proc.stderr.strip()[-2000:])
        reports.extend(parse_report(proc.stdout))
    return reports, time.monotonic() - started


# ---------------------------------------------------------------------- severities
class _SeverityFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default: Severity = Severity.MEDIUM
    prefixes: dict[str, Severity] = Field(default_factory=dict)
    checks: dict[str, Severity] = Field(default_factory=dict)


@dataclass(frozen=True)
class SeverityMap:
    """Check id -> severity: exact ids first, then the longest prefix, then the default."""

    default: Severity
    prefixes: tuple[tuple[str, Severity], ...]
    checks: Mapping[str, Severity]

    def severity(self, check_id: str) -> Severity:
        """The severity pscan gives a checkov check."""
        exact = self.checks.get(check_id)
        if exact is not None:
            return exact
        for prefix, severity in self.prefixes:
            if check_id.startswith(prefix):
                return severity
        return self.default

    def with_overrides(self, overrides: Mapping[str, Severity]) -> SeverityMap:
        """A copy where `overrides` (ids or prefixes ending in `_`) take precedence."""
        checks = dict(self.checks)
        prefixes = dict(self.prefixes)
        for key, severity in overrides.items():
            if key.endswith("_"):
                prefixes[key] = severity
            else:
                checks[key] = severity
        ordered = tuple(sorted(prefixes.items(), key=lambda kv: -len(kv[0])))
        return SeverityMap(self.default, ordered, checks)


@lru_cache(maxsize=1)
def load_severity_map() -> SeverityMap:
    """The bundled mapping (scanner/checkov_severity.yaml)."""
    data = yaml.safe_load(_SEVERITY_FILE.read_text(encoding="utf-8"))
    spec = _SeverityFile.model_validate(data)
    prefixes = tuple(sorted(spec.prefixes.items(), key=lambda kv: -len(kv[0])))
    return SeverityMap(spec.default, prefixes, spec.checks)


# ---------------------------------------------------------------------- findings
_CATEGORY_WORDS: tuple[tuple[Category, tuple[str, ...]], ...] = (
    (Category.SECRETS, ("secret", "credential", "hard-coded", "hard coded", "password")),
    (Category.IAM, ("iam ", "iam.", "privilege", "admin", "role", "service account")),
    (Category.ENCRYPTION, ("encrypt", "kms", "cmk", "tls", "ssl", "https")),
    (Category.LOGGING, ("log", "trail", "monitoring", "audit", "tracing")),
    (Category.NETWORK, ("ingress", "egress", "port ", "0.0.0.0", "firewall", "public ip")),
    (Category.RESILIENCE, ("backup", "multi-az", "versioning", "deletion protection", "replica")),
)


def _category(check_id: str, name: str, framework: str) -> Category:
    if check_id.startswith("CKV_SECRET"):
        return Category.SECRETS
    if framework == "github_actions" or "GHA" in check_id:
        return Category.CICD
    lowered = name.lower()
    for category, words in _CATEGORY_WORDS:
        if any(word in lowered for word in words):
            return category
    return Category.SECURITY


def _provider(check_id: str) -> str:
    for marker, provider in (("_AWS_", "aws"), ("_GCP_", "gcp"), ("_AZURE_", "azure")):
        if marker in check_id:
            return provider
    return ""


def _guideline(result: CheckovResult, framework: str) -> str:
    if result.guideline:
        return result.guideline
    if result.check_class.startswith("checkov.") and result.check_class.count(".") >= 3:
        return _SOURCE_URL.format(path=result.check_class.replace(".", "/"))
    return _POLICY_INDEX.format(framework=framework or "terraform")


def _relative(result: CheckovResult, cwd: Path) -> str:
    path = result.file_abs_path or result.file_path
    if not path:
        return ""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            return candidate.resolve().relative_to(cwd).as_posix()
        except ValueError:
            return candidate.as_posix()
    return path.lstrip("/")


def _resource_name(result: CheckovResult) -> str:
    return (result.resource_address or result.resource or "").rstrip(".")


def report_to_findings(
    reports: Iterable[CheckovReport],
    severities: SeverityMap | None = None,
    cwd: Path | None = None,
) -> tuple[list[Finding], list[CheckovSkip]]:
    """Findings for checkov's failed checks, and the checks skipped by comments.

    A finding's resource id is `<file>:<resource>` (no line numbers), so its fingerprint
    survives edits that move the block.
    """
    severities = severities or load_severity_map()
    cwd = (cwd or Path.cwd()).resolve()
    findings: dict[str, Finding] = {}
    skipped: list[CheckovSkip] = []
    for report in reports:
        framework = report.check_type
        for result in report.results.failed_checks:
            file = _relative(result, cwd)
            resource = _resource_name(result) or file
            rid = f"{file}:{resource}" if file else resource
            lines = result.file_line_range
            start = lines[0] if lines else 0
            end = lines[1] if len(lines) > 1 else start
            guideline = _guideline(result, framework)
            finding = Finding(
                fingerprint=fingerprint(result.check_id, rid),
                rule_id=result.check_id,
                title=result.check_name or result.check_id,
                severity=severities.severity(result.check_id),
                category=_category(result.check_id, result.check_name, framework),
                resource=ResourceRef(
                    id=rid,
                    type=resource.split(".", 1)[0] if "." in resource else framework,
                    name=resource,
                    provider=_provider(result.check_id),
                ),
                message=f"{result.check_name or result.check_id} ({resource})",
                evidence={
                    "framework": framework,
                    "check_id": result.check_id,
                    **(
                        {"evaluated_keys": result.check_result.evaluated_keys}
                        if result.check_result.evaluated_keys
                        else {}
                    ),
                },
                remediation=Remediation(summary=f"See checkov's guideline: {guideline}"),
                location=Location(file=file, start_line=start, end_line=end) if file else None,
                source="checkov",
                references=[guideline],
            )
            findings.setdefault(finding.fingerprint, finding)
        for result in report.results.skipped_checks:
            skipped.append(
                CheckovSkip(
                    check_id=result.check_id,
                    resource=_resource_name(result),
                    file=_relative(result, cwd),
                    reason=(result.check_result.suppress_comment or "").strip(),
                )
            )
    return list(findings.values()), skipped


def summarize(
    reports: Sequence[CheckovReport],
    skipped: list[CheckovSkip],
    *,
    executable: Path,
    frameworks: Sequence[str],
    seconds: float,
) -> CheckovRun:
    """The CheckovRun record of a successful run."""
    version = next((r.summary.checkov_version for r in reports if r.summary.checkov_version), "")
    return CheckovRun(
        status="ok",
        executable=str(executable),
        version=version,
        frameworks=list(frameworks),
        passed=sum(r.summary.passed for r in reports),
        failed=sum(r.summary.failed for r in reports),
        skipped=len(skipped),
        parsing_errors=[e for r in reports for e in r.results.parsing_errors],
        skipped_checks=skipped,
        seconds=round(seconds, 2),
    )
