"""CloudFront distributions (and the CLOUDFRONT-scope WAF web ACLs, which live in us-east-1).

Each distribution records its viewer protocol policy, minimum TLS version, web ACL,
origins (with how S3 origins are reached), logging and geo restriction. A distribution
`routes_to` its S3 origin buckets and is `protected_by` its web ACL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws import wafv2
from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import rel
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "to_resources"]

_S3_ORIGIN = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]*)\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$")


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw distributions with their logging configuration, and CloudFront web ACLs."""
    cloudfront = ctx.client("cloudfront")
    distributions: list[dict[str, Any]] = []
    for page in ctx.pages(cloudfront, "list_distributions"):
        distributions += (page.get("DistributionList") or {}).get("Items") or []
    logging_of: dict[str, Any] = {}
    for distribution in distributions:
        config = ctx.attempt(cloudfront.get_distribution_config, Id=distribution["Id"])
        if config is not None:
            logging_of[distribution["Id"]] = (config.get("DistributionConfig") or {}).get("Logging")
    acls = ctx.attempt(wafv2.fetch_web_acls, ctx, "CLOUDFRONT")
    return {"distributions": distributions, "logging": logging_of, "web_acls": acls or []}


def _origin(origin: Mapping[str, Any]) -> dict[str, Any]:
    domain = str(origin.get("DomainName", ""))
    match = _S3_ORIGIN.match(domain)
    s3 = origin.get("S3OriginConfig")
    if origin.get("OriginAccessControlId"):
        access = "oac"
    elif s3 and s3.get("OriginAccessIdentity"):
        access = "oai"
    elif match or s3 is not None:
        access = "public"
    else:
        access = None
    custom = origin.get("CustomOriginConfig") or {}
    return {
        "id": origin.get("Id"),
        "domain_name": domain,
        "is_s3": bool(match or s3 is not None),
        "s3_bucket": match.group("bucket") if match else None,
        "s3_access": access,
        "protocol_policy": custom.get("OriginProtocolPolicy"),
    }


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """Distributions and CloudFront-scope web ACLs (region `global`)."""
    out = wafv2.to_resources({"web_acls": raw.get("web_acls") or []}, scope)
    logging_of: Mapping[str, Any] = raw.get("logging") or {}
    for distribution in raw.get("distributions") or []:
        did = str(distribution["Id"])
        origins = [_origin(o) for o in (distribution.get("Origins") or {}).get("Items") or []]
        behaviour = distribution.get("DefaultCacheBehavior") or {}
        certificate = distribution.get("ViewerCertificate") or {}
        restriction = (distribution.get("Restrictions") or {}).get("GeoRestriction") or {}
        web_acl = distribution.get("WebACLId") or None
        logging_config = logging_of.get(did)
        attributes = {
            "domain_name": distribution.get("DomainName"),
            "enabled": distribution.get("Enabled"),
            "viewer_protocol_policy": behaviour.get("ViewerProtocolPolicy"),
            "minimum_protocol_version": certificate.get("MinimumProtocolVersion"),
            "uses_default_certificate": bool(certificate.get("CloudFrontDefaultCertificate")),
            "web_acl_id": web_acl,
            "origins": origins,
            "price_class": distribution.get("PriceClass"),
            "http_version": distribution.get("HttpVersion"),
            "logging_enabled": None
            if did not in logging_of
            else bool(logging_config and logging_config.get("Enabled")),
            "geo_restriction": restriction.get("RestrictionType"),
        }
        relations: list[Relation] = [
            rel("routes_to", f"arn:{scope.partition}:s3:::{o['s3_bucket']}")
            for o in origins
            if o["s3_bucket"]
        ]
        if web_acl and str(web_acl).startswith("arn:"):
            relations.append(rel("protected_by", str(web_acl)))
        out.append(
            scope.resource(
                str(
                    distribution.get("ARN")
                    or f"arn:{scope.partition}:cloudfront::{scope.account}:distribution/{did}"
                ),
                "aws.cloudfront.distribution",
                str(distribution.get("Comment") or distribution.get("DomainName") or did),
                attributes,
                relations,
                raw=distribution,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect CloudFront (a global service)."""
    return to_resources(fetch(ctx), ctx.scope)
