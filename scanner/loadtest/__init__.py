"""Load tests: prove what one instance of a tier can take, with a real Locust run.

`pscan loadtest` aims a closed-model load (N users, no think time) at one instance,
doubling N step by step, and records each step's throughput, errors and latency; it
stops when p95 passes the latency objective or errors pass their threshold, fits the
Universal Scalability Law to throughput against N, and writes the results file that a
capacity model's `loadtest:` reads.

| module | holds |
|---|---|
| `target.py` | the loopback-only guard on the target URL |
| `plan.py` | the mix, the bounds, the steps, the generated locustfile and Locust command |
| `runner.py` | runs each step as a Locust subprocess, reads its CSV stats, applies the stop rules |
| `usl.py` | the USL least-squares fit |
| `results.py` | the results model, the per-instance verdict and `read_loadtest` |

Locust is never imported here: it runs in a child process (see `runner.py`).
"""

from scanner.loadtest.plan import (
    DEFAULT_LATENCY_OBJECTIVE_MS,
    MAX_DURATION_SECONDS,
    MAX_STEP_SECONDS,
    MAX_USERS,
    LoadTestPlan,
    MixItem,
    PlannedStep,
    Settings,
    locustfile_text,
    make_plan,
    plan_document,
    step_users,
)
from scanner.loadtest.results import (
    Latency,
    LoadTestResult,
    StepResult,
    Stop,
    per_instance,
    read_loadtest,
)
from scanner.loadtest.runner import run_plan
from scanner.loadtest.target import Target, check_target, is_loopback
from scanner.loadtest.usl import UslFit, fit_usl, usl_throughput

__all__ = [
    "DEFAULT_LATENCY_OBJECTIVE_MS",
    "MAX_DURATION_SECONDS",
    "MAX_STEP_SECONDS",
    "MAX_USERS",
    "Latency",
    "LoadTestPlan",
    "LoadTestResult",
    "MixItem",
    "PlannedStep",
    "Settings",
    "StepResult",
    "Stop",
    "Target",
    "UslFit",
    "check_target",
    "fit_usl",
    "is_loopback",
    "locustfile_text",
    "make_plan",
    "per_instance",
    "plan_document",
    "read_loadtest",
    "run_plan",
    "step_users",
    "usl_throughput",
]
