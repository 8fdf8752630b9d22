"""The editing and git tools next to doing the same through ``bash``: ``python -m benchmarks.edit_git_calls``.

Starts a gateway with one worker (``--spare-workers 0``; started as root it runs tools as ``nobody``,
as benchmarks/file_calls.py does), makes a workspace through the tools themselves (50 small files, a
file to patch, a git repository with 30 commits and a few changes), then for each scenario runs the
tool and its ``bash`` equivalent in turn, one call each, ``--calls`` times after a warm-up: the two
sides see the same machine load, which on a shared machine matters more than anything else.  It
prints p50 and p99 latency and the CPU of the gateway's whole process tree per call (gateway, worker,
file helper, shells, git), and the load average before and after.  It speaks only MCP, so the same
script measures any commit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from typing import Any

from benchmarks.client import McpSession
from benchmarks.procs import GatewayProcess, tree_cpu_seconds
from benchmarks.stats import percentile
from benchmarks.tool_pairs import heredoc, patch_text

__all__ = ["SCENARIOS", "main", "measure"]

WARMUP = 10
FILES = 50
PATCHED_LINES = 400
GIT = "git -c user.name=Bench -c user.email=bench@example.com"


# (name, tool call, the bash command that does the same); ``i`` is the call's number: edits alternate
# forward and back so every call changes the file
Call = tuple[str, dict[str, Any]]
SCENARIOS: list[tuple[str, Any, Any]] = [
    ("batch_read 50 files | cat 50 files",
     lambda i: ("batch_read", {"files": [{"file_path": f"many/f{n}.txt"} for n in range(FILES)]}),
     lambda i: "cat " + " ".join(f"many/f{n}.txt" for n in range(FILES))),
    ("patch 20 hunks | git apply",
     lambda i: ("patch", {"patch": patch_text("tool.txt", reverse=i % 2 == 1)}),
     lambda i: heredoc("git apply", patch_text("bash.txt", reverse=i % 2 == 1))),
    ("patch 20 hunks | patch -p1",
     lambda i: ("patch", {"patch": patch_text("tool.txt", reverse=i % 2 == 1)}),
     lambda i: heredoc("patch -s -p1", patch_text("bash.txt", reverse=i % 2 == 1))),
    ("multi_edit 5 edits | sed -i (5)",
     lambda i: ("multi_edit", {"file_path": "tool.txt", "edits": [
         {"old_string": f"line {n} of the file\n", "new_string": f"line {n} of the file{'' if i % 2 else ' (e)'}\n"}
         if i % 2 == 0 else
         {"old_string": f"line {n} of the file (e)\n", "new_string": f"line {n} of the file\n"}
         for n in (2, 100, 200, 300, 399)]}),
     lambda i: "sed -i " + " ".join(
         f"-e 's/^line {n} of the file$/line {n} of the file (e)/'" if i % 2 == 0 else
         f"-e 's/^line {n} of the file (e)$/line {n} of the file/'" for n in (2, 100, 200, 300, 399)) + " bash.txt"),
    ("git_status | git status --porcelain",
     lambda i: ("git_status", {"repository": "repo"}),
     lambda i: "git -C repo status --porcelain"),
    ("git_diff | git diff --stat -p",
     lambda i: ("git_diff", {"repository": "repo"}),
     lambda i: "git -C repo diff --stat -p"),
    ("git_log 20 | git log -20",
     lambda i: ("git_log", {"repository": "repo", "max_count": 20}),
     lambda i: "git -C repo log -20 --format='%H %aI %an %s'"),
]


async def _call(session: McpSession, tool: str, args: dict[str, Any]) -> None:
    answer = await session.request("tools/call", {"name": tool, "arguments": args})
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, dict) or result.get("isError"):
        raise SystemExit(f"{tool} {str(args)[:200]} failed: {str(answer)[:2000]}")


async def _setup(session: McpSession) -> None:
    text = "".join(f"line {n} of the file\n" for n in range(1, PATCHED_LINES + 1))
    for name in ("tool.txt", "bash.txt"):
        await _call(session, "write", {"file_path": name, "content": text})
    for n in range(FILES):
        await _call(session, "write", {"file_path": f"many/f{n}.txt",
                                       "content": "".join(f"file {n} line {k}\n" for k in range(50))})
    # (in a subshell: a bash call's cd would stay with the session)
    await _call(session, "bash", {"command": (
        f"(mkdir repo && cd repo && git init -q && for k in $(seq 30); do seq $k 100 > f$((k % 5)).txt; "
        f"{GIT} add -A; {GIT} commit -qm \"commit $k\"; done && "
        "for k in 1 2 3; do echo changed >> f$k.txt; done && echo new > untracked.txt)")})


def _side(samples: list[float], cpu: float) -> dict[str, float | None]:
    samples.sort()
    return {"p50_ms": percentile(samples, 50), "p99_ms": percentile(samples, 99),
            "cpu_ms_per_call": cpu / len(samples) * 1000}


async def measure(calls: int, extra_args: list[str], only: list[str] | None = None) -> list[dict[str, Any]]:
    gateway = GatewayProcess(1, ["--spare-workers", "0", "--no-mcp-servers", *extra_args])
    url = await gateway.start()
    rows: list[dict[str, Any]] = []
    try:
        async with await McpSession.open(url) as session:
            await _setup(session)
            for name, tool_call, bash_command in SCENARIOS:
                if only and not any(o in name for o in only):
                    continue
                times: dict[str, list[float]] = {"tool": [], "bash": []}
                cpu = {"tool": 0.0, "bash": 0.0}
                load_before = os.getloadavg()[0]
                for n in range(WARMUP + calls):
                    for side in ("tool", "bash"):
                        tool, args = tool_call(n) if side == "tool" else ("bash", {"command": bash_command(n)})
                        cpu_before = tree_cpu_seconds(gateway.pid)
                        started = time.perf_counter()
                        await _call(session, tool, args)
                        took = time.perf_counter() - started
                        if n >= WARMUP:
                            times[side].append(took * 1000)
                            cpu[side] += tree_cpu_seconds(gateway.pid) - cpu_before
                rows.append({"scenario": name, "tool": _side(times["tool"], cpu["tool"]),
                             "bash": _side(times["bash"], cpu["bash"]),
                             "load": [round(load_before, 1), round(os.getloadavg()[0], 1)]})
    finally:
        await gateway.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.edit_git_calls",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=100, help="timed calls per side and scenario (default 100)")
    parser.add_argument("--only", action="append", help="only scenarios whose name contains this (repeatable)")
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    parser.add_argument("gateway_args", nargs="*", help="extra gateway flags (after --)")
    opts = parser.parse_args(argv)
    # an even count: the edits alternate forward and back, so each scenario leaves its files as it found them
    rows = asyncio.run(measure(opts.calls + opts.calls % 2, opts.gateway_args, opts.only))
    width = max(len(r["scenario"]) for r in rows)
    print(f"{'tool | bash':<{width}}  {'p50 tool':>9}  {'p50 bash':>9}  {'p99 tool':>9}  {'p99 bash':>9}  "
          f"{'CPU tool':>9}  {'CPU bash':>9}  load")
    for r in rows:
        t, b = r["tool"], r["bash"]
        print(f"{r['scenario']:<{width}}  {t['p50_ms']:>6.2f} ms  {b['p50_ms']:>6.2f} ms  {t['p99_ms']:>6.2f} ms  "
              f"{b['p99_ms']:>6.2f} ms  {t['cpu_ms_per_call']:>6.2f} ms  {b['cpu_ms_per_call']:>6.2f} ms  "
              f"{r['load'][0]}-{r['load'][1]}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
