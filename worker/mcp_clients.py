"""Client transports for managed MCP servers: stdio, legacy HTTP+SSE and Streamable HTTP.

The host worker runs users' MCP servers and proxies their tools over these
connections.  We do not use the official SDK's client transports because:

- the host reaps every child itself from one SIGCHLD handler with ``waitpid(-1)``,
  so asyncio/anyio child watchers (which the SDK's stdio client spawns with) cannot
  be used; here the process is spawned elsewhere and its exit arrives as a future;
- the SDK's stdio client reads lines without a size limit: one hostile line would
  take all of the host's memory;
- its anyio task groups do not let us bound and cancel reads per request the way we
  need (every request has its own deadline, and ``close()`` must end everything at once).

HTTP uses ``httpx.AsyncClient`` with streamed responses read in bounded chunks.

What a connection promises:

- Every request ends: with its result, a ``RemoteError``, ``RequestTimeout`` at its
  timeout, or the connection's failure as soon as the connection fails.
- No single message is buffered past its limit (``max_line``, ``max_event``,
  ``max_body``); a bigger one fails with ``MessageTooLarge`` naming the limit.
- Every task a connection starts is owned by it and cancelled by ``close()``.
- ``closed`` resolves with the reason once the connection failed or was closed; the
  owner then calls ``close()`` (idempotent) to release what is left, and, for stdio,
  kills and reaps the process, which the connection never owns.

Errors::

    McpClientError              what happened, and which limit when one was hit
    +-- ServerGone              process exited, stream closed, cannot connect, closed
    +-- RequestTimeout          no answer within the request's timeout
    +-- MessageTooLarge         a line / SSE event / HTTP body over its limit
    +-- RemoteError             a JSON-RPC error answer: code, message, data
    +-- HttpStatusError         a non-2xx answer to a POST (status); never retried
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import itertools
import logging
import os
import re
import signal
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import httpx
import msgspec

from shared.tasks import TaskOwner

__all__ = [
    "PROTOCOL_VERSION",
    "SUPPORTED_PROTOCOL_VERSIONS",
    "HttpStatusError",
    "LineFramer",
    "McpClientError",
    "McpConnection",
    "MessageTooLarge",
    "RemoteError",
    "RequestTimeout",
    "ServerGone",
    "ServerInfo",
    "SseConnection",
    "SseDecoder",
    "SseEvent",
    "StdioConnection",
    "StreamableHttpConnection",
    "initialize",
]

logger = logging.getLogger(__name__)

MiB = 1024 * 1024
PROTOCOL_VERSION = "2025-06-18"
SUPPORTED_PROTOCOL_VERSIONS = frozenset({"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"})
METHOD_NOT_FOUND = -32601  # the one JSON-RPC error this client answers with

try:
    _CLIENT_VERSION = importlib.metadata.version("sandbox-gateway")
except importlib.metadata.PackageNotFoundError:  # running from a checkout that is not installed
    _CLIENT_VERSION = "0"
CLIENT_INFO = {"name": "sandbox-gateway", "version": _CLIENT_VERSION}

_READ_CHUNK = 256 * 1024
# Reads per readable callback, so one flooding server cannot starve the rest of the loop.
_READS_PER_WAKEUP = 16
# Past this many bytes queued for a server's stdin, senders wait for it to drain.
_WRITE_HIGH_WATER = 1 * MiB
# After stdout EOF or EPIPE on stdin, how long the exit status gets to arrive before we give up on it.
_EXIT_GRACE = 2.0
# What is read from a dead server's stdout at most: its answers already in the pipe still count.
_FINAL_DRAIN = 8 * MiB
# Answers to server requests and cancellation notices in flight at once; more are dropped.
_MAX_BACKGROUND_SENDS = 64
_DELETE_TIMEOUT = 2.0
_ACK_BODY_LIMIT = 64 * 1024  # the body of a 202 (or of a POST answered on the SSE stream)
_TAIL_IN_MESSAGE = 2000
_MAX_SESSION_ID = 1024

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()


# ---- errors ---------------------------------------------------------------------------


class McpClientError(Exception):
    """Base of every error of this module; the message says what happened and which limit."""


class ServerGone(McpClientError):
    """The server exited, closed its stream, cannot be connected to, or the connection was closed."""


class RequestTimeout(McpClientError):
    """A request got no answer within its timeout."""


class MessageTooLarge(McpClientError):
    """A line, SSE event or HTTP body over its limit."""


class RemoteError(McpClientError):
    """The server answered a request with a JSON-RPC error."""

    def __init__(self, code: int, message: str, data: Any = None, *, method: str = "request") -> None:
        super().__init__(f"{method} failed on the MCP server: error {code}: {message}")
        self.code = code
        self.message = message
        self.data = data


class HttpStatusError(McpClientError):
    """A POST was answered with a non-2xx status; it is never retried."""

    def __init__(self, text: str, status: int) -> None:
        super().__init__(text)
        self.status = status


# ---- results --------------------------------------------------------------------------


class ServerInfo(msgspec.Struct, frozen=True):
    """What ``initialize`` learnt about the server."""

    name: str
    version: str
    protocol_version: str
    capabilities: dict[str, Any]
    instructions: str | None = None


class _Implementation(msgspec.Struct):
    name: str
    version: str = ""


class _InitializeResult(msgspec.Struct, rename="camel"):
    protocol_version: str
    server_info: _Implementation
    capabilities: dict[str, Any] = msgspec.field(default_factory=dict)
    instructions: str | None = None


# ---- framing without I/O ----------------------------------------------------------------


class LineFramer:
    """Splits a byte stream into newline-terminated messages of at most ``max_line`` bytes.

    Holds at most ``max_line`` bytes of an unfinished line: a longer one raises
    ``MessageTooLarge`` as soon as it is known to be too long, not when it ends.
    """

    def __init__(self, max_line: int) -> None:
        self.max_line = max_line
        self._buf = bytearray()

    def feed(self, data: bytes, sink: Callable[[memoryview], None]) -> None:
        """Pass every line completed by ``data`` (without its newline) to ``sink``.

        The memoryview is only valid during the call.
        """
        view = memoryview(data)
        start = 0
        while (nl := data.find(b"\n", start)) >= 0:
            if len(self._buf) + nl - start > self.max_line:
                raise self._too_large()
            if self._buf:
                self._buf += view[start:nl]
                with memoryview(self._buf) as line:
                    sink(line)
                self._buf.clear()
            else:
                sink(view[start:nl])
            start = nl + 1
        if len(self._buf) + len(data) - start > self.max_line:
            raise self._too_large()
        self._buf += view[start:]

    def _too_large(self) -> MessageTooLarge:
        self._buf.clear()
        return MessageTooLarge(f"the MCP server sent a line longer than {self.max_line} bytes (the max_line limit)")


class SseEvent(msgspec.Struct, frozen=True):
    event: str
    data: bytes
    id: str | None = None


_EOL = re.compile(rb"\r\n?|\n")


class SseDecoder:
    """Parses ``text/event-stream`` bytes into events, holding at most ``max_event`` bytes of one event."""

    def __init__(self, max_event: int, what: str = "SSE stream") -> None:
        self.max_event = max_event
        self.what = what
        self._line = bytearray()
        self._data: list[bytes] = []
        self._size = 0  # bytes of the data lines of the event being built
        self._event = b""
        self._id: str | None = None
        self._skip_lf = False  # the last chunk ended in CR: a LF opening the next one belongs to it

    def feed(self, chunk: bytes, sink: Callable[[SseEvent], None]) -> None:
        """Pass every event completed by ``chunk`` to ``sink``."""
        start = 1 if self._skip_lf and chunk[:1] == b"\n" else 0
        self._skip_lf = False
        while (m := _EOL.search(chunk, start)) is not None:
            self._append(chunk[start : m.start()])
            self._line_done(sink)
            start = m.end()
            if m.end() == len(chunk) and m.group() == b"\r":
                self._skip_lf = True
        self._append(chunk[start:])

    def _append(self, part: bytes) -> None:
        if self._size + len(self._line) + len(part) > self.max_event:
            raise MessageTooLarge(f"the {self.what} sent an event larger than {self.max_event} bytes "
                                  f"(the max_event limit)")
        self._line += part

    def _line_done(self, sink: Callable[[SseEvent], None]) -> None:
        line = bytes(self._line)
        self._line.clear()
        if not line:
            self._dispatch(sink)
            return
        if line.startswith(b":"):
            return  # a comment (keep-alive)
        field, _, value = line.partition(b":")
        if value.startswith(b" "):
            value = value[1:]
        if field == b"data":
            self._data.append(value)
            self._size += len(value) + 1
        elif field == b"event":
            self._event = value
        elif field == b"id" and b"\0" not in value:
            self._id = value.decode("utf-8", "replace")
        # `retry` and unknown fields are ignored

    def _dispatch(self, sink: Callable[[SseEvent], None]) -> None:
        data, event = self._data, self._event
        self._data, self._size, self._event = [], 0, b""
        if not data:
            return
        sink(SseEvent(event.decode("utf-8", "replace") or "message", b"\n".join(data), self._id))


def _encode_request(req_id: int, method: str, params: dict[str, Any] | None) -> bytes:
    msg: dict[str, Any] = {"jsonrpc": "2.0", "id": req_id, "method": method}
    if params is not None:
        msg["params"] = params
    return _encoder.encode(msg)


def _encode_notification(method: str, params: dict[str, Any] | None) -> bytes:
    msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        msg["params"] = params
    return _encoder.encode(msg)


def _simple_kind(exc: McpClientError) -> type[McpClientError]:
    """The class to fail pending requests with for ``exc`` (one that takes just a message)."""
    kind = type(exc)
    return kind if kind in (ServerGone, RequestTimeout, MessageTooLarge, McpClientError) else McpClientError


# ---- the connection ---------------------------------------------------------------------


class McpConnection:
    """One MCP client connection: JSON-RPC requests matched to their answers by id.

    Transports implement ``_send`` (and may override ``_release``, ``_shutdown`` and
    ``_initialized``).  Construct inside the running event loop; not thread-safe.
    """

    # POST-based transports send from an owned task, so close() can end a send in flight at once.
    _send_in_task: ClassVar[bool] = False

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.closed: asyncio.Future[str] = self._loop.create_future()
        self.on_notification: Callable[[str, dict[str, Any]], None] | None = None
        self.protocol_version: str | None = None  # set by initialize()
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[str, asyncio.Future[dict[str, Any]]]] = {}
        # Every task of the connection; a task's failure fails the connection (logged first when it
        # is not an McpClientError, i.e. not the server's fault).
        self._tasks = TaskOwner(logger, on_error=self._task_failed, expected=(McpClientError,))
        self._background = 0
        self._junk_seen = 0
        self._failure: type[McpClientError] = ServerGone

    # -- public surface

    async def request(
        self, method: str, params: dict[str, Any] | None, timeout: float | None  # noqa: ASYNC109 (the interface)
    ) -> dict[str, Any]:
        """Send a request and return its result object.

        Raises ``RequestTimeout`` after ``timeout`` seconds (None: no limit), ``RemoteError``
        for an error answer, or the connection's failure (``ServerGone``, ``MessageTooLarge``).
        A request that times out or is cancelled is announced to the server with
        ``notifications/cancelled`` (best effort).
        """
        self._check_open()
        req_id = next(self._ids)
        payload = _encode_request(req_id, method, params)
        reply: asyncio.Future[dict[str, Any]] = self._loop.create_future()
        self._pending[req_id] = (method, reply)
        sender: asyncio.Task[None] | None = None
        scope = asyncio.timeout(timeout)
        try:
            async with scope:
                if self._send_in_task:
                    sender = self._spawn(self._send_for(payload, reply), f"send {method} #{req_id}")
                else:
                    await self._send(payload, reply)
                return await reply
        except TimeoutError:
            if not scope.expired():
                raise
            self._cancel_remote(req_id, method, "timeout")
            raise RequestTimeout(f"{method} (request {req_id}) got no answer within {timeout:g} s "
                                 f"(its timeout)") from None
        except asyncio.CancelledError:
            self._cancel_remote(req_id, method, "cancelled by the client")
            raise
        finally:
            self._pending.pop(req_id, None)
            if sender is not None and not sender.done():
                sender.cancel()
            if reply.done() and not reply.cancelled():
                reply.exception()  # failed while we were still sending: retrieved, so asyncio stays quiet

    async def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        """Send a notification.  Unbounded by itself: bound it with ``asyncio.timeout`` at the call site."""
        self._check_open()
        await self._send(_encode_notification(method, params), None)

    async def close(self) -> None:
        """Fail pending requests with ``ServerGone``, cancel and await every owned task, release
        the transport (HTTP: end the session, best effort).  Idempotent."""
        self._fail(ServerGone, "the connection was closed by the client")
        current = asyncio.current_task()
        tasks = [t for t in self._tasks if t is not current]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        await self._shutdown()

    def stderr_tail(self) -> str:
        """The newest bytes the server wrote to stderr (stdio only; "" otherwise)."""
        return ""

    # -- for transports

    async def _send(self, payload: bytes, reply: asyncio.Future[dict[str, Any]] | None) -> None:
        """Deliver one encoded message; ``reply`` is the request's future (None for anything else)."""
        raise NotImplementedError

    def _release(self) -> None:
        """Stop all I/O at once (called when the connection fails); must not await."""

    async def _shutdown(self) -> None:
        """The part of close() that awaits (ending an HTTP session, closing the HTTP client)."""

    def _initialized(self) -> None:
        """Called by initialize() once the session is up."""

    def _check_open(self) -> None:
        if self.closed.done():
            raise ServerGone(f"the connection is closed: {self.closed.result()}")

    def _fail(self, kind: type[McpClientError], message: str) -> None:
        """Fail the connection: resolve ``closed``, fail pending requests, stop I/O, cancel tasks."""
        if self.closed.done():
            return
        self.closed.set_result(message)
        self._failure = kind
        pending = list(self._pending.values())
        self._pending.clear()
        for _method, reply in pending:
            if not reply.done():
                reply.set_exception(kind(message))
        self._release()
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        if self.closed.done():
            coro.close()
            raise ServerGone(f"the connection is closed: {self.closed.result()}")
        return self._tasks.spawn(coro, f"mcp-client: {name}")

    def _task_failed(self, _task: asyncio.Task[Any], exc: BaseException) -> None:
        """An owned task failed (logged by the owner unless it is an McpClientError): the connection fails."""
        if isinstance(exc, McpClientError):
            self._fail(_simple_kind(exc), str(exc))
        else:
            self._fail(McpClientError, f"internal error in the MCP client: {exc!r}")

    async def _send_for(self, payload: bytes, reply: asyncio.Future[dict[str, Any]]) -> None:
        try:
            await self._send(payload, reply)
        except McpClientError as exc:
            if not reply.done():
                reply.set_exception(exc)

    def _send_background(self, payload: bytes) -> None:
        """Send something nobody waits for (an answer to a server request, a cancellation)."""
        if self.closed.done():
            return
        if self._background >= _MAX_BACKGROUND_SENDS:
            logger.debug("MCP client: %d background sends in flight; one dropped", self._background)
            return
        self._background += 1
        task = self._spawn(self._send_quietly(payload), "background send")
        task.add_done_callback(self._background_done)

    def _background_done(self, _task: asyncio.Task[None]) -> None:
        self._background -= 1

    async def _send_quietly(self, payload: bytes) -> None:
        try:
            await self._send(payload, None)
        except McpClientError as exc:
            logger.debug("MCP client: background send failed: %s", exc)

    def _cancel_remote(self, req_id: int, method: str, reason: str) -> None:
        if method == "initialize" or self.closed.done():  # initialize must not be cancelled (spec)
            return
        self._send_background(_encode_notification("notifications/cancelled", {"requestId": req_id, "reason": reason}))

    # -- incoming messages (no I/O here)

    def _receive(self, data: bytes | memoryview) -> None:
        """Handle one encoded message, or batch, from the server."""
        try:
            msg = _decoder.decode(data)
        except msgspec.DecodeError:
            if bytes(data).strip():
                self._junk(len(data))
            return
        if isinstance(msg, list):
            for item in msg:
                self._dispatch(item)
        else:
            self._dispatch(msg)

    def _junk(self, size: int) -> None:
        self._junk_seen += 1
        level = logging.WARNING if self._junk_seen == 1 else logging.DEBUG
        logger.log(level, "MCP server sent %d bytes that are not a JSON-RPC message; ignored (%d so far)",
                   size, self._junk_seen)

    def _dispatch(self, msg: Any) -> None:
        if not isinstance(msg, dict):
            self._junk(0)
            return
        method = msg.get("method")
        if isinstance(method, str):
            if "id" in msg:
                self._answer_server_request(msg["id"], method)
            elif self.on_notification is not None:
                params = msg.get("params")
                try:
                    self.on_notification(method, params if isinstance(params, dict) else {})
                except Exception:
                    logger.error("on_notification failed for %s", method[:100], exc_info=True)
            return
        req_id = msg.get("id")
        entry = self._pending.get(req_id) if type(req_id) is int else None
        if entry is None:
            logger.debug("MCP server answered unknown request id %r; ignored", req_id)
            return
        name, reply = entry
        if reply.done():
            return
        if "error" in msg:
            err = msg["error"]
            if isinstance(err, dict) and type(err.get("code")) is int and isinstance(err.get("message"), str):
                reply.set_exception(RemoteError(err["code"], err["message"], err.get("data"), method=name))
            else:
                reply.set_exception(McpClientError(f"{name}: the MCP server sent a malformed JSON-RPC error"))
        elif isinstance(msg.get("result"), dict):
            reply.set_result(msg["result"])
        else:
            reply.set_exception(McpClientError(f"{name}: the MCP server's answer has no result object"))

    def _answer_server_request(self, req_id: Any, method: str) -> None:
        answer: dict[str, Any] = {"jsonrpc": "2.0", "id": req_id}
        if method == "ping":
            answer["result"] = {}
        else:
            answer["error"] = {"code": METHOD_NOT_FOUND,
                               "message": f"method not supported by this client: {method[:100]}"}
        self._send_background(_encoder.encode(answer))


