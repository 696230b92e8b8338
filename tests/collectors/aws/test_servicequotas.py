"""Quotas and limits: Service Quotas and the services' limit APIs, on moto where it serves them.

moto serves EC2 account attributes, DynamoDB limits and the VPC default quotas; it has no
applied quotas, no Lambda account settings and no RDS account attributes. Those answers
are injected at the HTTP layer (shaped and checked against the botocore model), so the
collector still calls, parses and normalises them through botocore.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.servicequotas import VCPU_QUOTA, to_resources

from .conftest import ACCOUNT, REGION, Moto
from .estate import put_daily, quota_handler, vcpu_quota_answer
from .test_collect import inject, library_collect, resources

SCOPE = Scope(account=ACCOUNT, region=REGION)
USAGE_METRIC = {
    "MetricNamespace": "AWS/Usage",
    "MetricName": "ResourceCount",
    "MetricDimensions": {"Service": "EBS", "Type": "Resource", "Resource": "volume"},
    "MetricStatisticRecommendation": "Maximum",
}


def shaped(service: str, operation: str, response: dict[str, Any]) -> dict[str, Any]:
    """`response`, after checking it against the operation's output shape in botocore."""
    model = botocore.session.get_session().get_service_model(service)
    report = ParamValidator().validate(response, model.operation_model(operation).output_shape)
    assert not report.has_errors(), report.generate_report()
    return response


def _quotas(out: Path) -> dict[str, dict[str, Any]]:
    return {
        f"{r['attributes']['service_code']}/{r['attributes']['quota_code']}": r
        for r in resources(out)
        if r["type"] == "aws.servicequotas.quota"
    }


def _figures(quota: dict[str, Any]) -> tuple[Any, ...]:
    a = quota["attributes"]
    return a["limit"], a["used"], a["used_percent"], a["unit"], a["source"]


def test_limits_moto_serves(moto: Moto, tmp_path: Path) -> None:
    ec2 = moto.client("ec2")
    for _ in range(2):
        ec2.allocate_address(Domain="vpc")
    manifest, out = library_collect(moto, tmp_path, services=("servicequotas",))
    quotas = _quotas(out)
    assert _figures(quotas["ec2/vpc-max-elastic-ips"]) == (5, 2, 40.0, "Count", "ec2")
    assert _figures(quotas["ec2/max-instances"]) == (20, None, None, "Count", "ec2")
    assert "ec2/supported-platforms" not in quotas  # not a limit
    read = quotas["dynamodb/AccountMaxReadCapacityUnits"]
    assert _figures(read) == (20000, None, None, "RCU", "dynamodb")
    assert read["id"] == (
        f"arn:aws:servicequotas:{REGION}:{ACCOUNT}:dynamodb/AccountMaxReadCapacityUnits"
    )
    # moto's VPC defaults carry no usage metric: read, and left out
    assert not any(q["attributes"]["source"] == "servicequotas" for q in quotas.values())
    # what moto does not serve is recorded once each, not once per service code
    assert sorted((e.service, e.operation) for e in manifest.errors) == [
        ("servicequotas", "DescribeAccountAttributes"),
        ("servicequotas", "GetAccountSettings"),
        ("servicequotas", "ListServiceQuotas"),
    ]


LAMBDA_SETTINGS = {
    "AccountLimit": {
        "TotalCodeSize": 80_530_636_800,
        "CodeSizeUnzipped": 262_144_000,
        "CodeSizeZipped": 52_428_800,
        "ConcurrentExecutions": 1000,
        "UnreservedConcurrentExecutions": 700,
    },
    "AccountUsage": {"TotalCodeSize": 8_053_063_680, "FunctionCount": 12},
}
RDS_XML = """<DescribeAccountAttributesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
<DescribeAccountAttributesResult><AccountQuotas>
<AccountQuota><AccountQuotaName>DBInstances</AccountQuotaName><Used>38</Used><Max>40</Max></AccountQuota>
<AccountQuota><AccountQuotaName>AllocatedStorage</AccountQuotaName><Used>10737418240</Used><Max>107374182400</Max></AccountQuota>
</AccountQuotas></DescribeAccountAttributesResult>
<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</DescribeAccountAttributesResponse>"""


