"""What every GCP normaliser shares: the asset form, the collection context, small converters.

Both sources (ListAssets through the client library, `gcloud asset export` files) are
turned into one dict form before anything reads them: the `Asset.to_dict` form of a
`google.cloud.asset_v1.Asset` (snake_case proto field names, enums by name, numbers
inside `resource.data` as floats), dumped from the client library's message for
ListAssets and read straight from the JSON line, in the same form, for export files
(`asset_json.py`). `Asset` below wraps that dict. Normalisers read `Asset.data`, which
keeps the REST API's camelCase fields (see ../shared/reference/gcp-cai-formats.md for why).

`Context` holds what one asset's normaliser needs to know about others: project
numbers and ids, IAM policies set higher in the hierarchy (or on a key ring), service
account e-mails and resource ids, and project-wide compute metadata. The collector fills
it before it normalises any resource (see `scanner.collectors.gcp.collect`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scanner.model import Relation, Resource
from scanner.policy import gcp as policy_gcp

__all__ = [
    "CRM",
    "DEFAULT_COMPUTE_SA",
    "Asset",
    "Context",
    "SecretScanner",
    "audit_configs",
    "binding_relations",
    "bindings_of",
    "duration_days",
    "duration_seconds",
    "iso_time",
    "key_relations",
    "kms_key_id",
    "kms_key_name",
    "labels_of",
    "last_segment",
    "make_resource",
    "metadata_items",
    "no_secrets",
    "org_policies",
    "region_of",
    "rel",
    "resource_iam",
    "to_bool",
    "to_int",
    "url_to_name",
]

CRM = "//cloudresourcemanager.googleapis.com/"
# The Compute Engine default service account: PROJECT_NUMBER-compute@developer.gserviceaccount.com
DEFAULT_COMPUTE_SA = re.compile(r"^\d+-compute@developer\.gserviceaccount\.com$")

SecretScanner = Callable[[str, str], list[dict[str, str]]]


def no_secrets(_text: str, _where: str) -> list[dict[str, str]]:
    """The scanner that finds nothing (a module function: a `Context` is pickled for the
    workers of an export read, and a lambda cannot be)."""
    return []


_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")
_PROJECT_IN_NAME = re.compile(r"/projects/([^/]+)")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)s$")
# A UTC stamp `iso_time` can keep as written, fraction dropped (years 1000 on, see there).
_UTC_TIME = re.compile(
    r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?Z"
)


# ---------------------------------------------------------------------- the asset
@dataclass(frozen=True, slots=True)
class Asset:
    """One Cloud Asset Inventory asset, resource and IAM policy merged (either may be absent)."""

    name: str
    asset_type: str
    data: dict[str, Any] = field(default_factory=dict)
    location: str = ""
    parent: str = ""
    ancestors: tuple[str, ...] = ()
    update_time: str = ""
    has_resource: bool = False
    iam_policy: dict[str, Any] | None = None
    org_policy: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Asset:
        """Wrap the `Asset.to_dict` form (snake_case proto names)."""
        resource = d.get("resource")
        data = resource.get("data") if isinstance(resource, Mapping) else None
        return cls(
            name=str(d.get("name", "")),
            asset_type=str(d.get("asset_type", "")),
            data=dict(data) if isinstance(data, Mapping) else {},
            location=str(resource.get("location", "")) if isinstance(resource, Mapping) else "",
            parent=str(resource.get("parent", "")) if isinstance(resource, Mapping) else "",
            ancestors=tuple(str(a) for a in d.get("ancestors") or ()),
            update_time=str(d.get("update_time", "")),
            has_resource=isinstance(resource, Mapping),
            iam_policy=dict(d["iam_policy"]) if isinstance(d.get("iam_policy"), Mapping) else None,
            org_policy=tuple(dict(p) for p in d.get("org_policy") or ()),
        )

    def merged(self, other: Asset) -> Asset:
        """This asset with what `other` (the same name, another content type) adds."""
        if other.has_resource:
            base = other
            extra = self
        else:
            base = self
            extra = other
        return Asset(
            name=base.name,
            asset_type=base.asset_type or extra.asset_type,
            data=base.data,
            location=base.location,
            parent=base.parent,
            ancestors=base.ancestors or extra.ancestors,
            update_time=max(base.update_time, extra.update_time),
            has_resource=base.has_resource or extra.has_resource,
            iam_policy=other.iam_policy if other.iam_policy is not None else self.iam_policy,
            org_policy=other.org_policy or self.org_policy,
        )

    def with_policies(
        self, iam_policy: dict[str, Any] | None, org_policy: Sequence[dict[str, Any]]
    ) -> Asset:
        """This asset with the IAM / org policies read from other lines or calls."""
        if iam_policy is None and not org_policy:
            return self  # nothing to add (most resources: no policy of their own)
        return Asset(
            name=self.name,
            asset_type=self.asset_type,
            data=self.data,
            location=self.location,
            parent=self.parent,
            ancestors=self.ancestors,
            update_time=self.update_time,
            has_resource=self.has_resource,
            iam_policy=iam_policy if iam_policy is not None else self.iam_policy,
            org_policy=tuple(org_policy) or self.org_policy,
        )

    @property
    def project_ref(self) -> str:
        """The project the asset lives in as written in its ancestors or name (id or number)."""
        for ancestor in self.ancestors:
            if ancestor.startswith("projects/"):
                return ancestor.removeprefix("projects/")
        match = _PROJECT_IN_NAME.search(self.name)
        return match.group(1) if match else ""


# ---------------------------------------------------------------------- the context
@dataclass
class Context:
    """What normalisers know about the whole collection (filled before normalising)."""

    # project number -> project id
    project_ids: dict[str, str] = field(default_factory=dict)
    # asset name -> its own IAM policy (every policy seen, hierarchy and resources alike)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    # service account e-mail -> resource id of its ServiceAccount asset
    service_accounts: dict[str, str] = field(default_factory=dict)
    # project number -> compute.googleapis.com/Project data (commonInstanceMetadata, ...)
    compute_projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    # "organizations/N" (or folders/N, projects/N) -> its Essential Contacts
    contacts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # whether Essential Contacts were listed at all (else `essential_contacts` is null)
    contacts_listed: bool = False
    # project number -> names of its enabled services (serviceusage.googleapis.com/Service)
    services: dict[str, list[str]] = field(default_factory=dict)
    # whether enabled services were listed at all (else `enabled_services` is null)
    services_listed: bool = False
    # finds secrets in text; the collector passes scanner.collectors.secrets.scan_text
    scan_secrets: SecretScanner = no_secrets
    # ancestor name -> (its policy, its bindings with `inherited_from`), read once
    _inherited: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def project_id(self, asset: Asset) -> str:
        """The project id of an asset (its `account`), or "" for organisations and folders."""
        ref = asset.project_ref
        if ref.isdigit():
            return self.project_ids.get(ref, ref)
        if not ref:
            number = str(asset.data.get("projectNumber", ""))
            return self.project_ids.get(number, number)
        return ref

    def project_number(self, asset: Asset) -> str:
        """The project number of an asset, when its ancestors (or name) tell it."""
        ref = asset.project_ref
        if ref.isdigit():
            return ref
        for number, pid in self.project_ids.items():
            if pid == ref:
                return number
        return ""

    def inherited_bindings(self, asset: Asset) -> list[dict[str, Any]]:
        """Bindings set on the asset's ancestors (and key ring), each with `inherited_from`.

        Each ancestor's bindings are read once (many resources share an ancestor); every
        answer is a new list of new binding dicts (their `members` and `condition` shared).
        """
        out: list[dict[str, Any]] = []
        for source in self._policy_parents(asset):
            policy = self.policies.get(source)
            if policy is None:
                continue
            kept = self._inherited.get(source)
            if kept is None or kept[0] is not policy:
                bindings = [{**b, "inherited_from": source} for b in bindings_of(policy)]
                kept = self._inherited[source] = (policy, bindings)
            out += [{**binding} for binding in kept[1]]
        return out

    def effective_bindings(self, asset: Asset) -> list[dict[str, Any]]:
        """The asset's own bindings (`inherited_from` null) followed by the inherited ones."""
        own = [{**b, "inherited_from": None} for b in bindings_of(asset.iam_policy)]
        return own + self.inherited_bindings(asset)

    def _policy_parents(self, asset: Asset) -> list[str]:
        parents: list[str] = []
        if asset.asset_type == "cloudkms.googleapis.com/CryptoKey" and "/cryptoKeys/" in asset.name:
            parents.append(asset.name.rsplit("/cryptoKeys/", 1)[0])
        own = asset.name.removeprefix(CRM)
        for ancestor in asset.ancestors:
            if ancestor != own:
                parents.append(CRM + ancestor)
        return parents

    def service_account_target(self, email: str) -> str:
        """The relation target for a service account e-mail: its resource, else a principal."""
        return self.service_accounts.get(email) or f"principal:gcp:serviceAccount:{email}"


