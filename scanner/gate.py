"""The gate: `.pscan.yaml`, suppressions, inline ignores, baselines, and the verdict.

A run produces a findings document; the gate decides which of its findings *count*:

- **Suppressions** in `.pscan.yaml` name a rule (id or glob), a resource (glob over the
  resource id or name), a reason, an owner and an expiry date. A suppression past its date
  suppresses nothing and is reported as `expired`; one that matched no finding is `stale`.
- **Inline ignores**: a `# pscan:ignore RULE_ID reason` (or `// pscan:ignore ...`) comment
  inside a finding's source block, or in the comment lines just above it, suppresses that
  rule there. Only findings with a file location (IaC) can be ignored inline; a comment
  without a reason is not honoured (it is listed in the gate's notes).
- **Baselines**: `pscan baseline create` stores the fingerprints of the failing,
  unsuppressed findings. With `--baseline`, findings whose fingerprint is in it are
  `is_new: false` and do not count; baseline entries no longer found are reported fixed.
  `diff_findings` is the one comparison by fingerprint: the baseline and the plan overlay
  of `pscan iac --against` both use it.

The gate trips when a failing finding at or above `fail_on` is neither suppressed nor
known (`is_new` is not false). Errors (rules that could not be evaluated) never trip it.

The config file is found from the working directory upward (the first `.pscan.yaml`);
`--config` names one explicitly, and command-line flags override its values.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from scanner import __version__
from scanner.cost.settings import CostSettings
from scanner.errors import ConfigError, validation_summary
from scanner.model import (
    ExposurePath,
    Finding,
    FindingsDocument,
    FindingStatus,
    FixedFinding,
    GateSummary,
    Location,
    ResourceRef,
    Severity,
    Suppression,
    SuppressionReport,
    utcnow,
)
from scanner.standards import Standards
from scanner.yamlfile import located_problem, read_yaml_lines

__all__ = [
    "BASELINE_SCHEMA_VERSION",
    "CONFIG_NAME",
    "ArchitectureSettings",
    "Baseline",
    "BaselineEntry",
    "CapacitySettings",
    "CheckovSettings",
    "FindingsDiff",
    "GateConfig",
    "RuleFilter",
    "SuppressionRule",
    "apply_gate",
    "baseline_from",
    "diff_findings",
    "exit_code",
    "find_config",
    "fixed_finding",
    "inline_ignores",
    "load_config",
    "read_baseline",
    "rule_selected",
]

logger = logging.getLogger(__name__)

CONFIG_NAME = ".pscan.yaml"
BASELINE_SCHEMA_VERSION = "1"
FailOn = Literal["critical", "high", "medium", "low", "info", "none"]


class _Fingerprinted(Protocol):
    @property
    def fingerprint(self) -> str: ...


_Known = TypeVar("_Known", bound=_Fingerprinted)

_IGNORE = re.compile(r"(?:#|//)\s*pscan:ignore\s+(?P<rule>\S+)(?:[ \t]+(?P<reason>.*\S))?")


# ---------------------------------------------------------------------- the config file
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SuppressionRule(_Strict):
    """One governed exception: which findings, why, who owns it, until when."""

    rule: str = Field(min_length=1, description="rule id or glob, e.g. CKV_AWS_20 or aws_s3_*")
    resource: str = Field(default="*", min_length=1, description="glob over resource id or name")
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: date

    @model_validator(mode="after")
    def _not_everything(self) -> SuppressionRule:
        if _matches_anything(self.rule) and _matches_anything(self.resource):
            msg = (
                f"rule {self.rule!r} with resource {self.resource!r} would suppress every"
                " finding; name a rule or a resource pattern"
            )
            raise ValueError(msg)
        return self

    def matches(self, finding: Finding) -> bool:
        """True when the finding's rule and resource fit the patterns."""
        if not fnmatch.fnmatchcase(finding.rule_id, self.rule):
            return False
        ref = finding.resource
        return fnmatch.fnmatchcase(ref.id, self.resource) or (
            bool(ref.name) and fnmatch.fnmatchcase(ref.name, self.resource)
        )


