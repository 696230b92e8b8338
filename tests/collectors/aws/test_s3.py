"""S3 buckets: access, encryption, versioning, logging, lifecycle, object lock, regions."""

from __future__ import annotations

import json
from typing import Any

from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.s3 import bucket_region, to_resources

from .conftest import ACCOUNT, REGION, Moto, targets

PUBLIC_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::www/*",
        }
    ],
}


def test_bucket_region() -> None:
    assert bucket_region(None) == "us-east-1"
    assert bucket_region("EU") == "eu-west-1"
    assert bucket_region("ap-south-1") == "ap-south-1"


def test_unreadable_settings_stay_unknown() -> None:
    raw = {"buckets": [{"Name": "b", "region": "eu-west-1", "policy": None}]}
    [bucket] = to_resources(raw, Scope(account=ACCOUNT, region=REGION, is_global=True))
    assert bucket.region == "eu-west-1"
    attrs = bucket.attributes
    assert attrs["is_public_by_policy"] is False and attrs["policy"] is None
    assert attrs["is_public_by_acl"] is None and attrs["acl_grants"] is None
    assert attrs["versioning"] is None and attrs["mfa_delete"] is None
    assert attrs["object_lock_enabled"] is None and attrs["lifecycle_rule_count"] is None


def test_collects_buckets_with_every_setting(moto: Moto, collect: Any) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="www")
    s3.put_bucket_policy(Bucket="www", Policy=json.dumps(PUBLIC_POLICY))
    s3.create_bucket(Bucket="acl-public")
    s3.put_bucket_acl(Bucket="acl-public", ACL="public-read")
    s3.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
    s3.put_bucket_encryption(
        Bucket="locked",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket="locked",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Expiration": {"Days": 30},
                }
            ]
        },
    )
    s3.put_bucket_tagging(Bucket="locked", Tagging={"TagSet": [{"Key": "Team", "Value": "data"}]})
    s3.put_bucket_ownership_controls(
        Bucket="locked",
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    )
    s3.create_bucket(Bucket="logs")
    s3.put_bucket_acl(Bucket="logs", ACL="log-delivery-write")
    s3.put_bucket_logging(
        Bucket="locked",
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": "l/"}},
    )
    moto.client("s3", "eu-west-1").create_bucket(
        Bucket="in-ireland", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )

    snap = collect("--services", "s3", "--regions", f"{REGION},eu-west-1")
    assert snap.errors() == []
    www = snap.named("aws.s3.bucket", "www")["attributes"]
    assert www["is_public_by_policy"] is True and www["is_public_by_acl"] is False
    assert www["policy"] == PUBLIC_POLICY
    assert www["secure_transport_enforced"] is False
    assert www["public_access_block"] is None
    assert www["encryption"] is None or www["encryption"]["algorithm"] == "AES256"
    assert www["versioning"] is None

    acl = snap.named("aws.s3.bucket", "acl-public")["attributes"]
    assert acl["is_public_by_acl"] is True
    assert {"grantee": "AllUsers", "permission": "READ"} in acl["acl_grants"]

    locked = snap.named("aws.s3.bucket", "locked")
    attrs = locked["attributes"]
    assert attrs["object_lock_enabled"] is True
    assert attrs["versioning"] == "Enabled"  # object lock turns versioning on
    assert attrs["mfa_delete"] is False
    assert attrs["encryption"] == {
        "algorithm": "AES256",
        "kms_key_id": None,
        "bucket_key_enabled": False,
    }
    assert attrs["lifecycle_rule_count"] == 1
    assert attrs["object_ownership"] == "BucketOwnerEnforced"
    assert acl["object_ownership"] == "ObjectWriter"  # no ownership controls
    assert attrs["logging_target"] == "logs"
    assert targets(locked, "logs_to") == ["arn:aws:s3:::logs"]
    assert locked["tags"] == {"Team": "data"}
    assert locked["id"] == "arn:aws:s3:::locked" and locked["region"] == REGION

    assert snap.named("aws.s3.bucket", "in-ireland")["region"] == "eu-west-1"
    only_us = collect("--services", "s3", "--regions", REGION)
    assert "in-ireland" not in {b["name"] for b in only_us.of_type("aws.s3.bucket")}


def test_kms_encrypted_bucket_relates_to_its_key(moto: Moto, collect: Any) -> None:
    key = moto.client("kms").create_key()["KeyMetadata"]
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="sealed")
    s3.put_bucket_encryption(
        Bucket="sealed",
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key["KeyId"],
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    snap = collect("--services", "s3", "--regions", REGION)
    bucket = snap.named("aws.s3.bucket", "sealed")
    assert bucket["attributes"]["encryption"] == {
        "algorithm": "aws:kms",
        "kms_key_id": key["Arn"],
        "bucket_key_enabled": True,
    }
    assert targets(bucket, "encrypted_by") == [key["Arn"]]


def test_many_buckets_are_read_in_parallel_pieces(moto: Moto, tmp_path: Any) -> None:
    from scanner.collectors.aws import CollectOptions, ProgressEvent, collect_aws
    from scanner.snapshot import open_snapshot

    s3 = moto.client("s3")
    for i in range(25):  # two pieces of 20 and 5 buckets
        s3.create_bucket(Bucket=f"bucket-{i:02d}")
    events: list[ProgressEvent] = []
    manifest = collect_aws(
        tmp_path / "snap",
        CollectOptions(
            endpoint_url=moto.endpoint, regions=(REGION,), services=("s3",), max_attempts=1
        ),
        progress=events.append,
    )
    assert manifest.errors == [] and manifest.resource_count == 25
    names = {r["name"] for r in open_snapshot(tmp_path / "snap").iter_resources()}
    assert names == {f"bucket-{i:02d}" for i in range(25)}
    assert sorted((e.service, e.resources) for e in events) == [("s3", 0), ("s3", 5), ("s3", 20)]
    assert events[-1].done == events[-1].total == 3
