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
import resource
import shlex
import shutil
import signal
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from worker.cspawn import CLOSEFROM, SpawnTemplate
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
    "kill_descendants",
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
    spared: frozenset[bytes] | set[bytes] = frozenset(),
    rounds: int = 100,
) -> set[int]:
    """SIGKILL ``root``'s descendants and every orphan of ours that belongs to no other live call.

    The fallback tree kill, where calls get no pid namespace of their own (``ShellFactory.pidns``
    false).  An orphan (a child of our main thread not in ``exclude``) is spared only when its
    marker is one of ``spared`` (the markers of the other calls and jobs still running, whose own
    cleanup will kill it) and not ``marker``: an orphan with a wiped, unreadable or forged marker
    (any other value, the zygote's placeholder included) is killed.  ``marker=None`` means every
    orphan and every other child of ours not in ``exclude``.  Repeats until a round finds
    nothing, so processes forked during the kill are caught as well.  Returns the pids
    signalled: ``await reaper.gone(pids)`` waits until they are dead and reaped (each is reaped
    as it dies; with pidfds that is as soon as it dies).
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
            if marker is None or found == marker or found not in spared:
                victims[orphan] = None
                _descendants(orphan, victims)
        victims.pop(me, None)
        fresh = [pid for pid in victims if pid not in signalled and not _is_zombie(pid)]
        if not fresh:
            break
        signalled.update(pid for pid in fresh if reaper.kill(pid))
        reaper.reap()
    return signalled


def kill_descendants(root: int, reaper: Reaper, rounds: int = 100) -> set[int]:
    """SIGKILL ``root`` and its descendants, parents first (see ``kill_marked_tree``); the pids signalled."""
    signalled: set[int] = set()
    for _ in range(rounds):
        victims: dict[int, None] = {root: None}
        _descendants(root, victims)
        fresh = [pid for pid in victims if pid not in signalled and not _is_zombie(pid)]
        if not fresh:
            break
        signalled.update(pid for pid in fresh if reaper.kill(pid))
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
    """One thread that starts the worker's exec-ed shells (and the zygote), so a spawn never stops
    the event loop.

    The factory hands it ``posix_spawn`` through ctypes (``worker.cspawn``), which releases
    the GIL, so the loop runs on while the thread waits for the child's vfork and exec.

    The thread keeps the worker's credentials.  It must never take the tool user's: the kernel
    checks a signal's permission against the credentials of the thread a pid names, so a tool
    could SIGKILL the whole worker by the tid of a thread running as the tool user.  What it
    spawns drops to the tool user itself (``unshare -S/-G`` or ``setpriv`` in the exec path, the
    zygote's builtin in the fork path).  The thread sets no_new_privs on itself, which every
    process it spawns inherits.
    """

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="shell-spawner", initializer=_no_new_privs)

    def spawn(self, spawn: Callable[..., int], *args: Any, **kwargs: Any) -> int:
        """Run ``spawn(*args, **kwargs)`` on the thread; blocks the caller until it returns the pid."""
        return self._executor.submit(spawn, *args, **kwargs).result()

    def spawn_later(self, spawn: Callable[..., int], *args: Any, **kwargs: Any) -> asyncio.Future[int]:
        """Run ``spawn(*args, **kwargs)`` on the thread without blocking the event loop: a future of the pid."""
        return asyncio.wrap_future(self._executor.submit(spawn, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=False)


def _no_new_privs() -> None:
    """no_new_privs for the calling thread (and what it spawns): no setuid binary or file
    capability raises a tool's privileges."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))


# How a shell's tree is killed (``Shell.contained``):
#   "init"    the shell is the init of a pid namespace of its own: killing it makes the kernel
#             kill everything in the namespace, and its death means all of it is dead;
#   "wrapper" the shell's pid is an ``unshare`` whose child is that init (exec-ed shells);
#   ""        no namespace: descendants by parent links, orphans by marker (``kill_marked_tree``).
Contained = str


class Shell:
    """One bash process in its own session, waiting on fd 3 for the script it will run.

    Owns three pipe ends: the script pipe it writes, the output pipe it reads
    (stdout and stderr of the shell) and the state pipe (what the EXIT trap reports).
    """

    __slots__ = ("contained", "exit", "marker", "out_fd", "pid", "script_fd", "state_fd")

    def __init__(self, pid: int, marker: bytes, script_fd: int, out_fd: int, state_fd: int,
                 contained: Contained = "") -> None:
        self.pid = pid
        self.marker = marker
        self.script_fd = script_fd
        self.out_fd = out_fd
        self.state_fd = state_fd
        self.contained = contained
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

    __slots__ = ("contained", "exit", "marker", "pid", "stderr_fd", "stdin_fd", "stdout_fd")

    def __init__(self, pid: int, marker: bytes, stdin_fd: int, stdout_fd: int, stderr_fd: int,
                 exit: asyncio.Future[int], contained: Contained = "") -> None:
        self.pid = pid
        self.marker = marker
        self.stdin_fd = stdin_fd
        self.stdout_fd = stdout_fd
        self.stderr_fd = stderr_fd
        self.exit = exit
        self.contained = contained


MAX_PROGRAM_SCRIPT = 60 * 1024  # fits a pipe buffer, so handing it over never blocks

# A shell that is the init of its pid namespace ignores every signal sent from inside the namespace
# whose action is the default one (the kernel protects a namespace's init).  These traps give such
# a shell the exit status a default action would have given (``kill -TERM $$`` exits 143, a busy
# loop in the shell itself past the CPU limit exits 152), and exit runs its EXIT trap as before.
# SIGKILL and SIGSTOP cannot be trapped: ``kill -9 $$`` from inside the call does nothing.
INIT_TRAPS = "".join(
    f"trap 'builtin exit {128 + sig}' {sig.name[3:]}; "
    for sig in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGPIPE,
                signal.SIGALRM, signal.SIGTERM, signal.SIGXCPU, signal.SIGXFSZ, signal.SIGVTALRM, signal.SIGPROF)
)


