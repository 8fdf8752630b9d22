"""Two gateways side by side, measured in alternating blocks so both see the same machine load
(``python -m benchmarks.transport_ab --base-dir DIR``): the gateway of another checkout (DIR, e.g. the
commit before Streamable HTTP) over WebSocket, and this checkout's over WebSocket and over Streamable HTTP.

Each block is BLOCK sequential ``echo hi`` calls on one session; blocks rotate over the three targets
ROUNDS times.  Reported per target: the median of the blocks' p50, the median of the blocks' calls/s
(sequential: 1 / mean latency), and the gateway process's own CPU per call (its utime + stime, not the
workers'), which is far less sensitive to other load on the machine than latency is; then, for each
target against the first, the median of the per-round ratios (adjacent blocks share the machine's load).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uvloop

from benchmarks.client import HttpMcpSession, McpSession, open_session

ROOT = Path(__file__).resolve().parent.parent
_LISTEN = re.compile(r"listening on ws://([^/]+):(\d+)/mcp")


def _start(checkout: Path, workspace: str, workers: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "gateway", "--port", "0", "--workspace", workspace,
                             "--workers", str(workers), "--no-auth", "--log-level", "WARNING"],
                            cwd=checkout, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        match = _LISTEN.search(line)
        if match:
            return proc, f"ws://{match.group(1)}:{match.group(2)}/mcp"
    raise RuntimeError(f"the gateway in {checkout} did not start")


def _cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _block(sessions: list[McpSession | HttpMcpSession], depth: int, pid: int,
                 calls: int) -> dict[str, float]:
    """``calls`` calls over ``depth`` lanes per session (one lane, one session: sequential)."""
    latencies: list[float] = []
    remaining = calls

    async def lane(session: McpSession | HttpMcpSession) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            outcome = await session.bash("echo hi", 5, answer_timeout=30)
            assert outcome.ok, outcome
            latencies.append(outcome.latency_ms)

    cpu = _cpu(pid)
    started = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for session in sessions:
            for _ in range(depth):
                group.create_task(lane(session))
    wall = time.perf_counter() - started
    return {"p50": statistics.median(latencies), "calls_s": calls / wall,
            "cpu_us": (_cpu(pid) - cpu) / calls * 1e6}


async def _run(targets: dict[str, tuple[str, str, int]], rounds: int, block: int, sessions_each: int,
               depth: int) -> dict[str, list[dict[str, float]]]:
    sessions = {name: [await open_session(url, None, transport) for _ in range(sessions_each)]
                for name, (url, transport, _) in targets.items()}
    try:
        for name, group in sessions.items():  # warm-up: shells, caches, lazily built state
            await _block(group, depth, targets[name][2], 100)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        for _ in range(rounds):
            for name, group in sessions.items():
                results[name].append(await _block(group, depth, targets[name][2], block))
        return results
    finally:
        for group in sessions.values():
            for session in group:
                await session.close()


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.transport_ab", description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-dir", required=True, help="a checkout of the gateway to compare with")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--block", type=int, default=300, help="calls per block")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--sessions", type=int, default=1, help="sessions per target (16 for throughput's shape)")
    ap.add_argument("--depth", type=int, default=1, help="calls in flight per session (4 for throughput's)")
    args = ap.parse_args()
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            base, base_url = _start(Path(args.base_dir), f"{tmp}/base", args.workers)
            procs.append(base)
            new, new_url = _start(ROOT, f"{tmp}/new", args.workers)
            procs.append(new)
            time.sleep(2)  # workers booted
            targets = {"base websocket": (base_url, "websocket", base.pid),
                       "websocket": (new_url, "websocket", new.pid),
                       "streamable http": (new_url, "http", new.pid)}
            results = uvloop.run(_run(targets, args.rounds, args.block, args.sessions, args.depth))
        finally:
            for proc in procs:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(30)
    load = os.getloadavg()[0]
    shape = "sequential" if args.sessions * args.depth == 1 else f"{args.sessions} sessions x {args.depth} in flight"
    print(f"{args.rounds} rounds x {args.block} `echo hi` calls ({shape}) per target, load {load:.1f} at the end")
    print(f"{'target':16} {'p50 ms':>8} {'calls/s':>8} {'gateway CPU µs/call':>20}   (median of blocks; range)")
    for name, blocks in results.items():
        cells = []
        for key in ("p50", "calls_s", "cpu_us"):
            values = [b[key] for b in blocks]
            cells.append(f"{statistics.median(values):8.3f} ({min(values):.2f}-{max(values):.2f})")
        print(f"{name:16} " + "  ".join(cells))
    # Blocks next to each other saw the same load: the median of per-round ratios is the fairer comparison.
    first = next(iter(results))
    for name, blocks in list(results.items())[1:]:
        pairs = list(zip(results[first], blocks, strict=True))
        ratios = [f"{key} {statistics.median(b[key] / a[key] for a, b in pairs):.3f}x"
                  for key in ("p50", "calls_s", "cpu_us")]
        print(f"{name} / {first}, median of per-round ratios: " + ", ".join(ratios))


if __name__ == "__main__":
    main()
