"""EC2 and VPC: normalisers on hand-shaped payloads, and collection from a seeded moto."""

from __future__ import annotations

import base64
import gzip
from typing import Any

from scanner.collectors.aws.context import Scope
from scanner.collectors.aws.ec2 import decode_user_data, to_resources
from scanner.collectors.aws.ec2_network import internet_routed_subnets, security_group_rules

from .conftest import ACCOUNT, REGION, Moto

SCOPE = Scope(account=ACCOUNT, region=REGION)
USER_DATA = "#!/bin/bash\nyum install -y nginx\nexport DB_PASSWORD=Zx9kLm2pQ7rTw\n"


def rel_targets(resource: dict[str, Any], kind: str) -> list[str]:
    return [r["target"] for r in resource["relations"] if r["type"] == kind]


# ---------------------------------------------------------------------- pure normalisers
def test_security_group_rules_flatten_one_entry_per_source() -> None:
    permissions: list[dict[str, Any]] = [
        {
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}],
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": ACCOUNT}],
            "PrefixListIds": [{"PrefixListId": "pl-1"}],
        },
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    ]
    rules = security_group_rules(permissions)
    assert [(r["source"], r["source_type"]) for r in rules] == [
        ("0.0.0.0/0", "cidr4"),
        ("::/0", "cidr6"),
        ("sg-1", "group"),
        ("pl-1", "prefix_list"),
        ("10.0.0.0/8", "cidr4"),
    ]
    assert rules[0] == {
        "protocol": "tcp",
        "from_port": 22,
        "to_port": 22,
        "source": "0.0.0.0/0",
        "source_type": "cidr4",
        "description": "ssh",
    }
    assert rules[-1]["from_port"] is None and rules[-1]["protocol"] == "-1"


def test_internet_route_from_explicit_association_or_main_table() -> None:
    subnets = [
        {"SubnetId": "subnet-pub", "VpcId": "vpc-1"},
        {"SubnetId": "subnet-priv", "VpcId": "vpc-1"},
        {"SubnetId": "subnet-main", "VpcId": "vpc-2"},
    ]
    tables: list[dict[str, Any]] = [
        {
            "VpcId": "vpc-1",
            "Associations": [{"SubnetId": "subnet-pub"}],
            "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}],
        },
        {
            "VpcId": "vpc-1",
            "Associations": [{"Main": True}],
            "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"}],
        },
        {
            "VpcId": "vpc-2",
            "Associations": [{"Main": True}],
            "Routes": [
                {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-2", "State": "active"}
            ],
        },
    ]
    assert internet_routed_subnets(tables, subnets) == {
        "subnet-pub": True,
        "subnet-priv": False,
        "subnet-main": True,
    }
    blackhole = [dict(tables[0], Routes=[dict(tables[0]["Routes"][0], State="blackhole")])]
    assert internet_routed_subnets(blackhole, subnets[:1]) == {"subnet-pub": False}


def test_decode_user_data_plain_and_gzipped() -> None:
    plain = base64.b64encode(USER_DATA.encode()).decode()
    zipped = base64.b64encode(gzip.compress(USER_DATA.encode())).decode()
    assert decode_user_data(plain) == USER_DATA
    assert decode_user_data(zipped) == USER_DATA
    assert decode_user_data(None) == ""


def test_instance_secrets_are_masked_and_user_data_is_not_kept() -> None:
    raw = {
        "instances": [
            {
                "InstanceId": "i-1",
                "State": {"Name": "running"},
                "SubnetId": "subnet-1",
                "VpcId": "vpc-1",
                "SecurityGroups": [{"GroupId": "sg-1"}],
                "IamInstanceProfile": {"Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/web"},
                "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
                "RootDeviceName": "/dev/xvda",
                "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeId": "vol-1"}}],
                "Tags": [{"Key": "Name", "Value": "web-1"}],
            }
        ],
        "volumes": [{"VolumeId": "vol-1", "Encrypted": True, "Size": 8}],
        "user_data": {"i-1": base64.b64encode(USER_DATA.encode()).decode()},
        "instance_profile_roles": {
            f"arn:aws:iam::{ACCOUNT}:instance-profile/web": [f"arn:aws:iam::{ACCOUNT}:role/web"]
        },
    }
    resources = {r.id: r for r in to_resources(raw, SCOPE)}
    instance = resources[f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-1"]
    assert instance.name == "web-1"
    assert instance.attributes["secrets"] == [
        {"location": "user_data line 3", "kind": "Secret Keyword", "masked": "Zx**********"}
    ]
    assert instance.attributes["root_volume_encrypted"] is True
    assert instance.attributes["imds"] == {"http_tokens": "required", "http_endpoint": "enabled"}
    kinds = {(r.type, r.target) for r in instance.relations}
    assert ("runs_as", f"arn:aws:iam::{ACCOUNT}:role/web") in kinds
    assert ("protected_by", f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-1") in kinds
    assert ("in_subnet", f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-1") in kinds
    text = instance.model_dump_json()
    assert "Zx9kLm2pQ7rTw" not in text and "nginx" not in text


# ---------------------------------------------------------------------- against moto
def seed_network(moto: Moto) -> dict[str, str]:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=public)
    ssh = ec2.create_security_group(GroupName="ssh-open", Description="ssh", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=ssh,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    app = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=app,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8080,
                "UserIdGroupPairs": [{"GroupId": ssh}],
                "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
            }
        ],
    )
    return {"vpc": vpc, "public": public, "private": private, "igw": igw, "ssh": ssh, "app": app}


