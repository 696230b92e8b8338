"""API Gateway REST APIs with their stages: endpoint type, policy, logging, tracing, WAF."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import iso, tags_of
from scanner.model import Resource
from scanner.policy.iam import is_public_policy

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw REST APIs of the region with their stages."""
    client = ctx.client("apigateway")
    apis = []
    for api in ctx.paginate(client, "get_rest_apis", "items"):
        stages = ctx.attempt(client.get_stages, restApiId=api["id"])
        apis.append({"api": api, "stages": None if stages is None else stages.get("item") or []})
    return {"apis": apis}


def _stage(stage: Mapping[str, Any]) -> dict[str, Any]:
    settings = (stage.get("methodSettings") or {}).get("*/*") or {}
    return {
        "name": stage.get("stageName"),
        "logging_level": settings.get("loggingLevel"),
        "tracing_enabled": bool(stage.get("tracingEnabled")),
        "cache_encrypted": settings.get("cacheDataEncrypted"),
        "web_acl_arn": stage.get("webAclArn"),
        "client_certificate_id": stage.get("clientCertificateId"),
        "access_logs_enabled": bool(stage.get("accessLogSettings")),
    }


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.apigateway.rest_api per API."""
    out = []
    for item in raw.get("apis") or []:
        api = item["api"]
        types = list((api.get("endpointConfiguration") or {}).get("types") or [])
        stages = item.get("stages")
        attributes = {
            "endpoint_types": types,
            "is_private": types == ["PRIVATE"],
            "is_public_by_policy": is_public_policy(api.get("policy"))
            if api.get("policy")
            else False,
            "stages": None if stages is None else [_stage(s) for s in stages],
            "created_at": iso(api.get("createdDate")),
        }
        out.append(
            scope.resource(
                scope.arn("apigateway", f"/restapis/{api['id']}", account=""),
                "aws.apigateway.rest_api",
                str(api.get("name") or api["id"]),
                attributes,
                tags=tags_of(api.get("tags")),
                raw=api,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's REST APIs."""
    return to_resources(fetch(ctx), ctx.scope)
