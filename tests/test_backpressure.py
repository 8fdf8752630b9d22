"""Clients that stop reading cannot make the gateway hold what it would send them (found by a red-team
pass): an MCP session's answers (--max-unsent-bytes, --max-unsent-bytes-total) and a web terminal
viewer's output (a window released only by the browser's acknowledgements)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from typing import Any

from websockets.asyncio.client import connect

from gateway.terminal_web import WINDOW
from tests.helpers import SCALE, McpClient, proc_status_kb, run
from tests.helpers import call_tool as call
from worker.terminals import REPLAY_MAX

MCP_TOKEN = "backpressure-mcp-token-1234567890"
VIEW_TOKEN = "backpressure-view-token-0987654321"
MIB = 1 << 20
INIT = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}


async def _reads_unread(url: str, count: int, grown_kb: list[int], pid: int) -> list[dict[str, Any]]:
    """``count`` resources/read of big.txt on one connection, nothing read while the gateway's RSS is
    watched for a while (its growth into ``grown_kb``); then every answer, read at last."""
    before = proc_status_kb(pid, "VmRSS")
    # max_queue=1: the client stops reading the socket once one message waits, so the gateway's sends block
    async with connect(url, subprotocols=["mcp"], max_size=None, max_queue=1) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps(INIT))
        await asyncio.wait_for(ws.recv(), 10 * SCALE)
        await ws.send(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        for i in range(1, count + 1):
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": i, "method": "resources/read",
                                      "params": {"uri": "file:///big.txt"}}))
        deadline = time.monotonic() + 15 * SCALE
        peak = 0
        while time.monotonic() < deadline and peak < 512 * 1024:
            await asyncio.sleep(0.5)
            peak = max(peak, proc_status_kb(pid, "VmRSS") - before)
        grown_kb.append(peak)
        answers = []
        for _ in range(count):
            answers.append(json.loads(await asyncio.wait_for(ws.recv(), 60 * SCALE)))
        return answers


def test_a_session_that_stops_reading_gets_errors_instead_of_pinning_memory(start_gateway) -> None:
    gw = start_gateway(token=MCP_TOKEN)
    (gw.workspace / "big.txt").write_bytes(b"x" * (8 * MIB - 1))
    grown: list[int] = []
    answers = run(_reads_unread(gw.url, 64, grown, gw.proc.pid))
    # 64 answers of 8 MiB held 635-994 MiB before; now 32 MiB of answers wait, 4 reads run at once, and
    # refused answers are not held while their error waits (85-144 MiB measured)
    assert grown[0] < 256 * 1024, f"the gateway grew by {grown[0] // 1024} MiB"
    assert sorted(a["id"] for a in answers) == list(range(1, 65))  # every request got exactly one answer
    served = [a for a in answers if "result" in a]
    refused = [a for a in answers if "error" in a]
    assert served and refused and len(served) + len(refused) == 64
    assert all(len(a["result"]["contents"][0]["text"]) == 8 * MIB - 1 for a in served)
    assert all("--max-unsent-bytes=33554432" in a["error"]["message"] for a in refused), refused[0]
    assert refused[0]["error"]["data"]["limit"] == "max_unsent_bytes"

    async def after() -> None:  # the session goes on: once its client reads, its answers come again
        async with McpClient.connect(gw.url) as c:
            got = await c.request("resources/read", {"uri": "file:///big.txt"})
            assert len(got["result"]["contents"][0]["text"]) == 8 * MIB - 1

    run(after())


def test_every_sessions_unsent_answers_have_a_limit_together(start_gateway) -> None:
    gw = start_gateway("--max-unsent-bytes", "1G", "--max-unsent-bytes-total", "20M", token=MCP_TOKEN)
    (gw.workspace / "big.txt").write_bytes(b"x" * (8 * MIB - 1))
    answers = run(_reads_unread(gw.url, 6, [], gw.proc.pid))
    refused = [a for a in answers if "error" in a]
    assert sorted(a["id"] for a in answers) == list(range(1, 7)) and refused
    assert all("--max-unsent-bytes-total=20971520" in a["error"]["message"] for a in refused), refused[0]


# ---- web terminal viewers -------------------------------------------------------------------------

FLOOD = "cat /dev/zero | base64 -w 4096"  # output the screen draws fast, for as long as it runs


def _raw_viewer(host: str, port: int, terminal_id: str) -> socket.socket:
    """A WebSocket viewer that attaches and then never reads or acknowledges a byte (a tiny receive
    buffer, so the gateway's socket fills at once)."""
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.sendall((f"GET /terminal/ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {VIEW_TOKEN}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    payload = json.dumps({"attach": terminal_id}).encode()
    mask = b"\x01\x02\x03\x04"
    sock.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
    return sock


def test_a_viewer_that_never_acknowledges_gets_one_window(start_gateway) -> None:
    """The ring passing a viewer (it missed output) skips it ahead but opens no new window: only its
    acknowledgements do."""
    gw = start_gateway("--job-output-bytes", "65536", "--terminal-token", VIEW_TOKEN, token=MCP_TOKEN)

    async def main() -> tuple[int, int]:
        async with McpClient.connect(gw.url) as agent:
            started = await call(agent, "terminal_start", command=FLOOD, cols=200, rows=50)
            term = started["structuredContent"]["terminal_id"]
            async with connect(f"ws://{gw.host}:{gw.port}/terminal/ws", max_size=None,
                               additional_headers={"Authorization": f"Bearer {VIEW_TOKEN}"}) as viewer:
                await viewer.send(json.dumps({"attach": term}))
                received = dropped = 0
                deadline = time.monotonic() + 6 * SCALE
                while time.monotonic() < deadline:  # read everything, acknowledge nothing
                    with contextlib.suppress(TimeoutError):
                        message = await asyncio.wait_for(viewer.recv(), 0.5)
                        if isinstance(message, bytes):
                            received += len(message)
                        elif json.loads(message)["type"] == "dropped":
                            dropped += json.loads(message)["bytes"]
                # an acknowledgement opens the window again
                await viewer.send(json.dumps({"ack": 1 << 62}))
                more = 0
                while more == 0:
                    message = await asyncio.wait_for(viewer.recv(), 10 * SCALE)
                    if isinstance(message, bytes):
                        more = len(message)
                return received, more

    received, more = run(main())
    assert 0 < received <= REPLAY_MAX + WINDOW, f"{received} bytes reached a viewer that acknowledged none"
    assert more > 0


def test_viewers_that_never_read_cannot_grow_the_gateway(start_gateway) -> None:
    """--max-terminal-viewers (16) viewers on one flooding terminal, each reading nothing: the gateway
    holds at most a window of output for each."""
    gw = start_gateway("--job-output-bytes", "65536", "--terminal-token", VIEW_TOKEN, token=MCP_TOKEN)
    pid = gw.proc.pid

    async def main() -> int:
        async with McpClient.connect(gw.url) as agent:
            started = await call(agent, "terminal_start", command=FLOOD, cols=200, rows=50)
            term = started["structuredContent"]["terminal_id"]
            before = proc_status_kb(pid, "VmRSS")
            socks = [await asyncio.to_thread(_raw_viewer, gw.host, gw.port, term) for _ in range(16)]
            try:
                grown = 0
                deadline = time.monotonic() + 20 * SCALE
                while time.monotonic() < deadline and grown < 128 * 1024:
                    await asyncio.sleep(1)
                    grown = proc_status_kb(pid, "VmRSS") - before
                return grown
            finally:
                for sock in socks:
                    sock.close()

    grown_kb = run(main())
    # 16 viewers x (a 64 KiB replay + a 256 KiB window) is 5 MiB
    assert grown_kb < 48 * 1024, f"the gateway grew by {grown_kb // 1024} MiB for 16 viewers that read nothing"
