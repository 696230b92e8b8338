"""The aws.region resource: EBS default encryption, GuardDuty, Security Hub, Config, Analyzer."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.region import to_resources

from .conftest import ACCOUNT, REGION, Moto
from .test_collect import inject, library_collect, resources
from .test_servicequotas import shaped

_ANALYZER = f"arn:aws:access-analyzer:{REGION}:{ACCOUNT}:analyzer/account"
_UNUSED = f"arn:aws:access-analyzer:{REGION}:{ACCOUNT}:analyzer/unused"
_WHEN = "2025-01-02T03:04:05Z"


def test_normaliser_on_service_responses() -> None:
    raw = {
        "ebs_encryption_by_default": True,
        "guardduty_detectors": [{"DetectorId": "d1", "Status": "DISABLED"}],
        "securityhub_hub": {"HubArn": f"arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default"},
        "config_recorders": [{"name": "default", "recordingGroup": {"allSupported": False}}],
        "config_recorder_status": [{"name": "default", "recording": True}],
        "analyzers": [{"arn": _ANALYZER, "name": "a", "status": "ACTIVE", "type": "ACCOUNT"}],
        "analyzer_findings": {_ANALYZER: {"active": 3, "public": 1}},
    }
    [region, analyzer] = to_resources(raw, Scope(account=ACCOUNT, region=REGION))
    assert analyzer.attributes["public_findings"] == 1
    assert region.attributes == {
        "ebs_encryption_by_default": True,
        "guardduty_enabled": False,
        "securityhub_enabled": True,
        "config_recorder_enabled": False,  # records only some resource types
        "access_analyzer_enabled": True,
        "resource_count": 0,
    }
    [unknown] = to_resources({}, Scope(account=ACCOUNT, region=REGION))
    assert all(unknown.attributes[k] is None for k in unknown.attributes if k != "resource_count")


def test_collects_detective_settings(moto: Moto, collect: Any) -> None:
    moto.client("ec2").enable_ebs_encryption_by_default()
    moto.client("guardduty").create_detector(Enable=True)
    moto.client("securityhub").enable_security_hub()
    config = moto.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "b"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    snap = collect("--services", "region,ec2", "--regions", REGION)
    [region] = snap.of_type("aws.region")
    assert region["name"] == REGION
    attrs = region["attributes"]
    assert attrs["ebs_encryption_by_default"] is True
    assert attrs["guardduty_enabled"] is True
    assert attrs["securityhub_enabled"] is True
    assert attrs["config_recorder_enabled"] is True
    assert attrs["access_analyzer_enabled"] is None  # moto has no Access Analyzer
    assert snap.of_type("aws.accessanalyzer.analyzer") == []
    [error] = [e for e in snap.errors() if e["service"] == "region"]
    assert (error["operation"], error["code"]) == ("ListAnalyzers", "500")
    assert attrs["resource_count"] == len(snap.resources()) - 1


def test_nothing_enabled(moto: Moto, collect: Any) -> None:
    snap = collect("--services", "region", "--regions", REGION)
    attrs = snap.of_type("aws.region")[0]["attributes"]
    assert attrs["guardduty_enabled"] is False
    assert attrs["securityhub_enabled"] is False
    assert attrs["config_recorder_enabled"] is False
    assert attrs["ebs_encryption_by_default"] is False


def _finding(number: int, *, public: bool) -> dict[str, Any]:
    return {
        "id": f"f-{number}",
        "resource": f"arn:aws:s3:::bucket-{number}",
        "resourceType": "AWS::S3::Bucket",
        "isPublic": public,
        "condition": {},
        "createdAt": _WHEN,
        "analyzedAt": _WHEN,
        "updatedAt": _WHEN,
        "status": "ACTIVE",
        "resourceOwnerAccount": ACCOUNT,
    }


def test_access_analyzer_findings_from_answers_shaped_like_the_service(
    moto: Moto, tmp_path: Path
) -> None:
    analyzers = {
        "analyzers": [
            {"arn": arn, "name": name, "type": kind, "status": "ACTIVE", "createdAt": _WHEN}
            for arn, name, kind in (
                (_ANALYZER, "account", "ACCOUNT"),
                (_UNUSED, "unused", "ACCOUNT_UNUSED_ACCESS"),
            )
        ]
    }
    findings = {"findings": [_finding(1, public=True), _finding(2, public=False)]}
    for operation, answer in (("ListAnalyzers", analyzers), ("ListFindings", findings)):
        shaped("accessanalyzer", operation, {k: _timestamps(v) for k, v in answer.items()})
    listed, _ = inject(200, json.dumps(analyzers), content_type="application/json")
    found, asked = inject(200, json.dumps(findings), content_type="application/json")
    bodies: list[dict[str, Any]] = []
    manifest, out = library_collect(
        moto,
        tmp_path,
        services=("region",),
        handlers=(
            ("before-send.accessanalyzer.ListAnalyzers", listed),
            ("before-call.accessanalyzer.ListFindings", lambda params, **_: bodies.append(params)),
            ("before-send.accessanalyzer.ListFindings", found),
        ),
    )
    assert manifest.errors == []
    got = {r["type"]: r for r in resources(out)}
    assert got["aws.region"]["attributes"]["access_analyzer_enabled"] is True
    collected = {
        r["name"]: r["attributes"]
        for r in resources(out)
        if r["type"] == "aws.accessanalyzer.analyzer"
    }
    assert collected["account"] == {
        "analyzer_type": "ACCOUNT",
        "status": "ACTIVE",
        "external_access": True,
        "active_findings": 2,
        "public_findings": 1,
        "created_at": _WHEN,
    }
    assert collected["unused"]["active_findings"] is None  # not an external-access analyzer
    assert len(asked) == 1  # so its findings are not asked for
    assert json.loads(bodies[0]["body"]) == {
        "analyzerArn": _ANALYZER,
        "filter": {"status": {"eq": ["ACTIVE"]}},
    }


def _timestamps(value: Any) -> Any:
    """The answer as botocore hands it to callers: timestamps as datetimes."""
    if isinstance(value, list):
        return [_timestamps(v) for v in value]
    if isinstance(value, dict):
        return {k: _timestamps(v) for k, v in value.items()}
    return datetime.fromisoformat(value) if value == _WHEN else value
