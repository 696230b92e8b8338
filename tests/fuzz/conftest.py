"""The fuzz suite's Hypothesis profile: a fixed seed and a bounded count, so CI is
deterministic and the whole of tests/fuzz/ stays within about three minutes on 2 cores.

`derandomize=True` derives every example from the test itself (same inputs each run);
`database=None` keeps no example store between runs, so a run never depends on an
earlier one. `deadline=None`: one CLI run may take a second on a loaded machine; a hang
is caught by the harness's own time limit instead (tests/fuzz/harness.py).
Each test names its own count with `harness.examples(n)` (a CLI run costs up to a second
here); PSCAN_FUZZ_SCALE=10 multiplies them for a longer local search.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz",
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("fuzz")
