"""RDS: instances with their network, clusters, and manual snapshots."""

from __future__ import annotations

from typing import Any

from .conftest import ACCOUNT, REGION, Moto, targets


def test_collects_instances_clusters_and_snapshots(moto: Moto, collect: Any) -> None:
    ec2 = moto.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.5.{i}.0/24", AvailabilityZone=f"{REGION}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in ((1, "a"), (2, "b"))
    ]
    group = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    rds = moto.client("rds")
    rds.create_db_subnet_group(
        DBSubnetGroupName="db", DBSubnetGroupDescription="db", SubnetIds=subnets
    )
    key = moto.client("kms").create_key()["KeyMetadata"]["Arn"]
    rds.create_db_instance(
        DBInstanceIdentifier="orders",
        DBInstanceClass="db.m5.large",
        Engine="postgres",
        AllocatedStorage=100,
        MasterUsername="admin",
        MasterUserPassword="NotARealPassword1",
        DBSubnetGroupName="db",
        VpcSecurityGroupIds=[group],
        StorageEncrypted=True,
        KmsKeyId=key,
        MultiAZ=True,
        BackupRetentionPeriod=14,
        DeletionProtection=True,
        Tags=[{"Key": "Environment", "Value": "prod"}],
    )
    rds.create_db_cluster(
        DBClusterIdentifier="aurora",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="NotARealPassword1",
        StorageEncrypted=True,
    )
    rds.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier="aurora-snap", DBClusterIdentifier="aurora"
    )
    rds.create_db_snapshot(DBSnapshotIdentifier="orders-snap", DBInstanceIdentifier="orders")

    snap = collect("--services", "rds", "--regions", REGION)
    assert snap.errors() == []
    orders = snap.named("aws.rds.instance", "orders")
    attrs = orders["attributes"]
    assert attrs["engine"] == "postgres" and attrs["instance_class"] == "db.m5.large"
    assert attrs["storage_encrypted"] is True and attrs["kms_key_id"] == key
    assert attrs["multi_az"] is True and attrs["backup_retention_days"] == 14
    assert attrs["deletion_protection"] is True and attrs["allocated_storage_gb"] == 100
    assert attrs["publicly_accessible"] is False
    assert orders["tags"] == {"Environment": "prod"}
    assert targets(orders, "protected_by") == [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{group}"
    ]
    assert sorted(targets(orders, "in_subnet")) == sorted(
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{s}" for s in subnets
    )
    assert targets(orders, "in_vpc") == [f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc}"]
    assert targets(orders, "encrypted_by") == [key]
    aurora = snap.named("aws.rds.cluster", "aurora")
    assert aurora["attributes"]["engine"] == "aurora-postgresql"
    assert aurora["attributes"]["storage_encrypted"] is True
    snapshots = {s["name"]: s["attributes"] for s in snap.of_type("aws.rds.snapshot")}
    assert snapshots["orders-snap"]["source"] == "instance"
    assert snapshots["orders-snap"]["is_public"] is False
    assert snapshots["aurora-snap"]["source"] == "cluster"
