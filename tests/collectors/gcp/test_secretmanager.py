"""Secret Manager secrets (metadata only)."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import relations

S = "//secretmanager.googleapis.com/projects/200000000001/secrets/"


def test_secrets(estate: dict[str, dict[str, Any]]) -> None:
    rotated, legacy = estate[f"{S}db-password"], estate[f"{S}legacy-api-key"]
    assert rotated["account"] == "acme-prod"
    assert rotated["attributes"]["rotation_period_days"] == 30
    assert rotated["attributes"]["replication"] == "automatic"
    assert rotated["attributes"]["kms_key_names"] == []
    assert legacy["attributes"]["rotation_period_days"] is None
    assert legacy["attributes"]["replication"] == "user_managed"
    assert relations(legacy, "encrypted_by") == [
        "//cloudkms.googleapis.com/projects/acme-prod/locations/europe-west1/keyRings/prod-ring/"
        "cryptoKeys/data-key"
    ]
    assert relations(rotated, "iam_binding") == [
        "principal:gcp:serviceAccount:web-app@acme-prod.iam.gserviceaccount.com"
    ]
