"""scanner.policy.gcp: which GCP IAM members mean anyone."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.policy.gcp import PUBLIC_MEMBERS, has_public_member, is_public_member


@pytest.mark.parametrize(
    ("member", "public"),
    [
        ("allUsers", True),
        ("allAuthenticatedUsers", True),
        ("allusers", False),  # members are case-sensitive
        ("user:alice@example.com", False),
        ("domain:example.com", False),
        ("serviceAccount:app@p.iam.gserviceaccount.com", False),
        (None, False),
        (["allUsers"], False),
    ],
)
def test_is_public_member(member: Any, public: bool) -> None:
    assert is_public_member(member) is public


def test_public_members_are_the_two_special_ones() -> None:
    assert {"allUsers", "allAuthenticatedUsers"} == PUBLIC_MEMBERS


def test_has_public_member() -> None:
    private = {"role": "roles/viewer", "members": ["user:a@example.com"]}
    public = {"role": "roles/storage.objectViewer", "members": ["allUsers"]}
    assert has_public_member([private, public])
    assert not has_public_member([private])
    assert not has_public_member([])
    assert not has_public_member([{"role": "roles/viewer"}])  # no members at all
    assert not has_public_member([{"role": "roles/viewer", "members": None}])
