"""The worker pool's I/O: worker processes, their sockets, timers, metrics.

A thin asyncio driver around the supervisor core (``gateway.supervisor.Supervisor``), which
makes every decision: this module turns what happens (a process started or exited, bytes on
a socket, a call arriving or cancelled, a timer firing) into the core's events, and carries
out the actions it returns (send, answer, kill a tree, spawn, tell the owner, count).

Promises:
- ``WorkerPool.call`` answers every call exactly once and never waits on a worker longer than
  the call's timeout + ``--deadline-grace`` after its arrival; a worker that misses that
  deadline (or its heartbeats) is killed with its whole process tree, every call on it is
  answered at once (``worker_lost``), and the slot is refilled (a spare, else a respawn with
  backoff).
- The pool owns every task it starts (``shared.tasks.TaskOwner``: a failure is logged once,
  with its traceback); ``close`` cancels them.  The supervisor loop (boot and heartbeat checks,
  respawns) is restarted when it fails, so supervision never stops silently.
- ``/status`` pids are the workers' own host pids: the kernel's credentials on a worker's first
  message (``SCM_CREDENTIALS``), never a look at the ``unshare`` wrapper's children.
- ``close`` leaves no process behind: workers are told to stop, then every tree is SIGKILLed
  (a stopped ``unshare`` wrapper included) and the wrappers reaped.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import math
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from gateway.config import GatewayConfig
from gateway.metrics import Metrics
from gateway.supervisor import (
    SPARE,
    Action,
    Answer,
    Count,
    Dispatch,
    Kill,
    Metric,
    Observe,
    Send,
    SetReady,
    Spawn,
    Supervisor,
    Ticket,
    Worker,
    WorkerLost,
    WorkerReady,
    WorkerState,
)
from gateway.transfers import FilesChannel
from shared import protocol as p
from shared.config import WorkerConfig, dump_worker_config
from shared.framing import FrameBuffer, FrameTooLarge, frame
from shared.tasks import TaskOwner

__all__ = ["SPARE", "JobRecord", "PendingCall", "TerminalRecord", "TerminalStream", "WorkerHandle", "WorkerPool",
           "detect_call_isolation",
           "detect_isolation", "kill_by_env_marker", "worker_env"]

logger = logging.getLogger(__name__)

KILL_WAIT = 3.0
FIRST_READ = 65536
_UCRED = struct.Struct("3i")  # struct ucred: pid, uid, gid
_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)


# What a worker inherits of the gateway's environment: nothing else (no token, no configuration);
# its tools get less still (worker/worker.py, Worker._base_env).
WORKER_ENV_KEYS = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ",
                   "SANDBOX_GREP_ENGINE")  # a test hook: "python" makes grep skip rg, "rg" start with it


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


class PendingCall:
    """One tool call between receipt and answer.

    Its ``deadline`` (event-loop time) is fixed when it is made, i.e. when the call arrives: queueing
    for a worker spends the call's own time, the worker is sent what remains, and the answer comes by
    ``deadline + --deadline-grace`` at the latest.  ``future`` gets the one answer; ``worker`` and
    ``queued`` (seconds it waited for a worker) are set when a worker takes it."""

    __slots__ = ("args", "arrived", "deadline", "future", "id", "job_id", "on_progress", "progress", "queued",
                 "session", "state", "timeout", "timer", "tool", "worker")

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
        self.worker: WorkerHandle | None = None
        self.timer: asyncio.TimerHandle | None = None  # the pool's, at the call's next deadline


class WorkerHandle(asyncio.Protocol):
    """The gateway's side of one worker process and its socket.

    It carries bytes and signals and decides nothing: what it hears goes to the supervisor core
    as events.  ``state``, ``slot``, ``host_pid`` and ``calls`` are the core's record of the
    worker (``gateway.supervisor.Worker``)."""

    def __init__(self, pool: WorkerPool, worker: Worker, marker: str, proc: asyncio.subprocess.Process) -> None:
        self.pool = pool
        self.worker = worker
        self.id = worker.id
        self.marker = marker
        self.proc = proc
        self.transport: asyncio.Transport | None = None
        self.frames = FrameBuffer(pool.worker_cfg.max_frame_size)
        self.watcher: asyncio.Task[None] | None = None
        self.peer_pid: int | None = None  # from the kernel's credentials on the first message
        self._first: bytes = b""  # read with those credentials, before the transport existed
        self.files: FilesChannel | None = None  # /files transfers and resources (tools workers)

    @property
    def state(self) -> WorkerState:
        return self.worker.state

    @property
    def slot(self) -> int:
        return self.worker.slot

    @property
    def host_pid(self) -> int | None:
        """The worker's own pid in the gateway's pid namespace (None until it has said Hello)."""
        return self.worker.host_pid

    @property
    def calls(self) -> dict[int, Ticket]:
        return self.worker.calls

    @property
    def forking(self) -> bool:
        return self.worker.forking

    @property
    def exit_code(self) -> int | None:
        return self.worker.exit_code

    # -- asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        first, self._first = self._first, b""
        if first:
            self.data_received(first)

    def data_received(self, data: bytes) -> None:
        pool = self.pool
        now = pool.loop.time()
        pool.core.heard(self.id, now)
        try:
            bodies = self.frames.feed(data)
        except FrameTooLarge as exc:
            pool.event(pool.core.broken(self.id, f"protocol error: {exc}", now))
            return
        for body in bodies:
            try:
                msg = p.decode_from_worker(body)
            except msgspec.DecodeError as exc:
                pool.event(pool.core.broken(self.id, f"protocol error: undecodable message ({exc})", now))
                return
            pool.on_message(self, msg, now)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.pool.event(self.pool.core.broken(self.id, "the worker closed its socket", self.pool.loop.time()))

    # --

    def send(self, msg: Any) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame(p.encode(msg)))


class _Running:
    """Something a session started that runs in a worker: where it lives, whose it is, and what the
    gateway last heard of it."""

    __slots__ = ("command", "exit_code", "session", "started", "status", "worker")

    def __init__(self, session: str, command: str, worker: WorkerHandle) -> None:
        self.session = session
        self.command = command
        self.worker = worker
        self.started = time.monotonic()
        self.status = "running"
        self.exit_code: int | None = None


class JobRecord(_Running):
    """A background job (``bash`` with ``run_in_background``)."""

    __slots__ = ("job_id",)

    def __init__(self, job_id: str, session: str, command: str, worker: WorkerHandle) -> None:
        super().__init__(session, command, worker)
        self.job_id = job_id


class TerminalRecord(_Running):
    """A terminal (``terminal_start``)."""

    __slots__ = ("terminal_id",)

    def __init__(self, terminal_id: str, session: str, command: str, worker: WorkerHandle) -> None:
        super().__init__(session, command, worker)
        self.terminal_id = terminal_id


# What a watch of a terminal's output (the web terminal) is told: TerminalOutput or TerminalEnded messages.
TerminalStream = Callable[[p.TerminalOutput | p.TerminalEnded], None]


class WorkerPool:
    """Workers of one role: ``tools`` (bash, file tools, jobs) or ``mcp-host`` (one process that runs the
    managed MCP servers; its calls are answered by its own MCP clients' timeouts, so it takes many at once).

    ``on_ready``/``on_lost`` are told when a worker takes a slot (booted, or a spare) or is lost;
    ``on_servers`` gets the MCP host's ``ServersUpdate`` messages.  The decisions are
    ``self.core``'s (``gateway.supervisor.Supervisor``); this class is its driver.
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
            terminal_scrollback=cfg.terminal_scrollback,
            max_pattern_bytes=cfg.max_pattern_bytes,
            max_upload_bytes=cfg.max_upload_bytes,
            max_download_bytes=cfg.max_download_bytes,
            role=role,
            mcp_max_servers=cfg.mcp_max_servers,
            mcp_health_interval=cfg.mcp_health_interval,
            mcp_max_line_bytes=cfg.mcp_max_line_bytes,
            mcp_start_timeout=cfg.mcp_start_timeout,
        )
        self.run_as = run_as
        self.core = Supervisor(
            workers=cfg.workers if role == "tools" else 1,
            spares=cfg.spare_workers if role == "tools" else 0,
            max_calls=self.max_calls,
            max_queue=cfg.max_queue,
            deadline_grace=cfg.deadline_grace,
            heartbeat_timeout=cfg.heartbeat_timeout,
            boot_failure_limit=cfg.boot_failure_limit,
            role=role,
        )
        self.handles: dict[int, WorkerHandle] = {}  # by worker id, from process start until it is reaped
        self.tasks = TaskOwner(logger)
        self.ready_event = asyncio.Event()
        self.jobs: dict[str, JobRecord] = {}
        self.terminals: dict[str, TerminalRecord] = {}
        # watches of terminals' output (gateway.terminal_web), by watch id: the worker they stream from, and
        # what is told of them
        self.terminal_streams: dict[int, tuple[WorkerHandle, TerminalStream]] = {}
        self._pending: dict[int, PendingCall] = {}  # calls the core has not answered yet, by id
        self._spawning: set[asyncio.Task[None]] = set()  # processes being started
        # The supervisor loop wakes every tick interval, or earlier for a respawn that is due.
        self._tick_interval = min(cfg.heartbeat_interval, 0.5)
        self._wake = asyncio.Event()
        self._sleeping_until = math.inf

    # ---- what the gateway reads ---------------------------------------------------------

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The running loop: the pool may be made before it runs, and works only on it."""
        return asyncio.get_running_loop()

    @property
    def closing(self) -> bool:
        return self.core.draining

    @property
    def queue(self) -> collections.deque[Ticket]:
        """The calls waiting for a worker, oldest first (``len()`` works on it)."""
        return self.core.queue

    @property
    def spares(self) -> list[WorkerHandle]:
        """Spare workers (starting or booted) whose process has started."""
        return [h for w in self.core.spares if (h := self.handles.get(w.id)) is not None]

    def any_ready(self) -> bool:
        return self.core.any_ready()

    def all_failed(self) -> bool:
        return self.core.all_failed()

    def unavailable(self, call_id: int) -> p.Result:
        """The answer when no worker of this pool will ever come up."""
        return self.core.unavailable(call_id)

    # ---- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Start every worker process and the spares' (returns once they run, not once they are ready),
        and the supervisor loop."""
        self.event(self.core.start(self.loop.time()))
        self._start_supervisor(0.0)
        if self._spawning:
            await asyncio.wait(list(self._spawning))

    def _start_supervisor(self, pause: float) -> None:
        self.tasks.spawn(self._supervise(pause), "supervisor", on_error=self._supervisor_failed)

    def _supervisor_failed(self, _task: asyncio.Task[Any], _exc: BaseException) -> None:
        # Logged with its traceback by the task owner already.  Without the loop no heartbeat or
        # boot is checked and no slot refilled, so it is restarted (after a tick, so that a bug that
        # fails every tick logs once per tick rather than spinning).
        if not self.core.draining:
            logger.error("the %s pool's supervisor loop failed; restarting it", self.role)
            self._start_supervisor(self._tick_interval)

    async def _supervise(self, pause: float) -> None:
        """The one periodic task: boots and heartbeats overdue, respawns due (``Supervisor.tick``)."""
        if pause:
            await asyncio.sleep(pause)
        while True:
            now = self.loop.time()
            self._apply(self.core.tick(now))
            until = now + self._tick_interval
            wakeup = self.core.next_wakeup()
            if wakeup is not None:
                until = min(until, wakeup)
            self._wake.clear()
            self._sleeping_until = until
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout_at(until):
                    await self._wake.wait()

    async def close(self) -> None:
        """Stop every worker: Shutdown and SIGTERM, up to ``KILL_WAIT`` for them to exit, then SIGKILL
        of every tree left (a stopped wrapper included); returns once the processes are reaped (bounded)
        and every task of the pool is done."""
        handles = list(self.handles.values())
        self.event(self.core.drain(self.loop.time()))
        for h in handles:
            if h.proc.returncode is None:  # not reaped: its pid is still ours
                with contextlib.suppress(ProcessLookupError):
                    h.proc.send_signal(signal.SIGTERM)
        await self._until_exited(handles)
        self.event(self.core.close(self.loop.time()))
        await self._until_exited(list(self.handles.values()))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(KILL_WAIT):
                await self.tasks.close()

    async def _until_exited(self, handles: list[WorkerHandle]) -> None:
        """Wait (at most ``KILL_WAIT``) until the processes of ``handles`` have exited and been reaped."""
        waits = [h.watcher for h in handles if h.watcher is not None and not h.watcher.done()]
        if waits:
            await asyncio.wait(waits, timeout=KILL_WAIT)

    # ---- processes ----------------------------------------------------------------------

    async def _spawn(self, worker: Worker) -> None:
        """Start worker ``worker``'s process and connect to it; the core hears how that went."""
        slot = worker.slot
        marker = f"{self.nonce}.{'spare' if slot == SPARE else slot}.{worker.id}"
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        # The kernel attaches the sender's credentials to what the worker writes from now on, its pid
        # translated into the gateway's pid namespace: the first message names the worker's own pid
        # (never the unshare wrapper's, whose children a look at /proc can catch between states).
        parent.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        wcfg = msgspec.structs.replace(self.worker_cfg, worker_id=max(slot, 0))
        log_level = "DEBUG" if self.cfg.log_level.upper() == "DEBUG" else "WARNING"
        argv = [sys.executable, "-m", "worker", "--fd", str(child.fileno()), "--config",
                dump_worker_config(wcfg), "--log-level", log_level]
        theirs = [child]  # closed here once the worker has them
        files_ours: socket.socket | None = None
        if self.role == "tools":  # the files channel: descriptors travel on it (gateway.transfers)
            files_ours, files_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            argv += ["--files-fd", str(files_theirs.fileno())]
            theirs.append(files_theirs)
        pass_fds = [s.fileno() for s in theirs]
        if self.isolation == "pidns":
            net = ["--net"] if self.cfg.no_network else []
            argv = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc", *net, *argv]
        try:
            proc = await asyncio.create_subprocess_exec(
                *argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, pass_fds=pass_fds,
                start_new_session=True, env=worker_env(marker), cwd=self.workspace,
            )
        except BaseException as exc:  # cancelled (the pool closing) or the exec failed: ours go too
            parent.close()
            if files_ours is not None:
                files_ours.close()
            if not isinstance(exc, OSError):
                raise
            self.event(self.core.spawn_failed(worker.id, str(exc), self.loop.time()))
            return
        finally:
            # through the socket objects: closing their numbers alone would leave the objects to close
            # them again when collected, by then perhaps another descriptor's number
            for sock in theirs:
                sock.close()
        handle = WorkerHandle(self, worker, marker, proc)
        if files_ours is not None:
            handle.files = FilesChannel(files_ours, self.loop, worker.id)
        self.handles[worker.id] = handle
        handle.watcher = self.tasks.spawn(self._watch(handle), f"watch-worker-{worker.id}")
        if worker.state is WorkerState.DEAD:  # lost while its process started (the pool closed)
            parent.close()
            self._kill_tree(handle)
            return
        self.event(self.core.spawned(worker.id, self.loop.time()))
        try:
            await self._connect(handle, parent)
        except BaseException:
            parent.close()
            raise

    async def _connect(self, handle: WorkerHandle, sock: socket.socket) -> None:
        """Read the worker's first bytes with their credentials, then hand the socket to the loop."""
        sock.setblocking(False)
        readable: asyncio.Future[None] = self.loop.create_future()

        def on_readable() -> None:
            if not readable.done():
                readable.set_result(None)

        self.loop.add_reader(sock.fileno(), on_readable)
        try:
            await readable
        finally:
            self.loop.remove_reader(sock.fileno())
        try:
            data, ancillary, _flags, _addr = sock.recvmsg(FIRST_READ, socket.CMSG_SPACE(_UCRED.size))
        except OSError as exc:
            sock.close()
            self.event(self.core.broken(handle.id, f"cannot read from the worker's socket: {exc}",
                                        self.loop.time()))
            return
        if not data:
            sock.close()
            self.event(self.core.broken(handle.id, "the worker closed its socket before saying hello",
                                        self.loop.time()))
            return
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS and len(value) >= _UCRED.size:
                pid = _UCRED.unpack_from(value)[0]
                handle.peer_pid = pid if pid > 0 else None  # 0: not visible from here (never for our child)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 0)  # the rest needs no credentials
        handle._first = data
        await self.loop.create_connection(lambda: handle, sock=sock)

    async def _watch(self, handle: WorkerHandle) -> None:
        code = await handle.proc.wait()
        if handle.files is not None:
            handle.files.close()
        self.event(self.core.exited(handle.id, code, self.loop.time()))
        # Only now: a Kill that losing it caused still finds the handle.
        self.handles.pop(handle.id, None)

    def _kill_tree(self, handle: WorkerHandle) -> None:
        """SIGKILL ``handle``'s whole process tree and drop its sockets."""
        if handle.transport is not None:
            handle.transport.abort()
        if handle.files is not None:
            handle.files.close()
        # The session the worker was started in holds the worker and, under pidns, its unshare wrapper:
        # SIGKILL reaches both even when stopped.  The worker is the init of its pid namespace, and
        # the kernel kills everything in the namespace when it dies.  Without one, its processes are
        # found by marker.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(handle.proc.pid, signal.SIGKILL)
        if handle.proc.returncode is None:  # not reaped, so the pid cannot have been reused
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(handle.proc.pid, signal.SIGKILL)
        if self.isolation == "subreaper":
            kill_by_env_marker("SANDBOX_WORKER", handle.marker)

    # ---- events in, actions out ---------------------------------------------------------

    def event(self, actions: list[Action]) -> None:
        """Carry out the actions of an event that may have scheduled a respawn (waking the supervisor
        loop if that is due before it would wake)."""
        self._apply(actions)
        wakeup = self.core.next_wakeup()
        if wakeup is not None and wakeup < self._sleeping_until:
            self._wake.set()

    def _apply(self, actions: list[Action]) -> None:
        """Carry out ``actions`` in order; one that fails is logged and does not stop the others."""
        for action in actions:
            try:
                self._carry_out(action)
            except Exception:
                logger.error("could not carry out %r", action, exc_info=True)

    def _carry_out(self, action: Action) -> None:
        match action:
            case Dispatch(call_id, worker_id, remaining, queued):
                call = self._pending[call_id]
                handle = self.handles[worker_id]
                call.worker = handle
                call.queued = queued
                handle.send(p.Call(id=call_id, tool=call.tool, args=call.args, timeout=remaining, state=call.state,
                                   progress=call.progress, session=call.session, job_id=call.job_id,
                                   requested_timeout=call.timeout))
            case Answer(call_id, result, worker_id):
                answered = self._pending.pop(call_id, None)
                if answered is None:
                    return
                if answered.timer is not None:
                    answered.timer.cancel()
                    answered.timer = None
                if worker_id is not None and answered.job_id and not result.is_error:
                    # Recorded here, not by the caller: the job's JobExit may be in this same read.
                    command, handle = str(answered.args.get("command", "bash")), self.handles[worker_id]
                    if answered.tool == "terminal_start":
                        self.terminals[answered.job_id] = TerminalRecord(answered.job_id, answered.session, command,
                                                                         handle)
                    else:
                        self.jobs[answered.job_id] = JobRecord(answered.job_id, answered.session, command, handle)
                if not answered.future.done():
                    answered.future.set_result(result)
            case Observe(Metric.QUEUE_WAIT, seconds):
                self.metrics.queue_wait.observe(seconds)
            case Send(worker_id, msg):
                if (recipient := self.handles.get(worker_id)) is not None:
                    recipient.send(msg)
            case Kill(worker_id):
                if (doomed := self.handles.get(worker_id)) is not None:
                    self._kill_tree(doomed)
            case Spawn(worker_id, _slot):
                worker = self.core.workers.get(worker_id)
                if worker is not None:
                    task = self.tasks.spawn(self._spawn(worker), f"spawn-worker-{worker_id}")
                    self._spawning.add(task)
                    task.add_done_callback(self._spawning.discard)
            case WorkerReady(worker_id, _slot):
                if self.on_ready is not None:
                    self.on_ready(self.handles[worker_id])
            case WorkerLost(worker_id, _slot):
                lost = self.handles.get(worker_id)
                if lost is None:
                    return
                for record in self.jobs.values():
                    if record.worker is lost and record.status == "running":
                        record.status = "lost"
                for terminal in self.terminals.values():
                    if terminal.worker is lost and terminal.status == "running":
                        terminal.status = "lost"
                for watch_id, (source, stream) in list(self.terminal_streams.items()):
                    if source is lost:
                        stream(p.TerminalEnded(watch=watch_id, reason="the terminal's worker died, and every "
                                                                      "process of the terminal with it"))
                if self.on_lost is not None:
                    self.on_lost(lost)
            case SetReady(ready):
                if ready:
                    self.ready_event.set()
                else:
                    self.ready_event.clear()
            case Count(Metric.WORKER_RESTARTS, reason, amount):
                self.metrics.worker_restarts.labels(reason).inc(amount)
            case Count(Metric.DEADLINE_KILLS, _label, amount):
                self.metrics.deadline_kills.inc(amount)
            case Count(Metric.ZYGOTE_RESTARTS, _label, amount):
                self.metrics.zygote_restarts.inc(amount)
            case _:
                raise AssertionError(f"no driver for action {action!r}")

    # ---- messages from workers ----------------------------------------------------------

    def on_message(self, handle: WorkerHandle, msg: p.FromWorker, now: float) -> None:
        match msg:
            case p.Result():
                self._apply(self.core.result(handle.id, msg, now))
            case p.Progress():
                call = self._pending.get(msg.id)
                if call is not None and call.worker is handle and call.on_progress is not None:
                    call.on_progress(msg.text)
            case p.JobExit():
                record = self.jobs.get(msg.job_id)
                if record is not None and record.worker is handle:
                    record.status = msg.status
                    record.exit_code = msg.exit_code
            case p.Heartbeat():
                self._apply(self.core.heartbeat(handle.id, msg.forking, msg.zygote_restarts, now))
            case p.Hello():
                self.event(self.core.hello(handle.id, handle.peer_pid, msg.forking, now))
            case p.ServersUpdate():
                if self.on_servers is not None:
                    self.on_servers(msg)
            case p.TerminalExit():
                terminal = self.terminals.get(msg.terminal_id)
                if terminal is not None and terminal.worker is handle:
                    terminal.status = msg.status
                    terminal.exit_code = msg.exit_code
            case p.TerminalOutput() | p.TerminalEnded():
                watched = self.terminal_streams.get(msg.watch)
                if watched is not None and watched[0] is handle:
                    watched[1](msg)

    # ---- dispatch -----------------------------------------------------------------------

    async def call(self, call: PendingCall) -> p.Result:
        """Run ``call`` on a worker; the one answer for it (raises Overloaded when the queue is full).

        Answered by ``call.deadline + --deadline-grace`` at the latest, however long it queued."""
        actions = self.core.call_arrived(Ticket(call.id, call.arrived, call.timeout, call.tool), self.loop.time())
        self._pending[call.id] = call
        self._apply(actions)
        return await self._answer_of(call)

    async def call_on(self, worker: WorkerHandle, call: PendingCall) -> p.Result:
        """Run ``call`` on this very worker (a job's), past its in-flight cap: job calls are short."""
        actions = self.core.call_arrived(Ticket(call.id, call.arrived, call.timeout, call.tool), self.loop.time(),
                                         on=worker.worker)
        self._pending[call.id] = call
        self._apply(actions)
        return await self._answer_of(call)

    async def _answer_of(self, call: PendingCall) -> p.Result:
        if call.id in self._pending:
            self._arm(call)
        try:
            return await call.future
        except asyncio.CancelledError:
            if self._pending.pop(call.id, None) is not None:
                if call.timer is not None:
                    call.timer.cancel()
                    call.timer = None
                self._apply(self.core.call_cancelled(call.id, self.loop.time()))
            raise

    def _arm(self, call: PendingCall) -> None:
        """A timer at the call's next deadline (its deadline while queued, then deadline + grace)."""
        due = self.core.next_deadline(call.id)
        if due is not None:
            call.timer = self.loop.call_at(due, self._deadline_due, call)

    def _deadline_due(self, call: PendingCall) -> None:
        call.timer = None
        if call.id not in self._pending:
            return
        self.event(self.core.deadline_passed(call.id, self.loop.time()))
        if call.id in self._pending:  # dispatched meanwhile, or the timer came early: the next one
            self._arm(call)

    # ---- the files channel --------------------------------------------------------------

    def files_channel(self) -> FilesChannel | None:
        """The files channel of a ready worker (the least busy one), or None when no worker is ready."""
        best: FilesChannel | None = None
        for slot in self.core.slots:
            w = slot.worker
            if w is None or w.state is not WorkerState.READY:
                continue
            handle = self.handles.get(w.id)
            channel = handle.files if handle is not None else None
            if channel is not None and not channel.closed and (best is None or channel.busy < best.busy):
                best = channel
        return best

    # ---- background jobs ----------------------------------------------------------------

    def session_jobs(self, session: str) -> list[JobRecord]:
        return [r for r in self.jobs.values() if r.session == session]

    def session_terminals(self, session: str) -> list[TerminalRecord]:
        return [r for r in self.terminals.values() if r.session == session]

    def session_running(self, session: str) -> int:
        """Background jobs and terminals of ``session`` still running: what --max-jobs-per-session bounds."""
        return (sum(1 for r in self.session_jobs(session) if r.status == "running")
                + sum(1 for t in self.session_terminals(session) if t.status == "running"))

    def end_session_jobs(self, session: str) -> None:
        """Session ``session`` is over: the workers kill its jobs' and terminals' trees; the records go.

        Every ready worker is told, not only those the records name: a job or terminal whose start was
        cancelled just after it started (the session ending meanwhile) has no record, and must die too."""
        for record in self.session_jobs(session):
            del self.jobs[record.job_id]
        for terminal in self.session_terminals(session):
            del self.terminals[terminal.terminal_id]
        for worker in list(self.handles.values()):
            if worker.state is WorkerState.READY:
                worker.send(p.KillJobs(session=session))

    def forget_finished_jobs(self, session: str, keep: int) -> None:
        """Bound the records of a session: the oldest finished ones beyond ``keep`` go."""
        finished = [r for r in self.session_jobs(session) if r.status != "running"]
        for record in finished[: max(0, len(finished) - keep)]:
            del self.jobs[record.job_id]
        ended = [r for r in self.session_terminals(session) if r.status != "running"]
        for terminal in ended[: max(0, len(ended) - keep)]:
            del self.terminals[terminal.terminal_id]

    # ---- observation --------------------------------------------------------------------

    def update_gauges(self) -> None:
        for state, n in self.core.state_counts().items():
            self.metrics.workers.labels(state).set(n)
        if self.role == "tools":
            live = [s.worker for s in self.core.slots if s.worker is not None and s.worker.state is WorkerState.READY]
            forking = sum(w.forking for w in live)
            self.metrics.shell_spawn.labels("fork").set(forking)
            self.metrics.shell_spawn.labels("exec").set(len(live) - forking)
        self.metrics.queue_depth.set(len(self.core.queue))

    def status(self) -> list[dict[str, Any]]:
        out = []
        for slot in self.core.slots:
            w = slot.worker
            out.append({
                "id": slot.index,
                "pid": w.host_pid if w is not None else None,
                "state": self.core.slot_state(slot),
                "inflight": len(w.calls) if w is not None else 0,
                "restarts": slot.restarts,
                "isolation": self.isolation,
                "call_isolation": self.worker_cfg.call_isolation,
                "shell_spawn": "fork" if (w.forking if w is not None else self.worker_cfg.shell_builtin) else "exec",
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
