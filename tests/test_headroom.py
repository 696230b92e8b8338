"""Headroom by product: every source of a limit, products by tag, quotas by scope."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.headroom import (
    DEFAULT_PRODUCT_TAGS,
    UNTAGGED,
    Headroom,
    constraints_of,
    headroom_report,
    product_of,
)
from scanner.model import CapacityConstraint, CapacityReport, FindingsDocument
from scanner.synthetic.builders import resource

ACCOUNT = "111122223333"
OTHER = "444455556666"
GIB = 1024**3


def usage(**metrics: dict[str, float]) -> dict[str, Any]:
    return {name: {"days": 14, **stats} for name, stats in metrics.items()}


def only(res: dict[str, Any]) -> CapacityConstraint:
    (constraint,) = constraints_of(res)[0]
    return constraint


def quota(
    name: str,
    used: float | None,
    limit: float,
    *,
    region: str = "eu-west-1",
    account: str = ACCOUNT,
    is_global: bool = False,
) -> dict[str, Any]:
    return resource(
        f"arn:aws:servicequotas:{region}:{account}:ec2/{name}",
        "aws.servicequotas.quota",
        account=account,
        region=region,
        attributes={
            "quota_name": name,
            "used": used,
            "limit": limit,
            "unit": "None" if name == "count" else "vCPU",
            "global_quota": is_global,
        },
    )


# ---------------------------------------------------------------------- every source
def test_aws_quota() -> None:
    c = only(quota("Running On-Demand Standard instances", 92, 100))
    assert (c.kind, c.limited, c.used, c.limit, c.unit) == (
        "quota",
        "Running On-Demand Standard instances",
        92,
        100,
        "vCPU",
    )
    assert c.headroom_percent == 8.0
    assert c.resource.account == ACCOUNT and c.resource.region == "eu-west-1"


def test_gcp_quota_and_unit_none() -> None:
    res = resource(
        "//compute.googleapis.com/projects/p1/regions/europe-west1/quotas/CPUS",
        "gcp.compute.quota",
        account="p1",
        attributes={"metric": "CPUS", "used": 6, "limit": 24, "unit": "None", "scope": "region"},
    )
    c = only(res)
    assert (c.limited, c.used, c.limit, c.unit, c.headroom_percent) == ("CPUS", 6, 24, "", 75.0)


def test_subnet_addresses() -> None:
    res = resource(
        "subnet-1", "aws.ec2.subnet", attributes={"total_ip_count": 251, "available_ip_count": 11}
    )
    c = only(res)
    assert (c.kind, c.used, c.limit, c.unit) == ("ip_addresses", 240, 251, "IPs")
    assert c.headroom_percent == pytest.approx(4.38)


def test_asg_size_and_cpu() -> None:
    res = resource(
        "asg-1",
        "aws.autoscaling.group",
        attributes={
            "desired_capacity": 6,
            "max_size": 8,
            "usage": usage(cpu_percent={"average": 40, "p95": 70, "max": 90}),
        },
    )
    measured, unmeasured = constraints_of(res)
    assert unmeasured == 0
    by_kind = {c.kind: c for c in measured}
    assert (by_kind["scaling"].used, by_kind["scaling"].limit) == (6, 8)
    assert by_kind["scaling"].headroom_percent == 25.0
    cpu = by_kind["cpu"]
    assert (cpu.used, cpu.limit, cpu.unit, cpu.headroom_percent) == (70, 100, "%", 30.0)
    assert cpu.measure == "p95 over 14 days"


def test_gcp_autoscaler_recommended_size_else_usage() -> None:
    recommended = resource(
        "as-1", "gcp.compute.autoscaler", attributes={"recommended_size": 9, "max_replicas": 10}
    )
    assert only(recommended).used == 9
    from_usage = resource(
        "as-2",
        "gcp.compute.autoscaler",
        attributes={
            "recommended_size": None,
            "max_replicas": 10,
            "usage": usage(group_size={"average": 3, "p95": 4, "max": 5}),
        },
    )
    c = only(from_usage)
    assert (c.used, c.measure) == (5, "max over 14 days")


def test_node_pool_limit_is_per_zone() -> None:
    res = resource(
        "np-1",
        "gcp.container.node_pool",
        attributes={
            "max_node_count": 5,
            "zone_count": 3,
            "usage": usage(node_count={"average": 9, "p95": 11, "max": 12}),
        },
    )
    c = only(res)
    assert (c.used, c.limit, c.headroom_percent) == (12, 15, 20.0)
    unknown_zones = resource(
        "np-2", "gcp.container.node_pool", attributes={"max_node_count": 5, "zone_count": None}
    )
    assert constraints_of(unknown_zones) == ([], 1)
    fixed = resource("np-3", "gcp.container.node_pool", attributes={"max_node_count": None})
    assert constraints_of(fixed) == ([], 0)


@pytest.mark.parametrize("rtype", ["gcp.run.service", "gcp.cloudfunctions.function"])
def test_serverless_max_instances(rtype: str) -> None:
    res = resource(
        "svc",
        rtype,
        attributes={
            "max_instances": 20,
            "usage": usage(instance_count={"average": 4, "p95": 10, "max": 15}),
        },
    )
    c = only(res)
    assert (c.kind, c.used, c.limit, c.headroom_percent) == ("scaling", 15, 20, 25.0)
    default = resource("svc2", rtype, attributes={"max_instances": None, "usage": None})
    assert constraints_of(default) == ([], 0)


def test_rds_storage_fixed_and_autoscaling() -> None:
    fixed = resource(
        "db-1",
        "aws.rds.instance",
        attributes={
            "allocated_storage_gb": 100,
            "max_allocated_storage_gb": None,
            "usage": usage(
                free_storage_bytes={"average": 20 * GIB, "p95": 30 * GIB, "max": 40 * GIB}
            ),
        },
    )
    storage = next(c for c in constraints_of(fixed)[0] if c.kind == "storage")
    assert (storage.used, storage.limit, storage.unit, storage.headroom_percent) == (
        80,
        100,
        "GiB",
        20.0,
    )
    assert "minimum free" in storage.measure
    growing = resource(
        "db-2",
        "aws.rds.instance",
        attributes={
            "allocated_storage_gb": 100,
            "max_allocated_storage_gb": 400,
            "usage": usage(free_storage_bytes={"average": 20 * GIB, "p95": 0, "max": 0}),
        },
    )
    storage = next(c for c in constraints_of(growing)[0] if c.kind == "storage")
    assert (storage.used, storage.limit, storage.headroom_percent) == (80, 400, 80.0)
    assert storage.limited == "DB storage (autoscaling maximum)"


def test_aurora_members_have_no_storage_of_their_own() -> None:
    res = resource(
        "db-3",
        "aws.rds.instance",
        attributes={
            "allocated_storage_gb": 1,
            "cluster_id": "cl-1",
            "usage": usage(cpu_percent={"average": 10, "p95": 20, "max": 30}),
        },
    )
    assert [c.kind for c in constraints_of(res)[0]] == ["cpu"]


def test_cloud_sql_disk_cpu_memory() -> None:
    res = resource(
        "sql-1",
        "gcp.sql.instance",
        attributes={
            "disk_size_gb": 200,
            "storage_auto_resize": False,
            "usage": usage(
                disk_percent={"average": 50, "p95": 60, "max": 75},
                cpu_percent={"average": 30, "p95": 45, "max": 80},
                memory_percent={"average": 60, "p95": 90, "max": 95},
            ),
        },
    )
    by_kind = {c.kind: c for c in constraints_of(res)[0]}
    assert (by_kind["storage"].used, by_kind["storage"].limit) == (150, 200)
    assert by_kind["storage"].headroom_percent == 25.0
    assert by_kind["cpu"].used == 45 and by_kind["memory"].used == 90
    resizing = resource(
        "sql-2",
        "gcp.sql.instance",
        attributes={
            "disk_size_gb": 100,
            "storage_auto_resize": True,
            "storage_auto_resize_limit_gb": 0,
            "usage": usage(disk_percent={"average": 50, "p95": 60, "max": 99}),
        },
    )
    assert "storage" not in {c.kind for c in constraints_of(resizing)[0]}


def test_dynamodb_provisioned_read_and_write() -> None:
    res = resource(
        "tbl",
        "aws.dynamodb.table",
        attributes={
            "read_capacity_units": 100,
            "write_capacity_units": 50,
            "usage": usage(
                consumed_read_units={"average": 20, "p95": 40, "max": 60},
                consumed_write_units={"average": 20, "p95": 40, "max": 45},
            ),
        },
    )
    by_limited = {c.limited: c for c in constraints_of(res)[0]}
    assert by_limited["provisioned read capacity"].headroom_percent == 40.0
    assert by_limited["provisioned write capacity"].headroom_percent == 10.0
    on_demand = resource(
        "tbl2", "aws.dynamodb.table", attributes={"read_capacity_units": None, "usage": None}
    )
    assert constraints_of(on_demand) == ([], 0)


def test_lambda_reserved_concurrency() -> None:
    res = resource(
        "fn",
        "aws.lambda.function",
        attributes={
            "reserved_concurrency": 50,
            "usage": usage(concurrent_executions={"average": 5, "p95": 30, "max": 45}),
        },
    )
    c = only(res)
    assert (c.kind, c.used, c.limit, c.headroom_percent) == ("concurrency", 45, 50, 10.0)
    unreserved = resource("fn2", "aws.lambda.function", attributes={"reserved_concurrency": None})
    assert constraints_of(unreserved) == ([], 0)


@pytest.mark.parametrize(
    "rtype", ["aws.ec2.instance", "gcp.compute.instance", "aws.rds.cluster", "aws.ecs.service"]
)
def test_cpu_p95(rtype: str) -> None:
    res = resource(
        "r", rtype, attributes={"usage": usage(cpu_percent={"average": 50, "p95": 88, "max": 99})}
    )
    cpu = next(c for c in constraints_of(res)[0] if c.kind == "cpu")
    assert (cpu.used, cpu.limit, cpu.headroom_percent) == (88, 100, 12.0)


def test_ebs_burst_balance() -> None:
    res = resource(
        "vol",
        "aws.ec2.volume",
        attributes={
            "volume_type": "gp2",
            "usage": usage(burst_balance_percent={"average": 35, "p95": 90, "max": 100}),
        },
    )
    c = only(res)
    assert (c.kind, c.used, c.limit, c.headroom_percent) == ("burst_balance", 65, 100, 35.0)
    gp3 = resource("vol2", "aws.ec2.volume", attributes={"volume_type": "gp3", "usage": None})
    assert constraints_of(gp3) == ([], 0)


# ---------------------------------------------------------------------- never guessed
@pytest.mark.parametrize(
    ("rtype", "attributes"),
    [
        ("aws.ec2.instance", {"usage": None}),
        ("aws.ec2.instance", {"usage": {"cpu_percent": {"average": None, "p95": None, "days": 0}}}),
        ("aws.ec2.subnet", {"total_ip_count": 251, "available_ip_count": None}),
        ("aws.autoscaling.group", {"desired_capacity": "(known after apply)", "max_size": 4}),
        ("aws.lambda.function", {"reserved_concurrency": 10, "usage": None}),
        ("aws.ec2.volume", {"volume_type": "gp2", "usage": None}),
        ("gcp.run.service", {"max_instances": 10, "usage": {}}),
    ],
)
def test_values_not_collected_are_unmeasured_not_guessed(
    rtype: str, attributes: dict[str, Any]
) -> None:
    measured, unmeasured = constraints_of(resource("r", rtype, attributes=attributes))
    assert [c for c in measured if c.kind != "cpu"] == []
    assert unmeasured >= 1


def test_a_quota_without_usage_is_unmeasured_and_a_zero_limit_is_left_out() -> None:
    assert constraints_of(quota("q", None, 10)) == ([], 1)
    assert constraints_of(quota("q", 0, 0)) == ([], 0)


def test_over_the_limit_is_negative_headroom() -> None:
    assert only(quota("q", 12, 10)).headroom_percent == -20.0


# ---------------------------------------------------------------------- products
def test_product_tag_matches_case_insensitively_in_order() -> None:
    keys = [k.lower() for k in DEFAULT_PRODUCT_TAGS]
    assert product_of({"PRODUCT": "shop", "app": "web"}, keys) == "shop"
    assert product_of({"app": "web"}, keys) == "web"
    assert product_of({"Team": "x"}, keys) == UNTAGGED
    assert product_of({"Product": "  "}, keys) == UNTAGGED
    assert product_of(None, keys) == UNTAGGED


def test_the_product_asked_again_of_the_same_tags_answers_by_the_keys_given() -> None:
    """The last answer is kept for the next tap; other keys, or other tags, are asked anew."""
    tags = {"app": "web", "team": "payments"}
    assert product_of(tags, ["app"]) == product_of(tags, ["app"]) == "web"
    assert product_of(tags, ["team"]) == "payments"
    assert product_of({"app": "shop"}, ["app"]) == "shop"
    assert product_of(tags, ["app"]) == "web"


def asg(rid: str, product: str | None, desired: int, *, region: str = "eu-west-1") -> Any:
    return resource(
        rid,
        "aws.autoscaling.group",
        region=region,
        account=ACCOUNT,
        tags={"Product": product} if product else {},
        attributes={"desired_capacity": desired, "max_size": 10},
    )


def estate() -> list[dict[str, Any]]:
    return [
        quota("regional-vcpu", 80, 100),  # before the products it belongs to
        asg("shop-asg", "shop", 5),
        asg("search-asg", "search", 2, region="us-east-1"),
        resource("role", "aws.iam.role", account=ACCOUNT, region="global", tags={"product": "iam"}),
        asg("loose-asg", None, 9),
        resource("region", "aws.region", account=OTHER, region="eu-west-1"),
        quota("global-eips", 3, 5, region="us-east-1", is_global=True),
        quota("other-account", 1, 4, account=OTHER),
        quota("unused-region", 1, 10, region="ap-south-1"),
        resource("inst", "aws.ec2.instance", account=ACCOUNT, tags={"Product": "shop"}),
    ]


def names(report: CapacityReport, product: str) -> list[str]:
    group = next(g for g in report.products if g.name == product)
    return [f"{c.resource.name}:{c.limited}" for c in group.constraints]


def test_quotas_attach_to_every_product_in_their_scope() -> None:
    report = headroom_report(estate())
    assert report is not None
    assert names(report, "shop") == [
        "regional-vcpu:regional-vcpu",
        "global-eips:global-eips",
        "shop-asg:ASG size (desired / max)",
    ]
    shop = next(g for g in report.products if g.name == "shop")
    assert [c.headroom_percent for c in shop.constraints] == [20.0, 40.0, 50.0]
    assert shop.first_limit == shop.constraints[0]
    assert shop.first_limit.limited == "regional-vcpu"
    assert shop.resources == 2 and shop.unmeasured == 2  # CPU of the ASG and the instance
    search = next(g for g in report.products if g.name == "search")
    assert {c.limited for c in search.constraints} == {"ASG size (desired / max)", "global-eips"}
    iam = next(g for g in report.products if g.name == "iam")  # only global resources
    assert [c.limited for c in iam.constraints] == ["global-eips"]
    untagged = next(g for g in report.products if g.name == UNTAGGED)
    assert untagged.first_limit is not None and untagged.first_limit.headroom_percent == 10.0
    # quotas no product shares a scope with: under their account
    assert [(g.name, [c.limited for c in g.constraints]) for g in report.accounts] == [
        (ACCOUNT, ["unused-region"]),
        (OTHER, ["other-account"]),
    ]
    assert report.constraints == 3 + 4 and report.unmeasured == 4  # CPU: 3 ASGs, 1 instance


def test_products_are_listed_least_headroom_first() -> None:
    report = headroom_report(estate())
    assert report is not None
    firsts = [g.first_limit.headroom_percent for g in report.products if g.first_limit]
    assert firsts == sorted(firsts)
    assert report.products[0].name == UNTAGGED  # 9 of 10


def test_a_configured_tag_replaces_the_defaults() -> None:
    res = resource(
        "a", "aws.autoscaling.group", tags={"Product": "p", "Team": "t"},
        attributes={"desired_capacity": 1, "max_size": 2},
    )  # fmt: skip
    report = headroom_report([res], ["team"])
    assert report is not None
    assert report.product_tags == ["team"]
    assert [g.name for g in report.products] == ["t"]


def test_observe_passes_the_stream_through_once() -> None:
    headroom = Headroom()
    seen = [r["id"] for r in headroom.observe(iter(estate()))]
    assert len(seen) == len(estate())
    report = headroom.report()
    assert report == headroom_report(estate())


def test_no_capacity_data_no_report() -> None:
    plain = [
        resource("b", "aws.s3.bucket"),
        resource("i", "aws.ec2.instance", attributes={"usage": None}),
    ]
    assert headroom_report(plain) is None


def test_the_report_round_trips_through_the_findings_json() -> None:
    report = headroom_report(estate())
    doc = FindingsDocument(tool_version="test", capacity=report)
    again = FindingsDocument.model_validate_json(doc.model_dump_json())
    assert again.capacity == report


def test_a_fixed_size_group_is_not_a_scaling_limit() -> None:
    fixed = resource(
        "asg-fixed",
        "aws.autoscaling.group",
        attributes={"min_size": 2, "max_size": 2, "desired_capacity": 2, "usage": None},
    )
    scaling = resource(
        "asg-scaling",
        "aws.autoscaling.group",
        attributes={"min_size": 2, "max_size": 6, "desired_capacity": 6, "usage": None},
    )
    assert [c.kind for c in constraints_of(fixed)[0]] == []
    assert [c.kind for c in constraints_of(scaling)[0]] == ["scaling"]
