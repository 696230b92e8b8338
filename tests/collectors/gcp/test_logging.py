"""Log sinks: built-in sinks, destinations, both project name forms, organisation sinks."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import make_asset, normalise, relations

L = "//logging.googleapis.com/"


def test_sinks(estate: dict[str, dict[str, Any]]) -> None:
    archive = estate[f"{L}projects/200000000001/sinks/audit-archive"]
    assert archive["attributes"]["filter"] == ""
    assert archive["attributes"]["is_default"] is False
    assert archive["account"] == "acme-prod"  # the name holds the project number
    assert relations(archive, "logs_to") == ["//storage.googleapis.com/acme-logs"]
    default = estate[f"{L}projects/acme-dev/sinks/_Default"]
    assert default["account"] == "acme-dev"  # the name holds the project id
    assert default["attributes"]["is_default"] is True
    assert default["attributes"]["filter"].startswith("NOT LOG_ID(")
    errors = estate[f"{L}projects/acme-dev/sinks/errors-to-bq"]
    assert relations(errors, "logs_to") == [
        "//bigquery.googleapis.com/projects/acme-prod/datasets/analytics"
    ]


def test_an_organisation_sink() -> None:
    sink = make_asset(
        "logging.googleapis.com/LogSink",
        f"{L}organizations/1/sinks/all",
        {
            "name": "all",
            "destination": "pubsub.googleapis.com/projects/p/topics/t",
            "includeChildren": True,
        },
        ancestors=("organizations/1",),
    )
    resource = normalise(sink)
    assert resource["account"] == ""
    assert resource["attributes"]["scope"] == "organizations/1"
    assert resource["attributes"]["include_children"] is True


def test_log_based_metrics(estate: dict[str, dict[str, Any]]) -> None:
    metric = estate[f"{L}projects/acme-prod/metrics/owner-changes"]
    assert metric["name"] == "owner-changes"
    assert metric["attributes"]["metric_type"] == "logging.googleapis.com/user/owner-changes"
    assert "ProjectOwnership" in metric["attributes"]["filter"]
    assert metric["attributes"]["disabled"] is False
