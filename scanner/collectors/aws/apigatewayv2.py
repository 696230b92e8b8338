"""API Gateway v2 (HTTP and WebSocket APIs) with their stages, routes, authorizers and domains.

Per API: its stages (access logging, default route throttling, execution logging for
WebSocket APIs), routes (authorization type and target integration), integrations (the
Lambda function or load balancer behind each route, as `routes_to` relations) and
authorizers. The region's custom domain names and their API mappings are read once, so an
API knows the domains that serve it and whether they require mutual TLS. A call that fails
leaves only its own attribute null.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.normalise import iso, rel, tags_of
from scanner.model import Relation, Resource
from scanner.policy.network import open_api_routes

__all__ = ["api_arn", "collect", "fetch", "integration_target", "to_resources"]

_LAMBDA = re.compile(r"arn:[\w-]+:lambda:[\w-]+:\d{12}:function:[\w-]+")
_LISTENER = re.compile(
    r"^(arn:[\w-]+:elasticloadbalancing:[\w-]+:\d{12}:)listener/((?:app|net)/[^/]+/[^/]+)/"
)


def api_arn(scope: Scope, api_id: str) -> str:
    """The ARN of an HTTP or WebSocket API (API Gateway ARNs carry no account)."""
    return scope.arn("apigateway", f"/apis/{api_id}", account="")


def _per_api(ctx: ServiceContext, client: Any, api_id: str) -> dict[str, Any]:
    """An API's stages, routes, integrations and authorizers; a key is None when unreadable."""
    out: dict[str, Any] = {}
    for key, operation in (
        ("stages", "get_stages"),
        ("routes", "get_routes"),
        ("integrations", "get_integrations"),
        ("authorizers", "get_authorizers"),
    ):
        out[key] = ctx.attempt(ctx.paginate, client, operation, "Items", ApiId=api_id)
    return out


def _domains(ctx: ServiceContext, client: Any) -> list[dict[str, Any]] | None:
    """The region's custom domain names, each with its API mappings (None when unreadable)."""
    domains = ctx.attempt(ctx.paginate, client, "get_domain_names", "Items")
    if domains is None:
        return None
    for domain in domains:
        name = domain["DomainName"]
        domain["mappings"] = ctx.attempt(
            ctx.paginate, client, "get_api_mappings", "Items", DomainName=name
        )
    return domains


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw HTTP and WebSocket APIs of the region with their parts, and the custom domains."""
    client = ctx.client("apigatewayv2")
    apis = [
        {"api": api, **_per_api(ctx, client, str(api["ApiId"]))}
        for api in ctx.paginate(client, "get_apis", "Items")
    ]
    return {"apis": apis, "domains": _domains(ctx, client)}


def integration_target(integration: Mapping[str, Any]) -> str | None:
    """The resource id behind an integration: a Lambda function or a load balancer ARN.

    Lambda integrations name the function (or API Gateway's invocation URI around it; an
    alias or version qualifier is dropped); private integrations through a VPC link name
    an ALB or NLB listener, whose load balancer is the target. Other targets (HTTP URLs,
    Cloud Map services, AWS service actions) give None.
    """
    uri = str(integration.get("IntegrationUri") or "")
    found = _LAMBDA.search(uri)
    if found:
        return found.group(0)
    listener = _LISTENER.match(uri)
    if listener:
        return f"{listener.group(1)}loadbalancer/{listener.group(2)}"
    return None


def _stage(stage: Mapping[str, Any]) -> dict[str, Any]:
    defaults = stage.get("DefaultRouteSettings") or {}
    logs = stage.get("AccessLogSettings") or {}
    burst, rate = defaults.get("ThrottlingBurstLimit"), defaults.get("ThrottlingRateLimit")
    return {
        "name": stage.get("StageName"),
        "auto_deploy": bool(stage.get("AutoDeploy")),
        "access_logs_enabled": bool(logs.get("DestinationArn")),
        "access_log_destination": _log_group(logs.get("DestinationArn")),
        "default_route_throttling": None
        if burst is None and rate is None
        else {"burst_limit": burst, "rate_limit": rate},
        "detailed_metrics_enabled": bool(defaults.get("DetailedMetricsEnabled")),
        "logging_level": defaults.get("LoggingLevel"),
        "data_trace_enabled": bool(defaults.get("DataTraceEnabled")),
        "client_certificate_id": stage.get("ClientCertificateId"),
    }


def _log_group(destination: Any) -> str | None:
    """An access-log destination as the log group's id (without a trailing `:*`)."""
    if not destination:
        return None
    return str(destination).removesuffix(":*")


