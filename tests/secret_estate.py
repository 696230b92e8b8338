"""An estate whose every string field holds a distinct secret, for the leak test.

`seed_estate()` builds one resource per catalog type (`scanner.catalog.TYPES`). Its
name, every tag key and value and every string in its attributes, at every depth the
type declares, and the string properties of its relations each hold a new secret of one
of the shapes detect-secrets' plugins detect (an AWS key id, GitHub tokens, a Slack
token, a PEM private key with its body, a JWT, a `password=` assignment, a Stripe key,
...). Numbers and booleans stay what they are, so rules, capacity and cost still read
the values they need; the ids stay plain ids.

The shape of each attribute comes from the resources of its type in the demo estate and
in the rule packs' test cases, and from the catalog's description (`object {a, b}`,
`list of {a, b}`) where they have none, so the fields the catalog declares are there even
when no example shows them.

Each secret carries a core: `QZ` + a five-digit serial + `WK`, made of letters and
digits only, so escaping (HTML, XML, JSON, CSV) never hides it, and a secret masked to
its first two characters never shows it. `Seeds.leaks(text)` finds the secrets whose
core appears in `text`.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from scanner.catalog import RELATIONS, TYPES
from scanner.errors import ScannerError
from scanner.paths import data_dir
from scanner.yamlfile import read_yaml

__all__ = ["KINDS", "Seeds", "seed_estate"]

_B64 = "Qm9keSBsaW5lIG9mIGEgcHJpdmF0ZSBrZXkgd2l0aCBzb21lIHBhZGRpbmc"


def _pem(core: str) -> str:
    return (
        "-----BEGIN RSA PRIVATE KEY-----\n"
        f"MIIEowIBAAKCAQEA{core}v1xWm9keSBsaW5l\n{_B64}\nAb{core}Xy==\n"
        "-----END RSA PRIVATE KEY-----"
    )


# name -> how to make one such secret around a core (twice where a tail could survive)
KINDS: dict[str, Callable[[str], str]] = {
    "aws access key id": lambda c: f"AKIA{c}7K3M9P2",
    "github token": lambda c: f"ghp_{c}a1B2c3D4e5f6G7h8I9j0K1l2M3n",
    "github fine-grained token": lambda c: (
        f"github_pat_11ABCDEFG0{c}xyz_x9Y8z7W6v5U4t3S2r1Q0p9O8n7M6l5K4j3I2h1G0f9E8d7C6b5A{c}"
    ),
    "slack token": lambda c: f"xoxb-123456789012-1234567890123-{c}AbCdEfGhIj{c}",
    "slack webhook": lambda c: f"https://hooks.slack.com/services/T{c}/B0123456/{c}XyZ",
    "pem private key": _pem,
    "jwt": lambda c: f"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi{c}IxMjM0NTY3ODkwIn0.dozjgNry{c}P4J3jVmNHl0w",
    "password assignment": lambda c: f"password={c}Hunter2x",
    "stripe key": lambda c: f"sk_live_{c}4eC39HqLyjWDarj",
    "sendgrid key": lambda c: f"SG.{c}aaaaaaaaaaaaa.{c}{'B' * 34}",
    "gitlab token": lambda c: f"glpat-{c}Ab3dE6gH9XY",
    "basic auth url": lambda c: f"https://deploy:{c}pw@git.example.com/repo.git",
    "npm token in .npmrc": lambda c: (
        f"//registry.npmjs.org/:_authToken=npm_{c}abcdefghijklmnopqrstu"
    ),
    "openai key": lambda c: f"sk-proj{c}abcdefghijk{'A' * 11}T3BlbkFJ{c}abcdefghijk",
    "pypi token": lambda c: f"pypi-AgEIcHlwaS5vcmc{c}{'x' * 61}{c}",
    "azure storage key": lambda c: f"AccountKey={c}{'a' * 70}{c}=",
    "twilio key": lambda c: f"SK{c.lower()}0123456789abcdef0123456",
    "telegram bot token": lambda c: f"123456789:{c}AAbbCCddEEffGGhhIIjjKK{c[:4]}",
    "mailchimp key": lambda c: f"{c.lower()}0123456789abcdef0123456-us12",
    "square oauth secret": lambda c: f"sq0csp-{c}{'Q' * 25}{c}",
    "discord bot token": lambda c: f"M{c}abcdefghijklmn.AbCdEf.{c}abcdefghijklmnopqr",
}
_KIND_NAMES = list(KINDS)
_CORE = re.compile(r"qz\d{5}wk")


@dataclass
class Seeds:
    """The secrets handed out, by core, with where each one was put."""

    secrets: dict[str, str] = field(default_factory=dict)  # core -> secret
    where: dict[str, str] = field(default_factory=dict)  # core -> type:field
    kinds: dict[str, str] = field(default_factory=dict)  # core -> kind (KINDS)
    fields_by_type: dict[str, int] = field(default_factory=dict)

    def new(self, where: str) -> str:
        """A new secret (the next kind in turn), recorded as placed at `where`."""
        serial = len(self.secrets)
        core = f"QZ{serial:05d}WK"
        kind = _KIND_NAMES[serial % len(_KIND_NAMES)]
        secret = KINDS[kind](core)
        self.secrets[core] = secret
        self.kinds[core] = kind
        self.where[core] = where
        rtype = where.split(":", 1)[0]
        self.fields_by_type[rtype] = self.fields_by_type.get(rtype, 0) + 1
        return secret

    def leaks(self, text: str) -> dict[str, str]:
        """The secrets whose core appears in `text` (core -> where it was seeded)."""
        found = set(_CORE.findall(text.lower()))
        return {c: self.where[c] for c in self.secrets if c.lower() in found}


def _examples() -> dict[str, list[dict[str, Any]]]:
    """Example resources by type: the demo estate's, then the rule packs' test cases."""
    out: dict[str, list[dict[str, Any]]] = {}
    for part in sorted(data_dir("fixtures/demo").glob("resources-*.jsonl.gz")):
        with gzip.open(part, "rb") as fh:
            for line in fh:
                resource = orjson.loads(line)
                out.setdefault(resource["type"], []).append(resource)
    for path in sorted(data_dir("rules").rglob("*.yaml")):
        data = read_yaml(path, ScannerError)
        if not isinstance(data, dict):
            continue
        for case in data.get("tests") or []:
            for resource in case.get("resources") or []:
                if isinstance(resource, dict) and resource.get("type") in TYPES:
                    out.setdefault(resource["type"], []).append(resource)
    return out


def _declared_fields(description: str) -> dict[str, Any] | None:
    """The fields an `object {a, b}` / `list of {a, b, c: [{d}]}` description declares,
    as a shape: field -> None (a scalar), a dict (an object) or a one-item list."""
    start = description.find("{")
    if start < 0 or "metric ->" in description:
        return None
    body, depth = "", 0
    for char in description[start:]:
        depth += char == "{"
        depth -= char == "}"
        body += char
        if depth == 0:
            break
    parts, depth, current = [], 0, ""
    for char in body[1:-1]:
        depth += char in "{[("
        depth -= char in "}])"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    shape: dict[str, Any] = {}
    for part in parts:
        match = re.match(r"\s*([a-z_][a-z0-9_]*)", part)
        if not match:
            continue
        rest = part[match.end() :]
        inner = _declared_fields(rest) if "{" in rest else None
        if inner is not None and "[" in rest.split("{", 1)[0]:
            shape[match.group(1)] = [inner]
        else:
            shape[match.group(1)] = inner
    return shape


def _is_list_of(description: str) -> bool:
    return bool(re.match(r"^(.*:\s*)?list of \{", description)) or "access list as {" in (
        description
    )


def _fill(value: Any, where: str, seeds: Seeds) -> Any:
    """`value` with every string in it (dict keys aside) replaced by a new secret."""
    if isinstance(value, str):
        return seeds.new(where)
    if isinstance(value, dict):
        return {k: _fill(v, f"{where}.{k}", seeds) for k, v in value.items()}
    if isinstance(value, list):
        items = value or [""]
        return [_fill(v, f"{where}[]", seeds) for v in items]
    return value


def _merge(example: Any, shape: Any) -> Any:
    """The example's value with the fields the shape declares and it lacks added ("")."""
    if isinstance(shape, list):
        items = example if isinstance(example, list) and example else [{}]
        return [_merge(item, shape[0]) for item in items]
    if isinstance(shape, dict):
        out = dict(example) if isinstance(example, dict) else {}
        for key, sub in shape.items():
            out[key] = _merge(out.get(key), sub)
        return out
    return "" if example is None else example


