"""Collection options: checked and normalised before any call; events of a collection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scanner.app import AwsOptions, GcpOptions, collect_aws, collect_gcp
from scanner.app.collect import parse_read_time, split_values
from scanner.app.events import Collected, Event
from scanner.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "fixtures" / "gcp" / "export"


def test_lists_are_comma_separated_repeatable_and_without_repeats() -> None:
    assert split_values(("eu-west-1,us-east-1", " us-east-1 ", "", "ap-south-1")) == (
        "eu-west-1",
        "us-east-1",
        "ap-south-1",
    )


def test_aws_options_become_the_collectors_options() -> None:
    options = AwsOptions(
        profile="audit",
        regions=("eu-west-1,us-east-1",),
        services=("iam", "ec2,s3"),
        accounts=("111122223333",),
        max_workers=4,
        max_attempts=2,
    ).collect_options()
    assert options.profile == "audit"
    assert options.regions == ("eu-west-1", "us-east-1") and not options.all_regions
    assert options.services == ("iam", "ec2", "s3")
    assert options.accounts == ("111122223333",)
    assert (options.max_workers, options.max_attempts) == (4, 2)
    assert options.role_name == "OrganizationAccountAccessRole"
    every = AwsOptions(regions=("all",)).collect_options()
    assert every.all_regions and every.regions == ()


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (AwsOptions(regions=("all,us-east-1",)), "--regions: give 'all' or a list"),
        (AwsOptions(accounts=("12345", "111122223333")), "not 12-digit account ids: 12345"),
    ],
)
def test_bad_aws_options_fail_before_any_call(
    tmp_path: Path, options: AwsOptions, fragment: str
) -> None:
    with pytest.raises(ConfigError, match=fragment):
        collect_aws(tmp_path / "snap", options)
    assert not (tmp_path / "snap").exists()


def test_read_time_is_iso_8601_and_utc_by_default() -> None:
    assert parse_read_time("2026-11-26T12:00:00Z") == datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert parse_read_time("2026-11-26T12:00:00") == datetime(2026, 11, 26, 12, tzinfo=UTC)
    plus_one = parse_read_time("2026-11-26T13:00:00+01:00")
    assert plus_one.utcoffset() == timedelta(hours=1)
    assert plus_one == datetime(2026, 11, 26, 12, tzinfo=UTC)
    with pytest.raises(ConfigError, match="--read-time 'yesterday': not an ISO 8601 time"):
        parse_read_time("yesterday")


def test_gcp_from_export_files_reports_what_it_collected(tmp_path: Path) -> None:
    events: list[Event] = []
    out = tmp_path / "snap"
    manifest = collect_gcp(
        out,
        GcpOptions(export_files=(EXPORT,), read_time="2026-11-26T12:00:00Z"),
        events.append,
    )
    (done,) = [e for e in events if isinstance(e, Collected)]
    assert (done.provider, done.output, done.manifest) == ("gcp", out, manifest)
    assert sum(done.counts.values()) == manifest.resource_count > 0
    assert manifest.created_at == datetime(2026, 11, 26, 12, tzinfo=UTC)


def test_bad_gcp_read_time_fails_before_reading(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--read-time"):
        collect_gcp(tmp_path / "s", GcpOptions(export_files=(EXPORT,), read_time="soon"))
    assert not (tmp_path / "s").exists()