# ---- stdio ------------------------------------------------------------------------------


def _describe_exit(code: int) -> str:
    if code >= 0:
        return f"exited with status {code}"
    try:
        return f"was killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"was killed by signal {-code}"


class StdioConnection(McpConnection):
    """An MCP server at the other end of three pipes, spawned and reaped by someone else.

    Owns the fds (and closes them), never the process: ``exited`` is resolved by the
    owner's reaper with the exit status (``waitstatus_to_exitcode``), and when
    ``closed`` resolves the owner kills and reaps the process.  Process exit fails every
    pending request at once with ``ServerGone`` naming the status and the stderr tail.
    Memory: at most ``max_line`` of an unfinished line, ``stderr_ring`` of stderr and
    what is queued for stdin (senders wait above 1 MiB, within their timeouts).
    """

    def __init__(
        self,
        stdin_fd: int,
        stdout_fd: int,
        stderr_fd: int | None,
        exited: asyncio.Future[int],
        *,
        max_line: int = 16 * MiB,
        stderr_ring: int = 64 * 1024,
    ) -> None:
        super().__init__()
        self.max_line = max_line
        self._stdin = stdin_fd
        self._stdout = stdout_fd
        self._stderr = -1 if stderr_fd is None else stderr_fd
        self._has_stderr = stderr_fd is not None
        self._exited = exited
        self._framer = LineFramer(max_line)
        self._out = bytearray()
        self._writer_on = False
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._err = bytearray()
        self._err_cap = max(stderr_ring, 0)
        self._gone_timer: asyncio.TimerHandle | None = None
        self._started = False
        for fd in (stdin_fd, stdout_fd, stderr_fd):
            if fd is not None:
                os.set_blocking(fd, False)

    async def start(self) -> None:
        """Start reading stdout and stderr and watching ``exited``."""
        self._check_open()
        if self._started:
            return
        self._started = True
        self._loop.add_reader(self._stdout, self._on_stdout)
        if self._stderr >= 0:
            self._loop.add_reader(self._stderr, self._on_stderr)
        self._exited.add_done_callback(self._on_exit)

    def stderr_tail(self) -> str:
        if not self._err_cap:
            return ""
        return bytes(self._err[-self._err_cap :]).decode("utf-8", "replace")

    # -- reading

    def _on_stdout(self) -> None:
        for _ in range(_READS_PER_WAKEUP):
            if self._read_stdout_once() is not None:
                return

    def _read_stdout_once(self) -> bool | None:
        """One read; None when there may be more, else whether the stream ended (or failed)."""
        try:
            data = os.read(self._stdout, _READ_CHUNK)
        except BlockingIOError:
            return False
        except InterruptedError:
            return None
        except OSError as exc:
            self._stdout_ended(f"failed reading its stdout ({exc.strerror})")
            return True
        if not data:
            self._stdout_ended("closed its stdout")
            return True
        try:
            self._framer.feed(data, self._receive)
        except MessageTooLarge as exc:
            self._fail(MessageTooLarge, f"{exc}; the connection is closed")
            return True
        return True if self.closed.done() else None

    def _on_stderr(self) -> None:
        for _ in range(_READS_PER_WAKEUP):
            try:
                data = os.read(self._stderr, 64 * 1024)
            except BlockingIOError:
                return
            except InterruptedError:
                continue
            except OSError:
                data = b""
            if not data:
                self._stop_stderr()
                return
            self._keep_stderr(data)

    def _keep_stderr(self, data: bytes) -> None:
        if not self._err_cap:
            return
        self._err += data
        if len(self._err) > 2 * self._err_cap:  # trim in bulk: amortised O(1) per byte
            del self._err[: len(self._err) - self._err_cap]

    def _stdout_ended(self, what: str) -> None:
        self._stop_stdout()
        self._await_exit(what)

    def _await_exit(self, what: str) -> None:
        """The server can no longer talk; give its exit status a moment to arrive for the message."""
        if self._gone_timer is None and not self._exited.done():
            self._gone_timer = self._loop.call_later(_EXIT_GRACE, self._gone_without_exit, what)

    def _gone_without_exit(self, what: str) -> None:
        self._fail(ServerGone, f"the MCP server {what} and has not exited within {_EXIT_GRACE:g} s"
                               f"{self._tail_note()}")

    def _on_exit(self, fut: asyncio.Future[int]) -> None:
        if self.closed.done():
            return
        if fut.cancelled() or fut.exception() is not None:
            status = "exited (status unknown)"
        else:
            status = _describe_exit(fut.result())
        # Whatever it wrote before dying is still in the pipes: answers there still count.
        got = 0
        while self._stdout >= 0 and got < _FINAL_DRAIN and not self.closed.done():
            if self._read_stdout_once() is not None:
                break
            got += _READ_CHUNK
        if self._stderr >= 0:
            self._on_stderr()
        self._fail(ServerGone, f"the MCP server {status}{self._tail_note()}")

    def _tail_note(self) -> str:
        if not self._has_stderr:
            return ""
        tail = self.stderr_tail()[-_TAIL_IN_MESSAGE:].strip()
        return f"; stderr tail: {tail}" if tail else "; it wrote nothing to stderr"

    # -- writing

    async def _send(self, payload: bytes, reply: asyncio.Future[dict[str, Any]] | None) -> None:
        while True:
            self._check_open()
            if self._stdin < 0:
                raise ServerGone("the MCP server closed its stdin")
            if len(self._out) < _WRITE_HIGH_WATER:
                break
            waiter: asyncio.Future[None] = self._loop.create_future()
            self._drain_waiters.append(waiter)
            await waiter
        self._out += payload
        self._out += b"\n"
        self._flush()

    def _flush(self) -> None:
        while self._out:
            try:
                n = os.write(self._stdin, self._out)
            except BlockingIOError:
                break
            except InterruptedError:
                continue
            except OSError as exc:  # EPIPE: the server closed its stdin, or died
                self._stop_stdin()
                self._await_exit(f"closed its stdin ({exc.strerror})")
                return
            del self._out[:n]
        if bool(self._out) != self._writer_on:
            if self._out:
                self._loop.add_writer(self._stdin, self._flush)
            else:
                self._loop.remove_writer(self._stdin)
            self._writer_on = bool(self._out)
        if len(self._out) < _WRITE_HIGH_WATER:
            self._wake_senders()

    def _wake_senders(self) -> None:
        waiters, self._drain_waiters = self._drain_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    # -- releasing

    def _stop_stdout(self) -> None:
        if self._stdout >= 0:
            if self._started:
                self._loop.remove_reader(self._stdout)
            os.close(self._stdout)
            self._stdout = -1

    def _stop_stderr(self) -> None:
        if self._stderr >= 0:
            if self._started:
                self._loop.remove_reader(self._stderr)
            os.close(self._stderr)
            self._stderr = -1

    def _stop_stdin(self) -> None:
        if self._stdin >= 0:
            if self._writer_on:
                self._loop.remove_writer(self._stdin)
                self._writer_on = False
            os.close(self._stdin)
            self._stdin = -1
        self._out = bytearray()
        self._wake_senders()

    def _release(self) -> None:
        if self._gone_timer is not None:
            self._gone_timer.cancel()
        self._exited.remove_done_callback(self._on_exit)
        self._stop_stdout()
        self._stop_stderr()
        self._stop_stdin()


