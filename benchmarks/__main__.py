"""sandbox-bench: ``python -m benchmarks [SCENARIO ...] (--url URL | --spawn) [...]``.

For each selected scenario the runner measures the floor first (in a separate
process, with no gateway running), then the gateway: with ``--spawn`` a fresh
gateway per scenario (so one scenario's killed workers or bloated memory do
not leak into the next), started with the scenario's own flags and stopped
with SIGTERM afterwards; with ``--url`` the gateway already running there.
Results go to stdout as a table, to ``--json`` as a document, to ``--chart``
as a PNG.  Exit status 1 when a scenario failed to run (not when it is slow).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shlex
import sys
import time
from typing import Any

from benchmarks.client import TRANSPORTS, fetch_json
from benchmarks.procs import GatewayProcess, raise_fd_limit
from benchmarks.report import chart_missing, format_table, machine_info, render_chart, write_json
from benchmarks.scenarios import SCENARIOS, Row, Scenario, Target, wait_pool_ready, wait_settled
from benchmarks.stats import summarize

__all__ = ["main"]

POOL_READY_TIMEOUT = 60.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="sandbox-bench",
        description="Load and failure benchmarks for sandbox-gateway, each side by side with the floor "
        "(the same command spawned directly).",
        epilog="scenarios: " + "; ".join(f"{s.name}: {s.description}" for s in SCENARIOS.values()),
    )
    parser.add_argument(
        "scenarios", nargs="*", metavar="SCENARIO", help=f"any of {', '.join(SCENARIOS)} (default: all)"
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="benchmark the gateway at ws://HOST:PORT/mcp")
    where.add_argument(
        "--spawn", action="store_true", help="start a gateway per scenario (python -m gateway)"
    )
    parser.add_argument("--token", help="bearer token (with --spawn: also given to the gateway)")
    parser.add_argument("--workers", type=int, default=2, help="workers of a spawned gateway (default 2)")
    parser.add_argument(
        "--max-calls-per-worker",
        type=int,
        default=None,
        help="calls one worker runs at once (default 32); passed to a spawned gateway when given",
    )
    parser.add_argument(
        "--gateway-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra argument for a spawned gateway",
    )
    parser.add_argument(
        "--gateway-command",
        metavar="CMD",
        help="how --spawn starts the gateway (default: the running python -m gateway)",
    )
    parser.add_argument("--json", metavar="OUT", help="write the results as JSON")
    parser.add_argument("--chart", metavar="OUT.png",
                        help="render a PNG chart: a panel per scenario, gateway beside floor (needs matplotlib: "
                        "the 'bench' extra, pip install 'sandbox-gateway[bench]')")
    parser.add_argument("--quick", action="store_true", help="a tiny run of every scenario (smoke test)")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    parser.add_argument("--no-uvloop", action="store_true", help="run the client on the stock asyncio loop")
    parser.add_argument("--transport", choices=TRANSPORTS, default="websocket",
                        help="how the client reaches the gateway: WebSocket at ws://HOST:PORT/mcp, or 'http': MCP "
                        "Streamable HTTP at http://HOST:PORT/mcp (default %(default)s)")
    args = parser.parse_args(argv)
    # Checked before the run, not after minutes of it.
    if args.chart and (missing := chart_missing()):
        parser.exit(2, f"sandbox-bench: {missing}\n")
    for flag, out in (("--chart", args.chart), ("--json", args.json)):
        parent = os.path.dirname(os.path.abspath(out)) if out else None
        if parent is not None and not os.access(parent, os.W_OK):
            parser.exit(2, f"sandbox-bench: {flag} {out}: cannot write to {parent} (create it, or choose another "
                           "path)\n")
    unknown = [s for s in args.scenarios if s not in SCENARIOS and s != "all"]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    if not args.scenarios or "all" in args.scenarios:
        args.scenarios = list(SCENARIOS)
    if args.progress is None:
        args.progress = sys.stderr.isatty()
    return args


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def _run_gateway_side(
    scenario: Scenario, args: argparse.Namespace, result: dict[str, Any]
) -> dict[str, Any]:
    max_calls = args.max_calls_per_worker or 32
    if not args.spawn:
        status = await fetch_json(args.url, "/status", args.token)
        target = Target(
            args.url, args.token, None, len(status.get("workers") or []) or None, max_calls, args.progress,
            args.transport,
        )
        result["pool_ready_s"] = await wait_pool_ready(target, POOL_READY_TIMEOUT)
        return await scenario.gateway(target, args.quick)

    extra = scenario.gateway_args(args.quick) + list(args.gateway_arg)
    if args.max_calls_per_worker is not None:
        extra += ["--max-calls-per-worker", str(args.max_calls_per_worker)]
    command = shlex.split(args.gateway_command) if args.gateway_command else None
    gateway = GatewayProcess(args.workers, extra, token=args.token, command=command)
    process_info: dict[str, Any] = {"argv": gateway.argv[1:]}
    result["gateway_process"] = process_info
    started = time.perf_counter()
    await gateway.start()
    process_info["listening_s"] = time.perf_counter() - started
    target = Target(gateway.url, args.token, gateway, args.workers, max_calls, args.progress, args.transport)
    worker_pids: list[int] = []
    try:
        process_info["pool_ready_s"] = await wait_pool_ready(target, POOL_READY_TIMEOUT)
        if not args.quick:
            process_info["settled_s"] = await wait_settled(gateway.pid)
        return await scenario.gateway(target, args.quick)
    except BaseException:
        process_info["log_tail"] = gateway.log_tail()
        raise
    finally:
        with contextlib.suppress(Exception):
            status = await fetch_json(gateway.url, "/status", args.token)
            worker_pids = [int(w["pid"]) for w in status.get("workers") or [] if w.get("pid")]
        leftovers = await gateway.stop(worker_pids=worker_pids)
        process_info.update(stop_s=gateway.stop_seconds, exit_code=gateway.exit_code, leftover_pids=leftovers)
        notes = result.setdefault("notes", [])
        if leftovers:
            notes.append(f"gateway left {len(leftovers)} process(es) alive after SIGTERM: {leftovers}")
        if gateway.exit_code not in (0, None):
            notes.append(f"gateway exited with status {gateway.exit_code} after SIGTERM")
        if gateway.stop_seconds is not None and gateway.stop_seconds > 10:
            notes.append(f"gateway took {gateway.stop_seconds:.1f}s to stop after SIGTERM")


async def run_scenario(scenario: Scenario, args: argparse.Namespace) -> dict[str, Any]:
    reason = scenario.skip_reason(args.spawn)
    if reason:
        return {"status": "skipped", "reason": reason}
    result: dict[str, Any] = {"status": "ok", "description": scenario.description,
                              "compared_with": scenario.compared_with}
    started = time.perf_counter()
    load = os.getloadavg()[0]
    result["loadavg_at_start"] = load
    if load > (os.cpu_count() or 1):
        # other work on the machine competes with the gateway and the floor alike; say so
        result.setdefault("notes", []).append(f"machine busy at start (load {load:.1f}): numbers are noisy")
    try:
        _say(f"== {scenario.name}: floor")
        floor = await scenario.floor(args.quick)
        samples: dict[str, list[float]] = {}
        if "latencies_ms" in floor:
            samples["floor"] = floor.pop("latencies_ms")
            floor["latency_ms"] = summarize(samples["floor"])
        if floor.get("late_ms") and isinstance(floor["late_ms"], list):
            floor["late_ms"] = summarize(floor["late_ms"])
        _say(f"== {scenario.name}: gateway")
        gateway = await _run_gateway_side(scenario, args, result)
        if "samples_ms" in gateway:
            samples["gateway"] = gateway.pop("samples_ms")
        result.setdefault("notes", []).extend(gateway.pop("notes", []))  # what the scenario says of its rows
        rows: list[Row] = scenario.rows(gateway, floor)
    except Exception as exc:
        result.update(status="error", reason=f"{type(exc).__name__}: {exc}")
        log = result.get("gateway_process", {}).get("log_tail")
        if log:
            _say(f"-- gateway stderr (tail) --\n{log}")
        return result
    finally:
        result["elapsed_s"] = time.perf_counter() - started
    result.update(
        rows=[
            {"metric": r.metric, "unit": r.unit, "gateway": r.gateway, "floor": r.floor, "ratio": r.ratio}
            for r in rows
        ],
        gateway=gateway,
        floor=floor,
        samples=samples,
    )
    return result


async def run(args: argparse.Namespace) -> int:
    nofile = raise_fd_limit()
    document: dict[str, Any] = {
        "tool": "sandbox-bench",
        "schema": 1,
        "machine": machine_info(),
        "target": {
            "url": args.url,
            "spawn": args.spawn,
            "workers": args.workers if args.spawn else None,
            "auth": bool(args.token),
            "transport": args.transport,
            "fd_limit": nofile[0],
        },
        "quick": args.quick,
        "scenarios": {},
    }
    results: dict[str, dict[str, Any]] = document["scenarios"]
    for name in args.scenarios:
        results[name] = await run_scenario(SCENARIOS[name], args)
    print(format_table(results), flush=True)
    notes = [f"{name}: {note}" for name, r in results.items() for note in r.get("notes", [])]
    if notes:
        print("\nnotes:\n" + "\n".join(f"  {n}" for n in notes), flush=True)
    if args.json:
        write_json(args.json, document)
    if args.chart:
        render_chart(args.chart, document)
    return 1 if any(r["status"] == "error" for r in results.values()) else 0


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    runner = asyncio.run
    if not args.no_uvloop:
        try:
            import uvloop
        except ImportError:
            pass
        else:
            # the client only does sockets, where uvloop is faster; the floor runs elsewhere
            runner = uvloop.run
    try:
        status = runner(run(args))
    except KeyboardInterrupt:
        # the spawned gateway was already stopped by the scenario's cleanup on cancellation
        _say("interrupted")
        status = 130
    raise SystemExit(status)


if __name__ == "__main__":
    main()
