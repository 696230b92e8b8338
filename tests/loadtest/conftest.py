"""A real HTTP service on 127.0.0.1 with a known capacity, and the CLI, for load tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result

from scanner.cli import cli
from tests.loadtest.service import Service, running_service

MODEL = """\
version: 1
as_of: 2026-12-01
horizons: [2027-06]
products:
  shop:
    users: {today: 1000}
    page_views_per_user_per_day: 10
    peak_hour_share: 0.1
    latency_objective_ms: 250
    tiers:
      web:
        requests: [{path: /a, weight: 3}, {path: /b, weight: 1, method: POST}]
      worker:
        kind: background
"""


@pytest.fixture(scope="module")
def service() -> Iterator[Service]:
    """4 slots of 20 ms: at most 200 requests/s."""
    with running_service(slots=4, service_seconds=0.02) as running:
        yield running


def pscan(*args: str) -> Result:
    """Run `pscan` in this process, as a user would (stdout and stderr mixed)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_user_error(result: Result, *fragments: str) -> None:
    """Exit 2 with one line naming the problem."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
