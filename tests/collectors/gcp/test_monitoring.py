"""Cloud Monitoring alert policies."""

from __future__ import annotations

from typing import Any

from tests.collectors.gcp.conftest import make_asset, normalise


def test_alert_policies(estate: dict[str, dict[str, Any]]) -> None:
    policy = estate["//monitoring.googleapis.com/projects/acme-prod/alertPolicies/7301"]
    assert policy["name"] == "Project owner changed"
    assert policy["attributes"] == {
        "display_name": "Project owner changed",
        "enabled": True,
        "condition_filters": ['metric.type="logging.googleapis.com/user/owner-changes"'],
        "notification_channels": [
            "//monitoring.googleapis.com/projects/acme-prod/notificationChannels/9001"
        ],
    }


def test_every_condition_kind_gives_its_filter() -> None:
    policy = make_asset(
        "monitoring.googleapis.com/AlertPolicy",
        "//monitoring.googleapis.com/projects/p/alertPolicies/1",
        {
            "enabled": False,
            "conditions": [
                {"conditionAbsent": {"filter": "a"}},
                {"conditionMatchedLog": {"filter": "b"}},
                {"conditionMonitoringQueryLanguage": {"query": "c"}},
                {"displayName": "no filter"},
            ],
        },
    )
    attrs = normalise(policy)["attributes"]
    assert (attrs["enabled"], attrs["condition_filters"]) == (False, ["a", "b", "c"])
