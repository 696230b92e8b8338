"""ECS clusters, services and task definitions (the latest active revision of each family).

Container environment values are scanned for secrets in memory and dropped; only the
variable names and masked findings are kept. `secrets` entries of a container
definition (`valueFrom` references to Secrets Manager or SSM) are not values and are
kept as references.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.awslambda import env_secrets
from scanner.collectors.aws.context import Scope, ServiceContext
from scanner.collectors.aws.ec2_network import security_group_arn, subnet_arn
from scanner.collectors.aws.normalise import rel, tags_of
from scanner.model import Relation, Resource

__all__ = ["collect", "fetch", "to_resources"]

_DESCRIBE_BATCH = 10  # DescribeServices takes at most 10 services


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw clusters, services and task definitions of the region."""
    ecs = ctx.client("ecs")
    cluster_arns = ctx.paginate(ecs, "list_clusters", "clusterArns")
    clusters: list[dict[str, Any]] = []
    services: list[dict[str, Any]] = []
    for start in range(0, len(cluster_arns), 100):
        described = ctx.attempt(
            ecs.describe_clusters,
            clusters=cluster_arns[start : start + 100],
            include=["SETTINGS", "TAGS"],
        )
        clusters += (described or {}).get("clusters") or []
    for cluster in cluster_arns:
        arns = ctx.attempt(ctx.paginate, ecs, "list_services", "serviceArns", cluster=cluster)
        for start in range(0, len(arns or []), _DESCRIBE_BATCH):
            described = ctx.attempt(
                ecs.describe_services,
                cluster=cluster,
                services=(arns or [])[start : start + _DESCRIBE_BATCH],
                include=["TAGS"],
            )
            services += (described or {}).get("services") or []
    families = ctx.attempt(
        ctx.paginate, ecs, "list_task_definition_families", "families", status="ACTIVE"
    )
    definitions = []
    for family in families or []:
        described = ctx.attempt(
            ecs.describe_task_definition, taskDefinition=family, include=["TAGS"]
        )
        if described is not None:
            definitions.append(
                {"definition": described.get("taskDefinition") or {}, "tags": described.get("tags")}
            )
    return {"clusters": clusters, "services": services, "task_definitions": definitions}


def _strip_environment(definition: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(definition)
    containers = []
    for container in definition.get("containerDefinitions") or []:
        copy = {k: v for k, v in container.items() if k != "environment"}
        copy["environmentNames"] = sorted(
            str(e.get("name")) for e in container.get("environment") or []
        )
        containers.append(copy)
    out["containerDefinitions"] = containers
    return out


def _task_definition(item: Mapping[str, Any], scope: Scope) -> Resource:
    definition = item["definition"]
    arn = str(definition["taskDefinitionArn"])
    secrets: list[dict[str, str]] = []
    containers = []
    for container in definition.get("containerDefinitions") or []:
        name = str(container.get("name"))
        variables = {str(e.get("name")): e.get("value") for e in container.get("environment") or []}
        secrets += env_secrets(variables, prefix=f"container:{name}:env")
        containers.append(
            {
                "name": name,
                "image": container.get("image"),
                "privileged": bool(container.get("privileged")),
                "readonly_root_filesystem": bool(container.get("readonlyRootFilesystem")),
                "user": container.get("user"),
            }
        )
    relations: list[Relation] = []
    if definition.get("taskRoleArn"):
        relations.append(rel("runs_as", str(definition["taskRoleArn"])))
    if definition.get("executionRoleArn"):
        relations.append(
            rel("runs_as", str(definition["executionRoleArn"]), {"purpose": "execution"})
        )
    attributes = {
        "network_mode": definition.get("networkMode"),
        "containers": containers,
        "secrets": secrets,
    }
    family = str(definition.get("family"))
    return scope.resource(
        arn,
        "aws.ecs.task_definition",
        f"{family}:{definition.get('revision')}",
        attributes,
        relations,
        tags=tags_of(item.get("tags")),
        raw=_strip_environment(definition),
    )


def _cluster(cluster: Mapping[str, Any], scope: Scope) -> Resource:
    settings = {s.get("name"): s.get("value") for s in cluster.get("settings") or []}
    insights = settings.get("containerInsights")
    attributes = {
        "status": cluster.get("status"),
        "container_insights": None if insights is None else insights in ("enabled", "enhanced"),
        "running_tasks": cluster.get("runningTasksCount"),
        "active_services": cluster.get("activeServicesCount"),
    }
    return scope.resource(
        str(cluster["clusterArn"]),
        "aws.ecs.cluster",
        str(cluster.get("clusterName")),
        attributes,
        tags=tags_of(cluster.get("tags")),
        raw=cluster,
    )


def _service(service: Mapping[str, Any], scope: Scope) -> Resource:
    network = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    relations: list[Relation] = []
    if service.get("clusterArn"):
        relations.append(rel("member_of", str(service["clusterArn"])))
    relations += [rel("in_subnet", subnet_arn(scope, str(s))) for s in network.get("subnets") or []]
    relations += [
        rel("protected_by", security_group_arn(scope, str(g)))
        for g in network.get("securityGroups") or []
    ]
    attributes = {
        "launch_type": service.get("launchType"),
        "desired_count": service.get("desiredCount"),
        "running_count": service.get("runningCount"),
        "assign_public_ip": None if not network else network.get("assignPublicIp") == "ENABLED",
        "task_definition": service.get("taskDefinition"),
    }
    return scope.resource(
        str(service["serviceArn"]),
        "aws.ecs.service",
        str(service.get("serviceName")),
        attributes,
        relations,
        tags=tags_of(service.get("tags")),
        raw=service,
    )


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """Clusters, services and task definitions."""
    out = [_cluster(c, scope) for c in raw.get("clusters") or []]
    out += [_service(s, scope) for s in raw.get("services") or []]
    out += [_task_definition(t, scope) for t in raw.get("task_definitions") or []]
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's ECS resources."""
    return to_resources(fetch(ctx), ctx.scope)
