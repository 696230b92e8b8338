"""A tiny rule pack written per test, to exercise the loader and the evaluator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

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
