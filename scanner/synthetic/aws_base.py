"""The base of the AWS builders: one account in one region, its ids, tags and random stream.

`scanner.synthetic.aws.Aws` combines this base with one builder class per service
(`aws_account`, `aws_iam`, `aws_network`, `aws_compute`, `aws_storage`, `aws_security`).
"""

from __future__ import annotations

import hashlib
import random
from typing import Self

from scanner.synthetic.scope import ScopeBuilder

__all__ = ["AWS_IP_PREFIXES", "AwsBase"]

# Public IPv4 prefixes per region, so addresses look like the region's (fictional hosts).
AWS_IP_PREFIXES: dict[str, tuple[str, ...]] = {
    "eu-west-1": ("34.240", "34.246", "52.16", "54.72"),
    "eu-central-1": ("3.120", "18.184", "52.57"),
    "eu-north-1": ("13.48", "16.170"),
    "us-east-1": ("3.80", "44.192", "54.84", "52.1"),
    "us-east-2": ("3.128", "18.188"),
    "us-west-2": ("34.208", "44.224", "52.24"),
    "ap-southeast-1": ("13.212", "52.74"),
    "ap-northeast-1": ("13.112", "54.64"),
}


class AwsBase(ScopeBuilder):
    """Builds the resources of one AWS account in one region: ARNs, ids, tags, attributes.

    Each builder method returns one resource dict with every catalog attribute of its type
    (null where a setting is absent). Defaults are the compliant settings; problems are
    opt-in.
    """

    provider = "aws"
    default_team = "platform"

    def __init__(
        self, rng: random.Random, account: str, region: str, env: str, cost_center: str
    ) -> None:
        super().__init__(rng, account, region, env, cost_center)
        self.canonical_id = hashlib.sha256(f"canonical:{account}".encode()).hexdigest()

    def at(self, region: str) -> Self:
        """The same account (and random stream) in another region."""
        return type(self)(self.rng, self.account, region, self.env, self.cost_center)

    def arn(self, service: str, resource: str) -> str:
        """An ARN of this account and region."""
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}"

    def short(self, prefix: str) -> str:
        """A random EC2-style short id: `vpc-0123456789abcdef0`."""
        return f"{prefix}-{self.rng.getrandbits(68):017x}"

    def tags(self, name: str, team: str, extra: dict[str, str] | None = None) -> dict[str, str]:
        """Northwind's tagging standard: Name, Environment, Team, CostCenter."""
        tags = {"Name": name, "Environment": self.env, "Team": team, "CostCenter": self.cost_center}
        if extra:
            tags.update(extra)
        return tags

    def standard_tags(self, name: str, team: str) -> dict[str, str]:
        """Northwind's tagging standard (see `tags`)."""
        return self.tags(name, team)

    def public_ip(self) -> str:
        """A random public IPv4 address that looks like this region's."""
        first = AWS_IP_PREFIXES.get(self.region, ("3.120", "18.130"))
        rng = self.rng
        return f"{first[rng.randrange(len(first))]}.{rng.randrange(256)}.{rng.randint(1, 254)}"
