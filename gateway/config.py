"""Command-line flags and the gateway's configuration.

Every flag has a default, shown in ``--help``, and sits in the group of its concern (network, auth,
pool, deadlines, sessions, tools, limits, jobs, managed servers, logging); ``tests/test_operations.py``
parses ``--help`` to hold every flag to that.  Every number is checked against its range when the
flags are parsed, and sizes take units (``parse_bytes``).  A bad value ends the start in one line
naming the flag, the value and what is allowed, with exit status 2.
"""

from __future__ import annotations

import argparse
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn
from urllib.parse import urlsplit

from shared.config import MIB

__all__ = ["DEFAULT_TOKEN_FILE", "GatewayConfig", "build_parser", "format_bytes", "normalize_origin",
           "parse_bytes", "parse_config"]

DEFAULT_TOKEN_FILE = "~/.sandbox-gateway/token"
DEFAULT_PORT = 8765
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    workers: int = 2
    spare_workers: int = 1
    workspace: str = "./workspace"
    token: str | None = None
    no_auth: bool = False
    token_file: str = DEFAULT_TOKEN_FILE
    rotate_token: bool = False
    metrics_public: bool = False
    deadline_grace: float = 5.0
    default_timeout: float = 120.0
    max_timeout: float = 600.0
    max_calls_per_worker: int = 32
    max_queue: int = 1024
    heartbeat_interval: float = 1.0
    heartbeat_timeout: float = 10.0
    shutdown_grace: float = 30.0
    shutdown_linger: float = 2.0
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
    max_unsent_bytes: int = 32 * MIB  # per session: answers its client has not taken yet
    max_unsent_bytes_total: int = 256 * MIB  # every session's together
    rate_limit: float = 1000.0
    rate_burst: int = 2000
    max_jobs_per_session: int = 16
    job_output_bytes: int = 1 * MIB
    terminal_scrollback: int = 1000
    terminal_write: bool = False
    terminal_token: str | None = None  # the web terminal's own (None: off, unless no_auth)
    max_terminal_viewers: int = 16
    no_mcp_servers: bool = False
    mcp_max_servers: int = 16
    mcp_health_interval: float = 30.0
    mcp_max_line_bytes: int = 16 * MIB
    mcp_start_timeout: float = 30.0
    # files in and out: upload/download tools, /files, MCP resources
    max_upload_bytes: int = 8 * MIB
    max_download_bytes: int = 8 * MIB
    max_put_bytes: int = 4 * 1024 * MIB
    max_transfers: int = 16
    transfer_idle_timeout: float = 30.0
    resources: bool = True
    max_resource_subscriptions: int = 100
    max_resource_watches: int = 1024


# ---- values ---------------------------------------------------------------------------------

# One parser for every size flag.  K, M, G, T and KiB, MiB, GiB, TiB are powers of 1024 (what the help
# texts mean by "1 MiB"); kB, MB, GB, TB powers of 1000; a plain number is bytes.  Case does not matter,
# a space before the unit is allowed, and a fraction rounds down to whole bytes ("1.5G").
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30,
          "gib": 1 << 30, "t": 1 << 40, "tib": 1 << 40, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*)\s*", re.IGNORECASE)


def parse_bytes(text: str) -> int:
    """A size in bytes from ``512``, ``64K``, ``1M``, ``2GiB``, ``1.5 GB``...; ValueError with the reason."""
    m = _SIZE.fullmatch(text)
    unit = m.group(2).lower() if m else ""
    if m is None or unit not in _UNITS:
        raise ValueError(f"not a size: {text!r} (a number of bytes, optionally with a unit: K, M, G, T or "
                         "KiB, MiB, GiB, TiB = powers of 1024; kB, MB, GB, TB = powers of 1000)")
    return int(float(m.group(1)) * _UNITS[unit]) if "." in m.group(1) else int(m.group(1)) * _UNITS[unit]


def format_bytes(n: int) -> str:
    """``n`` bytes as the help texts write sizes: ``64 KiB``, ``2 GiB``, or a plain number of bytes."""
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return str(n)


