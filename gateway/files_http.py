"""``PUT`` and ``GET /files/<path>``: large transfers outside JSON, on the gateway's HTTP listener.

Same token, Origin rules and connection limits as ``/mcp`` (``Gateway.admit``, ``Listener.admit_http``).
The bytes never pass through a worker or the file helper, and never through a path the gateway
resolves: the helper opens the file as the tool user beneath the workspace descriptor and hands the
gateway that descriptor (``gateway.transfers``), and the gateway moves bytes between it and the
HTTP connection, one chunk (``CHUNK``) at a time, on a thread of its own (``_io``) so that disk I/O
never blocks the event loop.

- ``GET``/``HEAD``: a regular file, with ``Content-Length``, ``ETag``, ``Last-Modified`` and single
  ``Range`` requests (206, 416); a directory with ``?archive=tar.gz``, as a tar.gz the helper writes
  into a pipe (chunked).  Backpressure: the next chunk is read only once the connection took the last
  (uvicorn's send waits for the transport to drain).  A client that takes nothing for
  ``--transfer-idle-timeout`` is cut off.  The descriptor is the file as it was opened: a file
  replaced (renamed over) during a download keeps being sent whole; one truncated in place ends the
  response early (the connection is closed, so the client sees a short body, never a wrong one).
- ``PUT``: the body goes into an unnamed file the helper made beside the target, then the helper
  fsyncs it and renames it over the target (``CommitWrite``).  ``Content-Length`` over
  ``--max-put-bytes`` is refused with 413 before anything is opened (clients that send ``Expect:
  100-continue`` then send no body); a chunked body is counted and refused as it passes the limit.
  A body that stalls for ``--transfer-idle-timeout``, a client that leaves, a full disk: the upload
  is discarded and nothing was ever visible under the target's name.  ``If-None-Match: *`` asks for
  a new file (412 if one exists).  Answer: 201 (created) or 200, with JSON ``{path, size, sha256,
  created}``.  Backpressure: uvicorn stops reading the socket while a chunk is being written.

At most ``--max-transfers`` run at once (503 beyond).  Statuses: 400 malformed (a NUL byte, a bad
``Range``), 401/403 token and Origin (and 403 for a path outside the workspace or a file the tool
user may not touch), 404 missing, 409 a directory where a file is needed (or the reverse), 412, 413,
416, 503 no ready worker or too many transfers, 507 disk full; each with a one-line body.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import stat
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qs, quote, unquote_to_bytes

import msgspec

from gateway.admission import BadRequest, one_header
from gateway.services import Services
from gateway.transfers import FilesChannel, close_quietly
from shared import protocol as p
from shared.transfer_tools import FILES_PREFIX

__all__ = ["CHUNK", "FilesEndpoint", "parse_range"]

CHUNK = 1 << 20  # bytes per read or write of the descriptor; at most two are held per transfer (and what
# uvicorn holds for a request body: 64 KiB before it stops reading)
IO_THREADS = 4
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Headers = Callable[[str], list[str]]

# Files come from the workspace: a browser must never run one as a page of the gateway's origin (an
# HTML file opened with ?token= in its URL could read the token).
_SAFE = [(b"x-content-type-options", b"nosniff"), (b"content-security-policy", b"sandbox; default-src 'none'")]


def parse_range(value: str, size: int) -> tuple[int, int] | bool | None:
    """A ``Range`` header for a file of ``size`` bytes: (first, last) inclusive; None to ignore it
    (not a single byte range: the whole file is sent, as RFC 9110 allows); False when unsatisfiable."""
    m = _RANGE.fullmatch(value.strip())
    if m is None:
        return None
    first, last = m.group(1), m.group(2)
    if not first and not last:
        return None
    if not first:  # the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            return False
        return max(0, size - n), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        return False
    return start, min(end, size - 1)


class _Connection:
    """Told by the HTTP connection when its client leaves (``GatedHttpProtocol.exchange``)."""

    __slots__ = ("gone",)

    def __init__(self) -> None:
        self.gone = asyncio.Event()

    def client_gone(self) -> None:
        self.gone.set()


class FilesEndpoint:
    """Serves ``/files/<path>``; owns the threads that do its disk I/O (they live as long as the process:
    a transfer still running at shutdown ends with it)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.cfg = services.cfg
        self.active = 0
        self._io = ThreadPoolExecutor(max_workers=IO_THREADS, thread_name_prefix="files-io")
        # a PUT's sha256, beside its writes: hashing costs as much as writing, so the two run at once (one
        # thread keeps each upload's chunks in order: a transfer waits for its chunk before the next)
        self._hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="files-sha256")

    async def __call__(self, conn: Any, scope: dict[str, Any], receive: Receive, send: Send,
                       headers: Headers) -> None:
        method = scope["method"]
        if method not in ("GET", "HEAD", "PUT"):
            await _reply_and_end(conn, send, 405, "method not allowed: /files/<path> takes GET, HEAD and PUT",
                                 [(b"allow", b"GET, HEAD, PUT")])
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        if not raw.startswith(FILES_PREFIX.encode()):  # "/%66iles/...": the prefix itself was encoded
            await self._refuse(conn, send, method, 400, "bad request: percent-encode only the path after /files/")
            return
        path_bytes = unquote_to_bytes(raw[len(FILES_PREFIX):])
        if b"\0" in path_bytes:
            await self._refuse(conn, send, method, 400, "bad request: the path holds a NUL byte")
            return
        path = path_bytes or b"."
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        archive_values = query.get("archive", [])
        if archive_values not in ([], ["tar.gz"], ["tgz"]):
            await self._refuse(conn, send, method, 400, "bad request: ?archive= takes tar.gz")
            return
        if self.active >= self.cfg.max_transfers:
            limit = self.cfg.max_transfers
            await self._refuse(conn, send, method, 503, f"too many transfers: {limit} running (--max-transfers="
                                                        f"{limit}); retry", [(b"retry-after", b"1")])
            return
        channel = self.services.pool.files_channel()
        if channel is None:
            await self._refuse(conn, send, method, 503, "no worker is ready; retry", [(b"retry-after", b"1")])
            return
        watcher = _Connection()
        conn.exchange = watcher
        self.active += 1
        try:
            if method == "PUT":
                await self._put(conn, receive, send, headers, channel, path, watcher)
            else:
                await self._get(conn, send, headers, channel, path, bool(archive_values), method == "HEAD", watcher)
        except BadRequest as exc:
            await self._refuse(conn, send, method, 400, f"bad request: {exc}")
        finally:
            self.active -= 1
            if conn.exchange is watcher:
                conn.exchange = None

    async def _refuse(self, conn: Any, send: Send, method: str, status: int, text: str,
                      extra: list[tuple[bytes, bytes]] | None = None) -> None:
        if method == "PUT":  # its body may still be coming: the connection ends (_reply_and_end)
            await _reply_and_end(conn, send, status, text, extra)
        else:
            await _reply(send, status, text, extra)

    async def _open(self, channel: FilesChannel, msg: p.ToFiles, until_done: bool = False
                    ) -> tuple[p.FromFiles, int | None, asyncio.Future[p.TransferDone] | None]:
        try:
            async with asyncio.timeout(self.cfg.default_timeout):
                return await channel.request(msg, until_done=until_done)
        except TimeoutError:
            return p.Refused(id=msg.id, status=503, error=f"the worker's file helper did not answer within "
                                                          f"{self.cfg.default_timeout:g} s; retry"), None, None

    # ---- GET and HEAD ------------------------------------------------------------------------

    async def _get(self, conn: Any, send: Send, headers: Headers, channel: FilesChannel, path: bytes, archive: bool,
                   head: bool, watcher: _Connection) -> None:
        request_id = self.services.next_call_id()
        reply, fd, done = await self._open(channel, p.OpenRead(id=request_id, path=path, archive=archive),
                                           until_done=archive)
        if not isinstance(reply, p.Opened) or fd is None:
            close_quietly(fd)
            status, text = _failure(reply)
            await _reply(send, status, text)
            return
        try:
            if reply.kind == "archive" and done is not None:
                await self._send_archive(conn, send, reply, fd, done, head, watcher)
            elif reply.kind == "file":
                await self._send_file(conn, send, headers, reply, fd, head, watcher)
            else:
                await _reply(send, 500, f"internal error: the helper opened a {reply.kind!r} for a GET")
        finally:
            os.close(fd)  # first: an archive's writer gets EPIPE at once
            if archive:
                channel.close_transfer(request_id)

    async def _send_file(self, conn: Any, send: Send, headers: Headers, opened: p.Opened, fd: int, head: bool,
                         watcher: _Connection) -> None:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # what the helper sends is checked, not trusted
            await _reply(send, 500, "internal error: the helper's descriptor is not a regular file")
            return
        size = st.st_size
        etag = f'"{st.st_ino:x}-{size:x}-{st.st_mtime_ns:x}"'
        common = [(b"etag", etag.encode()), (b"last-modified", formatdate(st.st_mtime, usegmt=True).encode()),
                  (b"accept-ranges", b"bytes"), (b"cache-control", b"no-cache"), *_SAFE]
        if one_header(headers("If-None-Match"), "If-None-Match") in (etag, "*"):
            await send({"type": "http.response.start", "status": 304, "headers": common})
            await send({"type": "http.response.body", "body": b""})
            return
        first, length, status = 0, size, 200
        requested = one_header(headers("Range"), "Range")
        if_range = one_header(headers("If-Range"), "If-Range")
        if requested is not None and (if_range is None or if_range == etag):
            span = parse_range(requested, size)
            if span is False:
                await _reply(send, 416, f"range not satisfiable: the file has {size} bytes",
                             [(b"content-range", f"bytes */{size}".encode())])
                return
            if isinstance(span, tuple):
                first, length, status = span[0], span[1] - span[0] + 1, 206
                common.append((b"content-range", f"bytes {span[0]}-{span[1]}/{size}".encode()))
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", opened.mime.encode("ascii", "replace") or b"application/octet-stream"),
            (b"content-length", str(length).encode()), *common]})
        if head or length == 0:
            await send({"type": "http.response.body", "body": b""})
            return
        loop = asyncio.get_running_loop()
        offset, left = first, length
        while left:
            data = await loop.run_in_executor(self._io, os.pread, fd, min(CHUNK, left), offset)
            if watcher.gone.is_set():
                return
            if not data:  # truncated since it was opened: the promised length cannot be sent
                await _cut(conn, watcher)
                return
            offset += len(data)
            left -= len(data)
            if not await self._send_timed(conn, send, data, bool(left), watcher):
                return

    async def _send_archive(self, conn: Any, send: Send, opened: p.Opened, fd: int,
                            done: asyncio.Future[p.TransferDone], head: bool, watcher: _Connection) -> None:
        name = f"{opened.name}.tar.gz"
        encoded = quote(name.encode("utf-8", "surrogateescape"))
        disposition = f"attachment; filename=\"{_ascii_name(name)}\"; filename*=UTF-8''{encoded}"
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/gzip"), (b"content-disposition", disposition.encode()),
            (b"cache-control", b"no-store"), *_SAFE]})
        if head:
            await send({"type": "http.response.body", "body": b""})
            return
        os.set_blocking(fd, False)
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = os.read(fd, CHUNK)
            except BlockingIOError:
                if not await _readable(loop, fd, self.cfg.transfer_idle_timeout, watcher):
                    if not watcher.gone.is_set():
                        await _cut(conn, watcher)  # the archive stalled
                    return
                continue
            if not data:
                break
            if not await self._send_timed(conn, send, data, True, watcher):
                return
        try:
            async with asyncio.timeout(self.cfg.transfer_idle_timeout):
                result = await asyncio.shield(done)
        except TimeoutError:
            result = p.TransferDone(id=opened.id, ok=False, error="no word from the file helper")
        if result.ok:
            await send({"type": "http.response.body", "body": b""})
        else:
            await _cut(conn, watcher)  # an incomplete archive must not look complete

    async def _send_timed(self, conn: Any, send: Send, data: bytes, more: bool, watcher: _Connection) -> bool:
        """Send a chunk; False when the client is gone or took nothing for --transfer-idle-timeout (then
        the connection is closed)."""
        try:
            async with asyncio.timeout(self.cfg.transfer_idle_timeout):
                await send({"type": "http.response.body", "body": data, "more_body": more})
        except TimeoutError:
            await _cut(conn, watcher)
            return False
        return not watcher.gone.is_set()

    # ---- PUT ---------------------------------------------------------------------------------

    async def _put(self, conn: Any, receive: Receive, send: Send, headers: Headers, channel: FilesChannel, path: bytes,
                   watcher: _Connection) -> None:
        limit = self.cfg.max_put_bytes
        declared = one_header(headers("Content-Length"), "Content-Length")
        if declared is not None and not declared.isdigit():
            raise BadRequest("Content-Length is not a number")
        if declared is not None and int(declared) > limit:
            await self._refuse(conn, send, "PUT", 413, f"request body over --max-put-bytes={limit} bytes; nothing "
                                                       "was written")
            return
        condition = one_header(headers("If-None-Match"), "If-None-Match")
        if condition is not None and condition.strip() != "*":
            raise BadRequest("a PUT takes If-None-Match: * (a new file) only")
        request_id = self.services.next_call_id()
        reply, fd, _ = await self._open(channel, p.OpenWrite(id=request_id, path=path,
                                                             create_only=condition is not None))
        if not isinstance(reply, p.Opened) or fd is None:
            close_quietly(fd)
            status, text = _failure(reply)
            await self._refuse(conn, send, "PUT", status, text)
            return
        committed = False
        held: int | None = fd
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                await self._refuse(conn, send, "PUT", 500, "internal error: the helper's descriptor is not a file")
                return
            received = await self._receive_into(conn, receive, send, fd, limit, watcher)
            if received is None:
                return
            size, digest = received
            os.close(fd)
            held = None
            try:
                async with asyncio.timeout(self.cfg.default_timeout):
                    answer, _, _ = await channel.request(p.CommitWrite(id=request_id, size=size))
            except TimeoutError:
                answer = p.Refused(id=request_id, status=503, error="the file helper did not commit the upload in "
                                                                    f"{self.cfg.default_timeout:g} s")
            committed = True  # answered either way: the helper has let go of it
            if not isinstance(answer, p.Committed):
                status, text = _failure(answer)
                await _reply(send, status, text)
                return
            body = msgspec.json.encode({"path": answer.path, "size": answer.size, "sha256": digest,
                                        "created": answer.created}) + b"\n"
            extra = [(b"location", (FILES_PREFIX + quote(answer.path.encode("utf-8", "surrogateescape"))).encode())]
            await _reply_bytes(send, 201 if answer.created else 200, body, "application/json",
                               extra if answer.created else None)
        finally:
            close_quietly(held)
            if not committed:
                channel.close_transfer(request_id)

    async def _receive_into(self, conn: Any, receive: Receive, send: Send, fd: int, limit: int,
                            watcher: _Connection) -> tuple[int, str] | None:
        """Write the request body into ``fd`` (one chunk written while the next is received); its size and
        sha256, or None once answered (413, 507, ...) or the client left."""
        loop = asyncio.get_running_loop()
        hasher = hashlib.sha256()
        pieces: list[bytes] = []  # the body as it came, written with one pwritev a chunk (no copy to join them)
        held = 0
        total = offset = 0
        writing: asyncio.Future[Any] | None = None
        try:
            while True:
                try:
                    async with asyncio.timeout(self.cfg.transfer_idle_timeout):
                        message = await receive()
                except TimeoutError:
                    await _cut(conn, watcher)  # a stalled upload: discarded
                    return None
                if message["type"] == "http.disconnect":
                    return None
                body = message.get("body", b"")
                total += len(body)
                if total > limit:
                    await _reply_and_end(conn, send, 413, f"request body over --max-put-bytes={limit} bytes; nothing "
                                                          "was written")
                    return None
                if body:
                    pieces.append(body)
                    held += len(body)
                more = message.get("more_body", False)
                if held >= CHUNK or (not more and pieces):
                    if writing is not None:
                        await writing
                    chunk, pieces = pieces, []
                    writing = asyncio.gather(loop.run_in_executor(self._io, _write_at, fd, chunk, offset),
                                             loop.run_in_executor(self._hashing, _hash, hasher, chunk))
                    offset += held
                    held = 0
                if not more:
                    break
            if writing is not None:
                await writing
                writing = None
        except OSError as exc:
            status = 507 if exc.errno in (28, 122) else 500  # ENOSPC, EDQUOT
            await _reply_and_end(conn, send, status, f"the upload could not be written: {exc.strerror or exc}; "
                                                     "nothing was written")
            return None
        finally:
            if writing is not None:  # a failure or a cancellation while a write runs: let it end first
                with contextlib.suppress(BaseException):
                    await asyncio.shield(writing)
        return total, hasher.hexdigest()


