"""Child processes of a worker: spawning shells, reaping, bounded output, and killing whole trees.

The worker is the reaper of everything its calls start: either the init of its
own pid namespace or, without one, a child subreaper (``PR_SET_CHILD_SUBREAPER``).
So every orphan of any depth (``setsid``, ``nohup``, double forks) becomes a
direct child of the worker, and the worker can find and kill it.

Which call an orphan belongs to is told by an environment marker that every
shell gets at spawn (``SANDBOX_SHELL``) and its descendants inherit; an orphan
whose environment was wiped is treated as belonging to every call, so it is
killed by the next call that cleans up.  Exit of a shell is learnt from a
central SIGCHLD reaper, never from pipe EOF (pipe EOF waits for every
descendant holding the pipe: the 22-minute hang).
"""

from __future__ import annotations

import asyncio
import ctypes
import errno
import fcntl
import functools
import logging
import os
import platform
import resource
import shlex
import signal
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from worker.cspawn import SpawnTemplate
from worker.zygote import MARKER_CAPACITY, ZYGOTE_FDS, Zygote, zygote_script

__all__ = [
    "OutputBuffer",
    "Program",
    "Reaper",
    "Shell",
    "ShellFactory",
    "SpawnerThread",
    "children_of",
    "in_proc",
    "kill_marked_tree",
    "main_thread_children",
    "pidfds_work",
    "set_child_subreaper",
]

logger = logging.getLogger(__name__)

MARKER_ENV = "SANDBOX_SHELL"
ZYGOTE_BOOT_FAILURES = 3  # zygotes that die before forking a shell, in a row, before shells are exec-ed
ZYGOTE_REPLY_TIMEOUT = 1.0  # seconds a fork request may wait before the zygote is taken for stuck
F_SETPIPE_SZ = 1031
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
# (setgroups, setresgid, setresuid) syscall numbers, called raw: see ToolUserSpawner.
_CRED_SYSCALLS = {"x86_64": (116, 119, 117), "aarch64": (159, 149, 147)}

# The stub every call's shell runs: it waits for its script on fd 3, so the worker
# can register the shell before any user code runs.  The script arrives NUL-free
# and ends at EOF.  ``limit_commands`` puts the per-call rlimits in front of it.
# `read -N` (bash >= 5.1) reads a pipe in blocks; `read -d ""` reads it one byte per
# syscall (a 3 MB script took 1.45 s instead of 0.09 s).
# `__sandbox_end` is set only when the script ran to its end (not on `exit`, errexit or a signal):
# the EXIT trap reports it as the exit code the worker may answer with before the shell is gone.
SHELL_STUB = ('IFS= read -r -N 2147483647 __sandbox_script <&3; exec 3<&-; '
              'eval "unset __sandbox_script; $__sandbox_script"; __sandbox_end=$?; builtin exit $__sandbox_end')

# rlimit -> (bash ulimit flag, bytes per unit); bash counts -v and -f in KiB outside POSIX mode.
_ULIMIT_FLAGS = {
    resource.RLIMIT_AS: ("-v", 1024),
    resource.RLIMIT_CPU: ("-t", 1),
    resource.RLIMIT_FSIZE: ("-f", 1024),
    resource.RLIMIT_NOFILE: ("-n", 1),
    resource.RLIMIT_NPROC: ("-u", 1),
}
CPU_HARD_GRACE = 5  # seconds between SIGXCPU (soft limit) and SIGKILL (hard limit)


def limit_commands(limits: dict[int, int]) -> str:
    """Shell commands that set ``limits`` on the shell itself, before it reads its script.

    The shell lowers its own limits, which needs no privilege, so this holds for a
    tool user too.  (prlimit(2) from the worker does not: without CAP_SYS_RESOURCE,
    which containers usually drop, it fails with EPERM once setpriv has switched the
    shell to the tool user, a race it lost about one time in ten on a busy machine.)
    A limit above what the worker itself may have is lowered to that, so ``ulimit``
    never fails; if it still does, the shell exits 125 before any user code runs.
    """
    hard: list[str] = []
    soft: list[str] = []
    for res, value in sorted(limits.items()):
        flag, unit = _ULIMIT_FLAGS[res]
        ceiling = resource.getrlimit(res)[1]
        value_hard = value + CPU_HARD_GRACE if res == resource.RLIMIT_CPU else value
        if ceiling != resource.RLIM_INFINITY:
            value, value_hard = min(value, ceiling), min(value_hard, ceiling)
        hard.append(f"{flag} {max(value_hard // unit, 1)}")
        soft.append(f"{flag} {max(value // unit, 1)}")
    if not hard:
        return ""
    # Soft first: a hard limit below the current soft one is refused (EINVAL).
    return f"ulimit -S {' '.join(soft)} && ulimit -H {' '.join(hard)} || exit 125; "


