"""Reading a plan: checks, changes, the state before and after apply, unknown values."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from scanner.catalog import TYPES
from scanner.collectors.terraform import FOLDS, PRIMARY, Plan, parse_plan, read_plan
from scanner.collectors.terraform.instances import with_unknown
from scanner.engine import evaluate
from scanner.engine.loader import RuleSet
from scanner.errors import CollectorError
from scanner.model import UNKNOWN, Resource

from .conftest import by_id, change, small_plan


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


def test_a_replaced_resource_is_in_both_states() -> None:
    plan = small_plan(
        change(
            "aws_kms_key.k",
            {"enable_key_rotation": True},
            actions=("delete", "create"),
            before={"enable_key_rotation": False},
        )
    )
    assert plan.changes[0].resource_id == "tf://aws_kms_key.k"
    assert not plan.changes[0].is_delete
    assert plan.resources[0].attributes["rotation_enabled"] is True
    assert plan.prior[0].attributes["rotation_enabled"] is False


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


def test_a_missing_plan_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CollectorError, match=r"plan\.json: cannot read plan"):
        read_plan(tmp_path / "plan.json")


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
def test_after_unknown_marks_nested_values() -> None:
    after = {"tags": {"Name": "a"}, "ingress": [{"from_port": 22}]}
    unknown = {"tags": {"Owner": True}, "ingress": [{"cidr_blocks": True}, True], "id": True}
    merged = with_unknown(after, unknown)
    assert merged == {
        "tags": {"Name": "a", "Owner": UNKNOWN},
        "ingress": [{"from_port": 22, "cidr_blocks": UNKNOWN}, UNKNOWN],
        "id": UNKNOWN,
    }
    plan = small_plan(change("aws_vpc.v", after, unknown=unknown))
    assert plan.unknown_values == 4  # Owner, cidr_blocks, the second ingress entry, id


def _volume_plan(encrypted: Any, unknown: dict[str, Any]) -> dict[str, Any]:
    after = {"availability_zone": "eu-west-1a", "size": 10, "type": "gp3"}
    if encrypted is not None:
        after["encrypted"] = encrypted
    entry = change(
        "aws_ebs_volume.v",
        after,
        unknown=unknown,
        actions=("update",),
        before={**after, "encrypted": False},
    )
    return {"format_version": "1.2", "resource_changes": [entry]}


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


def test_planned_resources_speak_the_catalog(plan: Plan) -> None:
    for resource in plan.resources:
        Resource.model_validate(copy.deepcopy(resource.model_dump(mode="json")))
        # every catalog attribute, nothing else: what the plan cannot derive is UNKNOWN
        assert set(resource.attributes) == set(TYPES[resource.type].attributes), resource.id
    for tf_type, (normal_type, _) in PRIMARY.items():
        assert normal_type in TYPES, tf_type
    for tf_type, (normal_type, _, _, _) in FOLDS.items():
        assert normal_type in TYPES, tf_type
