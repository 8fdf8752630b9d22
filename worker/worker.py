"""The worker process: receives calls over its Unix socket, runs each in its own shell, answers once.

Started by the gateway (never forked from a running loop), in its own session
and, where possible, as init of its own pid namespace.  It sends heartbeats
from its event loop, so a blocked or frozen worker is noticed by the gateway.
Exit codes: 0 clean, 3 boot failure (the gateway stops respawning after a few).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import signal
import socket
import sys
from collections import deque
from typing import Any

import msgspec
import uvloop

from shared import protocol as p
from shared.config import WorkerConfig, load_worker_config
from shared.framing import FrameBuffer, FrameTooLarge, frame
from shared.hygiene import close_inherited_on_exec, make_undumpable
from shared.tasks import TaskOwner
from shared.terminal_tools import TERMINAL_TOOL_NAMES
from shared.tools import TOOLS, ToolArgsError, validate_args
from shared.toolset import helper_tool_names
from worker.bash import ShellRunner, outcome_to_result
from worker.files_relay import FilesRelay
from worker.jobs import Job, JobLimitError, JobTable, UnknownJob
from worker.paths import PathError
from worker.procs import (
    Reaper,
    Shell,
    ShellFactory,
    children_of,
    in_proc,
    kill_marked_tree,
    main_thread_children,
    pidfds_work,
    set_child_subreaper,
)
from worker.terminals import TerminalTable, terminal_call
from worker.tools.client import FileHelper

__all__ = ["BOOT_ERROR", "Worker", "main"]

logger = logging.getLogger("worker")

BOOT_ERROR = p.BOOT_ERROR
HELPER_TOOLS = helper_tool_names()  # run by the file helper, as the tool user
PROGRESS_INTERVAL = 0.2
PROGRESS_MAX_CHARS = 16384
# How long a call's answer waits for the processes its cleanup killed to die.  SIGKILL takes well
# under a millisecond of their CPU, more only on a loaded machine or in an uninterruptible syscall;
# a deadline's answer is promised within 0.5 s past the timeout, so this must stay well inside that.
DEATH_WAIT = 0.2


class Worker(asyncio.Protocol):
    """Owns every call task and every process of this worker.

    Every task it starts (calls, heartbeats, a role's background tasks) belongs to ``tasks``,
    which logs a failure once, with its traceback."""

    def __init__(self, cfg: WorkerConfig, loop: asyncio.AbstractEventLoop) -> None:
        self.cfg = cfg
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.frames = FrameBuffer(cfg.max_frame_size)
        self.tasks = TaskOwner(logger)
        self.calls: dict[int, asyncio.Task[None]] = {}
        self.closed = loop.create_future()
        self.draining = False
        self.reaper = Reaper(loop)
        self.me = os.getpid()
        self.owned: set[int] = set()  # pids of children that are not shells (kept out of tree kills)
        base_env = self._base_env()
        self.base_env = base_env
        self.factory = ShellFactory(
            self.reaper,
            env=base_env,
            limits=self._limits(),
            marker_prefix=f"{os.environ.get('SANDBOX_WORKER', 'w')}.{os.getpid()}",
            run_as=(cfg.run_as_uid, cfg.run_as_gid) if cfg.run_as_uid >= 0 else None,
            fork_builtin=cfg.shell_builtin or None,
            pidns=cfg.call_isolation == "pidns",
        )
        self.warm: deque[Shell] = deque()  # oldest first: the oldest shell is the most surely ready
        self.warm_target = cfg.warm_shells
        self._peak_inflight = 0  # most calls in flight since the last resize_warm_pool
        self._spawning: set[asyncio.Future[Shell]] = set()  # spawns under way on the spawner thread
        self._waiters: deque[asyncio.Future[Shell]] = deque()  # calls that found no warm shell, oldest first
        # the file tools run in a helper process, as the tool user (worker/tools/helper.py)
        self.files = FileHelper(cfg, loop, self.reaper, self.owned, base_env)
        self.runner = ShellRunner(
            workspace=cfg.workspace,
            base_env=base_env,
            max_output=cfg.max_output_bytes,
            drain_timeout=cfg.drain_timeout,
            acquire=self.acquire_shell,
            cleanup=self.cleanup_shell,
        )
        self.jobs = JobTable(self._run_job, max_jobs=cfg.max_jobs_per_session, output_bytes=cfg.job_output_bytes,
                             on_exit=self._job_exited, others_running=lambda s: self.terminals.running(s))
        self.terminals = TerminalTable(loop, self.factory, max_terminals=cfg.max_jobs_per_session,
                                       output_bytes=cfg.job_output_bytes, scrollback=cfg.terminal_scrollback,
                                       others_running=self.jobs.running, send=self.send, exclude=self.owned)

    # ---- set-up -----------------------------------------------------------------------

    def _base_env(self) -> dict[str, str]:
        keep = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "SANDBOX_WORKER")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        if "LC_ALL" not in env and env.get("LANG", "C.UTF-8") in ("C.UTF-8", "C.utf8"):
            # C.UTF-8 differs from the C locale only in its character set, so LC_CTYPE alone is the
            # same locale for every program, and a shell then loads one locale file, not twelve:
            # ~0.2 ms less CPU for each call's shell.
            env.pop("LANG", None)
            env.setdefault("LC_CTYPE", "C.UTF-8")
        env["HOME"] = os.path.realpath(self.cfg.workspace)
        env["TERM"] = "dumb"
        env["SANDBOX_WORKSPACE"] = os.path.realpath(self.cfg.workspace)
        return env

    def _limits(self) -> dict[int, int]:
        cfg = self.cfg
        table = {
            resource.RLIMIT_AS: cfg.limit_address_space,
            resource.RLIMIT_CPU: cfg.limit_cpu_seconds,
            resource.RLIMIT_FSIZE: cfg.limit_file_size,
            resource.RLIMIT_NOFILE: cfg.limit_open_files,
            resource.RLIMIT_NPROC: cfg.limit_processes,
        }
        return {res: value for res, value in table.items() if value > 0}

    # ---- shells -----------------------------------------------------------------------

    async def acquire_shell(self) -> Shell:
        """A shell for a call: the oldest warm one, else the next one the spawner thread delivers.

        Spawns run on the spawner thread, one after another, so a call that finds the pool empty
        waits for the spawn already under way rather than queueing a new one behind it.
        """
        inflight = len(self.calls)
        self._peak_inflight = max(self._peak_inflight, inflight)
        if inflight > self.warm_target and self.cfg.warm_shells > 0:
            self.warm_target = max(self.warm_target, min(inflight, self.cfg.max_warm_shells))
        while self.warm:
            shell = self.warm.popleft()
            if shell.exit is not None and not shell.exit.done():
                # After the call has handed its script to the shell: a refill wakes the zygote, which
                # would otherwise run (on this core, too) before the call's own shell does.
                self.loop.call_soon(self._refill)
                return shell
            shell.close_fds()
        waiter: asyncio.Future[Shell] = self.loop.create_future()
        self._waiters.append(waiter)
        self._refill()
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._discard_shell(waiter.result())  # handed over just as the call was cancelled
            raise

    def _refill(self) -> None:
        """Start the spawns that bring warm shells plus waiting calls up to the target (never blocks)."""
        if self.draining:
            return
        while self._waiters and self._waiters[0].done():
            self._waiters.popleft()  # cancelled calls
        wanted = self.warm_target + len(self._waiters) - len(self.warm) - len(self._spawning)
        for _ in range(wanted):
            spawning = self.factory.spawn_later(self.loop)
            self._spawning.add(spawning)
            spawning.add_done_callback(self._refilled)

    def _refilled(self, spawning: asyncio.Future[Shell]) -> None:
        self._spawning.discard(spawning)
        if spawning.cancelled():
            return
        exc = spawning.exception()
        if exc is not None:
            logger.warning("could not start a shell: %s", exc)
            while self._waiters:  # the oldest waiting call learns why instead of waiting for its deadline
                waiter = self._waiters.popleft()
                if not waiter.done():
                    waiter.set_exception(exc)
                    break
            return
        shell = spawning.result()
        if self.draining:
            self._discard_shell(shell)
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(shell)
                return
        self.warm.append(shell)

    def resize_warm_pool(self) -> None:
        """Called every heartbeat: shrink the pool by one shell toward the recent peak of calls in flight.

        Growth happens at once in ``acquire_shell``; shrinking is slow so a bursty load does not pay
        for the same shells twice.  Never below ``warm_shells``.
        """
        floor = max(self.cfg.warm_shells, min(self._peak_inflight, self.cfg.max_warm_shells))
        self._peak_inflight = len(self.calls)
        if self.warm_target > floor:
            self.warm_target -= 1
            while len(self.warm) > self.warm_target:
                self._discard_shell(self.warm.pop())  # the newest: it may still be starting

    async def cleanup_shell(self, shell: Shell, shell_alive: bool) -> int:
        """Kill what is left of a call: the shell (if alive) and everything it started.

        Returns how many processes were killed, once they are dead (or after ``DEATH_WAIT``)."""
        if shell_alive:
            # SIGKILL first: from then on the shell cannot fork, so one look finds all it started
            # (its children, or, once it is gone, the orphans they became).
            try:
                os.kill(shell.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if shell.contained != "wrapper" and not children_of(shell.pid) and self._no_orphans(shell):
                return 1  # the usual end of a call answered on its record: only the shell was left
        elif self._no_orphans(shell):
            return 0
        killed = self.factory.kill(shell, alive=shell_alive, exclude=self.owned)
        await self.until_gone(killed)
        return len(killed)

    def _no_orphans(self, shell: Shell) -> bool:
        """Whether nothing ``shell`` started can have escaped it: in a pid namespace of its own its
        orphans stay inside (its init's children), else the worker has no unknown children."""
        if shell.contained:
            return True
        live, owned = self.factory.live, self.owned
        return all(pid in live or pid in owned for pid in main_thread_children(self.me))

    async def until_gone(self, pids: set[int], limit: float = DEATH_WAIT) -> None:
        """Wait for killed processes to die, for at most ``limit`` s: a call is answered once
        what it started is dead (its ports and locks free), but a process stuck in the kernel
        does not hold the answer."""
        try:
            async with asyncio.timeout(limit):
                await self.reaper.gone(pids)
        except TimeoutError:
            logger.warning("killed processes still not dead after %.2f s: %s", limit,
                           sorted(filter(in_proc, pids)))

    # ---- protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        try:
            frames = self.frames.feed(data)
        except FrameTooLarge as exc:
            logger.error("gateway sent an oversized frame: %s", exc)
            if self.transport is not None:
                self.transport.close()
            return
        for body in frames:
            try:
                msg = p.decode_to_worker(body)
            except msgspec.DecodeError as exc:
                logger.error("undecodable message from the gateway: %s", exc)
                continue
            self.handle(msg)

    def send(self, msg: Any) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame(p.encode(msg)))

    def handle(self, msg: p.ToWorker) -> None:
        match msg:
            case p.Call():
                if msg.id in self.calls:
                    self.send(p.Result(id=msg.id, text=f"duplicate call id {msg.id}", outcome="error",
                                       is_error=True))
                    return
                call_id = msg.id
                task = self.tasks.spawn(self.run_call(msg), f"call-{call_id}")
                self.calls[call_id] = task
                task.add_done_callback(lambda _t: self._call_done(call_id))
            case p.Cancel():
                running = self.calls.get(msg.id)
                if running is not None:
                    running.cancel()
            case p.KillJobs():
                self.jobs.kill_session(msg.session)  # the tasks unwind on their own, killing the trees
                self.terminals.close_session(msg.session)
            case p.TerminalWatch():
                self.terminals.watch(msg)
            case p.TerminalAck():
                self.terminals.ack(msg)
            case p.TerminalInput():
                self.terminals.watch_input(msg)
            case p.TerminalUnwatch():
                self.terminals.unwatch(msg.watch)
            case p.Shutdown():
                self.draining = True
                for shell in self.warm:
                    self._discard_shell(shell)
                self.warm.clear()
                if not self.calls and not self.closed.done():
                    self.closed.set_result(None)

    def _call_done(self, call_id: int) -> None:
        self.calls.pop(call_id, None)
        if self.draining and not self.calls and not self.closed.done():
            self.closed.set_result(None)

    def _discard_shell(self, shell: Shell) -> None:
        if shell.exit is not None and not shell.exit.done():
            self.factory.kill(shell, alive=True, exclude=self.owned)
        shell.close_fds()

    # ---- calls ------------------------------------------------------------------------

    async def run_call(self, call: p.Call) -> None:
        try:
            result = await self.execute(call)
        except asyncio.CancelledError:
            self.send(p.Result(id=call.id, text="cancelled: the call and its processes were killed",
                               outcome="cancelled", is_error=True))
            raise
        except Exception as exc:
            logger.exception("call %d (%s) failed inside the worker", call.id, call.tool)
            result = p.Result(id=call.id, text=f"internal error in the worker: {exc}", outcome="error",
                              is_error=True)
        self.send(result)

    async def execute(self, call: p.Call) -> p.Result:
        if call.tool not in TOOLS:
            return p.Result(id=call.id, text=f"unknown tool {call.tool!r}", outcome="error", is_error=True)
        try:
            args = validate_args(call.tool, call.args)
        except ToolArgsError as exc:
            return p.Result(id=call.id, text=str(exc), outcome="error", is_error=True)
        if call.tool in HELPER_TOOLS:
            try:
                async with asyncio.timeout(call.timeout):
                    res = await self.files.run(call.tool, call.args)
            except TimeoutError:
                return p.Result(id=call.id, outcome="timeout", is_error=True,
                                text=f"timed out: the file tool did not finish within {call.shown_timeout:g} s")
            return p.Result(id=call.id, text=res.text, is_error=res.is_error, structured=res.structured,
                            outcome="error" if res.is_error else "ok", content=res.content or [])
        if call.tool == "bash" and args.run_in_background:
            return self._start_job(call, args)
        if call.tool in TERMINAL_TOOL_NAMES:
            return await terminal_call(self.terminals, call, args, self.runner.resolve_cwd)
        if call.tool == "job_output":
            return self._job_output(call, args)
        if call.tool == "job_kill":
            try:
                job = await self.jobs.kill(self._session_job(call, args.job_id).id)
            except UnknownJob as exc:
                return p.Result(id=call.id, text=str(exc), outcome="error", is_error=True)
            return p.Result(id=call.id, text=f"{_job_line(job)}; it and every process it started are gone",
                            structured=job.describe())
        if call.tool == "bash":
            on_output = self._progress_sink(call.id) if call.progress else None
            try:
                outcome = await self.runner.run(args, call.timeout, call.state, on_output)
            except PathError as exc:
                return p.Result(id=call.id, text=str(exc), outcome="error", is_error=True)
            finally:
                if on_output is not None:
                    on_output.close()
            return outcome_to_result(call.id, outcome, call.shown_timeout)
        return p.Result(id=call.id, text=f"tool {call.tool!r} is not served by this worker",
                        outcome="error", is_error=True)

    # ---- background jobs --------------------------------------------------------------

    def _start_job(self, call: p.Call, args: Any) -> p.Result:
        if not call.job_id:
            return p.Result(id=call.id, text="background jobs need a job id from the gateway", outcome="error",
                            is_error=True)
        try:
            self.runner.resolve_cwd(call.state, args.working_dir)  # a bad working_dir fails now, not later
            job = self.jobs.start(call.job_id, call.session, args, call.state)
        except (PathError, JobLimitError, ValueError) as exc:
            return p.Result(id=call.id, text=str(exc), outcome="error", is_error=True)
        return p.Result(
            id=call.id,
            text=f"started background job {job.id}; read its output with job_output, stop it with job_kill",
            structured={"job_id": job.id, "status": "running", "outcome": "ok"},
        )

    async def _run_job(self, args: Any, time_limit: float | None, state: p.SessionState | None,
                       sink: Any) -> tuple[int | None, bool]:
        outcome = await self.runner.run(args, time_limit, state, sink, keep_output=False, report_state=False)
        return outcome.exit_code, outcome.timed_out

    def _job_exited(self, job: Job) -> None:
        self.send(p.JobExit(job_id=job.id, status=job.status, exit_code=job.exit_code))

    def _session_job(self, call: p.Call, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job.session != call.session:
            raise UnknownJob(f"unknown job {job_id!r}: it belongs to another session")
        return job

    def _job_output(self, call: p.Call, args: Any) -> p.Result:
        try:
            job = self._session_job(call, args.job_id)
        except UnknownJob as exc:
            return p.Result(id=call.id, text=str(exc), outcome="error", is_error=True)
        chunk, next_since, dropped = job.ring.read(args.since)
        text = chunk.decode("utf-8", "replace")
        if dropped:
            text = (f"[... {dropped} bytes of output dropped: only the last {job.ring.cap} bytes of a job are kept "
                    f"(--job-output-bytes) ...]\n" + text)
        if text and not text.endswith("\n"):
            text += "\n"
        text += f"[{_job_line(job)}]"
        return p.Result(id=call.id, text=text, structured={
            **job.describe(), "next_since": next_since, "dropped_bytes": dropped, "total_bytes": job.ring.total,
        })

    def _progress_sink(self, call_id: int) -> _ProgressSink:
        return _ProgressSink(self, call_id)

    # ---- lifecycle --------------------------------------------------------------------

    def start_background(self) -> None:
        """Tasks a role runs besides heartbeats (owned by the worker, cancelled by ``shutdown``)."""

    async def heartbeats(self) -> None:
        seq = 0
        while True:
            seq += 1
            self.send(p.Heartbeat(seq=seq, inflight=len(self.calls), forking=self.factory.forking,
                                  zygote_restarts=self.factory.zygote_restarts))
            self.resize_warm_pool()
            self.factory.check_zygote()
            self.reaper.reap()  # orphans wake nothing (only watched children have pidfds)
            self.reaper.prune()
            await asyncio.sleep(self.cfg.heartbeat_interval)

    async def shutdown(self) -> None:
        self.draining = True  # no more refills
        self.factory.stop_zygote()  # an expected end: its exit is no failure to warn about
        for task in list(self.calls.values()):
            task.cancel()
        tasks = list(self.calls.values()) + self.jobs.kill_all() + self.terminals.close_all()
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        await self.files.close()
        if self._spawning:
            await asyncio.wait(list(self._spawning), timeout=5)  # their callbacks discard the shells
        for shell in self.warm:
            self._discard_shell(shell)
        self.warm.clear()
        # Anything still around (orphans of every call) goes too.
        await self.until_gone(kill_marked_tree(None, None, exclude=self.owned, reaper=self.reaper))
        self.factory.close()


def _job_line(job: Job) -> str:
    match job.status:
        case "running":
            return f"job {job.id} is running"
        case "exited":
            return f"job {job.id} exited with code {job.exit_code}"
        case "timed_out":
            return f"job {job.id} was killed at its timeout"
        case _:
            return f"job {job.id} was killed"


class _ProgressSink:
    """Forwards new output of a call as Progress messages, at most every PROGRESS_INTERVAL."""

    def __init__(self, worker: Worker, call_id: int) -> None:
        self.worker = worker
        self.call_id = call_id
        self.pending = bytearray()
        self.last = 0.0
        self.timer: asyncio.TimerHandle | None = None

    def __call__(self, data: bytes) -> None:
        self.pending += data
        if len(self.pending) > 4 * PROGRESS_MAX_CHARS:
            del self.pending[: len(self.pending) - 4 * PROGRESS_MAX_CHARS]
        now = self.worker.loop.time()
        if now - self.last >= PROGRESS_INTERVAL:
            self.flush()
        elif self.timer is None:
            self.timer = self.worker.loop.call_at(self.last + PROGRESS_INTERVAL, self.flush)

    def flush(self) -> None:
        self.timer = None
        if not self.pending:
            return
        self.last = self.worker.loop.time()
        text = bytes(self.pending).decode("utf-8", "replace")
        self.pending.clear()
        if len(text) > PROGRESS_MAX_CHARS:
            text = "[...]" + text[-PROGRESS_MAX_CHARS:]
        self.worker.send(p.Progress(id=self.call_id, text=text))

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.flush()


async def serve(cfg: WorkerConfig, fd: int, files_fd: int | None = None) -> None:
    loop = asyncio.get_running_loop()
    if cfg.role == "mcp-host":
        from worker.mcp_host import McpHost

        worker: Worker = McpHost(cfg, loop)
    else:
        worker = Worker(cfg, loop)
    worker.reaper.install()
    relay = None
    if cfg.role == "tools":
        worker.files.start()  # boots while the worker says Hello; calls sent meanwhile wait in its socket
        if files_fd is not None:
            # /files transfers and resources: relayed to the file helper, descriptors and all
            relay = FilesRelay(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=files_fd), loop, worker.files)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=fd)
    await loop.create_connection(lambda: worker, sock=sock)
    stop: asyncio.Future[None] = loop.create_future()

    def request_stop() -> None:
        if not stop.done():
            stop.set_result(None)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, request_stop)
    worker.send(p.Hello(pid=os.getpid(), isolation=cfg.isolation, tree_kill=worker.factory.tree_kill,
                        forking=worker.factory.forking))
    worker._refill()
    # Without heartbeats the gateway takes this worker for frozen and kills it after
    # --heartbeat-timeout; stopping now (the failure logged) gets it replaced at once.
    beat = worker.tasks.spawn(worker.heartbeats(), "heartbeats", on_error=lambda _t, _e: request_stop())
    worker.start_background()
    try:
        await asyncio.wait([worker.closed, stop], return_when=asyncio.FIRST_COMPLETED)
    finally:
        beat.cancel()
        await worker.shutdown()
        if relay is not None:
            relay.close()
        if worker.transport is not None:
            worker.transport.close()


