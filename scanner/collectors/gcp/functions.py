"""Cloud Functions, 1st gen (cloudfunctions.googleapis.com/CloudFunction) and 2nd gen (Function).

Plain environment variables (runtime and build time) are scanned for secrets; secret
environment variables from Secret Manager are references and are skipped. With no
service account set, a 1st gen function runs as the App Engine default account and a
2nd gen one as the Compute Engine default account.
"""

from __future__ import annotations

import logging
from typing import Any

from scanner.collectors.gcp.common import (
    Asset,
    Context,
    binding_relations,
    bindings_of,
    iso_time,
    kms_key_id,
    kms_key_name,
    last_segment,
    make_resource,
    region_of,
    rel,
    to_int,
)
from scanner.collectors.gcp.run import env_secrets
from scanner.model import Resource
from scanner.policy.gcp import has_public_member

__all__ = ["function"]

logger = logging.getLogger(__name__)


def _env(*maps: Any) -> dict[str, str]:
    env: dict[str, str] = {}
    for mapping in maps:
        for key, value in (mapping or {}).items():
            env[str(key)] = "" if value is None else str(value)
    return env


def _settings(asset: Asset, ctx: Context) -> dict[str, Any]:
    """The fields a 1st or 2nd gen function keeps in different places."""
    data = asset.data
    build = data.get("buildConfig")
    service = data.get("serviceConfig")
    if isinstance(build, dict) or isinstance(service, dict):  # 2nd gen
        build = build or {}
        service = service or {}
        account = service.get("serviceAccountEmail")
        if not account:
            number = ctx.project_number(asset)
            account = f"{number}-compute@developer.gserviceaccount.com" if number else None
        return {
            "generation": "2",
            "runtime": build.get("runtime"),
            "ingress": service.get("ingressSettings"),
            "account": account,
            "env": _env(service.get("environmentVariables")),
            "build_env": _env(build.get("environmentVariables")),
            "url": service.get("uri"),
            "connector": service.get("vpcConnector"),
            "security_level": None,
            "max_instances": to_int(service.get("maxInstanceCount")),
        }
    account = data.get("serviceAccountEmail")
    if not account:
        project = ctx.project_id(asset)
        account = f"{project}@appspot.gserviceaccount.com" if project else None
    trigger = data.get("httpsTrigger") or {}
    return {
        "generation": "1",
        "runtime": data.get("runtime"),
        "ingress": data.get("ingressSettings"),
        "account": account,
        "env": _env(data.get("environmentVariables")),
        "build_env": _env(data.get("buildEnvironmentVariables")),
        "url": trigger.get("url"),
        "connector": data.get("vpcConnector"),
        "security_level": trigger.get("securityLevel"),
        "max_instances": to_int(data.get("maxInstances")),
    }


def function(asset: Asset, ctx: Context) -> Resource:
    """cloudfunctions.googleapis.com/CloudFunction (1st gen) and Function (2nd gen)."""
    data = asset.data
    cfg = _settings(asset, ctx)
    env, build_env, account = cfg["env"], cfg["build_env"], cfg["account"]
    secrets = env_secrets(env, ctx) + [
        {**s, "location": s["location"].replace("env:", "build-env:", 1)}
        for s in env_secrets(build_env, ctx)
    ]
    bindings = bindings_of(asset.iam_policy)
    key = data.get("kmsKeyName")
    attributes = {
        "generation": cfg["generation"],
        "runtime": cfg["runtime"],
        # the API leaves ingressSettings out for the default, ALLOW_ALL
        "ingress": cfg["ingress"] or "ALLOW_ALL",
        "url": cfg["url"],
        "https_security_level": cfg["security_level"],
        "vpc_connector": cfg["connector"],
        "service_account": account,
        "environment_keys": sorted(env),
        "build_environment_keys": sorted(build_env),
        "secrets": secrets,
        "kms_key_name": kms_key_name(key),
        "iam_bindings": bindings,
        "effective_iam_bindings": ctx.effective_bindings(asset),
        "is_public": has_public_member(bindings),
        "updated_at": iso_time(data.get("updateTime")),
        # 0 or unset: no limit of the function's own (gen 2 defaults to 100)
        "max_instances": cfg["max_instances"] or None,
    }
    relations = binding_relations(bindings)
    if account:
        relations.insert(0, rel("runs_as", ctx.service_account_target(str(account))))
    key_id = kms_key_id(key)
    if key_id:
        relations.append(rel("encrypted_by", key_id))
    location = (
        asset.name.split("/locations/", 1)[1].split("/", 1)[0]
        if "/locations/" in (asset.name)
        else ""
    )
    return make_resource(
        asset,
        ctx,
        "gcp.cloudfunctions.function",
        attributes,
        relations,
        name=last_segment(str(data.get("name") or asset.name)),
        region=region_of(asset.location or location),
    )
