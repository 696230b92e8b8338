"""IAM attack paths: which principal can obtain the rights of which, and who is an admin.

The one place pscan decides privilege escalation. From the principals of a snapshot
(AWS users, groups and roles with their inline and attached policies and trust
policies; GCP members of the IAM policies of projects, folders, organizations and
service accounts) `derive(resources)` lists "can become" steps: a directed edge
`source -> target` meaning "source can obtain the rights of target", one `Step` per
method, with the permissions that allow it and the resource acted on (`via`). A target
is another principal, or an administrator node (`admin_node`) when the step grants
administrator rights directly. Principals that hold administrator rights get a
`holds_admin` step to their administrator node, so every path to admin ends in one.

The graph (`scanner.graph.ResourceGraph.admin_paths`) adds the steps as edges and finds
each principal's shortest path; the rules only read that. Policy documents are read by
`scanner.policy.iam` alone.

Administrator rights (`aws_admin_reason`, `gcp_admin_role`):

- AWS: a policy statement allowing every action on every resource (`*` on `*`, or a
  `NotAction` that leaves IAM allowed: `scanner.policy.iam.admin_reason`), in an inline
  or attached policy of the principal or of a group it is in; or the AWS managed
  `AdministratorAccess` policy attached when its document was not collected. Admin of
  the principal's account: `admin:aws:<account>`.
- GCP: `roles/owner` or `roles/editor` granted on a project, folder or organization
  (`admin:gcp:projects/<id>`, `admin:gcp:folders/<n>`, `admin:gcp:organizations/<n>`).
  Editor is counted because it can act as every service account of the project and
  create their keys. Roles that can only change IAM policies (`roles/iam.securityAdmin`,
  `roles/resourcemanager.projectIamAdmin`, ...) are one step away: `gcp_set_iam_policy`.

What is read as allowing an action is what `scanner.policy.iam.allows` reads: an Allow
counts with or without a Condition (it holds whenever the condition does), an
unconditional Deny in any of the principal's policies cancels it. Service control
policies, permission boundaries, session policies and resource policies other than
trust policies are not collected and not considered: a path may be cut by them. GCP
custom roles are not collected: a member holding one is reported as unknown
(`Derivation.unknown`), not as safe.

Sources of the catalogue (facts only): Rhino Security Labs' AWS privilege escalation
methods, PMapper's edge checkers, Prowler's IAM privilege escalation checks, and the
GCP IAM roles reference (https://cloud.google.com/iam/docs/understanding-roles).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.policy.escalation.aws import AwsSteps, aws_admin_reason
from scanner.policy.escalation.catalog import (
    ADMIN_EDGE,
    AWS_INPUT_TYPES,
    GCP_INPUT_TYPES,
    INPUT_TYPES,
    METHODS,
    NO_ATTRIBUTE_TYPES,
    READ_EDGE,
    Derivation,
    Method,
    Step,
    admin_node,
    is_admin_node,
)
from scanner.policy.escalation.gcp import GCP_ROLE_PERMISSIONS, GcpSteps, gcp_admin_role

__all__ = [
    "ADMIN_EDGE",
    "AWS_INPUT_TYPES",
    "GCP_INPUT_TYPES",
    "GCP_ROLE_PERMISSIONS",
    "INPUT_TYPES",
    "METHODS",
    "NO_ATTRIBUTE_TYPES",
    "READ_EDGE",
    "Derivation",
    "Method",
    "Step",
    "admin_node",
    "aws_admin_reason",
    "derive",
    "gcp_admin_role",
    "is_admin_node",
]


def derive(resources: Iterable[Mapping[str, Any]]) -> Derivation:
    """Every "can become" step among the resources (snapshot dict form, `INPUT_TYPES`)."""
    by_type: dict[str, list[Mapping[str, Any]]] = {}
    for resource in resources:
        by_type.setdefault(str(resource.get("type")), []).append(resource)
    out = Derivation()
    AwsSteps(by_type, out).derive()
    GcpSteps(by_type, out).derive()
    return out
