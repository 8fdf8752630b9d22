"""The MCP host: a worker role that runs users' MCP servers and proxies their tools.

It is a worker process like the others (own session and pid namespace, heartbeats,
supervised and respawned by the gateway) but it runs no bash calls: it starts
managed servers through the same shell stub as calls (limits, tool user, marker,
killed as a tree), talks MCP to them with ``worker.mcp_clients``, and answers the
``mcp_server_*`` tools and proxied ``<server>__<tool>`` calls.

Ownership: each ``ManagedServer`` owns one supervisor task, which owns the
server's process, its connection and its restarts; ``McpHost`` owns the
servers and the one health task.  Whenever a server changes, the host sends
the gateway a ``ServersUpdate`` (states, tool lists, specs to restore after a
respawn of this process).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import shutil
import socket
import sys
import sysconfig
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

from shared import mcp_server_tools as mst
from shared import protocol as p
from shared.config import WorkerConfig
from shared.mcp_server_tools import SERVING_STATES, ServerState
from shared.states import check_transition
from shared.tools import BashArgs, ToolArgsError, validate_args
from worker.mcp_clients import (
    McpClientError,
    McpConnection,
    RemoteError,
    ServerInfo,
    SseConnection,
    StdioConnection,
    StreamableHttpConnection,
    initialize,
)
from worker.procs import Program, read_available
from worker.worker import Worker

__all__ = ["SERVER_TRANSITIONS", "ManagedServer", "McpHost"]

logger = logging.getLogger("worker.mcp_host")

MAX_RESTARTS = 5  # consecutive failed (re)starts before a server is given up
RESTART_BACKOFF_MAX = 30.0
STABLE_AFTER = 60.0  # a server up this long has its failure count reset
UNHEALTHY_RESTART_AFTER = 3  # failed health pings in a row before an on-failure server is restarted
PORT_WAIT_STEP = 0.05
OUTPUT_RING = 64 * 1024
INSTALL_DIR = ".mcp-servers"

SERVER_TRANSITIONS: dict[ServerState, frozenset[ServerState]] = {
    ServerState.STARTING: frozenset({ServerState.RUNNING, ServerState.RESTARTING, ServerState.FAILED,
                                     ServerState.STOPPED}),
    ServerState.RUNNING: frozenset({ServerState.UNHEALTHY, ServerState.RESTARTING, ServerState.FAILED,
                                    ServerState.STOPPED}),
    ServerState.UNHEALTHY: frozenset({ServerState.RUNNING, ServerState.RESTARTING, ServerState.FAILED,
                                      ServerState.STOPPED}),
    ServerState.RESTARTING: frozenset({ServerState.STARTING, ServerState.STOPPED}),
    ServerState.FAILED: frozenset({ServerState.STOPPED}),
    ServerState.STOPPED: frozenset(),
}


class StartFailed(Exception):
    """A server could not be started (spawn, connect, initialize or tools/list failed)."""


class _Ring:
    """The newest ``cap`` bytes of a stream (a spawned HTTP server's stdout and stderr)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data = bytearray()

    def append(self, chunk: bytes) -> None:
        self.data += chunk
        if len(self.data) > 2 * self.cap:
            del self.data[: len(self.data) - self.cap]

    def tail(self, n: int = 2000) -> str:
        return bytes(self.data[-n:]).decode("utf-8", "replace")


class ManagedServer:
    """One user MCP server: its spec, process, connection, state and restarts.

    ``state`` changes only through its setter (``SERVER_TRANSITIONS``, each change logged)."""

    def __init__(self, host: McpHost, spec: mst.McpServerStartArgs) -> None:
        self.host = host
        self.spec = spec
        self.name = spec.name
        self._state = ServerState.STARTING
        self.restarts = 0
        self.failures = 0
        self.last_error = ""
        self.started_at: float | None = None
        self.program: Program | None = None
        self.conn: McpConnection | None = None
        self.info: ServerInfo | None = None
        self.tools: list[dict[str, Any]] = []
        self.output = _Ring(OUTPUT_RING)
        self.health_failures = 0
        self.first_start: asyncio.Future[None] = host.loop.create_future()
        self.restart_requested: asyncio.Future[str] = host.loop.create_future()
        self.task: asyncio.Task[None] | None = None
        self._readers: list[int] = []
        self._refresh: asyncio.Task[None] | None = None

    @property
    def state(self) -> ServerState:
        return self._state

    @state.setter
    def state(self, new: ServerState) -> None:
        check_transition(SERVER_TRANSITIONS, self._state, new, f"mcp server {self.name}", logger)
        self._state = new

    # ---- life cycle -------------------------------------------------------------------

    async def supervise(self) -> None:
        """Start the server, wait for it to fail, restart it (policy permitting); owns every resource."""
        try:
            while True:
                try:
                    async with asyncio.timeout(self.host.cfg.mcp_start_timeout):
                        await self._launch()
                except (McpClientError, StartFailed, OSError, ValueError, TimeoutError) as exc:
                    reason = self._describe_failure(exc)
                    await self._teardown()
                    if not self.first_start.done():
                        self.state = ServerState.FAILED
                        self.last_error = reason
                        self.first_start.set_exception(StartFailed(reason))
                        return
                    if not await self._after_failure(reason):
                        return
                    continue
                self.state = ServerState.RUNNING
                self.started_at = time.monotonic()
                self.health_failures = 0
                if not self.first_start.done():
                    self.first_start.set_result(None)
                self.host.report()
                reason = await self._wait_for_failure()
                await self._teardown()
                if time.monotonic() - (self.started_at or 0) > STABLE_AFTER:
                    self.failures = 0
                if not await self._after_failure(reason):
                    return
        finally:
            await self._teardown()

    async def _after_failure(self, reason: str) -> bool:
        """Record a failure; True when the server is to be started again (after a backoff)."""
        self.last_error = reason
        self.failures += 1
        if self.spec.restart == "never":
            self.state = ServerState.FAILED
            logger.warning("mcp server %s failed and is not restarted (restart: never): %s", self.name, reason)
            self.host.report()
            return False
        if self.failures > MAX_RESTARTS:
            self.state = ServerState.FAILED
            logger.warning("mcp server %s failed %d times in a row; giving up: %s",
                           self.name, self.failures, reason)
            self.host.report()
            return False
        delay = min(0.25 * 2 ** (self.failures - 1), RESTART_BACKOFF_MAX)
        self.state = ServerState.RESTARTING
        self.restarts += 1
        logger.warning("mcp server %s failed (%s); restarting in %.2f s (restart %d)",
                       self.name, reason, delay, self.restarts)
        self.host.report()
        await asyncio.sleep(delay)
        self.state = ServerState.STARTING
        return True

    def _describe_failure(self, exc: BaseException) -> str:
        if isinstance(exc, TimeoutError):
            text = f"did not start within --mcp-start-timeout={self.host.cfg.mcp_start_timeout:g}s"
        else:
            text = str(exc) or type(exc).__name__
        tail = self.stderr_tail(600)
        return f"{text}; output: {tail}" if tail and tail not in text else text

    async def _launch(self) -> None:
        spec = self.spec
        cfg = self.host.cfg
        self.restart_requested = self.host.loop.create_future()
        if spec.transport == "stdio":
            assert spec.command is not None
            self.program = await self.host.spawn_server([spec.command, *spec.args], spec.env)
            prog = self.program
            stdio = StdioConnection(prog.stdin_fd, prog.stdout_fd, prog.stderr_fd, prog.exit,
                                    max_line=cfg.mcp_max_line_bytes)
            prog.stdin_fd = prog.stdout_fd = prog.stderr_fd = -1  # the connection owns them now
            self.conn = stdio
            await stdio.start()
        else:
            url = spec.url
            if spec.command:
                port = _free_port()
                self.program = await self.host.spawn_server([spec.command, *spec.args], {**spec.env, "PORT": str(port)})
                self._drain_output(self.program)
                if url is None:
                    url = f"http://127.0.0.1:{port}" + ("/sse" if spec.transport == "sse" else "/mcp")
                await self._wait_for_port(url)
            assert url is not None
            if spec.transport == "sse":
                sse = SseConnection(url, max_event=cfg.mcp_max_line_bytes)
                self.conn = sse
                await sse.start(cfg.mcp_start_timeout)
            else:
                http = StreamableHttpConnection(url, max_body=cfg.mcp_max_line_bytes)
                self.conn = http
                await http.start()
        self.conn.on_notification = self._on_notification
        self.info = await initialize(self.conn, cfg.mcp_start_timeout)
        self.tools = await self.list_tools()

    async def list_tools(self) -> list[dict[str, Any]]:
        assert self.conn is not None
        tools: list[dict[str, Any]] = []
        cursor = None
        for _ in range(100):  # pages; a server that pages forever is cut off
            result = await self.conn.request("tools/list", {"cursor": cursor} if cursor else {},
                                             self.host.cfg.mcp_start_timeout)
            tools += [t for t in result.get("tools", []) if isinstance(t, dict) and isinstance(t.get("name"), str)]
            cursor = result.get("nextCursor")
            if not cursor:
                break
        return tools

    async def _port_open(self, host: str, port: int) -> bool:
        try:
            _, writer = await asyncio.open_connection(host, port)
        except OSError:
            return False
        writer.close()
        return True

    async def _wait_for_port(self, url: str) -> None:
        """The spawned server listens once its port accepts; bounded by the caller's start timeout."""
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or (443 if parts.scheme == "https" else 80)
        prog = self.program
        while not await self._port_open(host, port):
            if prog is not None and prog.exit.done():
                raise StartFailed(f"the server process exited with status {prog.exit.result()} before listening "
                                  f"on port {port}")
            await asyncio.sleep(PORT_WAIT_STEP)

    def _drain_output(self, prog: Program) -> None:
        """A spawned HTTP/SSE server's stdout and stderr go to a bounded ring (never block it)."""
        for fd in (prog.stdout_fd, prog.stderr_fd):
            def on_readable(fd: int = fd) -> None:
                if read_available(fd, self.output.append, 1 << 20):
                    self.host.loop.remove_reader(fd)
                    self._readers.remove(fd)
            self.host.loop.add_reader(fd, on_readable)
            self._readers.append(fd)

    async def _wait_for_failure(self) -> str:
        assert self.conn is not None
        waits: list[asyncio.Future[Any]] = [self.conn.closed, self.restart_requested]
        if self.program is not None:
            waits.append(self.program.exit)
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        if self.restart_requested.done():
            return self.restart_requested.result()
        if self.program is not None and self.program.exit.done():
            return f"the server process exited with status {self.program.exit.result()}"
        return f"connection lost: {self.conn.closed.result()}"

    async def _teardown(self) -> None:
        """Close the connection, kill the server's whole tree; safe to call twice."""
        if self._refresh is not None:
            self._refresh.cancel()
            self._refresh = None
        conn, self.conn = self.conn, None
        if conn is not None:
            await conn.close()
        for fd in self._readers:
            self.host.loop.remove_reader(fd)
        self._readers.clear()
        prog, self.program = self.program, None
        if prog is not None:
            await self.host.kill_program(prog)
            for fd in (prog.stdin_fd, prog.stdout_fd, prog.stderr_fd):
                if fd >= 0:
                    os.close(fd)
        self.tools = []
        self.started_at = None

    # ---- requests ---------------------------------------------------------------------

    def _on_notification(self, method: str, params: dict[str, Any]) -> None:
        if method == "notifications/tools/list_changed" and self.state in SERVING_STATES:
            if self._refresh is None or self._refresh.done():
                self._refresh = self.host.tasks.spawn(self._refresh_tools(), f"mcp-tools-refresh-{self.name}")

    async def _refresh_tools(self) -> None:
        try:
            self.tools = await self.list_tools()
        except McpClientError as exc:
            logger.debug("mcp server %s: tools/list after list_changed failed: %s", self.name, exc)
            return
        self.host.report()

    async def request(self, method: str, params: dict[str, Any], request_timeout: float) -> dict[str, Any]:
        if self.conn is None or self.state not in SERVING_STATES:
            raise McpClientError(f"mcp server {self.name!r} is not running (state {self.state}"
                                 + (f"; last error: {self.last_error}" if self.last_error else "") + ")")
        return await self.conn.request(method, params, request_timeout)

    async def check_health(self, ping_timeout: float) -> None:
        """One ping; state changes are logged at WARNING, healthy pings at DEBUG."""
        if self.conn is None or self.state not in SERVING_STATES:
            return
        try:
            await self.conn.request("ping", None, ping_timeout)
        except McpClientError as exc:
            self.health_failures += 1
            if self.state is ServerState.RUNNING:
                self.state = ServerState.UNHEALTHY
                logger.warning("mcp server %s is unhealthy: ping failed: %s", self.name, exc)
                self.host.report()
            if (self.health_failures >= UNHEALTHY_RESTART_AFTER and self.spec.restart == "on-failure"
                    and not self.restart_requested.done()):
                self.restart_requested.set_result(f"{self.health_failures} health checks failed in a row ({exc})")
            return
        self.health_failures = 0
        if self.state is ServerState.UNHEALTHY:
            self.state = ServerState.RUNNING
            logger.warning("mcp server %s is healthy again", self.name)
            self.host.report()
        else:
            logger.debug("mcp server %s healthy", self.name)

    def stderr_tail(self, n: int = 2000) -> str:
        if isinstance(self.conn, StdioConnection):
            return self.conn.stderr_tail()[-n:]
        return self.output.tail(n)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "transport": self.spec.transport,
            "state": self.state,
            "pid": self.program.pid if self.program is not None else None,
            "restarts": self.restarts,
            "last_error": self.last_error or None,
            "uptime_s": round(time.monotonic() - self.started_at, 3) if self.started_at else None,
            "server": {"name": self.info.name, "version": self.info.version} if self.info else None,
            "tools": len(self.tools),
            "stderr_tail": self.stderr_tail(1000),
        }