def _attribute(rtype: str, key: str, description: str, examples: list[Any], seeds: Seeds) -> Any:
    where = f"{rtype}:attributes.{key}"
    shape: Any = _declared_fields(description)
    if shape is not None and _is_list_of(description):
        shape = [shape]
    example = next((e for e in examples if e not in (None, [], {})), None)
    if example is None and shape is None:
        if key == "usage" or _looks_numeric(description):
            return None
        return seeds.new(where)
    return _fill(_merge(example, shape), where, seeds)


_NUMERIC = re.compile(
    r"^(true|false|number|count|\d|whole|days|hours|size|port|percent|the number|how many)",
    re.IGNORECASE,
)


def _looks_numeric(description: str) -> bool:
    return bool(_NUMERIC.match(description))


def _relations(rtype: str, index: dict[str, str], seeds: Seeds) -> list[dict[str, Any]]:
    """One relation of each kind the type declares, its string properties seeded."""
    out = []
    for kind, target_text in TYPES[rtype].relations.items():
        target = "internet" if kind == "allows_from" else None
        if target is None:
            named = [t for t in index if t in target_text]
            target = index[named[0]] if named else index[rtype]
        props = re.findall(r"properties: ([a-z_, ]+)", RELATIONS.get(kind, ""))
        properties: dict[str, Any] = {"note": seeds.new(f"{rtype}:relations.{kind}.note")}
        for prop in (p.strip() for p in props[0].split(",")) if props else ():
            properties[prop] = (
                0 if prop.endswith("_port") else seeds.new(f"{rtype}:relations.{kind}.{prop}")
            )
        out.append({"type": kind, "target": target, "properties": properties})
    return out


