"""The terminal tools next to doing the same through ``bash``: ``python -m benchmarks.terminal_calls``.

Starts a gateway with one worker (``--spare-workers 0``; started as root it runs tools as ``nobody``,
as the other tool benchmarks do), then for each scenario runs one interaction through the terminal
tools and its ``bash`` equivalent in turn, ``--calls`` times after a warm-up, so both sides see the
same machine load (with an untimed pause of ``PAUSE`` before each).  An interaction is every MCP call
it takes (a terminal's is start + send + read + close, or send + read on a REPL that is already
running); it prints p50 and p99 of the whole interaction, the CPU of the gateway's process tree per
interaction, the load average before and after, and the p50 of each call by tool.

A scenario that starts a program on every interaction also times that program alone, without the
gateway (skipped with ``--no-alone``): on a pty of this process and through a pipe, as the tool user
with an empty home, so the program's own start-up cost (an interactive ``python3`` starts slower than
``python3 -c``) is told apart from the tools'.  Its CPU is printed too because the tree's count misses
it: a program killed by ``terminal_close`` is reaped inside its pid namespace, which dies with it, so no
process of the tree adds its CPU to its children's.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import pty
import resource
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

from benchmarks.client import McpSession
from benchmarks.procs import GatewayProcess, tree_cpu_seconds
from benchmarks.stats import percentile

__all__ = ["SCENARIOS", "main", "measure"]

WARMUP = 5
# Untimed pause before each interaction: what the previous one left to do (a closed terminal's namespace torn
# down, a warm shell replaced) finishes first instead of landing in the next interaction's time.
PAUSE = 0.05


# Each call's round trip by tool, for the per-call line of a scenario (cleared as its timed part starts)
_CALL_MS: dict[str, list[float]] = collections.defaultdict(list)


async def _call(session: McpSession, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    began = time.perf_counter()
    answer = await session.request("tools/call", {"name": tool, "arguments": args})
    _CALL_MS[tool].append((time.perf_counter() - began) * 1000)
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, dict) or result.get("isError"):
        raise SystemExit(f"{tool} {str(args)[:200]} failed: {str(answer)[:2000]}")
    return result


async def _round_trip(session: McpSession, terminal_id: str, line: str, expect: str) -> None:
    await _call(session, "terminal_send", {"terminal_id": terminal_id, "text": line, "keys": ["Enter"]})
    read = await _call(session, "terminal_read", {"terminal_id": terminal_id, "wait_for": expect, "max_bytes": 0})
    if not read["structuredContent"]["matched"]:
        raise SystemExit(f"{expect!r} never appeared: {read['content'][0]['text'][-500:]}")


class Scenario:
    """One interaction through the terminal tools, and the bash call that does the same work."""

    def __init__(self, name: str, command: str | None,
                 tool: Callable[[McpSession, str | None, int], Awaitable[None]],
                 bash: Callable[[int], str], alone: tuple[list[str], bytes, list[str]] | None = None) -> None:
        self.name = name
        self.command = command  # a terminal started once for the scenario (None: each interaction starts one)
        self.tool = tool
        self.bash = bash
        # (argv on a pty, what is typed into it, argv on a pipe): the programs without the gateway
        self.alone = alone


async def _fresh_repl(session: McpSession, _terminal: str | None, i: int) -> None:
    started = await _call(session, "terminal_start", {"command": "python3 -q", "cols": 80, "rows": 24})
    terminal_id = started["structuredContent"]["terminal_id"]
    await _round_trip(session, terminal_id, f"print('r%d' % (6 * 7 + {i}))", f"r{42 + i}")
    await _call(session, "terminal_close", {"terminal_id": terminal_id})


async def _warm(session: McpSession, terminal: str | None, i: int) -> None:
    assert terminal is not None
    await _round_trip(session, terminal, f"print('r%d' % (6 * 7 + {i}))", f"r{42 + i}")


async def _warm_shell(session: McpSession, terminal: str | None, i: int) -> None:
    assert terminal is not None
    await _round_trip(session, terminal, f"echo r$((6 * 7 + {i}))", f"r{42 + i}")


SCENARIOS = [
    Scenario("start + send + read + close python3 REPL | python3 -c", None, _fresh_repl,
             lambda i: f"python3 -c \"print('r%d' % (6 * 7 + {i}))\"",
             (["python3", "-q"], b"print('r%d' % (6 * 7))\r", ["python3", "-c", "print('r%d' % (6 * 7))"])),
    Scenario("send + read, python3 REPL running | python3 -c", "python3 -q", _warm,
             lambda i: f"python3 -c \"print('r%d' % (6 * 7 + {i}))\""),
    Scenario("send + read, bash on a terminal | bash echo", "bash --norc --noprofile", _warm_shell,
             lambda i: f"echo r$((6 * 7 + {i}))"),
]


def _as_tool_user() -> dict[str, Any]:
    """Popen arguments that run a program as the gateway runs tools: ``nobody`` when started as root."""
    if os.geteuid() != 0:
        return {}
    return {"user": "nobody", "group": "nogroup", "extra_groups": []}


def _alone_ms(pty_argv: list[str], typed: bytes, pipe_argv: list[str], runs: int) -> dict[str, float | None]:
    """p50 of the two programs alone, spawned on a fresh pty until ``r42`` is echoed back and on a pipe, and
    their CPU per run (the pty's program is killed once it answered, as ``terminal_close`` kills it)."""
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    times: dict[str, list[float]] = {"pty_ms": [], "pipe_ms": []}
    cpu = {"pty_cpu_ms": 0.0, "pipe_cpu_ms": 0.0}
    with tempfile.TemporaryDirectory() as home:
        os.chmod(home, 0o777)
        env = {"PATH": path, "HOME": home, "TERM": "xterm-256color", "LC_CTYPE": "C.UTF-8"}
        argv0 = shutil.which(pty_argv[0], path=path) or pty_argv[0]
        for n in range(WARMUP + runs):
            master, slave = pty.openpty()
            cpu_before = _children_cpu()
            began = time.perf_counter()
            proc = subprocess.Popen([argv0, *pty_argv[1:]], stdin=slave, stdout=slave, stderr=slave, env=env,
                                    cwd=home, start_new_session=True, **_as_tool_user())
            os.close(slave)
            os.write(master, typed)
            seen = b""
            while b"r42\r\n" not in seen and time.perf_counter() - began < 10:
                if select.select([master], [], [], 1)[0]:
                    try:
                        seen += os.read(master, 65536)
                    except OSError:  # EIO: the program is gone
                        break
            took = time.perf_counter() - began
            proc.kill()
            proc.wait()
            os.close(master)
            pty_cpu = _children_cpu() - cpu_before
            began = time.perf_counter()
            subprocess.run([argv0, *pipe_argv[1:]], stdout=subprocess.PIPE, env=env, cwd=home, check=True,
                           **_as_tool_user())
            if n >= WARMUP:
                times["pty_ms"].append(took * 1000)
                times["pipe_ms"].append((time.perf_counter() - began) * 1000)
                cpu["pty_cpu_ms"] += pty_cpu * 1000 / runs
                cpu["pipe_cpu_ms"] += (_children_cpu() - cpu_before - pty_cpu) * 1000 / runs
    return {**{side: percentile(sorted(samples), 50) for side, samples in times.items()}, **cpu}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _side(samples: list[float], cpu: float) -> dict[str, float | None]:
    samples.sort()
    return {"p50_ms": percentile(samples, 50), "p99_ms": percentile(samples, 99),
            "cpu_ms_per_call": cpu / len(samples) * 1000}


async def measure(
    calls: int, extra_args: list[str], only: list[str] | None = None, alone: bool = True
) -> list[dict[str, Any]]:
    gateway = GatewayProcess(1, ["--spare-workers", "0", "--no-mcp-servers", *extra_args])
    url = await gateway.start()
    rows: list[dict[str, Any]] = []
    try:
        async with await McpSession.open(url) as session:
            for scenario in SCENARIOS:
                if only and not any(o in scenario.name for o in only):
                    continue
                terminal = None
                if scenario.command is not None:
                    started = await _call(session, "terminal_start", {"command": scenario.command})
                    terminal = started["structuredContent"]["terminal_id"]
                times: dict[str, list[float]] = {"tool": [], "bash": []}
                cpu = {"tool": 0.0, "bash": 0.0}
                load_before = os.getloadavg()[0]
                for n in range(WARMUP + calls):
                    if n == WARMUP:
                        _CALL_MS.clear()
                    for side in ("tool", "bash"):
                        await asyncio.sleep(PAUSE)
                        cpu_before = tree_cpu_seconds(gateway.pid)
                        began = time.perf_counter()
                        if side == "tool":
                            await scenario.tool(session, terminal, n)
                        else:
                            await _call(session, "bash", {"command": scenario.bash(n)})
                        took = time.perf_counter() - began
                        if n >= WARMUP:
                            times[side].append(took * 1000)
                            cpu[side] += tree_cpu_seconds(gateway.pid) - cpu_before
                per_call = {tool: percentile(sorted(ms), 50) for tool, ms in _CALL_MS.items()}
                if terminal is not None:
                    await _call(session, "terminal_close", {"terminal_id": terminal})
                row = {"scenario": scenario.name, "tool": _side(times["tool"], cpu["tool"]),
                       "bash": _side(times["bash"], cpu["bash"]),
                       "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
                       "per_call_p50_ms": per_call}
                if alone and scenario.alone is not None:
                    row["alone"] = await asyncio.to_thread(_alone_ms, *scenario.alone, min(calls, 30))
                rows.append(row)
    finally:
        await gateway.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.terminal_calls",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=50, help="timed interactions per side and scenario (default 50)")
    parser.add_argument("--only", action="append", help="only scenarios whose name contains this (repeatable)")
    parser.add_argument("--no-alone", action="store_true", help="skip timing the programs without the gateway")
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    parser.add_argument("gateway_args", nargs="*", help="extra gateway flags (after --)")
    opts = parser.parse_args(argv)
    rows = asyncio.run(measure(opts.calls, opts.gateway_args, opts.only, not opts.no_alone))
    width = max(len(r["scenario"]) for r in rows)
    print(f"{'terminal | bash':<{width}}  {'p50 term':>9}  {'p50 bash':>9}  {'p99 term':>9}  {'p99 bash':>9}  "
          f"{'CPU term':>9}  {'CPU bash':>9}  load")
    for r in rows:
        t, b = r["tool"], r["bash"]
        print(f"{r['scenario']:<{width}}  {t['p50_ms']:>6.2f} ms  {b['p50_ms']:>6.2f} ms  {t['p99_ms']:>6.2f} ms  "
              f"{b['p99_ms']:>6.2f} ms  {t['cpu_ms_per_call']:>6.2f} ms  {b['cpu_ms_per_call']:>6.2f} ms  "
              f"{r['load'][0]}-{r['load'][1]}")
        per_call = ", ".join(f"{tool} {ms:.2f}" for tool, ms in r["per_call_p50_ms"].items())
        print(f"  each call, p50 ms: {per_call}")
        if "alone" in r:
            a = r["alone"]
            print(f"{'  the programs alone, no gateway (pty | pipe)':<{width}}  {a['pty_ms']:>6.2f} ms  "
                  f"{a['pipe_ms']:>6.2f} ms  {'':>9}  {'':>9}  {a['pty_cpu_ms']:>6.2f} ms  {a['pipe_cpu_ms']:>6.2f} ms")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
