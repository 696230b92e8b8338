"""Check parity with Prowler, measured: `docs/coverage.md` from a checked-in list.

    python -m scanner.coverage           # rewrite docs/coverage.md (make docs)
    python -m scanner.coverage --check   # exit 1 when the committed page is stale

`docs/coverage/prowler-checks.yaml` names every Prowler AWS and GCP check of a service
pscan collects, with the pscan rules that decide it or the reason it is not covered
(`not-collected`, `not-decidable`, `disagree`, `manual`); an entry with neither is an
open gap. Services pscan does not collect are listed once each, with their number of
checks. The page counts, per provider and per service, the checks that are covered,
explained and open, and tables every check.

The list is validated against the loaded rule set: a rule id that does not exist, a
check listed twice, or an entry with both rules and a reason is an error (exit 2, naming
the entry). Nothing here touches the network: the Prowler facts were read once, from its
repository, into the list.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scanner.engine import RuleSet, load_rules
from scanner.errors import ConfigError, ScannerError
from scanner.paths import stale_pages, write_pages
from scanner.yamlfile import located_problem, read_yaml_lines

__all__ = [
    "COMMAND",
    "LIST",
    "PAGE",
    "ROOT",
    "CheckEntry",
    "CheckList",
    "ServiceEntry",
    "Tally",
    "generate",
    "load_list",
    "main",
    "page",
    "stale",
    "status_of",
    "tally",
    "validate",
    "write",
]

logger = logging.getLogger(__name__)

# The top of the source checkout this module lives in.
ROOT = Path(__file__).resolve().parents[1]
LIST = Path("docs/coverage/prowler-checks.yaml")
PAGE = Path("docs/coverage.md")
COMMAND = "make docs"

Provider = Literal["aws", "gcp"]
Reason = Literal["not-collected", "not-decidable", "disagree", "manual"]
Status = Literal["covered", "explained", "open"]
_PROVIDER_TITLES = {"aws": "AWS", "gcp": "Google Cloud"}
_REASON_TEXT = {
    "not-collected": "the service or attribute is not collected",
    "not-decidable": "needs data no inventory holds (log contents, code, outside lookups)",
    "disagree": "pscan deliberately judges it differently, and says why",
    "manual": "a human judgement, or no API answers it",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckEntry(_Model):
    """One Prowler check of a service pscan collects, and pscan's answer to it."""

    id: str = Field(min_length=1)
    provider: Provider
    service: str = Field(min_length=1)
    severity: str = Field(min_length=1)
    intent: str = Field(min_length=1)
    rules: list[str] = Field(default_factory=list)
    note: str | None = None
    reason: Reason | None = None
    why: str | None = None

    @model_validator(mode="after")
    def _one_answer(self) -> CheckEntry:
        if self.rules and self.reason is not None:
            msg = f"check {self.id}: give either rules or a reason, not both"
            raise ValueError(msg)
        if (self.reason is None) != (self.why is None):
            msg = f"check {self.id}: a reason needs a `why`, and `why` needs a reason"
            raise ValueError(msg)
        return self


class ServiceEntry(_Model):
    """A Prowler service pscan does not collect at all, with its number of checks."""

    provider: Provider
    service: str = Field(min_length=1)
    checks: int = Field(gt=0)
    reason: Literal["not-collected"]
    why: str = Field(min_length=1)


class Source(_Model):
    """Where the Prowler facts were read."""

    repository: str
    commit: str = Field(pattern=r"^[0-9a-f]{40}$")


class CheckList(_Model):
    """The whole checked-in list."""

    source: Source
    checks: list[CheckEntry]
    services: list[ServiceEntry] = Field(default_factory=list)


class Tally(_Model):
    """Counts of one provider or service."""

    covered: int = 0
    explained: int = 0
    open: int = 0

    @property
    def total(self) -> int:
        """Every check counted."""
        return self.covered + self.explained + self.open

    def percent(self, count: int) -> str:
        """`count` as a share of the total, one decimal."""
        return f"{100 * count / self.total:.1f}%" if self.total else "-"

    def add(self, status: Status) -> Tally:
        """This tally with one more check of `status`."""
        return self.model_copy(update={status: getattr(self, status) + 1})