# ---------------------------------------------------------------------- converters
def rel(kind: str, target: str, properties: dict[str, Any] | None = None) -> Relation:
    """A relation."""
    return Relation(type=kind, target=target, properties=properties or {})


def to_int(value: Any) -> int | None:
    """An int from a Struct float (1000.0) or an int64 string ("100"); None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def to_bool(value: Any) -> bool | None:
    """A bool from true/false or metadata strings ("TRUE", "1", "yes"); None when unset."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y", "on"):
        return True
    if text in ("false", "0", "no", "n", "off", ""):
        return False
    return None


def iso_time(value: Any) -> str | None:
    """An ISO 8601 UTC timestamp (`2026-01-02T03:04:05Z`) from any of the formats GCP uses.

    Compute writes `2025-03-04T10:11:12.123-08:00`, IAM `2025-03-04T18:11:12Z`, BigQuery
    epoch milliseconds as a string.
    """
    if value is None or value == "":
        return None
    if type(value) is str and _UTC_TIME.fullmatch(value):  # most stamps: already UTC
        try:
            datetime.fromisoformat(value[:19])  # a real date and time
        except ValueError:
            return None
        return f"{value[:19]}Z"
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        try:
            moment = datetime.fromtimestamp(float(value) / 1000, UTC)
        except (OverflowError, OSError, ValueError):  # beyond the years a datetime holds
            return None
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if moment.year < 1000:  # strftime writes such a year without leading zeros
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{moment.isoformat(timespec='seconds')[:19]}Z"


