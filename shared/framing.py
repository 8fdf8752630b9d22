"""Length-prefixed framing: a 4-byte big-endian body length, then the body.

``FrameBuffer`` is a pure state machine: feed it bytes, get whole frames.  The
length is checked against the maximum *before* any of the body is buffered, so
a peer cannot make us hold an oversized frame.

``FdFrameBuffer`` adds the descriptors that arrive beside the bytes on a Unix
socket (``SCM_RIGHTS``).  The kernel hands a message's descriptors to the read
that returns its first byte, and a sender passes them with the first byte of the
frame they belong to, so once a frame is complete its descriptors have arrived:
they are queued in arrival order and the frame's reader takes as many as its
message type carries.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable

__all__ = ["HEADER_SIZE", "FdFrameBuffer", "FrameBuffer", "FrameTooLarge", "MissingDescriptor", "frame"]

HEADER_SIZE = 4


class FrameTooLarge(Exception):
    """A frame header announced more bytes than the agreed maximum."""

    def __init__(self, size: int, max_size: int) -> None:
        super().__init__(f"frame of {size} bytes exceeds the maximum frame size of {max_size} bytes")
        self.size = size
        self.max_size = max_size


def frame(body: bytes) -> bytes:
    return len(body).to_bytes(HEADER_SIZE, "big") + body


class FrameBuffer:
    """Accumulates bytes and splits them into frames."""

    __slots__ = ("_buf", "_need", "max_size")

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._buf = bytearray()
        self._need = -1  # body length of the frame being read, -1 while reading a header

    def feed(self, data: bytes) -> list[bytes]:
        """Add ``data``; return the frames it completed (possibly none)."""
        buf = self._buf
        buf += data
        frames: list[bytes] = []
        while True:
            if self._need < 0:
                if len(buf) < HEADER_SIZE:
                    break
                size = int.from_bytes(buf[:HEADER_SIZE], "big")
                if size > self.max_size:
                    raise FrameTooLarge(size, self.max_size)
                del buf[:HEADER_SIZE]
                self._need = size
            if len(buf) < self._need:
                break
            frames.append(bytes(buf[: self._need]))
            del buf[: self._need]
            self._need = -1
        return frames

    @property
    def pending(self) -> int:
        """Bytes held for an incomplete frame (0 at a clean frame boundary)."""
        return len(self._buf) + (HEADER_SIZE if self._need >= 0 else 0)


class MissingDescriptor(Exception):
    """A frame that carries a descriptor came without one: the peer broke the protocol."""


class FdFrameBuffer:
    """``FrameBuffer`` plus the descriptors received with the bytes, in arrival order.  Owns the
    descriptors it holds: ``take_fd`` hands one to the caller, ``close`` closes the rest."""

    __slots__ = ("_fds", "_frames")

    def __init__(self, max_size: int) -> None:
        self._frames = FrameBuffer(max_size)
        self._fds: deque[int] = deque()

    def feed(self, data: bytes, fds: Iterable[int] = ()) -> list[bytes]:
        """Add ``data`` and the descriptors that came with it; return the frames it completed."""
        self._fds.extend(fds)
        return self._frames.feed(data)

    def take_fd(self) -> int:
        """The next descriptor, now the caller's to close."""
        if not self._fds:
            raise MissingDescriptor("a message that carries a descriptor arrived without one")
        return self._fds.popleft()

    @property
    def held_fds(self) -> int:
        return len(self._fds)

    def close(self) -> None:
        while self._fds:
            try:
                os.close(self._fds.popleft())
            except OSError:
                pass
