"""docs/attack-paths.md names every method of the catalogue and every rule that uses it."""

from __future__ import annotations

from pathlib import Path

from scanner.policy.escalation import METHODS

DOC = Path(__file__).resolve().parents[2] / "docs" / "attack-paths.md"
RULES = (
    "aws_iam_principal_no_path_to_admin",
    "gcp_iam_principal_no_path_to_admin",
    "aws_iam_internet_workload_role_not_privileged",
    "gcp_iam_internet_workload_service_account_not_privileged",
    "aws_s3_bucket_sensitive_data_not_public",
    "gcp_storage_bucket_sensitive_data_not_public",
)


def test_every_method_and_rule_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in (*METHODS, *RULES) if f"`{name}`" not in text]
    assert missing == []
