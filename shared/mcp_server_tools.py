"""Argument types and JSON Schemas of the managed-MCP-server tools.

``mcp_server_start`` / ``_stop`` / ``_list`` / ``_discover_tools`` / ``_call_tool`` /
``_install`` are served by the MCP host process (``worker.mcp_host``); the
gateway routes them there, and also routes ``<server>__<tool>`` (a running
server's own tools, listed in ``tools/list``) as proxied ``tools/call``s.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from shared.tools import READ_ONLY, ToolAnnotations, ToolSpec, output_schema, register

__all__ = [
    "PROXY_SEPARATOR",
    "SERVER_TOOL_NAMES",
    "SERVING_STATES",
    "DiscoveredTool",
    "ManagedServerInfo",
    "McpServerCallToolArgs",
    "McpServerDiscoverResult",
    "McpServerInstallArgs",
    "McpServerInstallResult",
    "McpServerListArgs",
    "McpServerListResult",
    "McpServerNameArgs",
    "McpServerStartArgs",
    "McpServerStartResult",
    "McpServerStopResult",
    "ServerState",
    "is_proxied_tool",
    "split_proxied_tool",
]

PROXY_SEPARATOR = "__"


class ServerState(StrEnum):
    """The states of a managed MCP server: its ``ServerReport.state`` on the wire and the ``state``
    label of ``sandbox_mcp_servers`` (the MCP host allows the transitions in
    ``worker.mcp_host.SERVER_TRANSITIONS``)."""

    STARTING = "starting"  # being started (first start, or again after a failure)
    RUNNING = "running"  # initialized; its tools are listed
    UNHEALTHY = "unhealthy"  # a health ping failed; still listed, restarted after a few in a row
    RESTARTING = "restarting"  # failed; waiting out its backoff before it starts again
    FAILED = "failed"  # given up (restart: never, or too many failures in a row)
    STOPPED = "stopped"  # stopped by mcp_server_stop or the host's shutdown


# Servers in these states serve calls, and their tools are listed.
SERVING_STATES = frozenset({ServerState.RUNNING, ServerState.UNHEALTHY})
_SERVER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,47}\Z")
_PACKAGE = re.compile(r"[A-Za-z0-9@][A-Za-z0-9@/._+<>=!~,\[\]-]{0,199}\Z")


def _check_name(name: str) -> None:
    if not _SERVER_NAME.match(name) or PROXY_SEPARATOR in name:
        raise ValueError(
            f"name must be 1-48 letters, digits, '-' or '_' (starting with a letter or digit) and must not "
            f"contain {PROXY_SEPARATOR!r}, got {name!r}")


def split_proxied_tool(tool: str) -> tuple[str, str] | None:
    """``"time__get_current_time"`` -> ``("time", "get_current_time")``; None when it is not one."""
    server, sep, inner = tool.partition(PROXY_SEPARATOR)
    if not sep or not inner or not _SERVER_NAME.match(server):
        return None
    return server, inner


def is_proxied_tool(tool: str) -> bool:
    return split_proxied_tool(tool) is not None


class McpServerStartArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    name: str
    transport: Literal["stdio", "sse", "http"]
    command: str | None = None
    args: list[str] = []
    env: dict[str, str] = {}
    url: str | None = None
    restart: Literal["on-failure", "never"] = "on-failure"

    def __post_init__(self) -> None:
        _check_name(self.name)
        if self.transport == "stdio" and not self.command:
            raise ValueError("transport 'stdio' needs a command")
        if self.transport != "stdio" and not (self.command or self.url):
            raise ValueError(f"transport {self.transport!r} needs a url, or a command to spawn (it gets PORT)")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        for text in [self.command or "", *self.args, *self.env, *self.env.values()]:
            if "\0" in text:
                raise ValueError("command, args and env must not contain NUL bytes")
        for key in self.env:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                raise ValueError(f"env names must be shell identifiers, got {key!r}")


class McpServerNameArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    name: str

    def __post_init__(self) -> None:
        _check_name(self.name)


class McpServerListArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pass


class McpServerCallToolArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    name: str
    tool: str
    arguments: dict[str, Any] = {}
    timeout: float | None = None

    def __post_init__(self) -> None:
        _check_name(self.name)
        if not self.tool:
            raise ValueError("tool must not be empty")
        if self.timeout is not None and not self.timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")


class McpServerInstallArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    package: str
    manager: Literal["pip", "npm"]
    timeout: float | None = None

    def __post_init__(self) -> None:
        if not _PACKAGE.match(self.package) and not self.package.startswith(("./", "/")):
            raise ValueError(f"package must be a package name/requirement or a path, got {self.package!r}")
        if "\0" in self.package:
            raise ValueError("package must not contain NUL bytes")
        if self.timeout is not None and not self.timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")


_STATE_MEANING = ("starting: being spawned and initialized; unhealthy: failing its health pings; restarting: "
                  "after a crash, with backoff; failed: given up; stopped: by mcp_server_stop.")


class McpServerStartResult(msgspec.Struct, kw_only=True):
    name: str
    server_name: Annotated[str, Meta(description="The name the server gave in initialize.")]
    server_version: str
    protocol_version: Annotated[str, Meta(description="The MCP revision the server negotiated.")]
    tools: Annotated[int, Meta(description="How many tools it has (listed as <name>__<tool>).")]
    pid: int | None


class McpServerStopResult(msgspec.Struct, kw_only=True):
    name: str
    state: Literal["stopped"]


class ServerIdentity(msgspec.Struct, kw_only=True):
    name: str
    version: str


class ManagedServerInfo(msgspec.Struct, kw_only=True):
    name: str
    transport: Literal["stdio", "sse", "http"]
    state: Annotated[ServerState, Meta(description=_STATE_MEANING)]
    pid: Annotated[int | None, Meta(description="Inside the MCP host's pid namespace; null when not running.")]
    restarts: int
    last_error: str | None
    uptime_s: Annotated[float | None, Meta(description="Seconds since it last started; null before that.")]
    server: Annotated[ServerIdentity | None, Meta(description="What it said in initialize; null before that.")]
    tools: Annotated[int, Meta(description="How many tools it has.")]
    stderr_tail: Annotated[str, Meta(description="The end of what it wrote to stderr.")]


class McpServerListResult(msgspec.Struct, kw_only=True):
    servers: list[ManagedServerInfo]


class DiscoveredTool(msgspec.Struct, kw_only=True):
    """A tool as the server's own tools/list gave it (every other field it sent is kept)."""

    name: str


