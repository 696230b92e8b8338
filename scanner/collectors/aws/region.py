"""One region of an account with its detective and default-encryption settings (aws.region).

Reads EBS encryption by default, GuardDuty detectors, Security Hub, AWS Config
recorders, and IAM Access Analyzer analyzers (also resources of their own, with their
active findings: `accessanalyzer.py`). Each check is read on its own: a denied or
unavailable service leaves its attribute null and records a collection error. The
orchestrator fills `resource_count` once every service of the region has finished.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws import accessanalyzer
from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.model import Resource

__all__ = ["collect", "fetch", "region_arn", "to_resources"]

# Security Hub answers "not enabled" with these errors: that is a setting, not a failure.
_HUB_NOT_ENABLED = ("InvalidAccessException", "ResourceNotFoundException")


def region_arn(scope: Scope) -> str:
    """The synthetic id of the aws.region resource of `scope`."""
    return scope.arn("ec2", f"region/{scope.region}")


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw regional settings; a key is missing when its call failed."""
    raw: dict[str, Any] = {}
    ebs = ctx.attempt(ctx.client("ec2").get_ebs_encryption_by_default)
    if ebs is not None:
        raw["ebs_encryption_by_default"] = ebs.get("EbsEncryptionByDefault")
    guardduty = ctx.client("guardduty")
    detector_ids = ctx.attempt(ctx.paginate, guardduty, "list_detectors", "DetectorIds")
    if detector_ids is not None:
        detectors = []
        for detector_id in detector_ids:
            detector = ctx.attempt(guardduty.get_detector, DetectorId=detector_id)
            if detector is not None:
                detectors.append({"DetectorId": detector_id, "Status": detector.get("Status")})
        raw["guardduty_detectors"] = detectors
    hub = ctx.attempt(missing_as, _HUB_NOT_ENABLED, {}, ctx.client("securityhub").describe_hub)
    if hub is not None:
        raw["securityhub_hub"] = {k: v for k, v in hub.items() if k != "ResponseMetadata"}
    config = ctx.client("config")
    recorders = ctx.attempt(config.describe_configuration_recorders)
    statuses = ctx.attempt(config.describe_configuration_recorder_status)
    if recorders is not None and statuses is not None:
        raw["config_recorders"] = recorders.get("ConfigurationRecorders") or []
        raw["config_recorder_status"] = statuses.get("ConfigurationRecordersStatus") or []
    raw.update(accessanalyzer.fetch(ctx))
    return raw


def _config_enabled(raw: Mapping[str, Any]) -> bool | None:
    if "config_recorders" not in raw:
        return None
    recording = {
        s.get("name") for s in raw.get("config_recorder_status") or [] if s.get("recording")
    }
    for recorder in raw["config_recorders"]:
        group = recorder.get("recordingGroup") or {}
        if recorder.get("name") in recording and group.get("allSupported", False):
            return True
    return False


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """The aws.region resource (resource_count 0 until the orchestrator fills it), and the
    region's Access Analyzer analyzers."""
    detectors = raw.get("guardduty_detectors")
    analyzers = raw.get("analyzers")
    hub = raw.get("securityhub_hub")
    ebs = raw.get("ebs_encryption_by_default")
    attributes = {
        "ebs_encryption_by_default": None if ebs is None else bool(ebs),
        "guardduty_enabled": None
        if detectors is None
        else any(d.get("Status") == "ENABLED" for d in detectors),
        "securityhub_enabled": None if hub is None else bool(hub.get("HubArn")),
        "config_recorder_enabled": _config_enabled(raw),
        "access_analyzer_enabled": None
        if analyzers is None
        else any(a.get("status") == "ACTIVE" for a in analyzers),
        "resource_count": 0,
    }
    region = scope.resource(
        region_arn(scope),
        "aws.region",
        scope.region,
        attributes,
        raw={k: v for k, v in raw.items() if k != "analyzer_findings"},
    )
    return [region, *accessanalyzer.to_resources(raw, scope)]


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the aws.region resource of this run's region."""
    return to_resources(fetch(ctx), ctx.scope)
