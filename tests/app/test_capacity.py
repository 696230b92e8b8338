"""Headroom by product through the use cases: scan, demo, capacity show; the product tag."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.app import (
    CapacityRequest,
    GateOptions,
    IacRequest,
    ScanRequest,
    render_text,
    run_demo,
    run_iac,
    run_scan,
    show_capacity,
)
from scanner.app.capacity import product_tags, render_capacity
from scanner.errors import ConfigError, ReportError, SnapshotError
from scanner.gate import GateConfig
from scanner.headroom import DEFAULT_PRODUCT_TAGS
from scanner.paths import data_dir
from scanner.snapshot import write_snapshot
from scanner.synthetic.builders import resource

NO_CONFIG = GateOptions(fail_on="none", no_config=True)


def capacity_estate() -> list[dict[str, Any]]:
    tags = {"Product": "shop", "app": "web-frontend"}
    return [
        resource(
            "subnet-1",
            "aws.ec2.subnet",
            tags=tags,
            attributes={"total_ip_count": 251, "available_ip_count": 51},
        ),
        resource(
            "asg-1",
            "aws.autoscaling.group",
            tags={"app": "api"},
            attributes={"desired_capacity": 9, "max_size": 10, "usage": None},
        ),
        resource("bucket-1", "aws.s3.bucket", tags=tags),
    ]


def write(path: Path, resources: list[dict[str, Any]]) -> Path:
    write_snapshot(path, resources, source="test")
    return path


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    return write(tmp_path / "snap", capacity_estate())


def test_product_tag_flag_then_config_then_defaults() -> None:
    configured = GateConfig.model_validate({"capacity": {"product_tag": "app"}})
    assert product_tags(("Team",), configured) == ("Team",)
    assert product_tags((), configured) == ("app",)
    assert product_tags((), GateConfig()) == DEFAULT_PRODUCT_TAGS
    listed = GateConfig.model_validate({"capacity": {"product_tag": ["svc", "app"]}})
    assert product_tags((), listed) == ("svc", "app")


@pytest.mark.parametrize(
    "capacity",
    [{"product_tag": ""}, {"product_tag": []}, {"product_tag": 3}, {"product_tags": "app"}],
)
def test_capacity_settings_are_strict(tmp_path: Path, capacity: dict[str, Any]) -> None:
    config = tmp_path / ".pscan.yaml"
    config.write_text(f"capacity: {capacity!r}\n".replace("'", '"'))
    with pytest.raises(ConfigError, match="capacity"):
        show_capacity(CapacityRequest(snapshots=(tmp_path,), config=GateOptions(config=config)))


def test_show_groups_by_the_default_tags(snap: Path) -> None:
    report = show_capacity(CapacityRequest(snapshots=(snap,), config=NO_CONFIG))
    assert [g.name for g in report.products] == ["api", "shop"]  # least headroom first
    by_name = {g.name: g for g in report.products}
    assert set(by_name) == {"shop", "api"}  # Product wins over app on the subnet
    assert by_name["shop"].resources == 2
    assert by_name["api"].first_limit is not None
    assert by_name["api"].first_limit.headroom_percent == 10.0
    assert report.unmeasured == 1  # the ASG's CPU


def test_show_reads_the_product_tag_from_the_config(snap: Path, tmp_path: Path) -> None:
    config = tmp_path / ".pscan.yaml"
    config.write_text("capacity:\n  product_tag: app\n")
    report = show_capacity(CapacityRequest(snapshots=(snap,), config=GateOptions(config=config)))
    assert report.product_tags == ["app"]
    assert {g.name for g in report.products} == {"web-frontend", "api"}
    flagged = show_capacity(
        CapacityRequest(
            snapshots=(snap,), product_tags=("nope",), config=GateOptions(config=config)
        )
    )
    assert [g.name for g in flagged.products] == ["(untagged)"]


def test_show_one_product_or_a_one_line_error(snap: Path) -> None:
    one = show_capacity(CapacityRequest(snapshots=(snap,), product="shop", config=NO_CONFIG))
    assert [g.name for g in one.products] == ["shop"]
    assert one.constraints == 1 and one.accounts == []
    with pytest.raises(ConfigError, match=r"--product 'shoe'.*products: api, shop"):
        show_capacity(CapacityRequest(snapshots=(snap,), product="shoe", config=NO_CONFIG))


def test_show_without_capacity_data_is_an_empty_report(tmp_path: Path) -> None:
    snap = write(tmp_path / "plain", [resource("b", "aws.s3.bucket")])
    report = show_capacity(CapacityRequest(snapshots=(snap,), config=NO_CONFIG))
    assert report.products == [] and report.constraints == 0


def test_show_refuses_a_missing_snapshot(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="no such snapshot"):
        show_capacity(CapacityRequest(snapshots=(tmp_path / "gone",), config=NO_CONFIG))
    with pytest.raises(ConfigError):
        show_capacity(CapacityRequest(snapshots=(), config=NO_CONFIG))


def test_render_capacity_formats(snap: Path) -> None:
    report = show_capacity(CapacityRequest(snapshots=(snap,), config=NO_CONFIG))
    assert render_capacity(report, "json").startswith('{\n  "product_tags"')
    assert "### Headroom by product" in render_capacity(report, "md")
    assert "<- first limit" in render_capacity(report, "text")
    with pytest.raises(ReportError, match="unknown capacity format"):
        render_capacity(report, "csv")


def test_scan_computes_headroom_in_the_same_pass(snap: Path, tmp_path: Path) -> None:
    result = run_scan(ScanRequest(snapshots=(snap,), gate=NO_CONFIG, product_tags=("app",)))
    capacity = result.doc.capacity
    assert capacity is not None
    assert capacity.product_tags == ["app"]
    assert {g.name for g in capacity.products} == {"web-frontend", "api"}
    config = tmp_path / "pscan.yaml"
    config.write_text("fail_on: none\ncapacity: {product_tag: Product}\n")
    from_config = run_scan(ScanRequest(snapshots=(snap,), gate=GateOptions(config=config)))
    assert from_config.doc.capacity is not None
    assert from_config.doc.capacity.product_tags == ["Product"]


def test_scan_without_capacity_data_has_no_section(tmp_path: Path) -> None:
    plain = write(
        tmp_path / "plain",
        [
            resource("b", "aws.s3.bucket", tags={"Product": "shop"}),
            resource("i", "aws.ec2.instance", tags={"Product": "shop"}, attributes={"usage": None}),
        ],
    )
    doc = run_scan(ScanRequest(snapshots=(plain,), gate=NO_CONFIG)).doc
    assert doc.capacity is None
    assert doc.resource_count == 2  # the stream reached the rules whole


def test_a_plan_scan_has_no_capacity_section() -> None:
    result = run_iac(
        IacRequest(plan=data_dir("fixtures/iac/plan.json"), run_checkov=False, gate=NO_CONFIG)
    )
    assert result.doc.resource_count > 0
    assert result.doc.capacity is None
    assert "Headroom by product" not in render_text(result.doc, "md")


def test_the_demo_groups_by_product(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "demo")
    capacity = result.doc.capacity
    assert capacity is not None and capacity.product_tags == list(DEFAULT_PRODUCT_TAGS)
    assert {"checkout", "analytics", "reports"} <= {g.name for g in capacity.products}
    assert "Headroom by product" in (tmp_path / "demo" / "report.html").read_text()
    assert "### Headroom by product" in (tmp_path / "demo" / "report.md").read_text()
