"""Rule aws_account_s3_object_level_logging_enabled: a trail records S3 object-level events.

A graph rule, because the verdict on an account depends on other resources: its
CloudTrail trails (matched by `account`). An account passes when one logging trail
records S3 data events for both reads and writes. Separate trails may cover reads and
writes: the account passes when, between them, both are recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from scanner.engine import Hit, RuleSpec, graph_rule
from scanner.graph import ResourceGraph

__all__ = ["check"]

_ACCOUNT = "aws.account"
_TRAIL = "aws.cloudtrail.trail"


@graph_rule
def check(graph: ResourceGraph, spec: RuleSpec) -> Iterator[Hit]:
    """Yield a hit for each account missing S3 read or write data events."""
    recorded: dict[str, set[str]] = defaultdict(set)
    for trail_id in graph.nodes_of_type([_TRAIL]):
        view = graph.resource_view(trail_id)
        attributes = view["attributes"]
        if attributes.get("is_logging") is False:
            continue
        events = attributes.get("s3_data_events") or {}
        if not isinstance(events, dict):
            continue
        for kind in ("read", "write"):
            if events.get(kind) is True:
                recorded[str(view["account"])].add(kind)
    for account_id in graph.nodes_of_type([_ACCOUNT]):
        account = str(graph.field(account_id, "account") or "")
        missing = sorted({"read", "write"} - recorded.get(account, set()))
        if missing:
            yield Hit(
                resource_id=account_id,
                evidence={"missing": " and ".join(missing), "recorded": sorted(recorded[account])},
            )