# ---- HTTP -------------------------------------------------------------------------------


def _http_client(headers: dict[str, str]) -> httpx.AsyncClient:
    # No proxies from the environment (managed servers listen on loopback), no redirects, no
    # compression (decompressing would defeat the bounded reads), and no httpx timeouts: every
    # deadline is applied by the caller with asyncio.timeout.
    return httpx.AsyncClient(
        headers={"Accept-Encoding": "identity", **headers},
        timeout=httpx.Timeout(None),
        trust_env=False,
        follow_redirects=False,
    )


def _content_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _check_identity(response: httpx.Response, what: str) -> None:
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise McpClientError(f"{what} came with Content-Encoding {encoding!r}; only identity is accepted "
                             f"(reads must stay bounded)")


async def _read_body(response: httpx.Response, limit: int, what: str) -> bytes:
    """The whole body, refused with MessageTooLarge past ``limit`` bytes (before reading it when declared)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise MessageTooLarge(f"{what} declares {declared} bytes, over the limit of {limit} bytes")
    body = bytearray()
    async for chunk in response.aiter_raw():
        if len(body) + len(chunk) > limit:
            raise MessageTooLarge(f"{what} is larger than {limit} bytes (the limit)")
        body += chunk
    return bytes(body)


async def _body_snippet(response: httpx.Response) -> str:
    """The start of an error body, for a message."""
    body = bytearray()
    async for chunk in response.aiter_raw():
        body += chunk
        if len(body) >= 300:
            break
    text = bytes(body[:300]).decode("utf-8", "replace").strip()
    return f": {text!r}" if text else ""


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, parts.hostname, parts.port or default


def _transport_error(exc: httpx.TransportError) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class SseConnection(McpConnection):
    """Legacy HTTP+SSE transport (2024-11-05): one GET event stream carries every server
    message; client messages are POSTed to the URL its ``endpoint`` event names.

    The endpoint must be on the stream's origin.  An event over ``max_event`` bytes, or the
    end of the stream, fails the connection.
    """

    _send_in_task = True

    def __init__(self, url: str, *, headers: dict[str, str] | None = None, max_event: int = 16 * MiB) -> None:
        super().__init__()
        self.url = url
        self.max_event = max_event
        self.endpoint: str | None = None
        self._headers = dict(headers or {})
        self._client: httpx.AsyncClient | None = None
        self._endpoint: asyncio.Future[str | None] = self._loop.create_future()

    async def start(self, timeout: float | None) -> None:  # noqa: ASYNC109 (the interface)
        """Open the event stream and wait up to ``timeout`` s for its ``endpoint`` event.

        On failure the connection is closed and the reason raised (``RequestTimeout`` when
        no endpoint came in time).  If start() itself is cancelled the connection is failed;
        the caller still awaits close() to release the HTTP client.
        """
        self._check_open()
        self._client = _http_client(self._headers)
        self._spawn(self._read_stream(), f"SSE stream {self.url}")
        scope = asyncio.timeout(timeout)
        try:
            async with scope:
                endpoint = await self._endpoint
        except TimeoutError:
            if not scope.expired():
                raise
            message = f"the SSE stream {self.url} sent no endpoint event within {timeout:g} s (the start timeout)"
            self._fail(RequestTimeout, message)
            await self.close()
            raise RequestTimeout(message) from None
        except asyncio.CancelledError:
            self._fail(ServerGone, "start() was cancelled")
            raise
        if endpoint is None:
            kind, reason = self._failure, self.closed.result()
            await self.close()
            raise kind(reason)
        self.endpoint = endpoint

    async def _read_stream(self) -> None:
        assert self._client is not None
        decoder = SseDecoder(self.max_event, f"SSE stream {self.url}")
        try:
            async with self._client.stream("GET", self.url, headers={"Accept": "text/event-stream"}) as response:
                if response.status_code != 200 or _content_type(response) != "text/event-stream":
                    raise ServerGone(f"GET {self.url} answered HTTP {response.status_code} "
                                     f"({_content_type(response) or 'no content type'}), not an SSE stream")
                _check_identity(response, f"the SSE stream {self.url}")
                async for chunk in response.aiter_raw():
                    decoder.feed(chunk, self._on_event)
                    if self.closed.done():
                        return
        except httpx.TransportError as exc:
            raise ServerGone(f"the SSE stream {self.url} failed: {_transport_error(exc)}") from None
        raise ServerGone(f"the SSE stream {self.url} was closed by the server")

    def _on_event(self, event: SseEvent) -> None:
        if event.event == "endpoint":
            if self._endpoint.done():
                return
            target = urljoin(self.url, event.data.decode("utf-8", "replace").strip())
            if _origin(target) != _origin(self.url):
                self._fail(McpClientError, f"the SSE stream {self.url} named endpoint {target!r} on another "
                                           f"origin; refused")
                return
            self._endpoint.set_result(target)
        elif event.event == "message" and event.data.strip():
            self._receive(event.data)

    async def _send(self, payload: bytes, reply: asyncio.Future[dict[str, Any]] | None) -> None:
        if self._client is None or self.endpoint is None:
            raise McpClientError("SseConnection.start() has not completed: no endpoint to POST to")
        url = self.endpoint
        try:
            async with self._client.stream("POST", url, content=payload,
                                           headers={"Content-Type": "application/json"}) as response:
                if not 200 <= response.status_code < 300:
                    raise HttpStatusError(f"POST {url} answered HTTP {response.status_code}"
                                          f"{await _body_snippet(response)} (not retried)", response.status_code)
                await _read_body(response, _ACK_BODY_LIMIT, f"the answer to POST {url}")
        except httpx.ConnectError as exc:
            message = f"cannot connect to {url}: {_transport_error(exc)}"
            self._fail(ServerGone, message)
            raise ServerGone(message) from None
        except httpx.TransportError as exc:
            raise ServerGone(f"POST {url} failed: {_transport_error(exc)}") from None

    def _release(self) -> None:
        if not self._endpoint.done():
            self._endpoint.set_result(None)

    async def _shutdown(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()


def _valid_session_id(value: str) -> bool:
    return 0 < len(value) <= _MAX_SESSION_ID and all(0x21 <= ord(c) <= 0x7E for c in value)


class StreamableHttpConnection(McpConnection):
    """Streamable HTTP transport (2025-03-26 and later): every message is a POST; answers come
    back as a JSON body or an SSE body; server notifications also on an optional GET stream.

    The session id comes from the initialize answer and goes on every later request, with
    ``MCP-Protocol-Version``.  Non-2xx answers fail their request (``HttpStatusError``) and
    are never retried; a 404 once a session exists means it expired and fails the connection.
    A body (or one SSE event) over ``max_body`` fails its request with ``MessageTooLarge``.
    """

    _send_in_task = True

    def __init__(self, url: str, *, headers: dict[str, str] | None = None, max_body: int = 16 * MiB) -> None:
        super().__init__()
        self.url = url
        self.max_body = max_body
        self.session_id: str | None = None
        self._headers = dict(headers or {})
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Prepare the HTTP client (no I/O: the first POST is initialize)."""
        self._check_open()
        if self._client is None:
            self._client = _http_client(self._headers)

    def _session_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.session_id is not None:
            headers["Mcp-Session-Id"] = self.session_id
        if self.protocol_version is not None:
            headers["MCP-Protocol-Version"] = self.protocol_version
        return headers

    def _client_or_fail(self) -> httpx.AsyncClient:
        if self._client is None:
            raise McpClientError("StreamableHttpConnection.start() was not called")
        return self._client

    async def _send(self, payload: bytes, reply: asyncio.Future[dict[str, Any]] | None) -> None:
        client = self._client_or_fail()
        headers = {**self._session_headers(), "Content-Type": "application/json",
                   "Accept": "application/json, text/event-stream"}
        try:
            async with client.stream("POST", self.url, content=payload, headers=headers) as response:
                await self._handle_answer(response, reply)
        except httpx.ConnectError as exc:
            message = f"cannot connect to {self.url}: {_transport_error(exc)}"
            self._fail(ServerGone, message)
            raise ServerGone(message) from None
        except httpx.TransportError as exc:
            raise ServerGone(f"POST {self.url} failed: {_transport_error(exc)}") from None

    async def _handle_answer(self, response: httpx.Response, reply: asyncio.Future[dict[str, Any]] | None) -> None:
        status = response.status_code
        sid = response.headers.get("mcp-session-id")
        if sid is not None and self.session_id is None and self.protocol_version is None:  # initialize's answer
            if not _valid_session_id(sid):
                raise McpClientError(f"POST {self.url}: the server sent an invalid Mcp-Session-Id {sid[:80]!r}")
            self.session_id = sid
        if status == 404 and self.session_id is not None:
            message = f"the MCP session {self.session_id} expired: POST {self.url} answered HTTP 404"
            self._fail(ServerGone, message)
            raise ServerGone(message)
        if not 200 <= status < 300:
            raise HttpStatusError(f"POST {self.url} answered HTTP {status}{await _body_snippet(response)} "
                                  f"(not retried)", status)
        if status in (202, 204):
            await _read_body(response, _ACK_BODY_LIMIT, f"the answer to POST {self.url}")
            return  # accepted: nothing to read (a request's answer may come on the GET stream)
        what = f"the answer to POST {self.url}"
        _check_identity(response, what)
        match _content_type(response):
            case "application/json":
                body = await _read_body(response, self.max_body, what)
                if body.strip():
                    self._receive(body)
            case "text/event-stream":
                decoder = SseDecoder(self.max_body, f"SSE answer to POST {self.url}")
                async for chunk in response.aiter_raw():
                    decoder.feed(chunk, self._on_event)
                    if reply is not None and reply.done():
                        return
            case other:
                raise McpClientError(f"{what} has Content-Type {other or 'none'!r}, neither application/json "
                                     f"nor text/event-stream")
        if reply is not None and not reply.done():
            reply.set_exception(ServerGone(f"{what} ended without answering the request"))

    def _on_event(self, event: SseEvent) -> None:
        if event.event == "message" and event.data.strip():  # empty events only prime resumption
            self._receive(event.data)

    def _initialized(self) -> None:
        if not self.closed.done():
            self._spawn(self._listen(), f"GET stream {self.url}")

    async def _listen(self) -> None:
        """Server notifications outside any request, on the optional GET stream (405: none)."""
        client = self._client_or_fail()
        headers = {**self._session_headers(), "Accept": "text/event-stream"}
        try:
            async with client.stream("GET", self.url, headers=headers) as response:
                if response.status_code != 200 or _content_type(response) != "text/event-stream":
                    logger.debug("no GET stream at %s (HTTP %d)", self.url, response.status_code)
                    return
                _check_identity(response, f"the GET stream {self.url}")
                decoder = SseDecoder(self.max_body, f"GET stream {self.url}")
                async for chunk in response.aiter_raw():
                    decoder.feed(chunk, self._on_event)
        except httpx.TransportError as exc:
            logger.debug("GET stream %s failed: %s", self.url, _transport_error(exc))
            return
        logger.debug("GET stream %s ended", self.url)

    async def _shutdown(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            if self.session_id is not None:  # best effort: tell the server the session is over
                try:
                    async with asyncio.timeout(_DELETE_TIMEOUT):
                        async with client.stream("DELETE", self.url, headers=self._session_headers()) as response:
                            await _body_snippet(response)
                except (httpx.HTTPError, TimeoutError) as exc:
                    logger.debug("DELETE of MCP session %s failed: %r", self.session_id, exc)
        finally:
            await client.aclose()


# ---- the handshake ------------------------------------------------------------------------


async def initialize(conn: McpConnection, timeout: float | None) -> ServerInfo:  # noqa: ASYNC109 (the interface)
    """Run the MCP handshake (``initialize``, then ``notifications/initialized``) within ``timeout`` s.

    Raises ``RequestTimeout``, the connection's errors, or ``McpClientError`` for a malformed
    answer or a protocol version this client does not speak.
    """
    scope = asyncio.timeout(timeout)
    try:
        async with scope:
            result = await conn.request(
                "initialize",
                {"protocolVersion": PROTOCOL_VERSION, "capabilities": {}, "clientInfo": CLIENT_INFO},
                None,
            )
            try:
                init = msgspec.convert(result, _InitializeResult)
            except msgspec.ValidationError as exc:
                raise McpClientError(f"the MCP server's initialize answer is malformed: {exc}") from None
            if init.protocol_version not in SUPPORTED_PROTOCOL_VERSIONS:
                raise McpClientError(f"the MCP server speaks protocol version {init.protocol_version[:40]!r}; "
                                     f"this client speaks {', '.join(sorted(SUPPORTED_PROTOCOL_VERSIONS))}")
            conn.protocol_version = init.protocol_version
            await conn.notify("notifications/initialized")
    except TimeoutError:
        if not scope.expired():
            raise
        raise RequestTimeout(f"the MCP handshake got no answer within {timeout:g} s (its timeout)") from None
    conn._initialized()
    return ServerInfo(init.server_info.name, init.server_info.version, init.protocol_version,
                      init.capabilities, init.instructions)