class McpServerDiscoverResult(msgspec.Struct, kw_only=True):
    tools: list[Annotated[DiscoveredTool, Meta(extra_json_schema={"additionalProperties": True})]]


class McpServerInstallResult(msgspec.Struct, kw_only=True):
    prefix: Annotated[str, Meta(description="Where it was installed.")]
    bin: Annotated[str, Meta(description="Its commands' directory, on PATH for mcp_server_start.")]
    exit_code: int


_NAME = {"type": "string", "description": "The server's name (letters, digits, '-', '_'; no '__')."}

register(ToolSpec(
    name="mcp_server_start",
    title="Start an MCP server",
    description=(
        "Start a managed MCP server and connect to it. transport 'stdio' spawns command+args and speaks MCP on "
        "its stdin/stdout; 'sse' (legacy HTTP+SSE) and 'http' (Streamable HTTP) connect to url, or spawn "
        "command with a PORT environment variable and connect to it on 127.0.0.1. The server runs in the "
        "sandbox (same limits and user as tool calls). Its tools then appear in tools/list as <name>__<tool>. "
        "restart 'on-failure' (default) restarts it when it crashes or fails its health checks."
    ),
    input_schema={
        "type": "object",
        "properties": {
            "name": _NAME,
            "transport": {"type": "string", "enum": ["stdio", "sse", "http"]},
            "command": {"type": "string", "description": "Program to run (found on PATH, including installed "
                                                         "servers' bin directories)."},
            "args": {"type": "array", "items": {"type": "string"}},
            "env": {"type": "object", "additionalProperties": {"type": "string"}},
            "url": {"type": "string", "description": "For sse/http: where the server is (else spawned with PORT)."},
            "restart": {"type": "string", "enum": ["on-failure", "never"]},
        },
        "required": ["name", "transport"],
        "additionalProperties": False,
    },
    args_type=McpServerStartArgs,
    # it runs any command (like bash) or connects to any url; starting a server that runs already is refused,
    # but one that failed is started again
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                                open_world_hint=True),
    output_schema=output_schema(McpServerStartResult),
))

