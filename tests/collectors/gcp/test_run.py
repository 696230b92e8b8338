"""Cloud Run services, in the Knative (v1) shape CAI uses and the v2 shape."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.collectors.gcp.common import Context
from scanner.collectors.secrets import scan_text
from tests.collectors.gcp.conftest import make_asset, normalise, relations

R = "//run.googleapis.com/projects/acme-prod/locations/europe-west1/services/"


def test_services(estate: dict[str, dict[str, Any]]) -> None:
    public = estate[f"{R}public-api"]
    attrs = public["attributes"]
    assert (attrs["ingress"], attrs["is_public"]) == ("all", True)
    assert attrs["environment_keys"] == ["LOG_LEVEL", "PAYMENTS_API_KEY"]  # not the secret ref
    assert attrs["secrets"] == [
        {"location": "env:PAYMENTS_API_KEY", "kind": "Secret Keyword", "masked": "Zq**********"}
    ]
    assert relations(public, "runs_as") == [
        "//iam.googleapis.com/projects/acme-prod/serviceAccounts/104000000000000000002"
    ]
    assert public["tags"] == {"team": "web"}
    worker = estate[f"{R}internal-worker"]
    assert (worker["attributes"]["ingress"], worker["attributes"]["is_public"]) == (
        "internal",
        False,
    )
    assert worker["attributes"]["secrets"] == []
    # no service account: the Compute Engine default one
    assert (
        worker["attributes"]["service_account"]
        == "200000000001-compute@developer.gserviceaccount.com"
    )


def test_the_v2_shape() -> None:
    service = make_asset(
        "run.googleapis.com/Service",
        f"{R}v2",
        {
            "name": "projects/acme-prod/locations/europe-west1/services/v2",
            "ingress": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
            "template": {
                "serviceAccount": "app@acme-prod.iam.gserviceaccount.com",
                "containers": [
                    {"image": "img", "env": [{"name": "DB_PASSWORD", "value": "Zx9mQ2vLp8wRt7Kq"}]}
                ],
            },
        },
    )
    resource = normalise(service, Context(scan_secrets=scan_text))
    assert resource["name"] == "v2" and resource["region"] == "europe-west1"
    assert resource["attributes"]["ingress"] == "internal-and-cloud-load-balancing"
    assert [s["location"] for s in resource["attributes"]["secrets"]] == ["env:DB_PASSWORD"]
    assert relations(resource, "runs_as") == [
        "principal:gcp:serviceAccount:app@acme-prod.iam.gserviceaccount.com"
    ]


def test_scaling_limits(estate: dict[str, dict[str, Any]]) -> None:
    public, worker = estate[f"{R}public-api"], estate[f"{R}internal-worker"]
    assert (public["attributes"]["max_instances"], public["attributes"]["min_instances"]) == (
        20,
        1,
    )
    assert (worker["attributes"]["max_instances"], worker["attributes"]["min_instances"]) == (
        20,
        None,
    )


@pytest.mark.parametrize(
    ("data", "limits"),
    [
        ({"template": {"scaling": {"maxInstanceCount": 8, "minInstanceCount": 0}}}, (8, 0)),
        ({"template": {}, "scaling": {"maxInstanceCount": 4, "minInstanceCount": 2}}, (4, 2)),
        ({"template": {}}, (None, None)),
    ],
)
def test_scaling_limits_of_the_v2_shape(
    data: dict[str, Any], limits: tuple[int | None, int | None]
) -> None:
    attrs = normalise(make_asset("run.googleapis.com/Service", f"{R}v2", data))["attributes"]
    assert (attrs["max_instances"], attrs["min_instances"]) == limits
