"""The gateway process: one listener for both MCP transports and the HTTP endpoints, the session
registry and its sweeper, lifecycle and graceful shutdown.

The listener (``gateway.http_listener``) is uvicorn's httptools protocol behind the listener's gate.
A WebSocket upgrade at ``/mcp`` becomes a websockets connection whose handshake ``process_request``
decides and whose messages ``handle_connection`` feeds to a session; every other request goes to
``gateway.streamable_http`` (MCP Streamable HTTP, /healthz, /readyz, /metrics, /status).  Both
transports take the same decisions from ``admit`` (token, Origin, duplicate headers) and
``session_refusal`` (draining, --max-sessions).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import secrets
import signal
import socket
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import msgspec
from uvicorn.config import Config
from uvicorn.server import ServerState
from websockets.asyncio.server import Server, ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import OPEN
from websockets.server import ServerProtocol
from websockets.typing import Subprotocol

from gateway.admission import BadRequest, is_loopback, one_header, origin_allowed, supplied_token, token_ok
from gateway.config import GatewayConfig
from gateway.errors import ShuttingDown
from gateway.http_listener import GatedConnection, GatedHttpProtocol, Listener, plain_response, text_response
from gateway.listener import Reason
from gateway.mcp import McpSession
from gateway.mcp_servers import McpServers
from gateway.metrics import Metrics
from gateway.pool import WorkerPool
from gateway.resources import WorkspaceResources
from gateway.services import Services
from gateway.sessions import Sessions
from gateway.streamable_http import StreamableHttp
from gateway.terminal_web import TerminalWeb, is_terminal_path
from shared.tasks import TaskOwner
from shared.transfer_tools import FILES_PREFIX

__all__ = ["Gateway", "StartupError", "generate_token", "is_loopback", "metrics_need_token", "run"]

logger = logging.getLogger(__name__)

LIST_CHANGED = msgspec.json.encode({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
WS_PING_INTERVAL = 30.0
WS_PING_TIMEOUT = 30.0
# Shutdown: a session is done with the gateway once it has sent nothing for this long after its last
# answer (a client's follow-up request comes within a round trip of the answer).
LINGER_QUIET = 0.5
LINGER_POLL = 0.05
CLOSE_TIMEOUT = 5.0  # for connections to close after their last response, and for our tasks to end


class StartupError(Exception):
    """The gateway cannot start; the message is the one line the operator sees."""


def listen_failure(host: str, port: int, exc: OSError) -> str:
    """The one line for an address the gateway cannot listen on: what, and how to fix it."""
    if exc.errno == errno.EADDRINUSE:
        return (f"cannot listen on {host}:{port}: the port is in use; stop what listens there, or choose another "
                "--port (0 picks a free one)")
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}:{port}: no interface of this machine has that address; check --host"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (f"cannot listen on {host}:{port}: permission denied (ports below 1024 need root or "
                "CAP_NET_BIND_SERVICE); choose another --port")
    if isinstance(exc, socket.gaierror):
        return f"cannot listen on {host}:{port}: cannot resolve --host {host!r} ({exc.strerror or exc})"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


def metrics_need_token(cfg: GatewayConfig) -> bool:
    """Whether /metrics asks for the token: on a non-loopback address, unless --metrics-public.  (Its
    numbers tell how busy the gateway is, which tools run and how sessions come and go.)"""
    return not cfg.metrics_public and not cfg.no_auth and not is_loopback(cfg.host)


class Gateway:
    """Owns the worker pool, the sessions, the listener, and every task it starts."""

    def __init__(self, cfg: GatewayConfig, isolation: str, token: str | None,
                 run_as: tuple[int, int] | None = None) -> None:
        self.cfg = cfg
        self.token = token
        self.metrics = Metrics()
        self.metrics.max_sessions.set(cfg.max_sessions)
        self.pool = WorkerPool(cfg, self.metrics, isolation, run_as)
        self.services = Services(cfg, self.metrics, self.pool)
        if cfg.resources:
            self.services.resources = WorkspaceResources(self.services)
        self.sessions = Sessions(self.services)
        self.mcp_servers = McpServers(self.services, lambda: self.sessions.broadcast(LIST_CHANGED))
        self.listener = Listener(cfg, self.metrics)
        if cfg.terminal_token is not None and token is not None and token_ok(token, cfg.terminal_token):
            raise StartupError("--terminal-token is the MCP token: every agent holds that one, and the web terminal "
                               "shows every session's terminals; give the web terminal a token of its own")
        self.terminal_web = TerminalWeb(cfg, self.pool, self.listener)
        self.http = StreamableHttp(self)
        self.server: asyncio.Server | None = None
        self.ws_server: Server | None = None
        self._http_state = ServerState()
        # Every task the gateway starts (closing connections, ending sessions, the session sweeper): a
        # failure is logged once with its traceback; cancelled at shutdown.
        self.tasks = TaskOwner(logger)
        self._closing: set[McpSession] = set()

    @property
    def draining(self) -> bool:
        return self.services.draining

    def own(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        """Run ``coro`` as a task the gateway owns: cancelled at shutdown, its failure logged."""
        self.tasks.spawn(coro, name)

    # ---- admission: both transports ---------------------------------------------------------

    def _refuse(self, conn: GatedHttpProtocol, reason: Reason, response: Response, detail: str) -> Response:
        """``response`` for a refused request, counted and logged (rate-limited) by the listener."""
        self.listener.refused(conn, reason, detail)
        return response

    def _unauthorized(self, conn: GatedHttpProtocol) -> Response:
        return self._refuse(
            conn, "auth",
            text_response(401, "unauthorized: send Authorization: Bearer <token> or ?token=<token>\n",
                          {"WWW-Authenticate": "Bearer"}),
            "401: missing or wrong token")

    def admit(self, conn: GatedHttpProtocol, path: str, query: str,
              headers: Callable[[str], list[str]]) -> Response | None:
        """The answer to a request for anything but an authorized ``/mcp`` (endpoints, 401, 403, 400,
        404), or None: go on with the MCP transport."""
        if path == "/healthz":
            return text_response(200, "ok\n")
        if path == "/readyz":
            if self.draining:
                return text_response(503, "draining: the gateway is shutting down\n")
            if self.pool.any_ready():
                return text_response(200, "ready\n")
            return text_response(503, "no worker is ready\n")
        if path == "/metrics":
            if metrics_need_token(self.cfg):
                try:
                    supplied = supplied_token(one_header(headers("Authorization"), "Authorization"), query)
                except BadRequest as exc:
                    return self._refuse(conn, "bad_request", text_response(400, f"bad request: {exc}\n"),
                                        f"400: {exc}")
                if not token_ok(self.token, supplied):
                    return self._unauthorized(conn)
            self.pool.update_gauges()
            self.metrics.pending_connections.set(self.listener.pending)
            return plain_response(200, self.metrics.render(), "text/plain; version=0.0.4; charset=utf-8")
        if path not in ("/status", "/mcp") and not path.startswith(FILES_PREFIX):
            return text_response(404, "not found: the MCP endpoint is /mcp; also /files/<path> /metrics /healthz "
                                      "/readyz /status\n")
        try:
            supplied = supplied_token(one_header(headers("Authorization"), "Authorization"), query)
            origin = one_header(headers("Origin"), "Origin")
        except BadRequest as exc:
            return self._refuse(conn, "bad_request", text_response(400, f"bad request: {exc}\n"), f"400: {exc}")
        if path == "/status":
            if not token_ok(self.token, supplied):
                return self._unauthorized(conn)
            return plain_response(200, self.status_body(), "application/json")
        if origin is not None and not origin_allowed(origin, self.cfg.allowed_origins):
            return self._refuse(
                conn, "origin",
                text_response(403, f"forbidden: Origin {origin!r} is not allowed (see --allowed-origin)\n"),
                f"403: Origin {origin[:100]!r} is not allowed (--allowed-origin)")
        if not token_ok(self.token, supplied):
            return self._unauthorized(conn)
        return None

    def session_refusal(self, conn: GatedHttpProtocol) -> Response | None:
        """The answer to a request that would open a session when none may be opened, or None."""
        if self.draining:
            return text_response(503, "the gateway is shutting down; connect to another instance\n")
        if self.sessions.full:
            n, limit = len(self.sessions), self.cfg.max_sessions
            return self._refuse(
                conn, "limit",
                text_response(503, f"too many sessions: {n} open (--max-sessions={limit}); retry later\n"),
                f"503: {n} sessions open (--max-sessions={limit})")
        return None

    def status_body(self) -> bytes:
        return msgspec.json.encode({
            "workers": self.pool.status(),
            "sessions": len(self.sessions),
            "sessions_by_transport": self.sessions.counts(),
            "pending_connections": self.listener.pending,
            "http_connections": self.listener.http_connections,
            "queue": len(self.pool.queue),
            "spare_workers": sum(h.state == "ready" for h in self.pool.spares),
            "draining": self.draining,
            "isolation": self.pool.isolation,
            "call_isolation": self.cfg.call_isolation,
            "mcp": self.mcp_servers.status(),
        })

    # ---- the WebSocket transport ------------------------------------------------------------

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        conn = connection.gate_key if isinstance(connection, GatedConnection) else None
        assert conn is not None
        path, _, query = request.path.partition("?")
        if is_terminal_path(path):
            connection.protocol.for_terminal = True  # type: ignore[attr-defined]  # see _select_subprotocol
            return self.terminal_web.admit_websocket(connection, conn, request, path, query)
        refusal = self.admit(conn, path, query, request.headers.get_all)
        if refusal is not None:
            return refusal
        return self.session_refusal(conn)

    async def _websocket(self, ws: ServerConnection) -> None:
        """websockets' connection handler: the handshake, then the session (the same steps as
        ``websockets.asyncio.server.serve`` runs, with the gate owning the handshake deadline)."""
        try:
            await ws.handshake(self.process_request, None, None)
            if ws.protocol.state is not OPEN:
                ws.transport.abort()
                return
            assert self.ws_server is not None
            self.ws_server.all_connections.add(ws)
            ws.start_keepalive()
            try:
                async with ws:
                    if is_terminal_path(ws.request.path if ws.request is not None else ""):
                        await self.terminal_web.serve_websocket(ws)
                    else:
                        await self.handle_connection(ws)
            except Exception:
                logger.error("WebSocket session failed", exc_info=True)
            finally:
                self.ws_server.all_connections.discard(ws)
        except Exception:
            # A failed handshake (websockets has answered and logged it): it must not leak its connection.
            logger.debug("WebSocket handshake failed", exc_info=True)
            ws.transport.abort()
        finally:
            self.terminal_web.release(ws)  # a web terminal viewer, admitted or not, is over
            if self.ws_server is not None:
                self.ws_server.handler_tasks.discard(asyncio.current_task())

    async def handle_connection(self, ws: ServerConnection) -> None:
        async def send(data: bytes, origin: Any, final: bool) -> None:
            if data:
                with contextlib.suppress(ConnectionClosed):
                    await ws.send(data, text=True)

        session = McpSession(self.services, self.mcp_servers, send, self.services.next_session_id())

        def end(reason: str) -> None:
            if session in self._closing:
                return
            self._closing.add(session)
            session.cancel_all()
            self.own(ws.close(1000, reason[:120]), f"close-{session.id}")

        self.sessions.add(session, end)
        self.metrics.connections.inc()
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
            self.sessions.remove(session)
            self._closing.discard(session)
            self.metrics.connections.dec()

    # ---- lifecycle ------------------------------------------------------------------------

    @property
    def sweep_interval(self) -> float:
        """How often the sweeper wakes: detection takes a small fraction of the shorter timeout."""
        cfg = self.cfg
        return min(max(min(cfg.session_idle_timeout, cfg.session_max_age) / 20, 0.05), 5.0)

    async def sweep_sessions(self) -> None:
        """The one task that expires sessions of every transport: idle past --session-idle-timeout or
        older than --session-max-age."""
        while True:
            await asyncio.sleep(self.sweep_interval)
            self.sweep(time.monotonic())

    def sweep(self, now: float) -> None:
        """End every session expired at ``now``."""
        for session, reason in self.sessions.expired(now):
            if session in self._closing:
                continue
            logger.info("closing session %s: %s", session.id, reason)
            self.sessions.end(session, reason)

    def _start_sweeper(self) -> None:
        self.tasks.spawn(self.sweep_sessions(), "session-sweeper", on_error=self._sweeper_failed)

    def _sweeper_failed(self, _task: asyncio.Task[Any], _exc: BaseException) -> None:
        # Logged with its traceback by the task owner already.  A sweeper that stopped would expire no
        # session again, so sessions would pile up to --max-sessions: it is restarted (it sleeps an
        # interval first, so a bug that fails every pass logs once per interval rather than spinning).
        if not self.draining:
            logger.error("the session sweeper failed; restarting it")
            self._start_sweeper()

    async def start(self) -> None:
        """Listen, then start the pool and the sweeper.  Raises ``StartupError`` (one line for the
        operator) when the address cannot be listened on."""
        cfg = self.cfg
        config = Config(
            self.http, http=GatedHttpProtocol, ws="none", lifespan="off", log_config=None, access_log=False,
            proxy_headers=False, server_header=False, date_header=False,
            # Idle kept-alive connections close after this; a request's head has --open-timeout.
            timeout_keep_alive=int(max(1, round(cfg.keepalive_timeout))),
        )
        config.load()
        config.timeout_keep_alive = cfg.keepalive_timeout  # type: ignore[assignment]  # a float works
        factory = self.listener.protocol_factory(config, self._http_state)
        loop = asyncio.get_running_loop()
        try:
            listening = await loop.create_server(factory, cfg.host, cfg.port, backlog=cfg.listen_backlog)
        except OSError as exc:
            raise StartupError(listen_failure(cfg.host, cfg.port, exc)) from None

        async def already_listening() -> asyncio.Server:
            return listening

        # websockets' Server tracks the WebSocket connections and their handler tasks (and closes them
        # with 1001 at shutdown); the listening socket is ours, so it is handed one already serving.
        self.ws_server = Server(already_listening, self._websocket)
        await self.ws_server
        self.server = listening

        def websocket_protocol() -> ServerProtocol:
            return ServerProtocol(subprotocols=["mcp"], max_size=cfg.max_message_size,  # type: ignore[list-item]
                                  select_subprotocol=_select_subprotocol, logger=logging.getLogger("websockets.server"))

        self.listener.serve_websockets(self.ws_server, websocket_protocol, {
            "ping_interval": WS_PING_INTERVAL, "ping_timeout": WS_PING_TIMEOUT, "close_timeout": 10,
            "max_queue": 16, "write_limit": 2**15})
        await self.pool.start()
        self._start_sweeper()

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    def every_session(self) -> set[McpSession]:
        """Every session with calls that may run: the registered ones and the Streamable HTTP transport's
        transient ones (a stateless request without a handle is a session of its own)."""
        return {*self.sessions, *self.http.sessions()}

    def inflight_calls(self) -> int:
        return sum(len(s.inflight) for s in self.every_session())

    async def shutdown(self) -> None:
        """Drain, in this order:

        1. readiness 503; new sessions are refused (503) and new calls answered -32002, while the sessions
           that are open go on being served otherwise (tools/list, ping, DELETE, ...);
        2. calls in flight get up to --shutdown-grace to finish; the rest are answered -32002 and stopped;
        3. linger (``linger``): after the last answer, clients may still need their session to finish
           with it (the official SDKs list the tools to validate a result before returning it) or to end it;
        4. stop listening, end the Streamable HTTP sessions and streams, close every connection once its
           response is written (WebSocket: close code 1001) and wait for them (bounded);
        5. stop the managed MCP servers and every worker.
        """
        self.services.draining = True
        running = [t for s in self.every_session() for t in s.inflight.values() if t is not None]
        logger.info("draining: %d calls in flight, up to %g s grace", len(running), self.cfg.shutdown_grace)
        if running:
            await asyncio.wait(running, timeout=self.cfg.shutdown_grace)
        for session in self.every_session():
            await session.abort(ShuttingDown("the gateway is shutting down; the call was stopped"))
        await self.linger()
        if self.server is not None:
            self.server.close()  # new connections are refused from now on: clients go elsewhere at once
        self.listener.close_all()
        self.http.end_all("the gateway is shutting down")
        for conn in list(self._http_state.connections):
            conn.shutdown()  # closes an idle kept-alive connection now, a busy one after its response
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CLOSE_TIMEOUT):
                if self.ws_server is not None:
                    self.ws_server.close(close_connections=True)
                    await self.ws_server.wait_closed()
                # uvicorn signals no connection's close but by leaving this set: polled, bounded above
                while self._http_state.connections:  # noqa: ASYNC110
                    await asyncio.sleep(LINGER_POLL)
        await self.mcp_servers.close()
        if self.services.resources is not None:
            self.services.resources.watcher.close()
        await self.pool.close()
        tasks = self.tasks.cancel_all()
        if tasks:
            await asyncio.wait(tasks, timeout=CLOSE_TIMEOUT)

    async def linger(self) -> None:
        """Serve the open sessions (no new calls) until they are quiet: no message for ``LINGER_QUIET``
        seconds and no HTTP request answered meanwhile (stateless clients have no session to tell); or
        until --shutdown-linger has passed.

        Closing right after the last answer breaks clients that still need the session to finish with
        it: the MCP SDKs' ``call_tool`` lists the tools to validate the result before returning it, and
        fails the call with "Connection closed" when that request finds the connection gone."""
        loop = asyncio.get_running_loop()
        until = loop.time() + self.cfg.shutdown_linger
        while loop.time() < until:
            now = time.monotonic()
            if self.http.quiet_for(now) >= LINGER_QUIET and all(
                    now - s.last_activity >= LINGER_QUIET and not s.inflight for s in self.every_session()):
                return
            await asyncio.sleep(LINGER_POLL)


def _select_subprotocol(protocol: ServerProtocol, offered: Sequence[Subprotocol]) -> Subprotocol | None:
    """``mcp`` for MCP sessions, as websockets negotiates it (a client that does not offer it gets 400); none
    for the web terminal, whose browser page offers none (``process_request`` marks its connections)."""
    if getattr(protocol, "for_terminal", False):
        return None
    return ServerProtocol.select_subprotocol(protocol, offered)


async def run(cfg: GatewayConfig, isolation: str, token: str | None, on_ready: Any = None,
              run_as: tuple[int, int] | None = None) -> None:
    gw = Gateway(cfg, isolation, token, run_as)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await gw.start()
    except StartupError:
        await gw.pool.close()
        raise
    if on_ready is not None:
        on_ready(gw)
    try:
        await stop.wait()
    finally:
        await gw.shutdown()
    logger.info("stopped")


def generate_token() -> str:
    return secrets.token_urlsafe(32)
