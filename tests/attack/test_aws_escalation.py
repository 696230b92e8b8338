"""Attack paths found in an AWS estate served by moto, collected by pscan's collector.

The estate (`estate.py`) has one escalating principal per method and a compliant twin
for each; the scan must report exactly the escalators, each with its method as the
first step of the shortest path, and draw the path in the HTML report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.collectors.aws.conftest import ACCOUNT, REGION, Collected, Moto, run_cli

from .estate import ARN, ESCALATIONS, seed_attack_estate

RULE = "aws_iam_principal_no_path_to_admin"


def _arn(principal: str) -> str:
    return f"{ARN}:{principal}" if principal.startswith("role/") else f"{ARN}:user/{principal}"


def _scan(snapshot: Path, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "findings.json"
    result = run_cli(
        "scan", str(snapshot), "-o", str(out), "--format", "json", "--fail-on", "none", "-q"
    )
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(out.read_text())
    return doc


def test_every_method_is_found_and_every_twin_is_silent(
    moto: Moto, collect: Any, tmp_path: Path
) -> None:
    seed_attack_estate(moto)
    snap: Collected = collect("--services", "iam,lambda", "--regions", REGION)
    assert snap.errors() == []
    doc = _scan(snap.path, tmp_path)
    found = {f["resource"]["id"]: f for f in doc["findings"] if f["rule_id"] == RULE}
    expected = {_arn(e.principal): e.method for e in ESCALATIONS}
    assert set(found) == set(expected)
    first_steps = {rid: f["evidence"]["path_steps"][0].split(" ", 1)[0] for rid, f in found.items()}
    assert first_steps == expected
    assert len(set(expected.values())) >= 10
    for finding in found.values():
        assert finding["path"][0] == finding["resource"]["id"]
        assert finding["path"][-1] == f"admin:aws:{ACCOUNT}"
        assert len(finding["evidence"]["path_steps"]) == len(finding["path"]) - 1
    # administrators themselves are not reported by this rule
    assert f"{ARN}:user/admin-user" not in found


def test_paths_chain_through_roles_and_name_each_step(
    moto: Moto, collect: Any, tmp_path: Path
) -> None:
    seed_attack_estate(moto)
    snap: Collected = collect("--services", "iam,lambda", "--regions", REGION)
    doc = _scan(snap.path, tmp_path)
    by_id = {f["resource"]["id"]: f for f in doc["findings"] if f["rule_id"] == RULE}
    pusher = by_id[f"{ARN}:user/code-pusher"]
    assert pusher["path"] == [
        f"{ARN}:user/code-pusher",
        f"{ARN}:role/lambda-admin",
        f"admin:aws:{ACCOUNT}",
    ]
    assert pusher["evidence"]["path_steps"] == [
        "aws_update_function_code (lambda:UpdateFunctionCode on"
        f" arn:aws:lambda:{REGION}:{ACCOUNT}:function:ops)",
        "holds_admin ([Allow Action '*' on Resource '*'])",
    ]
    assert pusher["evidence"]["path_names"] == [
        "code-pusher",
        "lambda-admin",
        f"administrator of {ACCOUNT}",
    ]
    assert pusher["evidence"]["methods"] == "aws_update_function_code"
    html = tmp_path / "report.html"
    result = run_cli("report", str(tmp_path / "findings.json"), "--format", "html", "-o", str(html))
    assert result.exit_code == 0, result.output
    page = html.read_text()
    assert "&darr; aws_update_function_code (lambda:UpdateFunctionCode on" in page
    assert '<span class="hop-name">lambda-admin</span>' in page
