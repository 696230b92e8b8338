"""RDS: database instances, Aurora clusters, and manual snapshots (instance and cluster).

Instances carry their security groups, VPC, every subnet of their DB subnet group
(`in_subnet`) and their KMS key. Snapshot publicity is the `restore` attribute holding
`all`, read per manual snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.ec2_network import security_group_arn, subnet_arn, vpc_arn
from scanner.collectors.aws.normalise import encrypted_by, iso, rel, tags_of
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "to_resources"]


def _public_restore(attributes: Mapping[str, Any] | None, key: str) -> bool | None:
    if attributes is None:
        return None
    result = attributes.get(key) or {}
    return any(
        "all" in (a.get("AttributeValues") or [])
        for a in result.get("DBSnapshotAttributes")
        or result.get("DBClusterSnapshotAttributes")
        or []
        if a.get("AttributeName") == "restore"
    )


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw RDS payloads of the region; a key is missing when its call failed."""
    rds = ctx.client("rds")
    raw: dict[str, Any] = {}
    for key, operation, result_key, kwargs in (
        ("instances", "describe_db_instances", "DBInstances", {}),
        ("clusters", "describe_db_clusters", "DBClusters", {}),
        ("snapshots", "describe_db_snapshots", "DBSnapshots", {"SnapshotType": "manual"}),
        (
            "cluster_snapshots",
            "describe_db_cluster_snapshots",
            "DBClusterSnapshots",
            {"SnapshotType": "manual"},
        ),
    ):
        items = ctx.attempt(ctx.paginate, rds, operation, result_key, **kwargs)
        if items is not None:
            raw[key] = items
    public: dict[str, bool | None] = {}
    for snapshot in raw.get("snapshots") or []:
        sid = snapshot["DBSnapshotIdentifier"]
        result = ctx.attempt(rds.describe_db_snapshot_attributes, DBSnapshotIdentifier=sid)
        public[snapshot["DBSnapshotArn"]] = _public_restore(result, "DBSnapshotAttributesResult")
    for snapshot in raw.get("cluster_snapshots") or []:
        sid = snapshot["DBClusterSnapshotIdentifier"]
        result = ctx.attempt(
            rds.describe_db_cluster_snapshot_attributes, DBClusterSnapshotIdentifier=sid
        )
        public[snapshot["DBClusterSnapshotArn"]] = _public_restore(
            result, "DBClusterSnapshotAttributesResult"
        )
    raw["snapshot_is_public"] = public
    return raw


def _key(value: Any, scope: Scope) -> str | None:
    return scope.kms_key_arn(value)


def _instance(db: dict[str, Any], scope: Scope) -> Resource:
    key = _key(db.get("KmsKeyId"), scope)
    group = db.get("DBSubnetGroup") or {}
    relations: list[Relation] = [
        rel("protected_by", security_group_arn(scope, str(g["VpcSecurityGroupId"])))
        for g in db.get("VpcSecurityGroups") or []
        if g.get("VpcSecurityGroupId")
    ]
    if group.get("VpcId"):
        relations.append(rel("in_vpc", vpc_arn(scope, str(group["VpcId"]))))
    relations += [
        rel("in_subnet", subnet_arn(scope, str(s["SubnetIdentifier"])))
        for s in group.get("Subnets") or []
        if s.get("SubnetIdentifier")
    ]
    relations += encrypted_by(key)
    if db.get("DBClusterIdentifier"):
        relations.append(rel("member_of", scope.arn("rds", f"cluster:{db['DBClusterIdentifier']}")))
    attributes = {
        "engine": db.get("Engine"),
        "engine_version": db.get("EngineVersion"),
        "instance_class": db.get("DBInstanceClass"),
        "storage_encrypted": bool(db.get("StorageEncrypted")),
        "kms_key_id": key,
        "publicly_accessible": bool(db.get("PubliclyAccessible")),
        "multi_az": bool(db.get("MultiAZ")),
        "backup_retention_days": db.get("BackupRetentionPeriod"),
        "deletion_protection": bool(db.get("DeletionProtection")),
        "auto_minor_version_upgrade": db.get("AutoMinorVersionUpgrade"),
        "iam_auth_enabled": bool(db.get("IAMDatabaseAuthenticationEnabled")),
        "allocated_storage_gb": db.get("AllocatedStorage"),
        "cluster_id": db.get("DBClusterIdentifier"),
        "max_allocated_storage_gb": db.get("MaxAllocatedStorage"),
        "iops": db.get("Iops"),
    }
    name = str(db["DBInstanceIdentifier"])
    return scope.resource(
        str(db.get("DBInstanceArn") or scope.arn("rds", f"db:{name}")),
        "aws.rds.instance",
        name,
        attributes,
        relations,
        tags=tags_of(db.get("TagList")),
        raw=db,
    )


