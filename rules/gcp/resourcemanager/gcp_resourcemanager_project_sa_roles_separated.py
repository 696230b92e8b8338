"""Rule gcp_resourcemanager_project_sa_roles_separated: CIS GCP 1.8, separation of duties."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, resource_rule

__all__ = ["check"]

_ADMIN = {"roles/iam.serviceAccountAdmin"}
_USER = {"roles/iam.serviceAccountUser"}


def _members_with(bindings: Any, roles: set[str]) -> set[str]:
    out: set[str] = set()
    for binding in bindings or []:
        if isinstance(binding, Mapping) and binding.get("role") in roles:
            out.update(str(m) for m in binding.get("members") or [])
    return out


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Hit]:
    """Yield one hit naming a member that holds both service account duties."""
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    bindings = attributes.get("effective_iam_bindings") or attributes.get("iam_bindings")
    both = sorted(_members_with(bindings, _ADMIN) & _members_with(bindings, _USER))
    if both:
        yield Hit(evidence={"member": both[0], "members": both})