# ---------------------------------------------------------------------- reading
def load_list(path: Path) -> CheckList:
    """Read and shape-check the list; errors name file:line and field."""
    data, line_of = read_yaml_lines(path, ConfigError)
    try:
        return CheckList.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(located_problem(path, exc, line_of)) from None


def validate(checklist: CheckList, rule_ids: Iterable[str], where: Path = LIST) -> None:
    """Every named rule exists, no check or uncollected service is listed twice."""
    known = set(rule_ids)
    seen: set[tuple[str, str]] = set()
    for entry in checklist.checks:
        key = (entry.provider, entry.id)
        if key in seen:
            msg = f"{where}: check {entry.provider}/{entry.id} is listed twice"
            raise ConfigError(msg)
        seen.add(key)
        unknown = [r for r in entry.rules if r not in known]
        if unknown:
            msg = (
                f"{where}: check {entry.provider}/{entry.id} names unknown rule"
                f" {', '.join(unknown)} (see `pscan rules list`)"
            )
            raise ConfigError(msg)
    collected = {(e.provider, e.service) for e in checklist.checks}
    services: set[tuple[str, str]] = set()
    for service in checklist.services:
        key = (service.provider, service.service)
        if key in services or key in collected:
            msg = (
                f"{where}: service {service.provider}/{service.service} is listed twice"
                " (or also has checks of its own)"
            )
            raise ConfigError(msg)
        services.add(key)


# ---------------------------------------------------------------------- counting
def status_of(entry: CheckEntry) -> Status:
    """covered (rules decide it), explained (a reason says why not), or open."""
    if entry.rules:
        return "covered"
    return "explained" if entry.reason is not None else "open"


def tally(entries: Iterable[CheckEntry]) -> dict[tuple[str, str], Tally]:
    """Counts per (provider, service), and per (provider, "") for the whole provider."""
    out: dict[tuple[str, str], Tally] = {}
    for entry in entries:
        status = status_of(entry)
        for key in ((entry.provider, ""), (entry.provider, entry.service)):
            out[key] = out.get(key, Tally()).add(status)
    return out


# ---------------------------------------------------------------------- the page
def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _tally_row(label: str, counts: Tally) -> str:
    done = counts.covered + counts.explained
    return _row(
        [
            label,
            str(counts.total),
            f"{counts.covered} ({counts.percent(counts.covered)})",
            f"{counts.explained} ({counts.percent(counts.explained)})",
            str(counts.open),
            f"**{counts.percent(done)}**",
        ]
    )


_TALLY_HEAD = [
    "| | checks | covered | explained | open | covered or explained |",
    "|---|---:|---:|---:|---:|---:|",
]


def _summary(checklist: CheckList, counts: dict[tuple[str, str], Tally]) -> list[str]:
    providers = sorted({e.provider for e in checklist.checks})
    lines = ["## Summary", "", *_TALLY_HEAD]
    lines += [_tally_row(_PROVIDER_TITLES[p], counts[(p, "")]) for p in providers]
    reasons = Counter[str](e.reason for e in checklist.checks if e.reason is not None)
    lines += ["", "Explained checks, by reason:", ""]
    lines += [f"- `{r}` ({reasons.get(r, 0)}): {text}" for r, text in _REASON_TEXT.items()]
    skipped = Counter[str]()
    for service in checklist.services:
        skipped[service.provider] += service.checks
    lines += ["", "Checks of services pscan does not collect, not counted above:", ""]
    for provider in providers:
        names = sorted(s.service for s in checklist.services if s.provider == provider)
        lines.append(
            f"- {_PROVIDER_TITLES[provider]}: {skipped[provider]} checks in"
            f" {len(names)} services ({', '.join(names) or 'none'})"
        )
    return lines


def _answer(entry: CheckEntry) -> str:
    if entry.rules:
        text = ", ".join(f"`{r}`" for r in entry.rules)
        return text + (f". {_cell(entry.note)}" if entry.note else "")
    if entry.reason is not None:
        return f"*{entry.reason}*: {_cell(entry.why or '')}"
    return f"**open**: {_cell(entry.note or '')}"