def _route(route: Mapping[str, Any]) -> dict[str, Any]:
    target = str(route.get("Target") or "")
    return {
        "route_key": route.get("RouteKey"),
        "authorization_type": route.get("AuthorizationType") or "NONE",
        "authorizer_id": route.get("AuthorizerId"),
        "api_key_required": bool(route.get("ApiKeyRequired")),
        "integration_id": target.removeprefix("integrations/") or None,
    }


def _custom_domains(
    api_id: str, domains: list[dict[str, Any]] | None
) -> tuple[list[dict[str, Any]] | None, bool]:
    """The custom domains mapped to the API, and whether every domain's mappings were read."""
    if domains is None:
        return None, False
    out, complete = [], True
    for domain in domains:
        mappings = domain.get("mappings")
        if mappings is None:
            complete = False
            continue
        if not any(m.get("ApiId") == api_id for m in mappings):
            continue
        config = (domain.get("DomainNameConfigurations") or [{}])[0]
        mtls = domain.get("MutualTlsAuthentication") or {}
        out.append(
            {
                "domain_name": domain.get("DomainName"),
                "mtls_enabled": bool(mtls.get("TruststoreUri")),
                "security_policy": config.get("SecurityPolicy"),
                "endpoint_type": config.get("EndpointType"),
            }
        )
    return out, complete


def _mtls(disabled: bool, domains: list[dict[str, Any]] | None, complete: bool) -> bool | None:
    """Reachable only through custom domains that require mutual TLS (None when unknown)."""
    if not disabled:
        return False  # the default execute-api endpoint never asks for a client certificate
    if domains is None or not complete:
        return None
    return bool(domains) and all(d["mtls_enabled"] for d in domains)


def _relations(
    item: Mapping[str, Any],
    routes: list[dict[str, Any]] | None,
    stages: list[dict[str, Any]] | None,
) -> list[Relation]:
    by_integration = {
        str(i.get("IntegrationId")): integration_target(i) for i in item.get("integrations") or []
    }
    keys_by_target: dict[str, list[Any]] = {}
    for route in routes or []:
        target = by_integration.get(str(route["integration_id"]))
        if target:
            keys_by_target.setdefault(target, []).append(route["route_key"])
    relations = [
        rel("routes_to", target, {"route_keys": sorted(keys)})
        for target, keys in keys_by_target.items()
    ]
    if routes is None:  # routes unreadable: still name what the integrations reach
        relations += [rel("routes_to", t) for t in dict.fromkeys(by_integration.values()) if t]
    destinations = {
        s["access_log_destination"] for s in stages or [] if s["access_log_destination"]
    }
    relations += [rel("logs_to", d) for d in sorted(destinations)]
    return relations


def _api(item: Mapping[str, Any], domains: list[dict[str, Any]] | None, scope: Scope) -> Resource:
    api = item["api"]
    api_id = str(api["ApiId"])
    protocol = api.get("ProtocolType")
    stages = None if item.get("stages") is None else [_stage(s) for s in item["stages"]]
    routes = None if item.get("routes") is None else [_route(r) for r in item["routes"]]
    authorizers = item.get("authorizers")
    disabled = bool(api.get("DisableExecuteApiEndpoint"))
    custom, complete = _custom_domains(api_id, domains)
    attributes = {
        "api_id": api_id,
        "protocol_type": protocol,
        "api_endpoint": api.get("ApiEndpoint"),
        "endpoint_type": "REGIONAL",
        "disable_execute_api_endpoint": disabled,
        "stages": stages,
        "routes": routes,
        "open_routes": None if routes is None else open_api_routes(protocol, routes),
        "authorizers": None
        if authorizers is None
        else [
            {"id": a.get("AuthorizerId"), "name": a.get("Name"), "type": a.get("AuthorizerType")}
            for a in authorizers
        ],
        "custom_domains": custom,
        "mtls_enabled": _mtls(disabled, custom, complete),
        "created_at": iso(api.get("CreatedDate")),
    }
    return scope.resource(
        api_arn(scope, api_id),
        "aws.apigatewayv2.api",
        str(api.get("Name") or api_id),
        attributes,
        _relations(item, routes, stages),
        tags=tags_of(api.get("Tags")),
        raw=item,
    )


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.apigatewayv2.api per HTTP or WebSocket API."""
    domains = raw.get("domains")
    return [_api(item, domains, scope) for item in raw.get("apis") or []]


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's HTTP and WebSocket APIs."""
    return to_resources(fetch(ctx), ctx.scope)
