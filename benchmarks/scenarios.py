"""The benchmark scenarios.  Each one measures the gateway and, separately, the floor.

A scenario is a small class with three steps the runner calls in order:
``floor`` (no gateway running; the floor runs in its own process),
``gateway`` (against a ``Target``: a gateway started for this scenario with
``gateway_args``, or the one at ``--url``), and ``rows`` which turns both raw
reports into table rows.  Scenarios never start or stop gateways themselves;
the runner owns that.  Scenarios that kill or freeze worker processes
(``churn``, the frozen part of ``deadline``) need a spawned gateway, since
they signal pids read from ``/status``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import random
import resource
import signal
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from benchmarks.client import CallOutcome, HttpMcpSession, McpSession, fetch_json, open_session
from benchmarks.floor import run_floor
from benchmarks.procs import GatewayProcess, cpu_seconds, pid_alive, proc_status_kb, tree_cpu_seconds
from benchmarks.progress import Progress
from benchmarks.stats import summarize
from benchmarks.tool_pairs import DIR, PAIRS, SETUP

__all__ = ["SCENARIOS", "Row", "Scenario", "Target", "wait_pool_ready"]

ECHO = "echo hi"
ANSWER_GRACE = 30.0  # how long past a call's own timeout the client waits before calling it lost


@dataclass
class Target:
    """The gateway a scenario runs against."""

    url: str
    token: str | None
    gateway: GatewayProcess | None  # None with --url: no pids to signal, no gateway RSS
    workers: int | None
    max_calls_per_worker: int = 32
    progress: bool = False
    transport: str = "websocket"  # or "http": MCP Streamable HTTP at the same /mcp

    async def session(self) -> McpSession | HttpMcpSession:
        """A new initialized session over this target's transport."""
        return await open_session(self.url, self.token, self.transport)


@dataclass
class Row:
    """One table row: a metric measured through the gateway and on the floor."""

    metric: str
    unit: str
    gateway: float | None
    floor: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.gateway is None or self.floor is None or self.floor <= 0:
            return None
        return self.gateway / self.floor


@dataclass
class Outcomes:
    """Tally of call outcomes; latencies only of calls that succeeded."""

    latencies_ms: list[float] = field(default_factory=list)
    sent: int = 0
    answered: int = 0
    errors: int = 0
    lost: int = 0
    error_examples: list[str] = field(default_factory=list)

    def add(self, outcome: CallOutcome) -> None:
        self.sent += 1
        if not outcome.answered:
            self.lost += 1
            return
        self.answered += 1
        if outcome.ok:
            self.latencies_ms.append(outcome.latency_ms)
        else:
            self.errors += 1
            if len(self.error_examples) < 5 and outcome.error_text not in self.error_examples:
                self.error_examples.append(outcome.error_text or "?")

    def report(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "answered": self.answered,
            "errors": self.errors,
            "lost": self.lost,
            "error_rate": self.errors / self.answered if self.answered else None,
            "error_examples": self.error_examples,
            "latency_ms": summarize(self.latencies_ms),
        }


class CpuMeter:
    """CPU used during a measured phase by the client and by the server side.

    Server side = the gateway and all its descendants (workers, their shells,
    reaped ones included through cutime).  With ``--url`` there is no gateway
    pid: the workers' trees from /status are counted instead.  A worker
    replaced during the phase is missed, so churn does not use this.
    """

    def __init__(self, target: Target) -> None:
        self.target = target
        self.worker_pids: list[int] = []
        self.before: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        out = {"client": usage.ru_utime + usage.ru_stime}
        if self.target.gateway is not None:
            pid = self.target.gateway.pid
            out["server"] = tree_cpu_seconds(pid)
            out["gateway"] = cpu_seconds(pid, children=False) or 0.0
        elif self.worker_pids:
            out["server"] = sum(tree_cpu_seconds(p) for p in self.worker_pids)
        return out

    async def start(self) -> None:
        if self.target.gateway is None:
            with contextlib.suppress(OSError):
                status = await read_status(self.target)
                self.worker_pids = [int(w["pid"]) for w in status.get("workers") or [] if w.get("pid")]
        self.before = self._read()

    def stop(self, calls: int, wall: float) -> dict[str, Any]:
        after = self._read()
        used = {role: after[role] - self.before[role] for role in after}
        if "gateway" in used:
            used["workers_and_shells"] = used["server"] - used["gateway"]
        server = used.get("server")
        return {
            "cpu_s": used,
            "client_cpu_fraction": used["client"] / wall if wall > 0 else None,
            "server_cpu_ms_per_call": server * 1000 / calls if server is not None and calls else None,
        }


