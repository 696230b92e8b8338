"""Terraform plan JSON -> normal resources: types, folding, references, unknowns, locations."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from scanner.catalog import TYPES
from scanner.collectors.terraform import (
    FOLDS,
    PRIMARY,
    REF_PREFIX,
    Plan,
    locate_sources,
    parse_plan,
    read_plan,
)
from scanner.engine import evaluate, load_rules
from scanner.engine.loader import RuleSet
from scanner.errors import CollectorError
from scanner.model import UNKNOWN, Resource

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "fixtures" / "iac" / "plan.json"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return read_plan(PLAN)


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules()


def by_id(plan: Plan) -> dict[str, Resource]:
    return {r.id: r for r in plan.resources}


def test_every_planned_type_maps_to_the_catalog(plan: Plan) -> None:
    resources = by_id(plan)
    assert resources["tf://aws_db_instance.orders"].type == "aws.rds.instance"
    assert resources["tf://aws_instance.web[0]"].type == "aws.ec2.instance"
    assert resources["tf://aws_instance.web[1]"].name == "web-1"
    assert resources['tf://module.storage["assets"].aws_s3_bucket.this'].type == "aws.s3.bucket"
    assert resources["tf://google_sql_database_instance.reports"].type == "gcp.sql.instance"
    assert resources["tf://module.network.aws_security_group.db"].region == "eu-west-1"
    assert resources["tf://google_compute_firewall.ssh"].account == "northwind-shop"
    # the key ring has no normal type; it is counted, not dropped silently
    assert plan.unmapped == {"google_kms_key_ring": 1}


def test_s3_sub_resources_fold_into_one_bucket(plan: Plan) -> None:
    resources = by_id(plan)
    assets = resources['tf://module.storage["assets"].aws_s3_bucket.this'].attributes
    exports = resources['tf://module.storage["exports"].aws_s3_bucket.this'].attributes
    assert assets["public_access_block"] == dict.fromkeys(
        (
            "block_public_acls",
            "ignore_public_acls",
            "block_public_policy",
            "restrict_public_buckets",
        ),
        False,
    )
    assert all(exports["public_access_block"].values())
    assert exports["encryption"]["algorithm"] == "aws:kms"
    assert exports["versioning"] == "Enabled"
    # computed at create time, AWS default: no policy, so TLS is not enforced
    assert exports["policy"] is None
    assert exports["secure_transport_enforced"] is False
    sources = plan.sources['tf://module.storage["exports"].aws_s3_bucket.this']
    assert sources[0] == 'module.storage["exports"].aws_s3_bucket.this'
    assert len(sources) == 4


def test_security_group_rules_fold_with_internet_relations(plan: Plan) -> None:
    web = by_id(plan)["tf://module.network.aws_security_group.web"]
    ingress = web.attributes["ingress"]
    assert {(e["from_port"], e["source"]) for e in ingress} == {
        (443, "0.0.0.0/0"),
        (22, "0.0.0.0/0"),
        (22, "10.20.0.0/16"),
    }
    assert web.attributes["group_id"] == UNKNOWN
    internet = [r for r in web.relations if r.type == "allows_from" and r.target == "internet"]
    assert sorted(r.properties["from_port"] for r in internet) == [22, 443]
    db = by_id(plan)["tf://module.network.aws_security_group.db"]
    # a new group: no ingress but what the separate rule adds, all egress allowed
    assert [e["from_port"] for e in db.attributes["ingress"]] == [5432]
    assert db.attributes["egress"][0]["protocol"] == "-1"


def test_references_resolve_through_module_outputs(plan: Plan) -> None:
    resources = by_id(plan)
    rds = resources["tf://aws_db_instance.orders"]
    assert [(r.type, r.target) for r in rds.relations] == [
        ("protected_by", "tf://module.network.aws_security_group.db")
    ]
    volume = resources["tf://aws_ebs_volume.data"]
    assert volume.attributes["kms_key_id"] == UNKNOWN
    assert [r.target for r in volume.relations] == ["tf://aws_kms_key.app"]
    role = resources["tf://aws_iam_role.deploy"]
    assert ("has_policy", "tf://aws_iam_policy.deploy") in [
        (r.type, r.target) for r in role.relations
    ]
    assert role.attributes["attached_policies"] == [UNKNOWN]
    instance = resources["tf://aws_instance.web[0]"]
    assert ("in_subnet", f"{REF_PREFIX}aws.ec2.subnet:subnet-0a1b2c3d4e5f60011") in [
        (r.type, r.target) for r in instance.relations
    ]
    assert instance.attributes["public_ip"] == UNKNOWN  # associate_public_ip_address = true


def test_a_parent_outside_the_plan_becomes_partial(plan: Plan) -> None:
    rid = f"{REF_PREFIX}gcp.resourcemanager.project:northwind-shop"
    assert rid in plan.partial
    project = by_id(plan)[rid]
    bindings = project.attributes["iam_bindings"]
    assert bindings[0]["role"] == "roles/iam.serviceAccountTokenCreator"
    assert bindings[-1] == UNKNOWN  # the live project has more bindings than the plan knows
    assert project.attributes["os_login_enabled"] == UNKNOWN
    assert plan.sources[rid] == ["google_project_iam_member.ci_impersonation"]


def test_updates_and_deletes_keep_the_prior_state(plan: Plan) -> None:
    actions = {c.address: c.actions for c in plan.changes}
    assert actions["aws_cloudtrail.main"] == ("update",)
    assert actions["aws_s3_bucket.legacy"] == ("delete",)
    prior = {r.id: r for r in plan.prior}
    assert prior["tf://aws_cloudtrail.main"].attributes["log_file_validation"] is True
    assert by_id(plan)["tf://aws_cloudtrail.main"].attributes["log_file_validation"] is False
    legacy = prior["tf://aws_s3_bucket.legacy"]
    assert legacy.attributes["is_public_by_acl"] is True
    assert "tf://aws_s3_bucket.legacy" not in by_id(plan)
    assert "northwind-legacy-uploads" in plan.identities["tf://aws_s3_bucket.legacy"]


def test_lambda_secrets_are_stored_masked(plan: Plan) -> None:
    fn = by_id(plan)["tf://aws_lambda_function.resize"].attributes
    assert fn["environment_keys"] == ["BUCKET", "DB_PASSWORD"]
    assert [s["location"] for s in fn["secrets"]] == ["env:DB_PASSWORD"]
    assert "Tr0ub4dor" not in json.dumps(fn)


def test_locate_sources_finds_blocks_in_modules(plan: Plan) -> None:
    blocks = locate_sources(plan, [ROOT / "fixtures" / "iac"], ROOT)
    rds = blocks["aws_db_instance.orders"]
    assert rds.file == "fixtures/iac/terraform/main.tf"
    lines = (ROOT / rds.file).read_text().splitlines()
    assert lines[rds.start_line - 1].startswith('resource "aws_db_instance" "orders"')
    assert lines[rds.end_line - 1] == "}"
    pab = blocks['module.storage["assets"].aws_s3_bucket_public_access_block.this']
    assert pab.file == "fixtures/iac/terraform/modules/storage/main.tf"
    assert blocks["aws_instance.web[1]"] == blocks["aws_instance.web[0]"]
    assert "aws_s3_bucket.legacy" not in blocks  # deleted from the configuration


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("{not json", "not valid JSON"), ('{"hello": 1}', "not a Terraform plan")],
)
def test_bad_plans_are_refused_with_a_hint(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text)
    with pytest.raises(CollectorError, match=fragment) as info:
        read_plan(path)
    assert "terraform show -json" in str(info.value)


def test_a_state_document_reads_as_unchanged_resources() -> None:
    state = {
        "format_version": "1.0",
        "terraform_version": "1.7.5",
        "values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_kms_key.k",
                        "mode": "managed",
                        "type": "aws_kms_key",
                        "name": "k",
                        "values": {
                            "enable_key_rotation": True,
                            "arn": "arn:aws:kms:eu-west-1:1:key/x",
                        },
                    }
                ]
            }
        },
    }
    plan = parse_plan(state)
    assert [c.actions for c in plan.changes] == [("no-op",)]
    key = plan.resources[0]
    assert key.attributes["rotation_enabled"] is True
    assert key.region == "eu-west-1"


# ---------------------------------------------------------------------- unknown values
def _volume_plan(encrypted: Any, unknown: dict[str, Any]) -> dict[str, Any]:
    after = {"availability_zone": "eu-west-1a", "size": 10, "type": "gp3"}
    if encrypted is not None:
        after["encrypted"] = encrypted
    return {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_ebs_volume.v",
                "mode": "managed",
                "type": "aws_ebs_volume",
                "name": "v",
                "change": {
                    "actions": ["update"],
                    "before": {**after, "encrypted": False},
                    "after": after,
                    "after_unknown": unknown,
                },
            }
        ],
    }


def test_a_rule_that_depends_on_an_unknown_value_is_undecided(ruleset: RuleSet) -> None:
    rules = ruleset.select(ids=["aws_ec2_volume_encrypted"])
    unknown = parse_plan(_volume_plan(None, {"encrypted": True}))
    assert unknown.resources[0].attributes["encrypted"] == UNKNOWN
    outcome = evaluate(rules, [r.model_dump(mode="json") for r in unknown.resources])
    assert outcome.findings == []
    assert outcome.stats["aws_ec2_volume_encrypted"].undecided == 1
    assert outcome.stats["aws_ec2_volume_encrypted"].evaluated == 0
    known = parse_plan(_volume_plan(False, {}))
    outcome = evaluate(rules, [r.model_dump(mode="json") for r in known.resources])
    assert [f.rule_id for f in outcome.findings] == ["aws_ec2_volume_encrypted"]


# ---------------------------------------------------------------------- plan vs live
def _live_security_group() -> dict[str, Any]:
    """A security group as the live AWS collector emits it (scanner/catalog/aws.py)."""
    return {
        "id": "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0",
        "type": "aws.ec2.security_group",
        "provider": "aws",
        "account": "111122223333",
        "region": "eu-west-1",
        "name": "web",
        "attributes": {
            "group_id": "sg-0123456789abcdef0",
            "is_default": False,
            "description": "web tier",
            "ingress": [
                {
                    "protocol": "tcp",
                    "from_port": 443,
                    "to_port": 443,
                    "source": "0.0.0.0/0",
                    "source_type": "cidr4",
                    "description": "HTTPS",
                },
                {
                    "protocol": "tcp",
                    "from_port": 22,
                    "to_port": 22,
                    "source": "0.0.0.0/0",
                    "source_type": "cidr4",
                    "description": "SSH for administrators",
                },
            ],
            "egress": [],
            "attachment_count": 2,
        },
        "relations": [{"type": "allows_from", "target": "internet", "properties": {}}],
    }


def _live_bucket() -> dict[str, Any]:
    return {
        "id": "arn:aws:s3:::northwind-assets",
        "type": "aws.s3.bucket",
        "provider": "aws",
        "account": "111122223333",
        "region": "eu-west-1",
        "name": "northwind-assets",
        "attributes": {
            "public_access_block": {
                "block_public_acls": False,
                "ignore_public_acls": False,
                "block_public_policy": False,
                "restrict_public_buckets": False,
            },
            "encryption": {"algorithm": "aws:kms", "kms_key_id": None, "bucket_key_enabled": False},
            "versioning": "Enabled",
        },
    }


@pytest.mark.parametrize(
    ("rule_id", "plan_id", "live"),
    [
        (
            "aws_ec2_security_group_no_public_ssh",
            "tf://module.network.aws_security_group.web",
            _live_security_group,
        ),
        (
            "aws_s3_bucket_public_access_blocked",
            'tf://module.storage["assets"].aws_s3_bucket.this',
            _live_bucket,
        ),
    ],
)
def test_the_same_rule_fails_the_plan_and_the_live_resource(
    plan: Plan, ruleset: RuleSet, rule_id: str, plan_id: str, live: Any
) -> None:
    rules = ruleset.select(ids=[rule_id])
    planned = [r.model_dump(mode="json") for r in plan.resources]
    in_plan = evaluate(rules, planned)
    in_live = evaluate(rules, [live()])
    assert [f.resource.id for f in in_plan.findings] == [plan_id]
    assert [f.rule_id for f in in_live.findings] == [rule_id]


def test_planned_resources_speak_the_catalog(plan: Plan) -> None:
    for resource in plan.resources:
        Resource.model_validate(copy.deepcopy(resource.model_dump(mode="json")))
        # every catalog attribute, nothing else: what the plan cannot derive is UNKNOWN
        assert set(resource.attributes) == set(TYPES[resource.type].attributes), resource.id
    for tf_type, (normal_type, _) in PRIMARY.items():
        assert normal_type in TYPES, tf_type
    for tf_type, (normal_type, _, _, _) in FOLDS.items():
        assert normal_type in TYPES, tf_type