def _matches_anything(pattern: str) -> bool:
    """A glob made only of wildcards (`*`, `**`, `*?`) matches every id."""
    return set(pattern) <= {"*", "?"} and "*" in pattern


class RuleFilter(_Strict):
    """Rule ids (or globs) to run; `exclude` wins over `include`."""

    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class CheckovSettings(_Strict):
    """How `pscan iac` runs checkov."""

    enabled: bool = True
    path: str | None = Field(default=None, description="the checkov executable")
    frameworks: list[str] | None = None
    timeout: float = Field(default=900.0, gt=0)
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="check id or prefix (ending in _) -> severity"
    )


class CapacitySettings(_Strict):
    """How capacity reports (headroom by product) tell a resource's product."""

    product_tag: str | list[str] | None = Field(
        default=None,
        description="tag/label key naming a resource's product, or keys tried in order"
        " (case-insensitive); default: Product, App, Application",
    )

    @field_validator("product_tag")
    @classmethod
    def _keys(cls, value: str | list[str] | None) -> str | list[str] | None:
        keys = [value] if isinstance(value, str) else value or []
        if any(not key.strip() for key in keys) or value == []:
            msg = "a product tag key must be a non-empty string"
            raise ValueError(msg)
        return value

    @property
    def product_tags(self) -> tuple[str, ...]:
        """The configured keys, in order; empty when none is configured."""
        value = self.product_tag
        return () if value is None else (value,) if isinstance(value, str) else tuple(value)


class ArchitectureSettings(_Strict):
    """How `pscan architecture` finds the team's decision records."""

    decisions: str | None = Field(
        default=None,
        description="folder of decision records (MADR or Nygard), relative to this file",
    )


class GateConfig(_Strict):
    """`.pscan.yaml`."""

    fail_on: FailOn | None = None
    frameworks: list[str] = Field(default_factory=list, description="compliance frameworks")
    rules: RuleFilter = Field(default_factory=RuleFilter)
    baseline: str | None = None
    suppressions: list[SuppressionRule] = Field(default_factory=list)
    rule_errors: Literal["fail", "ignore"] = Field(
        default="fail",
        description="whether a rule that could not judge a resource fails the gate",
    )
    suppression_max_days: int = Field(
        default=365,
        ge=1,
        le=3650,
        description="the furthest a suppression's `expires` may lie from today, in days",
    )
    checkov: CheckovSettings = Field(default_factory=CheckovSettings)
    params: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="rule id or glob -> new values of its params (e.g. capacity thresholds)",
    )
    capacity: CapacitySettings = Field(default_factory=CapacitySettings)
    cost: CostSettings = Field(
        default_factory=CostSettings, description="budgets and cost-finding thresholds"
    )
    standards: Standards | None = Field(
        default=None,
        description="architecture standards, or `{file: PATH}` naming their own file"
        " (docs/standards.md)",
    )
    architecture: ArchitectureSettings = Field(default_factory=ArchitectureSettings)

    @field_validator("fail_on", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    def too_far(self) -> tuple[int, SuppressionRule] | None:
        """The first suppression whose expiry lies past `suppression_max_days` from today."""
        latest = date.today() + timedelta(days=self.suppression_max_days)
        return next(((i, r) for i, r in enumerate(self.suppressions) if r.expires > latest), None)

    def resolve(self, relative: str | None, base: Path | None) -> Path | None:
        """A path from the file, relative to the file's folder."""
        if not relative:
            return None
        path = Path(relative).expanduser()
        return path if path.is_absolute() or base is None else base / path


def find_config(start: Path | None = None) -> Path | None:
    """The first `.pscan.yaml` in the working directory or a parent, up to the repository.

    The search stops at the repository root (the first folder with a `.git`); outside a
    repository only the working directory counts. A config above the repository could
    belong to anyone (a shared home, a CI runner's workspace) and would silently change
    the gate, so it is read only when given with `--config`.
    """
    here = (start or Path.cwd()).resolve()
    chain = [here, *here.parents]
    root = next((i for i, folder in enumerate(chain) if (folder / ".git").exists()), 0)
    for folder in chain[: root + 1]:
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path) -> GateConfig:
    """Read and validate a config file.

    Raises:
        ConfigError: unreadable, not YAML, or a field is invalid (`file:line: field a.b`).
    """
    data, line_of = read_yaml_lines(path, ConfigError)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        msg = f"{path}: expected a mapping of settings, got {type(data).__name__}"
        raise ConfigError(msg)
    try:
        config = GateConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(located_problem(path, exc, line_of)) from None
    far = config.too_far()
    if far is not None:
        index, rule = far
        line = line_of(("suppressions", index, "expires"))
        msg = (
            f"{path}:{line}: field suppressions.{index}.expires: {rule.expires} is more than"
            f" {config.suppression_max_days} days away (suppression_max_days); review it sooner"
        )
        raise ConfigError(msg)
    return config


