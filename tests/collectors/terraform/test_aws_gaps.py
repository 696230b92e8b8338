"""Plans map to the facts the live collector added: API Gateway v2, flow logs, S3 object
ownership, EFS backup policies."""

from __future__ import annotations

from scanner.engine import evaluate
from scanner.engine.loader import RuleSet
from scanner.model import UNKNOWN

from .conftest import change, one, small_plan

FUNCTION = "arn:aws:lambda:eu-west-1:111122223333:function:orders"


def test_http_api_with_its_stage_routes_authorizer_and_integration() -> None:
    plan = small_plan(
        change("aws_lambda_function.orders", {"function_name": "orders", "arn": FUNCTION}),
        change("aws_apigatewayv2_api.shop", {"name": "shop", "protocol_type": "HTTP"}),
        change(
            "aws_apigatewayv2_stage.prod",
            {
                "api_id": "shop",
                "name": "prod",
                "auto_deploy": True,
                "access_log_settings": [],
                "default_route_settings": [
                    {"throttling_burst_limit": 100, "throttling_rate_limit": 50}
                ],
            },
        ),
        change(
            "aws_apigatewayv2_route.open",
            {"api_id": "shop", "route_key": "POST /orders", "authorization_type": "NONE"},
        ),
        change(
            "aws_apigatewayv2_route.jwt",
            {"api_id": "shop", "route_key": "GET /orders", "authorization_type": "JWT"},
        ),
        change(
            "aws_apigatewayv2_authorizer.cognito",
            {"api_id": "shop", "name": "cognito", "authorizer_type": "JWT"},
        ),
        change(
            "aws_apigatewayv2_integration.orders",
            {"api_id": "shop", "integration_type": "AWS_PROXY", "integration_uri": FUNCTION},
        ),
    )
    api = one(plan, "aws_apigatewayv2_api.shop")
    attrs = api.attributes
    assert attrs["protocol_type"] == "HTTP"
    [stage] = attrs["stages"]
    assert stage["access_logs_enabled"] is False
    assert stage["default_route_throttling"] == {"burst_limit": 100, "rate_limit": 50}
    assert [r["route_key"] for r in attrs["routes"]] == ["POST /orders", "GET /orders"]
    assert attrs["open_routes"] == ["POST /orders"]
    assert attrs["authorizers"] == [{"id": UNKNOWN, "name": "cognito", "type": "JWT"}]
    assert attrs["mtls_enabled"] is False  # the execute-api endpoint stays on
    assert [(r.type, r.target) for r in api.relations] == [
        ("routes_to", "tf://aws_lambda_function.orders")
    ]


def test_an_updated_api_keeps_an_unknown_tail_and_quick_create_gets_defaults() -> None:
    plan = small_plan(
        change(
            "aws_apigatewayv2_api.old",
            {"name": "old", "protocol_type": "HTTP", "id": "a1"},
            actions=("update",),
        ),
        change(
            "aws_apigatewayv2_stage.logged",
            {
                "api_id": "a1",
                "name": "prod",
                "access_log_settings": [{"destination_arn": "arn:aws:logs:x", "format": "f"}],
            },
        ),
        change(
            "aws_apigatewayv2_api.quick",
            {"name": "quick", "protocol_type": "HTTP", "target": FUNCTION},
        ),
    )
    old = one(plan, "aws_apigatewayv2_api.old").attributes
    assert old["stages"][0]["access_logs_enabled"] is True
    assert old["stages"][1:] == [UNKNOWN]  # stages managed elsewhere
    quick = one(plan, "aws_apigatewayv2_api.quick").attributes
    assert quick["stages"] == [
        {
            "name": "$default",
            "auto_deploy": True,
            "access_logs_enabled": False,
            "access_log_destination": None,
            "default_route_throttling": None,
            "detailed_metrics_enabled": False,
            "logging_level": None,
            "data_trace_enabled": False,
            "client_certificate_id": None,
        }
    ]
    assert quick["open_routes"] == ["$default"]


def test_flow_logs_are_resources_and_still_mark_their_vpc() -> None:
    plan = small_plan(
        change("aws_vpc.main", {"cidr_block": "10.0.0.0/16", "id": "vpc-1"}),
        change("aws_s3_bucket.records", {"bucket": "records", "arn": "arn:aws:s3:::records"}),
        change(
            "aws_flow_log.vpc",
            {
                "vpc_id": "vpc-1",
                "traffic_type": "ALL",
                "log_destination_type": "s3",
                "log_destination": "arn:aws:s3:::records",
            },
        ),
    )
    flow = one(plan, "aws_flow_log.vpc")
    assert flow.type == "aws.ec2.flow_log"
    assert flow.attributes["resource_type"] == "VPC"
    assert flow.attributes["traffic_type"] == "ALL"
    assert flow.attributes["max_aggregation_interval"] == 600  # the provider's default
    assert {(r.type, r.target) for r in flow.relations} == {
        ("attached_to", "tf://aws_vpc.main"),
        ("logs_to", "tf://aws_s3_bucket.records"),
    }
    assert one(plan, "aws_vpc.main").attributes["flow_logs_enabled"] is True


