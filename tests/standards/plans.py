"""Terraform plans (as `terraform show -json` writes them) that add a database.

`aws_db_plan(subnet)` adds a VPC with a public subnet (its route table sends 0.0.0.0/0 to
the plan's internet gateway) and a private one (no such route), and an RDS instance whose
DB subnet group holds the named subnets; `gcp_sql_plan(public_ip)` adds a Cloud SQL
instance with or without a public IP. Every id the cloud assigns is known only after
apply, so the links between them come from the plan's configuration references, as in
a real plan.
"""

from __future__ import annotations

from typing import Any

__all__ = ["aws_db_plan", "gcp_sql_plan"]


def _change(address: str, after: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    tf_type, name = address.split(".")
    return {
        "address": address,
        "mode": "managed",
        "type": tf_type,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws"
        if tf_type.startswith("aws_")
        else "registry.terraform.io/hashicorp/google",
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": unknown,
        },
    }


def _ref(address: str, attr: str = "id") -> dict[str, Any]:
    return {"references": [f"{address}.{attr}", address]}


def _plan(changes: list[dict[str, Any]], config: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}},
                "google": {
                    "name": "google",
                    "expressions": {"project": {"constant_value": "shop-prod"}},
                },
            },
            "root_module": {"resources": config},
        },
    }


_TAGS = {"Owner": "team-payments", "Environment": "prod"}


def aws_db_plan(subnets: tuple[str, ...] = ("public",)) -> dict[str, Any]:
    """A plan adding a VPC, public and private subnets, and an RDS instance in `subnets`."""
    changes = [
        _change("aws_vpc.main", {"cidr_block": "10.0.0.0/16", "tags": _TAGS}, {"id": True}),
        _change("aws_internet_gateway.igw", {"tags": _TAGS}, {"id": True, "vpc_id": True}),
        _change(
            "aws_subnet.public",
            {"cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": False, "tags": _TAGS},
            {"id": True, "vpc_id": True},
        ),
        _change(
            "aws_subnet.private",
            {"cidr_block": "10.0.2.0/24", "map_public_ip_on_launch": False, "tags": _TAGS},
            {"id": True, "vpc_id": True},
        ),
        _change(
            "aws_route_table.public",
            {"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": ""}], "tags": _TAGS},
            {"id": True, "vpc_id": True, "route": [{"gateway_id": True}]},
        ),
        _change("aws_route_table.private", {"route": [], "tags": _TAGS}, {"id": True}),
        _change(
            "aws_route_table_association.public", {}, {"subnet_id": True, "route_table_id": True}
        ),
        _change(
            "aws_route_table_association.private", {}, {"subnet_id": True, "route_table_id": True}
        ),
        _change(
            "aws_db_subnet_group.db",
            {"name": "orders-db", "tags": _TAGS},
            {"id": True, "subnet_ids": True},
        ),
        _change(
            "aws_db_instance.orders",
            {
                "identifier": "orders",
                "engine": "postgres",
                "engine_version": "16.3",
                "instance_class": "db.r6g.large",
                "allocated_storage": 100,
                "storage_encrypted": True,
                "publicly_accessible": False,
                "multi_az": True,
                "backup_retention_period": 14,
                "deletion_protection": True,
                "iam_database_authentication_enabled": True,
                "auto_minor_version_upgrade": True,
                "db_subnet_group_name": "orders-db",
                "tags": _TAGS,
            },
            {"id": True, "arn": True, "kms_key_id": True},
        ),
    ]
    config = [
        {"address": "aws_internet_gateway.igw", "expressions": {"vpc_id": _ref("aws_vpc.main")}},
        {"address": "aws_subnet.public", "expressions": {"vpc_id": _ref("aws_vpc.main")}},
        {"address": "aws_subnet.private", "expressions": {"vpc_id": _ref("aws_vpc.main")}},
        {
            "address": "aws_route_table.public",
            "expressions": {
                "vpc_id": _ref("aws_vpc.main"),
                "route": {
                    "references": ["aws_internet_gateway.igw.id", "aws_internet_gateway.igw"]
                },
            },
        },
        {"address": "aws_route_table.private", "expressions": {"vpc_id": _ref("aws_vpc.main")}},
        *(
            {
                "address": f"aws_route_table_association.{side}",
                "expressions": {
                    "subnet_id": _ref(f"aws_subnet.{side}"),
                    "route_table_id": _ref(f"aws_route_table.{side}"),
                },
            }
            for side in ("public", "private")
        ),
        {
            "address": "aws_db_subnet_group.db",
            "expressions": {
                "subnet_ids": {
                    "references": [
                        r for s in subnets for r in (f"aws_subnet.{s}.id", f"aws_subnet.{s}")
                    ]
                }
            },
        },
        {
            "address": "aws_db_instance.orders",
            "expressions": {"db_subnet_group_name": _ref("aws_db_subnet_group.db", "name")},
        },
    ]
    return _plan(changes, config)


def gcp_sql_plan(public_ip: bool) -> dict[str, Any]:
    """A plan adding a Cloud SQL instance, with or without a public IPv4 address."""
    ip = {"ipv4_enabled": public_ip, "ssl_mode": "ENCRYPTED_ONLY", "authorized_networks": []}
    if not public_ip:
        ip["private_network"] = "projects/shop-prod/global/networks/shop"
    after = {
        "name": "orders",
        "project": "shop-prod",
        "region": "europe-west1",
        "database_version": "POSTGRES_16",
        "deletion_protection": True,
        "settings": [
            {
                "tier": "db-custom-2-7680",
                "availability_type": "REGIONAL",
                "user_labels": {"owner": "team-payments", "environment": "prod"},
                "ip_configuration": [ip],
                "backup_configuration": [{"enabled": True, "point_in_time_recovery_enabled": True}],
                "database_flags": [],
            }
        ],
    }
    change = _change("google_sql_database_instance.orders", after, {"id": True})
    return _plan([change], [])
