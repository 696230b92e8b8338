"""EC2: instances, volumes, snapshots, Elastic IPs, owned AMIs, and the VPC network.

Instances carry their subnet, VPC, security groups and the roles of their instance
profile (`runs_as`, looked up once per profile with iam:GetInstanceProfile). User data
is fetched per instance, decoded (base64, then gzip when compressed) and scanned for
secrets in memory: only `{location, kind, masked}` entries are stored, never the text.
Snapshot publicity is read per snapshot from its createVolumePermission attribute.
The network half (VPCs, subnets, route tables, gateways, ACLs, security groups) is
normalised by `scanner.collectors.aws.ec2_network`.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import logging
import threading
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from scanner.collectors.aws import iam
from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.collectors.aws.ec2_network import (
    network_resources,
    security_group_arn,
    subnet_arn,
    vpc_arn,
)
from scanner.collectors.aws.normalise import encrypted_by, iso, rel, tags_of
from scanner.collectors.secrets import scan_text
from scanner.model import Relation, Resource

__all__ = [
    "collect",
    "decode_user_data",
    "fetch",
    "instance_arn",
    "instance_vcpus",
    "to_resources",
]

logger = logging.getLogger(__name__)

_NAT_WINDOW = timedelta(days=30)
_TYPES_PER_CALL = 100  # DescribeInstanceTypes takes at most 100 names
_PROVISIONED_IOPS = frozenset({"io1", "io2", "gp3"})  # gp2's Iops is a derived baseline


def instance_arn(scope: Scope, instance_id: str) -> str:
    """The ARN of an instance."""
    return scope.arn("ec2", f"instance/{instance_id}")


def image_arn(scope: Scope, image_id: str) -> str:
    """The ARN of an AMI (AMI ARNs carry no account)."""
    return scope.arn("ec2", f"image/{image_id}", account="")


def decode_user_data(value: str | None) -> str:
    """User data as text: base64-decoded, gunzipped when compressed; '' when undecodable."""
    if not value:
        return ""
    try:
        data = base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        return ""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            logger.debug("user data looks gzipped but does not decompress")
    return data.decode("utf-8", errors="replace")


class _TypeCache:
    """Default vCPUs per instance type of one account and region, filled under its lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.vcpus: dict[str, int | None] = {}


def instance_vcpus(ctx: ServiceContext, instance_types: Iterable[Any]) -> dict[str, int | None]:
    """Default vCPUs of each instance type (DescribeInstanceTypes), None when unknown.

    Memoised per account and region (EC2 instances and Auto Scaling groups share it) and
    asked for 100 types a call. A type the call cannot describe stays None.
    """
    cache = ctx.state.memo(f"ec2:vcpus:{ctx.region}", _TypeCache)
    wanted = sorted({str(t) for t in instance_types if t})
    with cache.lock:
        missing = [t for t in wanted if t not in cache.vcpus]
        ec2 = ctx.client("ec2") if missing else None
        for offset in range(0, len(missing), _TYPES_PER_CALL):
            chunk = missing[offset : offset + _TYPES_PER_CALL]
            described = ctx.attempt(
                missing_as,
                ("InvalidInstanceType",),
                [],
                ctx.paginate,
                ec2,
                "describe_instance_types",
                "InstanceTypes",
                InstanceTypes=chunk,
            )
            for item in described or []:
                cpus = (item.get("VCpuInfo") or {}).get("DefaultVCpus")
                cache.vcpus[str(item.get("InstanceType"))] = cpus
            for name in chunk:  # unreadable or unknown: asked once, not again
                cache.vcpus.setdefault(name, None)
        return {t: cache.vcpus.get(t) for t in wanted}


