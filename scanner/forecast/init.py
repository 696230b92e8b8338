"""`pscan capacity init`: a starting capacity model from what a snapshot shows.

One pass over the snapshot finds the products (values of the product tag) and, for each,
the kinds of resource that serve it; each kind becomes a tier with the figures an
engineer must fill in marked `# fill in`. The result loads as a valid model (users 0,
so it plans nothing until filled in) when at least one product was found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from scanner.headroom import UNTAGGED, product_of

__all__ = ["TIER_TYPES", "starting_model"]

# Resource type -> (tier name, tier kind), in the order tiers are written.
TIER_TYPES: dict[str, tuple[str, str]] = {
    "aws.autoscaling.group": ("web", "web"),
    "gcp.compute.autoscaler": ("web", "web"),
    "aws.ecs.service": ("api", "api"),
    "gcp.run.service": ("api", "api"),
    "aws.lambda.function": ("functions", "function"),
    "gcp.cloudfunctions.function": ("functions", "function"),
    "aws.rds.instance": ("database", "database"),
    "gcp.sql.instance": ("database", "database"),
    "aws.dynamodb.table": ("tables", "table"),
    "aws.sqs.queue": ("queues", "queue"),
    "gcp.pubsub.subscription": ("queues", "queue"),
}


def _horizons(today: date) -> list[str]:
    """Six and twelve months ahead."""
    out = []
    for ahead in (6, 12):
        month = today.month - 1 + ahead
        out.append(f"{today.year + month // 12}-{month % 12 + 1:02d}")
    return out


def starting_model(
    resources: Iterable[Mapping[str, Any]],
    product_tags: Sequence[str],
    today: date,
    *,
    write_tag: bool = True,
) -> tuple[str, int]:
    """The YAML text of a starting model, and how many products it names.

    A resource's product is the value of the first of `product_tags` it carries (as in
    headroom by product). With `write_tag`, the model names the first key as its
    `product_tag` (give one key then); otherwise the plan resolves the keys again.
    """
    keys = [k.lower() for k in product_tags]
    found: dict[str, dict[str, str]] = {}  # product -> tier name -> resource type
    for r in resources:
        rtype = str(r.get("type"))
        if rtype not in TIER_TYPES:
            continue
        product = product_of(r.get("tags"), keys)
        if product == UNTAGGED:
            continue
        tier, _ = TIER_TYPES[rtype]
        found.setdefault(product, {}).setdefault(tier, rtype)
    lines = [
        "# Capacity model: fill in every value marked `# fill in`, then run",
        "#   pscan capacity plan --model capacity.yaml SNAPSHOT",
        "# See docs/capacity-planning.md for what each field means.",
        "version: 1",
        f"as_of: {today.isoformat()}",
        f"horizons: [{', '.join(_horizons(today))}]",
        *([f"product_tag: {_key(product_tags[0])}"] if write_tag else []),
        "products:",
    ]
    for product in sorted(found):
        lines += [
            f"  {_key(product)}:",
            "    users: {today: 0}  # fill in: users today, and at future months, e.g. 2027-06: 0",
            "    page_views_per_user_per_day: 1  # fill in",
            "    peak_hour_share: 0.1  # fill in: share of a day's traffic in its busiest hour",
            "    latency_objective_ms: 500",
            "    tiers:",
        ]
        for tier, rtype in found[product].items():
            kind = TIER_TYPES[rtype][1]
            lines += [
                f"      {tier}:",
                f"        kind: {kind}",
                "        requests_per_page_view: 1  # fill in",
                f"        resources: {{type: {rtype}}}",
            ]
            if kind in ("web", "api"):
                lines.append(
                    "        per_instance_rps: 1  # fill in, or loadtest: results.json"
                    " (pscan loadtest)"
                )
            if kind == "database":
                lines.append("        connections_per_request: 1")
            if kind == "table":
                lines += [
                    "        read_units_per_request: 1  # fill in",
                    "        write_units_per_request: 1  # fill in",
                ]
    return "\n".join(lines) + "\n", len(found)


def _key(name: str) -> str:
    """A YAML mapping key for a product name (quoted unless plainly safe)."""
    if name.replace("-", "").replace("_", "").isalnum():
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