def _floor_summary(report: dict[str, Any]) -> dict[str, Any]:
    """A floor report with its raw sample lists replaced by summaries (for the JSON output)."""
    out = {k: v for k, v in report.items() if k not in ("latencies_ms", "late_ms")}
    out["latency_ms"] = summarize(report.get("latencies_ms", []))
    if report.get("late_ms"):
        out["late_ms"] = summarize(report["late_ms"])
    return out


def _lat(report: dict[str, Any], key: str) -> float | None:
    value = report.get("latency_ms", {}).get(key)
    return float(value) if value is not None else None


Session = McpSession | HttpMcpSession


async def open_sessions(target: Target, count: int, handshake_concurrency: int = 64) -> list[Session]:
    """Open and initialize ``count`` sessions, at most ``handshake_concurrency`` handshakes at a time."""
    gate = asyncio.Semaphore(handshake_concurrency)

    async def one() -> Session:
        async with gate:
            return await target.session()

    results = await asyncio.gather(*(one() for _ in range(count)), return_exceptions=True)
    sessions = [r for r in results if isinstance(r, McpSession | HttpMcpSession)]
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        await close_sessions(sessions)
        raise failures[0]
    return sessions


async def close_sessions(sessions: list[Session]) -> None:
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)


async def read_status(target: Target) -> dict[str, Any]:
    return await fetch_json(target.url, "/status", target.token)


def _worker_up(worker: dict[str, Any]) -> bool:
    return worker.get("state") in ("ready", "busy") and bool(worker.get("pid"))


async def wait_pool_ready(
    target: Target, ready_timeout: float | None, *, exclude_pids: frozenset[int] = frozenset()
) -> float:
    """Poll /status until every worker is up (ready or busy) with a pid not in ``exclude_pids``.

    Returns the seconds it took; raises TimeoutError past ``ready_timeout``.
    """
    started = time.perf_counter()
    async with asyncio.timeout(ready_timeout):
        while True:
            try:
                status = await read_status(target)
            except OSError:
                status = {}
            workers = status.get("workers") or []
            if (
                workers
                and (target.workers is None or len(workers) >= target.workers)
                and all(_worker_up(w) and w["pid"] not in exclude_pids for w in workers)
            ):
                return time.perf_counter() - started
            await asyncio.sleep(0.02)


SETTLE_CPU_FRACTION = 0.05  # of one core: what a gateway with idle workers may use and count as settled
SETTLE_WINDOW = 0.5  # seconds over which that is measured
SETTLE_TIMEOUT = 20.0


async def wait_settled(pid: int) -> float:
    """Wait until the gateway's whole tree uses less than ``SETTLE_CPU_FRACTION`` of a core over
    ``SETTLE_WINDOW`` (workers and their helpers done starting: a worker is "ready" before everything it
    starts in the background has finished loading), so what is measured is the steady state, not the
    start-up.  At most ``SETTLE_TIMEOUT``; returns the seconds it took."""
    started = time.perf_counter()
    before = tree_cpu_seconds(pid)
    while time.perf_counter() - started < SETTLE_TIMEOUT:
        await asyncio.sleep(SETTLE_WINDOW)
        now = tree_cpu_seconds(pid)
        if now - before < SETTLE_CPU_FRACTION * SETTLE_WINDOW:
            break
        before = now
    return time.perf_counter() - started


async def _lanes(
    sessions: list[Session],
    depth: int,
    total: int | None,
    command: str,
    tool_timeout: float,
    outcomes: Outcomes,
    progress: Progress,
    stop: asyncio.Event | None = None,
) -> float:
    """Run pipelined calls: ``depth`` lanes per session, until ``total`` calls or ``stop``; wall seconds."""
    remaining = total if total is not None else math.inf

    async def lane(session: Session) -> None:
        nonlocal remaining
        while remaining > 0 and not (stop is not None and stop.is_set()):
            remaining -= 1
            outcome = await session.bash(command, tool_timeout, answer_timeout=tool_timeout + ANSWER_GRACE)
            outcomes.add(outcome)
            progress.advance()

    started = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for session in sessions:
            for _ in range(depth):
                group.create_task(lane(session))
    return time.perf_counter() - started


