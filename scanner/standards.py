"""Architecture standards: what a team allows, written down once and judged by rules.

A standards declaration lives in `.pscan.yaml` under `standards:`, in its own file named
there (`standards: {file: standards.yaml}`) or given with `--standards FILE`:

```yaml
regions: {aws: [eu-west-1, eu-central-1], gcp: [europe-west1, eu]}
services: {aws: ["aws.rds.*", "Amazon S3", ...]}   # type globs or technology names
instance_types: {aws: ["t3.*", "m6i.*", "db.r6g.*"], gcp: ["e2-*", "db-custom-*"]}
databases: {aws: [{engine: postgres, min_version: "15"}], gcp: [{engine: postgres}]}
required_tags: {Owner: ".+", Environment: [prod, staging, dev]}
network:
  databases_in_private_subnets: true
  internet_entry_behind_waf: true
  no_public_compute: true
```

Every section is optional. A section not declared leaves its rules out: they judge
nothing (not applicable), so a scan without standards is the scan it always was. Each
section becomes the `params` of the category `architecture` rules `<provider>_standards_*`
(`rule_params`), which the gate applies like the `params:` of `.pscan.yaml`
(docs/standards.md).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scanner.errors import ConfigError
from scanner.yamlfile import located_problem, read_yaml_lines

__all__ = [
    "PROVIDERS",
    "DatabaseStandard",
    "Standards",
    "matches_any",
    "read_standards",
    "rule_params",
    "tag_allows",
    "version_at_least",
]

PROVIDERS = ("aws", "gcp")
Provider = Literal["aws", "gcp"]

_VERSION = re.compile(r"^\d+(\.\d+)*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _no_blank(values: list[str] | None) -> list[str] | None:
    if values is not None and any(not v.strip() for v in values):
        msg = "an entry is empty"
        raise ValueError(msg)
    return values


class PerProvider(_Strict):
    """Allowed values (globs) per provider; a provider left out is not judged."""

    aws: list[str] | None = Field(default=None, min_length=1)
    gcp: list[str] | None = Field(default=None, min_length=1)

    _entries = field_validator("aws", "gcp")(_no_blank)


class DatabaseStandard(_Strict):
    """One allowed database engine (a glob) and its lowest allowed version."""

    engine: str = Field(min_length=1, description="engine glob: postgres, aurora-*, mysql")
    min_version: str | None = Field(default=None, description='dotted numbers, e.g. "15", "8.0"')

    @field_validator("min_version", mode="before")
    @classmethod
    def _version(cls, value: Any) -> Any:
        text = str(value) if isinstance(value, int | float) else value
        if isinstance(text, str) and not _VERSION.match(text):
            msg = f"{text!r} is not a version of dotted numbers (e.g. 15 or 8.0)"
            raise ValueError(msg)
        return text


class DatabaseStandards(_Strict):
    """Allowed engines per provider."""

    aws: list[DatabaseStandard] | None = Field(default=None, min_length=1)
    gcp: list[DatabaseStandard] | None = Field(default=None, min_length=1)


class NetworkStandards(_Strict):
    """The network patterns a team requires (each off unless set)."""

    databases_in_private_subnets: bool = Field(
        default=False,
        description="AWS: RDS only in subnets without an internet route; GCP: Cloud SQL"
        " without a public IP",
    )
    internet_entry_behind_waf: bool = Field(
        default=False,
        description="internet-facing application load balancers, CloudFront, API Gateway"
        " and external GCP backend services have a WAF (Cloud Armor) policy",
    )
    no_public_compute: bool = Field(
        default=False, description="no EC2 or Compute Engine instance has a public IP"
    )


class Standards(_Strict):
    """The standards declaration (in `.pscan.yaml`, or `file:` naming its own file)."""

    file: str | None = Field(
        default=None, min_length=1, description="the standards' own file (then nothing else)"
    )
    regions: PerProvider = Field(default_factory=PerProvider)
    services: PerProvider = Field(
        default_factory=PerProvider,
        description="resource type globs (aws.rds.*) or technology names (Amazon RDS)",
    )
    instance_types: PerProvider = Field(
        default_factory=PerProvider,
        description="globs over EC2 instance types, RDS classes, GCE machine types and"
        " Cloud SQL tiers",
    )
    databases: DatabaseStandards = Field(default_factory=DatabaseStandards)
    required_tags: dict[str, list[str] | str] = Field(
        default_factory=dict,
        description="tag/label key -> allowed values, or a regex the whole value matches",
    )
    network: NetworkStandards = Field(default_factory=NetworkStandards)

    @field_validator("required_tags")
    @classmethod
    def _tags(cls, value: dict[str, list[str] | str]) -> dict[str, list[str] | str]:
        for key, rule in value.items():
            if isinstance(rule, list) and not rule:
                msg = f"{key}: list at least one allowed value, or a regex such as '.+'"
                raise ValueError(msg)
            if isinstance(rule, str):
                try:
                    re.compile(rule)
                except re.error as exc:
                    msg = f"{key}: {rule!r} is not a regular expression ({exc})"
                    raise ValueError(msg) from None
        return value

    @model_validator(mode="after")
    def _file_alone(self) -> Standards:
        if self.file is not None and self.model_fields_set - {"file"}:
            msg = "with `file:` the standards are in that file; declare nothing else here"
            raise ValueError(msg)
        return self


def read_standards(path: Path) -> Standards:
    """Read and validate a standards file (the mapping itself, no `standards:` key).

    Raises:
        ConfigError: unreadable, not YAML, or invalid: `file:line: field a.b: problem`.
    """
    data, line_of = read_yaml_lines(path, ConfigError)
    if not isinstance(data, dict):
        msg = f"{path}: expected a mapping of standards (regions, services, ...)"
        raise ConfigError(msg)
    if "file" in data:
        msg = f"{path}:{line_of(['file'])}: field file: a standards file cannot name another"
        raise ConfigError(msg)
    try:
        return Standards.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(located_problem(path, exc, line_of)) from None


def rule_params(standards: Standards) -> dict[str, dict[str, Any]]:
    """The params of each standards rule (`<provider>_standards_*`) the standards declare.

    Rules missing here keep their empty defaults and judge nothing.
    """
    out: dict[str, dict[str, Any]] = {}
    net = standards.network
    for p in PROVIDERS:
        lists = {
            "region_allowed": getattr(standards.regions, p),
            "service_allowed": getattr(standards.services, p),
            "instance_type_allowed": getattr(standards.instance_types, p),
        }
        for rule, allowed in lists.items():
            if allowed:
                out[f"{p}_standards_{rule}"] = {"allowed": list(allowed)}
        engines = getattr(standards.databases, p)
        if engines:
            out[f"{p}_standards_database_engine_allowed"] = {
                "engines": [e.model_dump() for e in engines]
            }
        if standards.required_tags:
            out[f"{p}_standards_required_tags_present"] = {"tags": dict(standards.required_tags)}
        switches = {
            "database_in_private_network": net.databases_in_private_subnets,
            "internet_entry_behind_waf": net.internet_entry_behind_waf,
            "compute_not_internet_addressed": net.no_public_compute,
        }
        for rule, on in switches.items():
            if on:
                out[f"{p}_standards_{rule}"] = {"enforced": True}
    return out


# ---------------------------------------------------------------------- judging helpers
def matches_any(value: str, patterns: Iterable[str]) -> bool:
    """True when a glob (case-insensitive) matches the value."""
    low = value.lower()
    return any(fnmatch.fnmatchcase(low, p.lower()) for p in patterns)


def tag_allows(rule: list[str] | str, value: str) -> bool:
    """A tag value against its standard: one of the listed values, or a full regex match."""
    if isinstance(rule, list):
        return value in rule
    return re.fullmatch(rule, value) is not None


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version))


def version_at_least(version: str, minimum: str) -> bool:
    """`15.4` >= `15`, `8.0.35` >= `8.0`, `5.7` < `8.0`: compared number by number."""
    have, want = _numbers(version), _numbers(minimum)
    return have[: len(want)] >= want if have else False
