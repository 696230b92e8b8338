"""No secret leaks: every string field of every resource type holds a secret, the real
pipeline runs over it, and no output, stdout, stderr or debug log shows one in clear.

The estate (`tests.secret_estate`) puts a distinct secret into the name, every tag key
and value, every string attribute at every depth the catalog declares and every string
relation property of one resource per catalog type; the snapshot's collection errors
and a rule pack's Python rules (one raises, one is undecided, one reports evidence, all
quoting the secrets they read) carry more. Each `pscan` command runs as a subprocess
with debug logging (`-vv`); its files, stdout and stderr are searched for each secret's
core, a part that masking to two characters removes, so a secret masked only in part
still counts as a leak.

`test_the_seeds_reach_the_outputs` proves the search can fail: with masking switched off
(`scanner.masking.mask` as the identity), a scan's findings show the seeded secrets.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from scanner import masking
from scanner.catalog import TYPES
from scanner.cli import main
from scanner.model import CollectionError, SpendRecord
from scanner.snapshot import write_snapshot
from tests.secret_estate import KINDS, Seeds, seed_estate

CREATED = datetime(2026, 11, 1, tzinfo=UTC)

# Python rules that quote what they read: in an exception, an undecided reason, evidence
# and a log record.
RULE_PY = {
    "leak_raises": """
import logging
from scanner.engine import resource_rule

@resource_rule
def check(resource, spec):
    logging.getLogger("custom.rules").warning("looking at %s", resource["name"])
    raise ValueError(f"cannot judge {resource['name']} tagged {resource['tags']}")
""",
    "leak_undecided": """
from scanner.engine import Undecided, resource_rule

@resource_rule
def check(resource, spec):
    yield Undecided(reason=f"could not read {resource['name']}")
""",
    "leak_evidence": """
from scanner.engine import Hit, resource_rule

@resource_rule
def check(resource, spec):
    yield Hit(evidence={"name": resource["name"], "attributes": resource["attributes"]})
""",
}


def _rule_yaml(rule_id: str, provider: str) -> str:
    types = sorted(t for t in TYPES if t.startswith(f"{provider}."))
    return f"""title: {rule_id}
severity: high
category: secrets
resource_types: [{", ".join(types)}]
description: A rule of the leak test.
risk: None.
message: "{rule_id} on {{resource.name}}"
remediation: {{summary: None.}}
tests:
  - name: basic
    resources:
      - {{id: fail-a, type: aws.s3.bucket, name: a}}
      - {{id: pass-b, type: aws.s3.bucket, name: b}}
