"""How the candidate HTTP stacks compare on the two round trips the gateway makes: a WebSocket text
message echoed, and a small POST answered with JSON (``python -m benchmarks.http_stack``).

Each server runs in a subprocess of its own on uvloop, with an echo application and nothing else; the
client (this process, uvloop) sends ROUNDS sequential messages or requests and reports the median and
p90 round trip and the server's CPU per round trip.  Stacks:

* ``websockets``: ``websockets.asyncio.server.serve`` alone (the gateway before Streamable HTTP; it
  cannot read a request body, so no POST);
* ``uvicorn-asgi-ws``: uvicorn with httptools, WebSocket through uvicorn's own websockets-sansio ASGI
  protocol;
* ``uvicorn-handoff``: uvicorn with httptools, upgrades handed to websockets' own asyncio connection (what
  ``gateway.http_listener`` does);
* ``uvicorn-h11``: uvicorn with the pure-Python h11 parser (POST only).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

import uvloop
from websockets.asyncio.client import connect

from benchmarks.client import _HttpConnection

ROUNDS = 3000
WARMUP = 200

_SERVER = r"""
import asyncio, sys, uvloop
stack = sys.argv[1]

async def asgi(scope, receive, send):
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        while True:
            msg = await receive()
            if msg["type"] != "websocket.receive":
                return
            await send({"type": "websocket.send", "text": msg["text"]})
    elif scope["type"] == "http":
        body = b""
        while True:
            msg = await receive()
            body += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

async def echo(ws):
    async for message in ws:
        await ws.send(message)

async def main():
    if stack == "websockets":
        from websockets.asyncio.server import serve
        server = await serve(echo, "127.0.0.1", 0, compression=None)
        port = server.sockets[0].getsockname()[1]
    else:
        from uvicorn.config import Config
        from uvicorn.server import ServerState
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
        from uvicorn.protocols.http.h11_impl import H11Protocol
        from websockets.asyncio.server import Server, ServerConnection
        from websockets.server import ServerProtocol
        http = H11Protocol if stack == "uvicorn-h11" else HttpToolsProtocol
        ws_server = None

        class Handoff(HttpToolsProtocol):
            def handle_websocket_upgrade(self):
                head = [b"GET ", self.url, b" HTTP/1.1\r\n"]
                for name, value in self.headers:
                    head += [name, b": ", value, b"\r\n"]
                head.append(b"\r\n")
                conn = ServerConnection(ServerProtocol(), ws_server)
                conn.connection_made(self.transport)
                self.transport.set_protocol(conn)
                conn.data_received(b"".join(head))

        async def handler(conn):
            await conn.handshake()
            conn.start_keepalive()
            async with conn:
                await echo(conn)

        cls = Handoff if stack == "uvicorn-handoff" else http
        config = Config(asgi, http=cls, ws="websockets-sansio", lifespan="off", log_config=None,
                        access_log=False, ws_per_message_deflate=False)
        config.load()
        state = ServerState()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: cls(config, state, {}), "127.0.0.1", 0)
        async def listening():
            return server
        ws_server = Server(listening, handler)
        await ws_server
        port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    await asyncio.Event().wait()

uvloop.run(main())
"""


def _cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(stack: str, kind: str, rounds: int) -> dict[str, Any]:
    proc = subprocess.Popen([sys.executable, "-c", _SERVER, stack], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        samples, cpu = uvloop.run(_round_trips(proc.pid, port, kind, rounds))
    finally:
        proc.kill()
        proc.wait()
    samples.sort()
    return {"stack": stack, "kind": kind, "p50_us": statistics.median(samples) * 1e6,
            "p90_us": samples[int(len(samples) * 0.9)] * 1e6, "server_cpu_us": cpu / rounds * 1e6}


async def _round_trips(pid: int, port: int, kind: str, rounds: int) -> tuple[list[float], float]:
    payload = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                          "params": {"name": "bash", "arguments": {"command": "echo hi"}}})
    samples: list[float] = []
    if kind == "websocket":
        async with connect(f"ws://127.0.0.1:{port}/mcp", compression=None) as ws:
            for i in range(rounds + WARMUP):
                if i == WARMUP:
                    cpu = _cpu(pid)
                t0 = time.perf_counter()
                await ws.send(payload)
                await ws.recv()
                if i >= WARMUP:
                    samples.append(time.perf_counter() - t0)
    else:
        conn = await _HttpConnection.open("127.0.0.1", port)
        headers = f"Host: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n".encode()
        body = payload.encode()
        for i in range(rounds + WARMUP):
            if i == WARMUP:
                cpu = _cpu(pid)
            t0 = time.perf_counter()
            await conn.send(b"POST", b"/mcp", headers, body)
            if i >= WARMUP:
                samples.append(time.perf_counter() - t0)
        conn.close()
    cpu = _cpu(pid) - cpu
    return samples, cpu


CASES = [("websockets", "websocket"), ("uvicorn-asgi-ws", "websocket"), ("uvicorn-handoff", "websocket"),
         ("uvicorn-handoff", "post"), ("uvicorn-h11", "post")]


def _main(repeats: int, rounds: int) -> list[dict[str, Any]]:
    results = []
    for _ in range(repeats):  # interleaved: every case once per pass
        for stack, kind in CASES:
            results.append(_measure(stack, kind, rounds))
    return results


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.http_stack", description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=ROUNDS)
    args = ap.parse_args()
    results = _main(args.repeats, args.rounds)
    print(f"{'stack':18} {'round trip':10} {'p50 µs':>8} {'p90 µs':>8} {'server CPU µs':>14}"
          f"   (median of {args.repeats})")
    for stack, kind in CASES:
        rows = [r for r in results if r["stack"] == stack and r["kind"] == kind]
        print(f"{stack:18} {kind:10} {statistics.median(r['p50_us'] for r in rows):8.0f} "
              f"{statistics.median(r['p90_us'] for r in rows):8.0f} "
              f"{statistics.median(r['server_cpu_us'] for r in rows):14.0f}")


if __name__ == "__main__":
    main()