class ShellFactory:
    """Spawns ``Shell``s and ``Program``s with their containment, limits and the tool user.

    Shells start in the worker's cwd (the workspace); the script they are given
    changes directory itself, so a pre-started shell serves any call.

    ``pidns``: every shell is the init of a pid and mount namespace of its own, with its own
    /proc (needs CAP_SYS_ADMIN: the worker runs as root).  Forked shells get them from the zygote's
    builtin; exec-ed ones through ``unshare``.  Without it, trees are found by parent links and
    markers.  ``run_as``: shells run as that (uid, gid), with no supplementary groups.
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
        pidns: bool = False,
    ) -> None:
        self._reaper = reaper
        self._env = env
        self._prefix = marker_prefix
        self.pidns = pidns
        self._spawner = SpawnerThread()
        self.devnull = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
        uid, gid = run_as if run_as is not None else (-1, -1)
        launcher: list[str] = []
        if pidns:
            # unshare forks the init, mounts the namespace's /proc and drops to the tool user (-S/-G
            # also clears supplementary groups); --kill-child takes the namespace down with it.
            launcher = [shutil.which("unshare") or "/usr/bin/unshare", "--pid", "--mount", "--fork", "--kill-child",
                        "--mount-proc"]
            if run_as is not None:
                launcher += ["-S", str(uid), "-G", str(gid)]
            launcher.append("--")
        elif run_as is not None:
            launcher = [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={gid}",
                        "--clear-groups", "--"]
        bash = ["/bin/bash", "--noprofile", "--norc", "-c"]
        stub = limit_commands(limits) + SHELL_STUB
        self._argv = [*launcher, *bash, (INIT_TRAPS if pidns else "") + stub]
        # The zygote runs with the worker's credentials (root, usually): the tool user can neither
        # signal nor trace it, and its builtin drops each forked shell to the tool user.
        self._zygote_argv = [*bash, zygote_script(stub, uid, gid, pidns, INIT_TRAPS if pidns else "")]
        self._template = self._make_template(self._argv, env)
        # Call shells are forked by a zygote when the gateway built its builtin (worker/zygote.py).
        self._fork_builtin = fork_builtin
        self._zygote_env = {**env, MARKER_ENV: f"{marker_prefix}.zygote".ljust(MARKER_CAPACITY, "_")}
        self._zygote_template = self._make_template(self._zygote_argv, self._zygote_env) if fork_builtin else None
        self._zygote: Zygote | None = None
        self._zygote_boot_failures = 0
        self.zygote_restarts = 0  # zygotes that died or stopped answering (not closed on purpose)
        self._serial = 0
        self.live: set[int] = set()  # pids of shells, programs and the zygote not yet reaped
        self.markers: dict[int, bytes] = {}  # pid -> marker of every live shell and program

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

    @property
    def tree_kill(self) -> str:
        """How trees are killed, for the gateway's /status: a pid namespace per call, or markers."""
        return "pidns" if self.pidns else "marker"

    def stop_zygote(self) -> None:
        """Stop the zygote on purpose (the worker is stopping): no warning, no restart count."""
        if self._zygote is not None:
            self._drop_zygote(self._zygote, "the worker is stopping")

    def close(self) -> None:
        self.stop_zygote()
        self._spawner.close()
        if self.devnull >= 0:
            os.close(self.devnull)
            self.devnull = -1

    # ---- starting a process ----

    def _exec_later(self, spawn: _Spawn) -> asyncio.Future[int]:
        """Exec a shell on the spawner thread: its descriptors on 0-4, every other one closed."""
        actions: list[tuple[Any, ...]] = [(os.POSIX_SPAWN_DUP2, fd, to) for to, fd in enumerate(spawn.child_fds)]
        if self._template is not None:
            actions.append((CLOSEFROM, len(spawn.child_fds)))
            return self._spawner.spawn_later(self._template.run, self._template.prepare(spawn.extra_env, actions))
        return self._spawner.spawn_later(os.posix_spawn, self._argv[0], self._argv, {**self._env, **spawn.extra_env},
                                         **_spawn_options(actions))

    def _start(self, loop: asyncio.AbstractEventLoop, spawn: _Spawn) -> asyncio.Future[int]:
        """The pid of a new shell for ``spawn``: forked by the zygote, else exec-ed.  A request the
        zygote fails is exec-ed instead.  Until it has exec-ed, an exec-ed child is listed under the
        spawner thread, where orphan sweeps (``main_thread_children``) do not look, so a concurrent
        cleanup cannot take it for an orphan; a forked one is listed there too (CLONE_PARENT makes
        it the zygote's sibling)."""
        result: asyncio.Future[int] = loop.create_future()
        forked = self._fork_later(loop, spawn) if self._fork_builtin is not None else None
        pid_future = forked if forked is not None else self._exec_later(spawn)
        spawn.forked = forked is not None
        pid_future.add_done_callback(functools.partial(self._started, result, spawn, forked))
        return result

    def _started(self, result: asyncio.Future[int], spawn: _Spawn, forked: asyncio.Future[int] | None,
                 pid_future: asyncio.Future[int]) -> None:
        # A method and a partial, not a closure: a closure that re-adds itself is a reference cycle,
        # and one per call (with its shell and futures) made the collector run every ~15 calls.
        if pid_future is forked and not result.done() and not pid_future.cancelled() \
                and pid_future.exception() is not None:
            try:
                spawn.forked = False
                self._exec_later(spawn).add_done_callback(functools.partial(self._started, result, spawn, None))
                return
            except OSError:
                pass
        if result.done():  # the caller gave up on it
            if not pid_future.cancelled() and pid_future.exception() is None:
                os.kill(pid_future.result(), signal.SIGKILL)
            return
        if pid_future.cancelled():
            result.set_exception(OSError("the spawn was cancelled"))
            return
        exc = pid_future.exception()
        if exc is not None:
            result.set_exception(exc)
        else:
            result.set_result(pid_future.result())

    def _contained(self, spawn: _Spawn) -> Contained:
        if not self.pidns:
            return ""
        return "init" if spawn.forked else "wrapper"

    def _track(self, pid: int, marker: bytes) -> asyncio.Future[int]:
        exit = self._reaper.watch(pid)
        self.live.add(pid)
        self.markers[pid] = marker
        exit.add_done_callback(functools.partial(self._gone, pid))
        return exit

    def _gone(self, pid: int, _exit: asyncio.Future[int]) -> None:
        self.live.discard(pid)
        self.markers.pop(pid, None)

    def spawn_later(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[Shell]:
        """A new shell, forked by the zygote or spawned on the spawner thread, while the loop goes on."""
        result: asyncio.Future[Shell] = loop.create_future()
        spawn = _ShellSpawn(self)
        try:
            started = self._start(loop, spawn)
        except BaseException:
            spawn.abandon()
            raise
        started.add_done_callback(functools.partial(self._shell_started, result, spawn))
        return result

    def _shell_started(self, result: asyncio.Future[Shell], spawn: _ShellSpawn, started: asyncio.Future[int]) -> None:
        if started.cancelled() or started.exception() is not None:
            spawn.abandon()
            if not result.done():
                exc = None if started.cancelled() else started.exception()
                result.set_exception(exc or OSError("the spawn was cancelled"))
            return
        shell = spawn.finish(started.result(), self._contained(spawn))
        if result.done():  # the caller gave up on it
            os.kill(shell.pid, signal.SIGKILL)
            shell.close_fds()
        else:
            result.set_result(shell)

    async def spawn_program(self, argv: list[str], *, cwd: str, extra_env: dict[str, str]) -> Program:
        """Start ``argv`` in ``cwd`` with the same containment as a call's shell (pid namespace or
        marker, own session, limits, tool user), its stdin/stdout/stderr on three pipes of ours.

        The shell stays (as the namespace's init, it reaps what the program leaves) and exits with
        the program's status; ``extra_env`` is set for the program by ``env``."""
        script = ("cd -- " + shlex.quote(cwd) + " || exit 126\n"
                  + " ".join(shlex.quote(a) for a in ["env", "--", *(f"{k}={v}" for k, v in extra_env.items()), *argv]))
        data = script.encode("utf-8", "surrogateescape")
        if len(data) > MAX_PROGRAM_SCRIPT or b"\0" in data:
            raise ValueError(f"command line too long (over {MAX_PROGRAM_SCRIPT} bytes) or holds NUL bytes")
        spawn = _ProgramSpawn(self)
        try:
            started = self._start(asyncio.get_running_loop(), spawn)
            pid = await started
        except BaseException:
            spawn.abandon()
            raise
        return spawn.finish(pid, self._contained(spawn), data)

    async def spawn_on_tty(self, script: bytes, tty_fd: int) -> Program:
        """Start a shell with the same containment as a call's (pid namespace or marker, own session,
        limits, tool user) whose stdin, stdout and stderr are ``tty_fd`` (a pty's slave: the caller
        keeps the master), and hand it ``script``.  The shell is the one the tree kill knows; the
        script makes the program it starts a session leader with the pty as its controlling terminal
        (``worker.terminals``).  The returned ``Program`` has no pipes (its descriptors are -1)."""
        if len(script) > MAX_PROGRAM_SCRIPT or b"\0" in script:
            raise ValueError(f"command line too long (over {MAX_PROGRAM_SCRIPT} bytes) or holds NUL bytes")
        spawn = _TtySpawn(self, tty_fd)
        try:
            pid = await self._start(asyncio.get_running_loop(), spawn)
        except BaseException:
            spawn.abandon()
            raise
        return spawn.finish(pid, self._contained(spawn), script)

    # ---- killing a tree ----

    def kill(self, proc: Shell | Program, *, alive: bool, exclude: set[int]) -> set[int]:
        """SIGKILL what a shell or program started (itself too, when ``alive``); the pids to wait for
        with ``Reaper.gone``: once they are dead, nothing it started is left.

        In a pid namespace of its own, the init's death means the namespace is empty (the kernel
        kills everything in it first), so a dead init leaves nothing to kill.  Otherwise its
        descendants and every orphan not of another live call die (``kill_marked_tree``);
        ``exclude`` are the worker's own children that are neither shells nor orphans."""
        if proc.contained == "init":
            return {proc.pid} if alive and self._reaper.kill(proc.pid) else set()
        if proc.contained == "wrapper":
            return kill_descendants(proc.pid, self._reaper) if alive else set()
        spared = {m for pid, m in self.markers.items() if pid != proc.pid}
        return kill_marked_tree(proc.pid if alive else None, proc.marker, exclude=(self.live | exclude) - {proc.pid},
                                reaper=self._reaper, spared=spared)

    # ---- the zygote (worker/zygote.py) ----

    def _fork_later(self, loop: asyncio.AbstractEventLoop, spawn: _Spawn) -> asyncio.Future[int] | None:
        """Ask the zygote (started if need be) for the shell; None when it cannot be asked."""
        zygote = self._zygote if self._zygote is not None and not self._zygote.closed else self._start_zygote(loop)
        if zygote is None:
            return None
        try:
            return zygote.fork(spawn.marker.encode(), spawn.child_fds)
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
            (os.POSIX_SPAWN_DUP2, self.devnull, 0),
            (os.POSIX_SPAWN_DUP2, self.devnull, 1),
            (os.POSIX_SPAWN_DUP2, self.devnull, 2),
            (os.POSIX_SPAWN_DUP2, lib_fd, lib_target),
            (os.POSIX_SPAWN_DUP2, theirs.fileno(), sock_target),
        ]
        try:
            if self._zygote_template is not None:
                template = self._zygote_template
                started = self._spawner.spawn_later(template.run, template.prepare({}, [*actions, (CLOSEFROM, 7)]))
            else:
                started = self._spawner.spawn_later(os.posix_spawn, self._zygote_argv[0], self._zygote_argv,
                                                    self._zygote_env, **_spawn_options(actions))
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


