"""`trusted`: the fast construction a scan uses for its findings."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.model import ResourceRef, trusted

VALUES: dict[str, Any] = {
    "id": "i-1",
    "type": "aws.ec2.instance",
    "name": "web",
    "provider": "aws",
    "account": "111122223333",
    "region": "eu-west-1",
    "tags": {"env": "prod"},
}


def test_trusted_builds_what_model_construct_builds() -> None:
    fast = trusted(ResourceRef, **VALUES)
    slow = ResourceRef.model_construct(**VALUES)
    assert fast == slow
    assert fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_fields_set == set(VALUES)


def test_instances_share_a_fields_set_that_setting_a_field_leaves_whole() -> None:
    first, second = trusted(ResourceRef, **VALUES), trusted(ResourceRef, **VALUES)
    first.name = "renamed"
    assert (first.name, second.name) == ("renamed", "web")
    assert second.model_fields_set == set(VALUES)


@pytest.mark.parametrize(
    "values",
    [
        {k: v for k, v in VALUES.items() if k != "tags"},
        {**{k: v for k, v in VALUES.items() if k != "tags"}, "labels": {}},
    ],
    ids=["a field missing", "a field misnamed"],
)
def test_values_must_name_every_field(values: dict[str, object]) -> None:
    with pytest.raises(TypeError, match="ResourceRef: every field must be given once"):
        trusted(ResourceRef, **values)