def _provider_blocks(
    provider: str, entries: list[CheckEntry], counts: dict[tuple[str, str], Tally]
) -> list[str]:
    title = _PROVIDER_TITLES[provider]
    services = sorted({e.service for e in entries})
    lines = ["", f"## {title}", "", f"### {title} by service", "", *_TALLY_HEAD]
    lines += [_tally_row(f"`{s}`", counts[(provider, s)]) for s in services]
    lines += ["", f"### {title} checks", ""]
    lines += ["| service | Prowler check | severity | intent | pscan |", "|---|---|---|---|---|"]
    for entry in sorted(entries, key=lambda e: (e.service, e.id)):
        cells = [entry.service, f"`{entry.id}`", entry.severity, _cell(entry.intent)]
        lines.append(_row([*cells, _answer(entry)]))
    return lines


def _services_block(checklist: CheckList) -> list[str]:
    lines = ["", "## Services pscan does not collect", ""]
    lines += ["| provider | service | checks | why |", "|---|---|---:|---|"]
    for service in sorted(checklist.services, key=lambda s: (s.provider, s.service)):
        cells = [service.provider, service.service, str(service.checks), _cell(service.why)]
        lines.append(_row(cells))
    return lines


def page(checklist: CheckList) -> str:
    """`docs/coverage.md` for a validated list."""
    counts = tally(checklist.checks)
    source = checklist.source
    lines = [
        "# Coverage of Prowler's checks",
        "",
        f"<!-- Generated by `{COMMAND}` (python -m scanner.coverage) from {LIST}"
        " and the rule packs. Do not edit by hand. -->",
        "",
        f"*Generated from [{LIST.name}](coverage/{LIST.name}) by `{COMMAND}`; edit the"
        " list, not this page.*",
        "",
        "Every AWS and GCP check of [Prowler](https://github.com/prowler-cloud/prowler)"
        f" (`{source.repository}` at commit `{source.commit[:12]}`) for a service pscan"
        " collects, with the pscan rules that decide it (*covered*), or the reason pscan"
        " does not (*explained*), or neither yet (*open*). The list holds facts only:"
        " check ids, services and severities; each intent is pscan's own summary.",
        "",
        *_summary(checklist, counts),
    ]
    for provider in sorted({e.provider for e in checklist.checks}):
        entries = [e for e in checklist.checks if e.provider == provider]
        lines += _provider_blocks(provider, entries, counts)
    lines += _services_block(checklist)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- entry points
def generate(root: Path = ROOT, ruleset: RuleSet | None = None) -> dict[Path, str]:
    """The generated page: path relative to the repository root -> its text."""
    checklist = load_list(root / LIST)
    ruleset = load_rules() if ruleset is None else ruleset
    validate(checklist, ruleset.rules, root / LIST)
    return {PAGE: page(checklist)}


def stale(root: Path = ROOT, pages: dict[Path, str] | None = None) -> list[Path]:
    """The pages under `root` that are missing or differ from `generate(root)`."""
    return stale_pages(root, generate(root) if pages is None else pages)


def write(root: Path = ROOT) -> list[Path]:
    """Write the page under `root`; return it when its content changed."""
    return write_pages(root, generate(root))


def main(argv: list[str] | None = None) -> int:
    """`python -m scanner.coverage [--check] [--root DIR]`: 0 ok, 1 stale, 2 bad list."""
    parser = argparse.ArgumentParser(
        prog="python -m scanner.coverage",
        description=f"Generate {PAGE} from {LIST} and the rule packs.",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    root: Path = args.root
    try:
        if args.check:
            outdated = stale(root)
            for rel in outdated:
                logger.error("%s is stale; run: %s", rel, COMMAND)
            return 1 if outdated else 0
        changed = write(root)
    except ScannerError as exc:
        logger.error("cannot generate %s: %s", PAGE, exc)
        return 2
    logger.info("wrote %s" if changed else "%s is up to date", PAGE)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main())
