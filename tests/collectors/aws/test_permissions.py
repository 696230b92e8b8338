"""docs/aws-permissions.md is generated from the collector's code and only lists reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.collectors.aws.guard import is_read_operation
from scanner.collectors.aws.permissions import PAGE, iam_action, operations, page, policy

ROOT = Path(__file__).resolve().parents[3]


# The page lists botocore's operation names for the calls the code makes: a botocore release
# can rename or add one. The lock (requirements/constraints.txt) keeps it stable.
@pytest.mark.library_output("botocore")
def test_committed_page_is_current() -> None:
    committed = ROOT / PAGE
    assert committed.read_text(encoding="utf-8") == page(), (
        f"{PAGE} is stale; run: python -m scanner.collectors.aws.permissions > {PAGE}"
    )


def test_every_operation_the_code_can_call_is_a_read() -> None:
    ops = operations()
    assert {"ec2", "iam", "s3", "s3control", "sts", "organizations"} <= set(ops)
    assert [(s, o) for s, found in ops.items() for o in found if not is_read_operation(o)] == []


def test_policy_has_only_read_actions_and_the_named_exceptions() -> None:
    actions = policy()["Statement"][0]["Action"]
    assert actions == sorted(set(actions))
    verbs = ("Describe", "List", "Get", "GenerateCredentialReport", "AssumeRole")
    assert all(a == "apigateway:GET" or a.split(":")[1].startswith(verbs) for a in actions)


def test_iam_action_names() -> None:
    assert iam_action("s3", "ListBuckets") == "s3:ListAllMyBuckets"
    assert iam_action("s3control", "GetPublicAccessBlock") == "s3:GetAccountPublicAccessBlock"
    assert iam_action("elbv2", "DescribeListeners") == "elasticloadbalancing:DescribeListeners"
    assert iam_action("apigateway", "GetStages") == "apigateway:GET"
    assert iam_action("ec2", "DescribeVpcs") == "ec2:DescribeVpcs"


# moto's copy of the AWS managed policies changes with moto releases; the lock keeps it stable.
@pytest.mark.library_output("moto")
def test_security_audit_and_view_only_access_suffice() -> None:
    import fnmatch
    import json

    from moto.iam.aws_managed_policies import aws_managed_policies_data

    managed = json.loads(aws_managed_policies_data)
    patterns: list[str] = []
    for name in ("SecurityAudit", "ViewOnlyAccess"):
        for statement in managed[name]["Document"]["Statement"]:
            if statement["Effect"] == "Allow":
                action = statement["Action"]
                patterns += action if isinstance(action, list) else [action]
    actions = policy()["Statement"][0]["Action"]
    uncovered = [
        a for a in actions if not any(fnmatch.fnmatch(a.lower(), p.lower()) for p in patterns)
    ]
    # AssumeRole is granted on the member role itself; GetCallerIdentity needs no permission;
    # Cost Explorer (--cost only) is granted apart, as docs/aws-permissions.md says
    assert uncovered == [
        "ce:GetCostAndUsage",
        "ce:GetCostForecast",
        "sts:AssumeRole",
        "sts:GetCallerIdentity",
    ]


def test_the_capacity_reads_are_listed_and_pass_the_guard() -> None:
    ops = operations()
    needed = {
        ("service-quotas", "ListServiceQuotas"),
        ("service-quotas", "ListAWSDefaultServiceQuotas"),
        ("cloudwatch", "GetMetricData"),
        ("application-autoscaling", "DescribeScalableTargets"),
        ("lambda", "GetAccountSettings"),
        ("lambda", "GetFunctionConcurrency"),
        ("rds", "DescribeAccountAttributes"),
        ("dynamodb", "DescribeLimits"),
        ("ec2", "DescribeAccountAttributes"),
        ("ec2", "DescribeInstanceTypes"),
    }
    assert {(s, o) for s, o in needed if o in ops.get(s, set())} == needed
    assert all(is_read_operation(o) for _, o in needed)
    actions = policy()["Statement"][0]["Action"]
    assert "servicequotas:ListServiceQuotas" in actions  # IAM's prefix, not botocore's name
