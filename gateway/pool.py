"""The worker pool: spawns workers, dispatches calls, enforces deadlines, kills and respawns workers.

Promises:
- ``WorkerPool.call`` answers every call exactly once and never waits on a
  worker longer than the call's timeout + ``deadline_grace``; when a worker
  misses that deadline (or its heartbeats) it is killed with its whole process
  tree, every call on it is answered at once (``worker_lost``), and the slot is
  refilled with backoff.
- One supervisor task owns heartbeat checks; one task per worker watches its
  process; every task the pool starts is cancelled by ``close``.
- Spare workers (``--spare-workers``) boot ahead and take the slot of a worker
  that is lost at once, so the pool is full again without waiting for a boot.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from gateway.config import GatewayConfig
from gateway.errors import Overloaded
from gateway.metrics import WORKER_STATES, Metrics
from shared import protocol as p
from shared.config import WorkerConfig, dump_worker_config
from shared.framing import FrameBuffer, FrameTooLarge, frame
from shared.tools import BashResult
from worker.procs import children_of

__all__ = ["JobRecord", "PendingCall", "WorkerHandle", "WorkerPool", "detect_call_isolation", "detect_isolation",
           "worker_env"]

logger = logging.getLogger(__name__)

BOOT_ERROR = 3  # worker.worker.BOOT_ERROR
BOOT_TIMEOUT = 15.0
KILL_WAIT = 3.0
SPARE = -1  # the slot of a worker that waits, booted, to take the place of a lost one
# The least time a worker is given for a call that reaches it at (or past) its deadline: it then
# answers "timed out" itself, killing nothing it started late.
MIN_WORKER_TIMEOUT = 0.001
_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)


# What a worker inherits of the gateway's environment: nothing else (no token, no configuration);
# its tools get less still (worker/worker.py, Worker._base_env).
WORKER_ENV_KEYS = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ",
                   "SANDBOX_GREP_ENGINE")  # a test hook: "python" makes grep skip rg


def worker_env(marker: str) -> dict[str, str]:
    """The whole environment of a worker process."""
    env = {k: os.environ[k] for k in WORKER_ENV_KEYS if k in os.environ}
    env["SANDBOX_WORKER"] = marker
    extra = os.environ.get("PYTHONPATH")
    env["PYTHONPATH"] = _PROJECT_ROOT + (os.pathsep + extra if extra else "")
    return env


def detect_call_isolation(requested: str, run_as: tuple[int, int] | None) -> str:
    """How each call's process tree is contained: ``pidns`` (a pid and mount namespace per call,
    with its own /proc) where the gateway may create namespaces (root), else ``marker``."""
    if requested == "marker":
        return "marker"
    unshare = shutil.which("unshare")
    works = False
    if unshare is not None and os.geteuid() == 0:
        uid, gid = run_as if run_as is not None else (0, 0)
        # exactly what an exec-ed call shell runs through (worker/procs.py, ShellFactory)
        try:
            works = subprocess.run(
                [unshare, "--pid", "--mount", "--fork", "--kill-child", "--mount-proc", "-S", str(uid), "-G", str(gid),
                 "--", "true"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10,
            ).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            works = False
    if requested == "pidns" and not works:
        raise SystemExit("sandbox-gateway: --call-isolation pidns: cannot create a pid and mount namespace per call "
                         "here (needs root and util-linux unshare); use --call-isolation marker")
    return "pidns" if works else "marker"


def detect_isolation(requested: str) -> str:
    """Which tree containment workers get: ``pidns`` where the kernel allows it, else ``subreaper``."""
    if requested == "subreaper":
        return "subreaper"
    unshare = shutil.which("unshare")
    works = False
    if unshare is not None:
        try:
            works = subprocess.run(
                [unshare, "--pid", "--fork", "--kill-child", "--mount-proc", "true"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10,
            ).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            works = False
    if requested == "pidns" and not works:
        raise SystemExit("sandbox-gateway: --isolation pidns: this kernel/user cannot create pid namespaces "
                         "(needs root or unprivileged user namespaces and util-linux unshare)")
    return "pidns" if works else "subreaper"


def _structured_for(call: PendingCall, **fields: Any) -> dict[str, Any] | None:
    """The structuredContent of a call the pool answers itself (timeout, lost worker): bash's shape for a
    bash call; none for any other tool, whose outputSchema that shape does not fit (an error may omit it)."""
    return msgspec.to_builtins(BashResult(**fields)) if call.tool == "bash" else None


class PendingCall:
    """One tool call between receipt and answer.

    Its ``deadline`` (event-loop time) is fixed when it is made, i.e. when the call arrives: queueing
    for a worker spends the call's own time, the worker is sent what remains, and the answer comes by
    ``deadline + --deadline-grace`` at the latest."""

    __slots__ = ("args", "arrived", "deadline", "future", "id", "job_id", "on_progress", "progress", "queued",
                 "session", "started", "state", "timeout", "tool", "worker")

    def __init__(self, call_id: int, tool: str, args: dict[str, Any], timeout: float,
                 state: p.SessionState | None = None,
                 on_progress: Callable[[str], None] | None = None,
                 session: str = "", job_id: str = "") -> None:
        loop = asyncio.get_running_loop()
        self.id = call_id
        self.tool = tool
        self.args = args
        self.timeout = timeout
        self.state = state
        self.on_progress = on_progress
        self.progress = on_progress is not None
        self.session = session
        self.job_id = job_id
        self.arrived = loop.time()
        self.deadline = self.arrived + timeout
        self.queued = 0.0  # seconds spent waiting for a worker
        self.future: asyncio.Future[p.Result] = loop.create_future()
        self.started: asyncio.Future[None] = loop.create_future()
        self.worker: WorkerHandle | None = None


class WorkerHandle(asyncio.Protocol):
    """The gateway's side of one worker process and its socket."""

    def __init__(self, pool: WorkerPool, slot: int, marker: str, proc: asyncio.subprocess.Process) -> None:
        self.pool = pool
        self.slot = slot
        self.marker = marker
        self.proc = proc
        self.host_pid = proc.pid
        self.state = "starting"
        self.calls: dict[int, PendingCall] = {}
        self.transport: asyncio.Transport | None = None
        self.frames = FrameBuffer(pool.worker_cfg.max_frame_size)
        self.spawned_at = time.monotonic()
        self.last_seen = self.spawned_at
        self.exit_code: int | None = None
        self.watcher: asyncio.Task[None] | None = None
        self.forking = False  # as the worker last reported (Hello, heartbeats)
        self.zygote_restarts = 0

    # -- asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.last_seen = time.monotonic()
        try:
            bodies = self.frames.feed(data)
        except FrameTooLarge as exc:
            self.pool.kill_worker(self, "exited", f"protocol error: {exc}")
            return
        for body in bodies:
            try:
                msg = p.decode_from_worker(body)
            except msgspec.DecodeError as exc:
                self.pool.kill_worker(self, "exited", f"protocol error: undecodable message ({exc})")
                return
            self.pool.on_message(self, msg)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self.state not in ("dead", "failed"):
            self.pool.kill_worker(self, "exited", "the worker closed its socket")

    # --

    def send(self, msg: Any) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame(p.encode(msg)))

    @property
    def accepting(self) -> bool:
        return self.state == "ready" and len(self.calls) < self.pool.max_calls


