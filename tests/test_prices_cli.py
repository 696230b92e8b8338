"""`pscan prices update` end to end: files, bad files, and --online against a local fake."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from scanner.cli import cli
from scanner.paths import data_dir

DATA = Path(__file__).parent / "pricing" / "data"
RULES = data_dir("rules")
OFFERS = {
    "AmazonEC2": "aws-ec2.json",
    "AmazonRDS": "aws-rds.json",
    "AmazonS3": "aws-s3.json",
    "AWSELB": "aws-elb.json",
    "AmazonVPC": "aws-vpc.json",
}
CATALOGS = {
    "6F81-5844-456A": "gcp-compute.json",
    "9662-B51E-5089": "gcp-sql.json",
    "95FF-2EF5-5EA1": "gcp-storage.json",
}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


@pytest.fixture
def table(tmp_path: Path) -> Path:
    """A copy of the bundled rule pack, whose prices.yaml the tests update."""
    pack = tmp_path / "rules"
    shutil.copytree(RULES, pack)
    return pack / "prices.yaml"


def file_args() -> list[str]:
    args = [arg for name in OFFERS.values() for arg in ("--aws-offer", str(DATA / name))]
    return args + [arg for name in CATALOGS.values() for arg in ("--gcp-catalog", str(DATA / name))]


def test_update_from_files_then_the_rule_pack_still_loads_and_its_tests_pass(table: Path) -> None:
    result = run("prices", "update", *file_args(), "-o", str(table))
    assert result.exit_code == 0, result.output
    assert "changed aws.ec2.nat_gateway_month: 32.4 -> 34.56" in result.output
    assert "not updated: aws.ebs.io1_gb_month, aws.ebs.io2_gb_month" in result.output
    assert "not updated in gcp.compute.instance_month (7 of 23): n2-standard-2," in result.output
    assert f"wrote {table} (as_of 2026-11-15)" in result.output
    data = yaml.safe_load(table.read_text())
    assert data["prices"]["aws.ec2.nat_gateway_month"] == 34.56
    assert len(data["sources"]) == 8
    tested = run("rules", "test", "--no-builtin-rules", "--rules", str(table.parent), "-q")
    assert tested.exit_code == 0, tested.output
    assert "rules passed" in tested.output


def test_a_bad_offer_file_is_one_line_exit_2_naming_file_and_field(
    table: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "ec2.json"
    data = json.loads((DATA / "aws-ec2.json").read_text())
    del data["publicationDate"]
    bad.write_text(json.dumps(data))
    before = table.read_text()
    result = run("prices", "update", "--aws-offer", str(bad), "-o", str(table))
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        f"pscan: error: {bad}: field publicationDate: missing (is this the right kind of file?)"
    ]
    assert table.read_text() == before  # nothing written


def test_nothing_to_read_and_a_table_that_is_not_one(table: Path, tmp_path: Path) -> None:
    result = run("prices", "update", "-o", str(table))
    assert result.exit_code == 2
    assert "nothing to read: give --aws-offer FILE, --gcp-catalog FILE or --online" in result.output
    other = tmp_path / "other.yaml"
    other.write_text("currency: USD\n")
    result = run("prices", "update", "--aws-offer", str(DATA / "aws-s3.json"), "-o", str(other))
    assert result.exit_code == 2
    assert f"{other}: not a price table: field as_of: Field required" in result.output


class _Fake(BaseHTTPRequestHandler):
    """The AWS Price List bulk endpoint and the Cloud Billing Catalog, on loopback."""

    requests: list[str] = []
    fail = False

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        type(self).requests.append(self.path)
        parts = url.path.strip("/").split("/")
        body: bytes | None = None
        if parts[:3] == ["offers", "v1.0", "aws"] and parts[4:] == [
            "current",
            "us-east-1",
            "index.json",
        ]:
            name = OFFERS.get(parts[3])
            body = (DATA / name).read_bytes() if name else None
        elif (
            parts[:2] == ["v1", "services"] and parts[3:] == ["skus"] and query.get("key") == "k3y"
        ):
            body = self._page(CATALOGS[parts[2]], query.get("pageToken", ""))
        if self.fail or body is None:
            self.send_error(500 if self.fail else 404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    @staticmethod
    def _page(name: str, token: str) -> bytes:
        """Two pages per catalog, to follow nextPageToken."""
        skus = json.loads((DATA / name).read_text())["skus"]
        half = len(skus) // 2
        page = {"skus": skus[:half], "nextPageToken": "p2"} if not token else {"skus": skus[half:]}
        return json.dumps(page).encode()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def fake() -> Iterator[str]:
    _Fake.requests, _Fake.fail = [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def online(fake: str, table: Path, key: str | None = "k3y") -> Result:
    env = {"GOOGLE_API_KEY": key} if key else {"GOOGLE_API_KEY": ""}
    endpoints = ("--aws-endpoint", fake, "--gcp-endpoint", fake)
    return run("prices", "update", "--online", *endpoints, "-o", str(table), env=env)


def test_online_downloads_every_offer_and_catalog_page(fake: str, table: Path) -> None:
    result = online(fake, table)
    assert result.exit_code == 0, result.output
    offline = table.parent / "offline.yaml"
    shutil.copy(RULES / "prices.yaml", offline)
    assert run("prices", "update", *file_args(), "-o", str(offline)).exit_code == 0
    got, want = yaml.safe_load(table.read_text()), yaml.safe_load(offline.read_text())
    assert (got["prices"], got["type_prices"]) == (want["prices"], want["type_prices"])
    assert len(_Fake.requests) == 5 + 3 * 2  # five offers, three catalogs of two pages
    assert got["sources"][-1] == {  # one entry per catalog, named by its first page
        "provider": "gcp",
        "service": "Compute Engine",
        "version": "6F81-5844-456A",
        "published": "2026-11-14T08:12:45.213Z",
        "origin": f"{fake}/v1/services/6F81-5844-456A/skus"
        "?currencyCode=USD&pageSize=5000&pageToken=",
    }
    assert len(got["sources"]) == 8
    origins = [source["origin"] for source in got["sources"]]
    assert f"{fake}/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.json" in origins
    assert not any("k3y" in origin for origin in origins)  # the key is never written


def test_online_errors_are_one_line_exit_2(fake: str, table: Path) -> None:
    result = online(fake, table, key=None)
    assert result.exit_code == 2
    assert "GOOGLE_API_KEY is not set" in result.output
    assert _Fake.requests == []  # stopped before any download
    _Fake.fail = True
    result = online(fake, table)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert f"{fake}/v1/services/6F81-5844-456A/skus?currencyCode=USD" in lines[0]
    assert ": HTTP 500" in lines[0]
    assert "k3y" not in lines[0]  # the API key is never shown
