"""The gateway's Prometheus metrics, in one registry the gateway owns.

Workers do not expose metrics: they report durations and counts over their
socket and the gateway observes them here (no multiprocess mmap files).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest

from gateway.listener import REFUSAL_REASONS
from gateway.supervisor import RestartReason, SlotState
from shared.mcp_server_tools import ServerState

__all__ = ["CALL_DURATION_BUCKETS", "MCP_SERVER_STATES", "QUEUE_WAIT_BUCKETS", "RESTART_REASONS", "WORKER_STATES",
           "Metrics"]

OUTCOMES = ("ok", "error", "timeout", "cancelled", "worker_lost")
# Label values come from the state enums, so the metrics cannot name a state the code never sets
# or miss one it does.
MCP_SERVER_STATES: tuple[str, ...] = tuple(ServerState)
WORKER_STATES: tuple[str, ...] = tuple(SlotState)
RESTART_REASONS: tuple[str, ...] = tuple(RestartReason)

# Upper bounds in seconds.  A call takes 1-3 ms and mostly waits well under a millisecond for a worker, so
# both start at fractions of a millisecond; the alert thresholds (30 s p99 latency, 2 s p99 queue wait in
# deploy/prometheus/alerts.yml) are bounds themselves, so those quantiles are not interpolated across a wide
# bucket.  docs/operations.md lists them; tests/test_deploy.py holds the three together.
CALL_DURATION_BUCKETS = (0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05,
                         0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
QUEUE_WAIT_BUCKETS = (0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                      2, 5, 10, 30, 60, 120, 600)


class Metrics:
    def __init__(self) -> None:
        # No *_created series (the time each series was made): nothing here reads them, and they are a third
        # of what counters and histograms export.  A process-wide setting of prometheus_client; the gateway's
        # is the only registry in the process.
        disable_created_metrics()
        self.registry = CollectorRegistry()
        r = self.registry
        self.call_duration = Histogram(
            "sandbox_tool_call_duration_seconds",
            "Tool call duration from receipt by the gateway to the answer, by tool and outcome.",
            ["tool", "outcome"],
            buckets=CALL_DURATION_BUCKETS,
            registry=r,
        )
        self.queue_wait = Histogram(
            "sandbox_queue_wait_seconds",
            "Time a tool call waited for a worker slot.",
            buckets=QUEUE_WAIT_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge("sandbox_tool_calls_in_flight", "Tool calls received and not yet answered.",
                               registry=r)
        self.workers = Gauge("sandbox_workers", "Worker processes by state.", ["state"], registry=r)
        self.connections = Gauge("sandbox_websocket_connections", "Open WebSocket connections.", registry=r)
        self.sessions = Gauge("sandbox_sessions", "Initialized MCP sessions.", registry=r)
        self.max_sessions = Gauge("sandbox_max_sessions", "The --max-sessions limit.", registry=r)
        self.worker_restarts = Counter(
            "sandbox_worker_restarts_total",
            "Workers replaced, by reason (deadline, heartbeat, exited, boot_failure).",
            ["reason"],
            registry=r,
        )
        self.deadline_kills = Counter(
            "sandbox_deadline_kills_total", "Workers killed because a call missed its deadline.", registry=r
        )
        self.mcp_servers = Gauge("sandbox_mcp_servers", "Managed MCP servers by state.", ["state"], registry=r)
        self.mcp_server_restarts = Counter(
            "sandbox_mcp_server_restarts_total",
            "Restarts of a managed MCP server (crash, failed health checks, or its host process respawned).",
            ["server"],
            registry=r,
        )
        for state in MCP_SERVER_STATES:
            self.mcp_servers.labels(state)
        self.queue_depth = Gauge("sandbox_queue_depth", "Calls waiting for a worker slot.", registry=r)
        self.shell_spawn = Gauge(
            "sandbox_worker_shell_spawn",
            "Live workers by how they start call shells: fork (from their shell zygote) or exec.",
            ["mode"],
            registry=r,
        )
        self.zygote_restarts = Counter(
            "sandbox_shell_zygote_restarts_total",
            "Shell zygotes that died or stopped answering and were replaced (a call can kill or stop one).",
            registry=r,
        )
        self.connections_refused = Counter(
            "sandbox_connections_refused_total",
            "Connections refused before a session: auth (401), origin (403), limit (--max-pending-connections "
            "dropped the oldest, or --max-sessions 503), handshake_timeout (408 past --open-timeout), "
            "bad_request (400: malformed or duplicate headers, an unparsable request).",
            ["reason"],
            registry=r,
        )
        self.pending_connections = Gauge(
            "sandbox_pending_connections",
            "Connections accepted that have not authenticated, been answered or closed yet "
            "(at most --max-pending-connections).",
            registry=r,
        )
        for refusal in REFUSAL_REASONS:
            self.connections_refused.labels(refusal)
        for mode in ("fork", "exec"):
            self.shell_spawn.labels(mode)
        for worker_state in WORKER_STATES:
            self.workers.labels(worker_state)
        for reason in RESTART_REASONS:
            self.worker_restarts.labels(reason)

    def render(self) -> bytes:
        return generate_latest(self.registry)
