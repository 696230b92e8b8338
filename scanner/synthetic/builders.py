"""Builders of single resources in snapshot form, for tests and estates alike.

`resource()` is the one place a resource dict of the snapshot's normal form is put
together: the AWS and GCP builders of the demo and the generator use it, and so do tests
that need a handful of resources with exact ids and attributes:

    resource("arn:aws:s3:::assets", "aws.s3.bucket", attributes={"versioning": None})
    resource(vm_id, "gcp.compute.instance", relations=[("in_subnet", subnet_id)])

With `complete=True` the resource has every catalog attribute of its type (null unless
given), as the collectors emit it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scanner.catalog import TYPES
from scanner.synthetic.common import (
    ANALYTICS_PROJECT,
    PROD_ACCOUNT,
    ResourceDict,
    complete,
    rel,
)

__all__ = ["RelationLike", "resource"]

RelationLike = tuple[str, str] | dict[str, Any]
"""A relation: `(type, target)` or a relation dict `{type, target, properties}`."""

_DEFAULT_ACCOUNT = {"aws": PROD_ACCOUNT, "gcp": ANALYTICS_PROJECT}
_DEFAULT_REGION = {"aws": "eu-west-1", "gcp": "europe-west1"}


def resource(
    rid: str,
    rtype: str,
    *,
    provider: str | None = None,
    account: str | None = None,
    region: str | None = None,
    name: str | None = None,
    tags: dict[str, str] | None = None,
    attributes: dict[str, Any] | None = None,
    relations: Iterable[RelationLike] = (),
    complete_attributes: bool = False,
) -> ResourceDict:
    """A resource dict in the snapshot's normal form (the fields of `scanner.model.Resource`).

    Args:
        rid: the resource id (ARN, Cloud Asset full name, ...).
        rtype: the catalog type, e.g. `aws.s3.bucket`.
        provider: default: the type's first part (`aws`, `gcp`).
        account: default: Northwind's prod account (AWS) or analytics project (GCP).
        region: default: `eu-west-1` (AWS) or `europe-west1` (GCP).
        name: default: the id's last path segment.
        tags: AWS tags or GCP labels (default none). The dict becomes the resource's.
        attributes: the resource's settings (default none). The dict becomes the
            resource's, unless `complete_attributes` fills it in.
        relations: `(type, target)` pairs (no properties) or relation dicts (kept as given).
        complete_attributes: give every catalog attribute of `rtype`, null unless set.

    Raises:
        ValueError: `complete_attributes` with an attribute the catalog does not know.
    """
    provider = provider or rtype.split(".", 1)[0]
    attrs = {} if attributes is None else attributes
    if complete_attributes:
        unknown = set(attrs) - set(TYPES[rtype].attributes)
        if unknown:
            msg = f"{rtype}: {sorted(unknown)} are not catalog attributes (docs/resource-types.md)"
            raise ValueError(msg)
        attrs = complete(rtype, attrs)
    return {
        "id": rid,
        "type": rtype,
        "provider": provider,
        "account": _DEFAULT_ACCOUNT.get(provider, PROD_ACCOUNT) if account is None else account,
        "region": _DEFAULT_REGION.get(provider, "global") if region is None else region,
        "name": rid.rsplit("/", 1)[-1] if name is None else name,
        "tags": {} if tags is None else tags,
        "attributes": attrs,
        "relations": [rel(*r) if isinstance(r, tuple) else r for r in relations],
    }
