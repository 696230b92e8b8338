"""Cloud Functions, 1st and 2nd gen."""

from __future__ import annotations

from typing import Any

from scanner.collectors.gcp.common import Context
from scanner.collectors.secrets import scan_text
from tests.collectors.gcp.conftest import make_asset, normalise, relations

F = "//cloudfunctions.googleapis.com/projects/acme-prod/locations/europe-west1/functions/"


def test_functions(estate: dict[str, dict[str, Any]]) -> None:
    webhook = estate[f"{F}stripe-webhook"]
    attrs = webhook["attributes"]
    assert (attrs["generation"], attrs["runtime"], attrs["is_public"]) == ("1", "python312", True)
    assert {s["kind"] for s in attrs["secrets"]} == {"Secret Keyword", "Stripe Access Key"}
    assert {s["location"] for s in attrs["secrets"]} == {"env:STRIPE_SECRET_KEY"}
    # no service account on a 1st gen function: the App Engine default one
    assert relations(webhook, "runs_as") == [
        "principal:gcp:serviceAccount:acme-prod@appspot.gserviceaccount.com"
    ]
    orders = estate[f"{F}orders-api"]["attributes"]
    assert (orders["generation"], orders["ingress"], orders["secrets"]) == (
        "2",
        "ALLOW_INTERNAL_ONLY",
        [],
    )
    assert orders["build_environment_keys"] == ["PIP_NO_CACHE_DIR"]
    assert estate[f"{F}orders-api"]["region"] == "europe-west1"


def test_build_environment_secrets_are_located_apart() -> None:
    function = make_asset(
        "cloudfunctions.googleapis.com/CloudFunction",
        f"{F}x",
        {"buildEnvironmentVariables": {"NPM_TOKEN": "ghp_abcdefghijklmnopqrstuvwxyz0123456789"}},
    )
    attrs = normalise(function, Context(scan_secrets=scan_text))["attributes"]
    assert [(s["location"], s["kind"]) for s in attrs["secrets"]] == [
        ("build-env:NPM_TOKEN", "GitHub Token")
    ]
    assert attrs["ingress"] == "ALLOW_ALL"  # the API's default, left out of the data


def test_max_instances(estate: dict[str, dict[str, Any]]) -> None:
    assert estate[f"{F}stripe-webhook"]["attributes"]["max_instances"] == 3000  # 1st gen
    assert estate[f"{F}orders-api"]["attributes"]["max_instances"] == 50  # 2nd gen
    # 0 on a 1st gen function means no limit of its own
    unlimited = make_asset(
        "cloudfunctions.googleapis.com/CloudFunction", f"{F}x", {"maxInstances": 0}
    )
    assert normalise(unlimited)["attributes"]["max_instances"] is None
