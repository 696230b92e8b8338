"""The catalogue of escalation methods and the shapes every derivation shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ADMIN_EDGE",
    "AWS_INPUT_TYPES",
    "GCP_INPUT_TYPES",
    "INPUT_TYPES",
    "METHODS",
    "NO_ATTRIBUTE_TYPES",
    "READ_EDGE",
    "Derivation",
    "Method",
    "Step",
    "admin_node",
    "attributes_of",
    "is_admin_node",
    "runs_as",
]

ADMIN_PREFIX = "admin:"
ADMIN_EDGE = "holds_admin"
READ_EDGE = "can_read"  # principal -> sensitive data store it can read (not an escalation)


@dataclass(frozen=True)
class Method:
    """One way to obtain another principal's rights."""

    provider: str
    permissions: tuple[str, ...]
    summary: str


# The catalogue. Keys are the graph's edge kinds. Permissions: all are needed, except
# where the summary says "or".
METHODS: dict[str, Method] = {
    ADMIN_EDGE: Method("any", (), "holds administrator rights itself"),
    "aws_assume_role": Method(
        "aws", ("sts:AssumeRole",), "assumes the role its trust policy lets it assume"
    ),
    "aws_pass_role_ec2": Method(
        "aws",
        ("iam:PassRole", "ec2:RunInstances"),
        "launches an EC2 instance with the role's instance profile and uses its credentials",
    ),
    "aws_pass_role_lambda": Method(
        "aws",
        ("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"),
        "creates and invokes a Lambda function that runs as the role",
    ),
    "aws_pass_role_glue": Method(
        "aws",
        ("iam:PassRole", "glue:CreateDevEndpoint"),
        "creates a Glue dev endpoint (or a job: glue:CreateJob + glue:StartJobRun) that runs"
        " as the role",
    ),
    "aws_pass_role_cloudformation": Method(
        "aws",
        ("iam:PassRole", "cloudformation:CreateStack"),
        "creates a CloudFormation stack that deploys with the role",
    ),
    "aws_pass_role_ecs": Method(
        "aws",
        ("iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"),
        "registers and runs an ECS task (or service: ecs:CreateService) with the role",
    ),
    "aws_create_policy_version": Method(
        "aws",
        ("iam:CreatePolicyVersion",),
        "publishes an administrator version of a managed policy attached to itself",
    ),
    "aws_set_default_policy_version": Method(
        "aws",
        ("iam:SetDefaultPolicyVersion",),
        "switches a managed policy attached to itself to another (possibly broader) version",
    ),
    "aws_attach_user_policy": Method(
        "aws", ("iam:AttachUserPolicy",), "attaches AdministratorAccess to its own user"
    ),
    "aws_attach_group_policy": Method(
        "aws", ("iam:AttachGroupPolicy",), "attaches AdministratorAccess to a group it is in"
    ),
    "aws_attach_role_policy": Method(
        "aws",
        ("iam:AttachRolePolicy",),
        "attaches AdministratorAccess to its own role or one it can assume",
    ),
    "aws_put_user_policy": Method(
        "aws", ("iam:PutUserPolicy",), "writes an administrator inline policy on its own user"
    ),
    "aws_put_group_policy": Method(
        "aws", ("iam:PutGroupPolicy",), "writes an administrator inline policy on a group it is in"
    ),
    "aws_put_role_policy": Method(
        "aws",
        ("iam:PutRolePolicy",),
        "writes an administrator inline policy on its own role or one it can assume",
    ),
    "aws_update_assume_role_policy": Method(
        "aws",
        ("iam:UpdateAssumeRolePolicy",),
        "rewrites the role's trust policy to trust itself, then assumes the role",
    ),
    "aws_create_access_key": Method(
        "aws", ("iam:CreateAccessKey",), "creates an access key for the other user"
    ),
    "aws_create_login_profile": Method(
        "aws",
        ("iam:CreateLoginProfile",),
        "gives the other user (who has no password) a console password",
    ),
    "aws_update_login_profile": Method(
        "aws", ("iam:UpdateLoginProfile",), "changes the other user's console password"
    ),
    "aws_add_user_to_group": Method(
        "aws", ("iam:AddUserToGroup",), "adds itself to the group and gets its policies"
    ),
    "aws_update_function_code": Method(
        "aws",
        ("lambda:UpdateFunctionCode",),
        "replaces the code of a Lambda function that runs as the role",
    ),
    "gcp_impersonate": Method(
        "gcp",
        (
            "iam.serviceAccounts.getAccessToken",
            "iam.serviceAccounts.implicitDelegation",
            "iam.serviceAccounts.signBlob",
            "iam.serviceAccounts.signJwt",
        ),
        "mints tokens or signs as the service account (any one of the permissions)",
    ),
    "gcp_create_key": Method(
        "gcp", ("iam.serviceAccountKeys.create",), "creates a key for the service account"
    ),
    "gcp_set_service_account_iam_policy": Method(
        "gcp",
        ("iam.serviceAccounts.setIamPolicy",),
        "grants itself a role on the service account, then impersonates it",
    ),
    "gcp_act_as_compute": Method(
        "gcp",
        ("iam.serviceAccounts.actAs", "compute.instances.create"),
        "creates a VM that runs as the service account",
    ),
    "gcp_act_as_run": Method(
        "gcp",
        ("iam.serviceAccounts.actAs", "run.services.create"),
        "deploys a Cloud Run service that runs as the service account",
    ),
    "gcp_act_as_functions": Method(
        "gcp",
        ("iam.serviceAccounts.actAs", "cloudfunctions.functions.create"),
        "deploys a Cloud Function that runs as the service account",
    ),
    "gcp_set_iam_policy": Method(
        "gcp",
        ("resourcemanager.projects.setIamPolicy",),
        "grants itself roles/owner on the project, folder or organization"
        " (resourcemanager.folders.setIamPolicy / organizations.setIamPolicy)",
    ),
}

