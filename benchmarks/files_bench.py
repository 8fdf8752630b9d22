"""File tool benchmark: ``python -m benchmarks.files_bench [--files N] [--big-mb M] [--repeat R] [--dir D]``.

Generates a tree of small source-like files and one big text file in a
temporary directory, then times ``grep`` and ``read`` through
``worker.tools.files.run_file_tool`` (ripgrep engine and Python engine) next to
the floor: ``rg`` and ``grep -rn`` (or ``head``/``sed`` for reads) run
directly.  Prints a side-by-side table of medians.  The temporary directory
defaults to /dev/shm when it exists, so the numbers measure the tools rather
than a slow disk; file creation there is also what keeps the default run short.

This measures the tools in-process; ``python -m benchmarks.file_calls`` measures what one file call
costs through a real gateway (worker and file helper included).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.tools import validate_args
from worker.tools.files import FileToolContext, run_file_tool, run_rg

__all__ = ["main"]

MIB = 1024 * 1024
NEEDLE = "NEEDLE_7f3a"
WORDS = ("alpha", "beta", "gamma", "delta", "return", "value", "config", "self", "items", "count")


def source_text(seed: int, lines: int, needle: bool) -> bytes:
    rows = []
    for n in range(lines):
        a, b, c = WORDS[(seed + n) % 10], WORDS[(seed * 7 + n) % 10], WORDS[(n * 3) % 10]
        rows.append(f"    {a}_{n} = {b}({c}, {seed + n})  # line {n}\n")
    if needle:
        rows.insert(lines // 2, f"    found = '{NEEDLE}'\n")
    return "".join(rows).encode()


def generate(root: Path, files: int, big_mb: int) -> tuple[int, int]:
    """Create ``files`` small files (1 in 500 holds the needle) and a ``big_mb`` MiB file at big.txt."""
    per_dir = 100
    needles = 0
    for i in range(files):
        directory = root / "tree" / f"pkg{i // per_dir // 20:03d}" / f"mod{i // per_dir:04d}"
        if i % per_dir == 0:
            directory.mkdir(parents=True, exist_ok=True)
        needle = i % 500 == 250
        needles += needle
        (directory / f"file_{i:06d}.py").write_bytes(source_text(i, 30, needle))
    line = b"x" * 60 + b" the quick brown fox jumps over the lazy dog\n"
    lines = big_mb * MIB // len(line)
    block = line * 10_000
    with open(root / "big.txt", "wb") as f:
        written = 0
        while written + 10_000 <= lines:
            f.write(block)
            written += 10_000
        f.write(line * (lines - written))
        f.write(f"the last line has the {NEEDLE}\n".encode())
    return needles, lines + 1


def time_call(fn: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def tool_call(
    ctx: FileToolContext, name: str, args: dict[str, Any], check: Callable[[str], bool]
) -> Callable[[], Any]:
    parsed = validate_args(name, args)

    def call() -> None:
        result = asyncio.run(run_file_tool(name, parsed, ctx))
        if result.is_error or not check(result.text):
            raise SystemExit(f"{name} {args} gave an unexpected result:\n{result.text[:500]}")

    return call


def command(argv: list[str], cwd: Path) -> Callable[[], Any]:
    def run() -> None:
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=False)

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.files_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--files", type=int, default=50_000, help="small files in the tree (default 50000)")
    parser.add_argument("--big-mb", type=int, default=100, help="size of the big file in MiB (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument(
        "--dir", default="/dev/shm" if os.path.isdir("/dev/shm") else None, help="where to generate"
    )
    opts = parser.parse_args(argv)

    rg = shutil.which("rg")
    grep = shutil.which("grep")
    root = Path(tempfile.mkdtemp(prefix="files-bench-", dir=opts.dir))
    try:
        start = time.perf_counter()
        needles, big_lines = generate(root, opts.files, opts.big_mb)
        print(
            f"generated {opts.files} files + {opts.big_mb} MiB big.txt in {root} "
            f"({time.perf_counter() - start:.1f} s); median of {opts.repeat} runs",
            file=sys.stderr,
        )
        cap = 10 * MIB  # both the read and the write cap
        with_rg = FileToolContext(
            root, max_read_bytes=cap, max_write_bytes=cap, run=run_rg if rg else None
        )
        python_only = FileToolContext(root, max_read_bytes=cap, max_write_bytes=cap, run=None)

        def count_is(n: int) -> Callable[[str], bool]:
            return lambda text: text.count(NEEDLE) == n

        def has_lines(n: int) -> Callable[[str], bool]:
            return lambda text: text.count("\n") >= n

        # (scenario, tool name, tool args, result check, rg floor argv, grep floor argv)
        grep_rows: list[
            tuple[str, str, dict[str, Any], Callable[[str], bool], list[str] | None, list[str] | None]
        ]
        grep_rows = [
            (
                f"grep rare literal, {opts.files} files",
                "grep",
                {"pattern": NEEDLE, "path": "tree", "max_results": 10_000},
                count_is(needles),
                [rg or "rg", "-n", NEEDLE, "tree"],
                [grep or "grep", "-rn", NEEDLE, "tree"],
            ),
            (
                "grep common word, stop at 200",
                "grep",
                {"pattern": r"gamma_\d+ = alpha", "path": "tree"},
                has_lines(200),
                [rg or "rg", "-n", "-m", "200", r"gamma_\d+ = alpha", "tree"],
                [grep or "grep", "-rnE", "-m", "200", r"gamma_[0-9]+ = alpha", "tree"],
            ),
            (
                f"grep {opts.big_mb} MiB file",
                "grep",
                {"pattern": NEEDLE, "path": "big.txt"},
                count_is(1),
                [rg or "rg", "-n", NEEDLE, "big.txt"],
                [grep or "grep", "-n", NEEDLE, "big.txt"],
            ),
        ]
        offset = big_lines - 2000
        # (scenario, tool args, floor argv)
        read_rows: list[tuple[str, dict[str, Any], list[str]]] = [
            (
                "read first 2000 lines",
                {"file_path": "big.txt"},
                ["head", "-n", "2000", "big.txt"],
            ),
            (
                f"read 2000 lines at line {offset}",
                {"file_path": "big.txt", "offset": offset},
                ["sed", "-n", f"{offset},{offset + 1999}p;{offset + 1999}q", "big.txt"],
            ),
        ]

        header = ("scenario", "tool (rg)", "tool (python)", "rg floor", "grep/coreutils floor")
        rows: list[tuple[str, ...]] = []
        for scenario, name, args, check, rg_argv, grep_argv in grep_rows:
            rows.append(
                (
                    scenario,
                    fmt(time_call(tool_call(with_rg, name, args, check), opts.repeat)) if rg else "no rg",
                    fmt(time_call(tool_call(python_only, name, args, check), opts.repeat)),
                    fmt(time_call(command(rg_argv, root), opts.repeat)) if rg and rg_argv else "-",
                    fmt(time_call(command(grep_argv, root), opts.repeat)) if grep and grep_argv else "-",
                )
            )
        for scenario, args, floor_argv in read_rows:
            took = fmt(time_call(tool_call(python_only, "read", args, has_lines(2000)), opts.repeat))
            rows.append(
                (scenario, "(no rg)", took, "-", fmt(time_call(command(floor_argv, root), opts.repeat)))
            )
        print(render(header, rows))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def render(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