@pytest.mark.parametrize("metrics", [True, False])
def test_every_source_with_and_without_metrics(moto: Moto, tmp_path: Path, metrics: bool) -> None:
    shaped("service-quotas", "ListServiceQuotas", json.loads(vcpu_quota_answer()))
    shaped("lambda", "GetAccountSettings", LAMBDA_SETTINGS)
    put_daily(
        moto,
        "AWS/Usage",
        "ResourceCount",
        json.loads(vcpu_quota_answer())["Quotas"][0]["UsageMetric"]["MetricDimensions"],
        [20.0, 24.0, 16.0],
    )
    put_daily(moto, "AWS/Lambda", "ConcurrentExecutions", {}, [300.0, 850.0, 410.0])
    settings, _ = inject(200, json.dumps(LAMBDA_SETTINGS), content_type="application/json")
    rds, _ = inject(200, RDS_XML)
    manifest, out = library_collect(
        moto,
        tmp_path,
        services=("servicequotas",),
        metrics=metrics,
        metrics_days=7,
        handlers=(
            quota_handler({"ec2": vcpu_quota_answer(limit=64.0)}),
            ("before-send.lambda.GetAccountSettings", settings),
            ("before-send.rds.DescribeAccountAttributes", rds),
        ),
    )
    assert manifest.errors == []
    quotas = _quotas(out)
    vcpu = quotas[f"ec2/{VCPU_QUOTA}"]
    assert vcpu["name"] == "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"
    assert vcpu["attributes"]["adjustable"] is True
    assert vcpu["attributes"]["global_quota"] is False
    assert vcpu["attributes"]["default_limit"] is None  # moto has no EC2 defaults
    concurrency = quotas["lambda/ConcurrentExecutions"]
    if metrics:  # latest day for the quota; the window's peak for Lambda concurrency
        assert _figures(vcpu) == (64.0, 16.0, 25.0, "vCPU", "servicequotas")
        assert _figures(concurrency) == (1000, 850.0, 85.0, "Count", "lambda")
        assert manifest.metrics is not None
        assert (manifest.metrics.queries, manifest.metrics.api_calls) == (2, 1)
    else:
        assert _figures(vcpu) == (64.0, None, None, "vCPU", "servicequotas")
        assert _figures(concurrency) == (1000, None, None, "Count", "lambda")
    assert _figures(quotas["lambda/ReservedConcurrentExecutions"]) == (
        900,
        300,
        33.33,
        "Count",
        "lambda",
    )
    assert _figures(quotas["lambda/TotalCodeSize"]) == (
        80_530_636_800,
        8_053_063_680,
        10.0,
        "Bytes",
        "lambda",
    )
    assert _figures(quotas["rds/DBInstances"]) == (40, 38, 95.0, "Count", "rds")
    assert _figures(quotas["rds/AllocatedStorage"])[2:] == (10.0, "Bytes", "rds")


def _quota(code: str, value: float, **more: Any) -> dict[str, Any]:
    return {
        "ServiceCode": "ebs",
        "QuotaCode": code,
        "QuotaName": f"quota {code}",
        "Value": value,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
        **more,
    }


def test_applied_values_merge_with_the_defaults() -> None:
    defaults = shaped(
        "service-quotas",
        "ListAWSDefaultServiceQuotas",
        {
            "Quotas": [
                _quota("L-RAISED", 5000.0, UsageMetric=USAGE_METRIC),
                _quota("L-DEFAULT", 50.0, UsageMetric=USAGE_METRIC),
                _quota("L-NOUSAGE", 10.0),
            ]
        },
    )
    applied = shaped(
        "service-quotas",
        "ListServiceQuotas",
        {"Quotas": [_quota("L-RAISED", 20000.0, UsageMetric=USAGE_METRIC)]},
    )
    raw = {
        "service_quotas": {"ebs": {"defaults": defaults["Quotas"], "applied": applied["Quotas"]}}
    }
    quotas = {r.attributes["quota_code"]: r.attributes for r in to_resources(raw, SCOPE)}
    assert set(quotas) == {"L-RAISED", "L-DEFAULT"}  # no usage metric: left out
    assert (quotas["L-RAISED"]["limit"], quotas["L-RAISED"]["default_limit"]) == (20000.0, 5000.0)
    assert (quotas["L-DEFAULT"]["limit"], quotas["L-DEFAULT"]["default_limit"]) == (50.0, 50.0)
    assert quotas["L-DEFAULT"]["unit"] == "Count"
    # the applied list unreadable: a quota may have been raised, so its limit is unknown
    raw["service_quotas"]["ebs"]["applied"] = None
    unknown = {r.attributes["quota_code"]: r.attributes for r in to_resources(raw, SCOPE)}
    assert unknown["L-DEFAULT"]["limit"] is None
    assert unknown["L-DEFAULT"]["default_limit"] == 50.0
