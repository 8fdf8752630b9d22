"""Argument types and JSON Schemas of the managed-MCP-server tools.

``mcp_server_start`` / ``_stop`` / ``_list`` / ``_discover_tools`` / ``_call_tool`` /
``_install`` are served by the MCP host process (``worker.mcp_host``); the
gateway routes them there, and also routes ``<server>__<tool>`` (a running
server's own tools, listed in ``tools/list``) as proxied ``tools/call``s.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

import msgspec

from shared.tools import ToolSpec, register

__all__ = [
    "PROXY_SEPARATOR",
    "SERVER_TOOL_NAMES",
    "SERVING_STATES",
    "McpServerCallToolArgs",
    "McpServerInstallArgs",
    "McpServerListArgs",
    "McpServerNameArgs",
    "McpServerStartArgs",
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


_NAME = {"type": "string", "description": "The server's name (letters, digits, '-', '_'; no '__')."}

register(ToolSpec(
    name="mcp_server_start",
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
))

_NAME_ONLY = {"type": "object", "properties": {"name": _NAME}, "required": ["name"], "additionalProperties": False}

register(ToolSpec(
    name="mcp_server_stop",
    description="Stop a managed MCP server: close the connection and kill its whole process tree.",
    input_schema=_NAME_ONLY,
    args_type=McpServerNameArgs,
))

register(ToolSpec(
    name="mcp_server_list",
    description="List managed MCP servers: name, transport, state, pid, restarts, last error, uptime, tools.",
    input_schema={"type": "object", "properties": {}, "additionalProperties": False},
    args_type=McpServerListArgs,
))

register(ToolSpec(
    name="mcp_server_discover_tools",
    description="The tools/list of a running managed MCP server (names, descriptions, input schemas).",
    input_schema=_NAME_ONLY,
    args_type=McpServerNameArgs,
))

register(ToolSpec(
    name="mcp_server_call_tool",
    description="Call a tool of a running managed MCP server; its result is passed through unchanged.",
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
))

register(ToolSpec(
    name="mcp_server_install",
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
))

SERVER_TOOL_NAMES = frozenset({
    "mcp_server_start", "mcp_server_stop", "mcp_server_list", "mcp_server_discover_tools",
    "mcp_server_call_tool", "mcp_server_install",
})