class JobRecord:
    """Where a background job lives, whose it is, and what the gateway last heard of it."""

    __slots__ = ("command", "exit_code", "job_id", "session", "started", "status", "worker")

    def __init__(self, job_id: str, session: str, command: str, worker: WorkerHandle) -> None:
        self.job_id = job_id
        self.session = session
        self.command = command
        self.worker = worker
        self.started = time.monotonic()
        self.status = "running"
        self.exit_code: int | None = None


class _Slot:
    __slots__ = ("boot_failures", "failed", "handle", "restarts")

    def __init__(self) -> None:
        self.handle: WorkerHandle | None = None
        self.restarts = 0
        self.boot_failures = 0
        self.failed = False


class WorkerPool:
    """Workers of one role: ``tools`` (bash, file tools, jobs) or ``mcp-host`` (one process that runs the
    managed MCP servers; its calls are answered by its own MCP clients' timeouts, so it takes many at once).

    ``on_ready``/``on_lost`` are told when a worker becomes ready or is lost; ``on_servers`` gets the
    MCP host's ``ServersUpdate`` messages.
    """

    def __init__(self, cfg: GatewayConfig, metrics: Metrics, isolation: str,
                 run_as: tuple[int, int] | None = None, *, role: str = "tools",
                 on_ready: Callable[[WorkerHandle], None] | None = None,
                 on_lost: Callable[[WorkerHandle], None] | None = None,
                 on_servers: Callable[[p.ServersUpdate], None] | None = None) -> None:
        self.cfg = cfg
        self.role = role
        self.on_ready = on_ready
        self.on_lost = on_lost
        self.on_servers = on_servers
        self.max_calls = cfg.max_calls_per_worker if role == "tools" else 1024
        self.metrics = metrics
        self.isolation = isolation
        self.workspace = str(Path(cfg.workspace).resolve())
        self.nonce = secrets.token_hex(4)
        self.worker_cfg = WorkerConfig(
            workspace=self.workspace,
            heartbeat_interval=cfg.heartbeat_interval,
            max_output_bytes=cfg.max_output_bytes,
            isolation=isolation,
            call_isolation=cfg.call_isolation,
            warm_shells=cfg.warm_shells if role == "tools" else 0,
            max_warm_shells=cfg.max_warm_shells if role == "tools" else 0,
            shell_builtin=cfg.shell_builtin if role == "tools" else "",
            limit_address_space=cfg.limit_address_space,
            limit_cpu_seconds=cfg.limit_cpu_seconds,
            limit_file_size=cfg.limit_file_size,
            limit_open_files=cfg.limit_open_files,
            limit_processes=cfg.limit_processes,
            no_network=cfg.no_network,
            run_as_uid=run_as[0] if run_as else -1,
            run_as_gid=run_as[1] if run_as else -1,
            max_jobs_per_session=cfg.max_jobs_per_session,
            job_output_bytes=cfg.job_output_bytes,
            max_pattern_bytes=cfg.max_pattern_bytes,
            role=role,
            mcp_max_servers=cfg.mcp_max_servers,
            mcp_health_interval=cfg.mcp_health_interval,
            mcp_max_line_bytes=cfg.mcp_max_line_bytes,
            mcp_start_timeout=cfg.mcp_start_timeout,
        )
        self.run_as = run_as
        self.slots = [_Slot() for _ in range(cfg.workers if role == "tools" else 1)]
        self.spare_target = cfg.spare_workers if role == "tools" else 0
        self.spares: list[WorkerHandle] = []  # booting or booted, not yet in a slot
        self._spares_spawning = 0
        self._spare_failures = 0  # spares in a row that died before they were ready
        self.queue: collections.deque[PendingCall] = collections.deque()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.closing = False
        self.ready_event = asyncio.Event()
        self._generation = 0
        self.jobs: dict[str, JobRecord] = {}

    # ---- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        for slot in range(len(self.slots)):
            await self._spawn(slot)
        self._replenish_spares()
        self._own(self._supervise(), "supervisor")

    def _own(self, coro: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _spawn(self, slot: int) -> WorkerHandle | None:
        """Start a worker for ``slot`` (``SPARE``: a spare); None when its process could not start."""
        self._generation += 1
        marker = f"{self.nonce}.{'spare' if slot == SPARE else slot}.{self._generation}"
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        wcfg = msgspec.structs.replace(self.worker_cfg, worker_id=max(slot, 0))
        log_level = "DEBUG" if self.cfg.log_level.upper() == "DEBUG" else "WARNING"
        argv = [sys.executable, "-m", "worker", "--fd", str(child.fileno()), "--config",
                dump_worker_config(wcfg), "--log-level", log_level]
        if self.isolation == "pidns":
            net = ["--net"] if self.cfg.no_network else []
            argv = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc", *net, *argv]
        env = worker_env(marker)
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, pass_fds=(child.fileno(),),
                start_new_session=True, env=env, cwd=self.workspace,
            )
        except OSError as exc:
            parent.close()
            logger.error("cannot start %s: %s", "a spare worker" if slot == SPARE else f"worker {slot}", exc)
            if slot == SPARE:
                return None
            self.slots[slot].boot_failures += 1
            self.metrics.worker_restarts.labels("boot_failure").inc()
            self._schedule_respawn(slot, "boot_failure")
            return None
        finally:
            child.close()
        handle = WorkerHandle(self, slot, marker, proc)
        if slot == SPARE:
            self.spares.append(handle)
        else:
            self.slots[slot].handle = handle
        loop = asyncio.get_running_loop()
        await loop.create_connection(lambda: handle, sock=parent)
        handle.watcher = self._own(self._watch(handle), f"watch-worker-{slot}")
        return handle

    async def _watch(self, handle: WorkerHandle) -> None:
        code = await handle.proc.wait()
        handle.exit_code = code
        if handle.state not in ("dead", "failed"):
            reason = "boot_failure" if handle.state == "starting" or code == BOOT_ERROR else "exited"
            self.kill_worker(handle, reason, f"the worker process exited with code {code}")

    async def _supervise(self) -> None:
        """The one periodic task: stale heartbeats and boots that never finish."""
        interval = min(self.cfg.heartbeat_interval, 0.5)
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for h in [s.handle for s in self.slots] + self.spares:
                if h is None:
                    continue
                if h.state == "starting" and now - h.spawned_at > BOOT_TIMEOUT:
                    self.kill_worker(h, "boot_failure", f"no hello within {BOOT_TIMEOUT:g} s")
                elif h.state == "ready" and now - h.last_seen > self.cfg.heartbeat_timeout:
                    self.kill_worker(h, "heartbeat",
                                     f"no heartbeat for {now - h.last_seen:.1f} s "
                                     f"(--heartbeat-timeout={self.cfg.heartbeat_timeout:g})")

    async def close(self) -> None:
        """Stop every worker (Shutdown, then SIGTERM, then SIGKILL of the whole tree)."""
        self.closing = True
        handles = [h for h in [s.handle for s in self.slots] + self.spares if h is not None and h.state != "dead"]
        for h in handles:
            h.send(p.Shutdown())
            with contextlib.suppress(ProcessLookupError):
                h.proc.send_signal(signal.SIGTERM)
        waits = [h.watcher for h in handles if h.watcher is not None]
        if waits:
            await asyncio.wait(waits, timeout=KILL_WAIT)
        for h in handles:
            self.kill_worker(h, None, "the gateway is shutting down")
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=KILL_WAIT)

    # ---- messages from workers ----------------------------------------------------------

    def on_message(self, handle: WorkerHandle, msg: p.FromWorker) -> None:
        match msg:
            case p.Result():
                call = handle.calls.pop(msg.id, None)
                if call is not None and not call.future.done():
                    if call.job_id and not msg.is_error:
                        # Recorded here, not by the caller: the job's JobExit may be in this same read.
                        self.jobs[call.job_id] = JobRecord(call.job_id, call.session,
                                                           str(call.args.get("command", "")), handle)
                    call.future.set_result(msg)
                    self._pump()
            case p.JobExit():
                record = self.jobs.get(msg.job_id)
                if record is not None and record.worker is handle:
                    record.status = msg.status
                    record.exit_code = msg.exit_code
            case p.Progress():
                call = handle.calls.get(msg.id)
                if call is not None and call.on_progress is not None:
                    call.on_progress(msg.text)
            case p.Heartbeat():
                handle.forking = msg.forking
                if msg.zygote_restarts > handle.zygote_restarts and self.role == "tools":
                    self.metrics.zygote_restarts.inc(msg.zygote_restarts - handle.zygote_restarts)
                handle.zygote_restarts = msg.zygote_restarts
            case p.Hello():
                handle.forking = msg.forking
                if handle.state == "starting":
                    if self.isolation == "pidns":
                        kids = children_of(handle.proc.pid)
                        if kids:
                            handle.host_pid = kids[0]
                    handle.state = "ready"
                    if handle.slot == SPARE:
                        self._spare_failures = 0
                        logger.debug("spare %s worker ready (pid %d)", self.role, handle.host_pid)
                        return
                    self.slots[handle.slot].boot_failures = 0
                    self.ready_event.set()
                    logger.debug("%s worker %d ready (pid %d, %s)", self.role, handle.slot, handle.host_pid,
                                 msg.isolation)
                    if self.on_ready is not None:
                        self.on_ready(handle)
                    self._pump()
            case p.ServersUpdate():
                if self.on_servers is not None:
                    self.on_servers(msg)

    # ---- killing and respawning ---------------------------------------------------------

    def kill_worker(self, handle: WorkerHandle, reason: str | None, detail: str) -> None:
        """Kill ``handle``'s whole process tree now and answer every call it had (worker_lost)."""
        if handle.state in ("dead", "failed"):
            return
        was_starting = handle.state == "starting"
        handle.state = "dead"
        for call in list(handle.calls.values()):
            if not call.future.done():
                call.future.set_result(p.Result(
                    id=call.id, outcome="worker_lost", is_error=True,
                    text=f"worker {handle.slot} (pid {handle.host_pid}) was lost: {detail}. "
                         "Every process of this call was killed; the call may be retried.",
                    structured=_structured_for(call, exit_code=None, timed_out=False, truncated=False,
                                               duration_ms=0, outcome="worker_lost"),
                ))
        handle.calls.clear()
        for record in self.jobs.values():
            if record.worker is handle and record.status == "running":
                record.status = "lost"
        if handle.transport is not None:
            handle.transport.abort()
        self._kill_tree(handle)
        if handle.slot == SPARE:
            if reason is not None:
                logger.log(logging.INFO if self.closing else logging.WARNING, "spare worker (pid %d) killed: %s",
                           handle.host_pid, detail)
            if handle in self.spares:
                self.spares.remove(handle)
            if not self.closing and reason is not None:
                self._spare_lost(was_starting=was_starting or reason == "boot_failure")
            return
        if self.on_lost is not None:
            self.on_lost(handle)
        if reason is not None:
            level = logging.INFO if self.closing else logging.WARNING
            logger.log(level, "worker %d (pid %d) killed: %s", handle.slot, handle.host_pid, detail)
        if self.closing or reason is None:
            return
        if self.role == "tools":
            self.metrics.worker_restarts.labels(reason).inc()
            if reason == "deadline":
                self.metrics.deadline_kills.inc()
        slot = self.slots[handle.slot]
        slot.restarts += 1
        if was_starting or reason == "boot_failure":
            slot.boot_failures += 1
        self._schedule_respawn(handle.slot, reason)
        if not self.any_ready():
            self.ready_event.clear()

    def _kill_tree(self, handle: WorkerHandle) -> None:
        # The worker's session holds the worker (and, under pidns, unshare).  Killing the init of
        # a pid namespace kills everything in it; without one, find its processes by marker.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(handle.proc.pid, signal.SIGKILL)
        for pid in {handle.host_pid, handle.proc.pid}:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        if self.isolation == "subreaper":
            kill_by_env_marker("SANDBOX_WORKER", handle.marker)

    def _schedule_respawn(self, slot_no: int, reason: str) -> None:
        slot = self.slots[slot_no]
        if self._adopt_spare(slot_no):
            return
        if slot.boot_failures >= self.cfg.boot_failure_limit:
            slot.failed = True
            if slot.handle is not None:
                slot.handle.state = "failed"
            logger.error(
                "worker slot %d failed to boot %d times in a row; not respawning it (last exit code %s). "
                "Check the worker's stderr above.",
                slot_no, slot.boot_failures, slot.handle.exit_code if slot.handle else None,
            )
            if self.all_failed():
                self._refuse_queue()
            return
        delay = 0.0 if slot.boot_failures == 0 else min(0.2 * 2 ** (slot.boot_failures - 1), 10.0)
        delay += random.uniform(0, 0.05)
        self._own(self._respawn_after(slot_no, delay), f"respawn-{slot_no}")

    async def _respawn_after(self, slot: int, delay: float) -> None:
        await asyncio.sleep(delay)
        if not self.closing and not self._adopt_spare(slot):  # a spare may have booted meanwhile
            await self._spawn(slot)

    # ---- spares -------------------------------------------------------------------------

    def _adopt_spare(self, slot_no: int) -> bool:
        """Put a booted spare in ``slot_no`` (whose worker is gone); False when none is ready."""
        spare = next((h for h in self.spares if h.state == "ready"), None)
        if spare is None:
            return False
        self.spares.remove(spare)
        spare.slot = slot_no
        slot = self.slots[slot_no]
        slot.handle = spare
        slot.boot_failures = 0
        self.ready_event.set()
        logger.info("spare worker (pid %d) took worker slot %d", spare.host_pid, slot_no)
        if self.on_ready is not None:
            self.on_ready(spare)
        self._pump()
        self._replenish_spares()
        return True

    def _replenish_spares(self) -> None:
        """Start spares until there are ``--spare-workers`` of them (never while closing)."""
        while not self.closing and len(self.spares) + self._spares_spawning < self.spare_target:
            self._spares_spawning += 1
            self._own(self._spawn_spare(0.0), "spare")

    async def _spawn_spare(self, delay: float) -> None:
        handle = None
        try:
            await asyncio.sleep(delay)
            if self.closing:
                return
            handle = await self._spawn(SPARE)
        finally:
            self._spares_spawning -= 1
        if handle is None:
            self._spare_lost(was_starting=True)

    def _spare_lost(self, *, was_starting: bool) -> None:
        """A spare died: start another, backing off while they die before they are ready."""
        if was_starting:
            self._spare_failures += 1
        if self._spare_failures >= self.cfg.boot_failure_limit:
            logger.error("%d spare workers in a row failed to boot; no more spares", self._spare_failures)
            return
        if len(self.spares) + self._spares_spawning >= self.spare_target:
            return
        delay = 0.0 if not self._spare_failures else min(0.2 * 2 ** (self._spare_failures - 1), 10.0)
        self._spares_spawning += 1
        self._own(self._spawn_spare(delay + random.uniform(0, 0.05)), "spare")

    # ---- dispatch -----------------------------------------------------------------------

    def all_failed(self) -> bool:
        return all(slot.failed for slot in self.slots)

    def unavailable(self, call_id: int) -> p.Result:
        """The answer when no worker of this pool will ever come up."""
        what = "the MCP host process" if self.role == "mcp-host" else "every worker"
        return p.Result(id=call_id, outcome="error", is_error=True,
                        text=f"{what} failed to start {self.cfg.boot_failure_limit} times in a row "
                             "(--boot-failure-limit) and is not respawned; the gateway's log has the errors")

    def _refuse_queue(self) -> None:
        """Every slot gave up: queued calls get their answer now instead of at their timeout."""
        while self.queue:
            call = self.queue.popleft()
            if not call.started.done():
                call.future.set_result(self.unavailable(call.id))
                call.started.set_result(None)
        self.metrics.queue_depth.set(0)

    def any_ready(self) -> bool:
        return any(s.handle is not None and s.handle.state == "ready" for s in self.slots)

    def _pick(self) -> WorkerHandle | None:
        best: WorkerHandle | None = None
        for slot in self.slots:
            h = slot.handle
            if h is not None and h.accepting and (best is None or len(h.calls) < len(best.calls)):
                best = h
        return best

    def _start(self, call: PendingCall, worker: WorkerHandle) -> None:
        call.worker = worker
        worker.calls[call.id] = call
        now = asyncio.get_running_loop().time()
        call.queued = now - call.arrived
        # What remains of the call's time, not its whole timeout again: queueing was part of it.
        remaining = max(call.deadline - now, MIN_WORKER_TIMEOUT)
        worker.send(p.Call(id=call.id, tool=call.tool, args=call.args, timeout=remaining,
                           state=call.state, progress=call.progress, session=call.session, job_id=call.job_id,
                           requested_timeout=call.timeout))
        call.started.set_result(None)

    def _pump(self) -> None:
        while self.queue:
            worker = self._pick()
            if worker is None:
                return
            call = self.queue.popleft()
            if call.started.done():  # cancelled while queued
                continue
            self._start(call, worker)
        self.metrics.queue_depth.set(len(self.queue))

    async def call(self, call: PendingCall) -> p.Result:
        """Run ``call`` on a worker; the one answer for it (raises Overloaded when the queue is full).

        Answered by ``call.deadline + --deadline-grace`` at the latest, however long it queued."""
        if self.all_failed():
            return self.unavailable(call.id)
        worker = self._pick() if not self.queue else None
        if worker is not None:
            self._start(call, worker)
        else:
            if len(self.queue) >= self.cfg.max_queue:
                raise Overloaded(
                    f"server overloaded: {len(self.queue)} calls are already waiting for a worker "
                    f"(--max-queue={self.cfg.max_queue}); retry later",
                    {"limit": "max_queue", "value": self.cfg.max_queue},
                )
            self.queue.append(call)
            self.metrics.queue_depth.set(len(self.queue))
            try:
                async with asyncio.timeout_at(call.deadline):
                    await asyncio.shield(call.started)
            except TimeoutError:
                call.started.cancel()
                waited = asyncio.get_running_loop().time() - call.arrived
                self.metrics.queue_wait.observe(waited)
                return p.Result(id=call.id, outcome="timeout", is_error=True,
                                text=f"no worker became free within the call's timeout of {call.timeout:g} s",
                                structured=_structured_for(
                                    call, exit_code=None, timed_out=True, truncated=False,
                                    duration_ms=round(waited * 1000, 3), queued_ms=round(waited * 1000, 3)))
            except asyncio.CancelledError:
                if not call.started.done():
                    call.started.cancel()
                else:
                    self._abandon(call)
                raise
        self.metrics.queue_wait.observe(call.queued)
        return await self._answer_of(call)

    async def call_on(self, worker: WorkerHandle, call: PendingCall) -> p.Result:
        """Run ``call`` on this very worker (a job's), past its in-flight cap: job calls are short."""
        if worker.state != "ready":
            return p.Result(id=call.id, outcome="worker_lost", is_error=True,
                            text=f"worker {worker.slot} is gone, and with it everything it ran")
        self._start(call, worker)
        return await self._answer_of(call)

    async def _answer_of(self, call: PendingCall) -> p.Result:
        grace = self.cfg.deadline_grace
        try:
            async with asyncio.timeout_at(call.deadline + grace):
                result = await asyncio.shield(call.future)
            if result.structured is not None and "duration_ms" in result.structured:
                # a bash call's duration_ms is its run in the worker; say how long it queued before
                result = msgspec.structs.replace(
                    result, structured={**result.structured, "queued_ms": round(call.queued * 1000, 3)})
            return result
        except TimeoutError:
            worker = call.worker
            if call.future.done():
                return call.future.result()
            assert worker is not None
            worker.calls.pop(call.id, None)
            self.kill_worker(worker, "deadline",
                             f"call {call.id} missed its deadline (timeout {call.timeout:g} s + "
                             f"--deadline-grace {grace:g} s)")
            waited = asyncio.get_running_loop().time() - call.arrived
            return p.Result(id=call.id, outcome="timeout", is_error=True,
                            text=f"timed out: the worker did not answer within {call.timeout:g} s + "
                                 f"{grace:g} s grace, so it was killed with every process it ran",
                            structured=_structured_for(
                                call, exit_code=None, timed_out=True, truncated=False,
                                duration_ms=round(waited * 1000, 3), queued_ms=round(call.queued * 1000, 3)))
        except asyncio.CancelledError:
            self._abandon(call)
            raise

    def _abandon(self, call: PendingCall) -> None:
        """The caller went away: tell the worker to kill the call's tree; its answer will be dropped."""
        worker = call.worker
        if worker is not None and worker.calls.pop(call.id, None) is not None:
            worker.send(p.Cancel(id=call.id))
            self._pump()

    # ---- background jobs ----------------------------------------------------------------

    def session_jobs(self, session: str) -> list[JobRecord]:
        return [r for r in self.jobs.values() if r.session == session]

    def end_session_jobs(self, session: str) -> None:
        """Session ``session`` is over: its workers kill its jobs' trees; the records go."""
        workers = set()
        for record in self.session_jobs(session):
            del self.jobs[record.job_id]
            workers.add(record.worker)
        for worker in workers:
            if worker.state == "ready":
                worker.send(p.KillJobs(session=session))

    def forget_finished_jobs(self, session: str, keep: int) -> None:
        """Bound the records of a session: the oldest finished ones beyond ``keep`` go."""
        finished = [r for r in self.session_jobs(session) if r.status != "running"]
        for record in finished[: max(0, len(finished) - keep)]:
            del self.jobs[record.job_id]

    # ---- observation --------------------------------------------------------------------

    def update_gauges(self) -> None:
        counts = dict.fromkeys(WORKER_STATES, 0)
        for slot in self.slots:
            h = slot.handle
            if slot.failed:
                counts["failed"] += 1
            elif h is None:
                counts["dead"] += 1
            elif h.state == "ready" and not h.accepting:
                counts["busy"] += 1
            else:
                counts[h.state] = counts.get(h.state, 0) + 1
        counts["spare"] = sum(h.state == "ready" for h in self.spares)
        for state, n in counts.items():
            self.metrics.workers.labels(state).set(n)
        if self.role == "tools":
            live = [s.handle for s in self.slots if s.handle is not None and s.handle.state == "ready"]
            forking = sum(h.forking for h in live)
            self.metrics.shell_spawn.labels("fork").set(forking)
            self.metrics.shell_spawn.labels("exec").set(len(live) - forking)
        self.metrics.queue_depth.set(len(self.queue))

    def status(self) -> list[dict[str, Any]]:
        out = []
        for i, slot in enumerate(self.slots):
            h = slot.handle
            state = "failed" if slot.failed else (h.state if h is not None else "dead")
            if state == "ready" and h is not None and not h.accepting:
                state = "busy"
            out.append({
                "id": i,
                "pid": h.host_pid if h is not None else None,
                "state": state,
                "inflight": len(h.calls) if h is not None else 0,
                "restarts": slot.restarts,
                "isolation": self.isolation,
                "call_isolation": self.worker_cfg.call_isolation,
                "shell_spawn": "fork" if (h.forking if h is not None else self.worker_cfg.shell_builtin) else "exec",
                "tool_uid": self.run_as[0] if self.run_as else os.geteuid(),
            })
        return out


def kill_by_env_marker(key: str, value: str, rounds: int = 20) -> int:
    """SIGKILL every process whose initial environment has ``key=value``; repeat until none is left."""
    needle = f"{key}={value}".encode()
    killed = 0
    for _ in range(rounds):
        found = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    env = f.read()
            except OSError:
                continue
            if needle in env.split(b"\0"):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(entry), signal.SIGKILL)
                    found += 1
        killed += found
        if not found:
            break
    return killed
