"""The Universal Scalability Law fitted to throughput against concurrency.

Gunther's USL says the throughput of N concurrent users is

    X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))

with `lambda` the throughput of one user, `sigma` contention (the share of work that
queues for something shared) and `kappa` coherency (the cost of keeping N workers in
step, which makes throughput fall past a peak). Dividing N by X gives a form linear in
its coefficients,

    N / X = a + b (N - 1) + c N (N - 1),   a = 1/lambda, b = sigma/lambda, c = kappa/lambda,

which is solved here as a small least-squares problem with b, c >= 0 (so sigma, kappa
>= 0): the unconstrained solution when it is feasible, else the best of the fits with
b or c (or both) held at zero, which is exact for two bounded coefficients.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["UslFit", "fit_usl", "usl_throughput"]


class UslFit(BaseModel):
    """The fitted USL parameters and what they predict."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sigma: float = Field(ge=0, description="contention: share of work serialised")
    kappa: float = Field(ge=0, description="coherency: pairwise cost of concurrency")
    lambda_rps: float = Field(gt=0, description="lambda: throughput of one user, requests/s")
    r_squared: float = Field(description="fit of X(N) to the measured throughput")
    peak_users: float | None = Field(
        default=None,
        description="concurrency of peak throughput, sqrt((1 - sigma) / kappa) (kappa > 0)",
    )
    peak_rps: float | None = Field(
        default=None,
        description="the throughput the fit predicts at its peak (or its asymptote"
        " lambda/sigma when kappa is 0); none when the fit shows no limit",
    )
    points: int = Field(ge=3, description="steps the fit used")


def usl_throughput(users: float, sigma: float, kappa: float, lambda_rps: float) -> float:
    """X(N) of the USL."""
    return lambda_rps * users / (1 + sigma * (users - 1) + kappa * users * (users - 1))


def fit_usl(points: Sequence[tuple[float, float]]) -> UslFit | None:
    """Fit the USL to (users, throughput) points; None when they cannot determine it.

    Needs at least three distinct concurrency levels with positive throughput.
    """
    usable = [(float(n), float(x)) for n, x in points if n >= 1 and x > 0]
    if len({n for n, _ in usable}) < 3:
        return None
    a, b, c = _nonnegative_least_squares(usable)
    if a <= 0:
        return None
    lambda_rps, sigma, kappa = 1 / a, b / a, c / a
    return UslFit(
        sigma=sigma,
        kappa=kappa,
        lambda_rps=lambda_rps,
        r_squared=_r_squared(usable, sigma, kappa, lambda_rps),
        peak_users=_peak_users(sigma, kappa),
        peak_rps=_peak_rps(sigma, kappa, lambda_rps),
        points=len(usable),
    )


def _peak_users(sigma: float, kappa: float) -> float | None:
    if kappa <= 0:
        return None
    return math.sqrt(max(1 - sigma, 0) / kappa) if sigma < 1 else 1.0


def _peak_rps(sigma: float, kappa: float, lambda_rps: float) -> float | None:
    peak = _peak_users(sigma, kappa)
    if peak is not None:
        return usl_throughput(max(peak, 1.0), sigma, kappa, lambda_rps)
    return lambda_rps / sigma if sigma > 0 else None


def _nonnegative_least_squares(points: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """(a, b, c) minimising the squared error of N/X with b, c >= 0."""
    scale = max(n for n, _ in points)  # columns scaled to about 1 keep the normal equations sane
    rows = [(1.0, (n - 1) / scale, n * (n - 1) / scale**2) for n, _ in points]
    ys = [n / x for n, x in points]
    best: tuple[float, tuple[float, float, float]] | None = None
    for free in ((1, 2), (1,), (2,), ()):
        columns = (0, *free)
        solution = _least_squares([[row[i] for i in columns] for row in rows], ys)
        if solution is None or any(solution[k] < 0 for k in range(1, len(columns))):
            continue
        coef = [0.0, 0.0, 0.0]
        for column, value in zip(columns, solution, strict=True):
            coef[column] = value
        error = sum(
            (y - sum(r * k for r, k in zip(row, coef, strict=True))) ** 2
            for row, y in zip(rows, ys, strict=True)
        )
        if best is None or error < best[0] - 1e-15:
            best = (error, (coef[0], coef[1] / scale, coef[2] / scale**2))
    assert best is not None  # the intercept-only fit always solves
    return best[1]


def _least_squares(rows: list[list[float]], ys: list[float]) -> list[float] | None:
    """Solve the normal equations (A'A) x = A'y by Gaussian elimination; None if singular."""
    k = len(rows[0])
    ata = [[sum(r[i] * r[j] for r in rows) for j in range(k)] for i in range(k)]
    aty = [sum(r[i] * y for r, y in zip(rows, ys, strict=True)) for i in range(k)]
    m = [[*ata[i], aty[i]] for i in range(k)]
    for col in range(k):
        pivot = max(range(col, k), key=lambda r: abs(m[r][col]))
        if abs(m[pivot][col]) < 1e-12:  # columns are scaled to at most 1
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(k):
            if r != col:
                factor = m[r][col] / m[col][col]
                m[r] = [v - factor * p for v, p in zip(m[r], m[col], strict=True)]
    return [m[i][k] / m[i][i] for i in range(k)]


def _r_squared(
    points: Sequence[tuple[float, float]], sigma: float, kappa: float, lambda_rps: float
) -> float:
    """R^2 of the fitted X(N) against the measured throughput."""
    mean = sum(x for _, x in points) / len(points)
    total = sum((x - mean) ** 2 for _, x in points)
    residual = sum((x - usl_throughput(n, sigma, kappa, lambda_rps)) ** 2 for n, x in points)
    if total == 0:
        return 1.0 if residual < 1e-12 else 0.0
    return 1 - residual / total
