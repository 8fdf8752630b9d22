"""Process helpers for the benchmark: /proc readers, tree killing, and the spawned gateway.

Only the standard library here, so the floor process can import it cheaply.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "GatewayProcess",
    "cpu_seconds",
    "descendants",
    "kill_tree",
    "pid_alive",
    "poll_until",
    "proc_status_kb",
    "raise_fd_limit",
    "tree_cpu_seconds",
]

_LISTENING = re.compile(rb"listening on (wss?://\S+)")


def proc_status_kb(pid: int, field: str) -> int | None:
    """A ``kB`` field (VmRSS, VmHWM, ...) of /proc/PID/status; None if the process is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(field.encode() + b":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
        return None
    return None


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, *, children: bool = True) -> float | None:
    """User+system CPU of ``pid`` (plus its reaped children); None if the process is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat[stat.rfind(b")") + 2 :].split()
    # fields[11:15] are utime, stime, cutime, cstime (stat fields 14-17)
    return sum(int(x) for x in fields[11 : 15 if children else 13]) / _CLOCK_TICKS


def tree_cpu_seconds(pid: int) -> float:
    """CPU of ``pid`` and every live descendant, each with its reaped children.

    Counts the shells a worker ran: reaped ones through the cutime of whoever
    reaped them (the worker, or the init of its pid namespace), live ones directly.
    """
    return sum(cpu_seconds(p) or 0.0 for p in (pid, *descendants(pid)))


def pid_alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] != b"Z"


def _parent_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (any session or group), found by parent links."""
    children = _parent_map()
    found: list[int] = []
    stack = list(children.get(pid, ()))
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(children.get(child, ()))
    return found


def _kill_quietly(pids: Iterable[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def kill_tree(pid: int) -> None:
    """SIGKILL ``pid``, its process group and every descendant (``setsid`` ones included).

    Descendants are collected before anything is killed, while parent links
    still point at the tree; afterwards orphans would be re-parented away.
    """
    tree = descendants(pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    _kill_quietly([pid, *tree], signal.SIGKILL)


def raise_fd_limit() -> tuple[int, int]:
    """Raise RLIMIT_NOFILE's soft limit to the hard limit (children inherit it); returns it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


class GatewayProcess:
    """A sandbox-gateway started by the benchmark (``--spawn``); owns the process and its log.

    ``start`` returns once the gateway printed its listening line (or raises
    with the tail of its stderr).  ``stop`` sends SIGTERM, waits up to
    ``stop_timeout`` for a graceful exit, then kills the whole tree, and
    reports worker processes the gateway left behind.
    """

    def __init__(
        self,
        workers: int,
        extra_args: Sequence[str] = (),
        *,
        token: str | None = None,
        command: Sequence[str] | None = None,
    ) -> None:
        self.command = list(command) if command else [sys.executable, "-m", "gateway"]
        self.workers = workers
        self.extra_args = list(extra_args)
        self.token = token
        self.url = ""
        self.proc: asyncio.subprocess.Process | None = None
        self._workspace = tempfile.TemporaryDirectory(prefix="sandbox-bench-")
        # traversable, so a gateway started as root runs tools as `nobody` (its default, --run-as auto)
        # instead of falling back to root for an unreachable workspace
        os.chmod(self._workspace.name, 0o755)
        self._log = tempfile.TemporaryFile(prefix="sandbox-bench-gateway-")
        self._stdout_drain: asyncio.Task[None] | None = None
        self.exit_code: int | None = None
        self.stop_seconds: float | None = None
        self.final_log = ""

    @property
    def argv(self) -> list[str]:
        auth = ["--token", self.token] if self.token else ["--no-auth"]
        return [
            *self.command,
            "--port", "0",
            "--workers", str(self.workers),
            "--workspace", self._workspace.name,
            *auth,
            *self.extra_args,
        ]  # fmt: skip

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def workspace(self) -> str:
        """The workspace directory (a fresh temporary one), to fill before ``start``."""
        return self._workspace.name

    async def start(self, start_timeout: float | None = 60.0) -> str:
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
            stdin=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        assert self.proc.stdout is not None
        try:
            async with asyncio.timeout(start_timeout):
                while True:
                    line = await self.proc.stdout.readline()
                    if not line:
                        raise RuntimeError(f"gateway exited before listening:\n{self.log_tail()}")
                    match = _LISTENING.search(line)
                    if match:
                        self.url = match.group(1).decode()
                        break
        except BaseException:
            await self.stop()
            raise
        # keep reading stdout so the gateway never blocks on a full pipe
        self._stdout_drain = asyncio.get_running_loop().create_task(self._drain(self.proc.stdout))
        return self.url

    @staticmethod
    async def _drain(stream: asyncio.StreamReader) -> None:
        while await stream.read(65536):
            pass

    def log_tail(self, limit: int = 4000) -> str:
        if self._log.closed:
            return self.final_log[-limit:]
        self._log.seek(0)
        data = self._log.read()
        self._log.seek(0, os.SEEK_END)
        return data[-limit:].decode(errors="replace")

    async def stop(self, stop_timeout: float = 15.0, worker_pids: Sequence[int] = ()) -> list[int]:
        """Stop gracefully; returns worker pids still alive afterwards (a gateway bug if any)."""
        if self.proc is None:
            return []
        loop = asyncio.get_running_loop()
        started = loop.time()
        known = set(worker_pids) | set(descendants(self.proc.pid))
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGCONT)  # nothing to do unless someone stopped it
                self.proc.terminate()
            exited = await _wait_pid_gone(self.proc.pid, stop_timeout)
            if not exited:
                kill_tree(self.proc.pid)
                await _wait_pid_gone(self.proc.pid, 5.0)
        self.stop_seconds = loop.time() - started
        # the child watcher thread reaps the gateway; give it a moment to record the status
        proc = self.proc
        await poll_until(lambda: proc.returncode is not None, 1.0)
        self.exit_code = self.proc.returncode
        if self._stdout_drain is not None:
            self._stdout_drain.cancel()
            await asyncio.gather(self._stdout_drain, return_exceptions=True)
        # grace for workers exiting right after the gateway
        await poll_until(lambda: not any(pid_alive(p) for p in known), 2.0)
        leftovers = [p for p in known if pid_alive(p)]
        _kill_quietly(leftovers, signal.SIGCONT)
        _kill_quietly(leftovers, signal.SIGKILL)
        self._workspace.cleanup()
        self.final_log = self.log_tail()
        self._log.close()
        self.proc = None
        return leftovers


async def poll_until(predicate: Callable[[], bool], wait_timeout: float, interval: float = 0.02) -> bool:
    """Check ``predicate`` every ``interval`` until it holds (True) or ``wait_timeout`` passes (False)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_timeout
    while True:
        if predicate():
            return True
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(interval)


async def _wait_pid_gone(pid: int, wait_timeout: float) -> bool:
    return await poll_until(lambda: not pid_alive(pid), wait_timeout)
