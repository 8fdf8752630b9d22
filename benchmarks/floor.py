"""The floor: the same commands spawned directly, with the fastest spawn path measured here.

Stock asyncio loop, ``asyncio.create_subprocess_exec("/bin/bash", "-c", cmd,
stdout=PIPE, stderr=STDOUT, start_new_session=True)`` (CPython uses vfork;
uvloop's spawn is ~2.5x slower, see PROCESS-NOTES).  It does the minimum any
correct executor must do: exit is detected with a pidfd (never pipe EOF, which
a detached child can hold open forever), output is read with a bounded reader,
and on timeout the whole tree is SIGKILLed.

Runs as its own process (``python -m benchmarks.floor ...``, JSON on stdout) so
it never competes with the benchmark client's event loop.  ``run_floor`` is the
client-side helper that starts one or more of them and merges their reports.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import signal
import sys
import time
from typing import Any

from benchmarks.procs import kill_tree, poll_until, proc_status_kb

__all__ = ["merge_reports", "run_floor"]

DRAIN_TIMEOUT = 0.05  # after the shell exits, how long leftovers may still write


async def _read_bounded(stream: asyncio.StreamReader, max_output: int) -> tuple[int, bytes]:
    total = 0
    kept = bytearray()
    while chunk := await stream.read(1 << 16):
        total += len(chunk)
        if len(kept) < max_output:
            kept += chunk[: max_output - len(kept)]
    return total, bytes(kept)


# processes whose exit asyncio's child watcher has not reported yet; ``run_many`` waits for
# them before the loop closes (otherwise the watcher thread complains to a closed loop)
_unreaped: set[asyncio.subprocess.Process] = set()


async def run_one(command: str, call_timeout: float, max_output: int) -> dict[str, Any]:
    """Run one command; returns latency, whether it timed out, and how much output it wrote."""
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        "/bin/bash", "-c", command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        stdin=asyncio.subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    assert proc.stdout is not None
    _unreaped.add(proc)
    exited: asyncio.Future[None] = loop.create_future()

    def mark_exited() -> None:
        if not exited.done():
            exited.set_result(None)

    pidfd: int | None
    try:
        pidfd = os.pidfd_open(proc.pid)
    except ProcessLookupError:  # already exited and reaped by asyncio's child watcher thread
        pidfd = None
        exited.set_result(None)
    else:
        loop.add_reader(pidfd, mark_exited)
    reader = loop.create_task(_read_bounded(proc.stdout, max_output))
    timed_out = False
    try:
        done, _ = await asyncio.wait({exited}, timeout=call_timeout)
        if not done:
            timed_out = True
            kill_tree(proc.pid)
            await exited
        drained, _ = await asyncio.wait({reader}, timeout=DRAIN_TIMEOUT)
        if not drained:  # leftovers still hold the pipe: kill what is left of the session
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if pidfd is not None:
            loop.remove_reader(pidfd)
            os.close(pidfd)
        reader.cancel()
        results = await asyncio.gather(reader, return_exceptions=True)
    latency_ms = (time.perf_counter() - started) * 1000
    total = results[0][0] if isinstance(results[0], tuple) else 0
    return {"latency_ms": latency_ms, "timed_out": timed_out, "output_bytes": total}


async def run_many(
    command: str, calls: int, concurrency: int, call_timeout: float, warmup: int, max_output: int
) -> dict[str, Any]:
    for _ in range(warmup):
        await run_one(command, call_timeout, max_output)
    remaining = calls
    latencies: list[float] = []
    late: list[float] = []
    timed_out = 0
    output_bytes = 0

    async def lane() -> None:
        nonlocal remaining, timed_out, output_bytes
        while remaining > 0:
            remaining -= 1
            result = await run_one(command, call_timeout, max_output)
            latencies.append(result["latency_ms"])
            output_bytes += result["output_bytes"]
            if result["timed_out"]:
                timed_out += 1
                late.append(result["latency_ms"] - call_timeout * 1000)

    cpu_before = _own_cpu()
    started = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, calls)):
            group.create_task(lane())
    wall = time.perf_counter() - started
    await poll_until(lambda: all(p.returncode is not None for p in _unreaped), 2.0)
    cpu = _own_cpu() - cpu_before
    return {
        "cpu_s": cpu,
        "cpu_ms_per_call": cpu * 1000 / calls if calls else None,
        "command": command,
        "calls": calls,
        "concurrency": concurrency,
        "wall_s": wall,
        "calls_per_s": calls / wall if wall > 0 else None,
        "latencies_ms": latencies,
        "timed_out": timed_out,
        "late_ms": late,
        "output_bytes": output_bytes,
        "peak_rss_kb": proc_status_kb(os.getpid(), "VmHWM"),
    }


def _own_cpu() -> float:
    """CPU seconds of this process and its reaped children (the shells it ran)."""
    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_usage.ru_utime + self_usage.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__)
    parser.add_argument("--command", required=True)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--max-output", type=int, default=1 << 20)
    args = parser.parse_args(argv)
    report = asyncio.run(
        run_many(args.command, args.calls, args.concurrency, args.timeout, args.warmup, args.max_output)
    )
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


# ---------------------------------------------------------------- client side


def merge_reports(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One report out of floor processes that ran in parallel: rates summed, samples pooled."""
    if len(reports) == 1:
        return reports[0]
    merged = dict(reports[0])
    merged["processes"] = len(reports)
    merged["calls"] = sum(r["calls"] for r in reports)
    merged["wall_s"] = max(r["wall_s"] for r in reports)
    merged["calls_per_s"] = sum(r["calls_per_s"] or 0 for r in reports)
    merged["latencies_ms"] = [x for r in reports for x in r["latencies_ms"]]
    merged["late_ms"] = [x for r in reports for x in r["late_ms"]]
    merged["timed_out"] = sum(r["timed_out"] for r in reports)
    merged["output_bytes"] = sum(r["output_bytes"] for r in reports)
    merged["cpu_s"] = sum(r["cpu_s"] for r in reports)
    merged["cpu_ms_per_call"] = merged["cpu_s"] * 1000 / merged["calls"] if merged["calls"] else None
    merged["peak_rss_kb"] = max((r["peak_rss_kb"] or 0) for r in reports)
    return merged


async def run_floor(
    command: str,
    *,
    calls: int,
    concurrency: int = 1,
    call_timeout: float = 30.0,
    warmup: int = 0,
    max_output: int = 1 << 20,
    processes: int = 1,
) -> dict[str, Any]:
    """Start ``processes`` floor processes at once, each doing ``calls``; merge their reports."""
    argv = [
        sys.executable, "-m", "benchmarks.floor",
        "--command", command,
        "--calls", str(calls),
        "--concurrency", str(concurrency),
        "--timeout", str(call_timeout),
        "--warmup", str(warmup),
        "--max-output", str(max_output),
    ]  # fmt: skip

    async def one() -> dict[str, Any]:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL
        )
        try:
            out, _ = await proc.communicate()
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            raise
        if proc.returncode != 0:
            raise RuntimeError(f"floor process failed with exit code {proc.returncode}")
        return json.loads(out)

    reports = await asyncio.gather(*(one() for _ in range(processes)))
    return merge_reports(list(reports))


if __name__ == "__main__":
    main()