def test_collects_network_instances_volumes_and_relations(moto: Moto, collect: Any) -> None:
    net = seed_network(moto)
    ec2 = moto.client("ec2")
    iam = moto.client("iam")
    iam.create_role(RoleName="web", AssumeRolePolicyDocument="{}")
    iam.create_instance_profile(InstanceProfileName="web")
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")
    image = ec2.register_image(Name="base", RootDeviceName="/dev/xvda")["ImageId"]
    instance = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        SubnetId=net["public"],
        SecurityGroupIds=[net["ssh"]],
        UserData=USER_DATA,
        IamInstanceProfile={"Name": "web"},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-1"}]}
        ],
    )["Instances"][0]["InstanceId"]
    plain = ec2.create_volume(Size=10, AvailabilityZone=f"{REGION}a", VolumeType="gp2")["VolumeId"]
    sealed = ec2.create_volume(
        Size=20, AvailabilityZone=f"{REGION}a", VolumeType="gp3", Encrypted=True
    )["VolumeId"]
    ec2.attach_volume(VolumeId=sealed, InstanceId=instance, Device="/dev/sdf")
    snap = ec2.create_snapshot(VolumeId=plain)["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=snap,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    private_snap = ec2.create_snapshot(VolumeId=sealed)["SnapshotId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.allocate_address(Domain="vpc")  # idle

    snap_dir = collect("--regions", REGION, "--services", "ec2")
    assert snap_dir.errors() == []
    vpc_arn = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{net['vpc']}"

    subnets = {r["id"].rsplit("/", 1)[-1]: r for r in snap_dir.of_type("aws.ec2.subnet")}
    assert subnets[net["public"]]["attributes"]["has_internet_route"] is True
    assert subnets[net["private"]]["attributes"]["has_internet_route"] is False
    assert rel_targets(subnets[net["public"]], "in_vpc") == [vpc_arn]

    groups = {r["attributes"]["group_id"]: r for r in snap_dir.of_type("aws.ec2.security_group")}
    ssh = groups[net["ssh"]]
    assert ssh["name"] == "ssh-open"
    assert {"protocol": "tcp", "from_port": 22, "to_port": 22} in [
        r["properties"] for r in ssh["relations"] if r["target"] == "internet"
    ]
    assert ssh["attributes"]["attachment_count"] == 1
    app = groups[net["app"]]
    assert "internet" not in rel_targets(app, "allows_from")
    assert rel_targets(app, "allows_from") == [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{net['ssh']}"
    ]

    web = snap_dir.named("aws.ec2.instance", "web-1")
    assert web["attributes"]["state"] == "running"
    assert web["attributes"]["secrets"] == [
        {"location": "user_data line 3", "kind": "Secret Keyword", "masked": "Zx**********"}
    ]
    assert rel_targets(web, "runs_as") == [f"arn:aws:iam::{ACCOUNT}:role/web"]
    assert rel_targets(web, "in_subnet") == [subnets[net["public"]]["id"]]
    assert rel_targets(web, "protected_by") == [ssh["id"]]
    assert rel_targets(web, "in_vpc") == [vpc_arn]
    assert rel_targets(web, "uses_image") == [f"arn:aws:ec2:{REGION}::image/{image}"]

    volumes = {r["id"].rsplit("/", 1)[-1]: r for r in snap_dir.of_type("aws.ec2.volume")}
    assert volumes[plain]["attributes"]["encrypted"] is False
    assert volumes[plain]["attributes"]["volume_type"] == "gp2"
    assert volumes[plain]["attributes"]["state"] == "available"
    assert volumes[sealed]["attributes"]["encrypted"] is True
    assert rel_targets(volumes[sealed], "attached_to") == [web["id"]]

    snapshots = {r["id"].rsplit("/", 1)[-1]: r for r in snap_dir.of_type("aws.ec2.snapshot")}
    assert snapshots[snap]["attributes"]["is_public"] is True
    assert snapshots[private_snap]["attributes"]["is_public"] is False

    eips = snap_dir.of_type("aws.ec2.eip")
    assert len(eips) == 2
    assert {e["id"].rsplit("/", 1)[-1] for e in eips} >= {allocation}
    assert all(e["attributes"]["association_id"] is None for e in eips)

    images = snap_dir.of_type("aws.ec2.image")
    assert [i["name"] for i in images] == ["base"]
    assert rel_targets(snap_dir.of_type("aws.ec2.internet_gateway")[0], "in_vpc") == [vpc_arn]

    dump = "\n".join(str(r) for r in snap_dir.resources())
    assert "Zx9kLm2pQ7rTw" not in dump and "yum install" not in dump
