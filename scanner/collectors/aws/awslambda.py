"""Lambda functions: runtime, role, network, URL, resource policy, env secrets, concurrency.

Environment variable values are scanned for secrets in memory and dropped: only their
names (`environment_keys`) and `{location, kind, masked}` findings are stored, and the
raw payload keeps no values. (The module is `awslambda` because `lambda` is a keyword.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.collectors.aws.context import Scope, ServiceContext, missing_as
from scanner.collectors.aws.ec2_network import security_group_arn, subnet_arn
from scanner.collectors.aws.normalise import encrypted_by, iso, rel, tags_of
from scanner.collectors.secrets import scan_text
from scanner.model import Relation, Resource
from scanner.policy.iam import is_public_policy

__all__ = ["DEPRECATED_RUNTIMES", "collect", "env_secrets", "fetch", "to_resources"]

# Runtimes past their deprecation date (https://docs.aws.amazon.com/lambda/latest/dg/
# lambda-runtimes.html#runtimes-deprecated), as of 2026.
DEPRECATED_RUNTIMES = frozenset(
    {
        "python2.7",
        "python3.6",
        "python3.7",
        "python3.8",
        "python3.9",
        "nodejs",
        "nodejs4.3",
        "nodejs4.3-edge",
        "nodejs6.10",
        "nodejs8.10",
        "nodejs10.x",
        "nodejs12.x",
        "nodejs14.x",
        "nodejs16.x",
        "nodejs18.x",
        "java8",
        "dotnetcore1.0",
        "dotnetcore2.0",
        "dotnetcore2.1",
        "dotnetcore3.1",
        "dotnet5.0",
        "dotnet6",
        "ruby2.5",
        "ruby2.7",
        "go1.x",
        "provided",
    }
)
_NOT_FOUND = ("ResourceNotFoundException",)
# Values that point at a secret store instead of holding a secret: the recommended
# practice, so not reported (`DB_PASSWORD_ARN=arn:aws:secretsmanager:...`).
_REFERENCE_PREFIXES = ("arn:", "{{resolve:", "${", "ssm:", "secretsmanager:")


def env_secrets(variables: Mapping[str, Any] | None, prefix: str = "env") -> list[dict[str, str]]:
    """Secret-looking environment values, as `{location: "<prefix>:<NAME>", kind, masked}`."""
    found: list[dict[str, str]] = []
    for name, value in sorted((variables or {}).items()):
        if value is None or str(value) == "" or str(value).startswith(_REFERENCE_PREFIXES):
            continue
        found += scan_text(f"{name}={value}", f"{prefix}:{name}")
    return found


def fetch(ctx: ServiceContext) -> dict[str, Any]:
    """Raw functions of the region, with URL config, policy and tags."""
    client = ctx.client("lambda")
    functions = []
    for function in ctx.paginate(client, "list_functions", "Functions"):
        arn = function["FunctionArn"]
        item: dict[str, Any] = {"function": function}
        url = ctx.attempt(
            missing_as, _NOT_FOUND, {}, client.get_function_url_config, FunctionName=arn
        )
        if url is not None:
            item["url_auth_type"] = url.get("AuthType")
        policy = ctx.attempt(missing_as, _NOT_FOUND, {}, client.get_policy, FunctionName=arn)
        if policy is not None:
            item["policy"] = policy.get("Policy")
        tags = ctx.attempt(client.list_tags, Resource=arn)
        if tags is not None:
            item["tags"] = tags.get("Tags") or {}
        concurrency = ctx.attempt(client.get_function_concurrency, FunctionName=arn)
        if concurrency is not None:
            item["reserved_concurrency"] = concurrency.get("ReservedConcurrentExecutions")
        functions.append(item)
    return {"functions": functions}


def _strip_environment(function: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(function)
    environment = out.get("Environment")
    if isinstance(environment, Mapping):
        out["Environment"] = {k: v for k, v in environment.items() if k != "Variables"} | {
            "VariableNames": sorted((environment.get("Variables") or {}).keys())
        }
    return out


def _function(item: Mapping[str, Any], scope: Scope) -> Resource:
    function = item["function"]
    arn = str(function["FunctionArn"])
    variables = (function.get("Environment") or {}).get("Variables") or {}
    vpc = function.get("VpcConfig") or {}
    subnets = [str(s) for s in vpc.get("SubnetIds") or []]
    key = scope.kms_key_arn(function.get("KMSKeyArn"))
    relations: list[Relation] = []
    if function.get("Role"):
        relations.append(rel("runs_as", str(function["Role"])))
    relations += [rel("in_subnet", subnet_arn(scope, s)) for s in subnets]
    relations += [
        rel("protected_by", security_group_arn(scope, str(g)))
        for g in vpc.get("SecurityGroupIds") or []
    ]
    relations += encrypted_by(key)
    runtime = function.get("Runtime")
    attributes = {
        "runtime": runtime,
        "runtime_deprecated": None if not runtime else runtime in DEPRECATED_RUNTIMES,
        "memory_mb": function.get("MemorySize"),
        "timeout_s": function.get("Timeout"),
        "environment_keys": sorted(variables),
        "secrets": env_secrets(variables),
        "function_url_auth_type": item.get("url_auth_type"),
        "is_public_by_policy": is_public_policy(item.get("policy")) if "policy" in item else None,
        "tracing_mode": (function.get("TracingConfig") or {}).get("Mode"),
        "in_vpc": bool(subnets),
        "last_modified": iso(function.get("LastModified")),
        "reserved_concurrency": item.get("reserved_concurrency"),
    }
    return scope.resource(
        arn,
        "aws.lambda.function",
        str(function.get("FunctionName") or arn),
        attributes,
        relations,
        tags=tags_of(item.get("tags")),
        raw=_strip_environment(function),
    )


def to_resources(raw: Mapping[str, Any], scope: Scope) -> list[Resource]:
    """One aws.lambda.function per function."""
    return [_function(item, scope) for item in raw.get("functions") or []]


def collect(ctx: ServiceContext) -> list[Resource]:
    """Collect the region's Lambda functions."""
    return to_resources(fetch(ctx), ctx.scope)
