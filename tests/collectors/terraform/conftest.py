"""Shared pieces for the Terraform plan reader tests: the IaC fixture plan and small plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.collectors.terraform import Plan, parse_plan, read_plan
from scanner.engine import load_rules
from scanner.engine.loader import RuleSet
from scanner.model import Resource

ROOT = Path(__file__).resolve().parents[3]
PLAN = ROOT / "fixtures" / "iac" / "plan.json"


@pytest.fixture(scope="package")
def plan() -> Plan:
    return read_plan(PLAN)


@pytest.fixture(scope="package")
def ruleset() -> RuleSet:
    return load_rules()


def by_id(plan: Plan) -> dict[str, Resource]:
    return {r.id: r for r in plan.resources}


def change(
    address: str,
    after: dict[str, Any] | None = None,
    *,
    unknown: dict[str, Any] | None = None,
    actions: tuple[str, ...] = ("create",),
    before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One `resource_changes` entry of a root-module resource (`<type>.<name>`)."""
    tf_type, name = address.split(".")[-2:]
    return {
        "address": address,
        "mode": "managed",
        "type": tf_type,
        "name": name,
        "change": {
            "actions": list(actions),
            "before": before,
            "after": after or {},
            "after_unknown": unknown or {},
        },
    }


def small_plan(*changes: dict[str, Any]) -> Plan:
    """A plan of the given `resource_changes`, with no configuration."""
    return parse_plan({"format_version": "1.2", "resource_changes": list(changes)})


def one(plan: Plan, address: str) -> Resource:
    """The resource of a primary address (`tf://<address>`)."""
    return by_id(plan)[f"tf://{address}"]
