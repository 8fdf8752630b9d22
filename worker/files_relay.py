"""The worker's end of the files channel: ``FilesRelay``.

The gateway sends /files transfers, resource reads and listings, and watch requests on a socket of
their own (``shared.protocol``'s ``ToFiles``); the worker forwards each, unchanged, to its file
helper, which does the work as the tool user, and sends the helper's answer back with the
descriptor it carries (``Opened``).  The worker only moves small messages and passes descriptors
on: no file byte goes through it, and nothing here blocks its event loop (``shared.fd_channel``).
"""

from __future__ import annotations

import asyncio
import logging
import socket

from shared import protocol as p
from shared.fd_channel import FdChannel
from shared.framing import FdFrameBuffer
from worker.tools.client import FileHelper

__all__ = ["FilesRelay"]

logger = logging.getLogger(__name__)

MAX_FRAME = 4 << 20  # requests are small; a listing page is the largest answer (tens of KiB)


class FilesRelay:
    """Owns the channel socket; ``helper`` is the worker's ``FileHelper``."""

    def __init__(self, sock: socket.socket, loop: asyncio.AbstractEventLoop, helper: FileHelper) -> None:
        self.helper = helper
        helper.on_files_reply = self._reply
        self.channel = FdChannel(sock, loop, MAX_FRAME, self._request, self._closed)

    def _request(self, body: bytes, frames: FdFrameBuffer) -> None:
        self.helper.forward(p.decode_to_files(body))

    def _reply(self, msg: p.FromFiles, fds: list[int]) -> None:
        self.channel.send(p.encode(msg), fds)

    def _closed(self, reason: str) -> None:
        if reason != "closed":
            logger.warning("the gateway's files channel ended: %s", reason)

    def close(self) -> None:
        self.channel.close()
