"""The architecture document of the demo: what it says, and that it says it the same way twice."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from scanner.app.architecture import (
    ArchitectureRequest,
    ArchitectureResult,
    run_architecture,
    write_architecture,
)
from scanner.app.gate import GateOptions
from scanner.architecture.document import build_document, is_architecture_level
from scanner.model import Category, Finding, Remediation, ResourceRef, Severity
from scanner.paths import data_dir
from scanner.render import diagram
from scanner.render.architecture import render_architecture_html, render_architecture_markdown
from scanner.synthetic.builders import resource
from tests.browser import needs_chromium, visit

DEMO = data_dir("fixtures/demo")
HOSTILE = "<img src=x onerror=alert(1)>|`*"


def _run(out: Path) -> ArchitectureResult:
    request = ArchitectureRequest(
        snapshots=(DEMO,), out=out, config=GateOptions(config=DEMO / "pscan.yaml")
    )
    return run_architecture(request)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> ArchitectureResult:
    return _run(tmp_path_factory.mktemp("arch") / "out")


def names(refs: object) -> list[str]:
    return [r.name for r in refs]  # type: ignore[attr-defined]


def test_entry_points_and_what_is_behind_them(demo: ArchitectureResult) -> None:
    points = {p.resource.name: p for p in demo.document.entry_points}
    assert set(points) >= {"prod-web-alb", "staging-web-alb", "reporting-db", "etl-1"}
    alb = points["prod-web-alb"]
    assert alb.via.type == "aws.ec2.security_group"
    assert names(alb.behind) == ["prod-web-1", "prod-web-2", "prod-web-3"]
    assert names(points["reporting-db"].behind) == []
    # the internal load balancer is no entry point
    assert "prod-orders-api-internal" not in points


def test_data_stores_with_encryption_backup_replication(demo: ArchitectureResult) -> None:
    stores = {s.resource.name: s for s in demo.document.data_stores}
    orders = stores["orders-db"]
    assert (orders.encryption, orders.backup, orders.replication) == (
        "customer-managed key (KMS)",
        "automated, 14 days",
        "Multi-AZ",
    )
    assert orders.product == "checkout" and not orders.internet_reachable
    reporting = stores["reporting-db"]
    assert reporting.encryption == "none" and reporting.internet_reachable
    assert stores["orders-db-staging"].backup == "automated backups off"
    assert stores["warehouse-pg"].replication == "zonal"
    assert stores["metadata-pg"].replication == "regional (HA)"
    assert stores["northwind-staging-uploads"].backup == "no versioning"
    # volumes, disks and snapshots belong to their instance
    assert not {s.resource.type for s in stores.values()} & {"aws.ec2.volume", "aws.ec2.snapshot"}


def test_identity_boundaries(demo: ArchitectureResult) -> None:
    trusts = {(t.resource.name, t.principal): t.kind for t in demo.document.trusts}
    assert trusts[("ci-deploy", "account:777788889999")] == "external account"
    assert trusts[("vendor-monitoring", "account:210987654321")] == "external account"
    assert trusts[("legacy-debug", "*")] == "anyone"
    assert trusts[("northwind-analytics-public-reports", "allUsers")] == "anyone"
    cross = "arn:aws:iam::444455556666:role/ci-deploy"
    assert trusts[("release-promoter", cross)] == "another account of the estate"
    # service principals and same-account trust are no boundary
    assert not any("amazonaws.com" in p for _, p in trusts)
    assert not any(name in ("break-glass-admin", "support") for name, _ in trusts)
    used = {i.identity.name: names(i.workloads) for i in demo.document.identities}
    assert used["prod-web-instance"] == [
        "prod-web-1",
        "prod-web-2",
        "prod-web-3",
        "prod-dr-web-1",
        "prod-dr-web-2",
    ]
    assert used["reports-api@northwind-analytics.iam.gserviceaccount.com"] == [
        "dashboard",
        "reports-api",
    ]


def test_network_topology(demo: ArchitectureResult) -> None:
    networks = {n.resource.name: n for n in demo.document.networks}
    prod = networks["prod-main"]
    public = sorted(s.resource.name for s in prod.subnets if s.is_public)
    private = sorted(s.resource.name for s in prod.subnets if s.is_public is False)
    assert public == ["prod-public-a", "prod-public-b", "prod-public-c"]
    assert private == ["prod-private-a", "prod-private-b", "prod-private-c"]
    assert "prod-igw" in names(prod.gateways) and prod.cidr == "10.10.0.0/16"
    assert networks["default"].is_default


def test_at_a_glance(demo: ArchitectureResult) -> None:
    doc = demo.document
    assert doc.resources == 346 and doc.clouds == ["aws", "gcp"]
    assert [a.account for a in doc.accounts if a.provider == "aws"] == [
        "111122223333",
        "444455556666",
    ]
    products = {c.name: c.count for c in doc.by_product}
    assert products["checkout"] == 76 and sum(products.values()) == 346
    assert sum(c.count for c in doc.by_service) == 346


def test_architecture_level_findings_and_decisions(demo: ArchitectureResult) -> None:
    doc = demo.document
    rules = {f.rule_id for f in doc.findings}
    assert "aws_rds_instance_not_reachable_from_internet" in rules  # an internet path
    assert "aws_elbv2_load_balancer_public_waf_attached" in rules  # an edge resource
    assert "aws_rds_instance_backup_retention_7_days" in rules  # resilience
    assert "aws_account_root_no_access_keys" not in rules  # security of one account
    assert all(is_architecture_level(f) for f in doc.findings)
    # the demo's two records govern RDS and Lambda; other technologies are uncovered
    governed = {u.decision.title: u.resources for u in doc.decisions}
    assert governed == {
        "Use PostgreSQL on Amazon RDS for transactional data": 6,
        "Event handlers run on AWS Lambda": 6,
    }
    uncovered = {t.technology for t in doc.uncovered}
    assert {"Amazon RDS", "Amazon RDS: postgres", "AWS Lambda"}.isdisjoint(uncovered)
    assert {"Cloud SQL", "Cloud SQL: POSTGRES_15", "Amazon DynamoDB"} <= uncovered


def test_files_written(demo: ArchitectureResult) -> None:
    files = set(demo.files)
    assert {"architecture.md", "architecture.html", "workspace.dsl"} <= files
    for view in ("overview", "network", "dataflow", "exposure", "product-checkout"):
        assert {f"diagrams/{view}.dot", f"diagrams/{view}.mmd"} <= files
    md = (demo.out / "architecture.md").read_text()
    for heading in (
        "## The estate at a glance",
        "## Entry points from the internet",
        "## Data stores",
        "## Identity boundaries",
        "## Network topology",
        "## Diagrams",
        "## Architecture-level findings",
        "## Decisions",
        "### Technologies no decision covers",
    ):
        assert f"\n{heading}\n" in md
    assert "| prod-web-alb | load balancer |" in md
    html = (demo.out / "architecture.html").read_text()
    assert "Content-Security-Policy" in html and "default-src &#39;none&#39;" in html
    assert "<script" not in html and "prod-web-alb" in html


def test_a_second_run_differs_only_in_the_generated_line(
    demo: ArchitectureResult, tmp_path: Path
) -> None:
    again = _run(tmp_path / "again")
    assert again.files == demo.files
    for name in demo.files:
        first = (demo.out / name).read_text().splitlines()
        second = (again.out / name).read_text().splitlines()
        assert len(first) == len(second), name
        differing = [a for a, b in zip(first, second, strict=True) if a != b]
        assert len(differing) <= 1, (name, differing)
        assert all("Generated" in line for line in differing), (name, differing)


def test_values_from_the_cloud_are_escaped() -> None:
    hostile = resource(
        "arn:aws:rds:eu-west-1:111122223333:db:x",
        "aws.rds.instance",
        name=HOSTILE,
        tags={"Product": HOSTILE},
        attributes={"storage_encrypted": True, "engine": HOSTILE},
    )
    finding = Finding(
        fingerprint="f",
        rule_id="r",
        title="t",
        severity=Severity.HIGH,
        category=Category.RESILIENCE,
        resource=ResourceRef(id=hostile["id"], type="aws.rds.instance", name=HOSTILE),
        message=HOSTILE,
        remediation=Remediation(summary="fix"),
    )
    doc = build_document([hostile], [finding], [], ["Product"])
    at = datetime(2026, 1, 1, tzinfo=UTC)
    html = render_architecture_html(doc, generated_at=at)
    md = render_architecture_markdown(doc, generated_at=at)
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert HOSTILE not in md and "&lt;img src=x onerror=alert(1)&gt;\\|\\`\\*" in md


@needs_chromium
def test_the_html_opens_in_a_browser_without_a_console_message(
    demo: ArchitectureResult, browser: Browser
) -> None:
    """No console message (a CSP violation would be one), no request, no script; every
    section link and every diagram's own references resolve to one element; each diagram
    is drawn with a size."""
    with visit(browser, demo.out / "architecture.html") as page:
        assert page.problems() == []
        assert page.requests == [page.url]
        assert page.broken_references() == []
        assert page.js("document.scripts.length") == 0
        assert page.js("document.querySelectorAll('nav a[href^=\\'#\\']').length") == 8
        sizes = page.svg_sizes("#diagrams")
        assert len(sizes) == len([name for name in demo.files if name.endswith(".svg")])
        assert all(w > 100 and h > 100 for w, h in sizes), sizes
        assert "Entry points from the internet" in page.page.inner_text("body")


def test_products_that_slug_alike_get_their_own_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diagram, "to_svg", lambda _dot: "<svg></svg>")
    arn = "arn:aws:lambda:eu-west-1:111122223333:function:f"
    functions = [
        resource(f"{arn}{n}", "aws.lambda.function", tags={"Product": product})
        for n, product in enumerate(["a b", "a-b", "A_B"])
    ]
    result = write_architecture(tmp_path, functions, [], [], ["Product"])
    stems = sorted(f.removesuffix(".dot") for f in result.files if f.endswith(".dot"))
    assert [s for s in stems if "product" in s] == [
        "diagrams/product-a-b",
        "diagrams/product-a-b-2",
        "diagrams/product-a-b-3",
    ]
    assert result.notes == []