def _resource_id(rtype: str, n: int) -> str:
    provider, service, kind = ([*rtype.split(".", 2), "resource"])[:3]
    if provider == "aws":
        return f"arn:aws:{service}:eu-west-1:111122223333:{kind}/seeded-{n}"
    return f"//{service}.googleapis.com/projects/seeded/{kind}/seeded-{n}"


def seed_estate(seeds: Seeds | None = None) -> tuple[list[dict[str, Any]], Seeds]:
    """One resource per catalog type, every string field a distinct secret."""
    seeds = seeds if seeds is not None else Seeds()
    examples = _examples()
    index = {rtype: _resource_id(rtype, n) for n, rtype in enumerate(TYPES)}
    resources = []
    for rtype, spec in TYPES.items():
        samples = examples.get(rtype, [])
        attributes = {}
        for key, description in spec.attributes.items():
            values = [(s.get("attributes") or {}).get(key) for s in samples]
            attributes[key] = _attribute(rtype, key, description, values, seeds)
        tags = {seeds.new(f"{rtype}:tags.key"): seeds.new(f"{rtype}:tags.value") for _ in "ab"}
        tags["Product"] = seeds.new(f"{rtype}:tags.Product")
        tags["Owner"] = seeds.new(f"{rtype}:tags.Owner")
        provider = rtype.split(".", 1)[0]
        resources.append(
            {
                "id": index[rtype],
                "type": rtype,
                "provider": provider,
                "account": "111122223333" if provider == "aws" else "seeded",
                "region": "eu-west-1" if provider == "aws" else "europe-west1",
                "name": seeds.new(f"{rtype}:name"),
                "tags": tags,
                "attributes": attributes,
                "relations": _relations(rtype, index, seeds),
            }
        )
    return resources, seeds


def iter_strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from iter_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from iter_strings(v)
