"""The gateway process: WebSocket MCP endpoint, HTTP endpoints, lifecycle and graceful shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import http
import ipaddress
import itertools
import logging
import secrets
import signal
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from gateway.config import GatewayConfig
from gateway.errors import ShuttingDown
from gateway.mcp import McpSession
from gateway.mcp_servers import McpServers
from gateway.metrics import Metrics
from gateway.pool import WorkerPool

__all__ = ["Gateway", "is_loopback"]

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

    def next_call_id(self) -> int:
        return next(self._ids)

    def next_job_id(self) -> str:
        return f"job-{next(self._job_ids)}"

    # ---- HTTP before the upgrade ----------------------------------------------------------

    def _authorized(self, request: Request) -> bool:
        if self.token is None:
            return True
        supplied = ""
        auth = request.headers.get("Authorization", "")
        if auth[:7].lower() == "bearer ":
            supplied = auth[7:].strip()
        else:
            query = request.path.partition("?")[2]
            supplied = (parse_qs(query).get("token") or [""])[0]
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
            return _response(200, self.metrics.render(), "text/plain; version=0.0.4; charset=utf-8")
        if path == "/status":
            if not self._authorized(request):
                return _text(401, "unauthorized: send Authorization: Bearer <token> or ?token=<token>\n",
                             {"WWW-Authenticate": "Bearer"})
            body = msgspec.json.encode({
                "workers": self.pool.status(),
                "sessions": len(self.sessions),
                "queue": len(self.pool.queue),
                "spare_workers": sum(h.state == "ready" for h in self.pool.spares),
                "draining": self.draining,
                "isolation": self.pool.isolation,
                "mcp": self.mcp_servers.status(),
            })
            return _response(200, body, "application/json")
        if path != "/mcp":
            return _text(404, "not found: the MCP endpoint is /mcp; also /metrics /healthz /readyz /status\n")
        origin = request.headers.get("Origin")
        if origin is not None and not self._origin_allowed(origin):
            return _text(403, f"forbidden: Origin {origin!r} is not allowed (see --allowed-origin)\n")
        if not self._authorized(request):
            return _text(401, "unauthorized: send Authorization: Bearer <token> or ?token=<token>\n",
                         {"WWW-Authenticate": "Bearer"})
        if self.draining:
            return _text(503, "the gateway is shutting down; connect to another instance\n")
        if len(self.sessions) >= self.cfg.max_sessions:
            return _text(503, f"too many sessions: {len(self.sessions)} open (--max-sessions="
                              f"{self.cfg.max_sessions}); retry later\n")
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
            open_timeout=self.cfg.open_timeout,
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