def _range_text(minimum: float, maximum: float | None, exclusive: bool) -> str:
    if maximum is not None:
        return f"{minimum:g}-{maximum:g}"
    return f"> {minimum:g}" if exclusive else f"at least {minimum:g}"


def _integer(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    def check(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"must be {_range_text(minimum, maximum, False)}, got {text}")
        return value

    check.__name__ = "integer"
    return check


def _number(minimum: float = 0.0, *, exclusive: bool = True) -> Callable[[str], float]:
    """A finite number above ``minimum`` (or at least it, with ``exclusive=False``)."""

    def check(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value) or value < minimum or (exclusive and value == minimum):
            raise argparse.ArgumentTypeError(
                f"must be a finite number {_range_text(minimum, None, exclusive)}, got {text}")
        return value

    check.__name__ = "number"
    return check


def _size(minimum: int) -> Callable[[str], int]:
    def check(text: str) -> int:
        try:
            value = parse_bytes(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {format_bytes(minimum)}, got {text}")
        return value

    check.__name__ = "size"
    return check


def _log_level(text: str) -> str:
    level = text.strip().upper()
    if level not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a level; use one of {', '.join(LOG_LEVELS).lower()}")
    return level


def normalize_origin(text: str) -> str:
    """An ``--allowed-origin`` as browsers send Origin (``scheme://host[:port]``, lower case, no default
    port), so the exact comparison with the header matches; ValueError says what is wrong."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not an origin: {text!r} ({exc})") from None
    if not parts.scheme or not parts.hostname or parts.username is not None or parts.password is not None:
        raise ValueError(f"not an origin: {text!r}; write scheme://host[:port], e.g. https://app.example.com")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"an origin has no path, query or fragment: {text!r}; browsers send only "
                         "scheme://host[:port]")
    scheme, host = parts.scheme.lower(), parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


def _origin(text: str) -> str:
    try:
        return normalize_origin(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _token(text: str) -> str:
    if not text or any(c.isspace() for c in text) or not text.isascii():
        raise argparse.ArgumentTypeError("must be non-empty printable ASCII without spaces "
                                         "(clients send it in an Authorization header)")
    return text


# ---- the parser ---------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """Errors in one line (what, the value, what is allowed) instead of argparse's usage block."""

    def error(self, message: str) -> NoReturn:
        message = message.removeprefix("argument ")
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _shown(value: Any, kind: Any) -> str:
    if isinstance(value, bool):
        return "off"
    if getattr(kind, "__name__", "") == "size":
        return format_bytes(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _add(group: argparse._ArgumentGroup, flag: str, *, help: str, default: Any = None, shown: str | None = None,
         **kwargs: Any) -> None:
    """One flag with its default written out at the end of its help (``shown`` where the value itself
    would not say it, e.g. a default computed at start)."""
    text = shown if shown is not None else _shown(default, kwargs.get("type"))
    group.add_argument(flag, default=default, help=f"{help} (default: {text})".replace("%", "%%"), **kwargs)


def _switch(group: argparse._ArgumentGroup, flag: str, help: str) -> None:
    group.add_argument(flag, action="store_true", help=f"{help} (default: off)")


def build_parser() -> argparse.ArgumentParser:
    """The flags, one group per concern.  S is seconds, N a count, BYTES a size (``parse_bytes``)."""
    ap = _Parser(
        prog="sandbox-gateway",
        description="Sandbox MCP server: MCP over Streamable HTTP at http://HOST:PORT/mcp and over WebSocket at "
        "ws://HOST:PORT/mcp, tool calls run in an isolated, supervised worker pool; /metrics, /healthz, /readyz, "
        "/status on the same port.  S = seconds, N = a count, BYTES = a size: a number of bytes or with a unit "
        "(K, M, G, T and KiB, MiB, GiB, TiB are powers of 1024; kB, MB, GB, TB powers of 1000), e.g. 512K, 2GiB.",
    )

    net = ap.add_argument_group("network and connections")
    _add(net, "--host", default="127.0.0.1", metavar="HOST",
         help="address to listen on; a non-loopback one needs a token and protects /metrics with it")
    _add(net, "--port", type=_integer(0, 65535), default=None, metavar="PORT",
         shown="env SANDBOX_GATEWAY_PORT, else 8765", help="TCP port, 0-65535; 0 picks a free one (printed at start)")
    _add(net, "--listen-backlog", type=_integer(1), default=1024, metavar="N",
         help="connections the kernel queues until the gateway accepts them (listen(2) backlog, capped by "
         "net.core.somaxconn); beyond it the kernel drops new connections' SYNs and clients retry after 1 s, "
         "then 3 s")
    _add(net, "--max-pending-connections", type=_integer(1), default=256, metavar="N",
         help="connections held that have not authenticated yet; one more drops the oldest that has not sent "
         "its request")
    _add(net, "--max-http-connections", type=_integer(1), default=256, metavar="N",
         help="connections carrying Streamable HTTP after authenticating (a request being answered, a response "
         "stream, a kept-alive connection); at the limit the least recently used idle kept-alive one is "
         "closed, and when none is idle the request is answered 503")
    _add(net, "--keepalive-timeout", type=_number(), default=5.0, metavar="S",
         help="seconds an idle kept-alive HTTP connection stays open between requests")
    _add(net, "--open-timeout", type=_number(), default=3.0, metavar="S",
         help="seconds a new connection has to send a complete request (the WebSocket handshake or an HTTP "
         "request); past it, 408 and closed")
    _add(net, "--max-message-size", type=_size(256), default=16 * MIB, metavar="BYTES",
         help="largest message accepted: a larger WebSocket message closes with 1009, a larger HTTP request "
         "body gets 413")

    auth = ap.add_argument_group("authentication and access")
    _add(auth, "--token", type=_token, default=None, metavar="TOKEN",
         shown="env SANDBOX_GATEWAY_TOKEN, else the one in --token-file",
         help="bearer token clients must send (prefer the environment variable: arguments show in ps)")
    _add(auth, "--token-file", default=DEFAULT_TOKEN_FILE, metavar="FILE",
         help="where the token lives without --token and SANDBOX_GATEWAY_TOKEN: the token in it is used when "
         "there is one, else a random one is generated and written there (mode 0600)")
    _switch(auth, "--rotate-token", "generate a new token into --token-file even if it holds one (clients "
            "configured with the old one must be given the new one)")
    _switch(auth, "--no-auth", "accept clients without a token (loopback --host only)")
    _add(auth, "--allowed-origin", action="append", type=_origin, default=[], dest="allowed_origins",
         metavar="ORIGIN", shown="none: only pages of loopback origins",
         help="browser Origin allowed to connect, as scheme://host[:port] (repeatable); other Origins get 403")
    _switch(auth, "--metrics-public", "serve /metrics without the token on a non-loopback --host (for a "
            "scraper that cannot send one; keep the port private then); on loopback /metrics is always open")

    pool = ap.add_argument_group("worker pool")
    _add(pool, "--workers", type=_integer(1), default=max(2, os.cpu_count() or 2), metavar="N",
         shown="CPU count, at least 2", help="worker processes")
    _add(pool, "--spare-workers", type=_integer(0), default=1, metavar="N",
         help="workers booted ahead that take the place of a lost worker at once, so the pool is full again "
         "without waiting for a boot (0 = none)")
    _add(pool, "--max-calls-per-worker", type=_integer(1), default=32, metavar="N",
         help="calls one worker runs at once")
    _add(pool, "--max-queue", type=_integer(0), default=1024, metavar="N",
         help="calls waiting for a worker before 'overloaded' errors (0 = none wait)")
    _add(pool, "--heartbeat-interval", type=_number(), default=1.0, metavar="S",
         help="seconds between worker heartbeats")
    _add(pool, "--heartbeat-timeout", type=_number(), default=10.0, metavar="S",
         help="a worker silent this long is killed and replaced; more than --heartbeat-interval")
    _add(pool, "--boot-failure-limit", type=_integer(1), default=5, metavar="N",
         help="a worker slot that fails to boot this many times in a row is not respawned")
    _add(pool, "--isolation", choices=("auto", "pidns", "subreaper"), default="auto",
         help="how workers contain process trees: a pid namespace per worker, or a child subreaper (auto: "
         "pidns where the kernel allows it)")

    deadlines = ap.add_argument_group("deadlines and shutdown")
    _add(deadlines, "--default-timeout", type=_number(), default=120.0, metavar="S",
         help="a call's timeout when it gives none; at most --max-timeout")
    _add(deadlines, "--max-timeout", type=_number(), default=600.0, metavar="S",
         help="largest timeout a call may ask for (larger ones are capped)")
    _add(deadlines, "--deadline-grace", type=_number(), default=5.0, metavar="S",
         help="seconds past a call's timeout before its worker is killed")
    _add(deadlines, "--shutdown-grace", type=_number(exclusive=False), default=30.0, metavar="S",
         help="on SIGTERM, seconds in-flight calls get to finish; the rest are answered -32002")
    _add(deadlines, "--shutdown-linger", type=_number(exclusive=False), default=2.0, metavar="S",
         help="on SIGTERM, after the last answer: up to this long open sessions are still served (no new "
         "calls) until they are quiet for 0.5 s, so clients finish with their last answer")

    sessions = ap.add_argument_group("sessions")
    _add(sessions, "--max-sessions", type=_integer(1), default=256, metavar="N",
         help="concurrent MCP sessions of both transports")
    _add(sessions, "--session-idle-timeout", type=_number(), default=1800.0, metavar="S",
         help="close sessions idle this long")
    _add(sessions, "--session-max-age", type=_number(), default=86400.0, metavar="S",
         help="close sessions older than this")
    _add(sessions, "--max-calls-per-session", type=_integer(1), default=64, metavar="N",
         help="tool calls one session may have in flight")
    _add(sessions, "--max-unsent-bytes", type=_size(1), default=32 * MIB, metavar="BYTES",
         help="answers of one session its client has not taken yet; an answer past it is replaced by an error "
         "naming this flag (one answer always goes), so a client that stops reading cannot pin gateway memory")
    _add(sessions, "--max-unsent-bytes-total", type=_size(1), default=256 * MIB, metavar="BYTES",
         help="the same for every session's answers together")
    _add(sessions, "--rate-limit", type=_number(), default=1000.0, metavar="PER_S",
         help="tool calls per second per session, token bucket")
    _add(sessions, "--rate-burst", type=_integer(1), default=2000, metavar="N", help="token bucket size")

    tools = ap.add_argument_group("tools: where and how calls run")
    _add(tools, "--workspace", default="./workspace", metavar="DIR",
         help="directory tools run in (created when missing)")
    _add(tools, "--run-as", default="auto", metavar="USER",
         help="run tools as this user, a name or UID[:GID] (auto: 'nobody' when started as root and the "
         "workspace is reachable for it; '-' keeps the gateway's user)")
    _add(tools, "--call-isolation", choices=("auto", "pidns", "marker"), default="auto",
         help="how each call's processes are contained: 'pidns' makes every call's shell the init of a pid and "
         "mount namespace of its own (the kernel kills its whole tree, and it cannot see or signal any other "
         "session's processes; needs root), 'marker' finds a call's processes by parent links and an "
         "environment marker (auto: pidns where possible)")
    _switch(tools, "--no-network", "tools run in a network namespace with only loopback (needs pid/net "
            "namespaces)")
    _add(tools, "--shell-spawn", choices=("auto", "fork", "exec"), default="auto",
         help="how call shells start: 'fork' from one started bash per worker (a zygote; needs a C compiler "
         "once, to build its bash builtin), 'exec' a new bash each, 'auto' fork when the builtin builds, else "
         "exec")
    _add(tools, "--warm-shells", type=_integer(0), default=2, metavar="N",
         help="pre-started shells kept per worker (0 = spawn per call)")
    _add(tools, "--max-warm-shells", type=_integer(0), default=8, metavar="N",
         help="under load the pool grows toward the calls in flight up to this, and shrinks back by one shell a "
         "second when the load drops")
    _add(tools, "--max-output-bytes", type=_size(1), default=1 * MIB, metavar="BYTES",
         help="output kept per call, head and tail")
    _add(tools, "--max-pattern-bytes", type=_size(1), default=64 * 1024, metavar="BYTES",
         help="largest grep or glob pattern; longer ones are refused with an error naming this flag. Real "
         "patterns are short, and 64 KiB still compiles in milliseconds and fits one argument of rg's command "
         "line")

    limits = ap.add_argument_group("per-call resource limits (applied to each tool process before it runs; "
                                   "0 = none)")
    _add(limits, "--limit-address-space", type=_size(0), default=2 * 1024 * MIB, metavar="BYTES",
         help="RLIMIT_AS, virtual memory per process")
    _add(limits, "--limit-cpu-seconds", type=_integer(0), default=900, metavar="S", help="RLIMIT_CPU per process")
    _add(limits, "--limit-file-size", type=_size(0), default=4 * 1024 * MIB, metavar="BYTES",
         help="RLIMIT_FSIZE, largest file a tool may write")
    _add(limits, "--limit-open-files", type=_integer(0), default=4096, metavar="N",
         help="RLIMIT_NOFILE per process")
    _add(limits, "--limit-processes", type=_integer(0), default=1024, metavar="N",
         help="RLIMIT_NPROC for the tool user; binds only when tools do not run as root")

    jobs = ap.add_argument_group("background jobs (bash with run_in_background)")
    _add(jobs, "--max-jobs-per-session", type=_integer(1), default=16, metavar="N",
         help="background jobs one session may have running")
    _add(jobs, "--job-output-bytes", type=_size(1), default=1 * MIB, metavar="BYTES",
         help="output kept per background job, the newest bytes")

    terms = ap.add_argument_group("terminals (terminal_* tools, and the web terminal at /terminal)")
    _add(terms, "--terminal-scrollback", type=_integer(0), default=1000, metavar="N",
         help="lines kept per terminal that scrolled off its screen, for terminal_read's scrollback (0 = none); "
         "its raw output is bounded by --job-output-bytes")
    _add(terms, "--terminal-token", type=_token, metavar="TOKEN", shown="env SANDBOX_TERMINAL_TOKEN, else off",
         help="the web terminal's own token, for the people who watch: it shows every session's terminals, so "
         "it never takes the MCP token (prefer the variable: arguments show in ps)")
    _switch(terms, "--terminal-write", "let people type into terminals from the web terminal (else it only shows them)")
    _add(terms, "--max-terminal-viewers", type=_integer(1), default=16, metavar="N",
         help="web terminal connections open at once; more get 503")

    mcp = ap.add_argument_group("managed MCP servers (mcp_server_* tools; they run in one MCP host process)")
    _switch(mcp, "--no-mcp-servers", "disable managed MCP servers (the mcp_server_* tools are not offered)")
    _add(mcp, "--mcp-max-servers", type=_integer(1), default=16, metavar="N", help="managed MCP servers at once")
    _add(mcp, "--mcp-health-interval", type=_number(), default=30.0, metavar="S",
         help="seconds between health pings of each server")
    _add(mcp, "--mcp-max-line-bytes", type=_size(1), default=16 * MIB, metavar="BYTES",
         help="largest message a server may send (stdio line, SSE event, HTTP body)")
    _add(mcp, "--mcp-start-timeout", type=_number(), default=30.0, metavar="S",
         help="time a server gets to start, connect, initialize and list its tools")


    files = ap.add_argument_group("files in and out (upload, download, /files, resources)")
    _add(files, "--max-upload-bytes", type=_size(1), default=8 * MIB, metavar="BYTES",
         help="largest file the upload tool takes (decoded; its base64 must also fit --max-message-size)")
    _add(files, "--max-download-bytes", type=_size(1), default=8 * MIB, metavar="BYTES",
         help="largest file download embeds as a blob (larger ones get a resource_link to GET /files) and "
         "resources/read returns")
    _add(files, "--max-put-bytes", type=_size(1), default=4 * 1024 * MIB, metavar="BYTES",
         help="largest PUT /files body; larger ones get 413 before anything is written")
    _add(files, "--max-transfers", type=_integer(1), default=16, metavar="N",
         help="PUT and GET /files transfers at once; more get 503")
    _add(files, "--transfer-idle-timeout", type=_number(), default=30.0, metavar="S",
         help="a /files transfer that moves no byte for this long is cut: a stalled upload is discarded, a "
         "download whose client stops reading is closed")
    _switch(files, "--no-resources", "do not offer the workspace's files as MCP resources (file:///{path}, with "
            "subscriptions); they are offered unless this is given")
    _add(files, "--max-resource-subscriptions", type=_integer(1), default=100, metavar="N",
         help="resources one session may subscribe to")
    _add(files, "--max-resource-watches", type=_integer(1), default=1024, metavar="N",
         help="directories the gateway watches (inotify) for every session's subscriptions together")

    logs = ap.add_argument_group("logging (on stderr)")
    _add(logs, "--log-level", type=_log_level, default="INFO", metavar="{debug,info,warning,error}",
         shown="info", help="the least severe level logged (any case)")
    _add(logs, "--log-format", choices=("text", "json"), default="text",
         help="text lines, or one JSON object per line")
    return ap


def parse_config(argv: list[str] | None = None) -> GatewayConfig:
    """The configuration from ``argv``; a bad flag (or combination) exits in one line, status 2."""
    ap = build_parser()
    ns = ap.parse_args(argv)
    if ns.port is None:
        # The container image sets the port here, so its HEALTHCHECK reads the same value.
        env_port = os.environ.get("SANDBOX_GATEWAY_PORT")
        try:
            ns.port = _integer(0, 65535)(env_port) if env_port else DEFAULT_PORT
        except argparse.ArgumentTypeError as exc:
            ap.error(f"SANDBOX_GATEWAY_PORT: {exc}")
    if ns.no_auth and ns.token:
        ap.error("--no-auth and --token contradict each other; give one")
    env = os.environ.get("SANDBOX_GATEWAY_TOKEN")
    if ns.token is None and env and not ns.no_auth:
        try:
            ns.token = _token(env)
        except argparse.ArgumentTypeError as exc:
            ap.error(f"SANDBOX_GATEWAY_TOKEN: {exc}")
    env_terminal = os.environ.get("SANDBOX_TERMINAL_TOKEN")
    if ns.terminal_token is None and env_terminal:
        try:
            ns.terminal_token = _token(env_terminal)
        except argparse.ArgumentTypeError as exc:
            ap.error(f"SANDBOX_TERMINAL_TOKEN: {exc}")
    if ns.terminal_token is not None and ns.terminal_token == ns.token:
        ap.error("--terminal-token is the MCP token: every agent holds that one, and the web terminal shows every "
                 "session's terminals; give the web terminal a token of its own")
    if ns.max_timeout < ns.default_timeout:
        ap.error(f"--default-timeout {ns.default_timeout:g} must not exceed --max-timeout {ns.max_timeout:g}")
    if ns.heartbeat_timeout <= ns.heartbeat_interval:
        ap.error(f"--heartbeat-timeout {ns.heartbeat_timeout:g} must be more than --heartbeat-interval "
                 f"{ns.heartbeat_interval:g}, or every worker would be killed as silent")
    if ns.rotate_token and (ns.no_auth or ns.token):
        ap.error("--rotate-token renews the token in --token-file; it does not go with --no-auth, --token or "
                 "SANDBOX_GATEWAY_TOKEN (rotate that one where it is set)")
    values = vars(ns)
    values["allowed_origins"] = tuple(dict.fromkeys(values["allowed_origins"]))
    values["resources"] = not values.pop("no_resources")
    return GatewayConfig(**values)

