"""WAFv2 web ACLs: rules, default action, logging, and the resources each protects.

Regional web ACLs are collected per region; CloudFront-scope ACLs (which live in
us-east-1) by the `cloudfront` service through `fetch_web_acls(..., "CLOUDFRONT")`.
ListResourcesForWebACL answers for regional ACLs only (CloudFront distributions name
their ACL themselves).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.model import Resource

__all__ = ["collect", "fetch", "fetch_web_acls", "to_resources"]

_MISSING = ("WAFNonexistentItemException",)


def fetch_web_acls(
    ctx: ServiceContext, scope_name: str, region: str | None = None
) -> list[dict[str, Any]]:
    """Raw web ACLs of one WAF scope (REGIONAL or CLOUDFRONT) with rules, logging, resources."""
    waf = ctx.client("wafv2", region)

    def pages() -> Iterator[dict[str, Any]]:  # ListWebACLs has no botocore paginator
        marker: str | None = None
        while True:
            kwargs: dict[str, Any] = {"Scope": scope_name, "Limit": 100}
            if marker:
                kwargs["NextMarker"] = marker
            page: dict[str, Any] = waf.list_web_acls(**kwargs)
            yield page
            marker = page.get("NextMarker")
            if not marker or not page.get("WebACLs"):
                return

    summaries: list[dict[str, Any]] = []
    for page in ctx.kept(pages(), "ListWebACLs"):
        summaries += page.get("WebACLs") or []
    acls = []
    for summary in summaries:
        item: dict[str, Any] = {"summary": summary, "scope": scope_name}
        acl = ctx.attempt(waf.get_web_acl, Name=summary["Name"], Id=summary["Id"], Scope=scope_name)
        if acl is not None:
            item["web_acl"] = acl.get("WebACL") or {}
        logging_config = ctx.attempt(
            missing_as, _MISSING, {}, waf.get_logging_configuration, ResourceArn=summary["ARN"]
        )
        if logging_config is not None:
            item["logging"] = logging_config.get("LoggingConfiguration")
        if scope_name == "REGIONAL":
            resources = ctx.attempt(waf.list_resources_for_web_acl, WebACLArn=summary["ARN"])
            if resources is not None:
                item["resource_arns"] = resources.get("ResourceArns") or []
        acls.append(item)
    return acls


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw regional web ACLs of the region."""
    return {"web_acls": fetch_web_acls(ctx, "REGIONAL")}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.wafv2.web_acl per web ACL."""
    out = []
    for item in raw.get("web_acls") or []:
        summary = item["summary"]
        acl = item.get("web_acl")
        rules = None if acl is None else acl.get("Rules") or []
        managed = (
            None
            if rules is None
            else sorted(
                f"{(r['Statement']['ManagedRuleGroupStatement']).get('VendorName')}:"
                f"{(r['Statement']['ManagedRuleGroupStatement']).get('Name')}"
                for r in rules
                if "ManagedRuleGroupStatement" in (r.get("Statement") or {})
            )
        )
        default = (acl or {}).get("DefaultAction") or {}
        attributes = {
            "scope": item.get("scope"),
            "default_action": None if acl is None else ("allow" if "Allow" in default else "block"),
            "rule_count": None if rules is None else len(rules),
            "managed_rule_groups": managed,
            "logging_enabled": None if "logging" not in item else bool(item["logging"]),
            "associated_resources": item.get("resource_arns"),
        }
        region = "global" if item.get("scope") == "CLOUDFRONT" else None
        out.append(
            scope.resource(
                str(summary["ARN"]),
                "aws.wafv2.web_acl",
                str(summary.get("Name")),
                attributes,
                raw={"summary": summary, "web_acl": acl},
                region=region,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's regional web ACLs."""
    return to_resources(fetch(ctx), ctx.scope)
