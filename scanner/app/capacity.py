"""`pscan capacity show`, and the product tag every capacity report uses.

The product tag (the tag/label key whose value names a resource's product) is, in order:
the command's `--product-tag` (repeatable: keys tried in order), else `capacity:
product_tag` in `.pscan.yaml` (a key or a list), else `Product`, `App`, `Application`
(`scanner.headroom.DEFAULT_PRODUCT_TAGS`). Keys match case-insensitively. `pscan scan`
resolves it here too, so both commands group resources alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain

from scanner.app.gate import GateOptions, load_gate
from scanner.errors import ConfigError, ReportError
from scanner.gate import GateConfig
from scanner.headroom import DEFAULT_PRODUCT_TAGS, headroom_report
from scanner.model import CapacityReport
from scanner.render.capacity import render_capacity_json, render_capacity_text
from scanner.render.markdown import render_capacity_markdown
from scanner.snapshot import open_snapshot
from scanner.storage import SnapshotPath

__all__ = [
    "CAPACITY_FORMATS",
    "CapacityRequest",
    "product_tags",
    "render_capacity",
    "select_product",
    "show_capacity",
]

# text: aligned columns for a terminal; json: the `capacity` object of a findings
# document; md: the Markdown report's section.
CAPACITY_FORMATS = ("text", "json", "md")


def product_tags(flag: Sequence[str], config: GateConfig) -> tuple[str, ...]:
    """The product tag keys: the flag's, else the config file's, else the defaults."""
    return tuple(flag) or config.capacity.product_tags or DEFAULT_PRODUCT_TAGS


@dataclass(frozen=True)
class CapacityRequest:
    """What `pscan capacity show` was asked to do."""

    snapshots: tuple[SnapshotPath, ...]
    product_tags: tuple[str, ...] = ()
    product: str | None = None
    config: GateOptions = field(default_factory=GateOptions)  # --config / --no-config


def show_capacity(request: CapacityRequest) -> CapacityReport:
    """Headroom by product of the snapshots, in one pass over their resources.

    Without capacity data the report is empty (no products).

    Raises:
        ConfigError: no snapshot given, a bad config file, or `product` is not one of
            the products found.
        SnapshotError: a snapshot is missing or unreadable.
    """
    if not request.snapshots:
        msg = "give one or more SNAPSHOT folders"
        raise ConfigError(msg)
    config = load_gate(request.config).config
    tags = product_tags(request.product_tags, config)
    snaps = [open_snapshot(p) for p in request.snapshots]
    resources = chain.from_iterable(s.iter_resources() for s in snaps)
    report = headroom_report(resources, tags) or CapacityReport(product_tags=list(tags))
    if request.product is not None:
        report = select_product(report, request.product)
    return report


def select_product(report: CapacityReport, product: str) -> CapacityReport:
    """The report of one product alone.

    Raises:
        ConfigError: no product of that name (the message lists the products found).
    """
    chosen = [g for g in report.products if g.name == product]
    if not chosen:
        names = [g.name for g in report.products]
        known = ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")
        tags = ", ".join(report.product_tags)
        msg = (
            f"--product {product!r}: no such product with capacity data (tag {tags}; products:"
            f" {known or 'none'})"
        )
        raise ConfigError(msg)
    (group,) = chosen
    return report.model_copy(
        update={
            "products": chosen,
            "accounts": [],
            "constraints": len(group.constraints),
            "unmeasured": group.unmeasured,
        }
    )


def render_capacity(
    report: CapacityReport, fmt: str, rows: int = 20, highlight: Callable[[str], str] = str
) -> str:
    """The report in one of CAPACITY_FORMATS; `rows` limits text and md per product (0: all).

    Raises:
        ReportError: fmt is not one of CAPACITY_FORMATS.
    """
    if fmt == "json":
        return render_capacity_json(report)
    if fmt == "md":
        return render_capacity_markdown(report, rows=rows)
    if fmt == "text":
        return render_capacity_text(report, rows=rows, highlight=highlight)
    msg = f"unknown capacity format {fmt!r} (use one of: {', '.join(CAPACITY_FORMATS)})"
    raise ReportError(msg)