def set_child_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(PR_SET_CHILD_SUBREAPER): {os.strerror(err)}")


# ---- /proc helpers --------------------------------------------------------------------


def _read_proc(path: str) -> bytes | None:
    """A whole /proc file, None when it cannot be opened (the process is gone).  os.open/os.read:
    a Python file object costs more than the read itself on this per-call path."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        chunks: list[bytes] = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid`` (all its threads), [] if it is gone."""
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        data = _read_proc(f"/proc/{pid}/task/{tid}/children")
        if data:
            out.extend(map(int, data.split()))
    return out


def main_thread_children(pid: int) -> list[int]:
    """Children of ``pid``'s main thread: where the kernel puts orphans adopted by a subreaper or a
    pid namespace's init (the first live thread of the process).  Children that another thread
    started (shells from the spawner thread, one maybe still between vfork and exec) are listed
    under that thread instead, so an orphan sweep never mistakes them for orphans."""
    data = _read_proc(f"/proc/{pid}/task/{pid}/children")
    return list(map(int, data.split())) if data else []


def _descendants(root: int, into: dict[int, None]) -> None:
    """Add ``root``'s descendants to ``into``, each after its parent (see ``kill_marked_tree``)."""
    stack = [root]
    while stack:
        for child in children_of(stack.pop()):
            if child not in into:
                into[child] = None
                stack.append(child)


def _marker_of(pid: int) -> bytes | None:
    """The SANDBOX_SHELL marker in ``pid``'s initial environment; None when unreadable or absent."""
    env = _read_proc(f"/proc/{pid}/environ")
    if env is None:
        return None
    key = MARKER_ENV.encode() + b"="
    for entry in env.split(b"\0"):
        if entry.startswith(key):
            return entry[len(key) :]
    return None


def in_proc(pid: int) -> bool:
    """Whether ``pid`` is still in the process table (a zombie counts: ``kill -0`` finds it)."""
    return _read_proc(f"/proc/{pid}/stat") is not None


def _is_zombie(pid: int) -> bool:
    stat = _read_proc(f"/proc/{pid}/stat")
    if stat is None:
        return True
    end = stat.rfind(b")")
    return stat[end + 2 : end + 3] in (b"Z", b"X")


def kill_marked_tree(
    root: int | None,
    marker: bytes | None,
    *,
    exclude: set[int],
    reaper: Reaper,
    rounds: int = 100,
) -> set[int]:
    """SIGKILL ``root``'s descendants and every orphan of ours that carries ``marker``.

    ``marker=None`` means every orphan and every other child of ours not in ``exclude``.
    Orphans (children of our main thread not in ``exclude``) with no readable marker
    are killed too: a process that wiped its environment cannot hide.  Repeats until a
    round finds nothing, so processes forked during the kill are caught as well.
    Returns the pids signalled: ``await reaper.gone(pids)`` waits until they are dead and
    reaped (each is reaped as it dies; with pidfds that is as soon as it dies).
    """
    me = os.getpid()
    # A SIGKILLed process runs no more user code and its forks fail, so it is signalled once;
    # a round that finds nothing new ends the kill.  Parents are signalled before their children:
    # a parent still running when its child dies would wake and go on (print "Killed", run the
    # next command) before its own signal came, if the worker lost the CPU between the two.
    signalled: set[int] = set()
    for _ in range(rounds):
        victims: dict[int, None] = {}  # in the order they are signalled
        if root is not None:
            victims[root] = None
            _descendants(root, victims)
        for orphan in children_of(me) if marker is None else main_thread_children(me):
            if orphan in exclude or orphan in victims or _is_zombie(orphan):
                continue
            found = _marker_of(orphan)
            if marker is None or found is None or found == marker:
                victims[orphan] = None
                _descendants(orphan, victims)
        victims.pop(me, None)
        fresh = [pid for pid in victims if pid not in signalled and not _is_zombie(pid)]
        if not fresh:
            break
        signalled.update(pid for pid in fresh if reaper.kill(pid))
        reaper.reap()
    return signalled


# ---- reaping ---------------------------------------------------------------------------


def pidfds_work() -> bool:
    """Whether this kernel (5.3+) and any seccomp filter let us open pidfds."""
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return False
    return True


