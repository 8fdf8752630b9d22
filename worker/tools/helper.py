"""The file helper: one process per worker that runs the file tools with the tool user's credentials.

The worker starts it (``FileHelper.start`` in worker/tools/client.py) as
``python -P -m worker.tools.helper --fd N --config JSON``.  Before it reads a message it:

- closes every descriptor it inherited but its socket and stdio (stdin and stdout are /dev/null,
  stderr is the worker's, for its log lines);
- drops to the tool user when the config names one (``WorkerConfig.run_as_uid/gid >= 0``):
  ``setgroups([])``, ``setresgid``, ``setresuid``, and checks that they took;
- sets no_new_privs, then makes itself non-dumpable, so a tool running as the same user can
  neither ptrace it nor open its ``/proc/PID/fd`` (where the workspace descriptor is);
- asks for SIGKILL when the worker dies (``PR_SET_PDEATHSIG``);
- opens the workspace, as the tool user: from then on the kernel decides what the tools may read
  and write, as it does for ``bash``.

Then it says ``FileHelperReady`` and serves: length-prefixed msgpack frames (``shared.framing``,
messages in ``shared.protocol``) over the socket, ``FileCall`` and ``FileCancel`` in, one
``FileResult`` per ``FileCall`` out; and the gateway's files channel requests, relayed by the worker
(``OpenRead``, ``OpenWrite``, ``CommitWrite``, ``CloseTransfer``, ``OpenWatch``, ``ListFiles``: see
``worker.tools.transfers``), each answered once, an ``Opened`` with the descriptor it opened beside the
frame (``SCM_RIGHTS``).  Calls run concurrently on up to MAX_THREADS threads, started as
calls arrive and ended after IDLE_THREAD_SECONDS without work: every thread is a task of the tool user
and counts toward the RLIMIT_NPROC its shells get (``--limit-processes``), so an idle helper is one.
A ``FileCancel`` sets the call's stop flag (a scan returns what it found, a running ``rg`` is
killed).  Every call id is answered exactly once.  End of file on the socket (the worker is closing
it, or gone) stops every call; the process exits once they have returned (at most ``EXIT_GRACE`` s).

Exit codes: 0 after the socket closed, 3 when it could not start (the reason is on stderr).
"""

from __future__ import annotations

import argparse
import array
import contextlib
import ctypes
import functools
import importlib
import logging
import mimetypes
import os
import resource
import shutil
import signal
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence

import msgspec

from shared import protocol as p
from shared.config import WorkerConfig, load_worker_config
from shared.file_tools import FileToolResult
from shared.framing import FrameBuffer, FrameTooLarge, frame
from worker.tools import HELPER_FAMILIES
from worker.tools.files import FileToolContext, call_file_tool, kill_running_children, run_rg
from worker.tools.transfers import Transfers

__all__ = ["BOOT_ERROR", "ENGINE_ENV", "IDLE_THREAD_SECONDS", "MAX_THREADS", "main", "seal"]

logger = logging.getLogger("file-helper")

BOOT_ERROR = 3
MAX_THREADS = 8  # calls run at once; more wait their turn (file calls are short, the machine has few cores)
IDLE_THREAD_SECONDS = 2.0
EXIT_GRACE = 2.0  # seconds calls get to return after the socket closed
# Test hook: "python" makes grep use its Python engine even where rg is installed; "rg" gives every
# search to rg from the start (no Python engine first).
ENGINE_ENV = "SANDBOX_GREP_ENGINE"

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl({option}, {value}): {os.strerror(err)}")


def _close_inherited(keep: int) -> None:
    """Close every descriptor but stdio and ``keep``: a worker's descriptors (its socket to the
    gateway, say) are not for the tool user."""
    top = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    top = top if top != resource.RLIM_INFINITY and top > keep else keep + 65536
    os.closerange(3, keep)
    os.closerange(keep + 1, top)


