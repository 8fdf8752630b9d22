"""A real MCP server built with the official SDK (FastMCP), for the client tests.

Usage:
  python tests/mcp_servers/sdk_server.py --transport stdio
  PORT=8123 python tests/mcp_servers/sdk_server.py --transport sse    # GET http://127.0.0.1:8123/sse
  PORT=8123 python tests/mcp_servers/sdk_server.py --transport http   # POST http://127.0.0.1:8123/mcp

sse and http listen on 127.0.0.1 only, on the port in the environment variable PORT.
Works with mcp 1.x (``FastMCP``) and 2.x (where it is ``MCPServer`` and host/port go to ``run``).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import anyio

try:
    from mcp.server.fastmcp import FastMCP  # mcp 1.x

    MCP_MAJOR = 1
except ModuleNotFoundError:  # mcp 2.x renamed it
    from mcp.server.mcpserver import MCPServer as FastMCP  # type: ignore[no-redef]

    MCP_MAJOR = 2

TRANSPORTS = {"stdio": "stdio", "sse": "sse", "http": "streamable-http"}
NAME = "sdk-test-server"
INSTRUCTIONS = "A test server."


def build(port: int) -> Any:
    if MCP_MAJOR == 1:
        mcp = FastMCP(NAME, instructions=INSTRUCTIONS, host="127.0.0.1", port=port, log_level="WARNING")
    else:
        mcp = FastMCP(NAME, instructions=INSTRUCTIONS, log_level="WARNING")

    @mcp.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    @mcp.tool()
    def echo(text: str) -> str:
        """Return the text."""
        return text

    @mcp.tool()
    async def slow(seconds: float) -> str:
        """Sleep, then say so."""
        await anyio.sleep(seconds)
        return f"slept {seconds}"

    return mcp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transport", choices=sorted(TRANSPORTS), default="stdio")
    args = parser.parse_args()
    if args.transport == "stdio":
        build(0).run("stdio")
        return
    if "PORT" not in os.environ:
        parser.error(f"--transport {args.transport} needs the port in the environment variable PORT")
    port = int(os.environ["PORT"])
    if MCP_MAJOR == 1:
        build(port).run(TRANSPORTS[args.transport])
    else:
        build(port).run(TRANSPORTS[args.transport], host="127.0.0.1", port=port)


if __name__ == "__main__":
    main()
