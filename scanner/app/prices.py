"""`pscan prices update`: rebuild the list prices of `rules/prices.yaml` from AWS offer
files and GCP catalog pages, downloaded beforehand or fetched with `online`."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from scanner.app.files import write_atomic
from scanner.engine.spec import PriceTable
from scanner.errors import ConfigError, validation_summary
from scanner.pricing import (
    AWS_ENDPOINT,
    GCP_ENDPOINT,
    PriceSheet,
    PriceUpdate,
    download_aws_offers,
    download_gcp_catalogs,
    read_catalog,
    read_json,
    read_offer,
    render_table,
    update_table,
)
from scanner.yamlfile import read_yaml

__all__ = ["PricesRequest", "PricesResult", "update_prices"]


@dataclass(frozen=True)
class PricesRequest:
    """What to read, and the table to update in place."""

    table: Path
    aws_offers: Sequence[Path] = ()
    gcp_catalogs: Sequence[Path] = ()
    online: bool = False
    gcp_api_key: str | None = None
    aws_endpoint: str = AWS_ENDPOINT
    gcp_endpoint: str = GCP_ENDPOINT


@dataclass(frozen=True)
class PricesResult:
    """The sheets read and the update written."""

    sheets: list[PriceSheet]
    update: PriceUpdate


Reader = Callable[[Path, object, str], PriceSheet]


def update_prices(request: PricesRequest) -> PricesResult:
    """Read every source, update the table's prices and write it back atomically.

    Raises:
        ConfigError: no source given, a table or source file that is not what it should
            be (the message names the file and field).
        CollectorError: a download failed (`online`).
    """
    if not (request.aws_offers or request.gcp_catalogs or request.online):
        msg = "nothing to read: give --aws-offer FILE, --gcp-catalog FILE or --online"
        raise ConfigError(msg)
    old_text, old = _read_table(request.table)
    inputs: list[tuple[Reader, Path, str]] = [(read_offer, p, "") for p in request.aws_offers]
    inputs += [(read_catalog, p, "") for p in request.gcp_catalogs]
    with tempfile.TemporaryDirectory(prefix="pscan-prices-") as tmp:
        if request.online:
            folder = Path(tmp)
            # GCP first: a missing API key stops the run before any download
            gcp = download_gcp_catalogs(folder, request.gcp_api_key, request.gcp_endpoint)
            aws = download_aws_offers(folder, request.aws_endpoint)
            inputs += [(read_offer, path, url) for path, url in aws]
            inputs += [(read_catalog, path, url) for path, url in gcp]
        sheets = [reader(path, read_json(path), origin) for reader, path, origin in inputs]
    update = update_table(old, sheets)
    write_atomic(request.table, render_table(update, old_text))
    return PricesResult(sheets=sheets, update=update)


def _read_table(path: Path) -> tuple[str, PriceTable]:
    data = read_yaml(path, ConfigError)
    try:
        table = PriceTable.model_validate(data)
    except ValidationError as exc:
        msg = f"{path}: not a price table: {validation_summary(exc)}"
        raise ConfigError(msg) from None
    return path.read_text(encoding="utf-8"), table