# Python ignores SIGPIPE and SIGXFSZ; a shell must not inherit that (`yes | head` would never end).
_DEFAULT_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ)


def _spawn_options(file_actions: list[tuple[Any, ...]]) -> dict[str, Any]:
    return {"file_actions": file_actions, "setsid": True, "setsigdef": _DEFAULT_SIGNALS}


class _Spawn:
    """The descriptors and marker of one process being spawned through the shell stub.

    ``child_fds`` become the child's 0-4 (stdin, stdout, stderr, script, state); every other
    descriptor is closed in the child.  ``_own`` are the child's ends, closed here once it has them."""

    __slots__ = ("_own", "child_fds", "extra_env", "factory", "forked", "marker", "script_w")

    def __init__(self, factory: ShellFactory, suffix: str = "") -> None:
        factory._serial += 1
        self.factory = factory
        self.marker = f"{factory._prefix}.{suffix}{factory._serial}"
        self.extra_env = {MARKER_ENV: self.marker}
        self.forked = False
        self.child_fds: tuple[int, int, int, int, int] = (-1, -1, -1, -1, -1)
        self._own: list[int] = []
        self.script_w = -1  # our end of the pipe the child reads its script from (3)

    def _close_child_ends(self) -> None:
        for fd in self._own:
            os.close(fd)
        self._own = []

    def _hand_script(self, pid: int, script: bytes) -> tuple[bytes, asyncio.Future[int]]:
        """The child ``pid`` has its ends: close ours of them, track it by marker, and write its script
        and close that pipe.  Its marker and exit."""
        self._close_child_ends()
        marker = self.marker.encode()
        exit = self.factory._track(pid, marker)
        try:
            os.write(self.script_w, script)  # under a pipe buffer (MAX_PROGRAM_SCRIPT): never blocks
        except OSError:
            pass  # it died already; its exit status tells
        finally:
            os.close(self.script_w)
        return marker, exit


