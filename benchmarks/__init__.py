"""sandbox-bench: load and failure benchmarks for sandbox-gateway.

Every scenario runs twice in the same invocation: once through the gateway
(WebSocket -> MCP -> worker -> bash) and once as the *floor*, the same command
spawned directly with the fastest spawn path this machine has (a stock asyncio
loop in a separate process, see ``benchmarks.floor``).  Overhead is reported as
the ratio gateway / floor.

Run ``python -m benchmarks --help``.
"""

from __future__ import annotations

# Kept import-free on purpose: ``python -m benchmarks.floor`` imports this package
# and should not pay for websockets or the scenarios.
