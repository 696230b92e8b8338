"""ECR repositories: image scanning, tag mutability, encryption, policy, lifecycle."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.collectors.aws.normalise import encrypted_by, iso
from scanner.model import Resource
from scanner.policy.iam import is_public_policy

__all__ = ["collect", "fetch", "to_resources"]


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw repositories of the region with their policy and lifecycle policy."""
    ecr = ctx.client("ecr")
    repositories = []
    for repository in ctx.paginate(ecr, "describe_repositories", "repositories"):
        name = repository["repositoryName"]
        item: dict[str, Any] = {"repository": repository}
        policy = ctx.attempt(
            missing_as,
            ("RepositoryPolicyNotFoundException",),
            {},
            ecr.get_repository_policy,
            repositoryName=name,
        )
        if policy is not None:
            item["policy"] = policy.get("policyText")
        lifecycle = ctx.attempt(
            missing_as,
            ("LifecyclePolicyNotFoundException",),
            {},
            ecr.get_lifecycle_policy,
            repositoryName=name,
        )
        if lifecycle is not None:
            item["has_lifecycle_policy"] = bool(lifecycle.get("lifecyclePolicyText"))
        repositories.append(item)
    return {"repositories": repositories}


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.ecr.repository per repository."""
    out = []
    for item in raw.get("repositories") or []:
        repository = item["repository"]
        encryption = repository.get("encryptionConfiguration") or {}
        key = scope.kms_key_arn(encryption.get("kmsKey"))
        attributes = {
            "scan_on_push": (repository.get("imageScanningConfiguration") or {}).get("scanOnPush"),
            "tag_mutability": repository.get("imageTagMutability"),
            "encryption_type": encryption.get("encryptionType"),
            "kms_key_id": key,
            "is_public_by_policy": is_public_policy(item.get("policy"))
            if "policy" in item
            else None,
            "has_lifecycle_policy": item.get("has_lifecycle_policy"),
            "created_at": iso(repository.get("createdAt")),
        }
        out.append(
            scope.resource(
                str(repository["repositoryArn"]),
                "aws.ecr.repository",
                str(repository["repositoryName"]),
                attributes,
                encrypted_by(key),
                raw=repository,
            )
        )
    return out


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's ECR repositories."""
    return to_resources(fetch(ctx), ctx.scope)
