"""Output of a run: the aligned text table, the JSON document (with machine info), the PNG chart."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

import msgspec

__all__ = ["format_table", "machine_info", "render_chart", "write_json"]

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
                    name if i == 0 else "",
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


def render_chart(path: str, results: dict[str, dict[str, Any]]) -> None:
    """Latency histogram (gateway vs floor) and percentile bars per scenario; matplotlib loaded here only."""
    try:
        import matplotlib
    except ImportError as exc:
        raise SystemExit("--chart needs matplotlib: pip install 'sandbox-gateway[bench]'") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with_samples = [
        name
        for name, result in results.items()
        if result.get("status") == "ok" and result.get("samples", {}).get("gateway")
    ]
    panels = len(with_samples) + 1
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 5), squeeze=False)
    for hist_ax, name in zip(axes[0], with_samples, strict=False):
        samples = results[name]["samples"]
        everything = [x for who in ("gateway", "floor") for x in samples.get(who, [])]
        low, high = min(everything), max(everything)
        bins = [low + (high - low) * i / 60 for i in range(61)] if high > low else 10
        for who, colour in (("gateway", "tab:blue"), ("floor", "tab:gray")):
            if samples.get(who):
                hist_ax.hist(samples[who], bins=bins, alpha=0.6, label=who, color=colour)
        hist_ax.set_title(f"{name}: call latency")
        hist_ax.set_xlabel("ms")
        hist_ax.set_ylabel("calls")
        hist_ax.legend()
    pct_ax = axes[0][-1]

    labels: list[str] = []
    gateway_values: list[float] = []
    floor_values: list[float] = []
    for name, result in results.items():
        if result.get("status") != "ok":
            continue
        for row in result["rows"]:
            if row["unit"] == "ms" and row["metric"] in ("p50", "p90", "p99") and row["gateway"] is not None:
                labels.append(f"{name}\n{row['metric']}")
                gateway_values.append(row["gateway"])
                floor_values.append(row["floor"] or 0.0)
    positions = list(range(len(labels)))
    pct_ax.bar([p - 0.2 for p in positions], gateway_values, width=0.4, label="gateway", color="tab:blue")
    pct_ax.bar([p + 0.2 for p in positions], floor_values, width=0.4, label="floor", color="tab:gray")
    pct_ax.set_xticks(positions, labels, fontsize=8)
    pct_ax.set_ylabel("ms")
    pct_ax.set_title("latency percentiles")
    if labels:
        pct_ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
