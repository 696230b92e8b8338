"""The base of the GCP builders: one project, its full names, labels and random stream.

Also the resource hierarchy above projects (organizations and folders) and the IAM binding
relations every GCP resource with a policy carries. `scanner.synthetic.gcp.Gcp` combines
this base with one builder class per service.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from scanner.synthetic.builders import resource
from scanner.synthetic.common import ResourceDict, rel
from scanner.synthetic.scope import ScopeBuilder

__all__ = ["GcpBase", "binding_relations", "folder", "kms_name", "organization"]

_CRM = "//cloudresourcemanager.googleapis.com"


def kms_name(key: ResourceDict) -> str:
    """The KMS key name GCP settings hold: the full name without the service prefix."""
    return str(key["id"]).removeprefix("//cloudkms.googleapis.com/")


def binding_relations(bindings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """An `iam_binding` relation to each member of each binding (`{role, members}`)."""
    return [
        rel("iam_binding", f"principal:gcp:{member}", {"role": b["role"]})
        for b in bindings
        for member in b["members"]
    ]


def organization(number: str, domain: str, bindings: list[dict[str, Any]]) -> ResourceDict:
    """A GCP organization (above every project: no account, no region)."""
    return resource(
        f"{_CRM}/organizations/{number}",
        "gcp.resourcemanager.organization",
        account="",
        region="global",
        name=domain,
        attributes={"display_name": domain, "iam_bindings": bindings},
        complete_attributes=True,
    )


def folder(
    number: str, name: str, parent: ResourceDict, bindings: list[dict[str, Any]]
) -> ResourceDict:
    """A GCP folder under `parent` (an organization or folder)."""
    return resource(
        f"{_CRM}/folders/{number}",
        "gcp.resourcemanager.folder",
        account="",
        region="global",
        name=name,
        attributes={"display_name": name, "iam_bindings": bindings},
        relations=[("member_of", parent["id"])],
        complete_attributes=True,
    )


class GcpBase(ScopeBuilder):
    """Builds the resources of one GCP project: Cloud Asset full names, labels, attributes.

    Resources are `global` unless a builder names their region or zone.
    """

    provider = "gcp"
    default_team = "data"

    def __init__(
        self, rng: random.Random, project: str, number: str, env: str, cost_center: str
    ) -> None:
        super().__init__(rng, project, "global", env, cost_center)
        self.number = number

    @property
    def project(self) -> str:
        """The project id: the snapshot's `account` of GCP resources."""
        return self.account

    def labels(self, team: str, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Northwind's labels: the lowercase counterparts of its AWS tags."""
        labels = {"environment": self.env, "team": team, "cost-center": self.cost_center}
        if extra:
            labels.update(extra)
        return labels

    def standard_tags(self, name: str, team: str) -> dict[str, str]:
        """Northwind's labels (see `labels`); GCP resources carry no name label."""
        return self.labels(team)

    def compute(self, path: str) -> str:
        """The full name of a Compute Engine resource of this project."""
        return f"//compute.googleapis.com/projects/{self.project}/{path}"

    def external_ip(self) -> str:
        """A random external IPv4 address that looks like Google Cloud's."""
        rng = self.rng
        first = ("34.76", "34.140", "35.187", "35.205", "104.155")[rng.randrange(5)]
        return f"{first}.{rng.randrange(256)}.{rng.randint(1, 254)}"

    def project_res(
        self,
        parent: ResourceDict,
        bindings: list[dict[str, Any]],
        audit_configs: list[dict[str, Any]],
        *,
        os_login: bool = True,
    ) -> ResourceDict:
        """The project itself, in folder `parent`, with its IAM policy and audit configs."""
        attrs = {
            "project_number": self.number,
            "lifecycle_state": "ACTIVE",
            "iam_bindings": bindings,
            "audit_configs": audit_configs,
            "os_login_enabled": os_login,
        }
        rels = [rel("member_of", parent["id"]), *binding_relations(bindings)]
        rid = f"{_CRM}/projects/{self.number}"
        return self.res(
            rid, "gcp.resourcemanager.project", self.project, attrs, rels, team="platform"
        )