class McpHost(Worker):
    """The worker role that owns managed MCP servers (no bash calls, no warm shells)."""

    def __init__(self, cfg: WorkerConfig, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(cfg, loop)
        self.warm_target = 0
        self.servers: dict[str, ManagedServer] = {}
        self.prefix = Path(cfg.workspace, INSTALL_DIR)
        self.health: asyncio.Task[None] | None = None
        self._reported: bytes = b""

    # ---- processes --------------------------------------------------------------------

    def server_env(self, extra: dict[str, str]) -> dict[str, str]:
        pip_prefix = self.prefix / "pip"
        site = sysconfig.get_path("purelib", vars={"base": str(pip_prefix), "platbase": str(pip_prefix)})
        path = os.pathsep.join([str(pip_prefix / "bin"), str(self.prefix / "npm" / "node_modules" / ".bin"),
                                self.base_env.get("PATH", "/usr/bin:/bin")])
        env = {"PATH": path, "PYTHONPATH": site, "PYTHONUNBUFFERED": "1"}
        env.update(extra)
        return env

    async def spawn_server(self, argv: list[str], extra_env: dict[str, str]) -> Program:
        env = self.server_env(extra_env)
        prog = await self.factory.spawn_program(argv, cwd=self.runner.workspace, extra_env=env)
        pid = prog.pid
        self.owned.add(pid)
        prog.exit.add_done_callback(lambda _f: self.owned.discard(pid))
        return prog

    async def kill_program(self, prog: Program) -> None:
        """Kill the server's whole tree; return once it is dead (its port free), or after 1 s."""
        await self.until_gone(self.factory.kill(prog, alive=not prog.exit.done(), exclude=self.owned), limit=1.0)

    # ---- reporting --------------------------------------------------------------------

    def report(self) -> None:
        """Tell the gateway about every server (deduplicated: only when something changed)."""
        reports = [
            p.ServerReport(
                name=s.name, state=s.state, restarts=s.restarts,
                tools=s.tools if s.state in SERVING_STATES else [],
                restart_policy=s.spec.restart, spec=msgspec.to_builtins(s.spec),
            )
            for s in self.servers.values()
        ]
        msg = p.ServersUpdate(servers=reports)
        encoded = p.encode(msg)
        if encoded != self._reported:
            self._reported = encoded
            self.send(msg)

    async def health_loop(self) -> None:
        interval = self.cfg.mcp_health_interval
        while True:
            await asyncio.sleep(interval)
            servers = list(self.servers.values())
            results = await asyncio.gather(*(s.check_health(min(interval, 10.0)) for s in servers),
                                           return_exceptions=True)
            for server, result in zip(servers, results, strict=True):
                if isinstance(result, Exception):  # a bug, not an unhealthy server: say so, keep checking
                    logger.error("health check of mcp server %s failed unexpectedly", server.name,
                                 exc_info=result)

    # ---- calls ------------------------------------------------------------------------

    async def execute(self, call: p.Call) -> p.Result:
        target = mst.split_proxied_tool(call.tool)
        if call.tool not in mst.SERVER_TOOL_NAMES and target is not None:
            server = self.servers.get(target[0])
            if server is None:
                return _error(call, f"no managed MCP server named {target[0]!r} (mcp_server_list shows them)")
            return await self._proxy(call, server, target[1], call.args, call.timeout)
        if call.tool not in mst.SERVER_TOOL_NAMES:
            return _error(call, f"tool {call.tool!r} is not served by the MCP host")
        try:
            args = validate_args(call.tool, call.args)
        except ToolArgsError as exc:
            return _error(call, str(exc))
        match call.tool:
            case "mcp_server_start":
                return await self._start(call, args)
            case "mcp_server_stop":
                return await self._stop(call, args.name)
            case "mcp_server_list":
                listing = [s.describe() for s in self.servers.values()]
                lines = [f"{s['name']}\t{s['transport']}\t{s['state']}\tpid={s['pid']}\trestarts={s['restarts']}"
                         f"\ttools={s['tools']}" + (f"\tlast error: {s['last_error']}" if s["last_error"] else "")
                         for s in listing]
                return p.Result(id=call.id, text="\n".join(lines) or "no managed MCP servers",
                                structured={"servers": listing})
            case "mcp_server_discover_tools":
                server = self.servers.get(args.name)
                if server is None or server.state not in SERVING_STATES:
                    return _error(call, f"mcp server {args.name!r} is not running")
                try:
                    tools = await server.list_tools()
                except McpClientError as exc:
                    return _error(call, f"tools/list of mcp server {args.name!r} failed: {exc}")
                names = ", ".join(t["name"] for t in tools)
                return p.Result(id=call.id, text=f"{len(tools)} tools: {names}", structured={"tools": tools})
            case "mcp_server_call_tool":
                server = self.servers.get(args.name)
                if server is None:
                    return _error(call, f"no managed MCP server named {args.name!r}")
                timeout = min(args.timeout or call.timeout, call.timeout)
                return await self._proxy(call, server, args.tool, args.arguments, timeout)
            case "mcp_server_install":
                return await self._install(call, args)
        return _error(call, f"tool {call.tool!r} is not served by the MCP host")

    async def _start(self, call: p.Call, spec: mst.McpServerStartArgs) -> p.Result:
        old = self.servers.get(spec.name)
        ended = (ServerState.FAILED, ServerState.STOPPED)
        if old is not None and old.state not in ended:
            return _error(call, f"mcp server {spec.name!r} is already {old.state}; stop it first")
        active = sum(1 for s in self.servers.values() if s.state not in ended)
        if active >= self.cfg.mcp_max_servers:
            return _error(call, f"limit hit: {active} managed MCP servers already "
                                f"(--mcp-max-servers={self.cfg.mcp_max_servers}); stop one first")
        failed = [name for name, s in self.servers.items() if s.state in ended]
        for name in failed[: max(0, len(self.servers) - 2 * self.cfg.mcp_max_servers + 1)]:
            del self.servers[name]  # failed servers are listed for diagnosis, but not without bound
        if spec.transport != "stdio" and spec.command is None and spec.url is None:
            return _error(call, "sse/http servers need a url or a command")
        server = ManagedServer(self, spec)
        self.servers[spec.name] = server
        server.task = self.tasks.spawn(server.supervise(), f"mcp-server-{spec.name}")
        try:
            await asyncio.shield(server.first_start)
        except StartFailed as exc:
            self.report()
            return _error(call, f"mcp server {spec.name!r} did not start: {exc}")
        except asyncio.CancelledError:
            # The caller gave up: a half-started server is not left behind.
            server.task.cancel()
            raise
        info = server.info
        assert info is not None
        text = (f"started mcp server {spec.name!r}: {info.name} {info.version} ({spec.transport}), "
                f"{len(server.tools)} tools, exposed as {spec.name}{mst.PROXY_SEPARATOR}<tool>")
        return p.Result(id=call.id, text=text, structured={
            "name": spec.name, "server_name": info.name, "server_version": info.version,
            "protocol_version": info.protocol_version, "tools": len(server.tools),
            "pid": server.program.pid if server.program else None,
        })

    async def _stop(self, call: p.Call, name: str) -> p.Result:
        server = self.servers.pop(name, None)
        if server is None:
            return _error(call, f"no managed MCP server named {name!r}")
        await self._stop_server(server)
        self.report()
        return p.Result(id=call.id, text=f"stopped mcp server {name!r}; its processes are gone",
                        structured={"name": name, "state": ServerState.STOPPED})

    async def _stop_server(self, server: ManagedServer) -> None:
        server.state = ServerState.STOPPED
        task = server.task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait([task], timeout=10)
        if not server.first_start.done():
            server.first_start.set_exception(StartFailed("stopped"))
        server.first_start.exception()  # retrieved, so asyncio never reports it as unhandled

    async def _proxy(self, call: p.Call, server: ManagedServer, tool: str, arguments: dict[str, Any],
                     call_timeout: float) -> p.Result:
        try:
            result = await server.request("tools/call", {"name": tool, "arguments": arguments}, call_timeout)
        except RemoteError as exc:
            return _error(call, f"mcp server {server.name!r} answered tools/call {tool!r} with error "
                                f"{exc.code}: {exc.message}")
        except McpClientError as exc:
            return _error(call, f"mcp server {server.name!r}: tools/call {tool!r} failed: {exc}")
        is_error = bool(result.get("isError"))
        return p.Result(id=call.id, text="", raw=result, is_error=is_error, outcome="error" if is_error else "ok")

    async def _install(self, call: p.Call, args: mst.McpServerInstallArgs) -> p.Result:
        prefix = self.prefix / args.manager
        if args.manager == "pip":
            command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                       "--prefix", str(prefix), args.package]
        else:
            npm = shutil.which("npm", path=self.base_env.get("PATH"))
            if npm is None:
                return _error(call, "npm is not installed on this machine; use manager 'pip' or install node/npm")
            command = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), args.package]
        time_limit = min(args.timeout or call.timeout, call.timeout)
        shown_limit = min(args.timeout or call.shown_timeout, call.shown_timeout)
        # The prefix is made by the install call itself, as the tool user: the MCP host (often root)
        # never creates or chowns a path in the workspace, where a symlink swapped into the path
        # would make it create or chown something elsewhere.
        script = (f"{{ mkdir -p -- {shlex.quote(str(prefix))} && "
                  + " ".join(shlex.quote(a) for a in command) + "; } 2>&1")
        outcome = await self.runner.run(BashArgs(command=script), time_limit, None, report_state=False)
        tail = outcome.text[-4000:]
        if outcome.timed_out:
            return _error(call, f"install of {args.package!r} timed out after {shown_limit:g} s; the installer and "
                                f"every process it started were killed\n{tail}", outcome="timeout")
        if outcome.exit_code:
            return _error(call, f"{args.manager} install {args.package!r} failed with exit code "
                                f"{outcome.exit_code}\n{tail}")
        bin_dir = prefix / "bin" if args.manager == "pip" else prefix / "node_modules" / ".bin"
        return p.Result(id=call.id, text=f"installed {args.package!r} into {prefix}; its commands are on PATH "
                                         f"for mcp_server_start ({bin_dir})\n{tail}",
                        structured={"prefix": str(prefix), "bin": str(bin_dir), "exit_code": 0})

    # ---- lifecycle --------------------------------------------------------------------

    def start_background(self) -> None:
        self.health = self.tasks.spawn(self.health_loop(), "mcp-health")

    async def shutdown(self) -> None:
        if self.health is not None:
            self.health.cancel()
        servers = list(self.servers.values())
        self.servers.clear()
        if servers:
            await asyncio.gather(*(self._stop_server(s) for s in servers))
        await super().shutdown()


def _error(call: p.Call, text: str, outcome: p.Outcome = "error") -> p.Result:
    return p.Result(id=call.id, text=text, outcome=outcome, is_error=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
