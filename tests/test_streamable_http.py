"""MCP Streamable HTTP at /mcp on the WebSocket's port: real gateways, raw HTTP requests (httpx).

What each test pins is in its name: session ids, status codes of the transport, the GET stream and its
buffer, cancellation rules, limits shared with WebSocket sessions, and the stateless 2026-07-28
revision with its session handles.  (The session core's JSON-RPC rules without I/O:
tests/test_session_core.py; the official clients: tests/test_http_clients.py.)
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.helpers import ROOT, SCALE, GatewayProcess, McpClient, async_wait_for, pids_matching, run, unique_sleep

TOKEN = "http-test-token-7d21"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ACCEPT = {"Accept": "application/json, text/event-stream"}
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}
MODERN = "2026-07-28"
ENVELOPE = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}
HANDLE = "sandbox-gateway/session"


def url(gw: GatewayProcess) -> str:
    return f"http://{gw.host}:{gw.port}/mcp"


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=60 * SCALE)


async def initialize(c: httpx.AsyncClient, gw: GatewayProcess, version: str = "2025-06-18") -> str:
    body = {**INIT, "params": {**INIT["params"], "protocolVersion": version}}
    r = await c.post(url(gw), json=body, headers={**AUTH, **ACCEPT})
    assert r.status_code == 200, r.text
    sid = r.headers["mcp-session-id"]
    r = await c.post(url(gw), json={"jsonrpc": "2.0", "method": "notifications/initialized"},
                     headers={**AUTH, **ACCEPT, "Mcp-Session-Id": sid})
    assert r.status_code == 202
    return sid


async def rpc(c: httpx.AsyncClient, gw: GatewayProcess, sid: str | None, method: str,
              params: dict[str, Any] | None = None, req_id: Any = 2, **headers: str) -> httpx.Response:
    msg: dict[str, Any] = {"jsonrpc": "2.0", "id": req_id, "method": method}
    if params is not None:
        msg["params"] = params
    h = {**AUTH, **ACCEPT, **headers}
    if sid is not None:
        h["Mcp-Session-Id"] = sid
    return await c.post(url(gw), json=msg, headers=h)


def modern_headers(method: str, name: str | None = None) -> dict[str, str]:
    h = {"MCP-Protocol-Version": MODERN, "Mcp-Method": method}
    if name is not None:
        h["Mcp-Name"] = name
    return h


def sse_messages(text: str) -> list[dict[str, Any]]:
    return [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]


async def sse_events(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    async for line in response.aiter_lines():
        if line.startswith("data: "):
            yield json.loads(line[6:])


@pytest.fixture
def start(tmp_path: Any):  # type: ignore[no-untyped-def]
    started: list[GatewayProcess] = []

    def start(*args: str, token: str | None = TOKEN) -> GatewayProcess:
        ws = tmp_path / f"ws{len(started)}"
        ws.mkdir()
        gw = GatewayProcess(ws, *args, workers=1, token=token)
        started.append(gw)
        return gw

    yield start
    for gw in started:
        gw.stop()


# ---- sessions ---------------------------------------------------------------------------------


def test_session_id_is_issued_at_initialize_and_required_after(start) -> None:
    gw = start()

    async def main() -> None:
        async with client() as c:
            sid = await initialize(c, gw)
            assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", sid), sid
            other = await initialize(c, gw)
            assert other != sid
            r = await rpc(c, gw, sid, "tools/list")
            assert r.status_code == 200 and r.headers["content-type"] == "application/json"
            assert "bash" in {t["name"] for t in r.json()["result"]["tools"]}
            r = await rpc(c, gw, None, "tools/list")
            assert r.status_code == 400 and "Mcp-Session-Id" in r.json()["error"]["message"]
            r = await rpc(c, gw, "no-such-session", "tools/list")
            assert r.status_code == 404
            r = await rpc(c, gw, sid, "ping", **{"MCP-Protocol-Version": "1999-01-01"})
            assert r.status_code == 400 and "MCP-Protocol-Version" in r.json()["error"]["message"]
            r = await rpc(c, gw, sid, "ping", **{"MCP-Protocol-Version": "2025-03-26"})
            assert r.status_code == 200 and r.json()["result"] == {}
            # notifications and responses: 202, no body
            r = await c.post(url(gw), headers={**AUTH, **ACCEPT, "Mcp-Session-Id": sid},
                             json={"jsonrpc": "2.0", "id": 99, "result": {}})
            assert r.status_code == 202 and r.content == b""
            assert gw.status()["sessions_by_transport"]["http"] == 2
            r = await c.delete(url(gw), headers={**AUTH, "Mcp-Session-Id": sid})
            assert r.status_code == 200
            assert (await rpc(c, gw, sid, "ping")).status_code == 404
            assert gw.status()["sessions"] == 1

    run(main())
    assert "Mcp-Session-Id" not in gw.log() and TOKEN not in gw.log()


def test_auth_origin_and_methods_before_any_work(start) -> None:
    gw = start()

    async def main() -> None:
        async with client() as c:
            r = await c.post(url(gw), json=INIT, headers=ACCEPT)
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
            r = await c.post(url(gw) + "?token=wrong", json=INIT, headers=ACCEPT)
            assert r.status_code == 401
            r = await c.post(url(gw), json=INIT, headers={**AUTH, **ACCEPT, "Origin": "https://evil.example"})
            assert r.status_code == 403
            r = await c.post(url(gw) + f"?token={TOKEN}", json=INIT,
                             headers={**ACCEPT, "Origin": f"http://localhost:{gw.port}"})
            assert r.status_code == 200 and r.headers["mcp-session-id"]
            # a browser page of an allowed Origin: its preflight (no token) and readable answers
            page = f"http://localhost:{gw.port}"
            r = await c.options(url(gw), headers={"Origin": page, "Access-Control-Request-Method": "POST"})
            assert r.status_code == 204 and r.headers["access-control-allow-origin"] == page
            assert "mcp-session-id" in r.headers["access-control-allow-headers"].lower()
            r = await c.post(url(gw), json=INIT, headers={**AUTH, **ACCEPT, "Origin": page})
            assert r.headers["access-control-allow-origin"] == page
            assert "Mcp-Session-Id" in r.headers["access-control-expose-headers"]
            r = await c.options(url(gw), headers={"Origin": "https://evil.example"})
            assert r.status_code == 403
            r = await c.put(url(gw), headers=AUTH)
            assert r.status_code == 405 and "POST" in r.headers["allow"]
            r = await c.get(url(gw), headers=AUTH)
            assert r.status_code == 405
            r = await c.post(url(gw), content=b"{not json",
                             headers={**AUTH, **ACCEPT, "Content-Type": "application/json"})
            assert r.status_code == 400 and r.json()["error"]["code"] == -32700
            r = await c.post(url(gw), content=b"x", headers={**AUTH, "Content-Type": "text/plain"})
            assert r.status_code == 415
            r = await c.post(url(gw), json=INIT, headers={**AUTH, "Accept": "text/html"})
            assert r.status_code == 406

    run(main())
    assert gw.status()["sessions"] == 2
    refused = dict(re.findall(r'sandbox_connections_refused_total\{reason="(\w+)"\} (\S+)', gw.metrics()))
    assert float(refused["auth"]) == 2 and float(refused["origin"]) == 2


def test_body_over_max_message_size_gets_413(start) -> None:
    gw = start("--max-message-size", "2000")

    async def main() -> None:
        async with client() as c:
            sid = await initialize(c, gw)
            r = await rpc(c, gw, sid, "ping", {"pad": "x" * 3000})
            assert r.status_code == 413 and b"--max-message-size=2000" in r.content

            async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
                for _ in range(10):
                    yield b" " * 500

            r = await c.post(url(gw), content=chunks(), headers={**AUTH, **ACCEPT, "Mcp-Session-Id": sid,
                                                                   "Content-Type": "application/json"})
            assert r.status_code == 413
            assert (await rpc(c, gw, sid, "ping")).json()["result"] == {}

    run(main())


def test_websocket_and_http_sessions_share_max_sessions(start) -> None:
    gw = start("--max-sessions", "2")

    async def main() -> None:
        async with client() as c, McpClient.connect(gw.url):
            await initialize(c, gw)
            r = await c.post(url(gw), json=INIT, headers={**AUTH, **ACCEPT})
            assert r.status_code == 503 and b"--max-sessions=2" in r.content
            assert gw.status()["sessions_by_transport"] == {"websocket": 1, "http": 1, "stateless": 0}

    run(main())


def test_max_http_connections_recycles_idle_ones_and_refuses_when_all_are_busy(start) -> None:
    gw = start("--max-http-connections", "1")

    async def main() -> None:
        async with client() as first, client() as second:
            sid = await initialize(first, gw)  # first's connection is kept alive, idle: it holds the one slot
            assert (await rpc(second, gw, sid, "ping")).status_code == 200  # ... and is closed for this one
            assert gw.status()["http_connections"] == 1
            assert (await rpc(first, gw, sid, "ping")).status_code == 200  # first reconnects
            async with first.stream("GET", url(gw), headers={**AUTH, "Mcp-Session-Id": sid,
                                                            "Accept": "text/event-stream"}) as stream:
                assert stream.status_code == 200  # a busy connection: never closed for another
                r = await rpc(second, gw, sid, "ping")
                assert r.status_code == 503 and b"--max-http-connections=1" in r.content

    run(main())


def test_idle_keepalive_connections_close_after_keepalive_timeout(start) -> None:
    gw = start("--keepalive-timeout", "0.5")

    async def main() -> None:
        reader, writer = await asyncio.open_connection(gw.host, gw.port)
        body = json.dumps(INIT).encode()
        writer.write(b"POST /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode()
                     + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
                     + b"\r\n\r\n" + body)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with asyncio.timeout(10 * SCALE):
            while await reader.read(65536):
                pass
        assert 0.3 < loop.time() - started < 5 * SCALE
        writer.close()

    run(main())


# ---- calls, streams, cancellation ---------------------------------------------------------------


def test_progress_streams_as_sse_and_plain_calls_answer_json(start) -> None:
    gw = start()

    async def main() -> None:
        async with client() as c:
            sid = await initialize(c, gw)
            r = await rpc(c, gw, sid, "tools/call", {"name": "bash", "arguments": {"command": "echo plain"}})
            assert r.headers["content-type"] == "application/json"
            assert r.json()["result"]["content"][0]["text"] == "plain\n"
            r = await rpc(c, gw, sid, "tools/call", {"name": "bash", "arguments": {
                "command": "echo a; sleep 0.2; echo b"}, "_meta": {"progressToken": "tok"}})
            assert r.headers["content-type"] == "text/event-stream"
            msgs = sse_messages(r.text)
            assert [m.get("method") for m in msgs] == ["notifications/progress"] * 2 + [None]
            assert msgs[-1]["result"]["content"][0]["text"] == "a\nb\n"
            # a client that accepts only SSE gets SSE
            r = await rpc(c, gw, sid, "ping", Accept="text/event-stream")
            assert r.headers["content-type"] == "text/event-stream" and sse_messages(r.text)[0]["result"] == {}

    run(main())


def test_a_dropped_stream_does_not_cancel_its_call_but_cancelled_does(start) -> None:
    gw = start()
    kept, cancelled = unique_sleep(), unique_sleep()

    async def main() -> None:
        async with client() as c:
            sid = await initialize(c, gw)
            params = {"name": "bash", "arguments": {"command": f"sleep {kept}; echo done"},
                      "_meta": {"progressToken": 1}}
            msg = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params}
            async with c.stream("POST", url(gw), json=msg,
                                headers={**AUTH, **ACCEPT, "Mcp-Session-Id": sid}) as r:
                assert r.status_code == 200
                await async_wait_for(lambda: pids_matching(f"sleep {kept}"), 10, what="the call started")
            # the stream is gone; the call is not
            await asyncio.sleep(1)
            assert pids_matching(f"sleep {kept}")
            # notifications/cancelled stops a call (its own stream is answered and closed)
            task = asyncio.ensure_future(rpc(c, gw, sid, "tools/call", {
                "name": "bash", "arguments": {"command": f"sleep {cancelled}"}}, req_id="c-1"))
            await async_wait_for(lambda: pids_matching(f"sleep {cancelled}"), 10, what="the second call started")
            r = await c.post(url(gw), headers={**AUTH, **ACCEPT, "Mcp-Session-Id": sid}, json={
                "jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": "c-1"}})
            assert r.status_code == 202
            answer = await asyncio.wait_for(task, 20 * SCALE)
            assert answer.status_code == 202, answer.text
            await async_wait_for(lambda: not pids_matching(f"sleep {cancelled}"), 10, what="the cancelled tree killed")
            assert pids_matching(f"sleep {kept}")
            # DELETE ends the session: its calls are killed, like a WebSocket close
            assert (await c.delete(url(gw), headers={**AUTH, "Mcp-Session-Id": sid})).status_code == 200
            await async_wait_for(lambda: not pids_matching(f"sleep {kept}"), 10, what="the session's tree killed")

    run(main())


TINY_SERVER = r'''
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    result = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
              "serverInfo": {"name": "t", "version": "1"}}
    if msg["method"] == "tools/list":
        result = {"tools": [{"name": "now", "inputSchema": {"type": "object"}}]}
    elif msg["method"] != "initialize":
        result = {}
    print(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}), flush=True)
'''


def test_list_changed_reaches_the_get_stream_and_waits_in_a_buffer_without_one(start) -> None:
    gw = start()

    async def main() -> None:
        async with client() as c, client() as listener:
            sid = await initialize(c, gw)
            buffered = await initialize(c, gw)
            r = await listener.get(url(gw), headers={**AUTH, "Mcp-Session-Id": sid})
            assert r.status_code == 405  # no Accept: text/event-stream
            async with listener.stream("GET", url(gw), headers={**AUTH, "Mcp-Session-Id": sid,
                                                               "Accept": "text/event-stream"}) as stream:
                assert stream.status_code == 200
                r = await c.get(url(gw), headers={**AUTH, "Mcp-Session-Id": sid, "Accept": "text/event-stream"})
                assert r.status_code == 409  # one stream per session
                r = await rpc(c, gw, sid, "tools/call", {"name": "mcp_server_start", "arguments": {
                    "name": "tiny", "transport": "stdio", "command": "python3", "args": ["-c", TINY_SERVER]}})
                assert r.json()["result"]["isError"] is False, r.text
                async with asyncio.timeout(30 * SCALE):
                    first = await anext(sse_events(stream))
                assert first == {"jsonrpc": "2.0", "method": "notifications/tools/list_changed"}
            # the other session had no stream open: the notification waited for one
            async with listener.stream("GET", url(gw), headers={**AUTH, "Mcp-Session-Id": buffered,
                                                               "Accept": "text/event-stream"}) as stream:
                async with asyncio.timeout(10 * SCALE):
                    assert (await anext(sse_events(stream)))["method"] == "notifications/tools/list_changed"
            # DELETE closes a session's stream
            async with listener.stream("GET", url(gw), headers={**AUTH, "Mcp-Session-Id": buffered,
                                                               "Accept": "text/event-stream"}) as stream:
                await c.delete(url(gw), headers={**AUTH, "Mcp-Session-Id": buffered})
                async with asyncio.timeout(10 * SCALE):
                    assert [e async for e in sse_events(stream)] == []

    run(main())


def test_idle_http_sessions_expire_and_then_get_404(start) -> None:
    gw = start("--session-idle-timeout", "1")

    async def main() -> None:
        async with client() as c:
            sid = await initialize(c, gw)
            await async_wait_for(lambda: gw.status()["sessions"] == 0, 10, what="the idle session expired")
            assert (await rpc(c, gw, sid, "ping")).status_code == 404

    run(main())
    assert "session expired: idle for more than --session-idle-timeout=1s" in gw.log()


def test_batches_only_in_2025_03_26_sessions(start) -> None:
    gw = start()

    async def main() -> None:
        async with client() as c:
            old = await initialize(c, gw, "2025-03-26")
            batch = [{"jsonrpc": "2.0", "id": 1, "method": "ping"},
                     {"jsonrpc": "2.0", "method": "notifications/initialized"},
                     {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                      "params": {"name": "bash", "arguments": {"command": "echo batched"}}}]
            r = await c.post(url(gw), json=batch, headers={**AUTH, **ACCEPT, "Mcp-Session-Id": old})
            answers = sorted(r.json(), key=lambda m: m["id"])
            assert [a["id"] for a in answers] == [1, 2]
            assert answers[1]["result"]["content"][0]["text"] == "batched\n"
            new = await initialize(c, gw, "2025-06-18")
            r = await c.post(url(gw), json=batch, headers={**AUTH, **ACCEPT, "Mcp-Session-Id": new})
            assert r.json()["error"]["code"] == -32600 and "2025-03-26" in r.json()["error"]["message"]

    run(main())


# ---- 2026-07-28 ------------------------------------------------------------------------------


def test_stateless_discover_list_and_version_errors(start) -> None:
    gw = start()

    async def main() -> None:
        async with client() as c:
            r = await rpc(c, gw, None, "server/discover", {"_meta": ENVELOPE}, **modern_headers("server/discover"))
            result = r.json()["result"]
            assert MODERN in result["supportedVersions"] and "2025-11-25" in result["supportedVersions"]
            assert result["resultType"] == "complete" and result["cacheScope"] == "public"
            assert result["ttlMs"] > 0 and "mcp-session-id" not in r.headers
            r = await rpc(c, gw, None, "tools/list", {"_meta": ENVELOPE}, **modern_headers("tools/list"))
            listed = r.json()["result"]
            names = [t["name"] for t in listed["tools"]]
            assert names == sorted(names) and listed["resultType"] == "complete"
            assert {"ttlMs", "cacheScope"} <= set(listed)
            bash = next(t for t in listed["tools"] if t["name"] == "bash")
            session_arg = bash["inputSchema"]["properties"]["session"]
            assert session_arg["type"] == "string" and session_arg["x-mcp-header"] == "Session"
            # an unsupported version in the envelope: -32022, HTTP 400, with the versions to pick from
            bad = {**ENVELOPE, "io.modelcontextprotocol/protocolVersion": "2099-01-01"}
            r = await rpc(c, gw, None, "tools/list", {"_meta": bad}, **{
                "MCP-Protocol-Version": "2099-01-01", "Mcp-Method": "tools/list"})
            assert r.status_code == 400
            error = r.json()["error"]
            assert error["code"] == -32022 and error["data"] == {"supported": [MODERN], "requested": "2099-01-01"}
            # headers must agree with the body: -32020
            r = await rpc(c, gw, None, "tools/list", {"_meta": ENVELOPE}, **modern_headers("tools/call"))
            assert r.status_code == 400 and r.json()["error"]["code"] == -32020
            r = await rpc(c, gw, None, "tools/call", {"_meta": ENVELOPE, "name": "bash", "arguments": {
                "command": "true"}}, **modern_headers("tools/call", "read"))
            assert r.json()["error"]["code"] == -32020
            # missing client capabilities: -32602
            r = await rpc(c, gw, None, "tools/list", {"_meta": {"io.modelcontextprotocol/protocolVersion": MODERN}},
                          **modern_headers("tools/list"))
            assert r.status_code == 400 and r.json()["error"]["code"] == -32602
            r = await rpc(c, gw, None, "no/such", {"_meta": ENVELOPE}, **modern_headers("no/such"))
            assert r.status_code == 404 and r.json()["error"]["code"] == -32601
            # notifications are acknowledged and dropped
            r = await c.post(url(gw), headers={**AUTH, **ACCEPT}, json={
                "jsonrpc": "2.0", "method": "notifications/initialized", "params": {"_meta": ENVELOPE}})
            assert r.status_code == 202
        assert gw.status()["sessions"] == 0  # none of that kept a session

    run(main())


def test_stateless_session_handle_keeps_cwd_env_and_jobs(start) -> None:
    gw = start()

    def call(arguments: dict[str, Any], handle_in_meta: str | None = None) -> dict[str, Any]:
        meta: dict[str, Any] = dict(ENVELOPE)
        if handle_in_meta:
            meta[HANDLE] = handle_in_meta
        return {"_meta": meta, "name": "bash" if "command" in arguments else "job_list", "arguments": arguments}

    async def main() -> None:
        async with client() as c:
            async def tool(arguments: dict[str, Any], handle_in_meta: str | None = None) -> dict[str, Any]:
                params = call(arguments, handle_in_meta)
                r = await rpc(c, gw, None, "tools/call", params, **modern_headers("tools/call", params["name"]))
                assert r.status_code == 200, r.text
                return r.json()["result"]

            plain = await tool({"command": "echo no state"})
            assert HANDLE not in (plain.get("_meta") or {}) and plain["resultType"] == "complete"
            assert gw.status()["sessions"] == 0
            first = await tool({"command": "mkdir -p sub && cd sub && export GREETING=kept"})
            handle = first["_meta"][HANDLE]
            assert f'"session": "{handle}"' in first["content"][-1]["text"]
            assert gw.status()["sessions_by_transport"]["stateless"] == 1
            again = await tool({"command": "pwd; echo $GREETING", "session": handle})
            assert again["content"][0]["text"].endswith("/sub\nkept\n"), again
            assert again["_meta"][HANDLE] == handle and len(again["content"]) == 1
            via_meta = await tool({"command": "echo $GREETING"}, handle_in_meta=handle)
            assert via_meta["content"][0]["text"] == "kept\n"
            job = await tool({"command": "echo from-job", "run_in_background": True})
            job_handle = job["_meta"][HANDLE]
            assert job_handle != handle
            listed = await tool({"session": job_handle})
            assert [j["job_id"] for j in listed["structuredContent"]["jobs"]] == [job["structuredContent"]["job_id"]]
            r = await rpc(c, gw, None, "tools/call", call({"command": "true", "session": "forged"}),
                          **modern_headers("tools/call", "bash"))
            assert r.status_code == 400 and "session handle" in r.json()["error"]["message"]
            # the handle as a header a proxy can route by (x-mcp-header): it must agree with the argument
            r = await rpc(c, gw, None, "tools/call", call({"command": "echo $GREETING", "session": handle}),
                          **modern_headers("tools/call", "bash"), **{"Mcp-Param-Session": handle})
            assert r.json()["result"]["content"][0]["text"] == "kept\n"
            r = await rpc(c, gw, None, "tools/call", call({"command": "true", "session": handle}),
                          **modern_headers("tools/call", "bash"), **{"Mcp-Param-Session": job_handle})
            assert r.status_code == 400 and r.json()["error"]["code"] == -32020

    run(main())


def test_stateless_requests_without_a_handle_share_one_rate_limit(start) -> None:
    gw = start("--rate-limit", "0.01", "--rate-burst", "2")

    async def main() -> None:
        async with client() as c:
            params = {"_meta": ENVELOPE, "name": "bash", "arguments": {"command": "true"}}
            answers = [(await rpc(c, gw, None, "tools/call", params, **modern_headers("tools/call", "bash"))).json()
                       for _ in range(3)]
            assert [a.get("result", {}).get("isError") for a in answers[:2]] == [False, False]
            assert answers[2]["error"]["code"] == -32001 and "--rate-limit" in answers[2]["error"]["message"]

    run(main())


def test_a_stateless_client_that_hangs_up_cancels_its_call(start) -> None:
    gw = start()
    marker = unique_sleep()

    async def main() -> None:
        async with client() as c:
            params = {"_meta": ENVELOPE, "name": "bash", "arguments": {"command": f"sleep {marker}"}}
            msg = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params}
            task = asyncio.ensure_future(c.post(url(gw), json=msg, headers={
                **AUTH, **ACCEPT, **modern_headers("tools/call", "bash")}))
            await async_wait_for(lambda: pids_matching(f"sleep {marker}"), 10, what="the call started")
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await async_wait_for(lambda: not pids_matching(f"sleep {marker}"), 10, what="the call cancelled")

    run(main())


def test_websocket_sessions_speak_2026_too(start) -> None:
    gw = start()

    async def main() -> None:
        async with McpClient.connect(gw.url, initialize=False) as ws:
            r = await ws.request("server/discover", {"_meta": ENVELOPE})
            assert r["result"]["resultType"] == "complete"
            r = await ws.request("initialize", INIT["params"])
            assert r["error"]["code"] == -32600  # the session speaks 2026-07-28 now

    run(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))


def test_sigterm_answers_http_calls_and_closes_streams(start) -> None:
    gw = start("--shutdown-grace", "1")
    marker = unique_sleep()

    async def main() -> None:
        async with client() as c, client() as listener:
            sid = await initialize(c, gw)
            async with listener.stream("GET", url(gw), headers={**AUTH, "Mcp-Session-Id": sid,
                                                               "Accept": "text/event-stream"}) as stream:
                call = asyncio.ensure_future(rpc(c, gw, sid, "tools/call", {
                    "name": "bash", "arguments": {"command": f"sleep {marker}"}}))
                await async_wait_for(lambda: pids_matching(f"sleep {marker}"), 10, what="the call started")
                gw.proc.send_signal(signal.SIGTERM)
                answer = await asyncio.wait_for(call, 30 * SCALE)
                assert answer.json()["error"]["code"] == -32002, answer.text
                async with asyncio.timeout(15 * SCALE):
                    assert [e async for e in sse_events(stream)] == []

    run(main())
    assert gw.proc.wait(30 * SCALE) == 0
    assert not pids_matching(f"sleep {marker}")
    log = gw.log()
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]


def test_an_address_in_use_is_one_line_at_start(tmp_path: Any) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "gateway", "--port", str(port), "--workspace", str(tmp_path / "ws"),
             "--workers", "1", "--no-auth"], capture_output=True, text=True, cwd=ROOT, timeout=60 * SCALE)
    assert proc.returncode == 1 and "listening" not in proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith(f"sandbox-gateway: cannot listen on 127.0.0.1:{port}: "), proc.stderr
    assert "Traceback" not in proc.stderr


def test_results_for_older_revisions_leave_out_newer_fields(start) -> None:
    gw = start()

    async def main() -> None:
        async with client() as c:
            for version, structured in (("2025-03-26", False), ("2025-06-18", True)):
                sid = await initialize(c, gw, version)
                r = await rpc(c, gw, sid, "tools/call", {"name": "bash", "arguments": {"command": "true"}})
                result = r.json()["result"]
                assert ("structuredContent" in result) is structured, (version, result)
                assert "resultType" not in result

    run(main())


def test_a_kept_alive_connections_next_request_has_open_timeout_too(start) -> None:
    gw = start("--open-timeout", "1")

    async def main() -> None:
        body = json.dumps(INIT).encode()
        reader, writer = await asyncio.open_connection(gw.host, gw.port)
        writer.write(b"POST /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN.encode()
                     + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
                     + b"\r\n\r\n" + body)
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        length = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))  # type: ignore[union-attr]
        await reader.readexactly(length)
        writer.write(b"POST /mcp HTTP/1.1\r\nHost: x\r\n")  # ... and never finishes this head
        loop = asyncio.get_running_loop()
        started = loop.time()
        rest = b""
        async with asyncio.timeout(15 * SCALE):
            while chunk := await reader.read(65536):
                rest += chunk
        assert rest.startswith(b"HTTP/1.1 408"), rest
        assert 0.5 < loop.time() - started < 5 * SCALE
        writer.close()

    run(main())
    assert 'reason="handshake_timeout"} 1.0' in gw.metrics()
