"""The plan overlay: one pass to match, a lazy estate after apply, nothing else kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.app.overlay import overlay
from scanner.collectors.terraform import Plan, read_plan
from tests.test_iac_cli import OVERLAY_PLAN, live_estate

SG = "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0db"
BUCKET = "arn:aws:s3:::northwind-legacy-uploads"


@pytest.fixture
def plan_of(tmp_path: Path) -> Any:
    def read(document: dict[str, Any]) -> Plan:
        path = tmp_path / "plan.json"
        path.write_text(json.dumps(document))
        return read_plan(path)

    return read


class Counted:
    """A one-shot stream of the live estate that counts what was pulled from it."""

    def __init__(self, resources: list[dict[str, Any]]) -> None:
        self.resources = resources
        self.pulled = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for resource in self.resources:
            self.pulled += 1
            yield resource


def test_matching_reads_the_live_estate_once(plan_of: Any) -> None:
    plan = plan_of(OVERLAY_PLAN)
    stream = iter(Counted(live_estate()))  # a generator: a second pass would see nothing
    change = overlay(plan, stream)
    assert change.renamed == {"ref:aws.ec2.security_group:sg-0db": SG}
    assert change.removed == {BUCKET}
    assert list(change.changes) == [SG]
    assert [partial for partial, _ in change.changes[SG]] == [True]


def test_the_estate_after_apply_is_produced_lazily(plan_of: Any) -> None:
    plan = plan_of(OVERLAY_PLAN)
    change = overlay(plan, live_estate())
    live = Counted(live_estate())
    after = change.after(live)
    first = next(after)
    assert live.pulled == 1 and first["type"] == "aws.ec2.subnet"
    rest = list(after)
    assert live.pulled == len(live.resources)
    ids = [first["id"], *(r["id"] for r in rest)]
    assert BUCKET not in ids  # deleted
    assert ids[:3] == [r["id"] for r in live_estate()[:3]]  # live order kept
    sg = next(r for r in rest if r["id"] == SG)
    sources = [rule["source"] for rule in sg["attributes"]["ingress"]]
    assert sources == ["sg-0app", "0.0.0.0/0"]  # the plan's rule merged into the live group
    assert any(
        rel["type"] == "allows_from" and rel["target"] == "internet" for rel in sg["relations"]
    )


def test_new_resources_come_last_with_relations_pointing_at_live_ids(plan_of: Any) -> None:
    plan_doc = {
        **OVERLAY_PLAN,
        "resource_changes": [
            *OVERLAY_PLAN["resource_changes"],
            {
                "address": "aws_instance.report",
                "mode": "managed",
                "type": "aws_instance",
                "name": "report",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": {
                        "ami": "ami-1",
                        "instance_type": "t3.micro",
                        "vpc_security_group_ids": ["sg-0db"],
                        "associate_public_ip_address": True,
                    },
                    "after_unknown": {"id": True, "arn": True, "public_ip": True},
                },
            },
        ],
    }
    change = overlay(plan_of(plan_doc), live_estate())
    after = list(change.after(live_estate()))
    assert after[-1]["id"] == "tf://aws_instance.report"
    assert {"type": "protected_by", "target": SG} in [
        {"type": r["type"], "target": r["target"]} for r in after[-1]["relations"]
    ]