def rule_selected(rule_id: str, rules: RuleFilter) -> bool:
    """True when the include/exclude globs let the rule run."""
    if any(fnmatch.fnmatchcase(rule_id, p) for p in rules.exclude):
        return False
    return not rules.include or any(fnmatch.fnmatchcase(rule_id, p) for p in rules.include)


# ---------------------------------------------------------------------- baselines
class BaselineEntry(_Strict):
    """One accepted finding."""

    fingerprint: str
    rule_id: str
    resource_id: str
    severity: Severity
    title: str = ""
    resource_type: str = ""
    resource_name: str = ""


class Baseline(_Strict):
    """`baseline.json`: the findings a team has accepted for now."""

    schema_version: str = BASELINE_SCHEMA_VERSION
    tool_version: str = __version__
    created_at: datetime = Field(default_factory=utcnow)
    source: str = ""
    findings: list[BaselineEntry] = Field(default_factory=list)


def baseline_from(docs: Iterable[FindingsDocument], source: str = "") -> Baseline:
    """A baseline of the failing, unsuppressed findings of some documents."""
    entries: dict[str, BaselineEntry] = {}
    for doc in docs:
        for f in doc.findings:
            if f.status is FindingStatus.FAIL and f.suppression is None:
                entries.setdefault(
                    f.fingerprint,
                    BaselineEntry(
                        fingerprint=f.fingerprint,
                        rule_id=f.rule_id,
                        resource_id=f.resource.id,
                        severity=f.severity,
                        title=f.title,
                        resource_type=f.resource.type,
                        resource_name=f.resource.name,
                    ),
                )
    ordered = sorted(entries.values(), key=lambda e: (e.rule_id, e.resource_id))
    return Baseline(source=source, findings=ordered)


def read_baseline(path: Path) -> Baseline:
    """Read a baseline file.

    Raises:
        ConfigError: missing, not JSON, another schema version, or an invalid field.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot read baseline ({exc.strerror or exc}); create one with"
        msg += " `pscan baseline create -o baseline.json FINDINGS.json`"
        raise ConfigError(msg) from None
    try:
        baseline = Baseline.model_validate_json(text)
    except ValidationError as exc:
        msg = f"{path}: not a pscan baseline: {validation_summary(exc)}"
        raise ConfigError(msg) from None
    if baseline.schema_version != BASELINE_SCHEMA_VERSION:
        msg = (
            f"{path}: baseline schema_version {baseline.schema_version!r} is not supported"
            f" (this pscan reads {BASELINE_SCHEMA_VERSION!r})"
        )
        raise ConfigError(msg)
    return baseline


# ---------------------------------------------------------------------- inline ignores
class _Files:
    """Source files read once per gate run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, file: str) -> list[str] | None:
        if file not in self._lines:
            path = Path(file)
            if not path.is_absolute():
                path = self.root / path
            try:
                self._lines[file] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[file] = None
        return self._lines[file]


def inline_ignores(lines: Sequence[str], location: Location) -> list[tuple[str, str, int]]:
    """`(rule pattern, reason, line number)` of the ignore comments that cover a location.

    Covered are the lines of the block itself and the run of comment lines right above it.
    """
    if location.start_line <= 0:
        return []
    start = location.start_line - 1  # 0-based
    end = max(location.end_line, location.start_line)
    first = start
    while first > 0 and lines[first - 1].lstrip().startswith(("#", "//")):
        first -= 1
    out = []
    for index in range(first, min(end, len(lines))):
        match = _IGNORE.search(lines[index])
        if match:
            out.append((match.group("rule"), (match.group("reason") or "").strip(), index + 1))
    return out