def test_s3_object_ownership() -> None:
    plan = small_plan(
        change("aws_s3_bucket.new", {"bucket": "new"}),
        change("aws_s3_bucket.acl", {"bucket": "acl"}),
        change(
            "aws_s3_bucket_ownership_controls.acl",
            {"bucket": "acl", "rule": [{"object_ownership": "ObjectWriter"}]},
        ),
        change("aws_s3_bucket.old", {"bucket": "old"}, actions=("update",)),
    )
    assert one(plan, "aws_s3_bucket.new").attributes["object_ownership"] == "BucketOwnerEnforced"
    assert one(plan, "aws_s3_bucket.acl").attributes["object_ownership"] == "ObjectWriter"
    assert one(plan, "aws_s3_bucket.old").attributes["object_ownership"] == UNKNOWN


def test_efs_backup_policy() -> None:
    plan = small_plan(
        change("aws_efs_file_system.on", {"creation_token": "on", "id": "fs-1"}),
        change(
            "aws_efs_backup_policy.on",
            {"file_system_id": "fs-1", "backup_policy": [{"status": "ENABLED"}]},
        ),
        change("aws_efs_file_system.off", {"creation_token": "off"}),
        change("aws_efs_file_system.old", {"creation_token": "old"}, actions=("update",)),
    )
    got = {
        name: one(plan, f"aws_efs_file_system.{name}").attributes["backup_policy_enabled"]
        for name in ("on", "off", "old")
    }
    assert got == {"on": True, "off": False, "old": UNKNOWN}


def test_access_analyzers_and_their_findings_rule(ruleset: RuleSet) -> None:
    plan = small_plan(
        change("aws_accessanalyzer_analyzer.account", {"analyzer_name": "account"}),
        change(
            "aws_accessanalyzer_analyzer.unused",
            {"analyzer_name": "unused", "type": "ACCOUNT_UNUSED_ACCESS"},
        ),
    )
    account = one(plan, "aws_accessanalyzer_analyzer.account").attributes
    assert (account["analyzer_type"], account["external_access"]) == ("ACCOUNT", True)
    assert account["public_findings"] == UNKNOWN  # the analyzer has not run yet
    assert one(plan, "aws_accessanalyzer_analyzer.unused").attributes["public_findings"] is None
    rules = ruleset.select(ids=["aws_accessanalyzer_analyzer_no_public_findings"])
    outcome = evaluate(rules, [r.model_dump(mode="json") for r in plan.resources])
    assert outcome.findings == []  # nothing to report before it runs


def test_websocket_api_is_open_only_through_connect() -> None:
    plan = small_plan(
        change("aws_apigatewayv2_api.chat", {"name": "chat", "protocol_type": "WEBSOCKET"}),
        change("aws_apigatewayv2_route.connect", {"api_id": "chat", "route_key": "$connect"}),
        change("aws_apigatewayv2_route.default", {"api_id": "chat", "route_key": "$default"}),
    )
    chat = one(plan, "aws_apigatewayv2_api.chat").attributes
    assert [r["route_key"] for r in chat["routes"]] == ["$connect", "$default"]
    assert chat["open_routes"] == ["$connect"]


def test_stage_logs_known_only_after_apply() -> None:
    plan = small_plan(
        change("aws_cloudwatch_log_group.access", {"name": "access", "arn": "arn:aws:logs:g"}),
        change("aws_apigatewayv2_api.a", {"name": "a", "protocol_type": "HTTP", "id": "a1"}),
        change(
            "aws_apigatewayv2_stage.known",
            {
                "api_id": "a1",
                "name": "prod",
                "access_log_settings": [{"destination_arn": "arn:aws:logs:g"}],
            },
        ),
        change(
            "aws_apigatewayv2_stage.later",
            {"api_id": "a1", "name": "dev"},
            unknown={"access_log_settings": True},
        ),
    )
    api = one(plan, "aws_apigatewayv2_api.a")
    known, later = api.attributes["stages"]
    assert known["access_logs_enabled"] is True
    assert later["access_logs_enabled"] == UNKNOWN
    assert [(r.type, r.target) for r in api.relations] == [
        ("logs_to", "tf://aws_cloudwatch_log_group.access")
    ]
