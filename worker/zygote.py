"""Call shells forked from one started bash (the zygote) instead of exec-ed one by one.

A new bash costs ~2 ms of CPU to exec and start here; a fork of one that has
started costs about half, and every call still gets a fresh process: its own
pid, session, pipes, limits and marker.  ``zygote.c`` is a loadable bash builtin
(``sandbox_fork``) that does the fork; the gateway compiles it once with the C
compiler at start-up (``build_builtin``) and, when that fails, the worker execs
every shell as before.

The worker sends each request over a SOCK_SEQPACKET socket: the new shell's
marker and its descriptors 0-4 as SCM_RIGHTS.  The zygote clones the shell with
CLONE_PARENT, so it is the worker's child like an exec-ed shell (reaped by the
worker's reaper, listed under the spawner thread, out of orphan sweeps), and
answers its pid.  Requests are answered in order, so replies pair with a FIFO.
"""

from __future__ import annotations

import array
import asyncio
import hashlib
import logging
import os
import signal
import socket
import stat
import subprocess
import sys
from collections import deque
from pathlib import Path

__all__ = ["MARKER_CAPACITY", "ZYGOTE_FDS", "Zygote", "build_builtin", "default_cache_dir", "zygote_script"]

logger = logging.getLogger(__name__)

SOURCE = Path(__file__).with_name("zygote.c")
BUILTIN_NAME = "sandbox_fork"
# The zygote's own SANDBOX_SHELL is a placeholder this long: a forked shell writes its marker over it
# in its initial environment block (which /proc/PID/environ shows), so markers must fit.
MARKER_CAPACITY = 96
# Where the zygote finds the builtin (an open file, so a tool user needs no path to it) and its socket.
ZYGOTE_FDS = (5, 6)


def zygote_script(stub: str, uid: int = -1, gid: int = -1, pidns: bool = False, traps: str = "") -> str:
    """The zygote's ``bash -c`` script: load the builtin, set ``traps`` (inherited by every shell it
    forks), fork on request; a forked shell runs ``stub``.  ``uid``/``gid`` >= 0: forked shells drop
    to them; ``pidns``: each is the init of pid and mount namespaces of its own (see zygote.c)."""
    lib_fd, sock_fd = ZYGOTE_FDS
    request = f"{BUILTIN_NAME} {sock_fd} {uid} {gid} {int(pidns)}"
    return (f"enable -f /proc/self/fd/{lib_fd} {BUILTIN_NAME} || builtin exit 4; exec {lib_fd}<&-; {traps}"
            f"while :; do {request}; case $? in 0) ;; 2) break;; 1) builtin exit 0;; "
            f"*) builtin exit 4;; esac; done; " + stub)


