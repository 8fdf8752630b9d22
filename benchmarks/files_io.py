"""Files in and out next to doing the same through ``bash``: ``python -m benchmarks.files_io``.

Starts a gateway with one worker (``--spare-workers 0``; started as root it runs tools as ``nobody``,
as benchmarks/file_calls.py does) and ``--max-output-bytes 4 MiB`` (so that ``base64`` through
``bash`` can return a whole 1 MiB file), then:

- **per call**, tool and bash alternating call by call after a warm-up (both see the same load):
  ``download`` of a file (embedded blob) vs ``base64 FILE``; ``upload`` vs ``base64 -d > FILE`` with
  the same base64 in a heredoc; ``resources/read`` vs ``cat``; ``resources/list`` (a page of 100) vs
  ``find -type f | sort | head -100``.  p50 and p99 latency, CPU of the gateway's tree per call.
- **throughput** of ``GET`` and ``PUT /files/<path>`` of a 1 GiB file with curl (MB/s over the whole
  request, a PUT's fsync included), alternating round by round with what the same bytes cost a
  ``bash`` call inside the sandbox: ``cat FILE > /dev/null`` (reading it) and ``cat FILE > COPY &&
  sync COPY`` (writing it, fsynced); and ``GET DIR?archive=tar.gz`` vs ``tar czf - DIR > /dev/null``.

Prints each with the load average before and after.  It speaks only MCP and HTTP, so the same script
measures any commit.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.client import McpSession
from benchmarks.procs import GatewayProcess, tree_cpu_seconds
from benchmarks.stats import percentile

__all__ = ["main", "measure_calls", "measure_throughput"]

WARMUP = 10
MIB = 1 << 20
TOKEN = "bench-files-token"


async def _ok(session: McpSession, method: str, params: dict[str, Any]) -> Any:
    answer = await session.request(method, params)
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, dict) or result.get("isError"):
        raise SystemExit(f"{method} {str(params)[:200]} failed: {str(answer)[:1000]}")
    return result


def _scenarios(one_mib_b64: str, small_b64: str) -> list[tuple[str, Any, Any]]:
    heredoc = "base64 -d > {name} <<'EOF'\n{data}\nEOF"
    return [
        ("download 1 MiB | base64 FILE",
         ("tools/call", {"name": "download", "arguments": {"file_path": "one.bin"}}),
         "base64 -w0 one.bin"),
        ("download 64 KiB | base64 FILE",
         ("tools/call", {"name": "download", "arguments": {"file_path": "small.bin"}}),
         "base64 -w0 small.bin"),
        ("upload 1 MiB | base64 -d > FILE",
         ("tools/call", {"name": "upload", "arguments": {"file_path": "up.bin", "content": one_mib_b64}}),
         heredoc.format(name="up-bash.bin", data=one_mib_b64)),
        ("upload 64 KiB | base64 -d > FILE",
         ("tools/call", {"name": "upload", "arguments": {"file_path": "up-small.bin", "content": small_b64}}),
         heredoc.format(name="up-small-bash.bin", data=small_b64)),
        ("resources/read 64 KiB text | cat",
         ("resources/read", {"uri": "file:///text.txt"}), "cat text.txt"),
        ("resources/list 100 | find | sort | head",
         ("resources/list", {}), "find tree -type f | sort | head -100"),
    ]


async def measure_calls(gateway: GatewayProcess, calls: int) -> list[dict[str, Any]]:
    one = os.urandom(MIB)
    small = os.urandom(64 * 1024)
    ws = Path(gateway.workspace)
    rows: list[dict[str, Any]] = []
    async with await McpSession.open(gateway.url, TOKEN) as session:
        await _ok(session, "tools/call", {"name": "upload", "arguments": {
            "file_path": "one.bin", "content": base64.b64encode(one).decode()}})
        await _ok(session, "tools/call", {"name": "upload", "arguments": {
            "file_path": "small.bin", "content": base64.b64encode(small).decode()}})
        await _ok(session, "tools/call", {"name": "write", "arguments": {
            "file_path": "text.txt", "content": "".join(f"line {n}: some text of a file\n" for n in range(2200))}})
        await _ok(session, "tools/call", {"name": "bash", "arguments": {
            "command": "for d in $(seq 10); do mkdir -p tree/d$d; for f in $(seq 15); do echo x > tree/d$d/f$f.txt; "
                       "done; done"}})
        assert (ws / "one.bin").stat().st_size == MIB
        for name, (method, params), bash in _scenarios(base64.b64encode(one).decode(),
                                                       base64.b64encode(small).decode()):
            times: dict[str, list[float]] = {"tool": [], "bash": []}
            cpu = {"tool": 0.0, "bash": 0.0}
            load_before = os.getloadavg()[0]
            for n in range(WARMUP + calls):
                for side in ("tool", "bash"):
                    m, p = (method, params) if side == "tool" else (
                        "tools/call", {"name": "bash", "arguments": {"command": bash}})
                    cpu_before = tree_cpu_seconds(gateway.pid)
                    started = time.perf_counter()
                    await _ok(session, m, p)
                    took = time.perf_counter() - started
                    if n >= WARMUP:
                        times[side].append(took * 1000)
                        cpu[side] += tree_cpu_seconds(gateway.pid) - cpu_before
            row: dict[str, Any] = {"scenario": name, "load": [round(load_before, 1), round(os.getloadavg()[0], 1)]}
            for side in ("tool", "bash"):
                samples = sorted(times[side])
                row[side] = {"p50_ms": percentile(samples, 50), "p99_ms": percentile(samples, 99),
                             "cpu_ms_per_call": cpu[side] / len(samples) * 1000}
            rows.append(row)
    return rows


def _make_source(path: Path, size: int) -> None:
    block = os.urandom(MIB)
    with open(path, "wb") as f:
        for _ in range(size // MIB):
            f.write(block)


def _curl(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(["curl", "-sS", "-f", "-o", "/dev/null", "-H", f"Authorization: Bearer {TOKEN}", *args],
                   check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started


async def measure_throughput(gateway: GatewayProcess, rounds: int, size: int) -> list[dict[str, Any]]:
    http = gateway.url.replace("ws://", "http://").rsplit("/mcp", 1)[0]
    source = Path(gateway.workspace).parent / f"sandbox-bench-source-{os.getpid()}.bin"
    rows: list[dict[str, Any]] = []
    try:
        await asyncio.to_thread(_make_source, source, size)  # outside the workspace: curl's side of the PUT
        async with await McpSession.open(gateway.url, TOKEN) as session:
            async def bash(command: str) -> float:
                started = time.perf_counter()
                await _ok(session, "tools/call", {"name": "bash", "arguments": {"command": command, "timeout": 600}})
                return time.perf_counter() - started

            await asyncio.to_thread(_curl, ["-T", str(source), f"{http}/files/big.bin"])
            await bash("mkdir -p tree && for n in $(seq 200); do head -c 20000 big.bin > tree/f$n.bin; "
                       "seq 2000 > tree/t$n.txt; done")
            tree_bytes = 200 * (20000 + len("".join(f"{n}\n" for n in range(1, 2001))))
            cases: list[tuple[str, Any, Any, int]] = [
                ("GET 1 GiB | cat FILE > /dev/null",
                 lambda: asyncio.to_thread(_curl, [f"{http}/files/big.bin"]),
                 lambda: bash("cat big.bin > /dev/null"), size),
                ("PUT 1 GiB | cat FILE > COPY && sync COPY",
                 lambda: asyncio.to_thread(_curl, ["-T", str(source), f"{http}/files/put.bin"]),
                 lambda: bash("cat big.bin > copy.bin && sync copy.bin"), size),
                ("GET tree?archive=tar.gz (200 files) | tar czf - tree",
                 lambda: asyncio.to_thread(_curl, [f"{http}/files/tree?archive=tar.gz"]),
                 lambda: bash("tar czf - tree > /dev/null"), tree_bytes),
            ]
            for name, tool, floor, nbytes in cases:
                seconds: dict[str, list[float]] = {"tool": [], "bash": []}
                load_before = os.getloadavg()[0]
                for _ in range(rounds + 1):  # the first round warms the page cache
                    seconds["tool"].append(await tool())
                    seconds["bash"].append(await floor())
                row: dict[str, Any] = {"scenario": name,
                                       "load": [round(load_before, 1), round(os.getloadavg()[0], 1)]}
                for side in ("tool", "bash"):
                    kept = sorted(seconds[side][1:])
                    median = kept[len(kept) // 2]
                    row[side] = {"median_s": median, "MBps": nbytes / median / 1e6, "best_MBps": nbytes / kept[0] / 1e6}
                rows.append(row)
    finally:
        source.unlink(missing_ok=True)
    return rows


async def _run(calls: int, rounds: int, size: int, extra: list[str]) -> tuple[list[Any], list[Any]]:
    gateway = GatewayProcess(1, ["--spare-workers", "0", "--no-mcp-servers", "--max-output-bytes", str(4 * MIB),
                                 *extra], token=TOKEN)
    await gateway.start()
    try:
        calls_rows = await measure_calls(gateway, calls) if calls else []
        throughput = await measure_throughput(gateway, rounds, size) if rounds else []
    finally:
        await gateway.stop()
    return calls_rows, throughput


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.files_io", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=50, help="timed calls per side and scenario (0: skip)")
    parser.add_argument("--rounds", type=int, default=3, help="timed transfers per side and case (0: skip)")
    parser.add_argument("--size-mib", type=int, default=1024, help="the large file (default 1024 MiB)")
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    parser.add_argument("gateway_args", nargs="*", help="extra gateway flags (after --)")
    opts = parser.parse_args(argv)
    calls, throughput = asyncio.run(_run(opts.calls, opts.rounds, opts.size_mib * MIB, opts.gateway_args))
    if calls:
        width = max(len(r["scenario"]) for r in calls)
        print(f"{'tool | bash':<{width}}  {'p50 tool':>9}  {'p50 bash':>9}  {'p99 tool':>9}  {'p99 bash':>9}  "
              f"{'CPU tool':>9}  {'CPU bash':>9}  load")
        for r in calls:
            t, b = r["tool"], r["bash"]
            print(f"{r['scenario']:<{width}}  {t['p50_ms']:>6.2f} ms  {b['p50_ms']:>6.2f} ms  {t['p99_ms']:>6.2f} ms  "
                  f"{b['p99_ms']:>6.2f} ms  {t['cpu_ms_per_call']:>6.2f} ms  {b['cpu_ms_per_call']:>6.2f} ms  "
                  f"{r['load'][0]}-{r['load'][1]}")
    if throughput:
        width = max(len(r["scenario"]) for r in throughput)
        print(f"{'transfer | bash':<{width}}  {'MB/s':>7}  {'bash MB/s':>9}  {'best':>6}  {'bash best':>9}  load")
        for r in throughput:
            t, b = r["tool"], r["bash"]
            print(f"{r['scenario']:<{width}}  {t['MBps']:>7.0f}  {b['MBps']:>9.0f}  {t['best_MBps']:>6.0f}  "
                  f"{b['best_MBps']:>9.0f}  {r['load'][0]}-{r['load'][1]}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"calls": calls, "throughput": throughput}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
