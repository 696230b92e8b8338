"""The USL fit: exact synthetic curves are recovered; the bounds and edge cases hold."""

from __future__ import annotations

import math

import pytest

from scanner.loadtest.usl import fit_usl, usl_throughput

USERS = (1, 2, 4, 8, 16, 32, 64)


@pytest.mark.parametrize(
    ("sigma", "kappa", "lambda_rps"),
    [(0.05, 0.002, 50.0), (0.2, 0.0001, 1200.0), (0.0, 0.01, 45.0), (0.5, 0.05, 3.0)],
)
def test_recovers_exact_parameters(sigma: float, kappa: float, lambda_rps: float) -> None:
    points = [(n, usl_throughput(n, sigma, kappa, lambda_rps)) for n in USERS]
    fit = fit_usl(points)
    assert fit is not None
    assert fit.sigma == pytest.approx(sigma, abs=1e-9)
    assert fit.kappa == pytest.approx(kappa, rel=1e-6)
    assert fit.lambda_rps == pytest.approx(lambda_rps, rel=1e-9)
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.points == len(USERS)
    peak = math.sqrt((1 - sigma) / kappa)
    assert fit.peak_users == pytest.approx(peak, rel=1e-6)
    assert fit.peak_rps == pytest.approx(usl_throughput(peak, sigma, kappa, lambda_rps), rel=1e-6)


def test_without_coherency_the_peak_is_the_asymptote() -> None:
    points = [(n, usl_throughput(n, 0.1, 0.0, 20.0)) for n in USERS]
    fit = fit_usl(points)
    assert fit is not None
    assert fit.kappa == pytest.approx(0.0, abs=1e-12)
    assert fit.peak_users is None
    assert fit.peak_rps == pytest.approx(20.0 / 0.1)


def test_linear_scaling_shows_no_limit() -> None:
    fit = fit_usl([(1, 10.0), (2, 20.0), (4, 40.0)])
    assert fit is not None
    assert (fit.sigma, fit.kappa, fit.peak_rps) == (0.0, 0.0, None)
    assert fit.lambda_rps == pytest.approx(10.0)


def test_superlinear_data_keeps_sigma_and_kappa_non_negative() -> None:
    # Throughput that more than doubles would need a negative sigma: held at zero.
    fit = fit_usl([(1, 10.0), (2, 24.0), (4, 60.0), (8, 130.0)])
    assert fit is not None
    assert fit.sigma >= 0
    assert fit.kappa >= 0
    assert fit.r_squared < 1


def test_noisy_saturation_is_fitted_with_a_peak_near_the_plateau() -> None:
    # A service with 4 slots of 20 ms measured by hand: 1, 2, 4 users scale, 8 saturate.
    fit = fit_usl([(1, 44.2), (2, 87.8), (4, 164.3), (8, 188.6), (16, 193.1)])
    assert fit is not None
    assert fit.peak_rps is not None
    assert 180 < fit.peak_rps < 220
    assert fit.r_squared > 0.9


def test_needs_three_concurrency_levels() -> None:
    assert fit_usl([(1, 10.0), (2, 19.0)]) is None
    assert fit_usl([(1, 10.0), (2, 19.0), (2, 18.0)]) is None
    assert fit_usl([(1, 10.0), (2, 19.0), (4, 0.0)]) is None  # nothing answered at 4
