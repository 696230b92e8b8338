"""Dataproc clusters."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import relations


def test_clusters(estate: dict[str, dict[str, Any]]) -> None:
    etl = estate["//dataproc.googleapis.com/projects/acme-prod/regions/europe-west1/clusters/etl"]
    assert (etl["name"], etl["region"], etl["tags"]) == ("etl", "europe-west1", {"team": "data"})
    assert etl["attributes"] == {
        "status": "RUNNING",
        "kms_key_name": "projects/acme-prod/locations/europe-west1/keyRings/prod-ring/"
        "cryptoKeys/data-key",
        "image_version": "2.2.20-debian12",
        "created_at": "2026-11-01T05:55:00Z",
    }
    assert len(relations(etl, "encrypted_by")) == 1
