"""Rule gcp_storage_bucket_sensitive_data_not_public: a bucket labelled sensitive is not public.

A toxic combination: the collector's `is_public` and the owner's marking
(`scanner.policy.data.sensitivity`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.engine import Hit, RuleSpec, Undecided, Verdict, resource_rule
from scanner.policy.data import sensitivity

__all__ = ["check"]


@resource_rule
def check(resource: Mapping[str, Any], spec: RuleSpec) -> Iterator[Verdict]:
    """A hit for a public bucket labelled confidential or restricted."""
    label = sensitivity(resource.get("tags"))
    if label is None:
        return
    attributes: Mapping[str, Any] = resource.get("attributes") or {}
    public = attributes.get("is_public")
    if public is None:
        yield Undecided(reason="whether the bucket is public was not collected")
    elif public is True:
        grants = attributes.get("public_grants") or []
        shown = ", ".join(
            f"{g.get('member')} {g.get('role')}" for g in grants if isinstance(g, Mapping)
        )
        yield Hit(evidence={"classification": label, "grants": shown or "public"})