def duration_seconds(value: Any) -> int | float | None:
    """Seconds in a protobuf Duration string (`"604800s"` -> 604800), or None."""
    if value is None:
        return None
    match = _DURATION.match(str(value).strip())
    if not match:
        return None
    seconds = float(match.group(1))
    return int(seconds) if seconds.is_integer() else seconds


def duration_days(value: Any) -> int | float | None:
    """Days in a protobuf Duration string (`"7776000s"` -> 90), or None."""
    seconds = duration_seconds(value)
    if seconds is None:
        return None
    days = seconds / 86400
    return int(days) if days.is_integer() else round(days, 2)


def region_of(location: str) -> str:
    """The region of a location: a zone loses its suffix, multi-regions are lower-cased."""
    location = (location or "").strip().lower()
    if not location:
        return "global"
    match = _ZONE.match(location)
    return match.group(1) if match else location


def last_segment(name: str) -> str:
    """The part of a resource name after its last slash."""
    return name.rstrip("/").rsplit("/", 1)[-1]


def url_to_name(url: Any, service: str = "compute") -> str | None:
    """The CAI full name of a resource URL or relative name.

    `https://www.googleapis.com/compute/v1/projects/p/zones/z/instances/i` and
    `projects/p/zones/z/instances/i` both become
    `//compute.googleapis.com/projects/p/zones/z/instances/i`.
    """
    if not url or not isinstance(url, str):
        return None
    index = url.find("projects/")
    if index < 0:
        return None
    return f"//{service}.googleapis.com/{url[index:].rstrip('/')}"


def kms_key_name(value: Any) -> str | None:
    """A KMS key name without its version: `projects/.../cryptoKeys/K`, or None."""
    if not value or not isinstance(value, str):
        return None
    name = value.split("/cryptoKeyVersions/", 1)[0]
    index = name.find("projects/")
    return name[index:] if index >= 0 else name


def kms_key_id(value: Any) -> str | None:
    """The resource id of the KMS key a setting names, or None."""
    name = kms_key_name(value)
    return f"//cloudkms.googleapis.com/{name}" if name else None


def key_relations(*values: Any) -> list[Relation]:
    """An `encrypted_by` relation to each KMS key the settings name (none for a null)."""
    ids = (kms_key_id(value) for value in values)
    return [rel("encrypted_by", key_id) for key_id in ids if key_id]


def labels_of(data: Mapping[str, Any]) -> dict[str, str]:
    """GCP labels as pscan tags (strings only)."""
    labels = data.get("labels")
    if not isinstance(labels, Mapping):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in labels.items()}


