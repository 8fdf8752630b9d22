"""The worker's side of its file helper (worker/tools/helper.py): ``FileHelper``.

The file tools do not run in the worker: it forwards each call to its helper process, which runs it
with the tool user's credentials, and awaits the answer.  Nothing here blocks the worker's event
loop: the socket is non-blocking (``add_reader``/``add_writer``), the helper is started with
``posix_spawn`` (about a millisecond, at boot and after a death), and its exit is learnt from the
worker's ``Reaper`` (which reaps every child with ``waitpid(-1)``), never from a child watcher.

While the helper lives its pid is in the worker's ``owned`` set, so the orphan sweeps of bash calls
leave it alone.  When it dies, every call in flight on it is answered at once with an error result
that says so, and the next call starts a new helper.

It also forwards the gateway's files channel requests (``forward``) and hands their answers, with the
descriptor an ``Opened`` carries, to ``on_files_reply`` (``worker.files_relay``); a request the helper
dies before answering is answered ``Refused`` 503 here.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from shared import protocol as p
from shared.config import WorkerConfig, dump_worker_config
from shared.fd_channel import recv_with_fds
from shared.file_tools import FileToolResult
from shared.framing import FdFrameBuffer, FrameTooLarge, MissingDescriptor, frame
from worker.procs import Reaper

__all__ = ["BOOT_TIMEOUT", "CLOSE_GRACE", "WATCH_INTERVAL", "FileHelper"]

logger = logging.getLogger(__name__)

# seconds the helper gets to finish its calls and exit once its socket is closed, before SIGKILL
CLOSE_GRACE = 1.0
# A helper is looked at this often: one that is stopped (a tool of the same user can SIGSTOP it) or
# not ready BOOT_TIMEOUT s after it started is killed, so its calls are answered and the next starts anew.
WATCH_INTERVAL = 1.0
BOOT_TIMEOUT = 15.0
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
_READ_PER_WAKE = 8 << 20  # bytes read per readable event before other callbacks get the loop
_HELPER_SOCKET_FD = 3


class _Helper:
    """One helper process: its pid, its socket, and the calls waiting for it (id -> future)."""

    def __init__(self, pid: int, sock: socket.socket, max_frame_size: int, exit: asyncio.Future[int]) -> None:
        self.pid = pid
        self.sock = sock
        self.exit = exit  # from the worker's Reaper: done once the process is dead and reaped
        self.frames = FdFrameBuffer(max_frame_size)
        self.pending: dict[int, asyncio.Future[FileToolResult]] = {}
        # files channel requests forwarded to it and not answered yet (archives: until TransferDone)
        self.relayed: set[int] = set()
        self.outbox = bytearray()
        self.ready: p.FileHelperReady | None = None
        self.closed = False  # the socket is closed (it is being stopped, or it broke the protocol)
        self.stopping = False  # closed on purpose: its exit is not a failure
        self.started = time.monotonic()
        self.watch: asyncio.TimerHandle | None = None


class FileHelper:
    """Starts, talks to and replaces the worker's file helper process.

    ``start`` spawns it (no-op when one runs); ``run`` forwards one call and returns its result
    (starting a helper first if there is none); ``close`` stops it.  Owns the helper process: it is
    watched through ``reaper`` and kept in ``owned`` (the worker's pids that tree kills skip) while
    it lives.
    """

    def __init__(self, cfg: WorkerConfig, loop: asyncio.AbstractEventLoop, reaper: Reaper, owned: set[int],
                 env: dict[str, str]) -> None:
        # Where the helper's answers to the files channel go (``worker.files_relay``), descriptors included
        # (the callee owns them).
        self.on_files_reply: Callable[[p.FromFiles, list[int]], None] | None = None
        self.cfg = cfg
        self.loop = loop
        self.reaper = reaper
        self.owned = owned
        self.env = {**env, "PYTHONPATH": _PROJECT_ROOT}
        if "SANDBOX_GREP_ENGINE" in os.environ:  # a test hook (worker.tools.helper.ENGINE_ENV)
            self.env["SANDBOX_GREP_ENGINE"] = os.environ["SANDBOX_GREP_ENGINE"]
        self._ids = itertools.count(1)
        self._helper: _Helper | None = None
        self.restarts = 0  # helpers that died (not closed on purpose), cumulative

    @property
    def pid(self) -> int | None:
        return self._helper.pid if self._helper is not None else None

    # ---- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the helper unless one runs.  Calls sent before it is ready wait in its socket."""
        if self._helper is not None:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            if theirs.fileno() == _HELPER_SOCKET_FD:
                # dup2 onto itself would leave close-on-exec set: move it out of the way first
                moved = socket.socket(fileno=os.dup(theirs.fileno()))
                theirs.close()
                theirs = moved
            level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
            argv = [sys.executable, "-P", "-m", "worker.tools.helper", "--fd", str(_HELPER_SOCKET_FD),
                    "--config", dump_worker_config(self.cfg), "--log-level", str(level)]
            # posix_spawn returns once the child has exec-ed (~1 ms); its exit comes through the reaper
            pid = os.posix_spawn(sys.executable, argv, self.env, file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
                (os.POSIX_SPAWN_DUP2, theirs.fileno(), _HELPER_SOCKET_FD),
            ], setsid=True)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.setblocking(False)
        self.owned.add(pid)
        helper = _Helper(pid, ours, self.cfg.max_frame_size, self.reaper.watch(pid))
        self._helper = helper
        helper.exit.add_done_callback(lambda _exit: self._exited(helper))
        self.loop.add_reader(ours.fileno(), self._readable, helper)
        helper.watch = self.loop.call_later(WATCH_INTERVAL, self._check, helper)

    def _check(self, helper: _Helper) -> None:
        """Every WATCH_INTERVAL: kill the helper if it is stopped, or still not ready after BOOT_TIMEOUT."""
        helper.watch = None
        if helper.exit.done():
            return
        state = _process_state(helper.pid)
        if state in ("T", "t"):
            self._lost(helper, "it is stopped (SIGSTOP)")
        elif helper.ready is None and time.monotonic() - helper.started > BOOT_TIMEOUT:
            self._lost(helper, f"it was not ready {BOOT_TIMEOUT:g} s after it started")
        else:
            helper.watch = self.loop.call_later(WATCH_INTERVAL, self._check, helper)

    async def close(self) -> None:
        """Stop the helper: close its socket (it stops its calls and exits), SIGKILL it after
        CLOSE_GRACE, and wait (bounded) until it is reaped."""
        helper = self._helper
        if helper is None:
            return
        helper.stopping = True
        self._disconnect(helper)
        try:
            async with asyncio.timeout(CLOSE_GRACE):
                await asyncio.shield(helper.exit)
        except TimeoutError:
            if self.reaper.kill(helper.pid):
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(CLOSE_GRACE):
                        await asyncio.shield(helper.exit)

    # ---- calls -------------------------------------------------------------------------------

    async def run(self, tool: str, args: dict[str, Any]) -> FileToolResult:
        """Run one file tool call in the helper.  Cancelling it sends a FileCancel (the helper stops
        the call and still answers it; that answer is dropped)."""
        if self._helper is None:
            try:
                self.start()
            except OSError as exc:
                logger.error("cannot start the file helper: %s", exc)
                return FileToolResult(f"cannot start the file helper process: {exc}", is_error=True)
        helper = self._helper
        assert helper is not None
        call_id = next(self._ids)
        answer: asyncio.Future[FileToolResult] = self.loop.create_future()
        helper.pending[call_id] = answer
        self._send(helper, p.FileCall(id=call_id, tool=tool, args=args))
        try:
            return await answer
        except asyncio.CancelledError:
            if helper.pending.pop(call_id, None) is not None:
                self._send(helper, p.FileCancel(id=call_id))
            raise

    def forward(self, msg: p.ToFiles) -> None:
        """Forward a files channel request from the gateway (its answer goes to ``on_files_reply``); a
        helper that cannot start, or dies before answering, answers ``Refused`` 503 here."""
        if self._helper is None:
            try:
                self.start()
            except OSError as exc:
                logger.error("cannot start the file helper: %s", exc)
                self._reply_lost(msg.id, f"cannot start the file helper process: {exc}")
                return
        helper = self._helper
        assert helper is not None
        if isinstance(msg, p.CloseTransfer):
            helper.relayed.discard(msg.id)
        else:
            helper.relayed.add(msg.id)
        self._send(helper, msg)

    def _reply_lost(self, request_id: int, why: str) -> None:
        if self.on_files_reply is not None:
            self.on_files_reply(p.Refused(id=request_id, status=503, error=why), [])

    # ---- the socket --------------------------------------------------------------------------

    def _send(self, helper: _Helper, msg: p.ToFileHelper) -> None:
        if helper.closed:
            return
        data = frame(p.encode(msg))
        if helper.outbox:
            helper.outbox += data
            return
        try:
            sent = helper.sock.send(data)
        except BlockingIOError:
            sent = 0
        except OSError as exc:
            self._lost(helper, f"its socket failed: {exc}")
            return
        if sent < len(data):
            helper.outbox += data[sent:]
            self.loop.add_writer(helper.sock.fileno(), self._writable, helper)

    def _writable(self, helper: _Helper) -> None:
        try:
            sent = helper.sock.send(helper.outbox)
        except BlockingIOError:
            return
        except OSError as exc:
            self._lost(helper, f"its socket failed: {exc}")
            return
        del helper.outbox[:sent]
        if not helper.outbox:
            self.loop.remove_writer(helper.sock.fileno())

    def _readable(self, helper: _Helper) -> None:
        got = 0
        while got < _READ_PER_WAKE:
            try:
                data, fds, truncated = recv_with_fds(helper.sock, 1 << 20)
            except BlockingIOError:
                return
            except OSError:
                data, fds, truncated = b"", [], False  # ECONNRESET: it exited with calls unread
            if truncated:
                for fd in fds:
                    os.close(fd)
                self._lost(helper, "it sent more descriptors than one read takes")
                return
            if not data:
                for fd in fds:
                    os.close(fd)
                # it is exiting (or it broke): its exit status answers its calls; a helper that closed
                # its socket but lingers is killed after CLOSE_GRACE
                self._disconnect(helper)
                self.loop.call_later(CLOSE_GRACE, self._kill_if_alive, helper)
                return
            got += len(data)
            try:
                bodies = helper.frames.feed(data, fds)
            except FrameTooLarge as exc:
                self._lost(helper, f"it sent an oversized frame: {exc}")
                return
            for body in bodies:
                try:
                    msg = p.decode_from_file_helper(body)
                except msgspec.DecodeError as exc:
                    logger.error("undecodable message from the file helper: %s", exc)
                    continue
                match msg:
                    case p.FileResult():
                        answer = helper.pending.pop(msg.id, None)
                        if answer is not None and not answer.done():
                            answer.set_result(FileToolResult(msg.text, msg.is_error, msg.structured,
                                                             msg.content or None))
                    case p.FileHelperReady():
                        helper.ready = msg
                        if msg.error:
                            logger.error("the file helper could not start: %s", msg.error)
                    case p.Opened() | p.Committed() | p.FilesPage() | p.TransferDone() | p.Refused():
                        try:
                            self._files_reply(helper, msg)
                        except MissingDescriptor as exc:
                            self._lost(helper, str(exc))
                            return

    def _files_reply(self, helper: _Helper, msg: p.FromFiles) -> None:
        fds = [helper.frames.take_fd()] if isinstance(msg, p.Opened) else []
        if not (isinstance(msg, p.Opened) and msg.kind == "archive"):  # an archive's TransferDone follows
            helper.relayed.discard(msg.id)
        if self.on_files_reply is None:
            for fd in fds:
                os.close(fd)
            return
        self.on_files_reply(msg, fds)

    def _kill_if_alive(self, helper: _Helper) -> None:
        if not helper.exit.done():
            logger.warning("file helper %d closed its socket but did not exit; killing it", helper.pid)
            self.reaper.kill(helper.pid)

    def _lost(self, helper: _Helper, why: str) -> None:
        """The helper broke its side of the protocol: kill it; its exit answers its calls."""
        if not helper.closed:
            logger.warning("file helper %d: %s; killing it", helper.pid, why)
            self._disconnect(helper)
            self.reaper.kill(helper.pid)

    def _disconnect(self, helper: _Helper) -> None:
        if helper.closed:
            return
        helper.closed = True
        self.loop.remove_reader(helper.sock.fileno())
        if helper.outbox:
            self.loop.remove_writer(helper.sock.fileno())
        helper.sock.close()
        helper.frames.close()
        if self._helper is helper:
            self._helper = None  # the next call starts a new one

    def _exited(self, helper: _Helper) -> None:
        """The helper process is dead and reaped: answer its calls, forget it."""
        if helper.watch is not None:
            helper.watch.cancel()
            helper.watch = None
        exit = helper.exit
        status = exit.result() if not exit.cancelled() and exit.exception() is None else None
        self.owned.discard(helper.pid)
        self._disconnect(helper)
        if helper.stopping:
            text = "the worker stopped its file helper (it is shutting down); the call was not completed"
        else:
            self.restarts += 1
            how = f"killed by signal {-status}" if status is not None and status < 0 else f"exit status {status}"
            if helper.ready is not None and helper.ready.error:
                text = (f"the file helper process could not start: {helper.ready.error} ({how}); the next file "
                        "tool call tries again")
            else:
                if helper.ready is None:
                    how += ", before it was ready (see the log)"
                logger.warning("the file helper (pid %d) died (%s) with %d calls in flight", helper.pid, how,
                               len(helper.pending))
                text = (f"the file helper process died ({how}) while this call ran, so it was not completed (a "
                        "write may or may not have happened); the next file tool call starts a new helper")
        for answer in helper.pending.values():
            if not answer.done():
                answer.set_result(FileToolResult(text, is_error=True))
        helper.pending.clear()
        relayed, helper.relayed = helper.relayed, set()
        for request_id in sorted(relayed):
            self._reply_lost(request_id, "the worker's file helper died or was stopped before it answered; nothing "
                                         "was written: send it again")


def _process_state(pid: int) -> str:
    """The state letter in ``/proc/PID/stat`` ("" when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except OSError:
        return ""
    end = data.rfind(b")")
    return data[end + 2 : end + 3].decode("ascii", "replace")
