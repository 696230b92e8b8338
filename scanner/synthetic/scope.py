"""What the AWS and GCP builders share: one account or project, its stream, its tagging."""

from __future__ import annotations

import random
from typing import Any, ClassVar

from scanner.synthetic.builders import resource
from scanner.synthetic.common import ResourceDict, complete

__all__ = ["ScopeBuilder"]


class ScopeBuilder:
    """Builds the resources of one AWS account or GCP project of one environment.

    Subclasses say how resources are tagged by default (`standard_tags`) and which team
    owns them unless a builder says otherwise (`default_team`). Every random choice comes
    from `rng`, the scope's one random stream.
    """

    provider: ClassVar[str]
    default_team: ClassVar[str]

    def __init__(
        self, rng: random.Random, account: str, region: str, env: str, cost_center: str
    ) -> None:
        self.rng = rng
        self.account = account
        self.region = region  # where resources are unless a builder says otherwise
        self.env = env
        self.cost_center = cost_center

    def standard_tags(self, name: str, team: str) -> dict[str, str]:
        """The tags (labels) a resource named `name`, owned by `team`, carries by default."""
        raise NotImplementedError

    def res(
        self,
        rid: str,
        rtype: str,
        name: str,
        attributes: dict[str, Any],
        relations: list[dict[str, Any]],
        *,
        team: str | None = None,
        region: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> ResourceDict:
        """A resource of this scope in snapshot form, with every catalog attribute of its type.

        Standard tags of `team` (default: `default_team`) unless `tags` is given.
        """
        if tags is None:
            tags = self.standard_tags(name, self.default_team if team is None else team)
        return resource(
            rid,
            rtype,
            provider=self.provider,
            account=self.account,
            region=self.region if region is None else region,
            name=name,
            tags=tags,
            attributes=complete(rtype, attributes),
            relations=relations,
        )