# ---------------------------------------------------------------------- what is new
@dataclass(frozen=True)
class FindingsDiff(Generic[_Known]):
    """Failing findings of a run against the findings known before it, by fingerprint."""

    new: list[Finding]
    unchanged: list[Finding]
    fixed: list[_Known]

    def mark(self) -> None:
        """Set `is_new` on the failing findings: true when new, false when known before."""
        for finding in self.new:
            finding.is_new = True
        for finding in self.unchanged:
            finding.is_new = False


def diff_findings(before: Iterable[_Known], after: Iterable[Finding]) -> FindingsDiff[_Known]:
    """Which failing findings of `after` are new, which were known, and what is fixed.

    `before` are the known failing findings (a baseline's entries, or the failing findings
    of the live estate a plan is laid over). A known finding is *fixed* when no finding of
    `after` has its fingerprint; one that turned into an error is not fixed (its resource
    could not be judged). The one answer to "which findings are new?" for baselines and
    the plan overlay alike.
    """
    known = list(before)
    fingerprints = {k.fingerprint for k in known}
    present: set[str] = set()
    new: list[Finding] = []
    unchanged: list[Finding] = []
    for finding in after:
        present.add(finding.fingerprint)
        if finding.status is FindingStatus.FAIL:
            (unchanged if finding.fingerprint in fingerprints else new).append(finding)
    fixed = [k for k in known if k.fingerprint not in present]
    return FindingsDiff(new=new, unchanged=unchanged, fixed=fixed)


def fixed_finding(known: Finding | BaselineEntry) -> FixedFinding:
    """A known finding that is gone, as the gate reports it."""
    if isinstance(known, BaselineEntry):
        resource = ResourceRef(
            id=known.resource_id, type=known.resource_type, name=known.resource_name
        )
    else:
        resource = known.resource
    return FixedFinding(
        fingerprint=known.fingerprint,
        rule_id=known.rule_id,
        title=known.title,
        severity=known.severity,
        resource=resource,
    )


# ---------------------------------------------------------------------- the verdict
def _counts_for_gate(finding: Finding, threshold: Severity | None) -> bool:
    return (
        threshold is not None
        and finding.status is FindingStatus.FAIL
        and finding.suppression is None
        and finding.is_new is not False
        and finding.severity.rank >= threshold.rank
    )


def apply_gate(
    doc: FindingsDocument,
    *,
    fail_on: str,
    config: GateConfig | None = None,
    config_path: Path | None = None,
    baseline: Baseline | None = None,
    baseline_path: Path | None = None,
    today: date | None = None,
    root: Path | None = None,
    fixed: Sequence[FixedFinding] = (),
    exposures: Sequence[ExposurePath] = (),
    against: str | None = None,
) -> GateSummary:
    """Mark suppressed and known findings in `doc`, set `doc.gate`, and return it.

    The gate is the only code that sets `doc.gate`; what a run found besides the findings
    (a plan overlay's fixed findings and new exposure paths) comes in as arguments.

    Args:
        doc: the findings document; its findings get `suppression` and `is_new` set.
        fail_on: a severity, or "none".
        config: the loaded `.pscan.yaml` (suppressions, rule filter).
        baseline: accepted findings; their fingerprints do not count.
        today: the date expiries are judged against (default: today, UTC).
        root: the folder relative file locations are read from (default: cwd).
        fixed: findings the change removes (from the plan overlay), reported as fixed.
        exposures: resources the change makes reachable from the internet.
        against: the live snapshot a plan was overlaid on, for the report.
    """
    config = config or GateConfig()
    notes: list[str] = []
    if config.rules.include or config.rules.exclude:
        doc.findings = [f for f in doc.findings if rule_selected(f.rule_id, config.rules)]
    reports = _suppress(
        doc.findings,
        config,
        config_path,
        today=today or utcnow().date(),
        files=_Files((root or Path.cwd()).resolve()),
        notes=notes,
    )
    fixed_list = list(fixed)
    if baseline is not None:
        diff = diff_findings(baseline.findings, doc.findings)
        diff.mark()
        seen = {f.fingerprint for f in fixed_list}
        fixed_list += [fixed_finding(e) for e in diff.fixed if e.fingerprint not in seen]
    errors_trip = (config or GateConfig()).rule_errors == "fail"
    summary = _verdict(doc.findings, fail_on, errors_trip=errors_trip)
    summary.fixed = fixed_list
    summary.config = str(config_path) if config_path else None
    summary.baseline = str(baseline_path) if baseline_path else None
    summary.against = against
    summary.suppressions = reports
    summary.new_exposures = list(exposures)
    summary.undecided = sum(s.undecided for s in doc.rule_stats.values())
    summary.notes = notes
    doc.gate = summary
    return summary


