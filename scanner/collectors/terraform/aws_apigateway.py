"""AWS API Gateway v2 mappers: HTTP and WebSocket APIs with their stages, routes, authorizers.

`aws_apigatewayv2_api` becomes an `aws.apigatewayv2.api`; its stages, routes,
authorizers and integrations are separate Terraform resources folded into it, in the
shape the live collector (`scanner.collectors.aws.apigatewayv2`) writes. An API the plan
creates starts with none of them; an API it only updates keeps an unknown tail (parts
managed elsewhere). A quick-create API (`target` set) gets the `$default` stage and
route AWS creates with it.
"""

from __future__ import annotations

from typing import Any

from scanner.collectors.terraform.builder import Builder, append_items, relations_to
from scanner.collectors.terraform.instances import Instance
from scanner.collectors.terraform.values import as_bool, first_block, is_known
from scanner.model import UNKNOWN, Resource
from scanner.policy.network import open_api_routes

__all__ = [
    "apigatewayv2_api",
    "fold_apigatewayv2_authorizer",
    "fold_apigatewayv2_integration",
    "fold_apigatewayv2_route",
    "fold_apigatewayv2_stage",
]


def _route(route_key: Any, authorization_type: Any, **more: Any) -> dict[str, Any]:
    return {
        "route_key": route_key,
        "authorization_type": authorization_type or "NONE",
        "authorizer_id": more.get("authorizer_id") or None,
        "api_key_required": bool(more.get("api_key_required")),
        "integration_id": more.get("integration_id"),
    }


def apigatewayv2_api(b: Builder, inst: Instance) -> Resource:
    """aws_apigatewayv2_api -> aws.apigatewayv2.api."""
    v = inst.values
    start: list[Any] = [] if inst.is_create else [UNKNOWN]
    disabled = as_bool(v.get("disable_execute_api_endpoint"), False)
    attrs: dict[str, Any] = {
        "api_id": v.get("id", UNKNOWN),
        "protocol_type": v.get("protocol_type"),
        "api_endpoint": v.get("api_endpoint", UNKNOWN),
        "endpoint_type": "REGIONAL",
        "disable_execute_api_endpoint": disabled,
        "stages": list(start),
        "routes": list(start),
        "open_routes": list(start),
        "authorizers": list(start),
        "custom_domains": UNKNOWN,
        "mtls_enabled": False if disabled is False else UNKNOWN,
        "created_at": None,
    }
    if v.get("target"):  # quick create: a $default route and auto-deployed $default stage
        attrs["stages"].insert(0, _stage({"name": "$default", "auto_deploy": True}))
        attrs["routes"].insert(0, _route(v.get("route_key") or "$default", "NONE"))
        attrs["open_routes"].insert(0, attrs["routes"][0]["route_key"])
    return b.resource(inst, "aws.apigatewayv2.api", attrs, name=v.get("name"))


def _stage(v: dict[str, Any]) -> dict[str, Any]:
    logs = first_block(v, "access_log_settings")
    defaults = first_block(v, "default_route_settings")
    known_defaults = isinstance(defaults, dict)
    burst = defaults.get("throttling_burst_limit") if known_defaults else None
    rate = defaults.get("throttling_rate_limit") if known_defaults else None
    destination = logs.get("destination_arn") if isinstance(logs, dict) else None
    return {
        "name": v.get("name"),
        "auto_deploy": as_bool(v.get("auto_deploy"), False),
        "access_logs_enabled": UNKNOWN if not is_known(logs) else bool(destination),
        "access_log_destination": UNKNOWN if not is_known(logs) else destination,
        # the provider writes 0 for limits that are not set
        "default_route_throttling": None
        if not burst and not rate
        else {"burst_limit": burst, "rate_limit": rate},
        "detailed_metrics_enabled": bool(
            known_defaults and defaults.get("detailed_metrics_enabled")
        ),
        "logging_level": defaults.get("logging_level") if known_defaults else None,
        "data_trace_enabled": bool(known_defaults and defaults.get("data_trace_enabled")),
        "client_certificate_id": v.get("client_certificate_id") or None,
    }


def fold_apigatewayv2_stage(b: Builder, inst: Instance, api: Resource) -> None:
    """aws_apigatewayv2_stage -> one entry of the API's `stages` (and `logs_to`)."""
    stage = _stage(inst.values)
    append_items(api, "stages", [stage])
    logs = first_block(inst.values, "access_log_settings")
    if isinstance(logs, dict):
        groups = ("aws_cloudwatch_log_group",)
        link = b.link_nested(inst, logs, "destination_arn", groups, "aws.logs.log_group")
        api.relations += relations_to("logs_to", link)


def fold_apigatewayv2_route(b: Builder, inst: Instance, api: Resource) -> None:
    """aws_apigatewayv2_route -> one entry of the API's `routes` (and `open_routes`)."""
    v = inst.values
    route = _route(
        v.get("route_key"),
        v.get("authorization_type"),
        authorizer_id=v.get("authorizer_id"),
        api_key_required=v.get("api_key_required"),
        integration_id=str(v.get("target") or "").removeprefix("integrations/") or None,
    )
    append_items(api, "routes", [route])
    append_items(api, "open_routes", open_api_routes(api.attributes.get("protocol_type"), [route]))


def fold_apigatewayv2_authorizer(b: Builder, inst: Instance, api: Resource) -> None:
    """aws_apigatewayv2_authorizer -> one entry of the API's `authorizers`."""
    v = inst.values
    authorizer = {
        "id": v.get("id", UNKNOWN),
        "name": v.get("name"),
        "type": v.get("authorizer_type"),
    }
    append_items(api, "authorizers", [authorizer])


def fold_apigatewayv2_integration(b: Builder, inst: Instance, api: Resource) -> None:
    """aws_apigatewayv2_integration -> `routes_to` the Lambda function it invokes.

    The function is found through the plan's references (`invoke_arn` of a planned
    function) or by its ARN; an invocation URI of a function outside the plan is skipped.
    """
    targets = b.link(inst, "integration_uri", ("aws_lambda_function",), "aws.lambda.function")
    known = {r.target for r in api.relations if r.type == "routes_to"}
    wanted = [t for t in targets if t not in known and not t.endswith("/invocations")]
    api.relations += relations_to("routes_to", wanted)
