"""The demand arithmetic against hand-computed cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scanner.errors import ConfigError
from scanner.forecast.demand import (
    instances_needed,
    months_between,
    peak_page_views_per_second,
    tier_demand,
    users_at,
)
from scanner.forecast.model import CapacityModel, load_model

MODEL = """\
version: 1
as_of: 2026-12-01
horizons: [2027-06, 2027-12]
products:
  checkout:
    users: {today: 40000, 2027-06: 120000}
    page_views_per_user_per_day: 6
    peak_hour_share: 0.12
    latency_objective_ms: 300
    tiers:
      web:
        resources: {type: aws.autoscaling.group}
        per_instance_rps: 10
        latency_ms: 120
      db:
        kind: database
        requests_per_page_view: 3
        resources: {ids: [arn:aws:rds:eu-west-1:1:db:orders]}
        connections_per_request: 1
        latency_ms: 20
      carts:
        kind: table
        requests_per_page_view: 2
        resources: {type: aws.dynamodb.table}
        read_units_per_request: 0.5
        write_units_per_request: 1
  growth:
    users: {today: 1000}
    monthly_growth: 0.1
    sessions_per_user_per_day: 2
    pages_per_session: 5
    peak_to_average: 3
    tiers:
      api: {resources: {type: aws.lambda.function}}
"""


@pytest.fixture
def model(tmp_path: Path) -> CapacityModel:
    path = tmp_path / "capacity.yaml"
    path.write_text(MODEL)
    return load_model(path)


def test_users_given_interpolated_and_extrapolated(model: CapacityModel) -> None:
    checkout = model.products["checkout"]
    assert users_at(checkout, model.as_of, "2027-06") == 120_000
    # 40k -> 120k over 6 months: x3 in 6 months, so x sqrt(3) after 3 and x3 again after 12
    assert users_at(checkout, model.as_of, "2027-03") == pytest.approx(40_000 * 3**0.5)
    assert users_at(checkout, model.as_of, "2027-12") == pytest.approx(360_000)


def test_users_grow_by_the_monthly_rate(model: CapacityModel) -> None:
    growth = model.products["growth"]
    assert users_at(growth, model.as_of, "2027-12") == pytest.approx(1000 * 1.1**12)


def test_months_between_counts_from_the_day() -> None:
    assert months_between(date(2026, 12, 1), "2027-06") == 6
    assert months_between(date(2026, 12, 16), "2027-01") == pytest.approx(1 - 15 / 30.4375)


def test_peak_page_views(model: CapacityModel) -> None:
    # 120,000 users x 6 views = 720,000 a day; 12% in the peak hour = 86,400 / 3,600 = 24/s
    assert peak_page_views_per_second(model.products["checkout"], 120_000) == pytest.approx(24)
    # 1,000 users x 2 sessions x 5 pages = 10,000 a day = 0.1157/s average, x3 at peak
    assert peak_page_views_per_second(model.products["growth"], 1000) == pytest.approx(
        10_000 / 86_400 * 3
    )


def test_instances_needed_rounds_up_with_headroom() -> None:
    assert instances_needed(24, 10, 0.7) == 4  # 24 / 7 = 3.43
    assert instances_needed(21, 10, 0.7) == 3  # exactly 3, not 4 by float error
    assert instances_needed(0, 10, 0.7) == 0
    assert instances_needed(0.01, 10, 0.7) == 1


def test_tier_demand_little_and_units(model: CapacityModel) -> None:
    web = tier_demand(model, "checkout", "web", "2027-06")
    assert web.peak_rps == pytest.approx(24)
    assert web.in_flight == pytest.approx(24 * 0.12)  # Little's law: 24/s x 120 ms
    assert web.instances == 4
    db = tier_demand(model, "checkout", "db", "2027-06")
    assert db.peak_rps == pytest.approx(72)
    assert db.connections == pytest.approx(72 * 0.02)
    assert db.instances is None  # no per-instance throughput declared
    carts = tier_demand(model, "checkout", "carts", "2027-06")
    assert carts.read_units == pytest.approx(24)
    assert carts.write_units == pytest.approx(48)
    measured = tier_demand(model, "checkout", "web", "2027-06", per_instance_rps=20)
    assert measured.instances == 2  # 24 / (20 x 0.7) = 1.71


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (
            ("per_instance_rps: 10", "per_instance_rps: -1"),
            ":13: field products.checkout.tiers.web.per_instance_rps: Input should be greater",
        ),
        (
            ("users: {today: 40000, 2027-06: 120000}", "users: {now: 4}"),
            ":6: field products.checkout.users: needs a `today` entry",
        ),
        (
            ("horizons: [2027-06, 2027-12]", "horizons: [June]"),
            ":3: field horizons: 'June' is not a YYYY-MM month",
        ),
        (
            ("    peak_to_average: 3\n", ""),
            ":27: field products.growth: give peak_hour_share or peak_to_average",
        ),
        (
            ("resources: {type: aws.lambda.function}", "resources: {}"),
            ":34: field products.growth.tiers.api.resources: give a resource `type`",
        ),
        (
            ("      web:\n", "      web:\n        colour: red\n"),
            ":12: field products.checkout.tiers.web.colour: Extra inputs are not permitted",
        ),
    ],
)
def test_a_bad_model_names_file_line_and_field(
    tmp_path: Path, edit: tuple[str, str], fragment: str
) -> None:
    path = tmp_path / "capacity.yaml"
    assert edit[0] in MODEL
    path.write_text(MODEL.replace(edit[0], edit[1], 1))
    with pytest.raises(ConfigError) as info:
        load_model(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert fragment in message
    assert "\n" not in message
