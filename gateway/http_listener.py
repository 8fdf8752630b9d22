"""The listening socket: one HTTP/1.1 server for both transports, with the listener's gate in front.

Every connection starts as a ``GatedHttpProtocol``: uvicorn's httptools protocol (llhttp parses; no
parser is written here), reporting to the gate (``gateway.listener.ListenerGate``) from its accept to
the end of its request.  A request is then either

* a WebSocket upgrade: the connection is handed, with its request, to websockets' own asyncio
  connection (``GatedConnection``), which performs the handshake exactly as the gateway always has
  (``Gateway.process_request`` decides: token, Origin, limits) and carries the session's frames; or
* anything else: uvicorn runs it as an ASGI request through ``gateway.streamable_http`` (the MCP
  Streamable HTTP transport, /healthz, /metrics, ...).

Limits the HTTP side adds (websockets has the same ones for its handshake): a request line of at most
8 KiB (414), at most 128 headers and 64 KiB of request head (431), every request head complete within
--open-timeout of the connection's accept (or, on a kept-alive connection, of the request's first
byte: 408).  Unparsable requests get 400 and are closed; none of these answers quotes the request.
"""

from __future__ import annotations

import asyncio
import http
import logging
import math
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar

import httptools
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState
from websockets.asyncio.server import Server, ServerConnection
from websockets.datastructures import Headers
from websockets.exceptions import InvalidMessage
from websockets.http11 import Response
from websockets.protocol import OPEN, Event
from websockets.server import ServerProtocol

from gateway.config import GatewayConfig
from gateway.listener import REFUSAL_REASONS, ListenerGate, Reason
from gateway.metrics import Metrics

__all__ = ["GatedConnection", "GatedHttpProtocol", "Listener", "peer_text", "plain_response", "text_response"]

logger = logging.getLogger(__name__)

MAX_URL_BYTES = 8192  # websockets' own limit for the request line
MAX_HEADERS = 128  # websockets' MAX_NUM_HEADERS
MAX_HEAD_BYTES = 64 * 1024


