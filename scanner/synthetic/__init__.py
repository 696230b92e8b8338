"""A fictional cloud estate for demos, tests and benchmarks: no cloud account needed.

Entry points:

- `demo_estate()`: Northwind Logistics, a hand-built estate of a few hundred resources
  (two AWS accounts, prod and staging, in eu-west-1 and us-east-1, and one GCP project)
  with a believable architecture and deliberate problems, each with a compliant twin
  elsewhere; staging is worse than prod. `demo_problems()` lists those problems.
- `generate(n, seed)`: an estate of exactly `n` resources built from repeated application
  stacks over many AWS accounts and GCP projects, with a seeded 5-10% share of the same
  kinds of problems. It streams: memory does not grow with `n`.
- `scanner.synthetic.builders`: small builders of single resources in snapshot form, for
  tests that need a handful of resources with exact ids and attributes.

Both estates are built by the same per-service builders (`aws_*`, `gcp_*` modules: one
AWS account or GCP project, defaults compliant, problems opt-in).

Determinism: ages are measured from `REFERENCE_DATE`, never from the wall clock, and
every choice comes from `random.Random` seeded by `seed`, so the same arguments give
byte-identical output. Write snapshots of these estates with
`created_at=REFERENCE_DATE`, because rules measure ages from the snapshot time.

`generate` yields plain dicts in the snapshot form (the field names of `Resource`: id,
type, provider, account, region, name, tags, attributes, relations), not `Resource`
objects: validating a pydantic model per resource costs more than building it, and the
snapshot writer serialises dicts directly. Every dict validates as a `Resource`.

The estate follows the graph conventions rules rely on (see `scanner.catalog.RELATIONS`):
relations live on their source resource; `allows_from -> internet` is emitted for every
security-group ingress entry or enabled INGRESS firewall whose source is open to the whole
internet (`scanner.policy.network.cidr_is_internet`); every relation target is a resource
of the estate, the `internet` node or a `principal:...` node; and resources are yielded
after everything they point to, so any prefix of `generate`'s output is itself
referentially whole.
"""

from __future__ import annotations

from scanner.synthetic.common import REFERENCE_DATE, ResourceDict
from scanner.synthetic.demo import demo_estate, demo_problems, demo_scopes
from scanner.synthetic.generator import generate, generate_scopes

__all__ = [
    "REFERENCE_DATE",
    "ResourceDict",
    "demo_estate",
    "demo_problems",
    "demo_scopes",
    "generate",
    "generate_scopes",
]
