"""Terraform plan JSON (`terraform show -json plan.out`) -> resources in the catalog's form.

The same normal types and attribute names come out of a plan as out of the live
collectors, so one rule judges a pull request's plan and the running estate alike.

    plan.py          read and check the plan JSON; `Plan`, its changes, `parse_plan`
    instances.py     the plan's resource instances, values unknown until apply
    references.py    references between planned resources, through modules
    values.py        reading values that may be unknown; the id prefixes
    builder.py       map, fold and finish one state (after or before apply)
    registry.py      `PRIMARY`, `FOLDS`, `FINISH`: which function handles each type
    aws.py, aws_network.py, aws_iam.py, gcp.py   the mappers, per provider and family
    sources.py       where each resource block is written in the `.tf` files

What is read:
- `resource_changes`: every managed resource instance with its `actions` (create,
  update, delete, no-op, replace), its values `before` and `after`, and `after_unknown`
  (values Terraform learns only when it applies). A state document
  (`terraform show -json` without a plan) is read from `values` as all no-op.
- `configuration`: the expressions' `references`, to link resources whose ids are not
  known yet (`bucket = aws_s3_bucket.this.id`), through module outputs and variables,
  and the module calls' `source` folders, to find each resource's block in the `.tf`
  files (`locate_sources`).

Mapping rules:
- Ids are `tf://<address>` (`tf://module.storage["assets"].aws_s3_bucket.this`).
- Split sub-resources fold into their parent: `aws_s3_bucket_public_access_block`,
  `_server_side_encryption_configuration`, `_versioning`, `_policy`, `_acl`, `_logging`,
  `_lifecycle_configuration` into one `aws.s3.bucket`; `aws_security_group_rule` and
  `aws_vpc_security_group_ingress_rule`/`_egress_rule` into `aws.ec2.security_group`
  (flattened entries plus `allows_from -> internet` relations); IAM attachments into the
  role, user or group; `aws_lb_listener` into the load balancer; bucket, key and project
  IAM members into their parent's `iam_bindings`. `FOLDS` lists them all.
- A sub-resource whose parent is not in the plan (a rule added to an existing security
  group) makes a *partial* parent with id `ref:<type>:<key>`: its other attributes are
  UNKNOWN, and list attributes the plan adds to end with an UNKNOWN element (the live
  resource may hold more). `pscan iac --against` merges partial resources into the live
  one; relation targets outside the plan use the same `ref:` form.
- A value unknown until apply becomes `scanner.model.UNKNOWN`; a rule that depends on it
  is undecided rather than failed. For resources being *created*, attributes the AWS
  provider marks as computed but that AWS fills with a fixed default (a new bucket's
  versioning is off, a new security group has no ingress and allows all egress) take
  that default, so a plan that adds an unprotected bucket is still judged.
- Facts shared with the live collectors and the engine (is this policy public, is this
  range the internet, is this member anyone) come from `scanner.policy`.
"""

from __future__ import annotations

from scanner.collectors.terraform.plan import (
    Plan,
    PlanChange,
    is_plan_document,
    parse_plan,
    read_plan,
)
from scanner.collectors.terraform.registry import FOLDS, PRIMARY
from scanner.collectors.terraform.sources import SourceBlock, locate_sources
from scanner.collectors.terraform.values import REF_PREFIX, TF_PREFIX

__all__ = [
    "FOLDS",
    "PRIMARY",
    "REF_PREFIX",
    "TF_PREFIX",
    "Plan",
    "PlanChange",
    "SourceBlock",
    "is_plan_document",
    "locate_sources",
    "parse_plan",
    "read_plan",
]
