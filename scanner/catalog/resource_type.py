"""`ResourceType`: the shape of one entry in the resource-type catalog."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ResourceType"]


@dataclass(frozen=True)
class ResourceType:
    """One normal resource type."""

    description: str
    attributes: dict[str, str]
    relations: dict[str, str] = field(default_factory=dict)
