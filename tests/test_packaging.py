"""The wheel carries rules, reports and the demo: a plain `pip install .` runs `pscan demo`."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from importlib.metadata import distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # the build backend of this environment: the locked one under `make test`
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run([*build, "-w", str(out), str(ROOT)], check=True)
    (built,) = out.glob("platform_scanner-*.whl")
    return built


def test_wheel_contains_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "scanner/cli/__init__.py" in names
    assert any(n.startswith("scanner/_data/rules/aws/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("scanner/_data/rules/frameworks/") for n in names)
    assert any(n.startswith("scanner/_data/reports/html/") for n in names)
    assert "scanner/_data/fixtures/demo/manifest.json" in names
    assert "scanner/checkov_severity.yaml" in names  # pscan iac's severities for checkov
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "pscan = scanner.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
def test_plain_install_runs_demo(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    # the dependencies at the versions of this environment (the lock under `make test`), so a
    # new release elsewhere cannot fail this test; pyproject.toml's ranges stay as they are
    pins = tmp_path / "pins.txt"
    pins.write_text("\n".join(f"{d.metadata['Name']}=={d.version}" for d in distributions()))
    subprocess.run([str(pip), "install", "--quiet", "-c", str(pins), str(wheel)], check=True)
    out = tmp_path / "demo"
    # run from an unrelated folder so nothing can come from the source checkout
    result = subprocess.run(
        [str(env_dir / "bin" / "pscan"), "demo", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("findings.json", "report.html", "report.md", "results.sarif"):
        assert (out / name).stat().st_size > 0
    rules = subprocess.run(
        [str(env_dir / "bin" / "pscan"), "rules", "list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "total:" in rules.stdout