def _nat_bytes(ctx: ServiceContext, nat_ids: list[str]) -> dict[str, int | None]:
    cloudwatch = ctx.client("cloudwatch")
    end = datetime.now(UTC).replace(microsecond=0)
    out: dict[str, int | None] = {}
    for nat_id in nat_ids:
        response = ctx.attempt(
            cloudwatch.get_metric_statistics,
            Namespace="AWS/NATGateway",
            MetricName="BytesOutToDestination",
            Dimensions=[{"Name": "NatGatewayId", "Value": nat_id}],
            StartTime=end - _NAT_WINDOW,
            EndTime=end,
            Period=int(_NAT_WINDOW.total_seconds()),
            Statistics=["Sum"],
        )
        points = (response or {}).get("Datapoints") or []
        # no datapoints: CloudWatch has nothing to say, which is not the same as 0 bytes
        out[nat_id] = int(sum(p.get("Sum", 0) for p in points)) if points else None
    return out


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw EC2 payloads of the region; a key is missing when its call failed."""
    ec2 = ctx.client("ec2")
    raw: dict[str, Any] = {}

    def listing(key: str, operation: str, result_key: str, **kwargs: Any) -> None:
        items = ctx.attempt(ctx.paginate, ec2, operation, result_key, **kwargs)
        if items is not None:
            raw[key] = items

    reservations = ctx.attempt(ctx.paginate, ec2, "describe_instances", "Reservations")
    if reservations is not None:
        raw["instances"] = [i for r in reservations for i in r.get("Instances") or []]
    listing("security_groups", "describe_security_groups", "SecurityGroups")
    listing("vpcs", "describe_vpcs", "Vpcs")
    listing("subnets", "describe_subnets", "Subnets")
    listing("route_tables", "describe_route_tables", "RouteTables")
    listing("internet_gateways", "describe_internet_gateways", "InternetGateways")
    listing("nat_gateways", "describe_nat_gateways", "NatGateways")
    listing("network_acls", "describe_network_acls", "NetworkAcls")
    listing("network_interfaces", "describe_network_interfaces", "NetworkInterfaces")
    listing("flow_logs", "describe_flow_logs", "FlowLogs")
    listing("volumes", "describe_volumes", "Volumes")
    listing("snapshots", "describe_snapshots", "Snapshots", OwnerIds=["self"])
    listing("addresses", "describe_addresses", "Addresses")
    listing("images", "describe_images", "Images", Owners=["self"])

    user_data: dict[str, str | None] = {}
    for instance in raw.get("instances") or []:
        if instance.get("State", {}).get("Name") == "terminated":
            continue
        iid = instance["InstanceId"]
        attribute = ctx.attempt(
            ec2.describe_instance_attribute, InstanceId=iid, Attribute="userData"
        )
        if attribute is not None:
            user_data[iid] = (attribute.get("UserData") or {}).get("Value")
    raw["user_data"] = user_data
    raw["vcpus"] = instance_vcpus(ctx, (i.get("InstanceType") for i in raw.get("instances") or []))

    profiles = {
        str(i["IamInstanceProfile"]["Arn"])
        for i in raw.get("instances") or []
        if (i.get("IamInstanceProfile") or {}).get("Arn")
    }
    raw["instance_profile_roles"] = {p: iam.instance_profile_roles(ctx, p) for p in profiles}

    public: dict[str, bool] = {}
    for snapshot in raw.get("snapshots") or []:
        sid = snapshot["SnapshotId"]
        permission = ctx.attempt(
            ec2.describe_snapshot_attribute, SnapshotId=sid, Attribute="createVolumePermission"
        )
        if permission is not None:
            public[sid] = any(
                p.get("Group") == "all" for p in permission.get("CreateVolumePermissions") or []
            )
    raw["snapshot_is_public"] = public

    nat_ids = [
        str(n["NatGatewayId"])
        for n in raw.get("nat_gateways") or []
        if n.get("State") == "available"
    ]
    raw["nat_bytes_out_30d"] = _nat_bytes(ctx, nat_ids)
    return raw


def _root_volume_encrypted(
    instance: Mapping[str, Any], encrypted: Mapping[str, bool]
) -> bool | None:
    root = instance.get("RootDeviceName")
    for mapping in instance.get("BlockDeviceMappings") or []:
        if mapping.get("DeviceName") == root:
            volume_id = (mapping.get("Ebs") or {}).get("VolumeId")
            return encrypted.get(str(volume_id)) if volume_id else None
    return None


def _instance(
    instance: dict[str, Any],
    raw: Mapping[str, Any],
    encrypted: Mapping[str, bool],
    scope: Scope,
) -> Resource:
    iid = str(instance["InstanceId"])
    tags = tags_of(instance.get("Tags"))
    relations: list[Relation] = []
    if instance.get("SubnetId"):
        relations.append(rel("in_subnet", subnet_arn(scope, str(instance["SubnetId"]))))
    if instance.get("VpcId"):
        relations.append(rel("in_vpc", vpc_arn(scope, str(instance["VpcId"]))))
    for group in instance.get("SecurityGroups") or []:
        relations.append(rel("protected_by", security_group_arn(scope, str(group["GroupId"]))))
    profile = (instance.get("IamInstanceProfile") or {}).get("Arn")
    for role in (raw.get("instance_profile_roles") or {}).get(profile, []) if profile else []:
        relations.append(rel("runs_as", role, {"instance_profile": profile}))
    if instance.get("ImageId"):
        relations.append(rel("uses_image", image_arn(scope, str(instance["ImageId"]))))
    user_data: Mapping[str, str | None] = raw.get("user_data") or {}
    secrets: list[dict[str, str]] | None = None
    if iid in user_data:
        secrets = scan_text(decode_user_data(user_data[iid]), "user_data")
    options = instance.get("MetadataOptions") or {}
    attributes = {
        "instance_type": instance.get("InstanceType"),
        "state": (instance.get("State") or {}).get("Name"),
        "launch_time": iso(instance.get("LaunchTime")),
        "image_id": instance.get("ImageId"),
        "public_ip": instance.get("PublicIpAddress"),
        "private_ip": instance.get("PrivateIpAddress"),
        "availability_zone": (instance.get("Placement") or {}).get("AvailabilityZone"),
        "imds": {
            "http_tokens": options.get("HttpTokens"),
            "http_endpoint": options.get("HttpEndpoint"),
        }
        if options
        else None,
        "iam_instance_profile": profile,
        "monitoring": (instance.get("Monitoring") or {}).get("State"),
        "secrets": secrets,
        "root_volume_encrypted": _root_volume_encrypted(instance, encrypted),
        "vcpus": (raw.get("vcpus") or {}).get(str(instance.get("InstanceType"))),
    }
    return scope.resource(
        instance_arn(scope, iid),
        "aws.ec2.instance",
        tags.get("Name") or iid,
        attributes,
        relations,
        tags=tags,
        raw=instance,
    )


def _volume(volume: dict[str, Any], scope: Scope) -> Resource:
    vid = str(volume["VolumeId"])
    tags = tags_of(volume.get("Tags"))
    key = scope.kms_key_arn(volume.get("KmsKeyId"))
    relations = [
        rel("attached_to", instance_arn(scope, str(a["InstanceId"])))
        for a in volume.get("Attachments") or []
        if a.get("InstanceId")
    ]
    relations += encrypted_by(key)
    attributes = {
        "volume_type": volume.get("VolumeType"),
        "size_gb": volume.get("Size"),
        "state": volume.get("State"),
        "encrypted": bool(volume.get("Encrypted")),
        "kms_key_id": key,
        "created_at": iso(volume.get("CreateTime")),
        "iops": volume.get("Iops") if volume.get("VolumeType") in _PROVISIONED_IOPS else None,
    }
    return scope.resource(
        scope.arn("ec2", f"volume/{vid}"),
        "aws.ec2.volume",
        tags.get("Name") or vid,
        attributes,
        relations,
        tags=tags,
        raw=volume,
    )


def _snapshot(snapshot: dict[str, Any], public: Mapping[str, bool], scope: Scope) -> Resource:
    sid = str(snapshot["SnapshotId"])
    tags = tags_of(snapshot.get("Tags"))
    key = scope.kms_key_arn(snapshot.get("KmsKeyId"))
    attributes = {
        "volume_size_gb": snapshot.get("VolumeSize"),
        "encrypted": bool(snapshot.get("Encrypted")),
        "is_public": public.get(sid),
        "created_at": iso(snapshot.get("StartTime")),
    }
    return scope.resource(
        scope.arn("ec2", f"snapshot/{sid}", account=""),
        "aws.ec2.snapshot",
        tags.get("Name") or sid,
        attributes,
        encrypted_by(key),
        tags=tags,
        raw=snapshot,
    )


def _address(address: dict[str, Any], scope: Scope) -> Resource:
    allocation = str(address.get("AllocationId") or address.get("PublicIp"))
    tags = tags_of(address.get("Tags"))
    relations = (
        [rel("attached_to", instance_arn(scope, str(address["InstanceId"])))]
        if address.get("InstanceId")
        else []
    )
    attributes = {
        "public_ip": address.get("PublicIp"),
        "association_id": address.get("AssociationId"),
    }
    return scope.resource(
        scope.arn("ec2", f"elastic-ip/{allocation}"),
        "aws.ec2.eip",
        tags.get("Name") or str(address.get("PublicIp") or allocation),
        attributes,
        relations,
        tags=tags,
        raw=address,
    )


def _image(image: dict[str, Any], scope: Scope) -> Resource:
    image_id = str(image["ImageId"])
    tags = tags_of(image.get("Tags"))
    attributes = {
        "is_public": bool(image.get("Public")),
        "created_at": iso(image.get("CreationDate")),
    }
    return scope.resource(
        image_arn(scope, image_id),
        "aws.ec2.image",
        str(image.get("Name") or image_id),
        attributes,
        tags=tags,
        raw=image,
    )


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """Instances, volumes, snapshots, addresses and images, plus the network resources."""
    volumes = raw.get("volumes") or []
    encrypted = {str(v["VolumeId"]): bool(v.get("Encrypted")) for v in volumes}
    out = network_resources(raw, scope)
    out += [_instance(i, raw, encrypted, scope) for i in raw.get("instances") or []]
    out += [_volume(v, scope) for v in volumes]
    public: Mapping[str, bool] = raw.get("snapshot_is_public") or {}
    out += [_snapshot(s, public, scope) for s in raw.get("snapshots") or []]
    out += [_address(a, scope) for a in raw.get("addresses") or []]
    out += [_image(i, scope) for i in raw.get("images") or []]
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect EC2 and VPC resources of one region."""
    return to_resources(fetch(ctx), ctx.scope)
