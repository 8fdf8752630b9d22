"""Per-call cost of the file tools through a real gateway: ``python -m benchmarks.file_calls [--calls N]``.

Starts a gateway with one worker (``--spare-workers 0``; started as root it runs tools as ``nobody``,
``--run-as auto``, the workspace being traversable), makes a small tree with the ``write`` tool, then
times ``--calls`` sequential calls of each file tool on small inputs (what an agent does most) and
prints p50 and p99 latency and the CPU of the gateway's whole process tree per call (gateway, worker,
file helper, rg, from /proc).  It speaks only MCP, so the same script measures any commit: run it from
two checkouts in turn to compare them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from benchmarks.client import McpSession
from benchmarks.procs import GatewayProcess, tree_cpu_seconds
from benchmarks.stats import percentile

__all__ = ["SCENARIOS", "main", "measure"]

WARMUP = 20
_SMALL = "".join(f"line {i}: alpha beta gamma{' needle' if i == 25 else ''}\n" for i in range(50))

# (name, tool, arguments; "{i}" in a string is replaced by the call's number)
SCENARIOS: list[tuple[str, str, dict[str, Any]]] = [
    ("read 50 lines", "read", {"file_path": "small.txt"}),
    ("write 1 KiB (replace)", "write", {"file_path": "out.txt", "content": "x" * 1023 + "\n"}),
    ("append a line", "write", {"file_path": "log.txt", "content": "line {i}\n", "mode": "append"}),
    ("edit one line", "edit", {"file_path": "edit.txt", "old_string": "value = {prev}", "new_string": "value = {i}"}),
    ("list 20 entries", "list", {"path": "tree"}),
    ("glob **/*.py", "glob", {"pattern": "**/*.py", "path": "tree"}),
    ("grep a file", "grep", {"pattern": "needle", "path": "small.txt"}),
    ("grep 20 files", "grep", {"pattern": "needle", "path": "tree"}),
]


def _fill(value: Any, i: int) -> Any:
    if isinstance(value, str):
        return value.replace("{i}", str(i)).replace("{prev}", str(i - 1))
    return value


async def _call(session: McpSession, tool: str, args: dict[str, Any]) -> None:
    answer = await session.request("tools/call", {"name": tool, "arguments": args})
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, dict) or result.get("isError"):
        raise SystemExit(f"{tool} {args} failed: {answer}")


async def measure(calls: int, extra_args: list[str]) -> list[dict[str, Any]]:
    gateway = GatewayProcess(1, ["--spare-workers", "0", "--no-mcp-servers", *extra_args])
    url = await gateway.start()
    rows: list[dict[str, Any]] = []
    try:
        async with await McpSession.open(url) as session:
            await _call(session, "write", {"file_path": "small.txt", "content": _SMALL})
            for n in range(20):
                await _call(session, "write", {"file_path": f"tree/m{n % 4}/f{n}.py", "content": _SMALL})
            counter = 0
            await _call(session, "write", {"file_path": "edit.txt", "content": "a = 1\nvalue = 0\nb = 2\n"})
            for name, tool, args in SCENARIOS:
                samples: list[float] = []
                cpu_before = 0.0
                for n in range(WARMUP + calls):
                    if n == WARMUP:
                        cpu_before = tree_cpu_seconds(gateway.pid)
                    counter += 1 if tool == "edit" else 0
                    filled = {k: _fill(v, counter if tool == "edit" else n) for k, v in args.items()}
                    started = time.perf_counter()
                    await _call(session, tool, filled)
                    if n >= WARMUP:
                        samples.append((time.perf_counter() - started) * 1000)
                cpu = (tree_cpu_seconds(gateway.pid) - cpu_before) / calls * 1000
                samples.sort()
                rows.append({"scenario": name, "p50_ms": percentile(samples, 50), "p99_ms": percentile(samples, 99),
                             "cpu_ms_per_call": cpu})
    finally:
        await gateway.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.file_calls", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300, help="timed calls per scenario (default 300)")
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    parser.add_argument("gateway_args", nargs="*", help="extra gateway flags (after --)")
    opts = parser.parse_args(argv)
    rows = asyncio.run(measure(opts.calls, opts.gateway_args))
    width = max(len(r["scenario"]) for r in rows)
    print(f"{'scenario':<{width}}  {'p50':>9}  {'p99':>9}  {'CPU/call':>9}")
    for r in rows:
        print(f"{r['scenario']:<{width}}  {r['p50_ms']:>6.2f} ms  {r['p99_ms']:>6.2f} ms  "
              f"{r['cpu_ms_per_call']:>6.2f} ms")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