def _suppress(
    findings: Sequence[Finding],
    config: GateConfig,
    config_path: Path | None,
    *,
    today: date,
    files: _Files,
    notes: list[str],
) -> list[SuppressionReport]:
    """Apply inline ignores and the config's suppressions; report what each one did."""
    reports = [
        SuppressionReport(
            rule=s.rule,
            resource=s.resource,
            reason=s.reason,
            owner=s.owner,
            expires=s.expires,
            status="expired" if s.expires < today else "active",
            source=str(config_path or ""),
        )
        for s in config.suppressions
    ]
    for finding in findings:
        if finding.status is not FindingStatus.FAIL:
            continue
        _apply_inline(finding, files, notes)
        for rule, report in zip(config.suppressions, reports, strict=True):
            if not rule.matches(finding):
                continue
            report.matched += 1
            if report.status == "active" and finding.suppression is None:
                finding.suppression = Suppression(
                    kind="config",
                    reason=rule.reason,
                    owner=rule.owner,
                    expires=rule.expires,
                    source=str(config_path or CONFIG_NAME),
                )
    for report in reports:
        if report.status == "active" and report.matched == 0:
            report.status = "stale"
    return reports


def _verdict(findings: Sequence[Finding], fail_on: str, *, errors_trip: bool = True) -> GateSummary:
    """The counts over marked findings, and whether they trip the gate.

    A rule that could not judge a resource (an `error` finding, not suppressed) trips the
    gate too, unless `fail_on` is none or the config says `rule_errors: ignore`: an error
    may hide exactly the finding the gate is for.
    """
    threshold = None if fail_on == "none" else Severity(fail_on)
    failing = [f for f in findings if f.status is FindingStatus.FAIL]
    counted = sum(1 for f in failing if _counts_for_gate(f, threshold))
    errors = sum(1 for f in findings if f.status is FindingStatus.ERROR and f.suppression is None)
    return GateSummary(
        fail_on=fail_on,
        tripped=counted > 0 or (errors > 0 and errors_trip and threshold is not None),
        counted=counted,
        errors=errors,
        new=sum(1 for f in failing if f.is_new is True and f.suppression is None),
        existing=sum(1 for f in failing if f.is_new is False and f.suppression is None),
        suppressed=sum(1 for f in failing if f.suppression is not None),
    )


def _apply_inline(finding: Finding, files: _Files, notes: list[str]) -> None:
    location = finding.location
    if location is None or not location.file:
        return
    lines = files.lines(location.file)
    if lines is None:
        return
    for pattern, reason, line in inline_ignores(lines, location):
        if not fnmatch.fnmatchcase(finding.rule_id, pattern):
            continue
        where = f"{location.file}:{line}"
        if not reason:
            note = f"{where}: pscan:ignore {pattern} has no reason and is not honoured"
            if note not in notes:
                notes.append(note)
            continue
        finding.suppression = Suppression(kind="inline", reason=reason, source=where)
        return


def exit_code(summary: GateSummary) -> int:
    """0 when the gate passes, 1 when it trips."""
    return 1 if summary.tripped else 0
