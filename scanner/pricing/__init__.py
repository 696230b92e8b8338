"""Keeping `rules/prices.yaml` current: read AWS Price List offer files and GCP Cloud
Billing Catalog pages (downloaded, or fetched with `--online`), turn their list prices
into the table's monthly figures, and write the table back with its comments.

| module | does |
|---|---|
| `sheet.py` | `Quote` (one list price), `PriceSheet` (what one file gave), field checks |
| `aws.py` | AWS offer file -> quotes (EC2, EBS, NAT, ALB, public IPv4, RDS, S3) |
| `gcp.py` | GCP catalog page -> quotes (Compute Engine, Cloud SQL, Cloud Storage) |
| `table.py` | quotes -> the updated `PriceTable` (derived prices too) and its YAML |
| `online.py` | downloads from the public endpoints to files |
"""

from scanner.pricing.aws import read_offer
from scanner.pricing.gcp import read_catalog
from scanner.pricing.online import (
    AWS_ENDPOINT,
    GCP_ENDPOINT,
    download_aws_offers,
    download_gcp_catalogs,
)
from scanner.pricing.sheet import PriceSheet, Quote, read_json
from scanner.pricing.table import PriceUpdate, render_table, update_table

__all__ = [
    "AWS_ENDPOINT",
    "GCP_ENDPOINT",
    "PriceSheet",
    "PriceUpdate",
    "Quote",
    "download_aws_offers",
    "download_gcp_catalogs",
    "read_catalog",
    "read_json",
    "read_offer",
    "render_table",
    "update_table",
]
