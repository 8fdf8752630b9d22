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

import pytest

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


# ---- the chart -------------------------------------------------------------------------------------------

RECORDED = ROOT / "tests" / "fixtures" / "bench-run.json"  # a real run: six scenarios, 2 workers, WebSocket


def _need_matplotlib() -> None:
    if not HAVE_MATPLOTLIB:
        message = "matplotlib (the bench extra) is not installed; scripts/test.sh installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_the_chart_of_a_recorded_run_has_a_panel_per_scenario(tmp_path: Path) -> None:
    _need_matplotlib()
    import matplotlib.image
    import matplotlib.pyplot as plt

    from benchmarks.report import FLOOR_DEFINITION, build_chart, render_chart

    document = json.loads(RECORDED.read_text())
    scenarios = [name for name, r in document["scenarios"].items() if r["status"] == "ok"]
    assert len(scenarios) == 6
    fig = build_chart(document)
    try:
        panels = [ax for ax in fig.axes if ax.get_visible()]
        assert [ax.get_title().split(":")[0] for ax in panels] == scenarios
        by_name = dict(zip(scenarios, panels, strict=True))
        for name, ax in by_name.items():
            rows = [r for r in document["scenarios"][name]["rows"] if r["gateway"]]
            printed = {t.get_text() for t in ax.texts}  # the values on the bars
            for row in rows:
                assert any(t and float(t.replace(",", "")) == pytest.approx(row["gateway"], rel=0.01)
                           for t in printed if t not in ("0",)), (name, row)
            assert len(ax.patches) >= len(rows)  # a bar per row (and per floor value)
        # 1,043 calls/s beside 1.27 ms: a log scale; 0.1 s to 1.3 s: linear
        assert by_name["throughput"].get_yscale() == "log"
        assert by_name["concurrency"].get_yscale() == "linear"
        (caption,) = [t.get_text() for t in fig.texts]
        machine = document["machine"]
        for part in (f"commit {machine['git_head'][:10]}", "2 workers", "transport websocket",
                     f"load {machine['loadavg_at_start'][0]:.1f}", FLOOR_DEFINITION):
            assert part in caption, part
    finally:
        plt.close(fig)
    png = tmp_path / "chart.png"
    render_chart(str(png), document)
    image = matplotlib.image.imread(png)
    assert image.shape[0] > 800 and image.shape[1] > 1500


def test_chart_without_matplotlib_is_refused_before_the_run(tmp_path: Path) -> None:
    """``--chart`` needs the bench extra: without matplotlib the tool says so at once, in one line,
    instead of after minutes of measuring."""
    hide = ("import sys\n"
            "class NoMatplotlib:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'matplotlib' or name.startswith('matplotlib.'):\n"
            "            raise ModuleNotFoundError(name)\n"
            "sys.meta_path.insert(0, NoMatplotlib())\n"
            "from benchmarks.__main__ import main\n"
            f"main(['latency', '--spawn', '--chart', {str(tmp_path / 'c.png')!r}])\n")
    proc = subprocess.run([sys.executable, "-c", hide], cwd=ROOT, capture_output=True, text=True, timeout=60 * SCALE)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.strip().splitlines() == [
        "sandbox-bench: --chart needs matplotlib, the 'bench' extra: pip install 'sandbox-gateway[bench]'"]
    assert not (tmp_path / "c.png").exists() and "==" not in proc.stdout


def test_bench_tools_scenario_sets_every_tool_beside_bash(tmp_path: Path) -> None:
    """``sandbox-bench tools``: a row per pair of benchmarks/tool_pairs.py, the tool's p50 beside the same
    work through bash on the same session, covering every tool that works on files, code or git."""
    from benchmarks.tool_pairs import PAIRS
    from shared import toolset  # noqa: F401  (registers every family's tools)
    from shared.tools import TOOLS

    started = {"terminal_id": "term-1"}
    covered = {tool for pair in PAIRS for tool, _ in pair.tool(0, started)}
    covered |= {pair.start[0] for pair in PAIRS if pair.start}
    covered |= {pair.finish(started)[0] for pair in PAIRS if pair.finish}
    # not paired: bash itself, the job and managed-server tools (no bash equivalent: they manage what
    # bash started), a terminal's resize and list (benchmarks/terminal_calls.py times every terminal call)
    unpaired = {name for name in TOOLS if name == "bash" or name.startswith(("job_", "mcp_server_"))}
    unpaired |= {"terminal_resize", "terminal_list"}
    assert covered == set(TOOLS) - unpaired
    out = tmp_path / "tools.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "tools", "--spawn", "--quick", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300 * SCALE)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "tools (floor = bash)" in proc.stdout
    result = json.loads(out.read_text())["scenarios"]["tools"]
    assert result["status"] == "ok" and result["compared_with"] == "bash", result
    assert [row["metric"] for row in result["rows"]] == [pair.name for pair in PAIRS]
    whys = [pair for pair in PAIRS if pair.why]
    assert whys and all(any(pair.why in note for note in result["notes"]) for pair in whys)  # printed with the table
    for row in result["rows"]:
        assert _number(row["gateway"]) and _number(row["floor"]) and row["gateway"] > 0 and row["floor"] > 0, row
    assert not result["gateway_process"]["leftover_pids"]
    if HAVE_MATPLOTLIB:  # twenty rows: one line each, named by the tool's side, beside the bash bar
        import matplotlib.pyplot as plt

        from benchmarks.report import build_chart

        fig = build_chart(json.loads(out.read_text()))
        try:
            [panel] = [ax for ax in fig.axes if ax.get_visible()]
            names = [label.get_text().rsplit(" (", 1)[0] for label in panel.get_yticklabels()]
            assert names == [pair.name.split(" | ")[0] for pair in PAIRS]
            assert [text.get_text() for text in panel.get_legend().get_texts()] == ["gateway", "bash"]
        finally:
            plt.close(fig)