"""


@dataclass
class Run:
    """The files, stdout and stderr of the commands run on the seeded estate."""

    root: Path
    seeds: Seeds
    texts: dict[str, str] = field(default_factory=dict)  # where -> text
    codes: dict[str, int] = field(default_factory=dict)

    def pscan(self, name: str, *args: str) -> None:
        """Run `pscan -vv ARGS` in this process, keeping its stdout and stderr."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            self.codes[name] = main(["-vv", *args])
        self.texts[f"{name}: stdout"] = out.getvalue()
        self.texts[f"{name}: stderr"] = err.getvalue()

    def console(self, name: str, *args: str) -> None:
        """Run the console script `pscan -vv ARGS`: its stderr is its debug log."""
        proc = subprocess.run(
            [sys.executable, "-m", "scanner.cli", "-vv", *args],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        self.codes[name] = proc.returncode
        self.texts[f"{name}: stdout"] = proc.stdout
        self.texts[f"{name}: stderr"] = proc.stderr

    def collect_files(self) -> None:
        """Read every file the commands wrote (the SQLite store as bytes, decoded)."""
        out = self.root / "out"
        for path in sorted(p for p in out.rglob("*") if p.is_file()):
            self.texts[str(path.relative_to(self.root))] = path.read_bytes().decode(
                "utf-8", "replace"
            )


def _snapshot(root: Path, seeds: Seeds) -> Path:
    resources, _ = seed_estate(seeds)
    errors = [
        CollectionError(
            provider="aws",
            account="111122223333",
            region="eu-west-1",
            service="s3",
            operation=seeds.new("manifest:errors.operation"),
            code="AccessDenied",
            message=f"User is not allowed: {seeds.new('manifest:errors.message')}",
        )
    ]
    spend = [
        SpendRecord(
            provider="aws",
            source="aws-cost-explorer",
            month=month,
            grouped_by=["product"],
            product=seeds.new("spend:product"),
            metric="unblended",
            amount=Decimal("1234.5"),
            currency="USD",
        )
        for month in ("2026-09", "2026-10")
    ]
    snap = root / "snap"
    write_snapshot(
        snap,
        resources,
        source="leak-test",
        scopes=["aws:111122223333:eu-west-1", "gcp:seeded"],
        errors=errors,
        created_at=CREATED,
        spend=spend,
    )
    return snap


def _pack(root: Path) -> Path:
    pack = root / "pack"
    for provider in ("aws", "gcp"):
        folder = pack / provider / "leak"
        folder.mkdir(parents=True)
        for name, code in RULE_PY.items():
            rule_id = f"{provider}_{name}"
            (folder / f"{rule_id}.yaml").write_text(_rule_yaml(rule_id, provider))
            (folder / f"{rule_id}.py").write_text(code)
    return pack


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("leaks")
    seeds = Seeds()
    snap = str(_snapshot(root, seeds))
    out = root / "out"
    out.mkdir()
    done = Run(root, seeds)
    # what -vv logs, kept in a file: the CLI puts its masking filter on every handler
    log = logging.FileHandler(out / "debug.log")
    root_logger = logging.getLogger()
    level = root_logger.level
    root_logger.addHandler(log)
    root_logger.setLevel(logging.DEBUG)
    try:
        _commands(done, snap, f"{out}/", ("--rules", str(_pack(root)), "--no-config"))
    finally:
        root_logger.removeHandler(log)
        root_logger.setLevel(level)
        log.close()
    done.collect_files()
    return done


def _commands(done: Run, snap: str, out: str, rules: tuple[str, ...]) -> None:
    done.console("console scan", "scan", snap, *rules, "-o", f"{out}console.json")
    for fmt in ("json", "sarif", "ocsf", "junit", "csv", "md", "html"):
        done.pscan(f"scan {fmt}", "scan", snap, *rules, "--format", fmt, "-o", f"{out}f.{fmt}")
    done.pscan("scan to stdout", "scan", snap, *rules, "--format", "md")
    for fmt in ("json", "sarif", "ocsf", "junit", "csv", "md", "html"):
        done.pscan(
            f"report {fmt}", "report", f"{out}f.json", "--format", fmt, "-o", f"{out}r.{fmt}"
        )
    for view in ("overview", "network", "dataflow", "exposure"):
        for fmt in ("dot", "mermaid", "svg"):
            done.pscan(
                f"diagram {view} {fmt}",
                *("diagram", snap, "--view", view, "--format", fmt),
                *("--findings", f"{out}f.json", "-o", f"{out}diagram-{view}.{fmt}"),
            )
    done.pscan("architecture", "architecture", snap, "-o", f"{out}architecture", "--no-config")
    db = ("--db", f"{out}audits.sqlite")
    done.pscan("audit run", "audit", "run", snap, *db, *rules, "--report", f"{out}audit.html")
    for fmt in ("html", "md", "json"):
        done.pscan(f"audit report {fmt}", "audit", "report", *db, "--format", fmt)
    done.pscan("audit show", "audit", "show", "1", *db, "--format", "json")
    done.pscan("audit list", "audit", "list", *db)
    for fmt in ("text", "json", "md", "csv", "html"):
        done.pscan(f"cost {fmt}", "cost", snap, "--format", fmt, "--no-config")
    for fmt in ("text", "json", "md"):
        done.pscan(f"capacity {fmt}", "capacity", "show", snap, "--format", fmt, "--no-config")
    done.pscan("snapshot info", "snapshot", "info", snap)


def test_every_type_and_kind_is_seeded(run: Run) -> None:
    assert set(run.seeds.fields_by_type) >= set(TYPES)
    assert all(run.seeds.fields_by_type[t] >= 5 for t in TYPES)  # name, 4 tags, ...
    assert set(run.seeds.kinds.values()) == set(KINDS)


def test_every_command_ran(run: Run) -> None:
    failed = {name: code for name, code in run.codes.items() if code not in (0, 1)}
    assert not failed, {n: run.texts[f"{n}: stderr"][-2000:] for n in failed}


def test_the_secret_carrying_paths_ran(run: Run) -> None:
    """The rules' error, undecided and evidence paths, the manifest's errors and the log
    all reached the outputs searched (masked)."""
    doc = json.loads(run.texts["out/f.json"])
    errors = [f for f in doc["findings"] if f["rule_id"].endswith("_leak_raises")]
    assert len(errors) == len(TYPES)
    assert all("ValueError: cannot judge" in f["message"] for f in errors)
    assert all(f["status"] == "error" for f in errors)
    assert any(f["rule_id"].endswith("_leak_evidence") and f["evidence"] for f in doc["findings"])
    assert doc["rule_stats"]["aws_leak_undecided"]["undecided_examples"]
    assert len(doc["collection_errors"]) == 1
    assert "looking at" in run.texts["out/debug.log"]
    assert "looking at" in run.texts["console scan: stderr"]
    assert doc["capacity"] is not None and doc["cost"] is not None


def test_no_output_shows_a_secret(run: Run) -> None:
    leaks = {
        where: sorted(set(found.values()))
        for where, text in run.texts.items()
        if (found := run.seeds.leaks(text))
    }
    assert not leaks, json.dumps(leaks, indent=1)[:6000]


def test_the_seeds_reach_the_outputs(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With masking switched off, the findings show the secrets: the search can fail."""
    monkeypatch.setattr("scanner.masking.mask", lambda value: value)
    # short values are masked once per process: answers kept from the runs above must go
    monkeypatch.setattr("scanner.masking._mask_short", masking._mask_text)
    out = tmp_path / "f.json"
    args = ["scan", str(run.root / "snap"), "--rules", str(run.root / "pack"), "--no-config"]
    assert main([*args, "-o", str(out), "-q"]) in (0, 1)
    found = run.seeds.leaks(out.read_text())
    places = {run.seeds.where[core].split(":", 1)[1].split(".", 1)[0] for core in found}
    assert {"name", "tags", "attributes", "errors"} <= places
    assert len(found) > len(run.seeds.secrets) // 4
