"""A framed Unix stream socket that carries descriptors, on an event loop: ``FdChannel``.

The files channel between the gateway and each worker (``shared.protocol``'s ``ToFiles`` and
``FromFiles``) runs on one, at both ends.  An asyncio transport cannot be used: it reads with
``recv``, and the kernel closes descriptors that arrive at a read without room for them.  So this
reads with ``recvmsg`` on the loop's reader callback and writes with ``sendmsg``, never blocking: what
the socket does not take waits in an outbox, its descriptors kept open until they are sent.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import os
import socket
from collections import deque
from collections.abc import Callable, Sequence

from shared.framing import FdFrameBuffer, FrameTooLarge, MissingDescriptor, frame

__all__ = ["MAX_FDS_PER_READ", "FdChannel", "recv_with_fds"]

MAX_FDS_PER_READ = 16  # room per recvmsg; the kernel gives one sendmsg's descriptors per read
_READ_SIZE = 1 << 18
_READ_PER_WAKE = 4 << 20  # bytes read per readable event before other callbacks get the loop
_FD_SIZE = array.array("i").itemsize
_ANCILLARY = socket.CMSG_SPACE(MAX_FDS_PER_READ * _FD_SIZE)

OnFrame = Callable[[bytes, FdFrameBuffer], None]


class FdChannel:
    """One end of a socket pair: frames in (``on_frame(body, buffer)``; the handler takes the
    descriptors its message carries with ``buffer.take_fd()``), frames out (``send``).

    Owns the socket and every descriptor it holds (queued to send, or received and not taken).
    ``on_closed(reason)`` is called once when the channel ends: the peer closed or broke the protocol,
    or ``close`` was called (reason "closed").  A handler that raises ``MissingDescriptor`` or
    ``ValueError`` (an undecodable frame) ends the channel as a protocol error."""

    def __init__(self, sock: socket.socket, loop: asyncio.AbstractEventLoop, max_frame_size: int,
                 on_frame: OnFrame, on_closed: Callable[[str], None]) -> None:
        sock.setblocking(False)
        self.sock = sock
        self.loop = loop
        self.frames = FdFrameBuffer(max_frame_size)
        self.on_frame = on_frame
        self.on_closed = on_closed
        self.closed = False
        self._outbox: deque[tuple[memoryview, list[int]]] = deque()
        self._writing = False
        loop.add_reader(sock.fileno(), self._readable)

    # ---- out -------------------------------------------------------------------------------

    def send(self, body: bytes, fds: Sequence[int] = ()) -> None:
        """Send one frame; ``fds`` become the channel's (closed once sent, or when it closes)."""
        if self.closed:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
            return
        self._outbox.append((memoryview(frame(body)), list(fds)))
        if not self._writing:
            self._flush()

    def _flush(self) -> None:
        while self._outbox:
            view, fds = self._outbox[0]
            try:
                if fds:
                    sent = self.sock.sendmsg([view], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
                else:
                    sent = self.sock.send(view)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError as exc:
                self._end(f"its socket failed: {exc}")
                return
            if sent == 0:
                if not self._writing:
                    self._writing = True
                    self.loop.add_writer(self.sock.fileno(), self._flush)
                return
            for fd in fds:  # they travelled with the first byte
                with contextlib.suppress(OSError):
                    os.close(fd)
            if sent < len(view):
                self._outbox[0] = (view[sent:], [])
            else:
                self._outbox.popleft()
        if self._writing:
            self._writing = False
            self.loop.remove_writer(self.sock.fileno())

    # ---- in --------------------------------------------------------------------------------

    def _readable(self) -> None:
        got = 0
        while got < _READ_PER_WAKE and not self.closed:
            try:
                data, fds, truncated = recv_with_fds(self.sock, _READ_SIZE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self._end(f"its socket failed: {exc}")
                return
            if truncated:
                for fd in fds:
                    os.close(fd)
                self._end("protocol error: more descriptors arrived than one read takes")
                return
            if not data:
                for fd in fds:
                    os.close(fd)
                self._end("the peer closed it")
                return
            got += len(data)
            try:
                bodies = self.frames.feed(data, fds)
            except FrameTooLarge as exc:
                self._end(f"protocol error: {exc}")
                return
            for body in bodies:
                try:
                    self.on_frame(body, self.frames)
                except (MissingDescriptor, ValueError) as exc:  # msgspec.DecodeError is a ValueError
                    self._end(f"protocol error: {exc}")
                    return
                if self.closed:
                    return

    # ---- end -------------------------------------------------------------------------------

    def close(self) -> None:
        self._end("closed")

    def _end(self, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        fileno = self.sock.fileno()
        if fileno >= 0:
            self.loop.remove_reader(fileno)
            if self._writing:
                self.loop.remove_writer(fileno)
        self._writing = False
        self.sock.close()
        self.frames.close()
        for _view, fds in self._outbox:
            for fd in fds:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._outbox.clear()
        self.on_closed(reason)


def recv_with_fds(sock: socket.socket, size: int) -> tuple[bytes, list[int], bool]:
    """One ``recvmsg`` (blocking or not, as ``sock`` is): the bytes, the descriptors that came with them
    (close-on-exec), and whether some were cut off (their owner's protocol is broken)."""
    data, ancillary, flags, _ = sock.recvmsg(size, _ANCILLARY, socket.MSG_CMSG_CLOEXEC)
    return data, _descriptors(ancillary), bool(flags & socket.MSG_CTRUNC)


def _descriptors(ancillary: list[tuple[int, int, bytes]]) -> list[int]:
    fds: list[int] = []
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            received = array.array("i")
            received.frombytes(data[: len(data) - len(data) % _FD_SIZE])
            fds.extend(received)
    return fds
