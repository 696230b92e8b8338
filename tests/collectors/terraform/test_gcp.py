"""GCP mappers: firewalls, public members (scanner.policy.gcp), instances, BigQuery, SQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scanner.collectors.terraform import Plan
from scanner.model import UNKNOWN

from .conftest import by_id, change, one, small_plan


def test_the_fixture_bucket_made_public_by_a_member(plan: Plan) -> None:
    bucket = by_id(plan)["tf://google_storage_bucket.media"]
    assert bucket.attributes["is_public"] is True
    assert ("iam_binding", "principal:gcp:allUsers") in [
        (r.type, r.target) for r in bucket.relations
    ]
    firewall = by_id(plan)["tf://google_compute_firewall.ssh"]
    assert [r.target for r in firewall.relations if r.type == "allows_from"] == ["internet"]


@pytest.mark.parametrize(
    ("ranges", "disabled", "is_open"),
    [
        (["0.0.0.0/0"], False, True),
        (["::/0"], False, True),
        (["10.0.0.0/8"], False, False),
        (["0.0.0.0/0"], True, False),
    ],
)
def test_a_firewall_open_to_the_internet(ranges: list[str], disabled: bool, is_open: bool) -> None:
    values = {
        "name": "fw",
        "project": "p",
        "source_ranges": ranges,
        "disabled": disabled,
        "allow": [{"protocol": "tcp", "ports": ["22", "8000-8080"]}],
    }
    firewall = one(
        small_plan(change("google_compute_firewall.fw", values)), "google_compute_firewall.fw"
    )
    assert firewall.attributes["allowed"] == [
        {"protocol": "tcp", "from_port": 22, "to_port": 22},
        {"protocol": "tcp", "from_port": 8000, "to_port": 8080},
    ]
    internet = [r for r in firewall.relations if r.target == "internet"]
    assert bool(internet) is is_open


def _bucket_with(member: dict[str, Any], *, actions: tuple[str, ...] = ("create",)) -> Any:
    plan = small_plan(
        change("google_storage_bucket.b", {"name": "b", "location": "EU"}, actions=actions),
        change("google_storage_bucket_iam_member.m", {"bucket": "b", "role": "r", **member}),
    )
    return one(plan, "google_storage_bucket.b")


@pytest.mark.parametrize(
    ("member", "is_public"),
    [
        ({"member": "allUsers"}, True),
        ({"member": "allAuthenticatedUsers"}, True),
        ({"member": "user:ana@example.com"}, False),
    ],
)
def test_bucket_members_are_judged_by_scanner_policy(
    member: dict[str, Any], is_public: bool
) -> None:
    bucket = _bucket_with(member)
    assert bucket.attributes["is_public"] is is_public
    assert bucket.region == "eu"


def test_an_unknown_member_leaves_the_bucket_unknown() -> None:
    plan = small_plan(
        change("google_storage_bucket.b", {"name": "b"}),
        change(
            "google_storage_bucket_iam_member.m",
            {"bucket": "b", "role": "r"},
            unknown={"member": True},
        ),
    )
    assert one(plan, "google_storage_bucket.b").attributes["is_public"] == UNKNOWN


def test_an_existing_bucket_may_hold_members_outside_the_plan() -> None:
    bucket = _bucket_with({"member": "user:ana@example.com"}, actions=("no-op",))
    assert bucket.attributes["iam_bindings"][-1] == UNKNOWN
    assert bucket.attributes["is_public"] == UNKNOWN


def test_an_iam_policy_known_only_after_apply_is_unknown() -> None:
    # policy_data from a google_iam_policy data source naming an account being created
    plan = small_plan(
        change("google_storage_bucket.b", {"name": "b"}),
        change(
            "google_storage_bucket_iam_policy.p", {"bucket": "b"}, unknown={"policy_data": True}
        ),
    )
    bucket = one(plan, "google_storage_bucket.b")
    assert bucket.attributes["iam_bindings"] == [UNKNOWN]
    assert bucket.attributes["is_public"] == UNKNOWN


def test_an_iam_policy_document_is_read_binding_by_binding() -> None:
    policy = {"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]}
    plan = small_plan(
        change("google_storage_bucket.b", {"name": "b"}),
        change(
            "google_storage_bucket_iam_policy.p", {"bucket": "b", "policy_data": json.dumps(policy)}
        ),
    )
    bucket = one(plan, "google_storage_bucket.b")
    assert bucket.attributes["iam_bindings"] == policy["bindings"]
    assert bucket.attributes["is_public"] is True


@pytest.mark.parametrize(
    ("access", "is_public"),
    [
        ([{"special_group": "allAuthenticatedUsers", "role": "READER"}], True),
        ([{"iam_member": "allUsers", "role": "READER"}], True),
        ([{"user_by_email": "ana@example.com", "role": "OWNER"}], False),
    ],
)
def test_a_dataset_shared_with_anyone_is_public(
    access: list[dict[str, str]], is_public: bool
) -> None:
    plan = small_plan(change("google_bigquery_dataset.d", {"dataset_id": "d", "access": access}))
    assert one(plan, "google_bigquery_dataset.d").attributes["is_public"] is is_public


def test_a_compute_instance_with_the_default_account_and_an_external_address() -> None:
    values = {
        "name": "vm",
        "zone": "europe-west1-b",
        "project": "p",
        "network_interface": [
            {"network": "default", "subnetwork": "sub", "access_config": [{"nat_ip": "34.1.2.3"}]}
        ],
        "service_account": [
            {"email": "123-compute@developer.gserviceaccount.com", "scopes": ["cloud-platform"]}
        ],
        "metadata": {"block-project-ssh-keys": "TRUE", "startup-script": "echo hi"},
        "shielded_instance_config": [{"enable_secure_boot": True}],
    }
    vm = one(small_plan(change("google_compute_instance.vm", values)), "google_compute_instance.vm")
    attrs = vm.attributes
    assert attrs["public_ip"] == "34.1.2.3"
    assert attrs["uses_default_service_account"] is True
    assert attrs["has_full_api_access"] is True
    assert attrs["block_project_ssh_keys"] is True
    assert attrs["os_login_enabled"] is None
    assert attrs["shielded_vm"] == {"secure_boot": True, "vtpm": True, "integrity_monitoring": True}
    assert attrs["secrets"] == []
    assert vm.region == "europe-west1"
    # nested network_interface blocks carry no references: linked by value, outside the plan
    assert [(r.type, r.target) for r in vm.relations] == [
        ("in_network", "ref:gcp.compute.network:default"),
        ("in_subnet", "ref:gcp.compute.subnetwork:sub"),
    ]


def test_an_instance_whose_interfaces_are_unknown() -> None:
    plan = small_plan(
        change(
            "google_compute_instance.vm",
            {"name": "vm", "service_account": []},
            unknown={"network_interface": True},
        )
    )
    attrs = one(plan, "google_compute_instance.vm").attributes
    assert attrs["public_ip"] == UNKNOWN
    assert attrs["service_accounts"] == []
    assert attrs["uses_default_service_account"] is False


def test_a_sql_instance_reads_its_settings() -> None:
    settings = {
        "tier": "db-custom-2-7680",
        "ip_configuration": [
            {"ipv4_enabled": True, "authorized_networks": [{"value": "0.0.0.0/0"}]}
        ],
        "backup_configuration": [{"enabled": True}],
        "database_flags": [{"name": "log_connections", "value": "on"}],
    }
    plan = small_plan(
        change("google_sql_database_instance.db", {"name": "db", "settings": [settings]})
    )
    attrs = one(plan, "google_sql_database_instance.db").attributes
    assert attrs["public_ip_enabled"] is True
    assert attrs["authorized_networks"] == ["0.0.0.0/0"]
    assert attrs["ssl_mode"] == "ALLOW_UNENCRYPTED_AND_ENCRYPTED"
    assert attrs["backup_enabled"] is True
    assert attrs["pitr_enabled"] is False
    assert attrs["database_flags"] == {"log_connections": "on"}
    assert attrs["availability_type"] == "ZONAL"
