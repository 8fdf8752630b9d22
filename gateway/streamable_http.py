"""MCP Streamable HTTP at ``/mcp`` (and the plain HTTP endpoints), an ASGI application.

A thin transport: it moves messages between HTTP requests and the session core (``gateway.mcp``) and
decides nothing about MCP itself.  What it does:

* ``POST /mcp`` carries one JSON-RPC message (or a batch, in sessions of 2025-03-26).  A request is
  answered as ``application/json``, or as a ``text/event-stream`` carrying the request's progress
  notifications and then its response: SSE when the client accepts it and the call can stream (a
  ``tools/call`` with a progress token), or when it accepts nothing else.  Notifications and
  responses get 202.  The body is bounded by --max-message-size (413).
* ``Mcp-Session-Id`` is issued with the answer to ``initialize`` and required on every later request
  of that session (400 without it, 404 once unknown or expired, so clients initialize again).  An
  unsupported ``MCP-Protocol-Version`` header gets 400.
* ``GET /mcp`` (``Accept: text/event-stream``; else 405) opens the session's stream for messages of
  its own (``notifications/tools/list_changed``): one per session (409 for a second).  While none is
  open, those messages wait in a buffer of ``STREAM_BUFFER`` messages (the oldest dropped beyond it;
  a ``list_changed`` already waiting is not queued twice) and are sent when one opens; a stream whose
  client stops reading holds as many.
* ``DELETE /mcp`` ends the session: its calls are cancelled and its jobs killed, like a WebSocket
  close.
* A dropped response stream does not cancel its call (``notifications/cancelled`` does); the answer is
  then dropped.  Protocol 2026-07-28 requests carry no session: there, closing the response stream is
  how a client cancels, and their cross-call state lives in session handles (``gateway.mcp``).

The same token and Origin rules as the WebSocket handshake apply before any work (401, 403), through
``Front.admit``; an authenticated connection counts against --max-http-connections.  A browser page of
an allowed Origin gets CORS answers (preflight without the token, which it cannot carry; responses
readable, ``Mcp-Session-Id`` exposed); other Origins get 403 as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

import msgspec
from websockets.http11 import Response

from gateway.admission import BadRequest, one_header, origin_allowed
from gateway.errors import HTTP_STATUS, GatewayError, HeaderMismatch, InvalidParams, InvalidRequest, ParseError
from gateway.files_http import FilesEndpoint
from gateway.http_listener import GatedHttpProtocol, Listener, text_response
from gateway.mcp import (
    SESSION_ARGUMENT,
    SESSION_HANDLE_META,
    SESSION_HEADER_TOKEN,
    SUPPORTED_PROTOCOL_VERSIONS,
    McpSession,
    RateBucket,
    envelope_version,
)
from gateway.mcp_servers import McpServers
from gateway.services import Services
from gateway.sessions import Sessions
from gateway.terminal_web import TerminalWeb, is_terminal_path
from shared.transfer_tools import FILES_PREFIX

__all__ = ["STREAM_BUFFER", "Front", "StreamableHttp"]

logger = logging.getLogger(__name__)

STREAM_BUFFER = 16  # messages of a session's own kept while it has no GET stream open
KEEPALIVE_INTERVAL = 30.0  # an SSE comment this often on an idle stream (as the WebSocket pings)
LIST_CHANGED = b'{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}'
_GONE = (b"", True)  # what an exchange's queue gets when the client has hung up
_ENDED = (b"", True)  # ... when its session ended (DELETE, expiry, shutdown): nothing more will come

_decode = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder().encode

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Front(Protocol):
    """What the transport needs of the gateway (``gateway.server.Gateway``)."""

    services: Services
    sessions: Sessions
    mcp_servers: McpServers
    listener: Listener
    terminal_web: TerminalWeb

    def admit(self, conn: GatedHttpProtocol, path: str, query: str,
              headers: Callable[[str], list[str]]) -> Response | None: ...

    def session_refusal(self, conn: GatedHttpProtocol) -> Response | None: ...

    def own(self, coro: Coroutine[Any, Any, None], name: str) -> None: ...


class Exchange:
    """One HTTP request waiting for what the session sends about it: progress, then one final
    answer.  ``client_gone`` is called by the connection when the client hangs up."""

    __slots__ = ("cancel_when_gone", "gone", "queue", "session")

    def __init__(self, session: McpSession, cancel_when_gone: bool) -> None:
        self.session = session
        self.cancel_when_gone = cancel_when_gone
        self.gone = False
        self.queue: asyncio.Queue[tuple[bytes, bool]] = asyncio.Queue()

    def deliver(self, data: bytes, final: bool) -> None:
        if not self.gone:
            self.queue.put_nowait((data, final))

    def client_gone(self) -> None:
        if self.gone:
            return
        self.gone = True
        self.queue.put_nowait(_GONE)
        if self.cancel_when_gone:
            self.session.cancel_origin(self)

    def abandon(self) -> None:
        """The session ended: nothing more will come."""
        if not self.gone:
            self.queue.put_nowait(_ENDED)


class HttpSession:
    """The Streamable HTTP side of one session: the exchanges waiting on it, its GET stream (or the
    buffer while none is open)."""

    def __init__(self) -> None:
        self.exchanges: set[Exchange] = set()
        self.stream: asyncio.Queue[bytes | None] | None = None
        self.buffer: deque[bytes] = deque(maxlen=STREAM_BUFFER)
        self.ended = False

    async def sink(self, data: bytes, origin: Any, final: bool) -> None:
        if isinstance(origin, Exchange):
            origin.deliver(data, final)
        elif origin is None and data:
            self._unsolicited(data)

    def _unsolicited(self, data: bytes) -> None:
        stream = self.stream
        if stream is not None:
            # A client that stops reading its stream holds at most STREAM_BUFFER messages too.
            if stream.qsize() >= STREAM_BUFFER:
                stream.get_nowait()
            stream.put_nowait(data)
        elif data not in self.buffer:  # a notification waiting already says the same (list_changed, updated)
            self.buffer.append(data)

    def end(self) -> None:
        self.ended = True
        for exchange in list(self.exchanges):
            exchange.abandon()
        if self.stream is not None:
            self.stream.put_nowait(None)


def _header_getter(scope: Scope) -> Callable[[str], list[str]]:
    by_name: dict[bytes, list[str]] = {}
    for key, value in scope["headers"]:  # names arrive lower-cased
        by_name.setdefault(key, []).append(value.decode("latin-1"))

    def get_all(name: str) -> list[str]:
        return by_name.get(name.lower().encode(), [])

    return get_all


def _accepts(values: list[str]) -> tuple[bool, bool]:
    """(JSON, SSE) from Accept headers; no Accept header accepts both."""
    if not values:
        return True, True
    types = {part.split(";")[0].strip().lower() for value in values for part in value.split(",")}
    anything = "*/*" in types
    return (anything or "application/json" in types or "application/*" in types,
            anything or "text/event-stream" in types or "text/*" in types)


def _sse(data: bytes) -> bytes:
    return b"event: message\ndata: " + data + b"\n\n"


async def _respond(send: Send, status: int, body: bytes, content_type: str = "application/json",
                   extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", content_type.encode()))
    if extra:
        headers += extra
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _respond_plain(send: Send, response: Response) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.raw_items()]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


_CORS_ALLOW_HEADERS = (b"Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Mcp-Method, "
                       b"Mcp-Name, Mcp-Param-Session, Last-Event-ID, Range, If-Range, If-None-Match")


def _cors(origin: str) -> list[tuple[bytes, bytes]]:
    """Preflight answer headers for an allowed Origin (the credential is the bearer token, not a cookie)."""
    return [(b"access-control-allow-origin", origin.encode()), (b"vary", b"Origin"),
            (b"access-control-allow-methods", b"GET, POST, DELETE, HEAD, PUT"),
            (b"access-control-allow-headers", _CORS_ALLOW_HEADERS), (b"access-control-max-age", b"600")]


def _with_cors(send: Send, origin: str) -> Send:
    """``send`` that marks the response readable by ``origin`` and its session headers visible."""
    extra = [(b"access-control-allow-origin", origin.encode()), (b"vary", b"Origin"),
             (b"access-control-expose-headers", b"Mcp-Session-Id, MCP-Protocol-Version, Content-Range, ETag")]

    async def cors_send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return cors_send


def _rpc_error(request_id: Any, exc: GatewayError) -> bytes:
    return _encode({"jsonrpc": "2.0", "id": request_id, "error": exc.to_error()})


class StreamableHttp:
    """The ASGI application for every request that is not a WebSocket upgrade."""

    def __init__(self, front: Front) -> None:
        self.front = front
        self.cfg = front.services.cfg
        self._transports: dict[McpSession, HttpSession] = {}
        self.files = FilesEndpoint(front.services)  # PUT and GET /files/<path>
        # Stateless requests without a handle each get a session of their own; the rate limit is theirs
        # together.
        self._stateless_bucket = RateBucket(self.cfg.rate_burst, time.monotonic())
        # When the last POST was answered (time.monotonic()): stateless clients have no session that
        # would tell when they last asked, and at shutdown the gateway lingers until they are quiet.
        self.last_answered = -math.inf

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan: uvicorn is not asked to run it
            return
        conn: GatedHttpProtocol = scope["gateway.connection"]
        headers = _header_getter(scope)
        if is_terminal_path(scope["path"]):
            await self.front.terminal_web.serve_http(conn, scope, receive, send, headers)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        origins = headers("Origin")
        files = scope["path"].startswith(FILES_PREFIX)
        if (scope["path"] == "/mcp" or files) and len(origins) == 1 and origins[0].isascii() and origin_allowed(
                origins[0], self.cfg.allowed_origins):
            # A browser page of an allowed Origin (loopback, or --allowed-origin): CORS, so the SDK's
            # fetch can send its headers and read Mcp-Session-Id.
            if scope["method"] == "OPTIONS":
                await _respond(send, 204, b"", extra=[*_cors(origins[0]), (b"connection", b"close")])
                return
            send = _with_cors(send, origins[0])
        refusal = self.front.admit(conn, scope["path"], query, headers)
        if refusal is not None:
            await _respond_plain(send, refusal)
            return
        if not self.front.listener.admit_http(conn):
            limit = self.cfg.max_http_connections
            self.front.listener.refused(conn, "limit", f"503: {limit} HTTP connections open "
                                                        f"(--max-http-connections={limit})")
            await _respond_plain(send, text_response(
                503, f"too many HTTP connections: {limit} open (--max-http-connections={limit}); retry "
                     "later\n", {"Retry-After": "1"}))
            return
        method = scope["method"]
        if files:
            await self.files(conn, scope, receive, send, headers)
            return
        try:
            if method == "POST":
                await self._post(conn, scope, receive, send, headers)
            elif method == "GET":
                await self._get(conn, send, headers)
            elif method == "DELETE":
                await self._delete(send, headers)
            else:
                await _respond(send, 405, b"method not allowed: /mcp takes POST, GET and DELETE\n",
                               "text/plain; charset=utf-8", [(b"allow", b"GET, POST, DELETE")])
        except BadRequest as exc:
            await _respond(send, 400, f"bad request: {exc}\n".encode(), "text/plain; charset=utf-8")

    # ---- the session a request belongs to ---------------------------------------------------

    async def _named_session(self, send: Send, headers: Callable[[str], list[str]]) -> McpSession | None:
        """The session a GET or DELETE names; None once the request has been answered instead (no
        Mcp-Session-Id: 400; an unknown or expired one: 404)."""
        session, answer, status = self._session_of(headers)
        if answer is not None:
            await _respond(send, status, answer)
            return None
        if session is None:
            await _respond(send, 400, _rpc_error(None, InvalidRequest("Mcp-Session-Id header required")))
        return session

    def _session_of(self, headers: Callable[[str], list[str]]) -> tuple[McpSession | None, bytes | None, int]:
        """The session a request names (Mcp-Session-Id), or the answer to send instead, with its status."""
        session_id = one_header(headers("Mcp-Session-Id"), "Mcp-Session-Id")
        if session_id is None:
            return None, None, 0
        session = self.front.sessions.find(session_id)
        # (a stateless handle is not a session id: it names a session of another kind)
        if session is None or session.transport != "http" or session not in self._transports:
            return None, _rpc_error(None, InvalidRequest(
                "session not found: it ended or expired; send initialize without Mcp-Session-Id to start a "
                "new one")), 404
        version = one_header(headers("MCP-Protocol-Version"), "MCP-Protocol-Version")
        if version is not None and version not in SUPPORTED_PROTOCOL_VERSIONS:
            return None, _rpc_error(None, InvalidRequest(
                f"unsupported MCP-Protocol-Version {version[:40]!r}; supported: "
                f"{', '.join(SUPPORTED_PROTOCOL_VERSIONS)}")), 400
        return session, None, 0

    def _new_session(self, *, stateless: bool) -> McpSession:
        transport = HttpSession()
        session = McpSession(self.front.services, self.front.mcp_servers, transport.sink,
                             self.front.services.next_session_id(),
                             transport="stateless" if stateless else "http", handles=stateless,
                             keep=self._keep_handle if stateless else None,
                             bucket=self._stateless_bucket if stateless else None)
        self._transports[session] = transport
        return session

    def _keep_handle(self, session: McpSession) -> str | None:
        """A stateless request left state in its session: keep the session under a new handle."""
        if self.front.sessions.full:
            logger.info("no session handle kept for a stateless call: %s", self.front.sessions.limit_text())
            return None
        self.front.sessions.add(session, lambda reason: self.end(session, reason), with_handle=True)
        session.use_own_rate_bucket()
        return session.handle

    def _discard(self, session: McpSession) -> None:
        """A transient session (a stateless request that kept no state, a failed initialize)."""
        if session not in self.front.sessions:
            self._transports.pop(session, None)
            session.cancel_all()

    def end(self, session: McpSession, reason: str) -> None:
        """End an HTTP session (DELETE, expiry, shutdown): like a WebSocket close, its calls are
        cancelled and its jobs killed."""
        transport = self._transports.pop(session, None)
        if transport is None:
            return
        logger.debug("ending HTTP session %s: %s", session.id, reason)
        transport.end()
        self.front.sessions.remove(session)
        tasks = session.cancel_all()
        self.front.own(self._wait_and_end_jobs(session, tasks), f"end-session-{session.id}")

    async def _wait_and_end_jobs(self, session: McpSession, tasks: list[asyncio.Task[None]]) -> None:
        if tasks:
            # Their trees are killed by the workers; wait (bounded) so nothing outlives the session.
            await asyncio.wait(tasks, timeout=5)
        self.front.services.pool.end_session_jobs(session.id)

    def end_all(self, reason: str) -> None:
        for session in list(self._transports):
            self.end(session, reason)

    def sessions(self) -> list[McpSession]:
        """Every session this transport serves, transient stateless ones included."""
        return list(self._transports)

    def quiet_for(self, now: float) -> float:
        """Seconds since a POST was last answered; 0 while one is being answered (GET streams aside)."""
        if any(transport.exchanges for transport in self._transports.values()):
            return 0.0
        return now - self.last_answered

    # ---- POST ------------------------------------------------------------------------------

    async def _read_body(self, conn: GatedHttpProtocol, receive: Receive, headers: Callable[[str], list[str]],
                         send: Send) -> bytes | None:
        """The request body, or None once it was answered 413 (--max-message-size: the connection then
        ends, without reading the rest of the body)."""
        limit = self.cfg.max_message_size
        declared = one_header(headers("Content-Length"), "Content-Length")
        too_large = (f"request body over --max-message-size={limit} bytes\n").encode()
        if not (declared is not None and declared.isdigit() and int(declared) > limit):
            body = bytearray()
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return None
                body += message.get("body", b"")
                if len(body) > limit:
                    break
                if not message.get("more_body", False):
                    return bytes(body)
        # No "Connection: close": uvicorn would close at once, unread bytes and all (a reset that can
        # destroy this answer on its way); the half-close tells the client instead.
        await _respond(send, 413, too_large, "text/plain; charset=utf-8")
        conn.linger()
        return None

    async def _post(self, conn: GatedHttpProtocol, scope: Scope, receive: Receive, send: Send,
                    headers: Callable[[str], list[str]]) -> None:
        content_type = one_header(headers("Content-Type"), "Content-Type")
        if content_type is not None and content_type.split(";")[0].strip().lower() != "application/json":
            await _respond(send, 415, b"unsupported media type: POST a JSON-RPC message as application/json\n",
                           "text/plain; charset=utf-8")
            return
        json_ok, sse_ok = _accepts(headers("Accept"))
        if not (json_ok or sse_ok):
            await _respond(send, 406, b"not acceptable: accept application/json or text/event-stream\n",
                           "text/plain; charset=utf-8")
            return
        session, answer, status = self._session_of(headers)
        if answer is not None:
            await _respond(send, status, answer)
            return
        body = await self._read_body(conn, receive, headers, send)
        if body is None:
            return
        try:
            msg = _decode(body)
        except (msgspec.DecodeError, RecursionError) as exc:
            text = "JSON nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            await _respond(send, 400, _rpc_error(None, ParseError(f"parse error: {text}")))
            return
        created = False
        stateless = False
        if session is None:
            if isinstance(msg, dict) and msg.get("method") == "initialize" and "id" in msg:
                refusal = self.front.session_refusal(conn)
                if refusal is not None:
                    await _respond_plain(send, refusal)
                    return
                session = self._new_session(stateless=False)
                created = True
            elif isinstance(msg, dict) and "id" not in msg:
                # A notification or response outside any session (2026-07-28 has no client-to-server
                # notifications to act on): acknowledged and dropped.
                await _respond(send, 202, b"")
                return
            elif envelope_version(msg) is not None:
                session, answer = self._stateless_session(msg, headers)
                if answer is not None:
                    await _respond(send, 400, answer)
                    return
                assert session is not None
                stateless = True
            else:
                await _respond(send, 400, _rpc_error(msg.get("id") if isinstance(msg, dict) else None, InvalidRequest(
                    "Mcp-Session-Id header required: send initialize first (or use protocol version 2026-07-28 "
                    "with its _meta envelope)")))
                return
        streams = sse_ok and (not json_ok or _wants_progress(msg))
        await self._exchange(conn, session, msg, send, streams=streams, created=created, stateless=stateless)

    def _stateless_session(self, msg: Any, headers: Callable[[str], list[str]]
                           ) -> tuple[McpSession | None, bytes | None]:
        """The session a 2026-07-28 request runs in (its handle's, or a new transient one), or the
        error to answer; the headers must agree with the body (HeaderMismatch)."""
        request_id = msg.get("id") if isinstance(msg, dict) else None
        version = envelope_version(msg)
        params = msg.get("params") if isinstance(msg, dict) else None
        method = msg.get("method") if isinstance(msg, dict) else None
        checks = [("MCP-Protocol-Version", version), ("Mcp-Method", method)]
        if method == "tools/call" and isinstance(params, dict):
            checks.append(("Mcp-Name", params.get("name")))
        for header, expected in checks:
            value = one_header(headers(header), header)
            if value is None or value != expected:
                return None, _rpc_error(request_id, HeaderMismatch(
                    f"the {header} header {'is missing' if value is None else 'does not match the body'}"
                    f" (protocol version {version!s:.40})"))
        param = one_header(headers(f"Mcp-Param-{SESSION_HEADER_TOKEN}"), f"Mcp-Param-{SESSION_HEADER_TOKEN}")
        arguments = params.get("arguments") if isinstance(params, dict) else None
        if param is not None and (not isinstance(arguments, dict) or arguments.get(SESSION_ARGUMENT) != param):
            # A proxy may have routed by it: it must name the session the body names.
            return None, _rpc_error(request_id, HeaderMismatch(
                f"the Mcp-Param-{SESSION_HEADER_TOKEN} header does not match the {SESSION_ARGUMENT!r} argument"))
        handle = _handle_of(params)
        if handle is None:
            return self._new_session(stateless=True), None
        session = self.front.sessions.find(handle)
        if session is None or not session.handles:
            return None, _rpc_error(request_id, InvalidParams(
                "unknown or expired session handle: call without it to start a new session", {"session": handle[:64]}))
        return session, None

    async def _exchange(self, conn: GatedHttpProtocol, session: McpSession, msg: Any, send: Send, *,
                        streams: bool, created: bool, stateless: bool) -> None:
        transport = self._transports[session]
        exchange = Exchange(session, cancel_when_gone=stateless)
        transport.exchanges.add(exchange)
        conn.exchange = exchange
        try:
            if not await session.feed_message(msg, exchange):
                await _respond(send, 202, b"")
                return
            extra: list[tuple[bytes, bytes]] = []
            if created:
                if not session.initialized:  # initialize failed: no session
                    data, _ = exchange.queue.get_nowait()
                    await _respond(send, _status_of(data), data)
                    return
                self.front.sessions.add(session, lambda reason: self.end(session, reason), with_handle=True)
                assert session.handle is not None
                extra.append((b"mcp-session-id", session.handle.encode()))
            if streams:
                await self._stream_answer(exchange, send, extra)
            else:
                await self._json_answer(exchange, send, extra, errors_set_status=stateless)
        finally:
            conn.exchange = None
            transport.exchanges.discard(exchange)
            self.last_answered = time.monotonic()
            if created or stateless:
                self._discard(session)

    async def _json_answer(self, exchange: Exchange, send: Send, extra: list[tuple[bytes, bytes]],
                           errors_set_status: bool) -> None:
        while True:
            item = await exchange.queue.get()
            if item[1]:
                break
            # progress of a request answered as JSON: there is no stream to carry it
        if exchange.gone:
            return
        data = item[0]
        if item is _ENDED:
            await _respond(send, 404, _rpc_error(None, InvalidRequest(
                "the session ended while this request was in flight")), extra=extra)
            return
        if not data:  # cancelled: no answer comes (202, as for a notification: SDK clients take it so)
            await _respond(send, 202, b"", extra=extra)
            return
        await _respond(send, _status_of(data) if errors_set_status else 200, data, extra=extra)

    async def _stream_answer(self, exchange: Exchange, send: Send, extra: list[tuple[bytes, bytes]]) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache"), *extra]})
        final = False
        while not final:
            try:
                # a long call's progress, or a subscriptions/listen stream, may be quiet for long: a comment
                # now and then keeps proxies from taking the stream for dead (as on the GET stream)
                async with asyncio.timeout(KEEPALIVE_INTERVAL):
                    item = await exchange.queue.get()
            except TimeoutError:
                await send({"type": "http.response.body", "body": b": keepalive\n\n", "more_body": True})
                continue
            if exchange.gone:
                return
            data, final = item
            if data:
                await send({"type": "http.response.body", "body": _sse(data), "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    # ---- GET and DELETE ----------------------------------------------------------------------

    async def _get(self, conn: GatedHttpProtocol, send: Send, headers: Callable[[str], list[str]]) -> None:
        if not any("text/event-stream" in value.lower() for value in headers("Accept")):
            await _respond(send, 405, b"method not allowed: GET /mcp opens a text/event-stream; accept it\n",
                           "text/plain; charset=utf-8", [(b"allow", b"POST, DELETE")])
            return
        session = await self._named_session(send, headers)
        if session is None:
            return
        transport = self._transports[session]
        if transport.stream is not None:
            await _respond(send, 409, _rpc_error(None, InvalidRequest(
                "this session has a GET stream open already; one at a time")))
            return
        stream: asyncio.Queue[bytes | None] = asyncio.Queue()
        for waiting in transport.buffer:
            stream.put_nowait(waiting)
        transport.buffer.clear()
        transport.stream = stream
        watcher = _StreamWatcher(stream)
        conn.exchange = watcher
        try:
            await send({"type": "http.response.start", "status": 200, "headers": [
                (b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]})
            while not watcher.gone and not transport.ended:
                try:
                    async with asyncio.timeout(KEEPALIVE_INTERVAL):
                        item = await stream.get()
                except TimeoutError:
                    await send({"type": "http.response.body", "body": b": keepalive\n\n", "more_body": True})
                    continue
                if item is None:
                    break
                await send({"type": "http.response.body", "body": _sse(item), "more_body": True})
            if not watcher.gone:
                await send({"type": "http.response.body", "body": b""})
        finally:
            conn.exchange = None
            if transport.stream is stream:
                transport.stream = None
                # what arrived after the client left waits for the next stream
                while not stream.empty():
                    left = stream.get_nowait()
                    if left is not None:
                        transport.buffer.append(left)

    async def _delete(self, send: Send, headers: Callable[[str], list[str]]) -> None:
        session = await self._named_session(send, headers)
        if session is None:
            return
        self.end(session, "the client ended it (DELETE)")
        await _respond(send, 200, b"session ended\n", "text/plain; charset=utf-8")


class _StreamWatcher:
    """What a GET stream's connection tells when the client hangs up."""

    __slots__ = ("gone", "stream")

    def __init__(self, stream: asyncio.Queue[bytes | None]) -> None:
        self.stream = stream
        self.gone = False

    def client_gone(self) -> None:
        self.gone = True
        with contextlib.suppress(asyncio.QueueFull):
            self.stream.put_nowait(None)


def _wants_progress(msg: Any) -> bool:
    """Whether a request's answer is a stream: a tools/call with a progress token, or 2026-07-28's
    subscriptions/listen (its notifications are the answer)."""
    if isinstance(msg, dict) and msg.get("method") == "subscriptions/listen":
        return True
    if not isinstance(msg, dict) or msg.get("method") != "tools/call":
        return False
    params = msg.get("params")
    meta = params.get("_meta") if isinstance(params, dict) else None
    return isinstance(meta, dict) and meta.get("progressToken") is not None


def _handle_of(params: Any) -> str | None:
    if not isinstance(params, dict):
        return None
    arguments = params.get("arguments")
    if isinstance(arguments, dict) and isinstance(arguments.get(SESSION_ARGUMENT), str):
        return str(arguments[SESSION_ARGUMENT])
    meta = params.get("_meta")
    if isinstance(meta, dict) and isinstance(meta.get(SESSION_HANDLE_META), str):
        return str(meta[SESSION_HANDLE_META])
    return None


def _status_of(data: bytes) -> int:
    """The HTTP status of an answer outside a session: an error's (``gateway.errors.HTTP_STATUS``) or 200."""
    if b'"error"' not in data:
        return 200
    with contextlib.suppress(msgspec.DecodeError):
        msg = _decode(data)
        if isinstance(msg, dict) and isinstance(msg.get("error"), dict):
            return HTTP_STATUS.get(msg["error"].get("code"), 200)
    return 200
