"""The gateway's side of managed MCP servers.

The servers run in one MCP host process (``worker.mcp_host``), supervised by a
``WorkerPool`` of role ``mcp-host`` that is started on first use.  This module
keeps what the gateway must know across that process's life:

- the catalog of running servers' tools, listed in ``tools/list`` as
  ``<server>__<tool>`` with the server's own title, annotations and
  outputSchema; ``notifications/tools/list_changed`` goes to every session
  when it changes;
- the specs of ``restart: on-failure`` servers, replayed into a respawned host
  so they come back (each replay counts as a restart in the metrics);
- the ``sandbox_mcp_servers{state}`` and ``sandbox_mcp_server_restarts_total{server}`` metrics.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import msgspec

from gateway.metrics import MCP_SERVER_STATES
from gateway.pool import PendingCall, WorkerHandle, WorkerPool
from gateway.services import Services
from shared import protocol as p
from shared.mcp_server_tools import PROXY_SEPARATOR, split_proxied_tool
from shared.tasks import TaskOwner
from shared.tools import MCP_DEFAULT_ANNOTATIONS, tool_listing_for

__all__ = ["McpServers"]

logger = logging.getLogger(__name__)

LISTED_STATES = ("running", "unhealthy")
_HINT_DEFAULTS: dict[str, bool] = msgspec.to_builtins(MCP_DEFAULT_ANNOTATIONS)


class McpServers:
    """Owns the MCP host pool and every task it starts for it (a ``TaskOwner``: a failure is logged
    once with its traceback; cancelled by ``close``).

    ``on_list_changed`` is called when the set of listed tools changes (the gateway tells every
    session with ``notifications/tools/list_changed``)."""

    def __init__(self, services: Services, on_list_changed: Callable[[], None]) -> None:
        self.services = services
        self._on_list_changed = on_list_changed
        self.pool: WorkerPool | None = None
        self.reports: dict[str, p.ServerReport] = {}
        self.restore: dict[str, dict[str, Any]] = {}
        self._restarts_seen: dict[str, int] = {}
        self._listed: frozenset[str] = frozenset()
        self._hosts_ready = 0
        self.tasks = TaskOwner(logger)

    # ---- the host process ---------------------------------------------------------------

    async def host(self) -> WorkerPool:
        """The MCP host pool, started on first use (later callers queue until it is ready)."""
        if self.pool is None:
            sv = self.services
            self.pool = WorkerPool(sv.cfg, sv.metrics, sv.pool.isolation, sv.pool.run_as, role="mcp-host",
                                   on_ready=self._host_ready, on_lost=self._host_lost, on_servers=self._update)
            await self.pool.start()
        return self.pool

    async def call(self, call: PendingCall) -> p.Result:
        pool = await self.host()
        result = await pool.call(call)
        if call.tool == "mcp_server_call_tool" and result.raw is not None and "structuredContent" in result.raw:
            # Its outputSchema cannot say what any tool of any server returns (and a declared schema would oblige
            # every result to carry one); <server>__<tool> passes it on under the server's own schema.
            raw = {k: v for k, v in result.raw.items() if k != "structuredContent"}
            result = msgspec.structs.replace(result, raw=raw)
        if call.tool == "mcp_server_start" and not result.is_error:
            if call.args.get("restart", "on-failure") == "on-failure":
                self.restore[call.args["name"]] = call.args
        elif call.tool == "mcp_server_stop":
            self.restore.pop(str(call.args.get("name")), None)
        return result

    def _host_ready(self, handle: WorkerHandle) -> None:
        self._hosts_ready += 1
        if self._hosts_ready == 1 or not self.restore:
            return
        logger.warning("MCP host respawned (pid %d); restarting %d on-failure servers: %s",
                       handle.host_pid, len(self.restore), ", ".join(sorted(self.restore)))
        for name, spec in self.restore.items():
            self.services.metrics.mcp_server_restarts.labels(name).inc()
            self._own(self._restore_one(name, spec), f"restore-mcp-{name}")

    async def _restore_one(self, name: str, spec: dict[str, Any]) -> None:
        assert self.pool is not None
        services = self.services
        call = PendingCall(services.next_call_id(), "mcp_server_start", spec, services.cfg.mcp_start_timeout + 5)
        result = await self.pool.call(call)
        if result.is_error:
            logger.warning("mcp server %s did not come back after the MCP host respawned: %s", name, result.text)

    def _host_lost(self, handle: WorkerHandle) -> None:
        # Every server died with it (its pid namespace); the catalog is empty until the respawn restores.
        self._update(p.ServersUpdate(servers=[]), lost=True)

    def _update(self, msg: p.ServersUpdate, lost: bool = False) -> None:
        self.reports = {r.name: r for r in msg.servers}
        metrics = self.services.metrics
        for report in msg.servers:
            seen = self._restarts_seen.get(report.name, 0)
            if report.restarts > seen:
                metrics.mcp_server_restarts.labels(report.name).inc(report.restarts - seen)
            self._restarts_seen[report.name] = report.restarts
            if report.state == "failed":
                self.restore.pop(report.name, None)
        if lost:
            self._restarts_seen.clear()  # a new host counts from zero
        counts = dict.fromkeys(MCP_SERVER_STATES, 0)
        for report in msg.servers:
            if report.state in counts:
                counts[report.state] += 1
        for state, n in counts.items():
            metrics.mcp_servers.labels(state).set(n)
        listed = frozenset(self._names())
        if listed != self._listed:
            self._listed = listed
            self._on_list_changed()

    # ---- the catalog --------------------------------------------------------------------

    def _names(self) -> list[str]:
        return [f"{r.name}{PROXY_SEPARATOR}{t['name']}" for r in self.reports.values() if r.state in LISTED_STATES
                for t in r.tools]

    def listings(self, protocol_version: str | None = None) -> list[dict[str, Any]]:
        """The running servers' tools as tools/list items for ``protocol_version`` (None: the latest).

        Each keeps the server's own title, annotations and outputSchema; a hint the server left out is
        filled in with the value MCP tells clients to assume, so every tool states all four.
        """
        out = []
        for report in self.reports.values():
            if report.state not in LISTED_STATES:
                continue
            for tool in report.tools:
                entry = dict(tool)
                entry["name"] = f"{report.name}{PROXY_SEPARATOR}{tool['name']}"
                entry["description"] = f"[MCP server {report.name}] {tool.get('description') or ''}".rstrip()
                entry.setdefault("inputSchema", {"type": "object"})
                given = tool.get("annotations")
                given = given if isinstance(given, dict) else {}
                title = next((t for t in (tool.get("title"), given.get("title")) if isinstance(t, str) and t),
                             f"{tool['name']} ({report.name})")
                entry["title"] = title
                hints = {k: given[k] if isinstance(given.get(k), bool) else default
                         for k, default in _HINT_DEFAULTS.items()}
                entry["annotations"] = {"title": title, **hints}
                out.append(tool_listing_for(entry, protocol_version))
        return out

    def serves(self, tool: str) -> bool:
        """Whether ``tool`` is a running server's tool (``<server>__<tool>``)."""
        target = split_proxied_tool(tool)
        if target is None:
            return False
        report = self.reports.get(target[0])
        return report is not None and report.state in LISTED_STATES and any(
            t.get("name") == target[1] for t in report.tools)

    def status(self) -> dict[str, Any]:
        return {
            "host": self.pool.status() if self.pool is not None else [],
            "servers": [msgspec.structs.asdict(r) | {"tools": len(r.tools)} for r in self.reports.values()],
        }

    # ---- lifecycle ----------------------------------------------------------------------

    def _own(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self.tasks.spawn(coro, name)

    async def close(self) -> None:
        """Stop the host (its servers are stopped and killed as trees with it); returns once every task
        of ours is done."""
        tasks = self.tasks.cancel_all()
        if self.pool is not None:
            await self.pool.close()
        if tasks:
            await asyncio.wait(tasks)
