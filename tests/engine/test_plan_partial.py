"""A Terraform plan that only adds to a resource outside it: Python rules are undecided there.

End to end through `pscan iac`: the plan adds a public policy to a bucket the plan does
not manage. The bucket's Block Public Access settings are not in the plan, so the Python
rule `aws_s3_bucket_not_public` cannot tell whether the bucket becomes public: the engine
itself records it as undecided (no finding), while a YAML rule that reads a value the plan
does set (`secure_transport_enforced`) still fails it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from scanner.cli import cli
from scanner.engine.evaluate import PARTIAL_REASON

BUCKET = "ref:aws.s3.bucket:legacy-uploads"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::legacy-uploads/*",
        }
    ],
}
PLAN: dict[str, Any] = {
    "format_version": "1.2",
    "terraform_version": "1.7.5",
    "resource_changes": [
        {
            "address": "aws_s3_bucket_policy.legacy",
            "mode": "managed",
            "type": "aws_s3_bucket_policy",
            "name": "legacy",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {"bucket": "legacy-uploads", "policy": json.dumps(PUBLIC_READ)},
                "after_unknown": {"id": True},
            },
        }
    ],
    "configuration": {
        "provider_config": {"aws": {"expressions": {"region": {"constant_value": "eu-west-1"}}}}
    },
}


def test_python_rules_are_undecided_on_a_partial_resource_of_a_plan(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN))
    out = tmp_path / "findings.json"
    result = CliRunner().invoke(
        cli,
        ["iac", "--plan", str(plan), "--skip-checkov", "--fail-on", "none", "-o", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    on_bucket = {f["rule_id"] for f in doc["findings"] if f["resource"]["id"] == BUCKET}
    assert "aws_s3_bucket_not_public" not in on_bucket
    assert "aws_s3_bucket_secure_transport_enforced" in on_bucket
    stats = doc["rule_stats"]["aws_s3_bucket_not_public"]
    assert (stats["evaluated"], stats["failed"], stats["undecided"]) == (0, 0, 1)
    assert stats["undecided_examples"] == [
        {"rule_id": "aws_s3_bucket_not_public", "resource_id": BUCKET, "reason": PARTIAL_REASON}
    ]
    assert doc["gate"]["undecided"] >= 1