def seal(uid: int, gid: int, parent: int) -> None:
    """Become the tool user (when ``uid >= 0``) for good, no_new_privs, non-dumpable, and die with ``parent``.

    Credentials go first: changing them resets the parent-death signal and the dumpable flag."""
    if uid >= 0:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
        if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid) or os.getgroups():
            raise RuntimeError(f"credentials are {os.getresuid()} {os.getresgid()} {os.getgroups()}, "
                               f"expected uid {uid} gid {gid} and no groups")
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        raise RuntimeError("the worker exited while the file helper started")


class _ElasticPool:
    """Runs submitted functions on at most ``max_threads`` threads, started when work arrives and no
    thread is free, ended after ``idle`` seconds without work."""

    def __init__(self, max_threads: int, idle: float) -> None:
        self.max_threads = max_threads
        self.idle = idle
        self.cond = threading.Condition()
        self.tasks: deque[Callable[[], None]] = deque()
        self.threads = 0
        self.waiting = 0  # threads waiting for work

    def submit(self, task: Callable[[], None]) -> None:
        with self.cond:
            self.tasks.append(task)
            if self.waiting < len(self.tasks) and self.threads < self.max_threads:
                self.threads += 1
                threading.Thread(target=self._work, name=f"file-call-{self.threads}", daemon=True).start()
            self.cond.notify()

    def _work(self) -> None:
        while True:
            with self.cond:
                while not self.tasks:
                    self.waiting += 1
                    woken = self.cond.wait(self.idle)
                    self.waiting -= 1
                    if not woken and not self.tasks:
                        self.threads -= 1
                        return
                task = self.tasks.popleft()
            task()


class _Server:
    """Reads calls from the socket (this thread), runs them on the pool, writes each answer once."""

    def __init__(self, sock: socket.socket, ctx: FileToolContext, max_frame_size: int) -> None:
        self.sock = sock
        self.ctx = ctx
        self.frames = FrameBuffer(max_frame_size)
        self.pool = _ElasticPool(MAX_THREADS, IDLE_THREAD_SECONDS)
        self.send_lock = threading.Lock()
        self.lock = threading.Lock()
        self.all_done = threading.Condition(self.lock)
        self.running: dict[int, threading.Event] = {}  # calls not yet answered: their stop flags
        # the files channel's requests (/files transfers, resources, watches), relayed by the worker
        self.transfers = Transfers(ctx, self.send)

    def serve(self) -> None:
        self.send(p.FileHelperReady(pid=os.getpid(), uid=os.geteuid(), gid=os.getegid(),
                                    rg=(shutil.which("rg") or "") if self.ctx.run is not None else ""))
        try:
            while True:
                data = self.sock.recv(1 << 20)
                if not data:
                    return
                for body in self.frames.feed(data):
                    try:
                        msg = p.decode_to_file_helper(body)
                    except msgspec.DecodeError as exc:
                        logger.error("undecodable message from the worker: %s", exc)
                        continue
                    self.dispatch(msg)
        except FrameTooLarge as exc:
            logger.error("the worker sent an oversized frame: %s", exc)
        except OSError as exc:
            logger.error("the socket to the worker failed: %s", exc)
        finally:
            self.stop_all()

    def dispatch(self, msg: p.ToFileHelper) -> None:
        match msg:
            case p.FileCall():
                with self.lock:
                    duplicate = msg.id in self.running
                    stop = self.running.setdefault(msg.id, threading.Event())
                if duplicate:
                    self.send(p.FileResult(id=msg.id, text=f"duplicate file call id {msg.id}", is_error=True))
                    return
                self.pool.submit(functools.partial(self.run_call, msg, stop))
            case p.FileCancel():
                with self.lock:
                    cancelled = self.running.get(msg.id)
                if cancelled is not None:
                    cancelled.set()
            case p.CloseTransfer():
                self.transfers.close(msg.id)
            case p.OpenRead() | p.OpenWrite() | p.CommitWrite() | p.OpenWatch() | p.ListFiles():
                self.pool.submit(functools.partial(self.transfers.handle, msg))

    def run_call(self, call: p.FileCall, stop: threading.Event) -> None:
        try:
            if stop.is_set():
                result = FileToolResult("cancelled before it started", is_error=True)
            else:
                result = call_file_tool(call.tool, call.args, self.ctx, stop)
        except Exception as exc:
            logger.exception("file call %d (%s) failed inside the file helper", call.id, call.tool)
            result = FileToolResult(f"internal error in the file helper: {exc}", is_error=True)
        self.send(p.FileResult(id=call.id, text=result.text, is_error=result.is_error, structured=result.structured,
                               content=result.content or []))
        with self.lock:
            self.running.pop(call.id, None)
            self.all_done.notify_all()

    def send(self, msg: p.FromFileHelper, fds: Sequence[int] = ()) -> None:
        """Send one message, and ``fds`` beside it (closed here once sent, or when it cannot be)."""
        data = frame(p.encode(msg))
        with self.send_lock:
            try:
                if fds:
                    # the descriptors travel with the frame's first byte (shared.framing.FdFrameBuffer)
                    sent = self.sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
                    data = data[sent:]
                if data:
                    self.sock.sendall(data)
            except OSError:
                pass  # the worker is gone: the reader sees end of file and stops everything
            finally:
                for fd in fds:
                    with contextlib.suppress(OSError):
                        os.close(fd)

    def stop_all(self) -> None:
        """Stop every call and wait (at most EXIT_GRACE) until they have returned."""
        with self.lock:
            for stop in self.running.values():
                stop.set()
        self.transfers.stop_all()
        kill_running_children()
        with self.lock:
            self.all_done.wait_for(lambda: not self.running, EXIT_GRACE)