class _ShellSpawn(_Spawn):
    """A call's shell: output (stdout and stderr) on one pipe, the script on 3, the state record on 4."""

    __slots__ = ("out_r", "state_r")

    def __init__(self, factory: ShellFactory) -> None:
        super().__init__(factory)
        script_r, self.script_w = os.pipe()
        self.out_r, out_w = os.pipe()
        self.state_r, state_w = os.pipe()
        try:
            fcntl.fcntl(self.out_r, F_SETPIPE_SZ, 1 << 20)
        except OSError:
            pass
        self._own = [script_r, out_w, state_w]
        self.child_fds = (factory.devnull, out_w, out_w, script_r, state_w)

    def abandon(self) -> None:
        self._close_child_ends()
        for fd in (self.script_w, self.out_r, self.state_r):
            os.close(fd)

    def finish(self, pid: int, contained: Contained) -> Shell:
        self._close_child_ends()
        shell = Shell(pid, self.marker.encode(), self.script_w, self.out_r, self.state_r, contained)
        shell.exit = self.factory._track(pid, shell.marker)
        for fd in (self.out_r, self.state_r, self.script_w):
            os.set_blocking(fd, False)
        return shell


class _ProgramSpawn(_Spawn):
    """A managed server: stdin, stdout and stderr on three pipes, the script on 3, no state record."""

    __slots__ = ("err_r", "in_w", "out_r")

    def __init__(self, factory: ShellFactory) -> None:
        super().__init__(factory, "p")
        script_r, self.script_w = os.pipe()
        in_r, self.in_w = os.pipe()
        self.out_r, out_w = os.pipe()
        self.err_r, err_w = os.pipe()
        self._own = [script_r, in_r, out_w, err_w]
        self.child_fds = (in_r, out_w, err_w, script_r, factory.devnull)

    def abandon(self) -> None:
        self._close_child_ends()
        for fd in (self.script_w, self.in_w, self.out_r, self.err_r):
            os.close(fd)

    def finish(self, pid: int, contained: Contained, script: bytes) -> Program:
        marker, exit = self._hand_script(pid, script)
        for fd in (self.in_w, self.out_r, self.err_r):
            os.set_blocking(fd, False)
        return Program(pid, marker, self.in_w, self.out_r, self.err_r, exit, contained)


class _TtySpawn(_Spawn):
    """A terminal's shell: stdin, stdout and stderr on a pty's slave (the caller's, dup-ed into the
    child and left open here), the script on 3, no state record."""

    __slots__ = ()

    def __init__(self, factory: ShellFactory, tty_fd: int) -> None:
        super().__init__(factory, "t")
        script_r, self.script_w = os.pipe()
        self._own = [script_r]
        self.child_fds = (tty_fd, tty_fd, tty_fd, script_r, factory.devnull)

    def abandon(self) -> None:
        self._close_child_ends()
        os.close(self.script_w)

    def finish(self, pid: int, contained: Contained, script: bytes) -> Program:
        marker, exit = self._hand_script(pid, script)
        return Program(pid, marker, -1, -1, -1, exit, contained)


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
