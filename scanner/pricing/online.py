"""Download the price sources pscan reads: AWS offer files and GCP catalog pages.

AWS publishes each offer's current us-east-1 prices at
`<endpoint>/offers/v1.0/aws/<offer>/current/us-east-1/index.json` (no credentials);
the GCP Cloud Billing Catalog is `<endpoint>/v1/services/<id>/skus`, paged, with an
API key. Both are saved to files so that online and offline runs read the same way.
"""

from __future__ import annotations

import json
import logging
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from scanner.errors import CollectorError, ConfigError
from scanner.pricing.aws import OFFERS
from scanner.pricing.gcp import SERVICES

__all__ = ["AWS_ENDPOINT", "GCP_ENDPOINT", "download_aws_offers", "download_gcp_catalogs"]

logger = logging.getLogger(__name__)

AWS_ENDPOINT = "https://pricing.us-east-1.amazonaws.com"
GCP_ENDPOINT = "https://cloudbilling.googleapis.com"
_TIMEOUT = 120
_MAX_PAGES = 200  # a catalog has a few thousand SKUs: 5,000 a page


def _get(url: str, shown: str, dest: Path) -> None:
    """Save one URL to a file; `shown` is the URL as errors may print it (no key)."""
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT) as response, dest.open("wb") as fh:
            shutil.copyfileobj(response, fh)
    except urllib.error.HTTPError as exc:
        msg = f"{shown}: HTTP {exc.code} {exc.reason}"
        raise CollectorError(msg) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        msg = f"{shown}: cannot download ({reason})"
        raise CollectorError(msg) from None


def download_aws_offers(folder: Path, endpoint: str = AWS_ENDPOINT) -> list[tuple[Path, str]]:
    """Each offer pscan reads, saved in `folder`: (file, URL)."""
    files = []
    for offer in OFFERS:
        url = f"{endpoint.rstrip('/')}/offers/v1.0/aws/{offer}/current/us-east-1/index.json"
        dest = folder / f"aws-{offer}.json"
        logger.info("downloading %s", url)
        _get(url, url, dest)
        files.append((dest, url))
    return files


def download_gcp_catalogs(
    folder: Path, api_key: str | None, endpoint: str = GCP_ENDPOINT
) -> list[tuple[Path, str]]:
    """Every page of each catalog pscan reads, saved in `folder`: (file, URL without key)."""
    if not api_key:
        msg = (
            "GOOGLE_API_KEY is not set: the Cloud Billing Catalog needs an API key"
            " (or give downloaded pages with --gcp-catalog FILE)"
        )
        raise ConfigError(msg)
    files = []
    for service_id in SERVICES:
        base = f"{endpoint.rstrip('/')}/v1/services/{service_id}/skus"
        token = ""
        for page in range(_MAX_PAGES):
            query = {"currencyCode": "USD", "pageSize": "5000", "pageToken": token}
            shown = f"{base}?{urllib.parse.urlencode(query)}"
            dest = folder / f"gcp-{service_id}-{page}.json"
            logger.info("downloading %s", shown)
            _get(f"{shown}&{urllib.parse.urlencode({'key': api_key})}", shown, dest)
            files.append((dest, shown))
            token = _next_token(dest)
            if not token:
                break
    return files


def _next_token(page: Path) -> str:
    try:
        data = json.loads(page.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return ""  # read_catalog reports the bad page with its field
    token = data.get("nextPageToken", "") if isinstance(data, dict) else ""
    return token if isinstance(token, str) else ""
