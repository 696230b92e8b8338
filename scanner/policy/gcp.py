"""GCP IAM facts read once: which members mean "anyone".

Used by the GCP collector, the Terraform plan reader and rules alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["PUBLIC_MEMBERS", "has_public_member", "is_public_member"]

# allUsers: anyone on the internet; allAuthenticatedUsers: anyone with a Google account.
PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})


def is_public_member(member: Any) -> bool:
    """True for `allUsers` or `allAuthenticatedUsers`."""
    return isinstance(member, str) and member in PUBLIC_MEMBERS


def has_public_member(bindings: Iterable[Mapping[str, Any]]) -> bool:
    """True when a public member holds some role in the bindings (`{role, members}`)."""
    return any(is_public_member(m) for b in bindings for m in b.get("members") or ())
