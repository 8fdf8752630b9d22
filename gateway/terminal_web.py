"""The web terminal: people watch the agents' terminals in a browser, and type into them with --terminal-write.

Routes, on the gateway's one listener (``StreamableHttp`` hands ``/terminal...`` requests here, the
server hands WebSocket upgrades of ``/terminal/ws`` to ``admit_websocket`` and ``serve_websocket``):

* ``GET /terminal``: every session's terminals, and a viewer (xterm.js) for the one named in the
  page's fragment (``/terminal#term-3``).  It needs the web terminal's own token (--terminal-token or
  SANDBOX_TERMINAL_TOKEN), never the MCP token: every agent holds that one, and the page shows every
  session's terminals, so the MCP token would let one session watch (and with --terminal-write type
  into) another's.  Without a terminal token the web terminal is off (404), unless --no-auth (then
  nothing is asked, as for /mcp).  The token goes as ``Authorization: Bearer T``; or
  ``/terminal?token=T`` once, answered ``303`` to ``/terminal`` with a cookie, so the token leaves the
  address bar; or the login form the page shows without it (``POST /terminal``, the
  token in the body).  The cookie (``sandbox_terminal``: HttpOnly, SameSite=Strict, Path=/terminal,
  ``COOKIE_MAX_AGE``) is an HMAC of its expiry under a key made when the gateway starts: not the
  token, worthless after a restart, and never readable by a page's scripts.
* ``GET /terminal/static/NAME``: the page's script and style and the vendored xterm.js
  (``XTERM_VERSION``, its MIT license in ``xterm.LICENSE``): public files, no data, no CDN.
* WebSocket ``/terminal/ws``: the cookie that the browser sends with the upgrade (or the token as for
  ``/mcp``), the same Origin rule as ``/mcp`` (loopback or --allowed-origin), at most
  --max-terminal-viewers at once.  The client's first message is ``{"attach": "term-N"}``; then the
  server's binary messages are the terminal's raw output and its text messages JSON events (``hello``,
  ``size``, ``status``, ``dropped``, ``ended``, ``error``); the client acknowledges what it has drawn
  with ``{"ack": OFFSET}`` and types with binary messages, forwarded only with --terminal-write (read
  only by default: refused with an ``error`` event).

How the output gets here: the gateway asks the terminal's worker for a watch (``TerminalWatch``); the
worker sends the ring's bytes (``TerminalOutput``) at most ``WINDOW`` bytes past the last
acknowledgement, and the gateway passes an acknowledgement on only when the browser has drawn the
bytes.  So a viewer holds at most ``WINDOW`` bytes in the gateway, a slow one slows only itself, and
one that falls behind the terminal's ring is told how much it missed (``dropped``).

Nothing here logs a request's query, headers or body: the token travels there.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import hmac
import html
import itertools
import json
import logging
import secrets
import struct
import time
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from gateway.admission import BadRequest, one_header, origin_allowed, supplied_token, token_ok
from gateway.config import GatewayConfig
from gateway.http_listener import GatedHttpProtocol, Listener, plain_response, text_response
from gateway.pool import TerminalRecord, WorkerPool
from gateway.supervisor import WorkerState
from shared import protocol as p

__all__ = ["COOKIE", "OFF", "WINDOW", "XTERM_VERSION", "TerminalWeb", "is_terminal_path"]

logger = logging.getLogger(__name__)

XTERM_VERSION = "6.0.0"  # npm @xterm/xterm: lib/xterm.js and css/xterm.css, unchanged
COOKIE = "sandbox_terminal"
COOKIE_MAX_AGE = 12 * 3600
WINDOW = 256 * 1024  # output bytes a viewer may have in flight, not yet drawn by its browser
ATTACH_TIMEOUT = 10.0  # seconds a new WebSocket has to say which terminal it watches
MAX_TYPED = 64 * 1024  # one message of typing
MAX_FORM = 4096  # the login form's body
MAX_QUEUED = 64  # messages waiting for a slow viewer past which those without output are dropped
WS_PATH = "/terminal/ws"
STATIC = {
    "xterm.js": "text/javascript; charset=utf-8",
    "xterm.css": "text/css; charset=utf-8",
    "xterm.LICENSE": "text/plain; charset=utf-8",
    "terminal.js": "text/javascript; charset=utf-8",
    "terminal.css": "text/css; charset=utf-8",
}
# The page loads nothing but its own files and talks to nothing but this listener; xterm.js sets
# styles from its script (its themes), hence 'unsafe-inline' for styles only.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make the login form post Origin: null
    "Cache-Control": "no-store",
}

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
_EXPIRY = struct.Struct(">Q")


OFF = ("not found: the web terminal is off; start the gateway with --terminal-token (or SANDBOX_TERMINAL_TOKEN), "
       "a token for the people who watch, not the MCP token every agent holds\n")


def is_terminal_path(path: str) -> bool:
    return path == "/terminal" or path.startswith("/terminal/")


class TerminalWeb:
    """The web terminal's routes; ``viewers`` WebSockets are open (at most --max-terminal-viewers)."""

    @property
    def viewers(self) -> int:
        return len(self._viewers)

    def __init__(self, cfg: GatewayConfig, pool: WorkerPool, listener: Listener) -> None:
        self.cfg = cfg
        self.token = cfg.terminal_token  # None: open under --no-auth, else off
        self.enabled = cfg.terminal_token is not None or cfg.no_auth
        self.pool = pool
        self.listener = listener
        self._viewers: set[ServerConnection] = set()  # admitted, until they end
        self._key = secrets.token_bytes(32)
        self._watch_ids = itertools.count(1)
        self._static: dict[str, bytes] = {}

    # ---- who may look -----------------------------------------------------------------------

    def _cookie_value(self, now: float) -> str:
        expiry = _EXPIRY.pack(int(now) + COOKIE_MAX_AGE)
        mac = hmac.new(self._key, expiry, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(expiry + mac).decode().rstrip("=")

    def _cookie_ok(self, cookie_headers: list[str], now: float) -> bool:
        for header in cookie_headers:
            for part in header.split(";"):
                name, _, value = part.strip().partition("=")
                if name != COOKIE:
                    continue
                try:
                    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
                except ValueError:
                    continue
                if len(raw) != _EXPIRY.size + 32:
                    continue
                expiry, mac = raw[: _EXPIRY.size], raw[_EXPIRY.size :]
                if hmac.compare_digest(mac, hmac.new(self._key, expiry, hashlib.sha256).digest()) \
                        and _EXPIRY.unpack(expiry)[0] > now:
                    return True
        return False

    def _set_cookie(self, now: float) -> str:
        return (f"{COOKIE}={self._cookie_value(now)}; Path=/terminal; Max-Age={COOKIE_MAX_AGE}; HttpOnly; "
                "SameSite=Strict")

    def _authenticated(self, supplied: str, cookies: list[str]) -> bool:
        if self.token is None:
            return True
        if supplied:
            return token_ok(self.token, supplied)
        return self._cookie_ok(cookies, time.time())

    # ---- HTTP -----------------------------------------------------------------------------------

    async def serve_http(self, conn: GatedHttpProtocol, scope: Scope, receive: Receive, send: Send,
                         headers: Callable[[str], list[str]]) -> None:
        path, method = scope["path"], scope["method"]
        query = scope.get("query_string", b"").decode("latin-1")
        if not self.enabled:
            await _respond(send, text_response(404, OFF))
            return
        if path.startswith("/terminal/static/"):
            await _respond(send, self._static_file(path.removeprefix("/terminal/static/")))
            return
        if path != "/terminal":
            await _respond(send, text_response(404, "not found: the web terminal is /terminal\n"))
            return
        try:
            authorization = one_header(headers("Authorization"), "Authorization")
            supplied = supplied_token(authorization, query)
            origin = one_header(headers("Origin"), "Origin")
        except BadRequest as exc:
            self.listener.refused(conn, "bad_request", f"400: {exc}")
            await _respond(send, text_response(400, f"bad request: {exc}\n"))
            return
        if origin is not None and not origin_allowed(origin, self.cfg.allowed_origins):
            self.listener.refused(conn, "origin", f"403: Origin {origin[:100]!r} is not allowed (--allowed-origin)")
            await _respond(send, text_response(403, f"forbidden: Origin {origin!r} is not allowed (see "
                                                    "--allowed-origin)\n"))
            return
        if method == "POST":
            from_form = await _form_token(receive)
            if from_form is None:
                await _respond(send, text_response(413, "the login form takes a token, nothing larger\n"))
                return
            supplied = from_form
        elif method != "GET":
            await _respond(send, text_response(405, "method not allowed: GET or POST /terminal\n",
                                               {"Allow": "GET, POST"}))
            return
        if not self._authenticated(supplied, headers("Cookie")):
            self.listener.refused(conn, "auth", "401: missing or wrong token (web terminal)")
            await _respond(send, self._login_page(wrong=bool(supplied)))
            return
        now = time.time()
        if supplied and (method == "POST" or authorization is None):
            # The token came in the query or the form: a cookie instead, and a clean address.
            await _respond(send, plain_response(303, b"", "text/plain", {
                "Location": "/terminal", "Set-Cookie": self._set_cookie(now), **SECURITY_HEADERS}))
            return
        extra = {"Set-Cookie": self._set_cookie(now)} if supplied and self.token is not None else {}
        await _respond(send, plain_response(200, self._page().encode(), "text/html; charset=utf-8",
                                            {**SECURITY_HEADERS, **extra}))

    def _static_file(self, name: str) -> Response:
        if name not in STATIC:
            return text_response(404, "not found\n")
        body = self._static.get(name)
        if body is None:
            body = self._static[name] = resources.files("gateway").joinpath("static", name).read_bytes()
        return plain_response(200, body, STATIC[name], {"Cache-Control": "public, max-age=3600",
                                                        "X-Content-Type-Options": "nosniff"})

    def _login_page(self, wrong: bool) -> Response:
        note = "<p class=error>That token is wrong.</p>" if wrong else ""
        body = _PAGE.format(title="sandbox-gateway: terminals", body=f"""
<h1>Terminals</h1>{note}
<p>The web terminal needs its own token (--terminal-token), not the one MCP clients send.</p>
<form method=post action=/terminal><label>Token <input type=password name=token autocomplete=off autofocus
required></label> <button type=submit>Open</button></form>""", writable="false")
        return plain_response(401, body.encode(), "text/html; charset=utf-8",
                              {**SECURITY_HEADERS, "WWW-Authenticate": "Bearer"})

    def _page(self) -> str:
        now = time.monotonic()
        rows = []
        for record in sorted(self.pool.terminals.values(), key=lambda r: r.started):
            code = "" if record.exit_code is None else f" ({record.exit_code})"
            tid = html.escape(record.terminal_id)
            rows.append(
                f"<tr><td><a href='#{tid}'>{tid}</a></td><td>{html.escape(record.session)}</td>"
                f"<td class=status>{html.escape(record.status)}{code}</td><td>{round(now - record.started)} s</td>"
                f"<td><code>{html.escape(record.command[:200])}</code></td></tr>")
        table = ("<table id=terminals><thead><tr><th>terminal</th><th>session</th><th>status</th><th>age</th>"
                 "<th>command</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>") if rows else \
            "<p id=terminals>No terminals yet: agents start them with the terminal_start tool.</p>"
        mode = ("you can type into them (--terminal-write)" if self.cfg.terminal_write
                else "read-only: start the gateway with --terminal-write to type")
        return _PAGE.format(title="sandbox-gateway: terminals", writable=str(self.cfg.terminal_write).lower(),
                            body=f"""
<h1>Terminals</h1>
<p class=mode>Every session's terminals; {mode}. <a href=/terminal>Refresh the list</a></p>
{table}
<p id=status>Choose a terminal to watch.</p>
<div id=terminal></div>
<script src=/terminal/static/xterm.js></script>
<script src=/terminal/static/terminal.js></script>""")

    # ---- the WebSocket ---------------------------------------------------------------------------

    def admit_websocket(self, connection: ServerConnection, conn: GatedHttpProtocol, request: Request, path: str,
                        query: str) -> Response | None:
        """The answer to a WebSocket upgrade of a /terminal path that may not be opened, or None (then the
        connection counts as a viewer until ``serve_websocket`` ends or ``release`` is called)."""
        if not self.enabled:
            return text_response(404, OFF)
        if path != WS_PATH:
            return text_response(404, f"not found: the web terminal's WebSocket is {WS_PATH}\n")
        try:
            supplied = supplied_token(one_header(request.headers.get_all("Authorization"), "Authorization"), query)
            origin = one_header(request.headers.get_all("Origin"), "Origin")
        except BadRequest as exc:
            self.listener.refused(conn, "bad_request", f"400: {exc}")
            return text_response(400, f"bad request: {exc}\n")
        if origin is not None and not origin_allowed(origin, self.cfg.allowed_origins):
            self.listener.refused(conn, "origin", f"403: Origin {origin[:100]!r} is not allowed (--allowed-origin)")
            return text_response(403, f"forbidden: Origin {origin!r} is not allowed (see --allowed-origin)\n")
        if not self._authenticated(supplied, request.headers.get_all("Cookie")):
            self.listener.refused(conn, "auth", "401: missing or wrong token (web terminal)")
            return text_response(401, "unauthorized: open /terminal and log in, or send the token\n",
                                 {"WWW-Authenticate": "Bearer"})
        if self.viewers >= self.cfg.max_terminal_viewers:
            limit = self.cfg.max_terminal_viewers
            self.listener.refused(conn, "limit", f"503: {limit} web terminal viewers (--max-terminal-viewers)")
            return text_response(503, f"too many web terminal viewers: {limit} open (--max-terminal-viewers="
                                      f"{limit}); retry later\n", {"Retry-After": "1"})
        self._viewers.add(connection)  # counted from admission: a burst of upgrades cannot pass the limit together
        return None

    def release(self, connection: ServerConnection) -> None:
        """An admitted upgrade that did not open (websockets refused it, or the client left)."""
        self._viewers.discard(connection)

    async def serve_websocket(self, ws: ServerConnection) -> None:
        """One viewer, from its attach message to its end (or the terminal's); admitted already."""
        try:
            await self._serve(ws)
        except ConnectionClosed:
            pass
        finally:
            self._viewers.discard(ws)

    async def _serve(self, ws: ServerConnection) -> None:
        try:
            async with asyncio.timeout(ATTACH_TIMEOUT):
                first = await ws.recv()
        except TimeoutError:
            await ws.close(1008, "no attach message")
            return
        terminal_id = _attach_target(first)
        record = self.pool.terminals.get(terminal_id) if terminal_id else None
        if record is None or record.status == "lost" or record.worker.state is not WorkerState.READY:
            reason = "no such terminal" if record is None else f"terminal {record.terminal_id} was lost"
            await _event(ws, "error", message=f"{reason}; the list at /terminal shows the terminals")
            await ws.close(1008, reason[:120])
            return
        watch = next(self._watch_ids)
        queue: asyncio.Queue[p.TerminalOutput | p.TerminalEnded | None] = asyncio.Queue()
        worker = record.worker
        self.pool.terminal_streams[watch] = (worker, functools.partial(_deliver, queue))
        worker.send(p.TerminalWatch(watch=watch, terminal_id=record.terminal_id, window=WINDOW))
        await _event(ws, "hello", terminal_id=record.terminal_id, session=record.session, command=record.command,
                     writable=self.cfg.terminal_write)
        reader = asyncio.get_running_loop().create_task(self._from_browser(ws, record, watch, queue))
        try:
            await self._to_browser(ws, queue)
        finally:
            reader.cancel()
            await asyncio.wait([reader])  # without raising its end; our own cancellation still does
            if not reader.cancelled() and reader.exception() is not None:
                logger.warning("web terminal %s: reading the browser failed: %r", record.terminal_id,
                               reader.exception())
            self.pool.terminal_streams.pop(watch, None)
            if worker.state is WorkerState.READY:
                worker.send(p.TerminalUnwatch(watch=watch))

    async def _to_browser(self, ws: ServerConnection, queue: asyncio.Queue[Any]) -> None:
        size = (0, 0)
        status: tuple[str, int | None] = ("running", None)
        while True:
            msg = await queue.get()
            if msg is None:  # the browser left
                return
            if isinstance(msg, p.TerminalEnded):
                await _event(ws, "ended", reason=msg.reason)
                await ws.close(1000, "the terminal ended")
                return
            if (msg.cols, msg.rows) != size:
                size = (msg.cols, msg.rows)
                await _event(ws, "size", cols=msg.cols, rows=msg.rows, offset=msg.offset)
            if msg.dropped:
                await _event(ws, "dropped", bytes=msg.dropped, offset=msg.offset)
            if msg.data:
                await ws.send(msg.data)  # waits while the connection's buffer is over its limit
            if (msg.status, msg.exit_code) != status:
                status = (msg.status, msg.exit_code)
                await _event(ws, "status", status=msg.status, exit_code=msg.exit_code)

    async def _from_browser(self, ws: ServerConnection, record: TerminalRecord, watch: int,
                            queue: asyncio.Queue[Any]) -> None:
        """Acknowledgements and typing from the browser; ends the viewer when the browser leaves."""
        refused_at = -1.0
        try:
            async for message in ws:
                worker = record.worker
                if isinstance(message, str):
                    offset = _ack_offset(message)
                    if offset is not None and worker.state is WorkerState.READY:
                        worker.send(p.TerminalAck(watch=watch, offset=offset))
                    continue
                if not self.cfg.terminal_write:
                    now = time.monotonic()
                    if now - refused_at > 1.0:  # once a second at most, however fast it types
                        refused_at = now
                        await _event(ws, "error", message="read-only: typing is off; the gateway's operator "
                                                          "can allow it with --terminal-write")
                    continue
                if len(message) <= MAX_TYPED and worker.state is WorkerState.READY:
                    worker.send(p.TerminalInput(watch=watch, data=bytes(message)))
        except ConnectionClosed:
            pass
        finally:
            queue.put_nowait(None)


def _deliver(queue: asyncio.Queue[Any], msg: p.TerminalOutput | p.TerminalEnded) -> None:
    """Queue a message from the worker for the viewer.  Output is bounded by the window; messages without
    output (the size after each resize) are dropped once the viewer is far behind: every output message
    repeats the size and status."""
    if isinstance(msg, p.TerminalOutput) and not msg.data and not msg.dropped and queue.qsize() >= MAX_QUEUED:
        return
    queue.put_nowait(msg)


def _attach_target(message: str | bytes) -> str | None:
    if not isinstance(message, str) or len(message) > 1024:
        return None
    with contextlib.suppress(ValueError):
        decoded = json.loads(message)
        if isinstance(decoded, dict) and isinstance(decoded.get("attach"), str):
            return str(decoded["attach"])
    return None


def _ack_offset(message: str) -> int | None:
    if len(message) > 256:
        return None
    with contextlib.suppress(ValueError):
        decoded = json.loads(message)
        if isinstance(decoded, dict) and isinstance(decoded.get("ack"), int) and decoded["ack"] >= 0:
            return int(decoded["ack"])
    return None


async def _event(ws: ServerConnection, kind: str, **fields: Any) -> None:
    await ws.send(json.dumps({"type": kind, **fields}))


async def _form_token(receive: Receive) -> str | None:
    """The ``token`` field of a login form's body ("" without one), or None for a body over ``MAX_FORM``."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return ""
        body += message.get("body", b"")
        if len(body) > MAX_FORM:
            return None
        if not message.get("more_body", False):
            break
    fields = parse_qs(body.decode("latin-1"))
    tokens = fields.get("token") or [""]
    return tokens[0] if len(tokens) == 1 else ""


async def _respond(send: Send, response: Response) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.raw_items()]
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


_PAGE = """<!doctype html>
<html lang=en><head><meta charset=utf-8><title>{title}</title>
<meta name=viewport content="width=device-width, initial-scale=1">
<link rel=icon href="data:,"><link rel=stylesheet href=/terminal/static/xterm.css>
<link rel=stylesheet href=/terminal/static/terminal.css>
</head><body data-writable={writable}>{body}
</body></html>
"""
