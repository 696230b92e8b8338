"""Rule gcp_resourcemanager_project_kms_roles_separated: CIS GCP 1.11, separation of duties."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule

__all__ = ["check"]

_ADMIN = "roles/cloudkms.admin"
_USE = (
    "roles/cloudkms.cryptoKeyEncrypterDecrypter",
    "roles/cloudkms.cryptoKeyEncrypter",
    "roles/cloudkms.cryptoKeyDecrypter",
)


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit naming a member that administers and uses keys."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    bindings = attributes.get("effective_iam_bindings") or attributes.get("iam_bindings") or []
    roles_of: dict[str, set[str]] = {}
    for binding in bindings:
        if isinstance(binding, Mapping):
            for member in binding.get("members") or []:
                roles_of.setdefault(str(member), set()).add(str(binding.get("role")))
    for member in sorted(roles_of):
        roles = roles_of[member]
        if _ADMIN in roles:
            used = [r for r in _USE if r in roles]
            if used:
                yield Hit(evidence={"member": member, "use_role": used[0]})
                return
