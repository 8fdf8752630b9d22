"""The MCP session core: JSON-RPC 2.0 and the MCP lifecycle of one client, whatever carries it.

``McpSession`` knows nothing of WebSocket or HTTP (websockets' ``Protocol``/``Connection`` split): a
transport feeds it decoded messages, and it hands every message it sends to the transport's ``sink``
together with the key of the request it belongs to (None for a notification of its own, such as
``notifications/tools/list_changed``), so a transport that answers each request on its own stream
(Streamable HTTP) can route it.  Every request id gets exactly one answer: all answers go through
``_answer``, which sends at most once per id in flight.  Each ``tools/call`` is a task the session
owns; a transport that loses its client calls ``cancel_all``.

Protocol revisions, negotiated per session:

* 2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25: the ``initialize`` handshake.  Requests other than
  ``ping`` before it are refused, on every transport; a second ``initialize`` is refused; JSON-RPC
  batches (arrays) are accepted only where 2025-03-26 was negotiated, the one revision that requires
  them.
* 2026-07-28 (stateless): no handshake.  Each request carries the protocol version, the client's
  capabilities and info in ``params._meta`` (``io.modelcontextprotocol/...``); ``server/discover``
  tells the versions and capabilities; results carry ``resultType``, list results ``ttlMs`` and
  ``cacheScope``.  A version the gateway does not speak gets ``UnsupportedProtocolVersion`` (-32022).
  Cross-call state (``bash``'s working directory and environment, background jobs) lives in a
  server-issued *session handle*: see ``SESSION_HANDLE_META`` and README's "Stateless clients".
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import msgspec

import gateway
import shared.toolset  # noqa: F401  (registers every tool family)
from gateway.errors import (
    GatewayError,
    InvalidParams,
    InvalidRequest,
    LimitExceeded,
    MethodNotFound,
    ParseError,
    ShuttingDown,
    UnsupportedProtocolVersion,
)
from gateway.mcp_servers import McpServers
from gateway.pool import PendingCall
from gateway.services import Services
from shared import protocol as p
from shared.mcp_server_tools import SERVER_TOOL_NAMES
from shared.tasks import TaskOwner
from shared.terminal_tools import ROUTED_TO_TERMINAL
from shared.tools import TOOLS, ToolArgsError, call_result_for, validate_args

__all__ = [
    "CLIENT_CAPABILITIES_META",
    "CLIENT_INFO_META",
    "HANDSHAKE_PROTOCOL_VERSIONS",
    "LATEST_HANDSHAKE_VERSION",
    "LATEST_PROTOCOL_VERSION",
    "PROTOCOL_VERSION_META",
    "SESSION_ARGUMENT",
    "SESSION_HANDLE_META",
    "SESSION_HEADER_TOKEN",
    "STATELESS_PROTOCOL_VERSIONS",
    "SUPPORTED_PROTOCOL_VERSIONS",
    "McpSession",
    "Phase",
    "RateBucket",
    "RequestKey",
    "Sink",
    "envelope_version",
    "request_key",
]

logger = logging.getLogger(__name__)

HANDSHAKE_PROTOCOL_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
STATELESS_PROTOCOL_VERSIONS = ("2026-07-28",)
SUPPORTED_PROTOCOL_VERSIONS = HANDSHAKE_PROTOCOL_VERSIONS + STATELESS_PROTOCOL_VERSIONS
LATEST_PROTOCOL_VERSION = SUPPORTED_PROTOCOL_VERSIONS[-1]
# What ``initialize`` answers a version it does not know with (2026-07-28 has no initialize).
LATEST_HANDSHAKE_VERSION = HANDSHAKE_PROTOCOL_VERSIONS[-1]
BATCH_VERSION = "2025-03-26"

PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion"
CLIENT_CAPABILITIES_META = "io.modelcontextprotocol/clientCapabilities"
CLIENT_INFO_META = "io.modelcontextprotocol/clientInfo"
SERVER_INFO_META = "io.modelcontextprotocol/serverInfo"
# The stateless revision's cross-call state: the handle of a server-side session, returned in a
# result's _meta under this key (and once in its text), accepted back as the tool argument "session"
# or under the same _meta key.
SESSION_HANDLE_META = "sandbox-gateway/session"
SESSION_ARGUMENT = "session"
# ... which 2026-07-28 clients also send as the HTTP header Mcp-Param-Session (the schema's x-mcp-header
# annotation asks them to), so a proxy in front of several gateways can route by it.
SESSION_HEADER_TOKEN = "Session"

# Cache hints of the stateless revision (ttlMs, cacheScope).  Every client sees the same tools and the
# same versions, so both are "public"; the tool list changes when a managed MCP server starts or stops.
DISCOVER_TTL_MS = 3_600_000
TOOLS_TTL_MS = 300_000
TOOLS_TTL_MS_WITH_SERVERS = 0
TEMPLATES_TTL_MS = 3_600_000  # resources/templates/list never changes; the files do (their ttlMs: 0, private)
# resources/* are served like calls (a task each, the same per-session limits) unless --no-resources
RESOURCE_METHODS = frozenset({"resources/templates/list", "resources/list", "resources/read", "resources/subscribe",
                              "resources/unsubscribe", "subscriptions/listen"})
SUBSCRIPTION_ID_META = "io.modelcontextprotocol/subscriptionId"

SERVER_INFO = {"name": "sandbox-gateway", "version": gateway.__version__}
INSTRUCTIONS = "Tools run in an isolated sandbox workspace; every call has a hard deadline."

_json_decode = msgspec.json.Decoder().decode
_json_encode = msgspec.json.Encoder().encode

RequestKey = tuple[type, Any]
# sink(data, origin, final): ``origin`` is what the transport passed to ``feed_message`` with the request
# this message answers or reports on (None for a message of the session's own); ``final`` marks the one
# answer that ends what that feed started (a response, an error, a batch's array); an empty final message
# says no answer will come (the request was cancelled).
Sink = Callable[[bytes, Any, bool], Coroutine[Any, Any, None]]


def request_key(request_id: Any) -> RequestKey:
    """A dict key for a request id: 1 and "1" are different requests (and True is not 1)."""
    return (type(request_id), request_id)


def envelope_version(msg: Any) -> Any:
    """The protocol version a stateless (2026-07-28) request carries in ``params._meta``, or None."""
    if not isinstance(msg, dict):
        return None
    params = msg.get("params")
    if not isinstance(params, dict):
        return None
    meta = params.get("_meta")
    if not isinstance(meta, dict):
        return None
    return meta.get(PROTOCOL_VERSION_META)


class Phase(enum.Enum):
    """Where a session is in its lifecycle; changed only through ``McpSession.phase``."""

    NEW = "new"  # nothing but ping, initialize or a stateless request yet
    INITIALIZED = "initialized"  # initialize answered: a handshake revision
    STATELESS = "stateless"  # serving 2026-07-28 requests, each with its own envelope


class RateBucket:
    """The --rate-limit token bucket of a session (or of every stateless request without a session
    handle: they share one, so leaving the handle out does not lift the limit)."""

    __slots__ = ("at", "tokens")

    def __init__(self, burst: int, now: float) -> None:
        self.tokens = float(burst)
        self.at = now

    def take(self, rate: float, burst: int, now: float) -> bool:
        self.tokens = min(float(burst), self.tokens + (now - self.at) * rate)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class _Batch:
    """Answers to one JSON-RPC batch, sent together as one array once every request is answered."""

    __slots__ = ("answers", "dispatching", "origin", "waiting")

    def __init__(self, origin: Any) -> None:
        self.waiting: set[RequestKey] = set()
        self.answers: list[dict[str, Any]] = []
        self.origin = origin
        self.dispatching = True  # its items are still being fed: not complete whatever is answered

    @property
    def complete(self) -> bool:
        return not self.dispatching and not self.waiting


class McpSession:
    """One client's MCP state: lifecycle phase, negotiated version, shell state, calls in flight.

    ``sink(data, origin, final)`` sends one encoded message (see ``Sink``).  The session owns the tasks that run its
    ``tools/call`` requests and the tasks that send notifications from synchronous code (one
    ``shared.tasks.TaskOwner``, made on first use: a failure of either is logged once with its traceback);
    both are cancelled by ``cancel_all``.  ``keep`` (stateless transports only) is asked to keep this session
    once a call leaves state in it, and returns the handle it is kept under, or None.
    """

    # One per session, a thousand idle ones are normal: slots keep each a few hundred bytes smaller.
    __slots__ = ("_batches", "_bucket", "_keep", "_origins", "_phase",
                 "_sink", "_tasks", "calls_in_flight", "client_capabilities", "client_info", "created", "handle",
                 "handle_announced", "handles", "id", "inflight", "last_activity", "mcp_servers", "protocol_version",
                 "services", "shell_state", "transport", "unsent")

    def __init__(self, services: Services, mcp_servers: McpServers, sink: Sink, session_id: str, *,
                 transport: str = "websocket", handles: bool = False,
                 keep: Callable[[McpSession], str | None] | None = None, bucket: RateBucket | None = None) -> None:
        self.services = services
        self.mcp_servers = mcp_servers
        self._sink = sink
        self.unsent = 0  # bytes handed to the sink whose send has not returned (the client has not taken them)
        self.id = session_id
        self.transport = transport
        self.handle: str | None = None  # Mcp-Session-Id or stateless handle, given by the transport
        self.handles = handles  # a stateless HTTP client: offer and accept session handles
        self.handle_announced = False  # the handle has been told in a result's text
        self._keep = keep
        self._phase = Phase.NEW
        self.protocol_version: str | None = None
        self.client_info: dict[str, Any] = {}
        self.client_capabilities: dict[str, Any] = {}
        self.shell_state: p.SessionState | None = None
        self.inflight: dict[RequestKey, asyncio.Task[None] | None] = {}
        self._origins: dict[RequestKey, Any] = {}  # where each request in flight came from (if not None)
        self._batches: dict[RequestKey, _Batch] = {}
        self._tasks: TaskOwner | None = None  # made on first use (most sessions of a flood never call)
        self.last_activity = time.monotonic()
        self.created = self.last_activity
        self.calls_in_flight = 0
        self._bucket = bucket if bucket is not None else RateBucket(services.cfg.rate_burst, self.created)

    # ---- lifecycle --------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self._phase

    @phase.setter
    def phase(self, new: Phase) -> None:
        old = self._phase
        if new is old:
            return
        if old is not Phase.NEW:
            raise AssertionError(f"session {self.id}: {old.value} -> {new.value} is not a transition")
        self._phase = new
        logger.debug("session %s: %s -> %s (%s)", self.id, old.value, new.value, self.protocol_version)

    @property
    def initialized(self) -> bool:
        """Whether the session takes notifications of its own (it has negotiated a revision)."""
        return self._phase is not Phase.NEW

    @property
    def batches_allowed(self) -> bool:
        return self._phase is Phase.INITIALIZED and self.protocol_version == BATCH_VERSION

    # ---- input ------------------------------------------------------------------------

    async def feed(self, raw: str | bytes) -> None:
        """Handle one encoded message (a WebSocket message, an HTTP request body)."""
        self.last_activity = time.monotonic()
        try:
            msg = _json_decode(raw)
        except msgspec.DecodeError as exc:
            await self._error(None, ParseError(f"parse error: {exc}"))
            return
        except RecursionError:
            await self._error(None, ParseError("parse error: JSON nested too deeply"))
            return
        await self.feed_message(msg)

    async def feed_message(self, msg: Any, origin: Any = None) -> bool:
        """Handle one decoded message: an object, or a batch array where the session allows it.
        Returns whether a final answer is (or was) sent for it, tagged with ``origin``."""
        self.last_activity = time.monotonic()
        if isinstance(msg, list):
            return await self._feed_batch(msg, origin)
        return await self._dispatch(msg, None, origin)

    async def _feed_batch(self, items: list[Any], origin: Any) -> bool:
        if not self.batches_allowed:
            await self._error(None, InvalidRequest(
                "batch requests are not supported; send one JSON-RPC object per message (batches are "
                f"accepted only in sessions that negotiated {BATCH_VERSION})"), origin)
            return True
        if not items:
            await self._error(None, InvalidRequest("an empty batch is not a valid JSON-RPC request"), origin)
            return True
        batch = _Batch(origin)
        for item in items:
            if isinstance(item, dict) and _is_request(item):
                key = request_key(item["id"])
                if key not in self.inflight and key not in batch.waiting:
                    batch.waiting.add(key)
        for key in batch.waiting:
            self._batches[key] = batch
        answers = False
        for item in items:
            answers = await self._dispatch(item, batch, origin) or answers
        batch.dispatching = False
        if batch.complete and batch.answers:
            await self._send_batch(batch)
        return answers

    async def _dispatch(self, msg: Any, batch: _Batch | None, origin: Any) -> bool:
        if not isinstance(msg, dict):
            await self._error(None, InvalidRequest("a JSON-RPC message must be a JSON object"), origin, batch)
            return True
        has_id = "id" in msg
        request_id = msg.get("id")
        method = msg.get("method")
        if method is None and ("result" in msg or "error" in msg):
            return False  # a response to a request we never send; nothing to answer
        if has_id and (request_id is None or isinstance(request_id, bool)
                       or not isinstance(request_id, (str, int))):
            await self._error(None, InvalidRequest("the request id must be a string or an integer"), origin, batch)
            return True
        if msg.get("jsonrpc") != "2.0" or not isinstance(method, str):
            if has_id:
                await self._error(request_id, InvalidRequest(
                    'not a JSON-RPC 2.0 request: needs "jsonrpc": "2.0" and a string "method"'), origin, batch)
            return has_id
        params = msg.get("params")
        if params is not None and not isinstance(params, dict):
            if has_id:
                await self._error(request_id, InvalidParams("params must be an object"), origin, batch)
            return has_id
        params = params or {}
        if not has_id:
            self._notification(method, params)
            return False
        key = request_key(request_id)
        if key in self.inflight:
            await self._error(request_id, InvalidRequest(f"request id {request_id!r} is already in flight"),
                              origin, batch)
            return True
        self.inflight[key] = None
        if origin is not None:
            self._origins[key] = origin
        try:
            stateless = self._admit(method, params)
            if method == "tools/call" or (method in RESOURCE_METHODS and self.services.resources is not None):
                self._check_call_limits()
                work = (self._tools_call(request_id, params, stateless) if method == "tools/call" else
                        self._resources_call(request_id, method, params, stateless))
                task = self._owner().spawn(work, f"{method} {self.id}#{str(request_id)[:40]}")
                self.inflight[key] = task
                self.calls_in_flight += 1
                task.add_done_callback(self._call_finished)
                return True
            result = self._simple_request(method, params, stateless)
        except GatewayError as exc:
            await self._answer(request_id, error=exc.to_error())
            return True
        await self._answer(request_id, result=result)
        return True

    def _admit(self, method: str, params: dict[str, Any]) -> bool:
        """The lifecycle rules for one request: raises the error to answer, or returns whether it is
        served as a stateless (2026-07-28) request."""
        meta = params.get("_meta")
        carries_envelope = isinstance(meta, dict) and PROTOCOL_VERSION_META in meta
        if self._phase is Phase.INITIALIZED:
            if method == "initialize":
                raise InvalidRequest("the session is already initialized: initialize is accepted once")
            return False  # a handshake session; an envelope in _meta is not its business
        if method == "ping" and not carries_envelope:
            return self._phase is Phase.STATELESS
        if method == "initialize":
            if self._phase is Phase.STATELESS:
                raise InvalidRequest(
                    f"this session serves protocol version {self.protocol_version}, which has no initialize")
            return False
        if not carries_envelope:
            if self._phase is Phase.STATELESS:
                raise InvalidParams(
                    f"params._meta must carry {PROTOCOL_VERSION_META!r} and {CLIENT_CAPABILITIES_META!r} "
                    f"(protocol version {self.protocol_version} has no session state between requests)")
            if method == "server/discover":
                raise InvalidParams(f"server/discover needs params._meta with {PROTOCOL_VERSION_META!r} and "
                                    f"{CLIENT_CAPABILITIES_META!r}")
            raise InvalidRequest(f"the session is not initialized: send initialize first (or use protocol "
                                 f"version {LATEST_PROTOCOL_VERSION} with its _meta envelope); got {method!r}")
        assert isinstance(meta, dict)
        self._accept_envelope(meta)
        return True

    def _accept_envelope(self, meta: dict[str, Any]) -> None:
        missing = [k for k in (PROTOCOL_VERSION_META, CLIENT_CAPABILITIES_META) if k not in meta]
        if missing:
            raise InvalidParams(f"params._meta is missing {', '.join(missing)}")
        version = meta[PROTOCOL_VERSION_META]
        if not isinstance(version, str):
            raise InvalidParams(f"params._meta[{PROTOCOL_VERSION_META!r}] must be a string")
        if version not in STATELESS_PROTOCOL_VERSIONS:
            raise UnsupportedProtocolVersion(
                f"unsupported protocol version {version[:40]!r}: requests with a _meta envelope speak "
                f"{', '.join(STATELESS_PROTOCOL_VERSIONS)}; older versions start with initialize",
                {"supported": list(STATELESS_PROTOCOL_VERSIONS), "requested": version})
        capabilities = meta[CLIENT_CAPABILITIES_META]
        info = meta.get(CLIENT_INFO_META)
        self.protocol_version = version
        self.client_capabilities = capabilities if isinstance(capabilities, dict) else {}
        if isinstance(info, dict):
            self.client_info = info
        self.phase = Phase.STATELESS

    def _check_call_limits(self) -> None:
        cfg = self.services.cfg
        if self.services.draining:
            raise ShuttingDown("the gateway is shutting down and takes no new calls; reconnect to another instance")
        if self.calls_in_flight >= cfg.max_calls_per_session:
            raise LimitExceeded(
                f"limit hit: this session already has {self.calls_in_flight} tool calls in flight "
                f"(--max-calls-per-session={cfg.max_calls_per_session})",
                {"limit": "max_calls_per_session", "value": cfg.max_calls_per_session})
        if not self._bucket.take(cfg.rate_limit, cfg.rate_burst, time.monotonic()):
            raise LimitExceeded(
                f"limit hit: rate limit of {cfg.rate_limit:g} tool calls/s per session "
                f"(--rate-limit={cfg.rate_limit:g}, --rate-burst={cfg.rate_burst}); slow down",
                {"limit": "rate_limit", "value": cfg.rate_limit})

    def use_own_rate_bucket(self) -> None:
        """A stateless session that was given a handle: from now on its rate limit is its own."""
        self._bucket = RateBucket(self.services.cfg.rate_burst, time.monotonic())

    def _call_finished(self, _task: asyncio.Task[None]) -> None:
        self.calls_in_flight -= 1
        self.last_activity = time.monotonic()

    def idle_for(self, now: float) -> float:
        """Seconds without messages and without calls in flight (0 while calls run)."""
        return 0.0 if self.calls_in_flight else now - self.last_activity

    def _simple_request(self, method: str, params: dict[str, Any], stateless: bool) -> Any:
        match method:
            case "initialize":
                return self._initialize(params)
            case "ping":
                return _complete({}) if stateless else {}
            case "server/discover" if stateless:
                return {"supportedVersions": list(SUPPORTED_PROTOCOL_VERSIONS),
                        "capabilities": self._capabilities(stateless=True), "instructions": INSTRUCTIONS,
                        "resultType": "complete", "ttlMs": DISCOVER_TTL_MS, "cacheScope": "public",
                        "_meta": {SERVER_INFO_META: SERVER_INFO}}
            case "tools/list":
                cursor = params.get("cursor")
                if cursor is not None:
                    # One page holds every tool: no cursor this server hands out exists.
                    raise InvalidParams(f"unknown cursor {str(cursor)[:80]!r}: tools/list has a single page",
                                        {"cursor": cursor})
                result: dict[str, Any] = {"tools": self._tools()}
                if stateless:
                    servers = not self.services.cfg.no_mcp_servers
                    result.update(resultType="complete", cacheScope="public",
                                  ttlMs=TOOLS_TTL_MS_WITH_SERVERS if servers else TOOLS_TTL_MS)
                return result
            case _:
                raise MethodNotFound(f"method not found: {method!r}")

    def _capabilities(self, stateless: bool = False) -> dict[str, Any]:
        # Stateless clients have no stream for notifications/tools/list_changed: they re-list when
        # tools/list's ttlMs runs out.
        capabilities: dict[str, Any] = {"tools": {"listChanged": not stateless}}
        if self.services.resources is not None:
            capabilities["resources"] = self.services.resources.capability()
        return capabilities

    def _tools(self) -> list[dict[str, Any]]:
        version = self.protocol_version or LATEST_HANDSHAKE_VERSION
        no_servers = self.services.cfg.no_mcp_servers
        tools = [spec.listing(version) for spec in TOOLS.values()
                 if not (no_servers and spec.name in SERVER_TOOL_NAMES)]
        if self.handles:
            tools = [_with_session_argument(t) for t in tools]
        tools += self.mcp_servers.listings(version)
        tools.sort(key=lambda t: str(t.get("name", "")))  # deterministic, whatever order servers report in
        return tools

    def _initialize(self, params: dict[str, Any]) -> dict[str, Any]:
        asked = params.get("protocolVersion")
        capabilities = params.get("capabilities")
        info = params.get("clientInfo")
        missing = [name for name, value in (("protocolVersion", asked), ("capabilities", capabilities),
                                            ("clientInfo", info)) if value is None]
        if missing:
            raise InvalidParams(f"initialize needs params.{', params.'.join(missing)}", {"missing": missing})
        if not isinstance(asked, str) or not isinstance(capabilities, dict) or not isinstance(info, dict):
            raise InvalidParams("initialize: protocolVersion must be a string, capabilities and clientInfo "
                                "objects")
        version = asked if asked in HANDSHAKE_PROTOCOL_VERSIONS else LATEST_HANDSHAKE_VERSION
        self.protocol_version = version
        self.client_info = info
        self.client_capabilities = capabilities
        self.phase = Phase.INITIALIZED
        return {
            "protocolVersion": version,
            "capabilities": self._capabilities(),
            "serverInfo": SERVER_INFO,
            "instructions": INSTRUCTIONS,
        }

    def _notification(self, method: str, params: dict[str, Any]) -> None:
        if method == "notifications/cancelled":
            request_id = params.get("requestId")
            if isinstance(request_id, (str, int)) and not isinstance(request_id, bool):
                self.cancel(request_key(request_id))
        # notifications/initialized and unknown notifications need nothing

    def cancel(self, key: RequestKey) -> None:
        """Cancel one call (``notifications/cancelled``; a stateless client that hung up).  No answer is
        sent for a cancelled request (MCP spec)."""
        task = self.inflight.get(key)
        if task is not None:
            self.inflight.pop(key, None)
            in_batch = self._batch_done(key)
            origin = self._origins.pop(key, None)
            if origin is not None and not in_batch:
                # No answer will come: an empty final message lets the transport finish what it holds
                # open for this request (a Streamable HTTP response).
                self.post(b"", origin, True)
            task.cancel()

    def cancel_origin(self, origin: Any) -> None:
        """Cancel every call that came with ``origin`` (a stateless client closed its request's stream:
        in that revision, that is how a request is cancelled)."""
        for key in [k for k, o in self._origins.items() if o is origin]:
            self.cancel(key)

    # ---- tools/call -------------------------------------------------------------------

    async def _tools_call(self, request_id: Any, params: dict[str, Any], stateless: bool) -> None:
        started = time.monotonic()
        name = params.get("name")
        tool = name if isinstance(name, str) and name in TOOLS else "unknown"
        if tool == "unknown" and isinstance(name, str) and self.mcp_servers.serves(name):
            tool = "mcp_proxy"  # one label for every proxied tool: user servers must not blow up cardinality
        metrics = self.services.metrics
        metrics.in_flight.inc()
        outcome = "error"
        try:
            try:
                result, outcome = await self._run_tool(request_id, name, params)
            except GatewayError as exc:
                await self._answer(request_id, error=exc.to_error())
                return
            except Exception:
                # A bug of ours: logged once, here at the task's boundary, and the request still gets
                # its one answer.
                logger.error("session %s: tools/call %r failed", self.id, str(name)[:100], exc_info=True)
                await self._answer(request_id, error=GatewayError(
                    "internal error: the gateway failed to run this call (see its log)").to_error())
                return
            if stateless:
                result = self._stateless_result(result)
            else:
                # fields the session's revision does not define (structuredContent before 2025-06-18) are left out
                result = call_result_for(result, self.protocol_version)
            await self._answer(request_id, result=result)
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            metrics.in_flight.dec()
            metrics.call_duration.labels(tool, outcome).observe(time.monotonic() - started)

    # ---- resources --------------------------------------------------------------------

    async def _resources_call(self, request_id: Any, method: str, params: dict[str, Any], stateless: bool) -> None:
        """A resources/* request (or 2026-07-28's subscriptions/listen), answered once like a call."""
        resources = self.services.resources
        assert resources is not None
        try:
            match method:
                case "resources/templates/list":
                    result = resources.templates()
                    ttl, scope = TEMPLATES_TTL_MS, "public"
                case "resources/list":
                    result = await resources.list_page(params.get("cursor"))
                    ttl, scope = 0, "private"
                case "resources/read":
                    result = await resources.read(params.get("uri"))
                    ttl, scope = 0, "private"
                case "resources/subscribe" | "resources/unsubscribe" if not stateless:
                    if method == "resources/subscribe":
                        await resources.subscribe(self, params.get("uri"), self._resource_updated)
                    else:
                        resources.unsubscribe(self, params.get("uri"))
                    await self._answer(request_id, result={})
                    return
                case "subscriptions/listen" if stateless:
                    await self._listen(request_id, params)
                    return
                case _:
                    # resources/subscribe is gone in 2026-07-28 (subscriptions/listen replaces it), and
                    # subscriptions/listen belongs to that revision only
                    raise MethodNotFound(f"method not found: {method!r} (protocol version {self.protocol_version})")
        except GatewayError as exc:
            await self._answer(request_id, error=exc.to_error())
            return
        if stateless:
            result = {**result, "resultType": "complete", "ttlMs": ttl, "cacheScope": scope}
        await self._answer(request_id, result=result)

    def _resource_updated(self, uri: str) -> None:
        self.notify(_json_encode({"jsonrpc": "2.0", "method": "notifications/resources/updated",
                                  "params": {"uri": uri}}))

    async def _listen(self, request_id: Any, params: dict[str, Any]) -> None:
        """2026-07-28's subscriptions/listen: acknowledge the resource subscriptions it can honor, then
        send their notifications/resources/updated on this request's stream until the client closes it
        (which cancels this task).  Other notification kinds are not honored (tools/list_changed is not
        sent to stateless clients: tools/list's ttlMs says when to list again)."""
        resources = self.services.resources
        assert resources is not None
        wanted = params.get("notifications")
        uris = wanted.get("resourceSubscriptions") if isinstance(wanted, dict) else None
        if not isinstance(wanted, dict) or not isinstance(uris or [], list) or not all(
                isinstance(u, str) for u in uris or []):
            await self._answer(request_id, error=InvalidParams(
                "subscriptions/listen needs params.notifications, an object (resourceSubscriptions: a list of URIs)"
            ).to_error())
            return
        origin = self._origins.get(request_key(request_id))
        meta = {SUBSCRIPTION_ID_META: request_id}
        owner = (self, "listen", request_key(request_id))

        def updated(uri: str) -> None:
            self.post(_json_encode({"jsonrpc": "2.0", "method": "notifications/resources/updated",
                                    "params": {"uri": uri, "_meta": meta}}), origin)

        honored: list[str] = []
        try:
            for uri in dict.fromkeys(uris or []):
                try:
                    await resources.subscribe(owner, uri, updated)
                except LimitExceeded:
                    break
                except GatewayError:
                    continue  # not a workspace file URI, or outside it: not honored
                honored.append(uri)
            filters = {"resourceSubscriptions": honored} if honored else {}
            self.post(_json_encode({"jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged",
                                    "params": {"notifications": filters, "_meta": meta}}), origin)
            await asyncio.Event().wait()  # until the client closes the stream
        finally:
            resources.drop(owner)

    def _stateless_result(self, result: dict[str, Any]) -> dict[str, Any]:
        result = _complete(result)
        if not self.handles:
            return result
        if self.handle is None and self._keep is not None and self._has_state():
            self._keep(self)
        if self.handle is not None:
            result["_meta"] = {**(result.get("_meta") or {}), SESSION_HANDLE_META: self.handle}
            if not self.handle_announced:
                self.handle_announced = True
                result["content"] = [*result.get("content", []), {"type": "text", "text": (
                    f"[sandbox session {self.handle}: pass \"session\": \"{self.handle}\" in later calls to keep "
                    "this shell's working directory, environment and background jobs]")}]
        return result

    def _has_state(self) -> bool:
        state = self.shell_state
        return (state is not None and state != p.SessionState()) or bool(
            self.services.pool.session_jobs(self.id)) or bool(self.services.pool.session_terminals(self.id))

    async def _run_tool(self, request_id: Any, name: Any, params: dict[str, Any]) -> tuple[dict[str, Any], str]:
        if not isinstance(name, str):
            raise InvalidParams('tools/call needs params.name, a string naming the tool')
        services = self.services
        cfg = services.cfg
        arguments = params.get("arguments")
        if self.handles and isinstance(arguments, dict) and SESSION_ARGUMENT in arguments:
            # The transport has resolved the handle already; the tool never sees it.
            arguments = {k: v for k, v in arguments.items() if k != SESSION_ARGUMENT}
        if name not in TOOLS and self.mcp_servers.serves(name):
            if arguments is not None and not isinstance(arguments, dict):
                return _tool_error(f"arguments of tool {name!r} must be an object"), "error"
            call = PendingCall(services.next_call_id(), name, arguments or {}, cfg.default_timeout, session=self.id)
            return _payload(await self.mcp_servers.call(call))
        if name not in TOOLS or (cfg.no_mcp_servers and name in SERVER_TOOL_NAMES):
            raise InvalidParams(f"unknown tool {name!r}; tools/list shows the tools this server has",
                                {"tool": name})
        try:
            args = validate_args(name, arguments)
        except ToolArgsError as exc:
            return _tool_error(str(exc)), "error"
        requested = getattr(args, "timeout", None)
        timeout = min(requested if requested is not None else cfg.default_timeout, cfg.max_timeout)
        pool = services.pool
        if name == "job_list":
            return self._job_list(), "ok"
        if name == "terminal_list":
            return self._terminal_list(), "ok"
        job_id = ""
        if (name == "bash" and args.run_in_background) or name == "terminal_start":
            running = pool.session_running(self.id)
            if running >= cfg.max_jobs_per_session:
                return _tool_error(
                    f"limit hit: this session already runs {running} background jobs and terminals "
                    f"(--max-jobs-per-session={cfg.max_jobs_per_session}); kill one with job_kill or "
                    "terminal_close, or wait for one to end"), "error"
            if self.handles and self.handle is None and not self._reserve_handle():
                return _tool_error(
                    f"limit hit: no session handle for a background job or terminal: {cfg.max_sessions} sessions "
                    f"are open (--max-sessions={cfg.max_sessions}); retry later"), "error"
            pool.forget_finished_jobs(self.id, keep=cfg.max_jobs_per_session)
            job_id = services.next_job_id() if name == "bash" else services.next_terminal_id()
        on_progress = None
        meta = params.get("_meta")
        if isinstance(meta, dict) and isinstance(meta.get("progressToken"), (str, int)) and not job_id:
            on_progress = self._progress_sender(meta["progressToken"], self._origins.get(request_key(request_id)))
        call = PendingCall(services.next_call_id(), name, arguments or {}, timeout,
                           state=self.shell_state if name in ("bash", "terminal_start") else None,
                           on_progress=on_progress, session=self.id, job_id=job_id)
        if name in SERVER_TOOL_NAMES:
            return _payload(await self.mcp_servers.call(call))
        if name in ("job_output", "job_kill"):
            record = pool.jobs.get(args.job_id)
            if record is None or record.session != self.id:
                hint = (" (a stateless client passes the session handle of the call that started it)"
                        if self.handles and self.handle is None else "")
                return _tool_error(f"unknown job {args.job_id!r}: this session has no such job "
                                   f"(job_list shows its jobs){hint}"), "error"
            if record.status == "lost" or record.worker.state != "ready":
                record.status = "lost"
                return _job_payload(
                    f"job {record.job_id} was lost: its worker died, and every process of the job with it",
                    {"job_id": record.job_id, "status": "lost", "exit_code": None}, True), "error"
            result = await pool.call_on(record.worker, call)
        elif name in ROUTED_TO_TERMINAL:
            terminal = pool.terminals.get(args.terminal_id)
            if terminal is None or terminal.session != self.id:
                hint = (" (a stateless client passes the session handle of the call that started it)"
                        if self.handles and self.handle is None else "")
                return _tool_error(f"unknown terminal {args.terminal_id!r}: this session has no such terminal "
                                   f"(terminal_list shows its terminals){hint}"), "error"
            if terminal.status == "lost" or terminal.worker.state != "ready":
                terminal.status = "lost"
                lost = {"terminal_id": terminal.terminal_id, "status": "lost", "exit_code": None}
                return _job_payload(f"terminal {terminal.terminal_id} was lost: its worker died, and every process "
                                    "of the terminal with it", lost, True), "error"
            result = await pool.call_on(terminal.worker, call)
            if name == "terminal_close" and not result.is_error:
                pool.terminals.pop(terminal.terminal_id, None)
        else:
            result = await pool.call(call)
        if result.state is not None:
            self.shell_state = result.state
        return _payload(result)

    def _reserve_handle(self) -> bool:
        """A background job needs a handle before it starts (its records name this session)."""
        return self._keep is not None and self._keep(self) is not None

    def _job_list(self) -> dict[str, Any]:
        now = time.monotonic()
        jobs: list[dict[str, Any]] = [
            {"job_id": r.job_id, "command": r.command, "status": r.status, "exit_code": r.exit_code,
             "age_s": round(now - r.started, 3)} for r in self.services.pool.session_jobs(self.id)]
        if jobs:
            lines = [f"{j['job_id']}\t{j['status']}" + (f" ({j['exit_code']})" if j["exit_code"] is not None else "")
                     + f"\t{j['command'][:200]}" for j in jobs]
            text = "\n".join(lines)
        else:
            text = "no background jobs in this session"
        return _job_payload(text, {"jobs": jobs}, False)

    def _terminal_list(self) -> dict[str, Any]:
        now = time.monotonic()
        terminals: list[dict[str, Any]] = [
            {"terminal_id": r.terminal_id, "command": r.command, "status": r.status, "exit_code": r.exit_code,
             "age_s": round(now - r.started, 3)} for r in self.services.pool.session_terminals(self.id)]
        if terminals:
            text = "\n".join(f"{t['terminal_id']}\t{t['status']}"
                             + (f" ({t['exit_code']})" if t["exit_code"] is not None else "")
                             + f"\t{t['command'][:200]}" for t in terminals)
        else:
            text = "no terminals in this session"
        return _job_payload(text, {"terminals": terminals}, False)

    def _progress_sender(self, token: str | int, origin: Any) -> Callable[[str], None]:
        count = 0

        def send_progress(text: str) -> None:
            nonlocal count
            count += 1
            note = {"jsonrpc": "2.0", "method": "notifications/progress",
                    "params": {"progressToken": token, "progress": count, "message": text}}
            self.post(_json_encode(note), origin)

        return send_progress

    # ---- output -----------------------------------------------------------------------

    def _owner(self) -> TaskOwner:
        if self._tasks is None:
            self._tasks = TaskOwner(logger)
        return self._tasks

    def post(self, data: bytes, origin: Any = None, final: bool = False) -> None:
        """Send a message from synchronous code; the session owns the sending task."""
        self._owner().spawn(self._send(data, origin, final), f"send {self.id}")

    def notify(self, data: bytes) -> None:
        """A notification of the session's own (``notifications/tools/list_changed``), sent once the
        session has negotiated a revision."""
        if self.initialized:
            self.post(data)

    async def _answer(self, request_id: Any, *, result: Any = None, error: dict[str, Any] | None = None) -> None:
        """Send the one answer for ``request_id`` (dropped if it was answered or cancelled already)."""
        key = request_key(request_id)
        if key not in self.inflight:
            return
        del self.inflight[key]
        origin = self._origins.pop(key, None) if self._origins else None
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
        if error is not None:
            msg["error"] = error
        else:
            msg["result"] = result
        batch = self._batches.pop(key, None)
        if batch is not None:
            batch.answers.append(msg)
            batch.waiting.discard(key)
            if batch.complete:
                await self._send_batch(batch)
            return
        data = _json_encode(msg)
        if self._over_unsent(len(data)):
            # Refused, and not awaited: the caller's frame holds the result until this returns, and the
            # error's send waits for the client like the answers before it.
            self.post(_json_encode({"jsonrpc": "2.0", "id": request_id, "error": self._unsent_error(len(data))}),
                      origin, True)
            return
        await self._send(data, origin, True)

    async def _send(self, data: bytes, origin: Any, final: bool) -> None:
        """Hand ``data`` to the transport, counted as unsent until the transport has taken it (its send
        waits while the client does not read)."""
        size = len(data)
        self.unsent += size
        self.services.unsent += size
        try:
            await self._sink(data, origin, final)
        finally:
            self.unsent -= size
            self.services.unsent -= size

    def _over_unsent(self, size: int) -> bool:
        """Whether an answer of ``size`` bytes would take this session's (or every session's) unsent
        answers past their limit; the first one always goes, however large."""
        cfg, services = self.services.cfg, self.services
        return (self.unsent > 0 and self.unsent + size > cfg.max_unsent_bytes) or (
            services.unsent > 0 and services.unsent + size > cfg.max_unsent_bytes_total)

    def _unsent_error(self, size: int) -> dict[str, Any]:
        cfg = self.services.cfg
        if self.unsent > 0 and self.unsent + size > cfg.max_unsent_bytes:
            flag, limit, whose = "max_unsent_bytes", cfg.max_unsent_bytes, "this session's answers"
        else:
            flag, limit, whose = "max_unsent_bytes_total", cfg.max_unsent_bytes_total, "every session's answers"
        return LimitExceeded(
            f"limit hit: the answer ({size} bytes) was not sent: {whose} that the client has not taken yet are "
            f"over --{flag.replace('_', '-')}={limit}; read answers as they come, or ask for less at once",
            {"limit": flag, "value": limit}).to_error()

    async def _error(self, request_id: Any, exc: GatewayError, origin: Any = None,
                     batch: _Batch | None = None) -> None:
        """An error answer to a message that never became a request in flight (unparsable, no valid id,
        a duplicate id): it does not go through ``_answer``, whose ids are the ones in flight."""
        msg = {"jsonrpc": "2.0", "id": request_id, "error": exc.to_error()}
        if batch is not None:
            batch.answers.append(msg)
            return
        await self._send(_json_encode(msg), origin, True)

    def _batch_done(self, key: RequestKey) -> bool:
        """A request of a batch was cancelled: the batch no longer waits for it."""
        batch = self._batches.pop(key, None)
        if batch is None:
            return False
        batch.waiting.discard(key)
        if batch.complete:
            self.post(_json_encode(batch.answers) if batch.answers else b"", batch.origin, True)
        return True

    async def _send_batch(self, batch: _Batch) -> None:
        await self._send(_json_encode(batch.answers), batch.origin, True)

    async def abort(self, error: GatewayError) -> None:
        """Answer every call still in flight with ``error`` and cancel it (used on shutdown)."""
        for key, task in list(self.inflight.items()):
            await self._answer(key[1], error=error.to_error())
            if task is not None:
                task.cancel()

    def cancel_all(self) -> list[asyncio.Task[None]]:
        """The client is gone: cancel every call (their process trees are killed) and every pending
        send.  Returns the call tasks, for the transport to wait on (bounded)."""
        tasks = [t for t in self.inflight.values() if t is not None]
        self.inflight.clear()
        self._origins.clear()
        self._batches.clear()
        if self.services.resources is not None:
            self.services.resources.drop(self)
        if self._tasks is not None:
            self._tasks.cancel_all()  # the calls and every pending send
        return tasks


def _is_request(msg: dict[str, Any]) -> bool:
    request_id = msg.get("id")
    return (isinstance(request_id, (str, int)) and not isinstance(request_id, bool)
            and isinstance(msg.get("method"), str) and msg.get("jsonrpc") == "2.0")


def _complete(result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "resultType": "complete"}


def _with_session_argument(tool: dict[str, Any]) -> dict[str, Any]:
    schema = tool.get("inputSchema") or {}
    props = {**schema.get("properties", {}), SESSION_ARGUMENT: {
        "type": "string",
        "x-mcp-header": SESSION_HEADER_TOKEN,
        "description": "Session handle from an earlier result (its _meta "
                       f"{SESSION_HANDLE_META!r}): keeps the shell's working directory, environment "
                       "and background jobs across calls. Omit to start afresh."}}
    return {**tool, "inputSchema": {**schema, "properties": props}}


def _payload(result: p.Result) -> tuple[dict[str, Any], str]:
    """The tools/call result for a worker's Result (a proxied server's own result passes through unchanged)."""
    if result.raw is not None:
        return result.raw, result.outcome
    payload: dict[str, Any] = {"content": [{"type": "text", "text": result.text}, *result.content],
                               "isError": result.is_error}
    if result.structured is not None:
        payload["structuredContent"] = result.structured
    return payload, result.outcome


def _job_payload(text: str, structured: dict[str, Any], is_error: bool) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": text}], "isError": is_error, "structuredContent": structured}


def _tool_error(text: str) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": text}], "isError": True}

