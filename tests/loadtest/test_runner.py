"""Real load tests: Locust in a subprocess against a real service of known capacity.

The service has 4 slots of 20 ms, so it answers at most 200 requests/s. The machine
has 2 cores shared with other work, so measured figures get a 35% tolerance: wide
enough to stay green under load, narrow enough that a wrong throughput (per user
instead of per step, failures only, a 10x unit slip) or a missing saturation fails.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from scanner.app import LoadTestRequest, plan_loadtest, run_loadtest
from scanner.errors import LoadTestError
from scanner.loadtest import LoadTestResult, read_loadtest
from tests.loadtest.conftest import MODEL, pscan
from tests.loadtest.service import Service

TOLERANCE = 0.35


@pytest.fixture(scope="module")
def measured(
    service: Service, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Result, LoadTestResult, Service]]:
    """Steps of 1 to 16 users for 2 s each, through the CLI, with the model's mix.

    16 users, twice what saturates the service, show the fit its plateau even when
    other work on the machine slows the load generator at the lower steps.
    """
    tmp = tmp_path_factory.mktemp("loadtest")
    model = tmp / "capacity.yaml"
    model.write_text(MODEL)
    output = tmp / "results.json"
    before = dict(service.served)
    result = pscan(
        "loadtest", service.url, "--model", str(model), "--product", "shop", "--tier", "web",
        "--max-users", "16", "--step-seconds", "2", "--latency-objective-ms", "1000",
        "-o", str(output),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    served = Service(service.url, service.capacity_rps)
    served.served.update({k: v - before.get(k, 0) for k, v in service.served.items()})
    yield result, read_loadtest(output), served


def test_every_step_ran_and_the_plan_completed(
    measured: tuple[Result, LoadTestResult, Service],
) -> None:
    result, results, _ = measured
    assert [s.users for s in results.steps] == [1, 2, 4, 8, 16]
    assert results.stop.reason == "completed"
    assert all(s.met_objective and s.failures == 0 and s.requests > 0 for s in results.steps)
    # each step measures its steady state: about its 2 s (spawning, last CSV update, stop)
    assert all(1.5 < s.measured_seconds < 2.5 for s in results.steps)
    assert results.settings.latency_objective_from == "option"
    assert results.started < results.finished
    assert "16 users" in result.output
    assert "USL: sigma" in result.output


def test_throughput_grows_from_one_to_four_users(
    measured: tuple[Result, LoadTestResult, Service],
) -> None:
    x = {s.users: s.throughput_rps for s in measured[1].steps}
    assert x[2] > 1.3 * x[1]
    assert x[4] > 2.2 * x[1]
    # one user waits 20 ms and then some per request: under 50 requests/s
    assert x[1] < 50
    for step in measured[1].steps:
        assert step.latency_ms is not None
        assert step.latency_ms.p50 >= 20  # the service time is a floor


def test_the_measured_throughput_is_the_service_capacity(
    measured: tuple[Result, LoadTestResult, Service],
) -> None:
    results, capacity = measured[1], measured[2].capacity_rps
    assert results.per_instance_rps is not None
    assert results.per_instance_rps == pytest.approx(capacity, rel=TOLERANCE)
    assert results.per_instance_rps == max(s.throughput_rps for s in results.steps)
    assert "highest step throughput that met the objective" in results.per_instance_basis
    usl = results.usl
    assert usl is not None
    assert usl.peak_rps == pytest.approx(capacity, rel=TOLERANCE)
    assert usl.lambda_rps == pytest.approx(1 / 0.02, rel=TOLERANCE)  # one user: 1 / service time
    assert usl.r_squared > 0.8


def test_the_requests_follow_the_tier_mix(
    measured: tuple[Result, LoadTestResult, Service],
) -> None:
    results, served = measured[1], measured[2]
    a, b = served.served[("GET", "/a")], served.served[("POST", "/b")]
    assert set(served.served) == {("GET", "/a"), ("POST", "/b")}
    assert 0.65 < a / (a + b) < 0.85  # weights 3:1
    # the steps count what the service served, bar the ramp-up and the cut-off at the end
    assert sum(s.requests for s in results.steps) <= a + b


def test_locust_never_runs_in_this_process(
    measured: tuple[Result, LoadTestResult, Service],
) -> None:
    assert measured[1].steps
    assert not {"locust", "gevent"} & set(sys.modules)


def test_a_tight_latency_objective_stops_at_the_first_step(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Locust reads LOCUST_* variables: none may change what the plan says (with this
    # one, Locust would run only tasks tagged so, and ours has no tag: no requests)
    monkeypatch.setenv("LOCUST_TAGS", "no-such-tag")
    before = service.count()
    output = tmp_path / "r.json"
    request = LoadTestRequest(service.url, step_seconds=2, latency_objective_ms=5)
    results = run_loadtest(request, output)
    assert [s.users for s in results.steps] == [1]
    assert results.stop.reason == "latency_objective"
    assert "> objective 5 ms at 1 users" in results.stop.detail
    assert results.per_instance_rps is None
    assert results.usl is None
    assert read_loadtest(output) == results
    assert service.count() - before >= results.steps[0].requests > 0


def test_errors_above_the_threshold_stop_the_test(service: Service, tmp_path: Path) -> None:
    request = LoadTestRequest(f"{service.url}/fail", step_seconds=2, max_error_rate=0.05)
    results = run_loadtest(request, tmp_path / "r.json")
    assert results.stop.reason == "error_rate"
    [step] = results.steps
    assert step.error_rate == 1.0
    assert step.failures == step.requests > 0
    assert not step.met_objective


def test_the_duration_bound_stops_before_a_step_that_would_pass_it(
    service: Service, tmp_path: Path
) -> None:
    # Both steps of 2 s fit 4 s on paper, but Locust's start-up makes the first one
    # take longer than 2 s of wall time, so the second would end past 4 s.
    request = LoadTestRequest(service.url, step_seconds=2, max_duration_seconds=4)
    assert len(plan_loadtest(request).steps) == 2
    results = run_loadtest(request, tmp_path / "r.json")
    assert [s.users for s in results.steps] == [1]
    assert results.stop.reason == "max_duration"
    assert "with 2 users would end past --max-duration 4s" in results.stop.detail
    assert results.per_instance_rps == results.steps[0].throughput_rps


def test_a_locust_failure_is_one_error(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> list[str]:
        return [sys.executable, "-c", "import sys; print('no locust here'); sys.exit(3)"]

    monkeypatch.setattr("scanner.loadtest.runner.locust_command", broken)
    with pytest.raises(LoadTestError, match=r"exit 3\).*no locust here"):
        run_loadtest(LoadTestRequest(service.url, step_seconds=1), tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()


def test_the_results_file_is_what_was_returned(
    measured: tuple[Result, LoadTestResult, Service], tmp_path: Path
) -> None:
    results = measured[1]
    path = tmp_path / "copy.json"
    path.write_text(results.model_dump_json())
    assert read_loadtest(path) == results
    data = json.loads(path.read_text())
    assert {
        "target",
        "mix",
        "steps",
        "stop",
        "usl",
        "per_instance_rps",
        "started",
        "finished",
    } <= set(data)
    assert data["pscan_version"]
