"""MCP sessions: JSON-RPC 2.0 over one WebSocket connection.

``McpSession`` turns incoming text messages into answers.  It does not own the
socket: it is given a ``send`` coroutine function, and the server feeds it
messages.  Requests are handled concurrently (each ``tools/call`` is a task
the session owns), and every request id gets exactly one answer: all answers
go through ``_answer``, which sends at most once per in-flight id.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

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
)
from gateway.pool import PendingCall
from shared import protocol as p
from shared.mcp_server_tools import SERVER_TOOL_NAMES
from shared.tools import TOOLS, ToolArgsError, call_result_for, validate_args

if TYPE_CHECKING:
    from gateway.server import Gateway

__all__ = ["LATEST_PROTOCOL_VERSION", "SUPPORTED_PROTOCOL_VERSIONS", "McpSession"]

logger = logging.getLogger(__name__)

SUPPORTED_PROTOCOL_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
LATEST_PROTOCOL_VERSION = SUPPORTED_PROTOCOL_VERSIONS[-1]

_json_decode = msgspec.json.Decoder().decode
_json_encode = msgspec.json.Encoder().encode

RequestKey = tuple[type, Any]


def _key(request_id: Any) -> RequestKey:
    return (type(request_id), request_id)


class McpSession:
    """One client connection's MCP state: negotiated version, shell state, calls in flight."""

    def __init__(self, gw: Gateway, send: Callable[[bytes], Coroutine[Any, Any, None]], session_id: str) -> None:
        self.gw = gw
        self._send = send
        self.id = session_id
        self.protocol_version: str | None = None
        self.client_info: dict[str, Any] = {}
        self.shell_state: p.SessionState | None = None
        self.inflight: dict[RequestKey, asyncio.Task[None] | None] = {}
        self.last_activity = time.monotonic()
        self.created = self.last_activity
        self.calls_in_flight = 0
        self._bucket = float(gw.cfg.rate_burst)
        self._bucket_at = self.created

    # ---- input ------------------------------------------------------------------------

    async def feed(self, raw: str | bytes) -> None:
        """Handle one WebSocket message."""
        self.last_activity = time.monotonic()
        try:
            msg = _json_decode(raw)
        except msgspec.DecodeError as exc:
            await self._error(None, ParseError(f"parse error: {exc}"))
            return
        except RecursionError:
            await self._error(None, ParseError("parse error: JSON nested too deeply"))
            return
        if isinstance(msg, list):
            await self._error(None, InvalidRequest("batch requests are not supported; send one JSON-RPC "
                                                   "object per message"))
            return
        if not isinstance(msg, dict):
            await self._error(None, InvalidRequest("a JSON-RPC message must be a JSON object"))
            return
        has_id = "id" in msg
        request_id = msg.get("id")
        method = msg.get("method")
        if method is None and ("result" in msg or "error" in msg):
            return  # a response to a request we never send; nothing to answer
        if has_id and (request_id is None or isinstance(request_id, bool)
                       or not isinstance(request_id, (str, int))):
            await self._error(None, InvalidRequest("the request id must be a string or an integer"))
            return
        if msg.get("jsonrpc") != "2.0" or not isinstance(method, str):
            if has_id:
                await self._error(request_id, InvalidRequest(
                    'not a JSON-RPC 2.0 request: needs "jsonrpc": "2.0" and a string "method"'))
            return
        params = msg.get("params")
        if params is not None and not isinstance(params, dict):
            if has_id:
                await self._error(request_id, InvalidParams("params must be an object"))
            return
        params = params or {}
        if not has_id:
            self._notification(method, params)
            return
        key = _key(request_id)
        if key in self.inflight:
            await self._error(request_id, InvalidRequest(f"request id {request_id!r} is already in flight"))
            return
        self.inflight[key] = None
        try:
            if method == "tools/call":
                self._check_call_limits()
                task = asyncio.get_running_loop().create_task(self._tools_call(request_id, params))
                self.inflight[key] = task
                self.calls_in_flight += 1
                task.add_done_callback(self._call_finished)
                return
            result = self._simple_request(method, params)
        except GatewayError as exc:
            await self._answer(request_id, error=exc.to_error())
            return
        await self._answer(request_id, result=result)

    def _check_call_limits(self) -> None:
        cfg = self.gw.cfg
        if self.gw.draining:
            raise ShuttingDown("the gateway is shutting down and takes no new calls; reconnect to another instance")
        if self.calls_in_flight >= cfg.max_calls_per_session:
            raise LimitExceeded(
                f"limit hit: this session already has {self.calls_in_flight} tool calls in flight "
                f"(--max-calls-per-session={cfg.max_calls_per_session})",
                {"limit": "max_calls_per_session", "value": cfg.max_calls_per_session})
        now = time.monotonic()
        self._bucket = min(float(cfg.rate_burst), self._bucket + (now - self._bucket_at) * cfg.rate_limit)
        self._bucket_at = now
        if self._bucket < 1.0:
            raise LimitExceeded(
                f"limit hit: rate limit of {cfg.rate_limit:g} tool calls/s per session "
                f"(--rate-limit={cfg.rate_limit:g}, --rate-burst={cfg.rate_burst}); slow down",
                {"limit": "rate_limit", "value": cfg.rate_limit})
        self._bucket -= 1.0

    def _call_finished(self, _task: asyncio.Task[None]) -> None:
        self.calls_in_flight -= 1
        self.last_activity = time.monotonic()

    def idle_for(self, now: float) -> float:
        """Seconds without messages and without calls in flight (0 while calls run)."""
        return 0.0 if self.calls_in_flight else now - self.last_activity

    def _simple_request(self, method: str, params: dict[str, Any]) -> Any:
        match method:
            case "initialize":
                return self._initialize(params)
            case "ping":
                return {}
            case "tools/list":
                no_servers = self.gw.cfg.no_mcp_servers
                tools = [spec.listing(self.protocol_version) for spec in TOOLS.values()
                         if not (no_servers and spec.name in SERVER_TOOL_NAMES)]
                return {"tools": tools + self.gw.mcp_servers.listings(self.protocol_version)}
            case _:
                raise MethodNotFound(f"method not found: {method!r}")

    def _initialize(self, params: dict[str, Any]) -> dict[str, Any]:
        asked = params.get("protocolVersion")
        version = asked if asked in SUPPORTED_PROTOCOL_VERSIONS else LATEST_PROTOCOL_VERSION
        self.protocol_version = version
        info = params.get("clientInfo")
        self.client_info = info if isinstance(info, dict) else {}
        return {
            "protocolVersion": version,
            "capabilities": {"tools": {"listChanged": True}},
            "serverInfo": {"name": "sandbox-gateway", "version": gateway.__version__},
            "instructions": "Tools run in an isolated sandbox workspace; every call has a hard deadline.",
        }

    def _notification(self, method: str, params: dict[str, Any]) -> None:
        if method == "notifications/cancelled":
            request_id = params.get("requestId")
            if isinstance(request_id, (str, int)) and not isinstance(request_id, bool):
                task = self.inflight.get(_key(request_id))
                if task is not None:
                    # No response is sent for a cancelled request (MCP spec).
                    self.inflight.pop(_key(request_id), None)
                    task.cancel()
        # notifications/initialized and unknown notifications need nothing

    # ---- tools/call -------------------------------------------------------------------

    async def _tools_call(self, request_id: Any, params: dict[str, Any]) -> None:
        started = time.monotonic()
        name = params.get("name")
        tool = name if isinstance(name, str) and name in TOOLS else "unknown"
        if tool == "unknown" and isinstance(name, str) and self.gw.mcp_servers.serves(name):
            tool = "mcp_proxy"  # one label for every proxied tool: user servers must not blow up cardinality
        metrics = self.gw.metrics
        metrics.in_flight.inc()
        outcome = "error"
        try:
            try:
                result, outcome = await self._run_tool(request_id, name, params)
            except GatewayError as exc:
                await self._answer(request_id, error=exc.to_error())
                return
            # fields the session's MCP revision does not define (structuredContent before 2025-06-18) are left out
            await self._answer(request_id, result=call_result_for(result, self.protocol_version))
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            metrics.in_flight.dec()
            metrics.call_duration.labels(tool, outcome).observe(time.monotonic() - started)

    async def _run_tool(self, request_id: Any, name: Any, params: dict[str, Any]) -> tuple[dict[str, Any], str]:
        if not isinstance(name, str):
            raise InvalidParams('tools/call needs params.name, a string naming the tool')
        cfg = self.gw.cfg
        if name not in TOOLS and self.gw.mcp_servers.serves(name):
            arguments = params.get("arguments")
            if arguments is not None and not isinstance(arguments, dict):
                return _tool_error(f"arguments of tool {name!r} must be an object"), "error"
            call = PendingCall(self.gw.next_call_id(), name, arguments or {}, cfg.default_timeout, session=self.id)
            return _payload(await self.gw.mcp_servers.call(call))
        if name not in TOOLS or (cfg.no_mcp_servers and name in SERVER_TOOL_NAMES):
            raise InvalidParams(f"unknown tool {name!r}; tools/list shows the tools this server has",
                                {"tool": name})
        arguments = params.get("arguments")
        try:
            args = validate_args(name, arguments)
        except ToolArgsError as exc:
            return _tool_error(str(exc)), "error"
        requested = getattr(args, "timeout", None)
        timeout = min(requested if requested is not None else cfg.default_timeout, cfg.max_timeout)
        pool = self.gw.pool
        if name == "job_list":
            return self._job_list(), "ok"
        job_id = ""
        if name == "bash" and args.run_in_background:
            running = sum(1 for r in pool.session_jobs(self.id) if r.status == "running")
            if running >= cfg.max_jobs_per_session:
                return _tool_error(
                    f"limit hit: this session already runs {running} background jobs "
                    f"(--max-jobs-per-session={cfg.max_jobs_per_session}); kill one with job_kill or wait "
                    "for one to end"), "error"
            pool.forget_finished_jobs(self.id, keep=cfg.max_jobs_per_session)
            job_id = self.gw.next_job_id()
        on_progress = None
        meta = params.get("_meta")
        if isinstance(meta, dict) and isinstance(meta.get("progressToken"), (str, int)) and not job_id:
            on_progress = self._progress_sender(meta["progressToken"])
        call = PendingCall(self.gw.next_call_id(), name, arguments or {}, timeout,
                           state=self.shell_state if name == "bash" else None, on_progress=on_progress,
                           session=self.id, job_id=job_id)
        if name in SERVER_TOOL_NAMES:
            return _payload(await self.gw.mcp_servers.call(call))
        if name in ("job_output", "job_kill"):
            record = pool.jobs.get(args.job_id)
            if record is None or record.session != self.id:
                return _tool_error(f"unknown job {args.job_id!r}: this session has no such job "
                                   "(job_list shows its jobs)"), "error"
            if record.status == "lost" or record.worker.state != "ready":
                record.status = "lost"
                return _job_payload(
                    f"job {record.job_id} was lost: its worker died, and every process of the job with it",
                    {"job_id": record.job_id, "status": "lost", "exit_code": None}, True), "error"
            result = await pool.call_on(record.worker, call)
        else:
            result = await pool.call(call)
        if result.state is not None:
            self.shell_state = result.state
        return _payload(result)

    def _job_list(self) -> dict[str, Any]:
        now = time.monotonic()
        jobs: list[dict[str, Any]] = [
            {"job_id": r.job_id, "command": r.command, "status": r.status, "exit_code": r.exit_code,
             "age_s": round(now - r.started, 3)} for r in self.gw.pool.session_jobs(self.id)]
        if jobs:
            lines = [f"{j['job_id']}\t{j['status']}" + (f" ({j['exit_code']})" if j["exit_code"] is not None else "")
                     + f"\t{j['command'][:200]}" for j in jobs]
            text = "\n".join(lines)
        else:
            text = "no background jobs in this session"
        return _job_payload(text, {"jobs": jobs}, False)

    def _progress_sender(self, token: str | int) -> Callable[[str], None]:
        count = 0

        def send_progress(text: str) -> None:
            nonlocal count
            count += 1
            note = {"jsonrpc": "2.0", "method": "notifications/progress",
                    "params": {"progressToken": token, "progress": count, "message": text}}
            self.gw.spawn_send(self, _json_encode(note))

        return send_progress

    # ---- output -----------------------------------------------------------------------

    async def _answer(self, request_id: Any, *, result: Any = None, error: dict[str, Any] | None = None) -> None:
        """Send the one answer for ``request_id`` (dropped if it was answered or cancelled already)."""
        key = _key(request_id)
        if key not in self.inflight:
            return
        del self.inflight[key]
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
        if error is not None:
            msg["error"] = error
        else:
            msg["result"] = result
        await self._send(_json_encode(msg))

    async def _error(self, request_id: Any, exc: GatewayError) -> None:
        await self._send(_json_encode({"jsonrpc": "2.0", "id": request_id, "error": exc.to_error()}))

    async def abort(self, error: GatewayError) -> None:
        """Answer every call still in flight with ``error`` and cancel it (used on shutdown)."""
        for key, task in list(self.inflight.items()):
            await self._answer(key[1], error=error.to_error())
            if task is not None:
                task.cancel()

    def cancel_all(self) -> list[asyncio.Task[None]]:
        """The connection is gone: cancel every call (their process trees are killed)."""
        tasks = [t for t in self.inflight.values() if t is not None]
        self.inflight.clear()
        for task in tasks:
            task.cancel()
        return tasks


def _payload(result: p.Result) -> tuple[dict[str, Any], str]:
    """The tools/call result for a worker's Result (a proxied server's own result passes through unchanged)."""
    if result.raw is not None:
        return result.raw, result.outcome
    payload: dict[str, Any] = {"content": [{"type": "text", "text": result.text}], "isError": result.is_error}
    if result.structured is not None:
        payload["structuredContent"] = result.structured
    return payload, result.outcome


def _job_payload(text: str, structured: dict[str, Any], is_error: bool) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": text}], "isError": is_error, "structuredContent": structured}


def _tool_error(text: str) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": text}], "isError": True}