def loopback_up() -> None:
    """Bring up ``lo`` in the worker's fresh network namespace (it starts down), with ioctl, no tools."""
    import fcntl
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(s.fileno(), siocgifflags, req))[1]
        fcntl.ioctl(s.fileno(), siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m worker", description=__doc__)
    parser.add_argument("--fd", type=int, required=True, help="inherited Unix socket to the gateway")
    parser.add_argument("--files-fd", type=int, default=None,
                        help="inherited Unix socket of the gateway's files channel (descriptors travel on it)")
    parser.add_argument("--config", required=True, help="WorkerConfig as JSON")
    parser.add_argument("--log-level", default="WARNING")
    ns = parser.parse_args(argv)
    logging.basicConfig(level=ns.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s worker[%(process)d] %(name)s: %(message)s")
    try:
        cfg = load_worker_config(ns.config)
        # Nothing of the worker reaches a tool: its socket to the gateway is not inherited, and a
        # tool of the same user can neither trace it nor open its /proc/PID/fd.
        close_inherited_on_exec()
        make_undumpable()
        os.chdir(cfg.workspace)
        if cfg.no_network:
            loopback_up()
        if cfg.isolation == "subreaper":
            set_child_subreaper()
        elif os.getpid() != 1:
            raise RuntimeError(f"isolation {cfg.isolation!r} expects pid 1, got {os.getpid()}")
    except Exception as exc:
        print(f"worker boot failed: {exc}", file=sys.stderr, flush=True)
        sys.exit(BOOT_ERROR)
    # The spawner thread needs the GIL for a moment after each spawn; with the loop busy it would
    # wait for the default 5 ms switch interval, which caps spawns at ~200/s per worker under load.
    sys.setswitchinterval(0.0005)
    if pidfds_work():
        # uvloop: ~20 % less worker CPU per call than the stock loop.  It keeps SIGCHLD to itself,
        # so the reaper wakes on pidfds; shells are spawned by posix_spawn on our own thread, never
        # through uvloop's (slower) subprocess support.
        uvloop.run(serve(cfg, ns.fd, ns.files_fd))
    else:
        asyncio.run(serve(cfg, ns.fd, ns.files_fd))  # the reaper needs a SIGCHLD handler: the stock loop

