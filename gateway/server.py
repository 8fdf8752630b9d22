"""The gateway process: WebSocket MCP endpoint, HTTP endpoints, lifecycle and graceful shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import http
import ipaddress
import itertools
import logging
import math
import secrets
import signal
import time
from typing import Any, ClassVar, cast
from urllib.parse import parse_qs, urlsplit

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, InvalidMessage
from websockets.http11 import Request, Response
from websockets.protocol import OPEN, Event
from websockets.server import ServerProtocol

from gateway.config import GatewayConfig
from gateway.errors import ShuttingDown
from gateway.listener import REFUSAL_REASONS, ListenerGate, Reason
from gateway.mcp import McpSession
from gateway.mcp_servers import McpServers
from gateway.metrics import Metrics
from gateway.pool import WorkerPool

__all__ = ["GatedConnection", "Gateway", "Listener", "is_loopback"]

logger = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _response(status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> Response:
    headers = Headers({"Content-Type": content_type, "Content-Length": str(len(body)), "Connection": "close"})
    for k, v in (extra or {}).items():
        headers[k] = v
    return Response(status, http.HTTPStatus(status).phrase, headers, body)


def _text(status: int, text: str, extra: dict[str, str] | None = None) -> Response:
    return _response(status, text.encode(), "text/plain; charset=utf-8", extra)


class _BadRequest(Exception):
    """A request the gateway will not interpret (duplicate or non-ASCII credentials or Origin):
    answered 400 with this message, which must not quote the request."""


def _one_header(headers: Headers, name: str) -> str | None:
    """The value of a header the gateway decides on; two values could be read differently by a proxy
    in front and by us, so they are refused, as are non-ASCII bytes."""
    values = headers.get_all(name)
    if len(values) > 1:
        raise _BadRequest(f"more than one {name} header")
    if values and not values[0].isascii():
        raise _BadRequest(f"the {name} header is not ASCII")
    return values[0] if values else None


def _supplied_token(request: Request) -> str:
    """The token the client sent (``Authorization: Bearer T`` first, else ``?token=T``), or ""."""
    auth = _one_header(request.headers, "Authorization") or ""
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    tokens = parse_qs(request.path.partition("?")[2]).get("token") or [""]
    if len(tokens) > 1:
        raise _BadRequest("more than one token parameter")
    return tokens[0]


def _peer_text(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        host = f"[{address[0]}]" if ":" in str(address[0]) else str(address[0])
        return f"{host}:{address[1]}"
    return str(address) if address else "an unknown peer"


class GatedConnection(ServerConnection):
    """websockets' server connection, reporting to the listener's gate from accept to the end of the
    handshake: its accept, its request's arrival, the outcome, its close.  It also answers a request
    that websockets cannot parse with 400 and closes it; websockets alone would only half-close and
    leave the socket open until the handshake timeout.

    ``listener`` is bound per gateway by ``Listener.connection_class``."""

    listener: ClassVar[Listener]
    # Class-level defaults, set on an instance only when they change (rarely): a few more instance
    # attributes would turn every connection's attribute dict into a bigger, unshared one.
    _drop_reply: bytes | None = None  # the gate dropped it: the answer, sent once connected
    _unparsable_seen = False

    def __init__(self, protocol: ServerProtocol, server: Server, **kwargs: Any) -> None:
        super().__init__(protocol, server, **kwargs)
        # The event loop builds the protocol right after accept(2), before connection_made: the gate
        # counts the descriptor from its first moment.
        self.listener.accepted(self)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if self._drop_reply is not None:  # dropped between accept and now
            self._answer_and_close(self._drop_reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.listener.closed(self)
        super().connection_lost(exc)

    def process_event(self, event: Event) -> None:
        first = self.request is None  # the first event is the handshake request
        super().process_event(event)
        if first:
            self.listener.request_received(self)

    def send_data(self) -> None:
        if self.request is None and self.protocol.handshake_exc is not None and not self._unparsable_seen:
            # websockets could not parse the request.  It has queued a half-close (after its own 414
            # or 431 when the request line or headers were too large) and ignores the rest.
            self._unparsable_seen = True
            reply = self.listener.unparsable(self, self.protocol.handshake_exc, self.protocol.reader.eof)
            if reply is not None and not self.transport.is_closing():
                self.transport.write(reply)
            super().send_data()
            self.transport.close()
            return
        super().send_data()

    async def handshake(self, *args: Any, **kwargs: Any) -> None:
        await super().handshake(*args, **kwargs)
        if self.protocol.state is OPEN:
            self.listener.admitted(self)
            return
        response = self.response if self.request is not None else None
        if response is not None and self.protocol.handshake_exc is not None and 400 <= response.status_code < 500:
            # Gateway.process_request let it through; websockets' own checks of the upgrade refused it.
            self.listener.refused(self, "bad_request",
                                  f"{response.status_code}: not a valid WebSocket upgrade request")

    @property
    def _connected(self) -> bool:
        return getattr(self, "transport", None) is not None  # set by connection_made

    @property
    def dropped(self) -> bool:
        return self._drop_reply is not None

    def drop(self, reply: bytes) -> None:
        """Answer ``reply`` (a complete HTTP response) and close: the gate dropped this connection."""
        self._drop_reply = reply
        if self._connected:
            self._answer_and_close(reply)

    def _answer_and_close(self, reply: bytes) -> None:
        transport = self.transport
        if transport.is_closing():
            return
        transport.write(reply)
        if transport.get_write_buffer_size():
            transport.abort()  # a peer that reads nothing gets no buffer of ours
        else:
            transport.close()

    def peer_name(self) -> str:
        if not self._connected:
            return "a new connection"
        return _peer_text(self.transport.get_extra_info("peername"))


class Listener:
    """The listener's gate (``gateway.listener.ListenerGate``) run for websockets' server.

    Feeds the gate every connection event with the loop's clock, carries out its drops (a short HTTP
    answer, then close), and keeps one timer at its next wake-up for every pending connection's
    deadline (websockets' own ``open_timeout``, a timer per connection, is off)."""

    def __init__(self, cfg: GatewayConfig, metrics: Metrics) -> None:
        refused = {reason: metrics.connections_refused.labels(reason) for reason in REFUSAL_REASONS}
        self.gate: ListenerGate[GatedConnection] = ListenerGate(
            max_pending=cfg.max_pending_connections,
            handshake_timeout=cfg.open_timeout,
            on_refusal=lambda reason: refused[reason].inc(),
            describe=GatedConnection.peer_name,
        )
        self._loop = asyncio.get_running_loop()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf
        self._limit_reply = _text(
            503, f"too many connections are waiting to authenticate (--max-pending-connections="
                 f"{cfg.max_pending_connections}); this one waited longest. Retry.\n",
            {"Retry-After": "1"}).serialize()
        self._timeout_reply = _text(
            408, f"no complete request within --open-timeout={cfg.open_timeout:g}s\n").serialize()
        self._bad_request_reply = _text(400, "bad request: not a valid HTTP request\n").serialize()
        self._closing_reply = _text(503, "the gateway is shutting down; connect to another instance\n").serialize()

    def connection_class(self) -> type[GatedConnection]:
        """The connection class to give websockets' ``serve`` (``create_connection``), bound to this
        listener."""

        class BoundConnection(GatedConnection):
            pass

        BoundConnection.listener = self
        return BoundConnection

    @property
    def pending(self) -> int:
        return self.gate.pending

    def accepted(self, conn: GatedConnection) -> None:
        for victim in self.gate.accepted(conn, self._loop.time()):
            victim.drop(self._limit_reply)
        self._arm()

    def request_received(self, conn: GatedConnection) -> None:
        self.gate.request_received(conn)

    def admitted(self, conn: GatedConnection) -> None:
        self.gate.admitted(conn)

    def closed(self, conn: GatedConnection) -> None:
        self.gate.closed(conn)

    def refused(self, conn: GatedConnection, reason: Reason, detail: str) -> None:
        if conn.dropped:
            # Its deadline passed while its request was being answered: counted as that already.
            return
        self.gate.refused(conn, reason, self._loop.time(), detail)
        self._arm()

    def unparsable(self, conn: GatedConnection, exc: Exception, eof: bool) -> bytes | None:
        """websockets could not parse ``conn``'s request (``exc``; ``eof``: the client has hung up).
        Returns the answer to send before closing, if any."""
        if eof:
            self.gate.closed(conn)  # it left in the middle of its request: nothing to refuse
            return None
        if isinstance(exc, InvalidMessage):
            # The cause's text would quote the request line (and a ?token=): name only its type.
            self.refused(conn, "bad_request",
                         f"400: not a valid HTTP request ({type(exc.__cause__ or exc).__name__})")
            return self._bad_request_reply
        # Request line or headers too large: websockets has queued 414 or 431 itself.
        self.refused(conn, "bad_request", f"{type(exc).__name__}: {exc}")
        return None

    def close_all(self) -> None:
        """Shutting down: drop every pending connection now rather than at its deadline."""
        for conn in self.gate.drain():
            conn.drop(self._closing_reply)

    def _arm(self) -> None:
        when = self.gate.next_wakeup()
        if when is None or when >= self._timer_at:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = when
        self._timer = self._loop.call_at(when, self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._timer_at = math.inf
        try:
            for conn in self.gate.tick(self._loop.time()):
                conn.drop(self._timeout_reply)
        finally:
            self._arm()  # even after an error (which the loop logs), deadlines keep being enforced


class Gateway:
    """Owns the worker pool, the sessions, and every task it starts."""

    def __init__(self, cfg: GatewayConfig, isolation: str, token: str | None,
                 run_as: tuple[int, int] | None = None) -> None:
        self.cfg = cfg
        self.token = token
        self.metrics = Metrics()
        self.metrics.max_sessions.set(cfg.max_sessions)
        self.pool = WorkerPool(cfg, self.metrics, isolation, run_as)
        self.mcp_servers = McpServers(self)
        self.sessions: set[McpSession] = set()
        self.draining = False
        self.server: Server | None = None
        self._ids = itertools.count(1)
        self._session_ids = itertools.count(1)
        self._job_ids = itertools.count(1)
        self._senders: set[asyncio.Task[None]] = set()
        self._connections: dict[McpSession, ServerConnection] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self.listener = Listener(cfg, self.metrics)

    def next_call_id(self) -> int:
        return next(self._ids)

    def next_job_id(self) -> str:
        return f"job-{next(self._job_ids)}"

    # ---- HTTP before the upgrade ----------------------------------------------------------

    def _token_ok(self, supplied: str) -> bool:
        if self.token is None:
            return True
        return hmac.compare_digest(supplied.encode(), self.token.encode())

    def _origin_allowed(self, origin: str) -> bool:
        """Browsers send Origin; other clients do not.  DNS-rebinding defence: without an allow-list
        only loopback origins may connect."""
        if self.cfg.allowed_origins:
            return origin in self.cfg.allowed_origins
        try:
            host = urlsplit(origin).hostname or ""
        except ValueError:
            return False
        return is_loopback(host)

    def _refuse(self, connection: ServerConnection, reason: Reason, response: Response, detail: str) -> Response:
        """``response`` for a refused request, counted and logged (rate-limited) by the listener."""
        self.listener.refused(cast(GatedConnection, connection), reason, detail)
        return response

    def _unauthorized(self, connection: ServerConnection) -> Response:
        return self._refuse(
            connection, "auth",
            _text(401, "unauthorized: send Authorization: Bearer <token> or ?token=<token>\n",
                  {"WWW-Authenticate": "Bearer"}),
            "401: missing or wrong token")

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.partition("?")[0]
        if path == "/healthz":
            return _text(200, "ok\n")
        if path == "/readyz":
            if self.draining:
                return _text(503, "draining: the gateway is shutting down\n")
            if self.pool.any_ready():
                return _text(200, "ready\n")
            return _text(503, "no worker is ready\n")
        if path == "/metrics":
            self.pool.update_gauges()
            self.metrics.pending_connections.set(self.listener.pending)
            return _response(200, self.metrics.render(), "text/plain; version=0.0.4; charset=utf-8")
        if path not in ("/status", "/mcp"):
            return _text(404, "not found: the MCP endpoint is /mcp; also /metrics /healthz /readyz /status\n")
        try:
            supplied = _supplied_token(request)
            origin = _one_header(request.headers, "Origin")
        except _BadRequest as exc:
            return self._refuse(connection, "bad_request", _text(400, f"bad request: {exc}\n"), f"400: {exc}")
        if path == "/status":
            if not self._token_ok(supplied):
                return self._unauthorized(connection)
            body = msgspec.json.encode({
                "workers": self.pool.status(),
                "sessions": len(self.sessions),
                "pending_connections": self.listener.pending,
                "queue": len(self.pool.queue),
                "spare_workers": sum(h.state == "ready" for h in self.pool.spares),
                "draining": self.draining,
                "isolation": self.pool.isolation,
                "call_isolation": self.cfg.call_isolation,
                "mcp": self.mcp_servers.status(),
            })
            return _response(200, body, "application/json")
        if origin is not None and not self._origin_allowed(origin):
            return self._refuse(
                connection, "origin",
                _text(403, f"forbidden: Origin {origin!r} is not allowed (see --allowed-origin)\n"),
                f"403: Origin {origin[:100]!r} is not allowed (--allowed-origin)")
        if not self._token_ok(supplied):
            return self._unauthorized(connection)
        if self.draining:
            return _text(503, "the gateway is shutting down; connect to another instance\n")
        if len(self.sessions) >= self.cfg.max_sessions:
            return self._refuse(
                connection, "limit",
                _text(503, f"too many sessions: {len(self.sessions)} open (--max-sessions="
                           f"{self.cfg.max_sessions}); retry later\n"),
                f"503: {len(self.sessions)} sessions open (--max-sessions={self.cfg.max_sessions})")
        return None

    # ---- WebSocket sessions ---------------------------------------------------------------

    async def handle_connection(self, ws: ServerConnection) -> None:
        async def send(data: bytes) -> None:
            with contextlib.suppress(ConnectionClosed):
                await ws.send(data, text=True)

        session = McpSession(self, send, f"s{next(self._session_ids)}")
        self._connections[session] = ws
        self.sessions.add(session)
        self.metrics.connections.inc()
        self.metrics.sessions.set(len(self.sessions))
        try:
            async for message in ws:
                await session.feed(message)
        except ConnectionClosed:
            pass
        finally:
            tasks = session.cancel_all()
            if tasks:
                # Their trees are killed by the workers; wait (bounded) so nothing outlives the session.
                await asyncio.wait(tasks, timeout=5)
            self.pool.end_session_jobs(session.id)
            self.sessions.discard(session)
            self._connections.pop(session, None)
            self.metrics.connections.dec()
            self.metrics.sessions.set(len(self.sessions))

    def spawn_send(self, session: McpSession, data: bytes) -> None:
        """Send a notification from synchronous code; the gateway owns the sending task."""
        task = asyncio.get_running_loop().create_task(session._send(data))
        self._senders.add(task)
        task.add_done_callback(self._senders.discard)

    def broadcast(self, message: dict[str, Any]) -> None:
        """Send a notification to every initialized session."""
        data = msgspec.json.encode(message)
        for session in self.sessions:
            if session.protocol_version is not None:
                self.spawn_send(session, data)

    # ---- lifecycle ------------------------------------------------------------------------

    async def sweep_sessions(self) -> None:
        """The one task that expires sessions: idle past --session-idle-timeout or older than
        --session-max-age.  It wakes often enough that detection takes a small fraction of the timeout."""
        cfg = self.cfg
        interval = min(max(min(cfg.session_idle_timeout, cfg.session_max_age) / 20, 0.05), 5.0)
        while True:
            await asyncio.sleep(interval)
            now = time.monotonic()
            for session, ws in list(self._connections.items()):
                if now - session.created > cfg.session_max_age:
                    reason = f"session expired: older than --session-max-age={cfg.session_max_age:g}s"
                elif session.idle_for(now) > cfg.session_idle_timeout:
                    reason = f"session expired: idle for more than --session-idle-timeout={cfg.session_idle_timeout:g}s"
                else:
                    continue
                self._connections.pop(session, None)
                logger.info("closing session %s: %s", session.id, reason)
                session.cancel_all()
                self.spawn_close(ws, reason)

    def spawn_close(self, ws: ServerConnection, reason: str) -> None:
        task = asyncio.get_running_loop().create_task(ws.close(1000, reason[:120]))
        self._senders.add(task)
        task.add_done_callback(self._senders.discard)

    async def start(self) -> None:
        await self.pool.start()
        self._sweeper = asyncio.get_running_loop().create_task(self.sweep_sessions(), name="session-sweeper")
        self.server = await serve(
            self.handle_connection,
            self.cfg.host,
            self.cfg.port,
            subprotocols=["mcp"],  # type: ignore[list-item]
            process_request=self.process_request,
            max_size=self.cfg.max_message_size,
            # The listener's gate owns the handshake deadline (--open-timeout): one timer for all.
            open_timeout=None,
            create_connection=self.listener.connection_class(),
            backlog=self.cfg.listen_backlog,
            compression=None,
            ping_interval=30,
            ping_timeout=30,
        )

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    def inflight_calls(self) -> int:
        return sum(len(s.inflight) for s in self.sessions)

    async def shutdown(self) -> None:
        """Drain: readiness 503 and refuse new sessions, let calls finish for --shutdown-grace,
        answer the rest with an error, close connections, stop every worker."""
        self.draining = True
        logger.info("draining: %d calls in flight, up to %g s grace", self.inflight_calls(),
                    self.cfg.shutdown_grace)
        running = [t for s in self.sessions for t in s.inflight.values() if t is not None]
        if running:
            await asyncio.wait(running, timeout=self.cfg.shutdown_grace)
        for session in list(self.sessions):
            await session.abort(ShuttingDown("the gateway is shutting down; the call was stopped"))
        self.listener.close_all()
        if self.server is not None:
            self.server.close(close_connections=True)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5):
                    await self.server.wait_closed()
        await self.mcp_servers.close()
        await self.pool.close()
        if self._sweeper is not None:
            self._sweeper.cancel()
        for task in list(self._senders):
            task.cancel()


async def run(cfg: GatewayConfig, isolation: str, token: str | None, on_ready: Any = None,
              run_as: tuple[int, int] | None = None) -> None:
    gw = Gateway(cfg, isolation, token, run_as)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await gw.start()
    if on_ready is not None:
        on_ready(gw)
    try:
        await stop.wait()
    finally:
        await gw.shutdown()
    logger.info("stopped")


def generate_token() -> str:
    return secrets.token_urlsafe(32)
