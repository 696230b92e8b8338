"""`pscan prices update`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from scanner.app import PricesRequest, update_prices
from scanner.cli.options import quiet_option
from scanner.cli.output import Ui
from scanner.pricing import AWS_ENDPOINT, GCP_ENDPOINT, PriceUpdate

__all__ = ["prices"]

_FILE = click.Path(path_type=Path, exists=True, dir_okay=False)


@click.group()
def prices() -> None:
    """The list-price table cost rules estimate with (rules/prices.yaml)."""


@prices.command("update")
@click.option(
    "--aws-offer",
    "aws_offers",
    multiple=True,
    type=_FILE,
    help="AWS Price List offer file (index.json of AmazonEC2, AmazonRDS, AmazonS3, AWSELB,"
    " AmazonVPC for us-east-1); repeatable.",
)
@click.option(
    "--gcp-catalog",
    "gcp_catalogs",
    multiple=True,
    type=_FILE,
    help="GCP Cloud Billing Catalog page (services.skus.list JSON of Compute Engine, Cloud"
    " SQL, Cloud Storage); repeatable.",
)
@click.option(
    "--online",
    is_flag=True,
    help="Download the offers and catalogs (GCP needs an API key in GOOGLE_API_KEY).",
)
@click.option(
    "--aws-endpoint",
    default=AWS_ENDPOINT,
    show_default=True,
    help="Where --online fetches AWS offers (a mirror).",
)
@click.option(
    "--gcp-endpoint",
    default=GCP_ENDPOINT,
    show_default=True,
    help="Where --online fetches GCP catalogs (a mirror).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("rules/prices.yaml"),
    show_default=True,
    help="The price table to update (read, then written atomically).",
)
@quiet_option
def prices_update(
    aws_offers: tuple[Path, ...],
    gcp_catalogs: tuple[Path, ...],
    online: bool,
    aws_endpoint: str,
    gcp_endpoint: str,
    output: Path,
    quiet: bool,
) -> None:
    """Rebuild the list prices of a price table from AWS and GCP price lists.

    Reads on-demand list prices for us-east-1 (AWS Price List offer files) and
    us-central1 (GCP Cloud Billing Catalog), converts hourly prices at 720 hours a
    month, and updates the keys and type rows the table already has. A key no source
    prices keeps its old value and is listed as not updated. The table records the
    sources read and, as `as_of`, their latest publication date.

    \b
    Examples:
      curl -o ec2.json https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.json
      pscan prices update --aws-offer ec2.json --aws-offer rds.json --gcp-catalog compute.json
      GOOGLE_API_KEY=... pscan prices update --online -o rules/prices.yaml
    """
    ui = Ui(quiet)
    request = PricesRequest(
        table=output,
        aws_offers=aws_offers,
        gcp_catalogs=gcp_catalogs,
        online=online,
        gcp_api_key=os.environ.get("GOOGLE_API_KEY"),
        aws_endpoint=aws_endpoint,
        gcp_endpoint=gcp_endpoint,
    )
    result = update_prices(request)
    for sheet in result.sheets:
        s = sheet.source
        ui.say(f"read {s.service} ({s.published}) from {s.origin}: {len(sheet.quotes)} prices")
    _summary(ui, result.update)
    ui.say(f"wrote {output} (as_of {result.update.table.as_of})")


def _summary(ui: Ui, update: PriceUpdate) -> None:
    for warning in update.warnings:
        ui.say(f"warning: {warning}")
    for (key, row), old, new in update.changed:
        ui.say(f"changed {key}{f' {row}' if row else ''}: {old:g} -> {new:g}")
    ui.say(
        f"updated {len(update.updated)} prices ({len(update.changed)} changed),"
        f" kept {len(update.not_updated)} that no source prices"
    )
    keys = [key for key, row in update.not_updated if row is None]
    if keys:
        ui.say(f"not updated: {', '.join(keys)}")
    for name, rows in update.table.type_prices.items():
        kept = [row for key, row in update.not_updated if key == name and row is not None]
        if kept:
            ui.say(f"not updated in {name} ({len(kept)} of {len(rows)}): {', '.join(kept)}")
