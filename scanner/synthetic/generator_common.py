"""What the generated estate's AWS and GCP parts share: settings, names, people, secrets."""

from __future__ import annotations

import random

from scanner.synthetic.common import ALNUM, secret_entry

__all__ = [
    "APPS",
    "PROBLEM_RATE",
    "TEAMS",
    "cost_center",
    "folder_number",
    "masked_secret",
    "person",
]

PROBLEM_RATE = {"prod": 0.04, "staging": 0.1, "dev": 0.12}
"""The share of deliberate problems per environment (prod lowest); also the folder order."""
APPS = (
    "orders", "payments", "catalog", "search", "checkout", "inventory", "shipping", "billing",
    "auth", "notify", "reports", "pricing", "returns", "tracking", "fleet", "routing",
    "customs", "invoices", "loyalty", "quotes",
)  # fmt: skip
TEAMS = ("commerce", "payments", "logistics", "platform", "data", "identity", "growth")
_FIRST = (
    "ana", "ben", "chloe", "dmitri", "eva", "farah", "grace", "hugo", "ines", "jonas",
    "kemal", "lena", "mateo", "nia", "olga", "pablo", "quinn", "rosa", "sven", "tariq",
)  # fmt: skip
_LAST = (
    "silva", "okafor", "martin", "ivanov", "lindqvist", "haddad", "lee", "moreau", "garcia",
    "novak", "yilmaz", "schmidt", "rossi", "mensah", "petrov", "ruiz", "kelly", "costa",
)  # fmt: skip
_SECRET_KINDS = (
    ("Secret Keyword", "env:DB_PASSWORD"),
    ("AWS Access Key", "env:AWS_SECRET_ACCESS_KEY"),
    ("Basic Auth Credentials", "env:UPSTREAM_URL"),
    ("High Entropy String", "env:API_TOKEN"),
)


def cost_center(account: str) -> str:
    """The cost center an account or project is billed to."""
    return f"CC-{1000 + int(account) % 9000}"


def folder_number(org: str, env: str) -> str:
    """The number of the GCP folder of environment `env` under organization `org`."""
    return str(int(org) + 1 + tuple(PROBLEM_RATE).index(env))


def person(rng: random.Random, i: int) -> str:
    """A random person's user name, made unique by `i`: `first.last<i>`."""
    return f"{_FIRST[rng.randrange(len(_FIRST))]}.{_LAST[rng.randrange(len(_LAST))]}{i}"


def masked_secret(rng: random.Random) -> dict[str, str]:
    """A random secret finding in an environment variable, stored masked."""
    kind, location = _SECRET_KINDS[rng.randrange(len(_SECRET_KINDS))]
    return secret_entry(location, kind, rng.choice(ALNUM) + rng.choice(ALNUM) + "****")
