"""API Gateway v2: HTTP and WebSocket APIs with stages, routes, integrations and domains."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scanner.collectors.aws.apigatewayv2 import integration_target, to_resources
from scanner.collectors.aws.context import Scope
from scanner.collectors.terraform import parse_plan
from scanner.engine import evaluate, load_rules

from .conftest import ACCOUNT, REGION, Moto, targets
from .test_collect import inject, library_collect, resources

LAMBDA = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders"
LB = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/legacy/50dc6c495c0c9188"
LISTENER = LB.replace(":loadbalancer/", ":listener/") + "/f2f7dc8efc522ab2"
LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:api-access"


def _seed_http_api(moto: Moto) -> str:
    """An HTTP API behind an mTLS domain: a JWT-protected Lambda route, an open ALB route."""
    api = moto.client("apigatewayv2")
    api_id = str(
        api.create_api(Name="shop", ProtocolType="HTTP", DisableExecuteApiEndpoint=True)["ApiId"]
    )
    jwt = api.create_authorizer(
        ApiId=api_id,
        AuthorizerType="JWT",
        Name="cognito",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Audience": ["shop"], "Issuer": "https://issuer.example.com"},
    )["AuthorizerId"]
    invoke = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{LAMBDA}/invocations"
    orders = api.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=invoke, PayloadFormatVersion="2.0"
    )["IntegrationId"]
    legacy = api.create_integration(
        ApiId=api_id,
        IntegrationType="HTTP_PROXY",
        IntegrationMethod="ANY",
        ConnectionType="VPC_LINK",
        ConnectionId="vl-1",
        IntegrationUri=LISTENER,
        PayloadFormatVersion="1.0",
    )["IntegrationId"]
    api.create_route(
        ApiId=api_id,
        RouteKey="GET /orders",
        AuthorizationType="JWT",
        AuthorizerId=jwt,
        Target=f"integrations/{orders}",
    )
    api.create_route(ApiId=api_id, RouteKey="POST /orders", Target=f"integrations/{orders}")
    api.create_route(ApiId=api_id, RouteKey="ANY /legacy", Target=f"integrations/{legacy}")
    api.create_stage(
        ApiId=api_id,
        StageName="prod",
        AccessLogSettings={"DestinationArn": f"{LOG_GROUP}:*", "Format": "$context.requestId"},
        DefaultRouteSettings={"ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 50.0},
    )
    api.create_domain_name(
        DomainName="api.example.com",
        DomainNameConfigurations=[
            {
                "CertificateArn": f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/c1",
                "EndpointType": "REGIONAL",
                "SecurityPolicy": "TLS_1_2",
            }
        ],
        MutualTlsAuthentication={"TruststoreUri": "s3://trust/store.pem"},
    )
    api.create_api_mapping(ApiId=api_id, DomainName="api.example.com", Stage="prod")
    return api_id


def _seed_websocket_api(moto: Moto) -> str:
    api = moto.client("apigatewayv2")
    api_id = str(
        api.create_api(
            Name="chat", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action"
        )["ApiId"]
    )
    api.create_route(ApiId=api_id, RouteKey="$connect")
    api.create_route(ApiId=api_id, RouteKey="$default")
    api.create_stage(ApiId=api_id, StageName="live")
    return api_id


def test_http_and_websocket_apis(moto: Moto, collect: Any) -> None:
    shop_id = _seed_http_api(moto)
    chat_id = _seed_websocket_api(moto)
    snap = collect("--services", "apigatewayv2", "--regions", REGION)
    shop = snap.named("aws.apigatewayv2.api", "shop")
    assert shop["id"] == f"arn:aws:apigateway:{REGION}::/apis/{shop_id}"
    attrs = shop["attributes"]
    assert attrs["protocol_type"] == "HTTP"
    assert attrs["endpoint_type"] == "REGIONAL"
    assert attrs["disable_execute_api_endpoint"] is True
    [stage] = attrs["stages"]
    assert stage["name"] == "prod"
    assert stage["access_logs_enabled"] is True
    assert stage["access_log_destination"] == LOG_GROUP  # ':*' dropped: the log group's id
    assert stage["default_route_throttling"] == {"burst_limit": 100, "rate_limit": 50.0}
    assert {r["route_key"]: r["authorization_type"] for r in attrs["routes"]} == {
        "GET /orders": "JWT",
        "POST /orders": "NONE",
        "ANY /legacy": "NONE",
    }
    assert sorted(attrs["open_routes"]) == ["ANY /legacy", "POST /orders"]
    assert attrs["custom_domains"] == [
        {
            "domain_name": "api.example.com",
            "mtls_enabled": True,
            "security_policy": "TLS_1_2",
            "endpoint_type": "REGIONAL",
        }
    ]
    assert attrs["mtls_enabled"] is True  # execute-api endpoint off, the one domain asks mTLS
    routes = {
        r["target"]: r["properties"]["route_keys"]
        for r in shop["relations"]
        if r["type"] == "routes_to"
    }
    assert routes[LAMBDA] == ["GET /orders", "POST /orders"]  # invocation URI -> function
    assert routes[LB] == ["ANY /legacy"]  # VPC link listener -> its load balancer
    assert targets(shop, "logs_to") == [LOG_GROUP]

    chat = snap.named("aws.apigatewayv2.api", "chat")["attributes"]
    assert chat["api_id"] == chat_id
    assert chat["protocol_type"] == "WEBSOCKET"
    assert chat["open_routes"] == ["$connect"]  # only $connect takes authorization
    assert chat["stages"][0]["access_logs_enabled"] is False
    assert chat["stages"][0]["default_route_throttling"] is None
    assert chat["mtls_enabled"] is False  # the execute-api endpoint takes any client
    assert chat["custom_domains"] == []

    # moto has no GetAuthorizers: one recorded error per API, the rest collected
    errors = snap.errors()
    assert {(e["service"], e["operation"], e["code"]) for e in errors} == {
        ("apigatewayv2", "GetAuthorizers", "500")
    }
    assert len(errors) == 2
    assert attrs["authorizers"] is None


AUTHORIZERS = {
    "items": [{"authorizerId": "a1", "authorizerType": "JWT", "name": "cognito"}],
}


def test_authorizers_from_an_answer_shaped_like_the_service(moto: Moto, tmp_path: Path) -> None:
    _seed_http_api(moto)
    answer, seen = inject(200, json.dumps(AUTHORIZERS), content_type="application/json")
    manifest, out = library_collect(
        moto,
        tmp_path,
        services=("apigatewayv2",),
        handlers=(("before-send.apigatewayv2.GetAuthorizers", answer),),
    )
    assert manifest.errors == []
    assert len(seen) == 1
    [shop] = [r for r in resources(out) if r["type"] == "aws.apigatewayv2.api"]
    assert shop["attributes"]["authorizers"] == [{"id": "a1", "name": "cognito", "type": "JWT"}]


def test_unreadable_parts_stay_unknown() -> None:
    item: dict[str, Any] = {
        "api": {"ApiId": "a1", "Name": "x", "ProtocolType": "HTTP"},
        "stages": None,
        "routes": None,
        "integrations": [{"IntegrationId": "i1", "IntegrationUri": LAMBDA}],
        "authorizers": None,
    }
    raw: dict[str, Any] = {"apis": [item], "domains": None}
    [api] = to_resources(raw, Scope(account=ACCOUNT, region=REGION))
    attrs = api.attributes
    assert (attrs["stages"], attrs["routes"], attrs["open_routes"]) == (None, None, None)
    assert attrs["custom_domains"] is None
    assert attrs["mtls_enabled"] is False  # the default endpoint is on: no mTLS whatever else
    assert [(r.type, r.target) for r in api.relations] == [("routes_to", LAMBDA)]
    disabled = {**item, "api": {"ApiId": "a1", "DisableExecuteApiEndpoint": True}}
    [unknown] = to_resources({**raw, "apis": [disabled]}, Scope(account=ACCOUNT, region=REGION))
    assert unknown.attributes["mtls_enabled"] is None  # the domains could not be read


def test_integration_targets() -> None:
    assert integration_target({"IntegrationUri": f"{LAMBDA}:live"}) == LAMBDA
    assert integration_target({"IntegrationUri": LISTENER}) == LB
    nlb = LISTENER.replace("/app/", "/net/")
    assert integration_target({"IntegrationUri": nlb}) == LB.replace("/app/", "/net/")
    assert integration_target({"IntegrationUri": "https://backend.example.com"}) is None
    assert integration_target({}) is None


def test_stage_access_logging_rule_judges_live_and_plan_alike(moto: Moto, collect: Any) -> None:
    _seed_http_api(moto)
    _seed_websocket_api(moto)
    live = collect("--services", "apigatewayv2", "--regions", REGION)
    rules = load_rules().select(ids=["aws_apigatewayv2_api_stage_access_logging_enabled"])
    in_live = evaluate(rules, live.of_type("aws.apigatewayv2.api"))
    assert [f.resource.name for f in in_live.findings] == ["chat"]  # its stage logs nothing
    plan = parse_plan(
        {
            "format_version": "1.2",
            "resource_changes": [
                _change("aws_apigatewayv2_api", "chat", {"name": "chat"}),
                _change("aws_apigatewayv2_stage", "live", {"api_id": "chat", "name": "live"}),
            ],
        }
    )
    in_plan = evaluate(rules, [r.model_dump(mode="json") for r in plan.resources])
    assert [f.resource.id for f in in_plan.findings] == ["tf://aws_apigatewayv2_api.chat"]
    assert set(in_plan.findings[0].evidence) == set(in_live.findings[0].evidence)


def _change(tf_type: str, name: str, after: dict[str, Any]) -> dict[str, Any]:
    return {
        "address": f"{tf_type}.{name}",
        "mode": "managed",
        "type": tf_type,
        "name": name,
        "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}},
    }