def plain_response(status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> Response:
    headers = Headers({"Content-Type": content_type, "Content-Length": str(len(body)), "Connection": "close"})
    for k, v in (extra or {}).items():
        headers[k] = v
    return Response(status, http.HTTPStatus(status).phrase, headers, body)


def text_response(status: int, text: str, extra: dict[str, str] | None = None) -> Response:
    return plain_response(status, text.encode(), "text/plain; charset=utf-8", extra)


def peer_text(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        host = f"[{address[0]}]" if ":" in str(address[0]) else str(address[0])
        return f"{host}:{address[1]}"
    return str(address) if address else "an unknown peer"


class _HeadTooLarge(Exception):
    """Raised from a parser callback to stop parsing a request whose head is over a limit."""


class _Dropped(Exception):
    """Raised from a parser callback: the gate dropped this connection; parse no further."""


class GatedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools connection, reporting to the listener's gate: its accept, the arrival of
    each request's head, its close; carrying out the gate's drops; handing WebSocket upgrades to
    websockets.  Each request on a kept-alive connection is a new episode at the gate (its head has
    --open-timeout too), and its ASGI scope names this connection (``scope["gateway.connection"]``),
    so the application can report the outcome (admitted, refused) and learn when the client leaves.

    ``listener`` is bound per gateway by ``Listener.protocol_factory``."""

    listener: ClassVar[Listener]
    # Class-level defaults, set on an instance only when they change (see GatedConnection).
    _drop_reply: bytes | None = None
    _reading_head = True
    _head_bytes = 0
    _header_count = 0
    _too_large: int = 0  # 414 or 431 once a limit was passed
    _requests = 0
    _heads_done = 0  # request heads parsed on this connection
    admitted = False  # has authenticated: counted in --max-http-connections until it closes
    _lingering = False  # answered and half-closed: what the client still sends is discarded
    exchange: Any = None  # the Streamable HTTP exchange being answered (told when the client leaves)

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        # The event loop builds the protocol right after accept(2), before connection_made: the gate
        # counts the descriptor from its first moment.
        self.listener.accepted(self)

    # ---- asyncio protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self._drop_reply is not None:  # dropped between accept and now
            self._answer_and_close(self._drop_reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self.listener.closed(self)
        exchange = self.exchange
        if exchange is not None:
            self.exchange = None
            exchange.client_gone()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._drop_reply is not None or self._lingering:
            return
        self._unset_keepalive_if_required()
        # Only a chunk read while a head was being read, and that did not complete it, counts toward the
        # head's limit: the chunk that ends a large body, or holds a whole request with its body, is not
        # head (the parser may be waiting for the next head after it).
        in_head = self._reading_head
        heads = self._heads_done
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            # another upgrade (h2c): served as the plain request it also is
            return
        except httptools.HttpParserError as exc:
            self._unparsable(exc)
            return
        if self._reading_head and in_head and self._heads_done == heads:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._too_large = 431
                self._unparsable(None)

    def _unparsable(self, exc: Exception | None) -> None:
        if self._drop_reply is not None or self.transport.is_closing():
            return  # the gate dropped it: answered and counted already
        if self._too_large:
            reply = self.listener.too_large_reply(self._too_large)
            self.listener.refused(self, "bad_request", f"{self._too_large}: request head over a limit")
        else:
            reply = self.listener.bad_request_reply
            cause = exc.__cause__ or exc if exc is not None else None
            self.listener.refused(self, "bad_request",
                                  f"400: not a valid HTTP request ({type(cause).__name__})")
        self._answer_and_close(reply)

    def linger(self) -> None:
        """The response just sent ends this connection, but the client may still be sending the request
        (a body over the limit): half-close and discard its bytes until it closes, at the latest at
        --keepalive-timeout (armed by the response).  Closing at once, with its bytes unread, would
        reset the connection and could destroy the response before the client reads it."""
        self._lingering = True
        if self.transport.can_write_eof() and not self.transport.is_closing():
            self.transport.write_eof()

    # ---- parser callbacks ----------------------------------------------------------------

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["gateway.connection"] = self  # type: ignore[typeddict-unknown-key]
        self._requests += 1
        self._reading_head = True
        self._head_bytes = 0
        self._header_count = 0
        if self._requests > 1:
            # A kept-alive connection's next request is a new episode at the gate: its head gets
            # --open-timeout, and it may be dropped for newcomers like any connection yet to send one.
            self.listener.accepted(self)
            if self._drop_reply is not None:
                raise _Dropped

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            self._too_large = 414
            raise _HeadTooLarge

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > MAX_HEADERS:
            self._too_large = 431
            raise _HeadTooLarge
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._drop_reply is not None:
            raise _Dropped
        self._reading_head = False
        self._heads_done += 1
        self.listener.request_received(self)
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self.cycle is None:
            return
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._reading_head = True
        self._head_bytes = 0
        if self.cycle is None:
            return
        super().on_message_complete()

    # ---- WebSocket upgrade ---------------------------------------------------------------

    def _should_upgrade_to_ws(self) -> bool:
        return True  # websockets takes every upgrade (``handle_websocket_upgrade``), not uvicorn's

    def handle_websocket_upgrade(self) -> None:
        """Hand the connection and its request to websockets' asyncio connection."""
        self.connections.discard(self)
        self._unset_keepalive_if_required()
        version = self.parser.get_http_version().encode()
        head = [self.scope["method"].encode(), b" ", self.url, b" HTTP/", version, b"\r\n"]
        for name, value in self.headers:
            head += [name, b": ", value, b"\r\n"]
        head.append(b"\r\n")
        connection = self.listener.websocket_connection(self)
        transport = self.transport
        # From here on this object only names the connection at the gate (and can drop it): what
        # uvicorn kept for HTTP (parser, scope, flow control, pipeline: ~7 KiB) would otherwise live as
        # long as the WebSocket session.
        self.__dict__.clear()
        self.transport = transport
        connection.connection_made(transport)
        transport.set_protocol(connection)
        connection.data_received(b"".join(head))

    # ---- the gate's decisions ------------------------------------------------------------

    @property
    def _connected(self) -> bool:
        return self.transport is not None  # set by connection_made

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
        return peer_text(self.transport.get_extra_info("peername"))


class GatedConnection(ServerConnection):
    """websockets' server connection for a request the HTTP protocol handed over: it reports the
    rest of the handshake to the gate under the HTTP protocol's name (``gate_key``), and answers a
    request websockets cannot parse with 400 and closes it."""

    listener: ClassVar[Listener]
    _unparsable_seen = False
    gate_key: GatedHttpProtocol

    def connection_lost(self, exc: Exception | None) -> None:
        self.listener.closed(self.gate_key)
        super().connection_lost(exc)

    def process_event(self, event: Event) -> None:
        first = self.request is None  # the first event is the handshake request
        super().process_event(event)
        if first:
            self.listener.request_received(self.gate_key)

    def send_data(self) -> None:
        if self.request is None and self.protocol.handshake_exc is not None and not self._unparsable_seen:
            # websockets could not parse the request.  It has queued a half-close (after its own 414
            # or 431 when the request line or headers were too large) and ignores the rest.
            self._unparsable_seen = True
            reply = self.listener.unparsable(self.gate_key, self.protocol.handshake_exc, self.protocol.reader.eof)
            if reply is not None and not self.transport.is_closing():
                self.transport.write(reply)
            super().send_data()
            self.transport.close()
            return
        super().send_data()

    async def handshake(self, *args: Any, **kwargs: Any) -> None:
        await super().handshake(*args, **kwargs)
        if self.protocol.state is OPEN:
            self.listener.admitted(self.gate_key)
            return
        response = self.response if self.request is not None else None
        if response is not None and self.protocol.handshake_exc is not None and 400 <= response.status_code < 500:
            # Gateway.process_request let it through; websockets' own checks of the upgrade refused it.
            self.listener.refused(self.gate_key, "bad_request",
                                  f"{response.status_code}: not a valid WebSocket upgrade request")


class Listener:
    """The listener's gate (``gateway.listener.ListenerGate``) run for the HTTP server.

    Feeds the gate every connection event with the loop's clock, carries out its drops (a short HTTP
    answer, then close), and keeps one timer at its next wake-up for every pending connection's
    deadline.  Also counts connections that carry Streamable HTTP after authenticating
    (--max-http-connections) and builds the WebSocket connections for upgrades."""

    def __init__(self, cfg: GatewayConfig, metrics: Metrics) -> None:
        refused = {reason: metrics.connections_refused.labels(reason) for reason in REFUSAL_REASONS}
        self.gate: ListenerGate[GatedHttpProtocol] = ListenerGate(
            max_pending=cfg.max_pending_connections,
            handshake_timeout=cfg.open_timeout,
            on_refusal=lambda reason: refused[reason].inc(),
            describe=GatedHttpProtocol.peer_name,
        )
        self.cfg = cfg
        self._loop = asyncio.get_running_loop()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf
        # Admitted connections of the HTTP side (not WebSocket), open now, the least recently admitted
        # request first.
        self._http: OrderedDict[GatedHttpProtocol, None] = OrderedDict()
        self._make_websocket: Callable[[GatedHttpProtocol], GatedConnection] | None = None
        self._limit_reply = text_response(
            503, f"too many connections are waiting to authenticate (--max-pending-connections="
                 f"{cfg.max_pending_connections}); this one waited longest. Retry.\n",
            {"Retry-After": "1"}).serialize()
        self._timeout_reply = text_response(
            408, f"no complete request within --open-timeout={cfg.open_timeout:g}s\n").serialize()
        self.bad_request_reply = text_response(400, "bad request: not a valid HTTP request\n").serialize()
        self._too_large = {
            414: text_response(414, f"request line longer than {MAX_URL_BYTES} bytes\n").serialize(),
            431: text_response(431, f"request head over {MAX_HEADERS} headers or {MAX_HEAD_BYTES} bytes\n"
                               ).serialize(),
        }
        self._closing_reply = text_response(
            503, "the gateway is shutting down; connect to another instance\n").serialize()

    def too_large_reply(self, status: int) -> bytes:
        return self._too_large[status]

    def protocol_factory(self, config: Config, state: ServerState) -> Callable[[], GatedHttpProtocol]:
        """What ``loop.create_server`` calls for each accepted connection."""

        class BoundProtocol(GatedHttpProtocol):
            pass

        BoundProtocol.listener = self
        app_state: dict[str, Any] = {}
        return lambda: BoundProtocol(config, state, app_state)

    def serve_websockets(self, server: Server, make_protocol: Callable[[], ServerProtocol],
                         connection_options: dict[str, Any]) -> None:
        """Where upgrades go: connections of websockets' ``server`` (its handler runs the handshake and
        the session), with a sans-I/O protocol from ``make_protocol``."""

        class BoundConnection(GatedConnection):
            pass

        BoundConnection.listener = self

        def make(gate_key: GatedHttpProtocol) -> GatedConnection:
            connection = BoundConnection(make_protocol(), server, **connection_options)
            connection.gate_key = gate_key
            return connection

        self._make_websocket = make

    def websocket_connection(self, gate_key: GatedHttpProtocol) -> GatedConnection:
        assert self._make_websocket is not None
        return self._make_websocket(gate_key)

    @property
    def pending(self) -> int:
        return self.gate.pending

    def accepted(self, conn: GatedHttpProtocol) -> None:
        for victim in self.gate.accepted(conn, self._loop.time()):
            victim.drop(self._limit_reply)
        self._arm()

    def request_received(self, conn: GatedHttpProtocol) -> None:
        self.gate.request_received(conn)

    def admitted(self, conn: GatedHttpProtocol) -> None:
        self.gate.admitted(conn)

    @property
    def http_connections(self) -> int:
        return len(self._http)

    def admit_http(self, conn: GatedHttpProtocol) -> bool:
        """An authenticated Streamable HTTP request on ``conn``.  At --max-http-connections the least
        recently used *idle* kept-alive connection (between requests, nothing in flight) is closed to
        make room: its client opens a new one when it needs one, as it does after --keepalive-timeout.
        False when every admitted connection is busy (the caller refuses this request with 503)."""
        self.gate.admitted(conn)
        if conn.admitted:
            self._http.move_to_end(conn)
            return True
        if len(self._http) >= self.cfg.max_http_connections:
            idle = next((c for c in self._http if c.timeout_keep_alive_task is not None), None)
            if idle is None:
                return False
            self._forget_http(idle)
            idle.transport.close()
        conn.admitted = True
        self._http[conn] = None
        return True

    def _forget_http(self, conn: GatedHttpProtocol) -> None:
        if conn.admitted:
            conn.admitted = False
            del self._http[conn]

    def closed(self, conn: GatedHttpProtocol) -> None:
        self.gate.closed(conn)
        self._forget_http(conn)

    def refused(self, conn: GatedHttpProtocol, reason: Reason, detail: str) -> None:
        if conn.dropped:
            # Its deadline passed while its request was being answered: counted as that already.
            return
        self.gate.refused(conn, reason, self._loop.time(), detail)
        self._arm()

    def unparsable(self, conn: GatedHttpProtocol, exc: Exception, eof: bool) -> bytes | None:
        """websockets could not parse ``conn``'s request (``exc``; ``eof``: the client has hung up).
        Returns the answer to send before closing, if any."""
        if eof:
            self.gate.closed(conn)  # it left in the middle of its request: nothing to refuse
            return None
        if isinstance(exc, InvalidMessage):
            # The cause's text would quote the request line (and a ?token=): name only its type.
            self.refused(conn, "bad_request",
                         f"400: not a valid HTTP request ({type(exc.__cause__ or exc).__name__})")
            return self.bad_request_reply
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
