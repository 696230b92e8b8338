"""The aws.region resource: EBS default encryption, GuardDuty, Security Hub, Config, Analyzer."""

from __future__ import annotations

from typing import Any

from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.region import to_resources

from .conftest import ACCOUNT, REGION, Moto


def test_normaliser_on_service_responses() -> None:
    raw = {
        "ebs_encryption_by_default": True,
        "guardduty_detectors": [{"DetectorId": "d1", "Status": "DISABLED"}],
        "securityhub_hub": {"HubArn": f"arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default"},
        "config_recorders": [{"name": "default", "recordingGroup": {"allSupported": False}}],
        "config_recorder_status": [{"name": "default", "recording": True}],
        "analyzers": [{"name": "a", "status": "ACTIVE", "type": "ACCOUNT"}],
    }
    [region] = to_resources(raw, Scope(account=ACCOUNT, region=REGION))
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
    assert attrs["resource_count"] == len(snap.resources()) - 1


def test_nothing_enabled(moto: Moto, collect: Any) -> None:
    snap = collect("--services", "region", "--regions", REGION)
    attrs = snap.of_type("aws.region")[0]["attributes"]
    assert attrs["guardduty_enabled"] is False
    assert attrs["securityhub_enabled"] is False
    assert attrs["config_recorder_enabled"] is False
    assert attrs["ebs_encryption_by_default"] is False
