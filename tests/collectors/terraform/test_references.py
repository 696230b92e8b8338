"""References between planned resources: by expression, through modules, by value, outside."""

from __future__ import annotations

from scanner.collectors.terraform import REF_PREFIX, Plan
from scanner.collectors.terraform.instances import Instance
from scanner.collectors.terraform.references import References
from scanner.model import UNKNOWN

from .conftest import by_id, change, small_plan


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


def test_without_an_expression_a_known_id_links_by_value() -> None:
    rule = {"type": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443}
    plan = small_plan(
        change("aws_security_group.web", {"id": "sg-0123"}, actions=("no-op",)),
        change("aws_security_group_rule.https", {**rule, "security_group_id": "sg-0123"}),
        change("aws_security_group_rule.other", {**rule, "security_group_id": "sg-9999"}),
    )
    assert plan.sources["tf://aws_security_group.web"] == [
        "aws_security_group.web",
        "aws_security_group_rule.https",
    ]
    outside = f"{REF_PREFIX}aws.ec2.security_group:sg-9999"
    assert plan.partial == {outside}
    assert plan.sources[outside] == ["aws_security_group_rule.other"]
    # the plan adds one rule; the live group may hold more
    assert by_id(plan)[outside].attributes["ingress"][-1] == UNKNOWN
    assert plan.identities[outside] == ["sg-9999"]


def test_references_between_module_outputs_and_variables_are_followed_once() -> None:
    # Ten outputs of module.a each read all ten variables, whose values read the ten
    # outputs back: a cycle Terraform refuses, with 10^depth paths when followed blindly.
    names = [f"n{i}" for i in range(10)]
    every_var = {"references": [f"var.{n}" for n in names]}
    every_output = {"references": [f"module.a.{n}" for n in names] + ["aws_kms_key.k"]}
    config = {
        "root_module": {
            "resources": [
                {"address": "aws_kms_key.k", "expressions": {}},
                {"address": "aws_ebs_volume.v", "expressions": {"kms_key_id": every_output}},
            ],
            "module_calls": {
                "a": {
                    "expressions": dict.fromkeys(names, every_output),
                    "module": {"outputs": {n: {"expression": every_var} for n in names}},
                }
            },
        }
    }
    refs = References(config, {"aws_kms_key.k", "aws_ebs_volume.v"})
    volume = Instance("aws_ebs_volume.v", "", "aws_ebs_volume", "v", ("create",), {})
    assert refs.resolve(volume, "kms_key_id") == ["aws_kms_key.k"]
    assert len(refs._resolved) <= 2 * len(names) + 1
