"""The gateway's end of a worker's files channel: ``FilesChannel``.

Each tools worker gets a second socket at spawn (``gateway.pool``), beside the one its calls use:
requests for /files transfers, resource reads and listings, and watches go on it to the worker,
which relays them to its file helper (``worker.files_relay``); answers come back with the
descriptor the helper opened as the tool user beneath the workspace (``shared.protocol``, ``Opened``).
From then on the gateway works on that descriptor alone: it never resolves a workspace path itself.

``request`` sends one request and returns its answer (and descriptor, now the caller's); the caller
bounds the wait with its own timeout.  A request abandoned before its answer (a timeout, a client
that left) is closed at the helper once the answer comes, so an upload or archive it opened is
discarded.  When the worker dies the channel ends and every request waiting on it is answered
``Refused`` 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket

from shared import protocol as p
from shared.fd_channel import FdChannel
from shared.framing import FdFrameBuffer

__all__ = ["FilesChannel", "FilesUnavailable", "close_quietly"]

logger = logging.getLogger(__name__)

MAX_FRAME = 4 << 20  # answers are small: a listing page is the largest (tens of KiB)


class FilesUnavailable(Exception):
    """No worker can take a files request now (none ready); the message says so."""


class FilesChannel:
    """Owns the socket of one worker's files channel and every descriptor received and not handed out."""

    def __init__(self, sock: socket.socket, loop: asyncio.AbstractEventLoop, worker: int) -> None:
        self.worker = worker
        self._answers: dict[int, asyncio.Future[tuple[p.FromFiles, int | None]]] = {}
        self._done: dict[int, asyncio.Future[p.TransferDone]] = {}
        self.channel = FdChannel(sock, loop, MAX_FRAME, self._frame, self._closed)
        self.loop = loop

    @property
    def closed(self) -> bool:
        return self.channel.closed

    @property
    def busy(self) -> int:
        """Requests and archives in flight on it (to spread transfers over workers)."""
        return len(self._answers) + len(self._done)

    async def request(self, msg: p.ToFiles, *, until_done: bool = False
                      ) -> tuple[p.FromFiles, int | None, asyncio.Future[p.TransferDone] | None]:
        """Send ``msg`` and wait for its answer: (answer, its descriptor or None, and with
        ``until_done`` a future of the archive's ``TransferDone``)."""
        answer: asyncio.Future[tuple[p.FromFiles, int | None]] = self.loop.create_future()
        done: asyncio.Future[p.TransferDone] | None = None
        if self.closed:
            return p.Refused(id=msg.id, status=503, error="the worker went away; retry"), None, None
        self._answers[msg.id] = answer
        if until_done:
            done = self._done[msg.id] = self.loop.create_future()
        self.channel.send(p.encode(msg))
        try:
            reply, fd = await answer
        except asyncio.CancelledError:
            if self._answers.pop(msg.id, None) is not None:
                self._answers[msg.id] = _ABANDONED  # its answer, when it comes, is closed at the helper
            self._done.pop(msg.id, None)
            raise
        if done is not None and not isinstance(reply, p.Opened):
            self._done.pop(msg.id, None)
            done = None
        return reply, fd, done

    def close_transfer(self, transfer_id: int) -> None:
        """End transfer ``transfer_id`` at the helper (an upload is discarded, an archive stopped)."""
        self._done.pop(transfer_id, None)
        if not self.closed:
            self.channel.send(p.encode(p.CloseTransfer(id=transfer_id)))

    def close(self) -> None:
        self.channel.close()

    # ---- answers ----------------------------------------------------------------------------

    def _frame(self, body: bytes, frames: FdFrameBuffer) -> None:
        msg = p.decode_from_files(body)
        fd = frames.take_fd() if isinstance(msg, p.Opened) else None
        if isinstance(msg, p.TransferDone) or (isinstance(msg, p.Refused) and msg.id not in self._answers):
            done = self._done.pop(msg.id, None)
            if done is not None and not done.done():
                done.set_result(msg if isinstance(msg, p.TransferDone) else
                                p.TransferDone(id=msg.id, ok=False, error=msg.error))
            return
        answer = self._answers.pop(msg.id, None)
        if answer is _ABANDONED or answer is None or answer.done():
            if fd is not None:
                os.close(fd)
            if isinstance(msg, p.Opened):
                self.close_transfer(msg.id)
            return
        answer.set_result((msg, fd))

    def _closed(self, reason: str) -> None:
        if reason != "closed":
            logger.debug("worker %d's files channel ended: %s", self.worker, reason)
        gone = p.Refused(id=0, status=503, error="the worker went away while this was being served; retry")
        for request_id, answer in self._answers.items():
            if answer is not _ABANDONED and not answer.done():
                answer.set_result((p.Refused(id=request_id, status=gone.status, error=gone.error), None))
        self._answers.clear()
        for request_id, done in self._done.items():
            if not done.done():
                done.set_result(p.TransferDone(id=request_id, ok=False, error=gone.error))
        self._done.clear()


class _Abandoned:
    """The placeholder of a request whose caller stopped waiting."""

    def done(self) -> bool:
        return True


_ABANDONED: asyncio.Future[tuple[p.FromFiles, int | None]] = _Abandoned()  # type: ignore[assignment]


def close_quietly(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
