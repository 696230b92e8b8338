"""BigQuery datasets: public access through the access list or IAM, CMEK."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import make_asset, normalise, relations

D = "//bigquery.googleapis.com/projects/acme-prod/datasets/"


def test_datasets(estate: dict[str, dict[str, Any]]) -> None:
    analytics, marketing = estate[f"{D}analytics"], estate[f"{D}marketing_exports"]
    assert analytics["attributes"]["is_public"] is False
    assert analytics["attributes"]["kms_key_name"].endswith("/cryptoKeys/data-key")
    assert analytics["attributes"]["default_table_expiration_days"] == 90
    assert len(relations(analytics, "encrypted_by")) == 1
    assert marketing["attributes"]["is_public"] is True
    assert {"role": "READER", "member": "specialGroup:allAuthenticatedUsers"} in marketing[
        "attributes"
    ]["access"]
    assert (marketing["name"], marketing["region"]) == ("marketing_exports", "eu")
    assert marketing["attributes"]["created_at"] == "2023-11-14T22:13:20Z"  # epoch ms


def test_public_through_iam_only() -> None:
    dataset = make_asset(
        "bigquery.googleapis.com/Dataset",
        f"{D}x",
        {"datasetReference": {"datasetId": "x"}},
        iam_policy={"bindings": [{"role": "roles/bigquery.dataViewer", "members": ["allUsers"]}]},
    )
    assert normalise(dataset)["attributes"]["is_public"] is True


def test_tables(estate: dict[str, dict[str, Any]]) -> None:
    orders = estate[f"{D}analytics/tables/orders"]
    view = estate[f"{D}marketing_exports/tables/campaigns_v"]
    assert orders["attributes"]["dataset"] == f"{D}analytics"
    assert (orders["attributes"]["table_type"], view["attributes"]["table_type"]) == (
        "TABLE",
        "VIEW",
    )
    assert orders["attributes"]["kms_key_name"].endswith("/cryptoKeys/data-key")
    assert view["attributes"]["kms_key_name"] is None
    assert (orders["name"], orders["region"]) == ("orders", "eu")
    assert len(relations(orders, "encrypted_by")) == 1
