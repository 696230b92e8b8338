"""Finding messages: placeholders read the attributes, the special names, or both."""

from __future__ import annotations

import pytest

from scanner.engine.template import MessageTemplate

RESOURCE = {
    "id": "arn:aws:ec2:eu-west-1:111122223333:instance/i-1",
    "name": "web-1",
    "type": "aws.ec2.instance",
    "account": "111122223333",
    "region": "eu-west-1",
    "tags": {"team": "core"},
    # an attribute named like a special name: the special name wins, as it always has
    "attributes": {"size": "m5.large", "resource": {"name": "shadowed"}, "ports": [22, 80]},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{size}", "m5.large"),
        ("{resource.name} in {resource.account}", "web-1 in 111122223333"),
        ("{resource.tags.team}", "core"),
        ("{match.port} of {ports}", "22 of 22, 80"),
        ("{evidence.days} days", "40 days"),
        ("{join(' on ', [size, resource.name])}", "m5.large on web-1"),  # both at once
        ("{resource.missing}", "?"),
        ("{match.protocol || 'all'}", "all"),
    ],
)
def test_placeholders(text: str, expected: str) -> None:
    rendered = MessageTemplate(text).render(RESOURCE, match={"port": 22}, evidence={"days": 40})
    assert rendered == expected


def test_a_resource_without_a_name_is_named_by_its_id() -> None:
    nameless = {**RESOURCE, "name": ""}
    assert MessageTemplate("{resource.name}").render(nameless) == RESOURCE["id"]
