"""Fast MCP clients for benchmarking (WebSocket and Streamable HTTP), plus the HTTP status probe.

One ``McpSession`` is one WebSocket connection; one ``HttpMcpSession`` is one Streamable HTTP session
(``Mcp-Session-Id``) over kept-alive connections, one per request in flight, so pipelined lanes work
the same on both.  ``open_session`` picks one by transport.  Requests are pipelined:
``call`` sends at once and waits for the answer with the same id, which one
reader task per connection routes to the waiting future.  The session owns that
reader task and cancels it on ``close``.  When the connection drops, every
request still waiting fails with ``ConnectionLost`` so nothing waits forever.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.parse
import urllib.request
from typing import Any, Self

import httptools
import msgspec
from websockets.asyncio.client import ClientConnection, connect

__all__ = [
    "PROTOCOL_VERSION",
    "TRANSPORTS",
    "CallOutcome",
    "ConnectionLost",
    "HttpMcpSession",
    "McpSession",
    "RpcError",
    "fetch_json",
    "http_base",
    "open_session",
]

TRANSPORTS = ("websocket", "http")

PROTOCOL_VERSION = "2025-06-18"

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


class ConnectionLost(ConnectionError):
    """The WebSocket closed while a request was still waiting for its answer."""


class RpcError(Exception):
    """A JSON-RPC error answer to a request the benchmark needs to succeed (e.g. initialize)."""

    def __init__(self, error: Any) -> None:
        super().__init__(f"JSON-RPC error: {error!r}")
        self.error = error


class CallOutcome(msgspec.Struct):
    """What one ``tools/call`` produced, as the benchmark classifies it."""

    latency_ms: float
    answered: bool  # a response with our id arrived (result or error)
    ok: bool  # result, not isError, exit code 0
    timed_out: bool = False  # the tool reported timed_out
    rpc_error: Any = None
    is_error: bool = False
    exit_code: int | None = None
    text_len: int = 0
    truncated: bool = False
    error_text: str | None = None  # the start of an error answer, for the report


class _Calls:
    """What both sessions do on top of ``request`` and ``notify``."""

    async def request(self, method: str, params: dict[str, Any] | None = None) -> Any:
        raise NotImplementedError

    async def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        raise NotImplementedError

    async def initialize(self) -> Any:
        answer = await self.request(
            "initialize",
            {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "bench", "version": "0"},
            },
        )
        if "error" in answer:
            raise RpcError(answer["error"])
        await self.notify("notifications/initialized")
        return answer["result"]

    async def close(self) -> None:
        raise NotImplementedError

    async def _started(self, initialize: bool) -> Self:
        """This session, after the initialize handshake when asked (closed again if it fails)."""
        if initialize:
            try:
                await self.initialize()
            except BaseException:
                await self.close()
                raise
        return self

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def bash(
        self, command: str, tool_timeout: float, *, answer_timeout: float | None = None
    ) -> CallOutcome:
        """Run ``command`` through the bash tool and classify the answer.

        ``answer_timeout`` bounds the wait on the client side; a call that gets
        no answer within it (or whose connection drops) is ``answered=False``.
        """
        return await self.call_tool("bash", {"command": command, "timeout": tool_timeout},
                                    answer_timeout=answer_timeout)

    async def call_tool(
        self, tool: str, arguments: dict[str, Any], *, answer_timeout: float | None = None
    ) -> CallOutcome:
        """Call ``tool`` and classify the answer (as ``bash`` does)."""
        params = {"name": tool, "arguments": arguments}
        started = time.perf_counter()
        try:
            async with asyncio.timeout(answer_timeout):
                answer = await self.request("tools/call", params)
        except (TimeoutError, ConnectionLost, OSError):
            return CallOutcome((time.perf_counter() - started) * 1000, answered=False, ok=False)
        except Exception:  # websockets raises ConnectionClosed from send()
            return CallOutcome((time.perf_counter() - started) * 1000, answered=False, ok=False)
        latency_ms = (time.perf_counter() - started) * 1000
        return classify(answer, latency_ms)


class McpSession(_Calls):
    """One MCP session over one WebSocket; use ``async with McpSession.open(...)``."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._reader = asyncio.get_running_loop().create_task(self._read_loop())

    @classmethod
    async def open(cls, url: str, token: str | None = None, *, initialize: bool = True) -> McpSession:
        """Connect and (by default) run the initialize handshake."""
        headers = {"Authorization": f"Bearer {token}"} if token else None
        ws = await connect(
            url,
            subprotocols=["mcp"],  # type: ignore[list-item]
            additional_headers=headers,
            compression=None,
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )
        session = cls(ws)
        return await session._started(initialize)

    async def _read_loop(self) -> None:
        error: BaseException = ConnectionLost("connection closed")
        try:
            async for raw in self.ws:
                msg = _decode(raw)
                if not isinstance(msg, dict):
                    continue
                future = self._pending.pop(msg.get("id"), None)  # type: ignore[arg-type]
                if future is not None and not future.done():
                    future.set_result(msg)
        except Exception as exc:  # the connection broke: fail every waiter below
            error = ConnectionLost(f"connection lost: {exc!r}")
        finally:
            pending, self._pending = self._pending, {}
            for future in pending.values():
                if not future.done():
                    future.set_exception(error)

    async def request(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """Send one request and return the whole response message (result or error)."""
        if self._reader.done():
            raise ConnectionLost("connection closed")
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        try:
            await self.ws.send(_encode(message).decode())
            return await future
        finally:
            self._pending.pop(request_id, None)

    async def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        await self.ws.send(_encode(message).decode())

    async def close(self) -> None:
        try:
            await self.ws.close()
        finally:
            self._reader.cancel()
            # the reader's own CancelledError is collected; ours (if any) propagates
            await asyncio.gather(self._reader, return_exceptions=True)


class _HttpConnection(asyncio.Protocol):
    """One kept-alive HTTP/1.1 connection answering one request at a time (httptools parses)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.answer: asyncio.Future[tuple[int, dict[bytes, bytes], bytes]] | None = None
        self.headers: dict[bytes, bytes] = {}
        self.body: list[bytes] = []
        self.reusable = True
        self.answered = False  # some response bytes arrived

    @classmethod
    async def open(cls, host: str, port: int) -> _HttpConnection:
        _, protocol = await asyncio.get_running_loop().create_connection(cls, host, port)
        return protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.answered = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(ConnectionLost(f"bad HTTP response: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        self._fail(ConnectionLost("connection closed"))

    def _fail(self, exc: Exception) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_exception(exc)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.lower()] = value

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        if self.headers.get(b"connection", b"").lower() == b"close":
            self.reusable = False
        if self.answer is not None and not self.answer.done():
            self.answer.set_result((self.parser.get_status_code(), self.headers, b"".join(self.body)))

    async def send(self, method: bytes, target: bytes, headers: bytes,
                   body: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
        assert self.transport is not None
        self.answer = asyncio.get_running_loop().create_future()
        self.headers, self.body = {}, []
        self.transport.write(b"%s %s HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n%s"
                             % (method, target, headers, len(body), body))
        return await self.answer

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class HttpMcpSession(_Calls):
    """One MCP session over Streamable HTTP; same interface as ``McpSession``."""

    def __init__(self, url: str, token: str | None) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.target = (parts.path or "/mcp").encode()
        self._base_headers = (b"Host: %s\r\nContent-Type: application/json\r\n"
                              b"Accept: application/json, text/event-stream\r\n" % parts.netloc.encode())
        if token:
            self._base_headers += b"Authorization: Bearer %s\r\n" % token.encode()
        self.headers = self._base_headers
        self._ids = itertools.count(1)
        self._idle: list[_HttpConnection] = []
        self._open: set[_HttpConnection] = set()
        self.session_id: str | None = None

    @classmethod
    async def open(cls, url: str, token: str | None = None, *, initialize: bool = True) -> HttpMcpSession:
        session = cls(url, token)
        return await session._started(initialize)

    async def _exchange(self, method: bytes, body: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
        while self._idle:
            conn = self._idle.pop()
            if not conn.reusable:  # the server closed it while idle
                self._open.discard(conn)
                continue
            try:
                return await self._send_on(conn, method, body)
            except ConnectionLost:
                if conn.answered:
                    raise
                # closed by the server before it answered (idle past its keep-alive): as HTTP clients
                # do, the request goes again on a new connection
        return await self._send_on(None, method, body)

    async def _send_on(self, conn: _HttpConnection | None, method: bytes,
                       body: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
        if conn is None:
            try:
                conn = await _HttpConnection.open(self.host, self.port)
            except OSError as exc:
                raise ConnectionLost(f"cannot connect: {exc!r}") from exc
            self._open.add(conn)
        conn.answered = False
        try:
            answer = await conn.send(method, self.target, self.headers, body)
        except BaseException:
            conn.close()
            self._open.discard(conn)
            raise
        if conn.reusable:
            self._idle.append(conn)
        else:
            conn.close()
            self._open.discard(conn)
        return answer

    async def request(self, method: str, params: dict[str, Any] | None = None) -> Any:
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": next(self._ids), "method": method}
        if params is not None:
            message["params"] = params
        status, headers, body = await self._exchange(b"POST", _encode(message))
        if method == "initialize" and b"mcp-session-id" in headers:
            self.session_id = headers[b"mcp-session-id"].decode()
            self.headers = self._base_headers + b"Mcp-Session-Id: %s\r\n" % headers[b"mcp-session-id"]
        if headers.get(b"content-type", b"").startswith(b"text/event-stream"):
            lines = [line for line in body.split(b"\n") if line.startswith(b"data: ")]
            return _decode(lines[-1][6:])
        if status != 200 and not body.startswith(b"{"):
            raise ConnectionLost(f"HTTP {status}: {body[:200]!r}")
        return _decode(body)

    async def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        await self._exchange(b"POST", _encode(message))

    async def close(self) -> None:
        if self.session_id is not None:
            try:
                await asyncio.wait_for(self._exchange(b"DELETE", b""), 10)
            except (ConnectionLost, OSError, TimeoutError):
                pass
            self.session_id = None
        for conn in self._open:
            conn.close()
        self._open.clear()
        self._idle.clear()


async def open_session(url: str, token: str | None = None,
                       transport: str = "websocket") -> McpSession | HttpMcpSession:
    """An initialized session over ``transport`` ("websocket" or "http") to the gateway at ``url``
    (its ws:// URL; the HTTP endpoint is the same path on the same port)."""
    if transport == "http":
        return await HttpMcpSession.open(http_base(url) + urllib.parse.urlsplit(url).path, token)
    return await McpSession.open(url, token)


def classify(answer: Any, latency_ms: float) -> CallOutcome:
    """Turn one tools/call response message into a CallOutcome (pure)."""
    if "error" in answer:
        error = answer["error"]
        text = str(error.get("message") if isinstance(error, dict) else error)[:200]
        return CallOutcome(latency_ms, answered=True, ok=False, rpc_error=error, error_text=text)
    result = answer.get("result") or {}
    structured = result.get("structuredContent") or {}
    is_error = bool(result.get("isError"))
    exit_code = structured.get("exit_code")
    text_len = sum(
        len(part.get("text", "")) for part in result.get("content") or [] if isinstance(part, dict)
    )
    ok = not is_error and exit_code in (0, None)
    error_text = None
    if not ok:
        parts = [p.get("text", "") for p in result.get("content") or [] if isinstance(p, dict)]
        prefix = f"exit {exit_code}: " if exit_code is not None else ""
        error_text = prefix + "".join(parts)[:200]
    return CallOutcome(
        latency_ms,
        answered=True,
        ok=ok,
        error_text=error_text,
        timed_out=bool(structured.get("timed_out")),
        is_error=is_error,
        exit_code=exit_code,
        text_len=text_len,
        truncated=bool(structured.get("truncated")),
    )


def http_base(ws_url: str) -> str:
    """http://host:port of a ws://host:port/mcp URL."""
    parts = urllib.parse.urlsplit(ws_url)
    scheme = "https" if parts.scheme == "wss" else "http"
    return f"{scheme}://{parts.netloc}"


def _get_json(url: str, token: str | None, timeout: float) -> Any:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


async def fetch_json(ws_url: str, path: str, token: str | None = None) -> Any:
    """GET ``path`` (e.g. ``/status``) on the gateway's HTTP side and parse the JSON body."""
    return await asyncio.to_thread(_get_json, http_base(ws_url) + path, token, 10.0)