def main(argv: list[str] | None = None) -> None:
    parent = os.getppid()
    parser = argparse.ArgumentParser(prog="python -m worker.tools.helper", description=__doc__)
    parser.add_argument("--fd", type=int, required=True, help="inherited Unix socket to the worker")
    parser.add_argument("--config", required=True, help="the worker's WorkerConfig as JSON")
    parser.add_argument("--log-level", default="WARNING")
    ns = parser.parse_args(argv)
    _close_inherited(ns.fd)
    logging.basicConfig(level=ns.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s file-helper[%(process)d] %(name)s: %(message)s")
    sock = socket.socket(fileno=ns.fd)
    try:
        cfg: WorkerConfig = load_worker_config(ns.config)
        mimetypes.init()  # reads its tables now, with the worker's credentials, not later as the tool user
        # Every tool family's code is imported now too: once the credentials are the tool user's, the
        # interpreter's own files may be out of reach (a Python installed under /root, say).
        for family in HELPER_FAMILIES:
            importlib.import_module(family)
        seal(cfg.run_as_uid, cfg.run_as_gid, parent)
        engine = os.environ.get(ENGINE_ENV)
        ctx = FileToolContext.from_config(cfg, None if engine == "python" else run_rg)
        if engine == "rg":
            ctx.python_first = 0.0
        ctx.root  # noqa: B018  (opens the workspace now, as the tool user: a failure is a boot failure)
        os.chdir("/")
    except Exception as exc:
        print(f"file helper failed to start: {exc}", file=sys.stderr, flush=True)
        with contextlib.suppress(OSError):  # the calls waiting for it are answered with the reason
            sock.sendall(frame(p.encode(p.FileHelperReady(pid=os.getpid(), uid=os.geteuid(), gid=os.getegid(),
                                                          error=str(exc)))))
        sys.exit(BOOT_ERROR)
    _Server(sock, ctx, cfg.max_frame_size).serve()
    # Calls still running past the grace (a read stuck in the kernel) must not keep the process.
    os._exit(0)


if __name__ == "__main__":
    main()