def metadata_items(metadata: Any) -> dict[str, str]:
    """Compute metadata `{items: [{key, value}]}` as a dict."""
    if not isinstance(metadata, Mapping):
        return {}
    out: dict[str, str] = {}
    for item in metadata.get("items") or ():
        if isinstance(item, Mapping) and "key" in item:
            value = item.get("value")
            out[str(item["key"])] = "" if value is None else str(value)
    return out


# ---------------------------------------------------------------------- IAM
def bindings_of(policy: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """An IAM policy's bindings as `{role, members, condition}` (condition null if none)."""
    if not policy:
        return []
    out: list[dict[str, Any]] = []
    for binding in policy.get("bindings") or ():
        condition = binding.get("condition")
        out.append(
            {
                "role": str(binding.get("role", "")),
                "members": [str(m) for m in binding.get("members") or ()],
                "condition": (
                    {
                        "title": condition.get("title", ""),
                        "expression": condition.get("expression", ""),
                    }
                    if condition
                    else None
                ),
            }
        )
    return out


def binding_relations(bindings: Iterable[Mapping[str, Any]]) -> list[Relation]:
    """One `iam_binding` relation per (role, member) to the node `principal:gcp:<member>`."""
    out: list[Relation] = []
    seen: set[tuple[str, str]] = set()
    for binding in bindings:
        for member in binding["members"]:
            key = (binding["role"], member)
            if key in seen:
                continue
            seen.add(key)
            out.append(rel("iam_binding", f"principal:gcp:{member}", {"role": binding["role"]}))
    return out


def audit_configs(policy: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """A policy's audit configs as `{service, log_types, exempted_members}`."""
    if not policy:
        return []
    out: list[dict[str, Any]] = []
    for config in policy.get("audit_configs") or ():
        log_types: list[str] = []
        exempted: list[str] = []
        for log_config in config.get("audit_log_configs") or ():
            log_types.append(str(log_config.get("log_type", "")))
            exempted += [str(m) for m in log_config.get("exempted_members") or ()]
        out.append(
            {
                "service": str(config.get("service", "")),
                "log_types": log_types,
                "exempted_members": sorted(set(exempted)),
            }
        )
    return out


def org_policies(policies: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Organisation policies set on a node, as `{constraint, enforced, all_values, ...}`."""
    out: list[dict[str, Any]] = []
    for policy in policies:
        boolean = policy.get("boolean_policy")
        listed = policy.get("list_policy")
        out.append(
            {
                "constraint": str(policy.get("constraint", "")),
                "enforced": bool(boolean.get("enforced", False))
                if isinstance(boolean, Mapping)
                else None,
                "all_values": listed.get("all_values") if isinstance(listed, Mapping) else None,
                "allowed_values": list(listed.get("allowed_values") or ())
                if isinstance(listed, Mapping)
                else [],
                "denied_values": list(listed.get("denied_values") or ())
                if isinstance(listed, Mapping)
                else [],
                "restore_default": "restore_default" in policy,
            }
        )
    return sorted(out, key=lambda p: p["constraint"])


def resource_iam(asset: Asset, ctx: Context) -> tuple[dict[str, Any], list[Relation]]:
    """The IAM attributes of a resource with its own policy, and its `iam_binding` relations.

    `iam_bindings` is its own policy, `effective_iam_bindings` adds the inherited ones, and
    `is_public` says whether a public member holds a role in its own policy.
    """
    bindings = bindings_of(asset.iam_policy)
    attributes = {
        "iam_bindings": bindings,
        "effective_iam_bindings": ctx.effective_bindings(asset),
        "is_public": policy_gcp.has_public_member(bindings),
    }
    return attributes, binding_relations(bindings)


def make_resource(
    asset: Asset,
    ctx: Context,
    rtype: str,
    attributes: dict[str, Any],
    relations: Sequence[Relation] = (),
    *,
    name: str | None = None,
    region: str | None = None,
    tags: dict[str, str] | None = None,
) -> Resource:
    """A Resource with the fields every GCP type fills the same way."""
    return Resource(
        id=asset.name,
        type=rtype,
        provider="gcp",
        account=ctx.project_id(asset),
        region=region if region is not None else region_of(asset.location),
        name=name if name is not None else last_segment(str(asset.data.get("name") or asset.name)),
        tags=tags if tags is not None else labels_of(asset.data),
        attributes=attributes,
        relations=list(relations),
    )
