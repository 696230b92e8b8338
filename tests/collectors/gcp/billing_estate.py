"""A small billing story: two projects' spend in the Cloud Billing export, for spend tests.

The billing account 01A2B3-C4D5E6-F7A8B9 is billed in EUR and exports to the table
`TABLE`. Its rows (`data/billing-export.ndjson`, as BigQuery extracts the table; the same
rows flattened in `data/billing-export.csv`) cover:

- `shop-prod`: Compute Engine in europe-west1 labelled `product: checkout` (with
  sustained-use and committed-use discounts as credits; two rows in October), one VM
  without the label (untagged), Cloud SQL labelled `catalog`, Cloud Storage in the EU
  multi-region without the label;
- `data-lake`: BigQuery in the US multi-region labelled `analytics` (free-tier credits; a
  promotion credit that nets November to zero), Cloud Storage untagged, 12.049 EUR
  (sub-cent amounts are kept);
- invoice months 2026-09 and 2026-10 (complete: their last rows end at midnight Pacific
  time on the first of the next month), 2026-11 to date (rows up to 2026-11-20 06:00
  UTC: partial), and one row of 2025-10, outside the BigQuery window of `NOW` (files keep it).

The totals below are summed by hand from the rows, not by pscan.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from scanner.collectors.gcp.billing import BillingOptions
from scanner.collectors.gcp.collect import collect_gcp
from scanner.model import SnapshotManifest
from tests.collectors.gcp.fake_bigquery import FakeBigQuery

__all__ = [
    "COST",
    "CREDITS",
    "CSV",
    "CURRENCY",
    "NDJSON",
    "NET_BY_MONTH",
    "NET_BY_PRODUCT",
    "NET_BY_PROJECT",
    "NOW",
    "OUTSIDE_WINDOW",
    "TABLE",
    "collect_billing_estate",
    "export_rows",
    "fake_bigquery",
]

DATA = Path(__file__).resolve().parent / "data"
NDJSON = DATA / "billing-export.ndjson"
CSV = DATA / "billing-export.csv"
TABLE = "billing-admin.billing_export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # window: invoice months 2025-11 .. 2026-11
CURRENCY = "EUR"

# In the window (the BigQuery source); the files also hold OUTSIDE_WINDOW (2025-10, cost).
COST = Decimal("1830.844")
CREDITS = Decimal("-187.20")
NET_BY_PRODUCT = {
    "checkout": Decimal("987.345"),
    "catalog": Decimal("360.00"),
    "analytics": Decimal("203.75"),
    "": Decimal("92.549"),  # untagged
}
NET_BY_PROJECT = {"shop-prod": Decimal("1427.845"), "data-lake": Decimal("215.799")}
NET_BY_MONTH = {
    "2026-09": Decimal("663.57"),
    "2026-10": Decimal("746.074"),
    "2026-11": Decimal("234.00"),  # partial
}
OUTSIDE_WINDOW = Decimal("300.00")


def export_rows() -> list[dict[str, Any]]:
    """The export rows, as dicts (what the BigQuery fake holds)."""
    lines = NDJSON.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@contextmanager
def fake_bigquery(max_page_size: int = 3) -> Iterator[FakeBigQuery]:
    """The BigQuery fake serving the story's table, `max_page_size` rows a page."""
    fake = FakeBigQuery(TABLE, export_rows(), max_page_size=max_page_size).start()
    try:
        yield fake
    finally:
        fake.stop()


def collect_billing_estate(
    output: Path, fake: FakeBigQuery | None = None, label: str = "product"
) -> SnapshotManifest:
    """A snapshot of the story's spend alone: from `fake` (BigQuery), else from the NDJSON file."""
    if fake is not None:
        billing = BillingOptions(table=TABLE, endpoint=fake.url, label=label, now=NOW)
    else:
        billing = BillingOptions(files=(NDJSON,), label=label, now=NOW)
    manifest, _counts = collect_gcp(output, billing=billing)
    return manifest
