"""Output of a run: the aligned text table, the JSON document (with machine info), the PNG chart."""

from __future__ import annotations

import math
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

import msgspec

__all__ = ["FLOOR_DEFINITION", "build_chart", "chart_missing", "format_table", "machine_info", "render_chart",
           "write_json"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def _git_head() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _git_dirty() -> bool | None:
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(out.stdout.strip())


def machine_info() -> dict[str, Any]:
    """Where the numbers came from: enough to tell two runs' machines apart."""
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "kernel": platform.release(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "git_head": _git_head(),
        "git_dirty": _git_dirty(),
        "hostname": platform.node(),
        "loadavg_at_start": load,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 100:
            return f"{value:.1f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3f}"
    return str(value)


def format_table(results: dict[str, dict[str, Any]]) -> str:
    """Plain aligned text: one block of rows per scenario, gateway | floor | ratio side by side."""
    header = ("scenario", "metric", "unit", "gateway", "floor", "gw/floor")
    rows: list[tuple[str, ...]] = []
    status_lines: dict[int, str] = {}  # index in rows -> a one-line status (skipped / error)
    for name, result in results.items():
        if result.get("status") != "ok":
            status_lines[len(rows)] = f"{name}: {result.get('status')}: {result.get('reason', '')}"
            rows.append(())
            continue
        for i, row in enumerate(result["rows"]):
            ratio = row.get("ratio")
            rows.append(
                (
                    (name if result.get("compared_with", "floor") == "floor" else
                     f"{name} (floor = {result['compared_with']})") if i == 0 else "",
                    row["metric"],
                    row["unit"],
                    _fmt(row["gateway"]),
                    _fmt(row["floor"]),
                    f"{ratio:.2f}x" if ratio is not None else "-",
                )
            )
    cells = [header, *(r for r in rows if r)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]

    def render(line: tuple[str, ...]) -> str:
        parts = [c.rjust(widths[i]) if i >= 3 else c.ljust(widths[i]) for i, c in enumerate(line)]
        return "  ".join(parts).rstrip()

    out = [render(header), render(tuple("-" * w for w in widths))]
    for index, line in enumerate(rows):
        out.append(status_lines[index] if index in status_lines else render(line))
    return "\n".join(out)


def write_json(path: str, document: dict[str, Any]) -> None:
    Path(path).write_bytes(msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n")


FLOOR_DEFINITION = ("floor = the same command run by a bare in-process spawner on the same machine, no gateway "
                    "(benchmarks/floor.py): what the work itself costs. Under each bar: gateway/floor")
_LOG_SPAN = 20.0  # a panel whose values span more than this factor gets a log scale


def chart_missing() -> str | None:
    """Why ``--chart`` cannot work here (matplotlib, the ``bench`` extra, is missing), or None."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return "--chart needs matplotlib, the 'bench' extra: pip install 'sandbox-gateway[bench]'"
    return None


def _caption(document: dict[str, Any]) -> str:
    machine = document.get("machine") or {}
    target = document.get("target") or {}
    head = machine.get("git_head")
    commit = (head[:10] + ("+dirty" if machine.get("git_dirty") else "")) if head else "unknown"
    workers = target.get("workers")
    where = (f"spawned gateway, {workers} workers" if target.get("spawn") else
             f"gateway at {target.get('url')}" + (f", {workers} workers" if workers else ""))
    load = machine.get("loadavg_at_start")
    cpus = machine.get("cpu_count")
    busy = " (busy: numbers are noisy)" if load and cpus and load[0] > cpus else ""
    load_text = f"load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} at start{busy}" if load else "load unknown"
    quick = ", --quick (smoke run, not a measurement)" if document.get("quick") else ""
    return (f"sandbox-bench {machine.get('time', '')}: commit {commit}; {where}; transport "
            f"{target.get('transport', 'websocket')}{quick}\n"
            f"machine: {cpus} CPUs ({machine.get('cpu_model') or 'unknown model'}), {load_text}, "
            f"Python {machine.get('python', '?')}, kernel {machine.get('kernel', '?')}\n{FLOOR_DEFINITION}")


_MANY_BARS = 8  # a panel with more rows than this is drawn with horizontal bars, a row per line


def _bar_values(shown: list[dict[str, Any]]) -> tuple[list[float], list[float], list[float], bool]:
    gateway = [float(row["gateway"]) for row in shown]
    floor = [float(row["floor"]) if isinstance(row.get("floor"), int | float) else math.nan for row in shown]
    positive = [v for v in gateway + floor if v == v and v > 0]
    return gateway, floor, positive, bool(positive) and max(positive) / min(positive) > _LOG_SPAN


def _vertical_panel(ax: Any, shown: list[dict[str, Any]], second: str, blended: Any) -> None:
    """Gateway and floor bars side by side per row, values on the bars, the unit and ratio under them."""
    import textwrap

    labels = [textwrap.fill(row["metric"], 14) + (f"\n({row['unit']})" if row.get("unit") else "")
              + (f"\n{row['ratio']:.2f}x" if row.get("ratio") else "") for row in shown]
    positions = list(range(len(shown)))
    gateway, floor, positive, log = _bar_values(shown)
    if log:
        ax.set_yscale("log")
    for offset, values, who, colour in ((-0.2, gateway, "gateway", "tab:blue"), (0.2, floor, second, "tab:gray")):
        drawn = [v if v == v and (v > 0 or not log) else 0.0 for v in values]
        container = ax.bar([p + offset for p in positions], drawn, width=0.4, label=who, color=colour)
        texts = [_fmt(v) if v == v else "" for v in values]
        ax.bar_label(container, labels=texts, fontsize=7, rotation=90, padding=2)
        if log:  # a zero cannot be drawn on a log scale: its value is written at the bottom
            bottom = blended(ax.transData, ax.transAxes)
            for p, v in zip(positions, values, strict=True):
                if v == 0:
                    ax.text(p + offset, 0.01, "0", transform=bottom, ha="center", va="bottom", fontsize=7)
    ax.set_xticks(positions, labels, fontsize=6.5 if len(shown) > 6 else 7)
    ax.margins(y=0.25)
    if log:
        ax.set_ylim(top=max(positive) * 8)
    ax.set_ylabel("value, unit under each bar" + (" (log scale)" if log else ""), fontsize=8)


def _horizontal_panel(ax: Any, shown: list[dict[str, Any]], second: str) -> None:
    """Many rows (the tools scenario): a line per row, its name (the part before " | ", the first
    side's), unit and ratio on the left, the two bars beside each other with their values."""
    labels = [f"{row['metric'].split(' | ')[0]} ({row['unit']})"
              + (f"  {row['ratio']:.2f}x" if row.get("ratio") else "") for row in shown]
    positions = list(range(len(shown)))
    gateway, floor, _, log = _bar_values(shown)
    if log:
        ax.set_xscale("log")
    for offset, values, who, colour in ((-0.2, gateway, "gateway", "tab:blue"), (0.2, floor, second, "tab:gray")):
        drawn = [v if v == v and (v > 0 or not log) else 0.0 for v in values]
        container = ax.barh([p + offset for p in positions], drawn, height=0.4, label=who, color=colour)
        ax.bar_label(container, labels=[_fmt(v) if v == v else "" for v in values], fontsize=6.5, padding=2)
    ax.set_yticks(positions, labels, fontsize=7)
    ax.invert_yaxis()  # the first row on top
    ax.margins(x=0.15)
    ax.set_xlabel("value, unit after each name" + (" (log scale)" if log else ""), fontsize=8)


def build_chart(document: dict[str, Any]) -> Any:
    """The chart of a run (a ``sandbox-bench --json`` document) as a matplotlib Figure: one panel per
    scenario that ran, gateway and floor bars side by side for each of its numeric rows, values printed
    on the bars, a log scale where a panel's values span more than ``_LOG_SPAN``; a caption with the
    commit, the gateway, the transport, the machine and its load, and what "floor" means."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.transforms import blended_transform_factory

    results: dict[str, dict[str, Any]] = document["scenarios"]
    ran = [(name, r) for name, r in results.items() if r.get("status") == "ok" and r.get("rows")]
    skipped = [f"{name}: {r.get('status')} ({r.get('reason', '')})" for name, r in results.items()
               if (name, r) not in ran]
    cols = max(1, min(3, len(ran)))
    rows_n = max(1, math.ceil(len(ran) / cols))
    tallest = max((len(r["rows"]) for _, r in ran), default=0)
    panel_height = max(4.8, 0.3 * tallest + 1.8) if tallest > _MANY_BARS else 4.8
    fig, axes = plt.subplots(rows_n, cols, figsize=(6.4 * cols, panel_height * rows_n + 1.2), squeeze=False)
    for ax in axes.flat[len(ran):]:
        ax.set_visible(False)
    for ax, (name, result) in zip(axes.flat, ran, strict=False):
        bars = [row for row in result["rows"] if isinstance(row.get("gateway"), int | float)
                and not isinstance(row.get("gateway"), bool)]
        shown = [row for row in bars if row["gateway"] or row.get("floor")]
        zero = [row for row in bars if row not in shown]  # e.g. errors+lost 0: said, not drawn
        second = result.get("compared_with", "floor")  # the tools scenario compares with bash
        if len(shown) > _MANY_BARS:
            _horizontal_panel(ax, shown, second)
        else:
            _vertical_panel(ax, shown, second, blended_transform_factory)
        load = result.get("loadavg_at_start")
        subtitle = "; ".join([*(f"{row['metric']}: {_fmt(row['gateway'])}" for row in zero),
                              *([f"load {load:.1f} at start"] if isinstance(load, int | float) else [])])
        title = textwrap.fill(f"{name}: {result.get('description', '')}", 70)
        ax.set_title(title + (f"\n{textwrap.fill(subtitle, 90)}" if subtitle else ""), fontsize=9)
        ax.legend(fontsize=7, loc="upper left" if len(shown) <= _MANY_BARS else "lower right")
    caption = _caption(document)
    if skipped:
        caption += "\nnot run: " + "; ".join(skipped)
    fig.text(0.01, 0.005, caption, fontsize=8, va="bottom", ha="left", family="monospace", wrap=True)
    fig.tight_layout(rect=(0, 0.03 + 0.02 * caption.count("\n"), 1, 1))
    return fig


def render_chart(path: str, document: dict[str, Any]) -> None:
    """Write ``build_chart(document)`` as a PNG to ``path``."""
    import matplotlib.pyplot as plt

    fig = build_chart(document)
    try:
        fig.savefig(path, dpi=110)
    finally:
        plt.close(fig)
