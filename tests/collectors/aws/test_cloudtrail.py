"""CloudTrail trails: status and event selectors (basic and advanced)."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.collectors.aws.cloudtrail import selector_coverage

from .conftest import Moto, targets


@pytest.mark.parametrize(
    ("selectors", "management", "data"),
    [
        (
            {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]},
            True,
            (False, False),
        ),
        (
            {"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]},
            False,
            (False, False),
        ),
        (
            {
                "EventSelectors": [
                    {
                        "ReadWriteType": "ReadOnly",
                        "IncludeManagementEvents": False,
                        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
                    },
                    {
                        "ReadWriteType": "All",
                        "IncludeManagementEvents": True,
                        "DataResources": [
                            {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::one/"]}
                        ],
                    },
                ]
            },
            True,
            (True, False),
        ),
        (
            {
                "AdvancedEventSelectors": [
                    {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
                    {
                        "FieldSelectors": [
                            {"Field": "eventCategory", "Equals": ["Data"]},
                            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                            {"Field": "readOnly", "Equals": ["false"]},
                        ]
                    },
                ]
            },
            True,
            (False, True),
        ),
    ],
)
def test_selector_coverage(
    selectors: dict[str, Any], management: bool, data: tuple[bool, bool]
) -> None:
    assert selector_coverage(selectors) == (management, {"read": data[0], "write": data[1]})


def test_collects_trails(moto: Moto, collect: Any) -> None:
    moto.client("s3").create_bucket(Bucket="trail-bucket")
    key = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    cloudtrail = moto.client("cloudtrail")
    cloudtrail.create_trail(
        Name="org",
        S3BucketName="trail-bucket",
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        KmsKeyId=key,
    )
    cloudtrail.start_logging(Name="org")
    cloudtrail.put_event_selectors(
        TrailName="org",
        EventSelectors=[
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            }
        ],
    )
    cloudtrail.create_trail(Name="idle", S3BucketName="trail-bucket")
    snap = collect("--services", "cloudtrail", "--regions", "us-east-1,eu-west-1")
    assert snap.errors() == []
    trails = {t["name"]: t for t in snap.of_type("aws.cloudtrail.trail")}
    assert set(trails) == {"org", "idle"}  # once each, in the home region only
    org = trails["org"]["attributes"]
    assert org["is_multi_region"] and org["is_logging"] and org["log_file_validation"]
    assert org["include_management_events"] is True
    assert org["s3_data_events"] == {"read": True, "write": True}
    assert org["kms_key_id"] == key
    assert targets(trails["org"], "logs_to") == ["arn:aws:s3:::trail-bucket"]
    assert targets(trails["org"], "encrypted_by") == [key]
    idle = trails["idle"]["attributes"]
    assert idle["is_logging"] is False and idle["is_multi_region"] is False
    assert idle["kms_key_id"] is None
