"""The synthetic estates: deterministic, exact in size, in the catalog's vocabulary, whole."""

from __future__ import annotations

import inspect
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any

import pytest

import scanner.synthetic.demo as demo_module
import scanner.synthetic.generator as generator
from scanner import catalog
from scanner.model import Category, Resource
from scanner.synthetic import REFERENCE_DATE, demo_estate, demo_problems, generate, generate_scopes

ResourceDict = dict[str, Any]
_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture(scope="module")
def demo() -> list[ResourceDict]:
    return [r.model_dump(mode="json") for r in demo_estate()]


@pytest.fixture(scope="module")
def estate_5k() -> list[ResourceDict]:
    return list(generate(5000, seed=7))


def _dumps(resources: Iterable[ResourceDict]) -> bytes:
    return "\n".join(json.dumps(r, sort_keys=True) for r in resources).encode()


def _by_id(resources: list[ResourceDict]) -> dict[str, ResourceDict]:
    return {r["id"]: r for r in resources}


def _targets(resource: ResourceDict, kind: str) -> list[str]:
    return [rel["target"] for rel in resource["relations"] if rel["type"] == kind]


# ------------------------------------------------------------------ determinism and size


def test_demo_is_deterministic() -> None:
    fresh = demo_module._demo.__wrapped__()  # bypass the cache: build it again from scratch
    assert _dumps(fresh[0]) == _dumps(demo_module._demo()[0])


def test_same_seed_same_bytes_other_seed_differs() -> None:
    first = _dumps(generate(3000, seed=11))
    assert first == _dumps(generate(3000, seed=11))
    assert first != _dumps(generate(3000, seed=12))


@pytest.mark.parametrize("n", [0, 1, 5, 8, 13, 50, 137, 999, 5000, 12345])
def test_generates_exactly_n(n: int) -> None:
    assert sum(1 for _ in generate(n, seed=n)) == n


def test_plan_budgets_always_sum_to_n() -> None:
    for n in [*range(0, 3000, 7), 49_999, 100_003, 1_000_000]:
        assert sum(scope.budget for scope in generator._plan(n, seed=n)) == n


def test_generate_streams() -> None:
    stream = generate(200_000, seed=1)
    assert inspect.isgenerator(stream)
    # Taking a few items of a huge estate must not build the rest.
    first = list(islice(generate(10_000_000, seed=1), 50))
    assert len(first) == 50


def test_demo_size_and_mix(demo: list[ResourceDict]) -> None:
    assert 300 <= len(demo) <= 450
    types = Counter(r["type"] for r in demo)
    assert {r["account"] for r in demo if r["provider"] == "aws"} == {
        "111122223333",
        "444455556666",
    }
    assert {r["region"] for r in demo if r["type"] == "aws.region"} == {"eu-west-1", "us-east-1"}
    assert types["gcp.resourcemanager.project"] == 1
    assert types["aws.account"] == 2
    assert types["aws.region"] == 4


def test_ids_are_unique(demo: list[ResourceDict], estate_5k: list[ResourceDict]) -> None:
    for resources in (demo, estate_5k):
        ids = Counter(r["id"] for r in resources)
        assert [i for i, n in ids.items() if n > 1] == []


# ------------------------------------------------------------------ vocabulary and shape


def _check_vocabulary(resources: list[ResourceDict]) -> None:
    for r in resources:
        spec = catalog.TYPES.get(r["type"])
        assert spec is not None, f"{r['id']}: type {r['type']} not in catalog"
        # Every catalog attribute of the type is present (null when absent), nothing else.
        assert set(r["attributes"]) == set(spec.attributes), r["id"]
        for rel in r["relations"]:
            assert rel["type"] in catalog.RELATIONS, (r["id"], rel["type"])
            assert rel["type"] in spec.relations, f"{r['type']} does not declare {rel['type']}"


def test_demo_uses_only_catalog_vocabulary(demo: list[ResourceDict]) -> None:
    _check_vocabulary(demo)


def test_generated_uses_only_catalog_vocabulary(estate_5k: list[ResourceDict]) -> None:
    _check_vocabulary(estate_5k)


def test_generated_resources_validate(estate_5k: list[ResourceDict]) -> None:
    for r in estate_5k[::25]:
        assert Resource.model_validate(r).model_dump(mode="json", exclude={"raw"}) == r


def test_generated_covers_the_stack_types(estate_5k: list[ResourceDict]) -> None:
    types = set(r["type"] for r in estate_5k)
    for needed in (
        "aws.account",
        "aws.region",
        "aws.ec2.vpc",
        "aws.ec2.subnet",
        "aws.ec2.security_group",
        "aws.elbv2.load_balancer",
        "aws.ec2.instance",
        "aws.ec2.volume",
        "aws.rds.instance",
        "aws.s3.bucket",
        "aws.iam.role",
        "aws.lambda.function",
        "gcp.resourcemanager.project",
        "gcp.compute.instance",
        "gcp.compute.firewall",
        "gcp.storage.bucket",
    ):
        assert needed in types


