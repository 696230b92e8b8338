"""EKS clusters: version, API endpoint exposure, control-plane logging, secrets encryption."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.ec2_network import security_group_arn, subnet_arn, vpc_arn
from scanner.collectors.aws.normalise import encrypted_by, iso, rel, tags_of
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw cluster descriptions of the region."""
    eks = ctx.client("eks")
    clusters = []
    for name in ctx.paginate(eks, "list_clusters", "clusters"):
        described = ctx.attempt(eks.describe_cluster, name=name)
        if described is not None:
            clusters.append(described.get("cluster") or {})
    return {"clusters": clusters}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.eks.cluster per cluster."""
    out = []
    for cluster in raw.get("clusters") or []:
        vpc = cluster.get("resourcesVpcConfig") or {}
        logging_types = sorted(
            t
            for setup in (cluster.get("logging") or {}).get("clusterLogging") or []
            if setup.get("enabled")
            for t in setup.get("types") or []
        )
        keys = [
            (c.get("provider") or {}).get("keyArn")
            for c in cluster.get("encryptionConfig") or []
            if "secrets" in (c.get("resources") or [])
        ]
        groups = list(vpc.get("securityGroupIds") or [])
        if vpc.get("clusterSecurityGroupId"):
            groups.append(vpc["clusterSecurityGroupId"])
        relations: list[Relation] = []
        if cluster.get("roleArn"):
            relations.append(rel("runs_as", str(cluster["roleArn"])))
        if vpc.get("vpcId"):
            relations.append(rel("in_vpc", vpc_arn(scope, str(vpc["vpcId"]))))
        relations += [
            rel("in_subnet", subnet_arn(scope, str(s))) for s in vpc.get("subnetIds") or []
        ]
        relations += [rel("protected_by", security_group_arn(scope, str(g))) for g in groups]
        relations += [r for k in keys if k for r in encrypted_by(str(k))]
        attributes = {
            "version": cluster.get("version"),
            "status": cluster.get("status"),
            "endpoint_public_access": vpc.get("endpointPublicAccess"),
            "endpoint_private_access": vpc.get("endpointPrivateAccess"),
            "public_access_cidrs": vpc.get("publicAccessCidrs"),
            "logging_types": logging_types,
            "secrets_encrypted": bool(keys),
            "created_at": iso(cluster.get("createdAt")),
        }
        out.append(
            scope.resource(
                str(cluster["arn"]),
                "aws.eks.cluster",
                str(cluster.get("name")),
                attributes,
                relations,
                tags=tags_of(cluster.get("tags")),
                raw=cluster,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's EKS clusters."""
    return to_resources(fetch(ctx), ctx.scope)
