"""A tiny rule pack written per test, to exercise the loader and the evaluator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner.synthetic.builders import resource

RULE = {
    "title": "Buckets are versioned",
    "severity": "medium",
    "category": "resilience",
    "resource_types": ["aws.s3.bucket"],
    "description": "Versioning keeps old object versions.",
    "risk": "Deleted or overwritten objects cannot be recovered.",
    "message": "Bucket {resource.name} has versioning {versioning}",
    "condition": {"path": "versioning", "op": "eq", "value": "Enabled"},
    "remediation": {
        "summary": "Enable versioning.",
        "cli": "aws s3api put-bucket-versioning --bucket B"
        " --versioning-configuration Status=Enabled",
    },
    "tests": [
        {
            "name": "basic",
            "resources": [
                {"id": "pass-v", "type": "aws.s3.bucket", "attributes": {"versioning": "Enabled"}},
                {"id": "fail-v", "type": "aws.s3.bucket", "attributes": {"versioning": None}},
            ],
        }
    ],
}

WritePack = Callable[..., Path]


@pytest.fixture
def write_pack(tmp_path: Path) -> WritePack:
    """Write rules (id -> dict or raw text) into a fresh pack folder and return it."""

    def write(rules: dict[str, object], python: dict[str, str] | None = None) -> Path:
        root = tmp_path / "pack"
        for rule_id, body in rules.items():
            folder = root / rule_id.split("_")[0] / rule_id.split("_")[1]
            folder.mkdir(parents=True, exist_ok=True)
            text = body if isinstance(body, str) else yaml.safe_dump(body, sort_keys=False)
            (folder / f"{rule_id}.yaml").write_text(text)
        for rule_id, code in (python or {}).items():
            folder = root / rule_id.split("_")[0] / rule_id.split("_")[1]
            (folder / f"{rule_id}.py").write_text(code)
        return root

    return write


def bucket(rid: str, **attrs: Any) -> dict[str, Any]:
    """An S3 bucket in account 1, eu-west-1, with these attributes."""
    return resource(rid, "aws.s3.bucket", account="1", name=rid.upper(), attributes=attrs)


def monitoring_estate(
    filters: Any, *, alarm_actions: list[str] | None = None, **trail: Any
) -> list[dict[str, Any]]:
    """An AWS account whose trail logs to group `ct` with these metric filters (+ an alarm)."""
    resources: list[dict[str, Any]] = [
        {
            "id": "acct",
            "type": "aws.account",
            "provider": "aws",
            "account": "1",
            "region": "global",
        },
        {
            "id": "trail",
            "type": "aws.cloudtrail.trail",
            "provider": "aws",
            "name": "main",
            "account": "1",
            "region": "eu-west-1",
            "attributes": {
                "is_multi_region": True,
                "is_logging": True,
                "include_management_events": True,
                "cloudwatch_logs_group_arn": "arn:aws:logs:eu-west-1:1:log-group:ct:*",
                **trail,
            },
        },
        {
            "id": "arn:aws:logs:eu-west-1:1:log-group:ct",
            "type": "aws.logs.log_group",
            "provider": "aws",
            "name": "ct",
            "account": "1",
            "region": "eu-west-1",
            "attributes": {"metric_filters": filters},
        },
    ]
    if alarm_actions is not None:
        resources.append(
            {
                "id": "alarm",
                "type": "aws.cloudwatch.alarm",
                "provider": "aws",
                "account": "1",
                "region": "eu-west-1",
                "attributes": {"metric_name": "root", "alarm_actions": alarm_actions},
            }
        )
    return resources