def _check_integrity(resources: list[ResourceDict]) -> None:
    ids = set(_by_id(resources))
    dangling = [
        (r["id"], rel["type"], rel["target"])
        for r in resources
        for rel in r["relations"]
        if rel["target"] != "internet"
        and not rel["target"].startswith("principal:")
        and rel["target"] not in ids
    ]
    assert dangling == []


def test_demo_is_referentially_whole(demo: list[ResourceDict]) -> None:
    _check_integrity(demo)


def test_generated_is_referentially_whole(estate_5k: list[ResourceDict]) -> None:
    _check_integrity(estate_5k)


@pytest.mark.parametrize("n", [3, 12, 40, 137, 2000])
def test_every_size_is_referentially_whole(n: int) -> None:
    _check_integrity(list(generate(n, seed=3)))


def test_region_counts_its_resources(estate_5k: list[ResourceDict]) -> None:
    per_region = Counter((r["account"], r["region"]) for r in estate_5k)
    regions = [r for r in estate_5k if r["type"] == "aws.region"]
    assert regions
    for r in regions:
        assert r["attributes"]["resource_count"] == per_region[(r["account"], r["region"])] - 1


def test_scopes_match_the_estate(estate_5k: list[ResourceDict]) -> None:
    scopes = set(generate_scopes(5000, seed=7))
    for r in estate_5k:
        if r["type"] == "aws.region":
            assert f"aws:{r['account']}:{r['region']}" in scopes
        if r["type"] == "gcp.resourcemanager.project":
            assert f"gcp:{r['account']}" in scopes


# ------------------------------------------------------------------ no wall clock, no secrets