def _cluster(cluster: dict[str, Any], scope: Scope) -> Resource:
    key = _key(cluster.get("KmsKeyId"), scope)
    relations: list[Relation] = [
        rel("protected_by", security_group_arn(scope, str(g["VpcSecurityGroupId"])))
        for g in cluster.get("VpcSecurityGroups") or []
        if g.get("VpcSecurityGroupId")
    ]
    relations += encrypted_by(key)
    attributes = {
        "engine": cluster.get("Engine"),
        "engine_version": cluster.get("EngineVersion"),
        "storage_encrypted": bool(cluster.get("StorageEncrypted")),
        "kms_key_id": key,
        "publicly_accessible": cluster.get("PubliclyAccessible"),
        "multi_az": bool(cluster.get("MultiAZ")),
        "backup_retention_days": cluster.get("BackupRetentionPeriod"),
        "deletion_protection": bool(cluster.get("DeletionProtection")),
        "iam_auth_enabled": bool(cluster.get("IAMDatabaseAuthenticationEnabled")),
        "member_count": len(cluster.get("DBClusterMembers") or []),
    }
    name = str(cluster["DBClusterIdentifier"])
    return scope.resource(
        str(cluster.get("DBClusterArn") or scope.arn("rds", f"cluster:{name}")),
        "aws.rds.cluster",
        name,
        attributes,
        relations,
        tags=tags_of(cluster.get("TagList")),
        raw=cluster,
    )


def _snapshot(
    snapshot: dict[str, Any], public: Mapping[str, bool | None], scope: Scope, *, cluster: bool
) -> Resource:
    arn_key, id_key = (
        ("DBClusterSnapshotArn", "DBClusterSnapshotIdentifier")
        if cluster
        else ("DBSnapshotArn", "DBSnapshotIdentifier")
    )
    arn = str(snapshot[arn_key])
    encrypted = snapshot.get("StorageEncrypted", snapshot.get("Encrypted"))
    key = _key(snapshot.get("KmsKeyId"), scope)
    attributes = {
        "is_public": public.get(arn),
        "encrypted": bool(encrypted),
        "created_at": iso(snapshot.get("SnapshotCreateTime")),
        "source": "cluster" if cluster else "instance",
    }
    return scope.resource(
        arn,
        "aws.rds.snapshot",
        str(snapshot[id_key]),
        attributes,
        encrypted_by(key),
        tags=tags_of(snapshot.get("TagList")),
        raw=snapshot,
    )


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """Instances, clusters and manual snapshots."""
    public: Mapping[str, bool | None] = raw.get("snapshot_is_public") or {}
    out = [_instance(db, scope) for db in raw.get("instances") or []]
    out += [_cluster(c, scope) for c in raw.get("clusters") or []]
    out += [_snapshot(s, public, scope, cluster=False) for s in raw.get("snapshots") or []]
    out += [_snapshot(s, public, scope, cluster=True) for s in raw.get("cluster_snapshots") or []]
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's RDS resources."""
    return to_resources(fetch(ctx), ctx.scope)
