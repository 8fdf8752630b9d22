"""Command-line flags and the gateway's configuration (every limit has a flag and a default)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from shared.config import MIB

__all__ = ["GatewayConfig", "build_parser", "parse_config"]


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    workers: int = 2
    spare_workers: int = 1
    workspace: str = "./workspace"
    token: str | None = None
    no_auth: bool = False
    token_file: str | None = None
    deadline_grace: float = 5.0
    default_timeout: float = 120.0
    max_timeout: float = 600.0
    max_calls_per_worker: int = 32
    max_queue: int = 1024
    heartbeat_interval: float = 1.0
    heartbeat_timeout: float = 10.0
    shutdown_grace: float = 30.0
    isolation: str = "auto"
    call_isolation: str = "auto"  # resolved by main() to "pidns" or "marker"
    warm_shells: int = 2
    max_warm_shells: int = 8
    shell_spawn: str = "auto"
    shell_builtin: str = ""  # set by main() from --shell-spawn: the zygote's compiled builtin
    max_output_bytes: int = 1 * MIB
    max_pattern_bytes: int = 64 * 1024
    max_message_size: int = 16 * MIB
    max_sessions: int = 256
    max_pending_connections: int = 256
    max_http_connections: int = 256
    keepalive_timeout: float = 5.0
    listen_backlog: int = 1024
    open_timeout: float = 3.0
    boot_failure_limit: int = 5
    log_level: str = "INFO"
    log_format: str = "text"
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    limit_address_space: int = 2 * 1024 * MIB
    limit_cpu_seconds: int = 900
    limit_file_size: int = 4 * 1024 * MIB
    limit_open_files: int = 4096
    limit_processes: int = 1024
    run_as: str = "auto"
    no_network: bool = False
    session_idle_timeout: float = 1800.0
    session_max_age: float = 86400.0
    max_calls_per_session: int = 64
    rate_limit: float = 1000.0
    rate_burst: int = 2000
    max_jobs_per_session: int = 16
    job_output_bytes: int = 1 * MIB
    terminal_scrollback: int = 1000
    terminal_write: bool = False
    max_terminal_viewers: int = 16
    no_mcp_servers: bool = False
    mcp_max_servers: int = 16
    mcp_health_interval: float = 30.0
    mcp_max_line_bytes: int = 16 * MIB
    mcp_start_timeout: float = 30.0


_Number = TypeVar("_Number", int, float)


def _positive(kind: Callable[[str], _Number]) -> Callable[[str], _Number]:
    def check(text: str) -> _Number:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
        return value

    return check


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="sandbox-gateway",
        description="Sandbox MCP server: MCP over Streamable HTTP at http://HOST:PORT/mcp and over WebSocket at "
        "ws://HOST:PORT/mcp, tool calls run in an isolated, supervised worker pool; /metrics, /healthz, /readyz, "
        "/status on the same port.",
    )
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    ap.add_argument("--port", type=int, default=8765, help="port (default %(default)s; 0 = pick a free one)")
    ap.add_argument("--workers", type=_positive(int), default=max(2, os.cpu_count() or 2),
                    help="worker processes (default: CPU count, at least 2)")
    ap.add_argument("--spare-workers", type=int, default=1, metavar="N",
                    help="workers booted ahead that take the place of a lost worker at once, so the pool is "
                    "full again without waiting for a boot (0 = none; default %(default)s)")
    ap.add_argument("--workspace", default="./workspace", help="directory tools run in (created)")
    ap.add_argument("--token", default=os.environ.get("SANDBOX_GATEWAY_TOKEN"),
                    help="bearer token clients must send (default: env SANDBOX_GATEWAY_TOKEN; "
                    "without it and without --no-auth a random token is generated)")
    ap.add_argument("--no-auth", action="store_true", help="accept clients without a token (loopback only)")
    ap.add_argument("--token-file", default=None,
                    help="where a generated token is written, mode 0600 (default: ~/.sandbox-gateway/token)")
    ap.add_argument("--deadline-grace", type=float, default=5.0,
                    help="seconds past a call's timeout before its worker is killed (default %(default)s)")
    ap.add_argument("--default-timeout", type=_positive(float), default=120.0,
                    help="bash timeout when a call gives none (default %(default)s s)")
    ap.add_argument("--max-timeout", type=_positive(float), default=600.0,
                    help="largest timeout a call may ask for (default %(default)s s)")
    ap.add_argument("--max-calls-per-worker", type=_positive(int), default=32,
                    help="calls one worker runs at once (default %(default)s)")
    ap.add_argument("--max-queue", type=int, default=1024,
                    help="calls waiting for a worker before 'overloaded' errors (default %(default)s)")
    ap.add_argument("--heartbeat-interval", type=_positive(float), default=1.0,
                    help="seconds between worker heartbeats (default %(default)s)")
    ap.add_argument("--heartbeat-timeout", type=_positive(float), default=10.0,
                    help="a worker silent this long is killed and replaced (default %(default)s s)")
    ap.add_argument("--boot-failure-limit", type=_positive(int), default=5, metavar="N",
                    help="a worker slot that fails to boot this many times in a row is not respawned "
                    "(default %(default)s)")
    ap.add_argument("--shutdown-grace", type=float, default=30.0,
                    help="on SIGTERM, seconds in-flight calls get to finish (default %(default)s)")
    ap.add_argument("--isolation", choices=("auto", "pidns", "subreaper"), default="auto",
                    help="how workers contain process trees: a pid namespace per worker, or a child "
                    "subreaper (auto: pidns where the kernel allows it)")
    ap.add_argument("--call-isolation", choices=("auto", "pidns", "marker"), default="auto",
                    help="how each call's processes are contained: 'pidns' makes every call's shell the init of a "
                    "pid and mount namespace of its own (the kernel kills its whole tree, and it cannot see or "
                    "signal any other session's processes; needs root), 'marker' finds a call's processes by "
                    "parent links and an environment marker (auto: pidns where possible; default %(default)s)")
    ap.add_argument("--warm-shells", type=int, default=2,
                    help="pre-started shells kept per worker (0 = spawn per call; default %(default)s)")
    ap.add_argument("--max-warm-shells", type=int, default=8,
                    help="under load the pool grows toward the calls in flight up to this, and shrinks back "
                    "by one shell a second when the load drops (default %(default)s)")
    ap.add_argument("--shell-spawn", choices=("auto", "fork", "exec"), default="auto",
                    help="how call shells start: 'fork' from one started bash per worker (a zygote; needs a C "
                    "compiler once, to build its bash builtin), 'exec' a new bash each, 'auto' fork when the "
                    "builtin builds, else exec (default %(default)s)")
    ap.add_argument("--max-output-bytes", type=_positive(int), default=1 * MIB,
                    help="output kept per call, head and tail (default %(default)s)")
    ap.add_argument("--max-pattern-bytes", type=_positive(int), default=64 * 1024, metavar="BYTES",
                    help="largest grep or glob pattern; longer ones are refused with an error naming this flag. "
                    "Real patterns are short, and 64 KiB still compiles in milliseconds and fits one argument "
                    "of rg's command line (default 64 KiB)")
    ap.add_argument("--max-message-size", type=_positive(int), default=16 * MIB,
                    help="largest message accepted: a larger WebSocket message closes with 1009, a larger HTTP "
                    "request body gets 413 (default %(default)s)")
    ap.add_argument("--max-sessions", type=_positive(int), default=256,
                    help="concurrent MCP sessions (default %(default)s)")
    ap.add_argument("--max-pending-connections", type=_positive(int), default=256, metavar="N",
                    help="connections held that have not authenticated yet; one more drops the oldest that "
                    "has not sent its request (default %(default)s)")
    ap.add_argument("--max-http-connections", type=_positive(int), default=256, metavar="N",
                    help="connections carrying Streamable HTTP after authenticating (a request being answered, a "
                    "response stream, a kept-alive connection); at the limit the least recently used idle kept-alive "
                    "one is closed, and when none is idle the request is answered 503 (default %(default)s)")
    ap.add_argument("--keepalive-timeout", type=_positive(float), default=5.0, metavar="S",
                    help="seconds an idle kept-alive HTTP connection stays open between requests "
                    "(default %(default)s)")
    ap.add_argument("--listen-backlog", type=_positive(int), default=1024, metavar="N",
                    help="connections the kernel queues until the gateway accepts them (listen(2) backlog, "
                    "capped by net.core.somaxconn); beyond it the kernel drops new connections' SYNs and "
                    "clients retry after 1 s, then 3 s (default %(default)s)")
    ap.add_argument("--open-timeout", type=_positive(float), default=3.0, metavar="S",
                    help="seconds a new connection has to send a complete request (the WebSocket handshake or "
                    "an HTTP request); past it, 408 and closed (default %(default)s)")
    ap.add_argument("--allowed-origin", action="append", default=[], dest="allowed_origins",
                    help="browser Origin allowed to connect (repeatable); other Origins get 403")
    limits = ap.add_argument_group("per-call resource limits (applied to each shell before it runs; 0 = none)")
    limits.add_argument("--limit-address-space", type=int, default=2 * 1024 * MIB, metavar="BYTES",
                        help="RLIMIT_AS, virtual memory per process (default 2 GiB)")
    limits.add_argument("--limit-cpu-seconds", type=int, default=900, metavar="N",
                        help="RLIMIT_CPU per process (default %(default)s)")
    limits.add_argument("--limit-file-size", type=int, default=4 * 1024 * MIB, metavar="BYTES",
                        help="RLIMIT_FSIZE, largest file a tool may write (default 4 GiB)")
    limits.add_argument("--limit-open-files", type=int, default=4096, metavar="N",
                        help="RLIMIT_NOFILE per process (default %(default)s)")
    limits.add_argument("--limit-processes", type=int, default=1024, metavar="N",
                        help="RLIMIT_NPROC for the tool user; binds only when tools do not run as root "
                        "(default %(default)s)")
    limits.add_argument("--run-as", default="auto", metavar="USER",
                        help="run tools as this user, a name or UID[:GID] (auto: 'nobody' when started as root "
                        "and the workspace is reachable for it; '-' keeps the gateway's user)")
    limits.add_argument("--no-network", action="store_true",
                        help="tools run in a network namespace with only loopback (needs pid/net namespaces)")
    sessions = ap.add_argument_group("sessions")
    sessions.add_argument("--session-idle-timeout", type=_positive(float), default=1800.0, metavar="S",
                          help="close sessions idle this long (default %(default)s)")
    sessions.add_argument("--session-max-age", type=_positive(float), default=86400.0, metavar="S",
                          help="close sessions older than this (default %(default)s)")
    sessions.add_argument("--max-calls-per-session", type=_positive(int), default=64, metavar="N",
                          help="tool calls one session may have in flight (default %(default)s)")
    sessions.add_argument("--rate-limit", type=_positive(float), default=1000.0, metavar="PER_S",
                          help="tool calls per second per session, token bucket (default %(default)s)")
    sessions.add_argument("--rate-burst", type=_positive(int), default=2000, metavar="N",
                          help="token bucket size (default %(default)s)")
    jobs = ap.add_argument_group("background jobs (bash with run_in_background)")
    jobs.add_argument("--max-jobs-per-session", type=_positive(int), default=16, metavar="N",
                      help="background jobs one session may have running (default %(default)s)")
    jobs.add_argument("--job-output-bytes", type=_positive(int), default=1 * MIB, metavar="BYTES",
                      help="output kept per background job, the newest bytes (default 1 MiB)")
    terms = ap.add_argument_group("terminals (terminal_* tools, and the web terminal at /terminal)")
    terms.add_argument("--terminal-scrollback", type=_non_negative_int, default=1000, metavar="LINES",
                       help="lines kept per terminal that scrolled off its screen, for terminal_read's scrollback "
                       "(0 = none; default %(default)s); its raw output is bounded by --job-output-bytes")
    terms.add_argument("--terminal-write", action="store_true",
                       help="let people type into terminals from the web terminal (default: it only shows them)")
    terms.add_argument("--max-terminal-viewers", type=_positive(int), default=16, metavar="N",
                       help="web terminal connections open at once; more get 503 (default %(default)s)")
    mcp = ap.add_argument_group("managed MCP servers (mcp_server_* tools; they run in one MCP host process)")
    mcp.add_argument("--no-mcp-servers", action="store_true",
                     help="disable managed MCP servers (the mcp_server_* tools are not offered)")
    mcp.add_argument("--mcp-max-servers", type=_positive(int), default=16, metavar="N",
                     help="managed MCP servers at once (default %(default)s)")
    mcp.add_argument("--mcp-health-interval", type=_positive(float), default=30.0, metavar="S",
                     help="seconds between health pings of each server (default %(default)s)")
    mcp.add_argument("--mcp-max-line-bytes", type=_positive(int), default=16 * MIB, metavar="BYTES",
                     help="largest message a server may send (stdio line, SSE event, HTTP body; default 16 MiB)")
    mcp.add_argument("--mcp-start-timeout", type=_positive(float), default=30.0, metavar="S",
                     help="time a server gets to start, connect, initialize and list its tools "
                     "(default %(default)s)")
    ap.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING, ERROR (default %(default)s)")
    ap.add_argument("--log-format", choices=("text", "json"), default="text", help="log line format")
    return ap


def parse_config(argv: list[str] | None = None) -> GatewayConfig:
    ns = build_parser().parse_args(argv)
    if ns.max_timeout < ns.default_timeout:
        raise SystemExit("sandbox-gateway: --default-timeout must not exceed --max-timeout")
    values = vars(ns)
    values["allowed_origins"] = tuple(values["allowed_origins"])
    return GatewayConfig(**values)