class Reaper:
    """Reaps every child of the worker; ``watch(pid)`` is a future of one child's exit status.

    The status is a ``waitstatus_to_exitcode`` value (negative for a signal).  Children nobody
    watches (orphans adopted by the worker) are reaped and forgotten.  Every reap is a
    ``waitpid(-1)`` loop, so orphans go whenever anything exits, and at least every heartbeat.

    What wakes it: a pidfd per watched child (Linux >= 5.3), which works on any event loop,
    uvloop included (uvloop keeps SIGCHLD to itself); else a SIGCHLD handler (stock loop only).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waiters: dict[int, asyncio.Future[int]] = {}
        self._early: dict[int, tuple[int, float]] = {}  # reaped before watched: pid -> (status, when)
        self._pidfds: dict[int, int] = {}  # watched pid -> its pidfd
        # killed, not yet dead (with pidfds only): pid -> (its pidfd, done when dead and reaped)
        self._dying: dict[int, tuple[int, asyncio.Future[None]]] = {}
        self.uses_pidfd = pidfds_work()
        self._installed = False

    def install(self) -> None:
        if not self.uses_pidfd:
            self._loop.add_signal_handler(signal.SIGCHLD, self.reap)
        self._installed = True

    def uninstall(self) -> None:
        if not self.uses_pidfd:
            self._loop.remove_signal_handler(signal.SIGCHLD)
        for pid in list(self._pidfds):
            self._close_pidfd(pid)
        for pid in list(self._dying):
            self._buried(pid)
        self._installed = False

    def watch(self, pid: int) -> asyncio.Future[int]:
        fut = self._loop.create_future()
        if pid in self._early:
            fut.set_result(self._early.pop(pid)[0])
            return fut
        self._waiters[pid] = fut
        if self.uses_pidfd:
            try:
                pidfd = os.pidfd_open(pid)
            except OSError:  # already reaped elsewhere or gone: a reap tells
                self._loop.call_soon(self.reap)
                return fut
            self._pidfds[pid] = pidfd
            self._loop.add_reader(pidfd, self.reap)
        return fut

    def forget(self, pid: int) -> None:
        self._waiters.pop(pid, None)
        self._early.pop(pid, None)
        self._close_pidfd(pid)

    def _close_pidfd(self, pid: int) -> None:
        pidfd = self._pidfds.pop(pid, None)
        if pidfd is not None:
            self._loop.remove_reader(pidfd)
            os.close(pidfd)

    def kill(self, pid: int) -> bool:
        """SIGKILL ``pid`` (any process, not only a child); False if it was gone.

        With pidfds, a pidfd opened before the signal wakes a reap the moment it dies, so a
        killed orphan (which has no watcher) does not linger as a zombie until the next heartbeat,
        and ``gone`` can wait for it.  The pidfd also pins the process: the signal cannot reach
        another process that reused the pid.  One killed before and not yet dead counts as killed."""
        if pid in self._dying:
            return True
        try:
            if not self.uses_pidfd:
                os.kill(pid, signal.SIGKILL)
                return True
            pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            return False
        try:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except ProcessLookupError:
            os.close(pidfd)
            return False
        self._dying[pid] = (pidfd, self._loop.create_future())
        self._loop.add_reader(pidfd, self._died, pid)
        return True

    def _died(self, pid: int) -> None:
        self.reap()  # the dead one first, if it is ours: then ``gone`` means gone from ``kill -0``
        self._buried(pid)

    def _buried(self, pid: int) -> None:
        pidfd, fut = self._dying.pop(pid)
        self._loop.remove_reader(pidfd)
        os.close(pidfd)
        if not fut.done():
            fut.set_result(None)

    async def gone(self, pids: set[int]) -> None:
        """Wait until every one of ``pids`` (signalled by ``kill``) is dead and, if ours, reaped.

        Then whoever looks (the next call's ``kill -0``, a server binding the port a killed one
        had) finds none of them.  Bound it at the call site: a process stuck in the kernel (D
        state) dies only when it gets out."""
        if self.uses_pidfd:
            waits = [self._dying[pid][1] for pid in pids if pid in self._dying]
            if waits:
                await asyncio.wait(waits)
            return
        # Without pidfds: poll.  A SIGCHLD reaps our children; a killed grandchild becomes ours
        # when its parent dies, so every pid ends up with no /proc entry.
        while any(map(in_proc, pids)):
            await asyncio.sleep(0.001)
            self.reap()

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            code = os.waitstatus_to_exitcode(status)
            self._close_pidfd(pid)
            fut = self._waiters.pop(pid, None)
            if fut is not None:
                if not fut.done():
                    fut.set_result(code)
            else:
                # An orphan, or a shell from the spawner thread that exited before the loop saw
                # its pid: kept for a while for ``watch`` (``prune`` forgets the orphans).
                self._early[pid] = (code, self._loop.time())

    def prune(self, max_age: float = 10.0) -> None:
        """Forget statuses nobody asked for within ``max_age`` s (orphans): a later child may reuse
        the pid, and must not get the old status."""
        cutoff = self._loop.time() - max_age
        for pid in [pid for pid, (_, at) in self._early.items() if at < cutoff]:
            del self._early[pid]


# ---- bounded output --------------------------------------------------------------------


class OutputBuffer:
    """Keeps the first and the last ``cap/2`` bytes of a stream, counting what it drops."""

    __slots__ = ("_head", "_tail", "head_cap", "tail_cap", "total")

    def __init__(self, cap: int) -> None:
        self.head_cap = cap - cap // 2
        self.tail_cap = cap // 2
        self._head = bytearray()
        self._tail = bytearray()
        self.total = 0

    def append(self, data: bytes) -> None:
        self.total += len(data)
        room = self.head_cap - len(self._head)
        if room > 0:
            self._head += data[:room]
            data = data[room:]
            if not data:
                return
        if self.tail_cap <= 0:
            return
        if len(data) >= self.tail_cap:
            self._tail[:] = data[-self.tail_cap :]
        else:
            self._tail += data
            if len(self._tail) > 2 * self.tail_cap:
                del self._tail[: len(self._tail) - self.tail_cap]

    def captured(self) -> bytes:
        """Everything when nothing was dropped, else the head alone."""
        if self.truncated:
            return bytes(self._head)
        return bytes(self._head) + bytes(self._tail[-self.tail_cap :] if self.tail_cap else b"")

    @property
    def truncated(self) -> bool:
        return self.total > self.head_cap + self.tail_cap

    def text(self) -> str:
        head = self._head.decode("utf-8", "replace")
        tail_bytes = self._tail[-self.tail_cap :] if self.tail_cap else b""
        if not self.truncated:
            return head + bytes(tail_bytes).decode("utf-8", "replace")
        dropped = self.total - len(self._head) - len(tail_bytes)
        marker = f"\n[... {dropped} bytes of output truncated (output cap {self.head_cap + self.tail_cap} bytes) ...]\n"
        return head + marker + bytes(tail_bytes).decode("utf-8", "replace")


# ---- shells ----------------------------------------------------------------------------


class SpawnerThread:
    """One thread that starts the worker's shells, so a spawn never stops the event loop.

    The factory hands it ``posix_spawn`` through ctypes (``worker.cspawn``), which releases
    the GIL, so the loop runs on while the thread waits for the child's vfork and exec.

    With ``run_as`` the thread holds the tool user's credentials and what it spawns starts
    as that user.  Linux credentials belong to threads: the raw setgroups/setresgid/setresuid
    syscalls change only the calling thread (glibc's wrappers broadcast the change to every
    thread of the process, which is why they are not used here), and a child started with
    ``posix_spawn`` inherits the credentials of the thread that called it.  The thread also
    sets no_new_privs, which its children inherit.  The result equals ``setpriv --reuid
    --regid --clear-groups --no-new-privs`` without exec-ing setpriv for every shell (about
    2 ms of CPU per shell: it loads NSS modules and locales).  The rest of the worker keeps
    its own credentials.

    Raises OSError when this platform or kernel does not allow the switch; callers fall back
    to setpriv and a thread without ``run_as``.
    """

    def __init__(self, run_as: tuple[int, int] | None = None) -> None:
        initializer: Callable[..., None] | None = None
        initargs: tuple[Any, ...] = ()
        if run_as is not None:
            numbers = _CRED_SYSCALLS.get(platform.machine())
            if numbers is None:
                raise OSError(errno.ENOSYS, f"no credential syscall numbers for {platform.machine()}")
            initializer, initargs = _drop_thread_credentials, (numbers, *run_as)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="shell-spawner", initializer=initializer,
                                            initargs=initargs)
        if run_as is None:
            return
        uid, gid = run_as
        try:
            creds = self._executor.submit(_thread_credentials).result()
        except Exception as exc:  # the initializer failed: the pool is broken
            self._executor.shutdown(wait=False)
            raise OSError(errno.EPERM, f"cannot switch a thread to uid {uid} gid {gid}: {exc}") from exc
        if creds != ((uid, uid, uid), (gid, gid, gid), [], 1):
            self._executor.shutdown(wait=False)
            raise OSError(errno.EPERM, f"spawner thread has credentials {creds}, expected uid {uid} gid {gid}")

    def spawn(self, spawn: Callable[..., int], *args: Any, **kwargs: Any) -> int:
        """Run ``spawn(*args, **kwargs)`` on the thread; blocks the caller until it returns the pid."""
        return self._executor.submit(spawn, *args, **kwargs).result()

    def spawn_later(self, spawn: Callable[..., int], *args: Any, **kwargs: Any) -> asyncio.Future[int]:
        """Run ``spawn(*args, **kwargs)`` on the thread without blocking the event loop: a future of the pid."""
        return asyncio.wrap_future(self._executor.submit(spawn, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=False)


def _drop_thread_credentials(numbers: tuple[int, int, int], uid: int, gid: int) -> None:
    setgroups, setresgid, setresuid = numbers
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    for call, args in ((setgroups, (0, None)), (setresgid, (gid, gid, gid))):
        if libc.syscall(call, *args) != 0:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    if libc.syscall(setresuid, uid, uid, uid) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


def _thread_credentials() -> tuple[Any, Any, list[int], int]:
    with open(f"/proc/self/task/{threading.get_native_id()}/status", "rb") as f:
        nnp = next((int(line.split()[1]) for line in f if line.startswith(b"NoNewPrivs:")), 0)
    return os.getresuid(), os.getresgid(), os.getgroups(), nnp


class Shell:
    """One bash process in its own session, waiting on fd 3 for the script it will run.

    Owns three pipe ends: the script pipe it writes, the output pipe it reads
    (stdout and stderr of the shell) and the state pipe (what the EXIT trap reports).
    """

    __slots__ = ("exit", "marker", "out_fd", "pid", "script_fd", "state_fd")

    def __init__(self, pid: int, marker: bytes, script_fd: int, out_fd: int, state_fd: int) -> None:
        self.pid = pid
        self.marker = marker
        self.script_fd = script_fd
        self.out_fd = out_fd
        self.state_fd = state_fd
        self.exit: asyncio.Future[int] | None = None

    def close_fds(self) -> None:
        for name in ("script_fd", "out_fd", "state_fd"):
            fd = getattr(self, name)
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
                setattr(self, name, -1)


class Program:
    """A long-running program (a managed MCP server) started through the shell stub.

    Owns the parent's ends of its stdin, stdout and stderr pipes (non-blocking).
    """

    __slots__ = ("exit", "marker", "pid", "stderr_fd", "stdin_fd", "stdout_fd")

    def __init__(self, pid: int, marker: bytes, stdin_fd: int, stdout_fd: int, stderr_fd: int,
                 exit: asyncio.Future[int]) -> None:
        self.pid = pid
        self.marker = marker
        self.stdin_fd = stdin_fd
        self.stdout_fd = stdout_fd
        self.stderr_fd = stderr_fd
        self.exit = exit


MAX_PROGRAM_SCRIPT = 60 * 1024  # fits a pipe buffer, so handing it over never blocks


class ShellFactory:
    """Spawns ``Shell``s with ``posix_spawn`` (vfork speed) and applies per-call limits.

    Shells start in the worker's cwd (the workspace); the script they are given
    changes directory itself, so a pre-started shell serves any call.
    """

    def __init__(
        self,
        reaper: Reaper,
        *,
        env: dict[str, str],
        limits: dict[int, int],
        marker_prefix: str,
        run_as: tuple[int, int] | None = None,
        fork_builtin: str | None = None,
    ) -> None:
        self._reaper = reaper
        self._env = env
        self._prefix = marker_prefix
        launcher: list[str] = []
        try:
            self._spawner = SpawnerThread(run_as)
        except OSError as exc:
            assert run_as is not None
            uid, gid = run_as
            # Fallback: one more exec per shell (setpriv), ~2 ms of CPU; warm shells hide its latency.
            logger.warning("spawning shells through setpriv: %s", exc)
            launcher = ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--no-new-privs"]
            self._spawner = SpawnerThread()
        bash = ["/bin/bash", "--noprofile", "--norc", "-c"]
        stub = limit_commands(limits) + SHELL_STUB
        self._argv = [*launcher, *bash, stub]
        self._zygote_argv = [*launcher, *bash, zygote_script(stub)]
        self._template = self._make_template(self._argv, env)
        # Call shells are forked by a zygote when the gateway built its builtin (worker/zygote.py).
        self._fork_builtin = fork_builtin
        self._zygote_env = {**env, MARKER_ENV: f"{marker_prefix}.zygote".ljust(MARKER_CAPACITY, "_")}
        self._zygote_template = self._make_template(self._zygote_argv, self._zygote_env) if fork_builtin else None
        self._zygote: Zygote | None = None
        self._zygote_boot_failures = 0
        self.zygote_restarts = 0  # zygotes that died or stopped answering (not closed on purpose)
        self._serial = 0
        self.live: set[int] = set()  # pids of shells (and the zygote) not yet reaped

    @staticmethod
    def _make_template(argv: list[str], env: dict[str, str]) -> SpawnTemplate | None:
        try:
            return SpawnTemplate(argv, env, _DEFAULT_SIGNALS)
        except (OSError, AttributeError) as exc:  # no usable libc posix_spawn: os.posix_spawn holds the GIL
            logger.warning("spawning shells with os.posix_spawn: %s", exc)
            return None

    @property
    def forking(self) -> bool:
        """Whether new call shells come from a zygote (else each is exec-ed)."""
        return self._fork_builtin is not None

    def close(self) -> None:
        if self._zygote is not None:
            self._drop_zygote(self._zygote, "the worker is stopping")
        self._spawner.close()

    def _spawn_args(self, extra_env: dict[str, str], file_actions: list[tuple[Any, ...]], *, zygote: bool = False,
                    ) -> tuple[Callable[..., int], tuple[Any, ...], dict[str, Any]]:
        """What the spawner thread calls to start a shell (or the zygote) in a session of its own."""
        template, argv, env = ((self._zygote_template, self._zygote_argv, self._zygote_env) if zygote
                               else (self._template, self._argv, self._env))
        if template is not None:
            return template.run, (template.prepare(extra_env, file_actions),), {}
        return os.posix_spawn, (argv[0], argv, {**env, **extra_env}), _spawn_options(file_actions)

    def _posix_spawn(self, extra_env: dict[str, str], file_actions: list[tuple[Any, ...]]) -> int:
        """Start the shell in a session of its own (as the tool user when there is one); blocks."""
        spawn, args, kwargs = self._spawn_args(extra_env, file_actions)
        return self._spawner.spawn(spawn, *args, **kwargs)

    def _exec_later(self, spawn: _ShellSpawn) -> asyncio.Future[int]:
        fn, args, kwargs = self._spawn_args(spawn.extra_env, spawn.file_actions)
        return self._spawner.spawn_later(fn, *args, **kwargs)

    def spawn_later(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[Shell]:
        """A new shell, forked by the zygote or spawned on the spawner thread, while the loop goes on.

        Until it has exec-ed, an exec-ed child is listed under the spawner thread, where orphan sweeps
        (``main_thread_children``) do not look, so a concurrent cleanup cannot take it for an orphan.
        A forked one is listed there too (CLONE_PARENT makes it the zygote's sibling).  A request the
        zygote fails is exec-ed instead.
        """
        result: asyncio.Future[Shell] = loop.create_future()
        spawn = _ShellSpawn(self)
        try:
            forked = self._fork_later(loop, spawn) if self._fork_builtin is not None else None
            pid_future = forked if forked is not None else self._exec_later(spawn)
        except BaseException:
            spawn.abandon()
            raise

        pid_future.add_done_callback(functools.partial(self._spawned, result, spawn, forked))
        return result

    def _spawned(self, result: asyncio.Future[Shell], spawn: _ShellSpawn, forked: asyncio.Future[int] | None,
                 pid_future: asyncio.Future[int]) -> None:
        # A method and a partial, not a closure: a closure that re-adds itself is a reference cycle,
        # and one per call (with its shell and futures) made the collector run every ~15 calls.
        if pid_future is forked and not result.done() and not pid_future.cancelled() \
                and pid_future.exception() is not None:
            try:
                self._exec_later(spawn).add_done_callback(functools.partial(self._spawned, result, spawn, None))
                return
            except OSError:
                pass
        if pid_future.cancelled() or pid_future.exception() is not None:
            spawn.abandon()
            if not result.done():
                exc = None if pid_future.cancelled() else pid_future.exception()
                result.set_exception(exc or OSError("the spawn was cancelled"))
            return
        shell = spawn.finish(pid_future.result())
        if result.done():  # the caller gave up on it
            os.kill(shell.pid, signal.SIGKILL)
            shell.close_fds()
        else:
            result.set_result(shell)

    # ---- the zygote (worker/zygote.py) ----

    def _fork_later(self, loop: asyncio.AbstractEventLoop, spawn: _ShellSpawn) -> asyncio.Future[int] | None:
        """Ask the zygote (started if need be) for the shell; None when it cannot be asked."""
        zygote = self._zygote if self._zygote is not None and not self._zygote.closed else self._start_zygote(loop)
        if zygote is None:
            return None
        try:
            return zygote.fork(spawn.marker.encode(), (spawn.out_w, spawn.script_r, spawn.state_w))
        except (BlockingIOError, ValueError):
            return None  # its socket is full, or the marker too long for it: exec this one
        except OSError as exc:
            logger.warning("the shell zygote stopped taking requests: %s", exc)
            self._drop_zygote(zygote, str(exc), on_purpose=False)  # its exit tells whether it ever worked
            return None

    def _start_zygote(self, loop: asyncio.AbstractEventLoop) -> Zygote | None:
        assert self._fork_builtin is not None
        try:
            lib_fd = os.open(self._fork_builtin, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            self._stop_forking(f"cannot open {self._fork_builtin}: {exc}")
            return None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        lib_target, sock_target = ZYGOTE_FDS
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, lib_fd, lib_target),
            (os.POSIX_SPAWN_DUP2, theirs.fileno(), sock_target),
        ]
        try:
            fn, args, kwargs = self._spawn_args({}, actions, zygote=True)
            started = self._spawner.spawn_later(fn, *args, **kwargs)
        except BaseException:
            os.close(lib_fd)
            ours.close()
            theirs.close()
            raise
        zygote = Zygote(loop, ours)  # requests queue in the socket until the zygote reads them

        def on_started(started: asyncio.Future[int]) -> None:
            os.close(lib_fd)
            theirs.close()
            if started.cancelled() or started.exception() is not None:
                self._zygote_gone(zygote, f"could not start it: {started.exception() or 'cancelled'}")
                return
            zygote.pid = pid = started.result()
            self.live.add(pid)
            self._reaper.watch(pid).add_done_callback(
                lambda exit: self._zygote_gone(zygote, f"exit status {exit.result()}" if not exit.cancelled()
                                               else "cancelled"))

        started.add_done_callback(on_started)
        self._zygote = zygote
        return zygote

    def check_zygote(self) -> None:
        """Called every heartbeat: a zygote that leaves a request unanswered is killed, and what
        waited for it is exec-ed; the next shell starts another zygote."""
        zygote = self._zygote
        if zygote is not None and zygote.stalled(ZYGOTE_REPLY_TIMEOUT):
            logger.warning("the shell zygote left a request unanswered for over %g s (stopped?); killing it",
                           ZYGOTE_REPLY_TIMEOUT)
            self._drop_zygote(zygote, "it stopped answering", on_purpose=False)

    def _drop_zygote(self, zygote: Zygote, why: str, *, on_purpose: bool = True) -> None:
        """Close and kill ``zygote``; ``on_purpose`` keeps its exit from counting as a failure."""
        zygote.dropped = on_purpose
        zygote.close(why)
        if zygote.pid is not None:
            try:
                os.kill(zygote.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self._zygote is zygote:
            self._zygote = None

    def _zygote_gone(self, zygote: Zygote, why: str) -> None:
        """The zygote exited or never started: the next shell starts a new one, unless they keep failing."""
        if zygote.pid is not None:
            self.live.discard(zygote.pid)
        zygote.close(f"the shell zygote is gone ({why})")
        if self._zygote is zygote:
            self._zygote = None
        if zygote.dropped or self._fork_builtin is None:
            return
        self.zygote_restarts += 1
        if zygote.served:
            self._zygote_boot_failures = 0
            logger.warning("the shell zygote exited (%s) after %d shells; starting another", why, zygote.served)
            return
        self._zygote_boot_failures += 1
        if self._zygote_boot_failures >= ZYGOTE_BOOT_FAILURES:
            self._stop_forking(f"it failed {self._zygote_boot_failures} times before forking a shell ({why})")

    def _stop_forking(self, why: str) -> None:
        logger.warning("not forking shells from a zygote: %s; every shell is exec-ed", why)
        self._fork_builtin = None

    def spawn_program(self, argv: list[str], *, cwd: str, extra_env: dict[str, str]) -> Program:
        """Start ``argv`` in ``cwd`` with the same containment as a call's shell (own session,
        limits, tool user, marker), its stdin/stdout/stderr on three pipes of ours."""
        script = "cd -- " + shlex.quote(cwd) + " || exit 126\nexec -- " + " ".join(shlex.quote(a) for a in argv)
        data = script.encode("utf-8", "surrogateescape")
        if len(data) > MAX_PROGRAM_SCRIPT or b"\0" in data:
            raise ValueError(f"command line too long (over {MAX_PROGRAM_SCRIPT} bytes) or holds NUL bytes")
        self._serial += 1
        marker = f"{self._prefix}.p{self._serial}"
        env = {**extra_env, MARKER_ENV: marker}
        script_r, script_w = os.pipe()
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            pid = self._posix_spawn(env, [
                (os.POSIX_SPAWN_DUP2, in_r, 0),
                (os.POSIX_SPAWN_DUP2, out_w, 1),
                (os.POSIX_SPAWN_DUP2, err_w, 2),
                (os.POSIX_SPAWN_DUP2, script_r, 3),
            ])
        except OSError:
            for fd in (script_w, in_w, out_r, err_r):
                os.close(fd)
            raise
        finally:
            for fd in (script_r, in_r, out_w, err_w):
                os.close(fd)
        exit_fut = self._reaper.watch(pid)
        try:
            os.write(script_w, data)
        except OSError:
            pass  # it died already; its exit status tells
        finally:
            os.close(script_w)
        for fd in (in_w, out_r, err_r):
            os.set_blocking(fd, False)
        return Program(pid, marker.encode(), in_w, out_r, err_r, exit_fut)


# Python ignores SIGPIPE and SIGXFSZ; a shell must not inherit that (`yes | head` would never end).
_DEFAULT_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ)


def _spawn_options(file_actions: list[tuple[Any, ...]]) -> dict[str, Any]:
    return {"file_actions": file_actions, "setsid": True, "setsigdef": _DEFAULT_SIGNALS}


class _ShellSpawn:
    """The pipes and environment of one shell being spawned; ``finish`` turns it into a ``Shell``."""

    __slots__ = ("extra_env", "factory", "file_actions", "marker", "out_r", "out_w", "script_r", "script_w",
                 "state_r", "state_w")

    def __init__(self, factory: ShellFactory) -> None:
        factory._serial += 1
        self.factory = factory
        self.marker = f"{factory._prefix}.{factory._serial}"
        self.extra_env = {MARKER_ENV: self.marker}
        self.script_r, self.script_w = os.pipe()
        self.out_r, self.out_w = os.pipe()
        self.state_r, self.state_w = os.pipe()
        try:
            fcntl.fcntl(self.out_r, F_SETPIPE_SZ, 1 << 20)
        except OSError:
            pass
        self.file_actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, self.out_w, 1),
            (os.POSIX_SPAWN_DUP2, self.out_w, 2),
            (os.POSIX_SPAWN_DUP2, self.script_r, 3),
            (os.POSIX_SPAWN_DUP2, self.state_w, 4),
        ]

    def _close_child_ends(self) -> None:
        for fd in (self.script_r, self.out_w, self.state_w):
            os.close(fd)

    def abandon(self) -> None:
        self._close_child_ends()
        for fd in (self.script_w, self.out_r, self.state_r):
            os.close(fd)

    def finish(self, pid: int) -> Shell:
        self._close_child_ends()
        factory = self.factory
        shell = Shell(pid, self.marker.encode(), self.script_w, self.out_r, self.state_r)
        shell.exit = factory._reaper.watch(pid)
        factory.live.add(pid)
        shell.exit.add_done_callback(lambda _f: factory.live.discard(pid))
        for fd in (self.out_r, self.state_r, self.script_w):
            os.set_blocking(fd, False)
        return shell


async def write_all(loop: asyncio.AbstractEventLoop, fd: int, data: bytes) -> None:
    """Write ``data`` to non-blocking ``fd`` without blocking the loop, then close it."""
    view = memoryview(data)
    try:
        while view:
            try:
                n = os.write(fd, view)
                view = view[n:]
                continue
            except BlockingIOError:
                pass
            ready = loop.create_future()
            loop.add_writer(fd, ready.set_result, None)
            try:
                await ready
            finally:
                loop.remove_writer(fd)
    except BrokenPipeError:
        pass  # the shell is gone; its exit status tells the story
    finally:
        os.close(fd)


def read_available(fd: int, sink: Callable[[bytes], Any], max_bytes: int = 1 << 30) -> bool:
    """Read what ``fd`` holds now into ``sink``; True at EOF.  Stops after ``max_bytes``."""
    got = 0
    while got < max_bytes:
        try:
            data = os.read(fd, 1 << 20)
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno == errno.EINTR:
                continue
            return True
        if not data:
            return True
        got += len(data)
        sink(data)
    return False