def _write_at(fd: int, pieces: list[bytes], offset: int) -> None:
    views = [memoryview(piece) for piece in pieces]
    while views:
        written = os.pwritev(fd, views, offset)
        offset += written
        while views and written >= len(views[0]):
            written -= len(views[0])
            views.pop(0)
        if views and written:
            views[0] = views[0][written:]


def _hash(hasher: Any, pieces: list[bytes]) -> None:
    for piece in pieces:
        hasher.update(piece)


def _failure(reply: p.FromFiles) -> tuple[int, str]:
    if isinstance(reply, p.Refused):
        return reply.status, reply.error
    return 500, f"internal error: unexpected answer {type(reply).__name__}"


def _ascii_name(name: str) -> str:
    return "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)


async def _reply(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    await _reply_bytes(send, status, f"{status}: {text}\n".encode("utf-8", "replace"), "text/plain; charset=utf-8",
                       extra)


async def _reply_bytes(send: Send, status: int, body: bytes, content_type: str,
                       extra: list[tuple[bytes, bytes]] | None = None, after_head: Callable[[], None] | None = None
                       ) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()), *_SAFE]
    if extra:
        headers += extra
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if after_head is not None:
        after_head()
    await send({"type": "http.response.body", "body": body})


async def _reply_and_end(conn: Any, send: Send, status: int, text: str,
                         extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """Answer a request whose body is still coming, and end the connection the way HTTP servers do
    (nginx's lingering close): ``Connection: close`` tells the client not to send another request on
    it, and the rest of the body is read and dropped until the client closes (``conn.linger``) rather
    than reset unread, which could destroy this answer on its way.  uvicorn would close at once on that
    header, so it is told to keep the connection once the head is written."""

    def keep_reading() -> None:
        if conn.cycle is not None:
            conn.cycle.keep_alive = True

    await _reply_bytes(send, status, f"{status}: {text}\n".encode("utf-8", "replace"), "text/plain; charset=utf-8",
                       [*(extra or []), (b"connection", b"close")], keep_reading)
    conn.linger()


async def _cut(conn: Any, watcher: _Connection) -> None:
    """Close the connection now, mid-response (a body that cannot be completed, a stalled peer), and
    wait until the connection has noticed, so the server does not take it for an unfinished reply."""
    transport = conn.transport
    if transport is not None and not transport.is_closing():
        transport.abort()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(1.0):
            await watcher.gone.wait()


async def _readable(loop: asyncio.AbstractEventLoop, fd: int, limit: float, watcher: _Connection) -> bool:
    """Wait until ``fd`` (a pipe) is readable: False after ``limit`` seconds or when the client left."""
    ready = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    gone = loop.create_task(watcher.gone.wait())
    try:
        finished, _ = await asyncio.wait([ready, gone], timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    finally:
        loop.remove_reader(fd)
        gone.cancel()
    return ready in finished and not watcher.gone.is_set()