class Scenario:
    name: ClassVar[str]
    description: ClassVar[str]
    compared_with: ClassVar[str] = "floor"  # what the second column is

    def gateway_args(self, quick: bool) -> list[str]:
        return []

    async def floor(self, quick: bool) -> dict[str, Any]:
        raise NotImplementedError

    async def gateway(self, target: Target, quick: bool) -> dict[str, Any]:
        raise NotImplementedError

    def rows(self, gateway: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
        raise NotImplementedError

    def skip_reason(self, target_is_spawned: bool) -> str | None:
        return None


def _cpu_rows(gateway: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
    fraction = gateway.get("client_cpu_fraction")
    return [
        Row("CPU per call", "ms", gateway.get("server_cpu_ms_per_call"), floor.get("cpu_ms_per_call")),
        Row("client CPU", "% core", 100 * fraction if fraction is not None else None),
    ]


# ---------------------------------------------------------------- latency


class Latency(Scenario):
    name = "latency"
    description = "sequential `echo hi` calls on one session"

    def size(self, quick: bool) -> tuple[int, int]:
        return (20, 3) if quick else (500, 20)

    async def floor(self, quick: bool) -> dict[str, Any]:
        calls, warmup = self.size(quick)
        return await run_floor(ECHO, calls=calls, warmup=warmup, call_timeout=5)

    async def gateway(self, target: Target, quick: bool) -> dict[str, Any]:
        calls, warmup = self.size(quick)
        outcomes = Outcomes()
        async with await target.session() as session:
            for _ in range(warmup):
                await session.bash(ECHO, 5, answer_timeout=5 + ANSWER_GRACE)
            meter = CpuMeter(target)
            await meter.start()
            started = time.perf_counter()
            with Progress(self.name, calls, enabled=target.progress) as progress:
                for _ in range(calls):
                    outcomes.add(await session.bash(ECHO, 5, answer_timeout=5 + ANSWER_GRACE))
                    progress.advance()
            wall = time.perf_counter() - started
        report = outcomes.report()
        report.update(meter.stop(calls, wall), wall_s=wall, samples_ms=outcomes.latencies_ms)
        return report

    def rows(self, gateway: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
        rows = [Row(k, "ms", _lat(gateway, k), _lat(floor, k)) for k in ("p50", "p90", "p99", "max")]
        rows += _cpu_rows(gateway, floor)
        rows.append(Row("errors+lost", "calls", gateway["errors"] + gateway["lost"], 0))
        return rows


class ColdLatency(Latency):
    name = "latency-cold"
    description = "`latency` with no pre-started shells (--warm-shells 0): what warm shells save"

    def gateway_args(self, quick: bool) -> list[str]:
        return ["--warm-shells", "0"]


# ---------------------------------------------------------------- throughput


class Throughput(Scenario):
    name = "throughput"
    description = "N connections x pipelined `echo hi` calls"
    connections = 16

    def size(self, quick: bool) -> tuple[int, int]:
        """(total calls, calls in flight per connection)"""
        return (64, 2) if quick else (4000, 4)

    async def floor(self, quick: bool) -> dict[str, Any]:
        total, depth = self.size(quick)
        # two floor processes at once (the 2-core ceiling of spawning), rates summed; together they
        # keep as many commands in flight as the gateway gets, so latencies compare at equal load
        in_flight = max(self.connections * depth // 2, 1)
        return await run_floor(
            ECHO, calls=total // 2, concurrency=in_flight, call_timeout=5, warmup=5, processes=2
        )

    async def gateway(self, target: Target, quick: bool) -> dict[str, Any]:
        total, depth = self.size(quick)
        sessions = await open_sessions(target, self.connections)
        outcomes = Outcomes()
        try:
            for session in sessions[:4]:  # warm up, not counted
                await session.bash(ECHO, 5, answer_timeout=5 + ANSWER_GRACE)
            meter = CpuMeter(target)
            await meter.start()
            with Progress(self.name, total, enabled=target.progress) as progress:
                wall = await _lanes(sessions, depth, total, ECHO, 5, outcomes, progress)
            cpu = meter.stop(total, wall)
        finally:
            await close_sessions(sessions)
        report = outcomes.report()
        report.update(
            cpu,
            connections=self.connections,
            depth=depth,
            wall_s=wall,
            calls_per_s=outcomes.answered / wall if wall > 0 else None,
            samples_ms=outcomes.latencies_ms,
        )
        return report

    def rows(self, gateway: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
        rows = [Row("calls/s", "1/s", gateway["calls_per_s"], floor["calls_per_s"])]
        rows += [Row(k, "ms", _lat(gateway, k), _lat(floor, k)) for k in ("p50", "p90", "p99")]
        rows += _cpu_rows(gateway, floor)
        rows.append(Row("errors+lost", "calls", gateway["errors"] + gateway["lost"], 0))
        return rows


# ---------------------------------------------------------------- concurrency


class Concurrency(Scenario):
    name = "concurrency"
    description = "many `sleep` calls at once: wall time vs ideal"
    connections = 8

    def size(self, quick: bool) -> tuple[int, float]:
        return (16, 0.5) if quick else (64, 1.0)

    async def floor(self, quick: bool) -> dict[str, Any]:
        calls, seconds = self.size(quick)
        return await run_floor(f"sleep {seconds}", calls=calls, concurrency=calls, call_timeout=seconds + 30)

    async def gateway(self, target: Target, quick: bool) -> dict[str, Any]:
        calls, seconds = self.size(quick)
        sessions = await open_sessions(target, self.connections)
        outcomes = Outcomes()
        try:
            started = time.perf_counter()
            results = await asyncio.gather(
                *(
                    sessions[i % len(sessions)].bash(
                        f"sleep {seconds}", seconds + 30, answer_timeout=seconds + 30 + ANSWER_GRACE
                    )
                    for i in range(calls)
                )
            )
            wall = time.perf_counter() - started
        finally:
            await close_sessions(sessions)
        for outcome in results:
            outcomes.add(outcome)
        capacity = (target.workers or 0) * target.max_calls_per_worker
        waves = math.ceil(calls / capacity) if capacity else 1
        report = outcomes.report()
        report.update(calls=calls, sleep_s=seconds, wall_s=wall, ideal_s=waves * seconds, capacity=capacity)
        return report

    def rows(self, gateway: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
        calls = gateway["calls"]
        return [
            Row(f"wall, {calls} at once", "s", gateway["wall_s"], floor["wall_s"]),
            Row("ideal", "s", gateway["ideal_s"], gateway["sleep_s"]),
            Row(
                "wall - ideal",
                "s",
                gateway["wall_s"] - gateway["ideal_s"],
                floor["wall_s"] - gateway["sleep_s"],
            ),
            Row("errors+lost", "calls", gateway["errors"] + gateway["lost"], 0),
        ]


# ---------------------------------------------------------------- deadline


def _marker_pids(marker: str) -> list[int]:
    """Pids whose command line contains ``marker`` (leftovers of our hanging commands)."""
    found = []
    needle = marker.encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                if needle in fh.read() and pid_alive(int(entry)):
                    found.append(int(entry))
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


class Deadline(Scenario):
    name = "deadline"
    description = "calls that hang past their timeout: time to answer minus timeout"
    timeout = 1.0
    deadline_grace = 1.0
    # {sleep} becomes a unique duration like 300.123456 so leftovers can be found by command line
    cases: ClassVar[dict[str, str]] = {
        "setsid child": "setsid sleep {sleep} & sleep {sleep}",
        "ignores TERM": "trap '' TERM; sleep {sleep}",
    }

    def reps(self, quick: bool) -> int:
        return 1 if quick else 3

    def gateway_args(self, quick: bool) -> list[str]:
        return ["--deadline-grace", str(self.deadline_grace)]

    async def floor(self, quick: bool) -> dict[str, Any]:
        out = {}
        for case, template in [*self.cases.items(), ("frozen worker", "sleep {sleep}")]:
            command = template.format(sleep=f"300.{random.randrange(10**6):06d}")
            out[case] = _floor_summary(
                await run_floor(command, calls=self.reps(quick), call_timeout=self.timeout)
            )
        return out

    async def gateway(self, target: Target, quick: bool) -> dict[str, Any]:
        reps = self.reps(quick)
        out: dict[str, Any] = {}
        async with await target.session() as session:
            for case, template in self.cases.items():
                marker = f"300.{random.randrange(10**6):06d}"
                late: list[float] = []
                outcomes = []
                for _ in range(reps):
                    outcome = await session.bash(
                        template.format(sleep=marker),
                        self.timeout,
                        answer_timeout=self.timeout + ANSWER_GRACE,
                    )
                    outcomes.append(outcome)
                    if outcome.answered:
                        late.append(outcome.latency_ms - self.timeout * 1000)
                # leftovers: anything still running our marker a moment after the answers
                await asyncio.sleep(0.5)
                leftovers = _marker_pids(marker)
                for pid in leftovers:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                out[case] = {
                    "late_ms": summarize(late),
                    "answered": sum(o.answered for o in outcomes),
                    "reported_timed_out": sum(o.timed_out for o in outcomes),
                    "calls": reps,
                    "leftover_processes": len(leftovers),
                }
            if target.gateway is not None:
                out["frozen worker"] = await self._frozen_worker(target, session, reps)
        return out

    async def _frozen_worker(self, target: Target, session: Session, reps: int) -> dict[str, Any]:
        """SIGSTOP the worker running a call; the gateway must still answer by timeout + grace."""
        late: list[float] = []
        answered = 0
        refill: list[float] = []
        frozen_found = 0
        for _ in range(reps):
            await wait_pool_ready(target, 30)
            call = asyncio.ensure_future(
                session.bash(
                    "sleep 300", self.timeout, answer_timeout=self.timeout + self.deadline_grace + 30
                )
            )
            frozen: int | None = None
            try:
                # find the worker that took the call, then freeze it
                async with asyncio.timeout(self.timeout / 2):
                    while frozen is None:
                        status = await read_status(target)
                        for worker in status.get("workers") or []:
                            if worker.get("inflight") and worker.get("pid"):
                                frozen = int(worker["pid"])
                                break
                        else:
                            await asyncio.sleep(0.01)
            except TimeoutError:
                pass
            if frozen is not None:
                frozen_found += 1
                os.kill(frozen, signal.SIGSTOP)
            try:
                outcome = await call
            finally:
                if frozen is not None and pid_alive(frozen):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(frozen, signal.SIGCONT)
            if outcome.answered:
                answered += 1
                late.append(outcome.latency_ms - self.timeout * 1000)
            exclude = frozenset({frozen}) if frozen is not None else frozenset()
            with contextlib.suppress(TimeoutError):
                refill.append(await wait_pool_ready(target, 30, exclude_pids=exclude))
        return {
            "late_ms": summarize(late),
            "answered": answered,
            "calls": reps,
            "workers_frozen": frozen_found,
            "deadline_grace_s": self.deadline_grace,
            "refill_s": summarize(refill),
        }

    def rows(self, gateway: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
        rows = []
        for case, report in gateway.items():
            floor_late = floor.get(case, {}).get("late_ms", {})
            late = report["late_ms"]
            label = "late"
            grace_ms = report.get("deadline_grace_s", 0.0) * 1000
            if grace_ms:
                # a frozen worker is killed only after --deadline-grace by design: show the overshoot
                label = f"late - {grace_ms:g}ms grace"
                late = {k: (late[k] - grace_ms if late[k] is not None else None) for k in ("p50", "max")}
            rows.append(Row(f"{case}: {label} p50", "ms", late["p50"], floor_late.get("p50")))
            rows.append(Row(f"{case}: {label} max", "ms", late["max"], floor_late.get("max")))
            rows.append(Row(f"{case}: unanswered", "calls", report["calls"] - report["answered"], 0))
            if "workers_frozen" in report:
                rows.append(Row(f"{case}: workers frozen", "", report["workers_frozen"]))
                rows.append(Row(f"{case}: pool refill p50", "s", report["refill_s"]["p50"]))
            if "leftover_processes" in report:
                rows.append(Row(f"{case}: leftover procs", "procs", report["leftover_processes"], 0))
        return rows


# ---------------------------------------------------------------- churn


class Churn(Scenario):
    name = "churn"
    description = "workers SIGKILLed at random during steady load"
    connections = 8
    depth = 2

    def size(self, quick: bool) -> tuple[float, float]:
        """(seconds of load, seconds between kills)"""
        return (4.0, 1.5) if quick else (15.0, 2.5)

    def skip_reason(self, target_is_spawned: bool) -> str | None:
        return None if target_is_spawned else "needs --spawn (kills worker pids read from /status)"

    async def floor(self, quick: bool) -> dict[str, Any]:
        calls = 64 if quick else 2000
        return _floor_summary(await run_floor(ECHO, calls=calls, concurrency=8, call_timeout=5, processes=2))

    async def gateway(self, target: Target, quick: bool) -> dict[str, Any]:
        duration, interval = self.size(quick)
        sessions = await open_sessions(target, self.connections)
        outcomes = Outcomes()
        stop = asyncio.Event()
        kills: list[dict[str, Any]] = []

        async def killer() -> None:
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(interval):
                        await stop.wait()
                if stop.is_set():
                    return
                try:
                    status = await read_status(target)
                except OSError:  # a slow /status under load is not a reason to stop the run
                    continue
                candidates = [int(w["pid"]) for w in status.get("workers") or [] if _worker_up(w)]
                if not candidates:
                    continue
                victim = random.choice(candidates)
                os.kill(victim, signal.SIGKILL)
                record: dict[str, Any] = {"pid": victim, "at_s": time.perf_counter() - started}
                try:
                    record["refill_s"] = await wait_pool_ready(target, 30, exclude_pids=frozenset({victim}))
                except TimeoutError:
                    record["refill_s"] = None
                kills.append(record)

        async def timer() -> None:
            await asyncio.sleep(duration)
            stop.set()

        started = time.perf_counter()
        try:
            with Progress(self.name, int(duration * 10), enabled=target.progress) as progress:
                ticker = asyncio.ensure_future(_tick(progress, duration))
                try:
                    async with asyncio.TaskGroup() as group:
                        group.create_task(timer())
                        group.create_task(killer())
                        group.create_task(
                            _lanes(sessions, self.depth, None, ECHO, 5, outcomes, _NO_PROGRESS, stop)
                        )
                finally:
                    ticker.cancel()
                    await asyncio.gather(ticker, return_exceptions=True)
            wall = time.perf_counter() - started
        finally:
            await close_sessions(sessions)
        refills = [k["refill_s"] for k in kills if k["refill_s"] is not None]
        report = outcomes.report()
        report.update(
            wall_s=wall,
            calls_per_s=outcomes.answered / wall if wall > 0 else None,
            kills=kills,
            kill_count=len(kills),
            refill_s=summarize(refills),
            refill_timeouts=sum(1 for k in kills if k["refill_s"] is None),
        )
        return report

    def rows(self, gateway: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
        return [
            Row("workers killed", "", gateway["kill_count"]),
            Row("lost answers", "calls", gateway["lost"], 0),
            Row("error rate", "%", 100 * (gateway["error_rate"] or 0), 0),
            Row("calls/s under churn", "1/s", gateway["calls_per_s"], floor["calls_per_s"]),
            Row("refill p50", "s", gateway["refill_s"]["p50"]),
            Row("refill max", "s", gateway["refill_s"]["max"]),
        ]


async def _tick(progress: Progress, duration: float) -> None:
    for _ in range(int(duration * 10)):
        await asyncio.sleep(0.1)
        progress.advance()


_NO_PROGRESS = Progress("", 1, enabled=False)


# ---------------------------------------------------------------- connections


class Connections(Scenario):
    name = "connections"
    description = "many concurrent sessions, each initialize + one call"
    handshake_concurrency = 64

    def size(self, quick: bool) -> int:
        return 50 if quick else 1000

    def gateway_args(self, quick: bool) -> list[str]:
        n = self.size(quick)
        return ["--max-queue", str(n * 2), "--max-sessions", str(n + 64)]

    async def floor(self, quick: bool) -> dict[str, Any]:
        calls = self.size(quick)
        return _floor_summary(await run_floor(ECHO, calls=calls, concurrency=64, call_timeout=30))

    async def gateway(self, target: Target, quick: bool) -> dict[str, Any]:
        count = self.size(quick)
        gateway_pid = target.gateway.pid if target.gateway is not None else None
        # baseline after one session came and went, so lazily built state is already there
        async with await target.session() as warm:
            await warm.bash(ECHO, 5, answer_timeout=5 + ANSWER_GRACE)
        await asyncio.sleep(0.2)
        baseline_kb = proc_status_kb(gateway_pid, "VmRSS") if gateway_pid else None

        gate = asyncio.Semaphore(self.handshake_concurrency)
        release = asyncio.Event()
        connect_ms: list[float] = []
        outcomes = Outcomes()
        failures: list[str] = []
        held = 0
        done_count = 0
        all_called = asyncio.Event()

        with Progress(self.name, count, enabled=target.progress) as progress:

            async def client() -> None:
                nonlocal held, done_count
                session: Session | None = None
                try:
                    async with gate:
                        started = time.perf_counter()
                        session = await target.session()
                        connect_ms.append((time.perf_counter() - started) * 1000)
                    held += 1
                    outcomes.add(await session.bash(ECHO, 30, answer_timeout=30 + ANSWER_GRACE))
                except Exception as exc:
                    failures.append(repr(exc))
                finally:
                    done_count += 1
                    progress.advance()
                    if done_count == count:
                        all_called.set()
                try:
                    await release.wait()  # hold the connection open until everyone has called
                finally:
                    if session is not None:
                        await session.close()

            started = time.perf_counter()
            tasks = [asyncio.ensure_future(client()) for _ in range(count)]
            try:
                await all_called.wait()
                wall = time.perf_counter() - started
                await asyncio.sleep(0.2)
                loaded_kb = proc_status_kb(gateway_pid, "VmRSS") if gateway_pid else None
                try:
                    sessions_seen = (await read_status(target)).get("sessions")
                except OSError:
                    sessions_seen = None
            finally:
                release.set()
                await asyncio.gather(*tasks, return_exceptions=True)
        report = outcomes.report()
        per_conn = None
        if baseline_kb is not None and loaded_kb is not None and held:
            per_conn = (loaded_kb - baseline_kb) / held
        report.update(
            connections=count,
            held_open=held,
            failures=len(failures),
            failure_examples=failures[:5],
            wall_s=wall,
            connect_ms=summarize(connect_ms),
            sessions_in_status=sessions_seen,
            gateway_rss_baseline_kb=baseline_kb,
            gateway_rss_loaded_kb=loaded_kb,
            rss_per_connection_kb=per_conn,
        )
        return report

    def rows(self, gateway: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
        n = gateway["connections"]
        return [
            Row(f"wall, {n} sessions", "s", gateway["wall_s"], floor["wall_s"]),
            Row("connect+init p50", "ms", gateway["connect_ms"]["p50"]),
            Row("connect+init p99", "ms", gateway["connect_ms"]["p99"]),
            Row("call p50", "ms", _lat(gateway, "p50"), _lat(floor, "p50")),
            Row("call p99", "ms", _lat(gateway, "p99"), _lat(floor, "p99")),
            Row("failed sessions", "", gateway["failures"] + gateway["errors"] + gateway["lost"], 0),
            Row("sessions in /status", "", gateway["sessions_in_status"]),
            Row("gateway RSS / conn", "KiB", gateway["rss_per_connection_kb"]),
        ]


# ---------------------------------------------------------------- flood


class Flood(Scenario):
    name = "flood"
    description = "huge outputs (`yes | head -c SIZE`): peak RSS of gateway and workers"

    def size(self, quick: bool) -> tuple[str, int]:
        return ("64M", 1) if quick else ("1G", 2)

    def command(self, quick: bool) -> str:
        return f"yes | head -c {self.size(quick)[0]}"

    async def floor(self, quick: bool) -> dict[str, Any]:
        _, calls = self.size(quick)
        return _floor_summary(
            await run_floor(self.command(quick), calls=calls, concurrency=calls, call_timeout=120)
        )

    async def gateway(self, target: Target, quick: bool) -> dict[str, Any]:
        size, calls = self.size(quick)
        gateway_pid = target.gateway.pid if target.gateway is not None else None
        peak: dict[str, int] = {}
        worker_pids: set[int] = set()

        def sample(pid: int, key: str) -> None:
            rss = proc_status_kb(pid, "VmRSS")
            if rss is not None and rss > peak.get(key, 0):
                peak[key] = rss

        async def sampler() -> None:
            last_status = 0.0
            while True:
                now = time.monotonic()
                if now - last_status > 0.25:
                    last_status = now
                    with contextlib.suppress(OSError):
                        status = await read_status(target)
                        worker_pids.update(int(w["pid"]) for w in status.get("workers") or [] if w.get("pid"))
                if gateway_pid:
                    sample(gateway_pid, "gateway")
                for pid in worker_pids:
                    sample(pid, f"worker {pid}")
                await asyncio.sleep(0.02)

        sessions = await open_sessions(target, calls)
        sampling = asyncio.ensure_future(sampler())
        try:
            await asyncio.sleep(0.3)  # first /status read
            started = time.perf_counter()
            results = await asyncio.gather(
                *(s.bash(self.command(quick), 120, answer_timeout=120 + ANSWER_GRACE) for s in sessions)
            )
            wall = time.perf_counter() - started
        finally:
            sampling.cancel()
            await asyncio.gather(sampling, return_exceptions=True)
            await close_sessions(sessions)
        outcomes = Outcomes()
        for outcome in results:
            outcomes.add(outcome)
        hwm = {"gateway": proc_status_kb(gateway_pid, "VmHWM") if gateway_pid else None}
        for pid in worker_pids:
            hwm[f"worker {pid}"] = proc_status_kb(pid, "VmHWM")
        worker_peaks = [v for k, v in peak.items() if k.startswith("worker")]
        report = outcomes.report()
        report.update(
            size=size,
            calls=calls,
            wall_s=wall,
            text_bytes=[o.text_len for o in results],
            truncated=[o.truncated for o in results],
            peak_rss_kb=peak,
            vm_hwm_kb=hwm,
            gateway_peak_rss_kb=peak.get("gateway"),
            worker_peak_rss_kb=max(worker_peaks) if worker_peaks else None,
        )
        return report

    def rows(self, gateway: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
        mib = 1024.0

        def to_mib(kb: int | None) -> float | None:
            return kb / mib if kb is not None else None

        return [
            Row(f"wall, {gateway['calls']} x {gateway['size']}", "s", gateway["wall_s"], floor["wall_s"]),
            Row(
                "gateway peak RSS",
                "MiB",
                to_mib(gateway["gateway_peak_rss_kb"]),
                to_mib(floor["peak_rss_kb"]),
            ),
            Row(
                "worker peak RSS", "MiB", to_mib(gateway["worker_peak_rss_kb"]), to_mib(floor["peak_rss_kb"])
            ),
            Row("max text returned", "KiB", max(gateway["text_bytes"] or [0]) / 1024),
            Row("errors+lost", "calls", gateway["errors"] + gateway["lost"], 0),
        ]


# ---------------------------------------------------------------- tools


async def _tool_result(session: Session, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The structuredContent of a tool call; RuntimeError when it failed, got no answer in 60 s, or
    waited for a text that did not come (``matched`` false)."""
    try:
        async with asyncio.timeout(60):
            answer = await session.request("tools/call", {"name": tool, "arguments": arguments})
    except TimeoutError:
        raise RuntimeError(f"{tool}: no answer in 60 s") from None
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, dict) or result.get("isError"):
        raise RuntimeError(f"{tool}: {str(answer)[:200]}")
    structured = result.get("structuredContent") or {}
    if structured.get("matched") is False:
        raise RuntimeError(f"{tool}: what it waited for did not come: {str(structured)[:200]}")
    return dict(structured)


class ToolsVsBash(Scenario):
    """Each tool next to doing the same through ``bash`` (``benchmarks/tool_pairs.py``): here the
    comparison is that bash call on the same gateway, not the floor."""

    name = "tools"
    description = "each tool's p50 beside the same work through bash on the same session (floor column: bash)"
    compared_with = "bash"

    def size(self, quick: bool) -> tuple[int, int]:
        return (3, 1) if quick else (40, 5)

    async def floor(self, quick: bool) -> dict[str, Any]:
        return {}  # the bash side is measured with the tools, interleaved, in ``gateway``

    async def gateway(self, target: Target, quick: bool) -> dict[str, Any]:
        calls, warmup = self.size(quick)
        pairs: dict[str, Any] = {}
        failures: list[str] = []
        async with await target.session() as session:
            for command in SETUP:
                setup = await session.call_tool("bash", {"command": command, "timeout": 120}, answer_timeout=150)
                if not setup.ok:
                    raise RuntimeError(f"setting up the tools' files failed: {setup.error_text}")
            with Progress(self.name, len(PAIRS) * (calls + warmup), enabled=target.progress) as progress:
                for pair in PAIRS:
                    sides: dict[str, list[float]] = {"tool": [], "bash": []}
                    started = await _tool_result(session, *pair.start) if pair.start else {}
                    for i in range(warmup + calls):
                        t0 = time.perf_counter()
                        try:
                            for tool, arguments in pair.tool(i, started):
                                await _tool_result(session, tool, arguments)
                            tool_ms: float | None = (time.perf_counter() - t0) * 1000
                        except RuntimeError as exc:
                            failures.append(f"{pair.name} (tool): {exc}"[:300])
                            tool_ms = None
                        bash = await session.call_tool("bash", {"command": pair.bash(i), "timeout": 30},
                                                       answer_timeout=60)
                        if not bash.ok:
                            failures.append(f"{pair.name} (bash): {bash.error_text or 'no answer'}"[:300])
                        if i >= warmup and tool_ms is not None and bash.ok:
                            sides["tool"].append(tool_ms)
                            sides["bash"].append(bash.latency_ms)
                        progress.advance()
                    if pair.finish is not None:
                        await _tool_result(session, *pair.finish(started))
                    pairs[pair.name] = {side: summarize(samples) for side, samples in sides.items()}
                    pairs[pair.name]["why"] = pair.why
            await session.call_tool("bash", {"command": f"rm -rf {DIR}", "timeout": 60}, answer_timeout=90)
        if failures:
            raise RuntimeError(f"{len(failures)} calls failed, e.g. {failures[0]}")
        notes = [f"{name.split(' | ')[0]}: {sides['why']}" for name, sides in pairs.items() if sides["why"]]
        return {"pairs": pairs, "calls_per_side": calls, "notes": notes}

    def rows(self, gateway: dict[str, Any], floor: dict[str, Any]) -> list[Row]:
        return [Row(name, "ms p50", sides["tool"]["p50"], sides["bash"]["p50"])
                for name, sides in gateway["pairs"].items()]


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (Latency(), ColdLatency(), Throughput(), Concurrency(), Deadline(), Churn(), Connections(), Flood(),
              ToolsVsBash())
}
