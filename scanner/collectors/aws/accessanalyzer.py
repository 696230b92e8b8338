"""IAM Access Analyzer for the aws.region resource: the analyzers and their open findings.

Access Analyzer is read as part of the `region` service, not as a resource type of its
own: the question rules ask is per region (is an analyzer watching, and does it report
anything still open?), and the findings name resources of many services. External-access
analyzers (ACCOUNT, ORGANIZATION) are asked for their ACTIVE findings; unused-access and
internal-access analyzers answer other questions and are only counted as analyzers.
"""

from __future__ import annotations

from typing import Any

from scanner.collectors.aws.context import ServiceContext

__all__ = ["EXTERNAL_ACCESS", "fetch"]

# Analyzers of external access (the others report unused or internal access).
EXTERNAL_ACCESS = frozenset({"ACCOUNT", "ORGANIZATION"})


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """{analyzers, analyzer_findings}; both missing when the analyzers cannot be listed,
    `analyzer_findings` None when some analyzer's findings cannot be read."""
    client = ctx.client("accessanalyzer")
    analyzers = ctx.attempt(ctx.paginate, client, "list_analyzers", "analyzers")
    if analyzers is None:
        return {}
    return {"analyzers": analyzers, "analyzer_findings": _findings(ctx, client, analyzers)}


def _findings(
    ctx: ServiceContext, client: Any, analyzers: list[dict[str, Any]]
) -> dict[str, dict[str, int]] | None:
    """analyzer ARN -> {active, public} finding counts of the active external-access
    analyzers; None when some analyzer's findings could not be read."""
    counts: dict[str, dict[str, int]] = {}
    for analyzer in analyzers:
        if analyzer.get("status") != "ACTIVE" or analyzer.get("type") not in EXTERNAL_ACCESS:
            continue
        findings = ctx.attempt(
            ctx.paginate,
            client,
            "list_findings",
            "findings",
            analyzerArn=analyzer["arn"],
            filter={"status": {"eq": ["ACTIVE"]}},
        )
        if findings is None:
            return None
        public = sum(1 for f in findings if f.get("isPublic"))
        counts[str(analyzer["arn"])] = {"active": len(findings), "public": public}
    return counts
