"""A moto server for the AWS collector tests: one for the package, reset before every test.

The server is moto's ThreadedMotoServer on 127.0.0.1 and a free port, so botocore talks
real HTTP to it (paginators, retries, error shapes). Credentials are fake and distinctive
so tests can prove they never reach an output. moto's default AMIs (and the ~1,300
snapshots behind them) are turned off: they belong to the default account and would be
collected as the account's own.
"""

from __future__ import annotations

import gzip
import json
import logging
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner, Result

from scanner.catalog import TYPES
from scanner.cli import cli
from scanner.collectors.aws.guard import strip_account_label

ACCOUNT = "123456789012"
REGION = "us-east-1"
ACCESS_KEY = "AKIAPSCANTESTKEY0001"
SECRET_KEY = "pscan-test-secret-do-not-print-0001"

_ENV = {
    "AWS_ACCESS_KEY_ID": ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": "/nonexistent/pscan-test-aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/pscan-test-aws-credentials",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}
# AWS-managed policies (AWSSupportAccess, ...) exist in real accounts, but loading
# moto's 1,500 copies makes every reset and GetAccountAuthorizationDetails slow: only
# the tests that attach one turn them on (`with_managed_policies`).
MANAGED_POLICIES = "MOTO_IAM_LOAD_MANAGED_POLICIES"
_UNSET = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN")


@pytest.fixture(scope="package")
def moto_endpoint() -> Iterator[str]:
    """The URL of a moto server running while this package's tests run."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in _ENV.items():
            patch.setenv(key, value)
        for key in _UNSET:
            patch.delenv(key, raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@dataclass
class Moto:
    """A freshly reset moto server and helpers to seed it through boto3."""

    endpoint: str
    _clients: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    _sessions: dict[str, Any] = field(default_factory=dict)

    def session(self, account: str = ACCOUNT) -> Any:
        """A boto3 session in `account` (the default account, or one entered by AssumeRole)."""
        if account not in self._sessions:
            self._sessions[account] = self._session(account)
        return self._sessions[account]

    def _session(self, account: str) -> Any:
        if account == ACCOUNT:
            return boto3.Session(region_name=REGION)
        sts = self.client("sts")
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
            RoleSessionName="seed",
        )["Credentials"]
        return boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=REGION,
        )

    def client(self, service: str, region: str = REGION, account: str = ACCOUNT) -> Any:
        """A seeding client (not guarded: tests write, the collector only reads)."""
        key = (service, region, account)
        if key not in self._clients:
            client = self.session(account).client(
                service, region_name=region, endpoint_url=self.endpoint
            )
            if service == "s3control":
                client.meta.events.register(
                    "before-send.s3-control", strip_account_label(self.endpoint)
                )
            self._clients[key] = client
        return self._clients[key]


def reset(endpoint: str) -> Moto:
    """Reset the moto server to an empty state."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    return Moto(endpoint)


@pytest.fixture
def moto(moto_endpoint: str) -> Moto:
    """The moto server, reset to an empty state."""
    return reset(moto_endpoint)


@pytest.fixture
def with_managed_policies(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Moto:
    """The moto server, reset, with AWS-managed IAM policies available."""
    monkeypatch.setenv(MANAGED_POLICIES, "true")
    return reset(moto_endpoint)


@dataclass
class Collected:
    """A finished `pscan collect aws`: the CLI result and the snapshot it wrote."""

    result: Result
    path: Path

    @property
    def manifest(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.path / "manifest.json").read_text())
        return data

    def resources(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for part in sorted(self.path.glob("resources-*.jsonl.gz")):
            with gzip.open(part, "rt", encoding="utf-8") as fh:
                out += [json.loads(line) for line in fh if line.strip()]
        return out

    def of_type(self, rtype: str) -> list[dict[str, Any]]:
        return [r for r in self.resources() if r["type"] == rtype]

    def named(self, rtype: str, name: str) -> dict[str, Any]:
        matches = [r for r in self.of_type(rtype) if r["name"] == name]
        assert len(matches) == 1, (rtype, name, [r["name"] for r in self.of_type(rtype)])
        return matches[0]

    def errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.manifest["errors"]
        return errors


def assert_in_catalog(resources: list[dict[str, Any]]) -> None:
    """Every resource's type, attributes and relations are documented in the catalog."""
    problems: set[tuple[str, str, str]] = set()
    for resource in resources:
        rtype = TYPES.get(resource["type"])
        if rtype is None:
            problems.add(("type", resource["type"], ""))
            continue
        problems |= {
            ("attribute", resource["type"], a)
            for a in resource["attributes"]
            if a not in rtype.attributes
        }
        problems |= {
            ("relation", resource["type"], r["type"])
            for r in resource["relations"]
            if r["type"] not in rtype.relations
        }
    assert problems == set(), "add these to scanner/catalog/aws.py"


def targets(resource: dict[str, Any], kind: str) -> list[str]:
    """Targets of a resource's relations of one type, in order."""
    return [r["target"] for r in resource["relations"] if r["type"] == kind]


def run_cli(*args: str) -> Result:
    """Invoke the pscan CLI in-process."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def collect(moto: Moto, tmp_path: Path) -> Any:
    """Run `pscan collect aws` against the moto server; returns a Collected."""
    counter = iter(range(1000))

    def _collect(*args: str, expect: int = 0) -> Collected:
        out = tmp_path / f"snap-{next(counter)}"
        result = run_cli(
            "collect",
            "aws",
            "--endpoint-url",
            moto.endpoint,
            "--max-attempts",
            "1",
            "-o",
            str(out),
            *args,
        )
        assert result.exit_code == expect, result.output
        collected = Collected(result, out)
        if expect == 0:
            assert_in_catalog(collected.resources())
        return collected

    return _collect