def _timestamps(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _timestamps(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _timestamps(v, key)
    elif isinstance(value, str) and _ISO.match(value):
        yield key, value


def test_times_are_relative_to_the_reference_date(
    demo: list[ResourceDict], estate_5k: list[ResourceDict]
) -> None:
    for r in demo + estate_5k:
        for key, value in _timestamps(r["attributes"]):
            when = datetime.fromisoformat(value)
            if key == "not_after":
                continue
            assert when <= REFERENCE_DATE, (r["id"], key, value)


def _secret_entries(resources: list[ResourceDict]) -> list[dict[str, str]]:
    return [s for r in resources for s in r["attributes"].get("secrets") or []]


def test_secrets_are_stored_masked_only(
    demo: list[ResourceDict], estate_5k: list[ResourceDict]
) -> None:
    for resources in (demo, estate_5k):
        entries = _secret_entries(resources)
        assert entries
        for entry in entries:
            assert set(entry) == {"location", "kind", "masked"}
            assert "*" in entry["masked"]
            assert len(entry["masked"].strip("*")) <= 2
    for r in demo + estate_5k:
        for key in r["attributes"].get("environment_keys") or []:
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", key), (r["id"], key)


def test_demo_has_the_hostile_tag(demo: list[ResourceDict]) -> None:
    hostile = [r for r in demo if "<script>alert(1)</script>" in r["tags"].values()]
    assert [r["name"] for r in hostile] == ["northwind-staging-uploads"]


# ------------------------------------------------------------------ deliberate problems


def test_demo_problems_point_at_demo_resources(demo: list[ResourceDict]) -> None:
    ids = set(_by_id(demo))
    problems = demo_problems()
    assert 30 <= len({rid for _, rid, _ in problems}) <= 80
    categories = {c.value for c in Category}
    for category, rid, what in problems:
        assert category in categories
        assert rid in ids, rid
        assert what
    # Spread over categories, and staging worse than prod.
    assert len({c for c, _, _ in problems}) >= 7
    by_account = Counter(_by_id(demo)[rid]["account"] for _, rid, _ in problems)
    assert by_account["444455556666"] > 2 * by_account["111122223333"]


def _find(resources: list[ResourceDict], rtype: str, name: str) -> ResourceDict:
    found = [r for r in resources if r["type"] == rtype and r["name"] == name]
    assert len(found) == 1, (rtype, name, len(found))
    return found[0]


def test_demo_problems_are_in_the_data(demo: list[ResourceDict]) -> None:
    staging = [r for r in demo if r["account"] == "444455556666"]
    prod = [r for r in demo if r["account"] == "111122223333"]
    acct = _find(staging, "aws.account", "northwind-staging")["attributes"]
    assert acct["root"]["has_access_keys"] is True
    assert (
        _find(prod, "aws.account", "northwind-prod")["attributes"]["root"]["has_access_keys"]
        is False
    )
    bastion = _find(staging, "aws.ec2.security_group", "staging-bastion")["attributes"]
    assert {(e["from_port"], e["source"]) for e in bastion["ingress"]} == {
        (22, "0.0.0.0/0"),
        (3389, "0.0.0.0/0"),
    }
    web2 = _find(staging, "aws.ec2.instance", "staging-web-2")["attributes"]
    assert web2["imds"]["http_tokens"] == "optional"
    exporter = _find(staging, "aws.lambda.function", "report-exporter")["attributes"]
    assert exporter["secrets"][0]["location"] == "env:DB_PASSWORD"
    assert "DB_PASSWORD" in exporter["environment_keys"]
    cert = _find(staging, "aws.acm.certificate", "staging.northwind.example")["attributes"]
    days_left = (datetime.fromisoformat(cert["not_after"]) - REFERENCE_DATE).days
    assert 0 <= days_left < 30
    ci = _find(prod, "aws.iam.user", "ci-legacy")["attributes"]
    age = REFERENCE_DATE - datetime.fromisoformat(ci["access_keys"][0]["created_at"])
    assert age.days > 180
    gcp_key = [r for r in demo if r["type"] == "gcp.iam.service_account_key"]
    assert any(
        (REFERENCE_DATE - datetime.fromisoformat(k["attributes"]["valid_after"])).days >= 399
        and k["attributes"]["key_type"] == "USER_MANAGED"
        for k in gcp_key
    )


# ------------------------------------------------------------------ graph reachability


def _reachable_from_internet(resources: list[ResourceDict]) -> set[str]:
    """The reachability rule as the graph defines it, written out independently."""
    by_id = _by_id(resources)

    def admits_internet(r: ResourceDict) -> bool:
        return "internet" in _targets(r, "allows_from")

    reachable: set[str] = set()
    for r in resources:
        a = r["attributes"]
        if r["type"] == "aws.ec2.instance":
            exposed = a["public_ip"] is not None
        elif r["type"] == "aws.rds.instance":
            exposed = a["publicly_accessible"]
        elif r["type"] == "aws.elbv2.load_balancer":
            exposed = a["scheme"] == "internet-facing"
        else:
            continue
        if (
            exposed
            and any(admits_internet(by_id[g]) for g in _targets(r, "protected_by"))
            and all(
                by_id[s]["attributes"]["has_internet_route"] is not False
                for s in _targets(r, "in_subnet")
            )
        ):
            reachable.add(r["id"])
    for r in resources:
        if r["type"] == "aws.elbv2.load_balancer" and r["id"] in reachable:
            reachable.update(_targets(r, "routes_to"))
    open_firewalls: dict[str, list[ResourceDict]] = defaultdict(list)
    for r in resources:
        if r["type"] == "gcp.compute.firewall" and admits_internet(r):
            open_firewalls[_targets(r, "in_network")[0]].append(r)
    for r in resources:
        if r["type"] == "gcp.compute.instance" and r["attributes"]["public_ip"]:
            tags = set(r["attributes"]["network_tags"])
            for fw in open_firewalls[_targets(r, "in_network")[0]]:
                target_tags = set(fw["attributes"]["target_tags"])
                if not target_tags or target_tags & tags:
                    reachable.add(r["id"])
    return reachable


def test_demo_reachability_is_as_intended(demo: list[ResourceDict]) -> None:
    reachable = {
        (r["account"], r["type"], r["name"])
        for r in demo
        if r["id"] in _reachable_from_internet(demo)
    }
    prod, stg, gcp = "111122223333", "444455556666", "northwind-analytics"
    expected_in = {
        (stg, "aws.rds.instance", "reporting-db"),
        (stg, "aws.ec2.instance", "staging-bastion"),
        (stg, "aws.ec2.instance", "staging-web-1"),
        (prod, "aws.elbv2.load_balancer", "prod-web-alb"),
        (prod, "aws.ec2.instance", "prod-web-1"),
        (prod, "aws.ec2.instance", "prod-dr-web-2"),
        (gcp, "gcp.compute.instance", "etl-1"),
    }
    expected_out = {
        (prod, "aws.rds.instance", "orders-db"),
        (stg, "aws.rds.instance", "orders-db-staging"),
        (prod, "aws.ec2.instance", "prod-bastion"),
        (prod, "aws.ec2.instance", "prod-orders-api-1"),
        (prod, "aws.elbv2.load_balancer", "prod-orders-api-internal"),
        (gcp, "gcp.compute.instance", "sftp-gateway"),
        (gcp, "gcp.compute.instance", "etl-2"),
    }
    assert expected_in <= reachable
    assert not expected_out & reachable
