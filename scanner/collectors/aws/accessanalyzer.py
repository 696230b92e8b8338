"""IAM Access Analyzer: the region's analyzers (aws.accessanalyzer.analyzer) and their findings.

Read by the `region` service, which lists the analyzers once for both the region's
`access_analyzer_enabled` and these resources. An analyzer is a resource of its own, not
attributes of aws.region, so each analyzer's open findings are judged where they are
reported (an account and an organization analyzer in one region report the same
resource twice). External-access analyzers (ACCOUNT, ORGANIZATION) that are ACTIVE are
asked for their ACTIVE findings, counted (all, and those that make a resource public);
unused-access and internal-access analyzers answer other questions and get no counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import iso, tags_of
from scanner.model import Resource

__all__ = ["EXTERNAL_ACCESS", "fetch", "to_resources"]

# Analyzers of external access (the others report unused or internal access).
EXTERNAL_ACCESS = frozenset({"ACCOUNT", "ORGANIZATION"})


def _counted(analyzer: Mapping[str, Any]) -> bool:
    return analyzer.get("status") == "ACTIVE" and analyzer.get("type") in EXTERNAL_ACCESS


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """{analyzers, analyzer_findings}: both missing when the analyzers cannot be listed;
    an analyzer's counts are missing when its findings cannot be read."""
    client = ctx.client("accessanalyzer")
    analyzers = ctx.attempt(ctx.paginate, client, "list_analyzers", "analyzers")
    if analyzers is None:
        return {}
    counts: dict[str, dict[str, int]] = {}
    for analyzer in filter(_counted, analyzers):
        findings = ctx.attempt(
            ctx.paginate,
            client,
            "list_findings",
            "findings",
            analyzerArn=analyzer["arn"],
            filter={"status": {"eq": ["ACTIVE"]}},
        )
        if findings is not None:
            public = sum(1 for f in findings if f.get("isPublic"))
            counts[str(analyzer["arn"])] = {"active": len(findings), "public": public}
    return {"analyzers": analyzers, "analyzer_findings": counts}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.accessanalyzer.analyzer per analyzer of the region."""
    counts = raw.get("analyzer_findings") or {}
    out = []
    for analyzer in raw.get("analyzers") or []:
        arn = str(analyzer["arn"])
        found = counts.get(arn) or {}
        attributes = {
            "analyzer_type": analyzer.get("type"),
            "status": analyzer.get("status"),
            "external_access": analyzer.get("type") in EXTERNAL_ACCESS,
            "active_findings": found.get("active"),
            "public_findings": found.get("public"),
            "created_at": iso(analyzer.get("createdAt")),
        }
        out.append(
            scope.resource(
                arn,
                "aws.accessanalyzer.analyzer",
                str(analyzer.get("name") or arn.rsplit("/", 1)[-1]),
                attributes,
                tags=tags_of(analyzer.get("tags")),
                raw=analyzer,
            )
        )
    return out