def default_cache_dir() -> Path:
    """``$SANDBOX_CACHE_DIR``, else ``$XDG_CACHE_HOME/sandbox-gateway``, else ``~/.cache/sandbox-gateway``."""
    if os.environ.get("SANDBOX_CACHE_DIR"):
        return Path(os.environ["SANDBOX_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sandbox-gateway"


def _trusted(path: Path) -> bool:
    """Ours (or root's, as in an image built ahead) and writable by nobody else: what bash will load
    into every call's shell."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return st.st_uid in (os.geteuid(), 0) and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def build_builtin(cache_dir: Path | None = None, *, cc: str | None = None, bash: str = "/bin/bash",
                  timeout: float = 120.0) -> tuple[str | None, str]:
    """Compile ``zygote.c`` (once per version of the source) and check that ``bash`` loads it.

    Returns (path of the shared object, "") or (None, why not).  Runs programs: call it before
    an event loop starts.
    """
    cache = cache_dir or default_cache_dir()
    compiler = cc or os.environ.get("CC") or "cc"
    source = SOURCE.read_bytes()
    key = hashlib.sha256(source + b"\0" + sys.platform.encode()).hexdigest()[:16]
    target = cache / f"{BUILTIN_NAME}-{key}.so"
    try:
        cache.mkdir(mode=0o755, parents=True, exist_ok=True)
        if not _trusted(cache):
            return None, f"cache directory {cache} is not ours or is writable by others"
        if not _trusted(target):
            tmp = cache / f".{target.name}.{os.getpid()}"
            done = subprocess.run([compiler, "-O2", "-shared", "-fPIC", "-o", str(tmp), str(SOURCE)],
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
            if done.returncode != 0:
                tmp.unlink(missing_ok=True)
                detail = done.stderr.decode(errors="replace").strip().splitlines()
                return None, f"{compiler} failed: {detail[-1] if detail else done.returncode}"
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)  # atomic: workers or gateways building at once all end with one file
        # The builtin needs a SANDBOX_SHELL placeholder in the environment to load, as in a zygote.
        check = subprocess.run([bash, "--noprofile", "--norc", "-c", f'enable -f "$1" {BUILTIN_NAME}', "_",
                                str(target)], stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                               env={**os.environ, "SANDBOX_SHELL": "_" * MARKER_CAPACITY})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, str(exc)
    if check.returncode != 0:
        return None, f"{bash} cannot load it: {check.stderr.decode(errors='replace').strip()}"
    return str(target), ""


class Zygote:
    """The worker's end of one zygote: requests out, pids back, in order.

    ``fork`` raises OSError when the request cannot be sent (ValueError for a marker that does not
    fit the placeholder); the future it returns fails with OSError when the zygote refuses the
    request or dies first.  The zygote process itself is started, reaped and killed by the
    ``ShellFactory``, which closes this end when the process is gone.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, sock: socket.socket) -> None:
        self.loop = loop
        self.sock = sock
        self.pid: int | None = None
        self.served = 0  # shells forked
        self.pending: deque[tuple[asyncio.Future[int], float]] = deque()  # with when each was sent
        self.closed = False
        self.dropped = False  # closed by the worker on purpose (not a failure)
        sock.setblocking(False)
        loop.add_reader(sock.fileno(), self._on_replies)

    def fork(self, marker: bytes, fds: tuple[int, int, int, int, int]) -> asyncio.Future[int]:
        """Ask for a shell whose descriptors 0-4 are ``fds`` (the zygote gets copies)."""
        if len(marker) > MARKER_CAPACITY:
            raise ValueError(f"marker longer than {MARKER_CAPACITY} bytes")
        if self.closed:
            raise OSError("the shell zygote is gone")
        self.sock.sendmsg([marker], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
        future: asyncio.Future[int] = self.loop.create_future()
        self.pending.append((future, self.loop.time()))
        return future

    def _on_replies(self) -> None:
        while True:
            try:
                reply = self.sock.recv(4)
            except BlockingIOError:
                return
            except OSError as exc:
                self.close(f"the shell zygote's socket failed: {exc}")
                return
            if len(reply) != 4:
                self.close("the shell zygote exited")
                return
            value = int.from_bytes(reply, sys.byteorder, signed=True)
            if not self.pending:
                self.close("the shell zygote answered a request nobody made")
                return
            future, _ = self.pending.popleft()
            if value > 0:
                self.served += 1
            if future.done():  # cancelled: the caller gave up, so the new shell goes at once
                if value > 0:
                    os.kill(value, signal.SIGKILL)
            elif value > 0:
                future.set_result(value)
            else:
                future.set_exception(OSError(-value, f"the shell zygote could not fork: {os.strerror(-value)}"))

    def stalled(self, limit: float) -> bool:
        """Whether a request has waited longer than ``limit`` seconds: a fork takes well under a
        millisecond, so the zygote is stopped (a call of the same user can SIGSTOP it) or stuck."""
        return bool(self.pending) and self.loop.time() - self.pending[0][1] > limit

    def close(self, why: str = "the shell zygote was closed") -> None:
        """Stop talking to the zygote (its socket closed, it exits); pending requests fail with ``why``."""
        if self.closed:
            return
        self.closed = True
        self.loop.remove_reader(self.sock.fileno())
        self.sock.close()
        while self.pending:
            future, _ = self.pending.popleft()
            if not future.done():
                future.set_exception(OSError(why))
