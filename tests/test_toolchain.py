"""In CI the external tools must be there, so tests that need them never skip quietly.

`.ci/run` sets PSCAN_REQUIRE_TOOLS=1; on a developer machine without Graphviz or the
checkov virtualenv those tests skip with a reason instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scanner.checkov import find_checkov

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = os.environ.get("PSCAN_REQUIRE_TOOLS") == "1"


@pytest.mark.skipif(not REQUIRED, reason="only enforced where PSCAN_REQUIRE_TOOLS=1 (CI)")
def test_graphviz_and_checkov_are_installed() -> None:
    assert shutil.which("dot"), "Graphviz dot missing: make graphviz"
    assert find_checkov(None, ROOT).executable is not None, "checkov missing: make checkov"