_NAME_ONLY = {"type": "object", "properties": {"name": _NAME}, "required": ["name"], "additionalProperties": False}

register(ToolSpec(
    name="mcp_server_stop",
    title="Stop an MCP server",
    description="Stop a managed MCP server: close the connection and kill its whole process tree.",
    input_schema=_NAME_ONLY,
    args_type=McpServerNameArgs,
    # stopping a server that is gone already changes nothing (the call says there is no such server)
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                                open_world_hint=False),
    output_schema=output_schema(McpServerStopResult),
))

register(ToolSpec(
    name="mcp_server_list",
    title="List MCP servers",
    description="List managed MCP servers: name, transport, state, pid, restarts, last error, uptime, tools.",
    input_schema={"type": "object", "properties": {}, "additionalProperties": False},
    args_type=McpServerListArgs,
    annotations=READ_ONLY,
    output_schema=output_schema(McpServerListResult),
))

register(ToolSpec(
    name="mcp_server_discover_tools",
    title="List an MCP server's tools",
    description="The tools/list of a running managed MCP server (names, descriptions, input schemas).",
    input_schema=_NAME_ONLY,
    args_type=McpServerNameArgs,
    # a tools/list request to a server the agent started: it changes nothing and reaches nothing else
    annotations=READ_ONLY,
    output_schema=output_schema(McpServerDiscoverResult),
))

register(ToolSpec(
    name="mcp_server_call_tool",
    title="Call an MCP server's tool",
    description=(
        "Call a tool of a running managed MCP server; its content and isError are passed through unchanged. "
        "Its structuredContent is not (it has no fixed shape here): call <name>__<tool> for it, which "
        "declares the server's own outputSchema."
    ),
    input_schema={
        "type": "object",
        "properties": {
            "name": _NAME,
            "tool": {"type": "string"},
            "arguments": {"type": "object"},
            "timeout": {"type": "number", "exclusiveMinimum": 0,
                        "description": "Seconds to wait for the answer (default and maximum set by the server)."},
        },
        "required": ["name", "tool"],
        "additionalProperties": False,
    },
    args_type=McpServerCallToolArgs,
    # the called tool may do anything; its own annotations are on <name>__<tool>
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                                open_world_hint=True),
))

register(ToolSpec(
    name="mcp_server_install",
    title="Install an MCP server package",
    description=(
        "Install an MCP server package into the workspace's own prefix (.mcp-servers/pip or .mcp-servers/npm), "
        "whose bin directories are on PATH for mcp_server_start. The installer is killed with its whole tree "
        "at the timeout."
    ),
    input_schema={
        "type": "object",
        "properties": {
            "package": {"type": "string", "description": "Package name or requirement (or a local path)."},
            "manager": {"type": "string", "enum": ["pip", "npm"]},
            "timeout": {"type": "number", "exclusiveMinimum": 0},
        },
        "required": ["package", "manager"],
        "additionalProperties": False,
    },
    args_type=McpServerInstallArgs,
    # downloads from package indexes and runs the package's build code; it may replace installed versions,
    # and an unpinned requirement may resolve to a newer release the next time
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                                open_world_hint=True),
    output_schema=output_schema(McpServerInstallResult),
))

SERVER_TOOL_NAMES = frozenset({
    "mcp_server_start", "mcp_server_stop", "mcp_server_list", "mcp_server_discover_tools",
    "mcp_server_call_tool", "mcp_server_install",
})
