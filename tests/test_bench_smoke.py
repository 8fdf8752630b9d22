"""Smoke test of the benchmark tool: a tiny real run against a spawned gateway.

No timing assertions: the numbers depend on the machine.  What must hold is
that the tool runs end to end, prints its table, and writes JSON with every
selected scenario measured both through the gateway and on the floor.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("SANDBOX_TEST_TIMEOUT_SCALE", "1"))
SCENARIOS = ("latency", "throughput", "concurrency")
HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_bench_quick_run(tmp_path: Path) -> None:
    # the chart is optional (extra 'bench'): checked only when matplotlib is importable
    chart = HAVE_MATPLOTLIB
    out = tmp_path / "bench.json"
    png = tmp_path / "bench.png"
    argv = [sys.executable, "-m", "benchmarks", *SCENARIOS, "--spawn", "--quick", "--json", str(out)]
    if chart:
        argv += ["--chart", str(png)]
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=240 * SCALE)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"

    header = proc.stdout.splitlines()[0].split()
    assert header == ["scenario", "metric", "unit", "gateway", "floor", "gw/floor"], proc.stdout
    for name in SCENARIOS:
        assert any(line.startswith(name) for line in proc.stdout.splitlines()), proc.stdout

    document = json.loads(out.read_text())
    assert document["machine"]["cpu_count"] >= 1
    assert document["machine"]["python"]
    assert document["quick"] is True
    assert set(document["scenarios"]) == set(SCENARIOS)
    for name, result in document["scenarios"].items():
        assert result["status"] == "ok", (name, result)
        assert result["rows"], name
        assert result["floor"], name
        assert result["gateway"], name
        assert not result["gateway_process"]["leftover_pids"], (name, result["gateway_process"])
        for row in result["rows"]:
            assert _number(row["gateway"]), (name, row)
        # overhead is a ratio to the floor: every scenario has some
        assert any(_number(row["floor"]) and _number(row["ratio"]) for row in result["rows"]), name

    latency = document["scenarios"]["latency"]
    assert _number(latency["gateway"]["latency_ms"]["p50"])
    assert _number(latency["floor"]["latency_ms"]["p50"])
    assert latency["samples"]["gateway"] and latency["samples"]["floor"]
    assert _number(document["scenarios"]["throughput"]["gateway"]["calls_per_s"])
    assert _number(document["scenarios"]["throughput"]["floor"]["calls_per_s"])
    assert document["scenarios"]["throughput"]["floor"]["processes"] == 2
    assert _number(document["scenarios"]["concurrency"]["gateway"]["wall_s"])

    if chart:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_edit_git_calls_quick_run(tmp_path: Path) -> None:
    """benchmarks.edit_git_calls runs every scenario, each tool and its bash equivalent succeeding."""
    out = tmp_path / "edit_git.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.edit_git_calls", "--calls", "2", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240 * SCALE)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    rows = json.loads(out.read_text())
    assert [row["scenario"].split(" |")[0] for row in rows] == [
        "batch_read 50 files", "patch 20 hunks", "patch 20 hunks", "multi_edit 5 edits", "git_status", "git_diff",
        "git_log 20"]
    for row in rows:
        for side in ("tool", "bash"):
            assert _number(row[side]["p50_ms"]) and _number(row[side]["cpu_ms_per_call"]), row
