"""The configuration attributes capacity rules read: vCPUs, IOPS, ceilings, concurrency."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from .conftest import Moto
from .estate import LAMBDA_TRUST, _zip
from .test_collect import library_collect, resources

IMAGE = "ami-12c6146b"


def _by_name(out: Path, rtype: str) -> dict[str, dict[str, Any]]:
    return {r["name"]: r["attributes"] for r in resources(out) if r["type"] == rtype}


def test_auto_scaling_groups_know_their_instance_type(moto: Moto, tmp_path: Path) -> None:
    ec2, autoscaling = moto.client("ec2"), moto.client("autoscaling")
    template = ec2.create_launch_template(
        LaunchTemplateName="web",
        LaunchTemplateData={"ImageId": IMAGE, "InstanceType": "c5.xlarge"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling.create_launch_configuration(
        LaunchConfigurationName="old", ImageId=IMAGE, InstanceType="m5.large"
    )
    common = {"MinSize": 0, "MaxSize": 4, "AvailabilityZones": ["us-east-1a"]}
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="by-template",
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        **common,
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="by-configuration", LaunchConfigurationName="old", **common
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="mixed",
        MixedInstancesPolicy={
            "LaunchTemplate": {
                "LaunchTemplateSpecification": {"LaunchTemplateId": template},
                "Overrides": [{"InstanceType": "c5.large"}, {"InstanceType": "m5.large"}],
            }
        },
        **common,
    )
    ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1, InstanceType="c5.xlarge")
    calls: Counter[tuple[str, str]] = Counter()
    manifest, out = library_collect(
        moto,
        tmp_path,
        services=("autoscaling", "ec2"),
        max_workers=1,
        on_api_call=lambda service, operation: calls.update([(service, operation)]),
    )
    assert manifest.errors == []
    groups = _by_name(out, "aws.autoscaling.group")
    assert (
        groups["by-template"]["instance_type"],
        groups["by-template"]["vcpus_per_instance"],
    ) == (
        "c5.xlarge",
        4,
    )
    assert (
        groups["by-configuration"]["instance_type"],
        groups["by-configuration"]["vcpus_per_instance"],
    ) == ("m5.large", 2)
    assert (groups["mixed"]["instance_type"], groups["mixed"]["vcpus_per_instance"]) == (None, None)
    [instance] = _by_name(out, "aws.ec2.instance").values()
    assert instance["vcpus"] == 4
    # one account and region: each type is described once, in one batch per run at most
    assert calls[("ec2", "DescribeInstanceTypes")] <= 2


def test_volume_iops_database_ceiling_and_function_concurrency(moto: Moto, tmp_path: Path) -> None:
    ec2 = moto.client("ec2")
    ec2.create_volume(Size=100, AvailabilityZone="us-east-1a", VolumeType="io1", Iops=3000)
    ec2.create_volume(Size=8, AvailabilityZone="us-east-1a", VolumeType="gp2")
    rds = moto.client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="grows",
        DBInstanceClass="db.m5.large",
        Engine="postgres",
        AllocatedStorage=100,
        MaxAllocatedStorage=500,
        Iops=3000,
        StorageType="io1",
        MasterUsername="admin",
        MasterUserPassword="Zx9kLm2pQ7rTw",
    )
    role = moto.client("iam").create_role(
        RoleName="fn", AssumeRolePolicyDocument=str(LAMBDA_TRUST).replace("'", '"')
    )["Role"]["Arn"]
    lam = moto.client("lambda")
    for name in ("reserved", "shared"):
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": _zip()},
        )
    lam.put_function_concurrency(FunctionName="reserved", ReservedConcurrentExecutions=25)
    manifest, out = library_collect(moto, tmp_path, services=("ec2", "rds", "lambda"))
    assert manifest.errors == []
    volumes = sorted(
        (a["volume_type"], a["iops"]) for a in _by_name(out, "aws.ec2.volume").values()
    )
    assert volumes == [("gp2", None), ("io1", 3000)]
    db = _by_name(out, "aws.rds.instance")["grows"]
    assert (db["max_allocated_storage_gb"], db["iops"]) == (500, 3000)
    functions = _by_name(out, "aws.lambda.function")
    assert functions["reserved"]["reserved_concurrency"] == 25
    assert functions["shared"]["reserved_concurrency"] is None
