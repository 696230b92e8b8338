"""The plan: steps within bounds, the mix and objective from the model, --plan-only runs nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.app import LoadTestRequest, plan_loadtest
from scanner.errors import ConfigError
from scanner.loadtest import MixItem, locustfile_text, step_users
from tests.loadtest.conftest import MODEL, assert_user_error, pscan
from tests.loadtest.service import Service


@pytest.mark.parametrize(
    ("max_users", "users"),
    [(1, [1]), (2, [1, 2]), (12, [1, 2, 4, 8, 12]), (32, [1, 2, 4, 8, 16, 32])],
)
def test_steps_double_up_to_max_users(max_users: int, users: list[int]) -> None:
    assert step_users(max_users) == users


def test_steps_stop_before_the_duration_bound() -> None:
    plan = plan_loadtest(
        LoadTestRequest(
            "http://127.0.0.1:9/", max_users=64, step_seconds=10, max_duration_seconds=35
        )
    )
    assert [(s.users, s.seconds) for s in plan.steps] == [(1, 10), (2, 10), (4, 10)]


def test_without_a_model_the_mix_is_get_on_the_url_and_the_objective_1000_ms() -> None:
    plan = plan_loadtest(LoadTestRequest("http://127.0.0.1:9/health?deep=1"))
    assert plan.mix == [MixItem(path="/health?deep=1", weight=1, method="GET")]
    assert plan.base_url == "http://127.0.0.1:9"
    assert plan.settings.latency_objective_ms == 1000
    assert plan.settings.latency_objective_from == "default"
    assert [s.users for s in plan.steps] == [1, 2, 4, 8, 16, 32]
    assert plan.settings.step_seconds == 10
    assert plan.settings.max_error_rate == 0.01


def test_the_model_tier_gives_the_mix_and_the_product_the_objective(tmp_path: Path) -> None:
    model = tmp_path / "capacity.yaml"
    model.write_text(MODEL)
    request = LoadTestRequest("http://127.0.0.1:9/shop/", model=model, product="shop", tier="web")
    plan = plan_loadtest(request)
    assert plan.mix == [
        MixItem(path="/a", weight=3, method="GET"),
        MixItem(path="/b", weight=1, method="POST"),
    ]
    assert plan.base_url == "http://127.0.0.1:9/shop"  # the tier's paths go under the URL's
    assert (plan.product, plan.tier) == ("shop", "web")
    assert (plan.settings.latency_objective_ms, plan.settings.latency_objective_from) == (
        250,
        "model",
    )
    option = plan_loadtest(
        LoadTestRequest(
            "http://127.0.0.1:9/", model=model, product="shop", tier="web", latency_objective_ms=80
        )
    )
    assert (option.settings.latency_objective_ms, option.settings.latency_objective_from) == (
        80,
        "option",
    )
    # a tier without a mix: GET on the URL's path
    worker = plan_loadtest(
        LoadTestRequest("http://127.0.0.1:9/jobs", model=model, product="shop", tier="worker")
    )
    assert worker.mix == [MixItem(path="/jobs")]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--product", "shop", "--tier", "web"], ["give --model too"]),
        (["--model", "{model}", "--product", "shop"], ["capacity.yaml", "--product and --tier"]),
        (
            ["--model", "{model}", "--product", "cart", "--tier", "web"],
            ["no product 'cart'", "shop"],
        ),
        (
            ["--model", "{model}", "--product", "shop", "--tier", "db"],
            ["no tier 'db'", "web, worker"],
        ),
        (
            ["--step-seconds", "20", "--max-duration", "10"],
            ["--step-seconds 20", "--max-duration 10"],
        ),
    ],
)
def test_bad_options_exit_2_with_one_line(
    tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    model = tmp_path / "capacity.yaml"
    model.write_text(MODEL)
    argv = [a.replace("{model}", str(model)) for a in args]
    result = pscan("loadtest", "http://127.0.0.1:9/", *argv, "-o", str(tmp_path / "r.json"))
    assert_user_error(result, *fragments)


@pytest.mark.parametrize(
    "args",
    [
        ["--max-users", "0"],
        ["--max-users", "1001"],
        ["--step-seconds", "0"],
        ["--step-seconds", "601"],
        ["--max-duration", "3601"],
        ["--max-error-rate", "1.5"],
        ["--latency-objective-ms", "0"],
    ],
)
def test_bounds_are_enforced(tmp_path: Path, args: list[str]) -> None:
    result = pscan("loadtest", "http://127.0.0.1:9/", *args, "-o", str(tmp_path / "r.json"))
    assert result.exit_code == 2
    assert "Invalid value" in result.output


def test_a_bad_model_file_names_its_field(tmp_path: Path) -> None:
    model = tmp_path / "capacity.yaml"
    model.write_text(MODEL.replace("weight: 3", "weight: -3"))
    with pytest.raises(ConfigError, match=r"capacity.yaml:\d+: field products.shop.tiers.web"):
        plan_loadtest(
            LoadTestRequest("http://127.0.0.1:9/", model=model, product="shop", tier="web")
        )


def test_plan_only_writes_the_plan_and_locustfile_and_runs_nothing(
    tmp_path: Path, service: Service
) -> None:
    model = tmp_path / "capacity.yaml"
    model.write_text(MODEL)
    before = service.count()
    output = tmp_path / "plan.json"
    result = pscan(
        "loadtest", service.url, "--model", str(model), "--product", "shop", "--tier", "web",
        "--max-users", "8", "--step-seconds", "5", "--plan-only", "-o", str(output),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "nothing run" in result.output
    plan = json.loads(output.read_text())
    assert plan["kind"] == "pscan-loadtest-plan"
    assert [s["users"] for s in plan["steps"]] == [1, 2, 4, 8]
    assert [c[c.index("--users") + 1] for c in plan["commands"]] == ["1", "2", "4", "8"]
    assert all(c[1:3] == ["-m", "locust"] and "--headless" in c for c in plan["commands"])
    locustfile = tmp_path / "plan.locustfile.py"
    assert plan["locustfile"] == str(locustfile)
    source = locustfile.read_text()
    compile(source, str(locustfile), "exec")
    assert source == locustfile_text(
        [MixItem(path="/a", weight=3), MixItem(path="/b", method="POST")]
    )
    assert '"path": "/b"' in source
    assert "constant(0)" in source
    assert service.count() == before