AWS_INPUT_TYPES = (
    "aws.iam.user",
    "aws.iam.group",
    "aws.iam.role",
    "aws.iam.policy",
    "aws.lambda.function",
    "aws.s3.bucket",
    "aws.dynamodb.table",
)
GCP_INPUT_TYPES = (
    "gcp.iam.service_account",
    "gcp.resourcemanager.project",
    "gcp.resourcemanager.folder",
    "gcp.resourcemanager.organization",
    "gcp.storage.bucket",
)
INPUT_TYPES = AWS_INPUT_TYPES + GCP_INPUT_TYPES
"""The resource types `derive` reads (their attributes and tags, `runs_as` of functions)."""
NO_ATTRIBUTE_TYPES = frozenset({"aws.lambda.function", "aws.s3.bucket", "aws.dynamodb.table"})
"""Input types whose attributes `derive` never reads (only their id, tags and `runs_as`),
so a caller may leave them out: keep it true when the AWS steps read more."""


@dataclass(frozen=True)
class Step:
    """`source` can obtain the rights of `target` by `method` (a key of METHODS)."""

    source: str
    target: str
    method: str
    permissions: tuple[str, ...]
    via: str = ""  # the resource acted on: a policy, role, group, function, binding scope
    detail: str = ""  # e.g. why a principal is admin, the trust condition keys

    def properties(self) -> dict[str, Any]:
        """The step as graph edge properties."""
        return {
            "method": self.method,
            "permissions": list(self.permissions),
            "via": self.via,
            "detail": self.detail,
        }


@dataclass
class Derivation:
    """The steps of an estate, and principals whose rights could not all be read.

    `reads` are `READ_EDGE` steps: a principal that can read the objects or items of a
    data store marked sensitive (`scanner.policy.data.sensitivity`) through its own IAM
    policies (AWS) or a binding on the store, its project, folder or org (GCP).
    Administrators are left out: they can read everything.
    """

    steps: list[Step] = field(default_factory=list)
    reads: list[Step] = field(default_factory=list)
    unknown: dict[str, str] = field(default_factory=dict)  # principal -> what is missing


def admin_node(provider: str, scope: str) -> str:
    """The node standing for administrator rights over an AWS account or a GCP scope."""
    return f"{ADMIN_PREFIX}{provider}:{scope}"


def is_admin_node(node: str) -> bool:
    """True for an `admin_node` id."""
    return node.startswith(ADMIN_PREFIX)


def attributes_of(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    """A resource's attributes (empty when missing)."""
    attributes = resource.get("attributes")
    return attributes if isinstance(attributes, Mapping) else {}


def runs_as(resource: Mapping[str, Any]) -> list[str]:
    """Targets of the resource's `runs_as` relations."""
    return [
        str(r.get("target"))
        for r in resource.get("relations") or ()
        if isinstance(r, Mapping) and r.get("type") == "runs_as"
    ]
