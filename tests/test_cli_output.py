"""Where outputs go and how a run ends: devices, pipes, links, full disks and signals."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "demo"


def pscan(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "scanner.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def test_a_full_disk_is_one_line_and_exit_4() -> None:
    result = pscan("scan", str(DEMO), "-q", "-o", "/dev/full")
    assert result.returncode == 4
    assert result.stderr.strip() == "pscan: error: cannot write /dev/full: No space left on device"


def test_a_pipe_is_written_to_and_stays_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "findings.json"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = pscan("scan", str(DEMO), "-q", "--fail-on", "none", "-o", str(fifo))
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert fifo.is_fifo()
    assert received and received[0].startswith(b"{")


def test_a_symlink_target_is_written_and_the_link_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = pscan("scan", str(DEMO), "-q", "--fail-on", "none", "-o", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert target.read_text().startswith("{")


@pytest.mark.parametrize(
    ("output", "message"), [("", "no output file name given"), (".", "'.' is a directory")]
)
def test_no_file_name_is_exit_2(output: str, message: str) -> None:
    result = pscan("scan", str(DEMO), "-q", "-o", output)
    assert result.returncode == 2
    assert message in result.stderr


# A suite started in the background has SIGINT ignored, and a child inherits that: the
# child puts back Python's own handler (KeyboardInterrupt) itself. (A preexec_fn would run
# Python between fork and exec, which can abort the child when other threads of the suite,
# such as gRPC's, held a lock at the fork.)
_DEFAULT_SIGINT_THEN_PSCAN = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler);"
    " runpy.run_module('scanner.cli', run_name='__main__', alter_sys=True)"
)


@pytest.mark.parametrize(
    ("sig", "code", "word"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
)
def test_a_signal_ends_the_run_with_its_code_and_no_temporary_files(
    tmp_path: Path, sig: signal.Signals, code: int, word: str
) -> None:
    out = tmp_path / "estate"
    pscan_args = ["fixtures", "generate", "--resources", "1000000", "-o", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-c", _DEFAULT_SIGINT_THEN_PSCAN, *pscan_args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(p.name.startswith(".estate.") for p in tmp_path.iterdir()):
            assert proc.poll() is None, f"generation never started: {proc.communicate()[1]}"
            assert time.monotonic() < deadline, "generation never started"
            time.sleep(0.05)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:  # whatever happened, the child is gone and its pipes are closed
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == code, stderr
    assert stderr.strip().splitlines()[-1] == f"pscan: {word}"
    assert list(tmp_path.iterdir()) == []  # neither the snapshot nor its temporary folder


def _demo_with_name(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the demo snapshot with one resource renamed."""
    snap = tmp_path / "snap"
    shutil.copytree(DEMO, snap)
    for part in snap.glob("resources-*.jsonl.gz"):
        lines = gzip.decompress(part.read_bytes()).decode().splitlines()
        renamed = [
            json.dumps({**r, "name": new}) if (r := json.loads(line))["name"] == old else line
            for line in lines
        ]
        part.write_bytes(gzip.compress(("\n".join(renamed) + "\n").encode()))
    return snap


def test_names_from_the_cloud_cannot_drive_the_terminal(tmp_path: Path) -> None:
    hostile = "staging-bastion\x1b]0;owned\x07\x1b[2J\rgate PASSED\x9b31m"
    snap = _demo_with_name(tmp_path, "staging-bastion", hostile)
    result = pscan("scan", str(snap), "-o", str(tmp_path / "f.json"))
    assert result.returncode == 1
    assert "staging-bastion]0;owned[2Jgate PASSED31m" in result.stderr  # shown, inert
    for control in ("\x1b", "\x07", "\r", "\x9b"):
        assert control not in result.stderr
