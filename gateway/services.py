"""What every MCP session shares, whatever transport carries it: the configuration, the metrics, the
worker pool, id counters and the draining flag.

A leaf of the gateway's import graph: the session core (``gateway.mcp``), the managed MCP servers
(``gateway.mcp_servers``) and the transports take a ``Services`` instead of the whole ``Gateway``, so
none of them imports the server module.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from gateway.config import GatewayConfig
from gateway.metrics import Metrics
from gateway.pool import WorkerPool

if TYPE_CHECKING:
    from gateway.resources import WorkspaceResources

__all__ = ["Services"]


class Services:
    """Owned by the ``Gateway``; ``draining`` is set once, when it starts shutting down."""

    def __init__(self, cfg: GatewayConfig, metrics: Metrics, pool: WorkerPool) -> None:
        self.cfg = cfg
        self.metrics = metrics
        self.pool = pool
        self.draining = False
        self.unsent = 0  # bytes of answers every session's transport has not sent yet (McpSession._send)
        # the workspace as MCP resources (off with --no-resources); set by the gateway, None when off
        self.resources: WorkspaceResources | None = None
        self._call_ids = itertools.count(1)
        self._job_ids = itertools.count(1)
        self._session_ids = itertools.count(1)
        self._terminal_ids = itertools.count(1)

    def next_call_id(self) -> int:
        return next(self._call_ids)

    def next_job_id(self) -> str:
        return f"job-{next(self._job_ids)}"

    def next_terminal_id(self) -> str:
        return f"term-{next(self._terminal_ids)}"

    def next_session_id(self) -> str:
        """An internal name (logs, job ownership); never a credential: Streamable HTTP sessions and
        stateless handles get a random public id besides it."""
        return f"s{next(self._session_ids)}"
