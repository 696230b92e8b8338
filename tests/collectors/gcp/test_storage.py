"""Cloud Storage buckets: public access through IAM or ACLs, prevention, protection settings."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import make_asset, normalise, relations

B = "//storage.googleapis.com/"


def test_public_by_iam_and_by_acl(estate: dict[str, dict[str, Any]]) -> None:
    public = estate[f"{B}acme-public-assets"]["attributes"]
    assert public["is_public"] is True
    assert public["public_grants"] == [
        {"member": "allUsers", "role": "roles/storage.objectViewer", "via": "iam"}
    ]
    legacy = estate[f"{B}acme-legacy-uploads"]["attributes"]
    assert (legacy["is_public"], legacy["uniform_bucket_level_access"]) == (True, False)
    assert legacy["public_grants"] == [{"member": "allUsers", "role": "READER", "via": "acl"}]
    assert (
        relations(estate[f"{B}acme-public-assets"], "iam_binding")[-1] == "principal:gcp:allUsers"
    )


def test_the_private_bucket(estate: dict[str, dict[str, Any]]) -> None:
    data = estate[f"{B}acme-prod-data"]
    attrs = data["attributes"]
    assert (attrs["is_public"], attrs["public_access_prevention"]) == (False, "enforced")
    assert (attrs["versioning_enabled"], attrs["retention_period_days"]) == (True, 30)
    assert attrs["logging_bucket"] == "acme-logs"
    assert relations(data, "encrypted_by") == [
        "//cloudkms.googleapis.com/projects/acme-prod/locations/europe-west1/keyRings/prod-ring/"
        "cryptoKeys/data-key"
    ]
    assert (data["account"], data["region"], attrs["location"]) == ("acme-prod", "eu", "EU")
    logs = estate[f"{B}acme-logs"]["attributes"]
    assert (logs["retention_policy_locked"], logs["soft_delete_retention_days"]) == (True, 7)
    assert logs["lifecycle_rule_count"] == 1


def test_prevention_enforced_overrides_public_grants() -> None:
    bucket = make_asset(
        "storage.googleapis.com/Bucket",
        f"{B}b",
        {
            "iamConfiguration": {
                "publicAccessPrevention": "enforced",
                "bucketPolicyOnly": {"enabled": True},
            }
        },
        iam_policy={
            "bindings": [
                {"role": "roles/storage.objectViewer", "members": ["allAuthenticatedUsers"]}
            ]
        },
    )
    attrs = normalise(bucket)["attributes"]
    assert attrs["public_grants"] and attrs["is_public"] is False
    assert attrs["uniform_bucket_level_access"] is True  # the legacy spelling
