"""MCP over WebSocket: the official SDK client end to end, JSON-RPC errors, auth."""

from __future__ import annotations

import asyncio
import json
import warnings

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.helpers import McpClient, run, text_of


def test_official_sdk_client_end_to_end(start_gateway) -> None:
    gw = start_gateway(token="sdk-secret-token")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from mcp import ClientSession
        from mcp.client.websocket import websocket_client

    async def main() -> None:
        async with websocket_client(gw.url) as (read, write), ClientSession(read, write) as session:
            init = await session.initialize()
            assert init.serverInfo.name == "sandbox-gateway"
            tools = await session.list_tools()
            bash = next(t for t in tools.tools if t.name == "bash")
            assert bash.inputSchema["required"] == ["command"]
            assert bash.inputSchema["additionalProperties"] is False
            result = await session.call_tool("bash", {"command": "echo from-sdk; echo err >&2; exit 4"})
            assert result.isError is True
            assert "from-sdk\nerr\n" in result.content[0].text
            assert result.structuredContent["exit_code"] == 4
            ok = await session.call_tool("bash", {"command": "printf ok"})
            assert ok.isError is False and ok.content[0].text == "ok"
            await session.send_ping()

    run(main())


@pytest.mark.parametrize("asked,expected", [("2024-11-05", "2024-11-05"), ("2025-03-26", "2025-03-26"),
                                            ("2025-06-18", "2025-06-18"), ("2025-11-25", "2025-11-25"),
                                            ("1999-01-01", "2025-11-25")])
def test_version_negotiation(gateway, asked: str, expected: str) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url, initialize=False) as c:
            res = await c.request("initialize", {"protocolVersion": asked, "capabilities": {},
                                                 "clientInfo": {"name": "t", "version": "0"}})
            assert res["result"]["protocolVersion"] == expected

    run(main())


def test_jsonrpc_errors_and_the_server_keeps_serving(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            async def raw(text: str) -> dict:
                before = len(c.received)
                await c.send_raw(text)
                for _ in range(200):
                    if len(c.received) > before:
                        return c.received[before]
                    await asyncio.sleep(0.01)
                raise AssertionError(f"no answer to {text!r}")

            assert (await raw("{not json"))["error"]["code"] == -32700
            assert (await raw("[1, 2]"))["error"]["code"] == -32600
            assert (await raw('"a string"'))["error"]["code"] == -32600
            assert (await raw('{"jsonrpc": "2.0", "id": 5}'))["error"]["code"] == -32600
            assert (await raw('{"jsonrpc": "2.0", "id": null, "method": "ping"}'))["error"]["code"] == -32600
            unknown = await c.request("no/such/method")
            assert unknown["error"]["code"] == -32601
            bad_tool = await c.request("tools/call", {"name": "nope", "arguments": {}})
            assert bad_tool["error"]["code"] == -32602 and "nope" in bad_tool["error"]["message"]
            no_name = await c.request("tools/call", {"arguments": {}})
            assert no_name["error"]["code"] == -32602
            wrong_type = await c.request("tools/call", {"name": "bash", "arguments": {"command": 42}})
            assert wrong_type["result"]["isError"] is True
            assert "$.command" in text_of(wrong_type["result"])
            missing = await c.request("tools/call", {"name": "bash", "arguments": {}})
            assert missing["result"]["isError"] is True and "command" in text_of(missing["result"])
            # notifications never get an answer, even unknown ones
            before = len(c.received)
            await c.notify("notifications/whatever")
            await c.notify("notifications/initialized")
            assert (await c.request("ping"))["result"] == {}
            assert len(c.received) == before + 1
            assert text_of(await c.bash("echo still-serving")) == "still-serving\n"

    run(main())


def test_pipelined_requests_answered_by_id(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            _slow_id, slow = c.start("tools/call", {"name": "bash", "arguments": {"command": "sleep 1; echo slow"}})
            fast_call = {"name": "bash", "arguments": {"command": "echo fast"}}
            _, fast = c.start("tools/call", fast_call, req_id="s-1")
            first = await asyncio.wait_for(asyncio.shield(fast), 30)
            assert not slow.done()
            assert first["id"] == "s-1" and text_of(first["result"]) == "fast\n"
            assert text_of((await asyncio.wait_for(slow, 30))["result"]) == "slow\n"

    run(main())


def test_tools_list_schemas_are_strict(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            tools = (await c.request("tools/list"))["result"]["tools"]
            for tool in tools:
                schema = tool["inputSchema"]
                assert schema["type"] == "object"
                assert schema["additionalProperties"] is False, tool["name"]

    run(main())


def test_token_auth_before_upgrade(start_gateway) -> None:
    gw = start_gateway(token="s3cret-token-value")
    base = f"ws://{gw.host}:{gw.port}/mcp"

    async def main() -> None:
        for url, headers in [(base, None), (base + "?token=wrong", None),
                             (base, {"Authorization": "Bearer wrong"})]:
            with pytest.raises(InvalidStatus) as info:
                async with connect(url, subprotocols=["mcp"], additional_headers=headers):
                    pass
            assert info.value.response.status_code == 401
        async with connect(base + "?token=s3cret-token-value", subprotocols=["mcp"]) as ws:
            assert ws.subprotocol == "mcp"
        async with connect(base, subprotocols=["mcp"],
                           additional_headers={"Authorization": "Bearer s3cret-token-value"}) as ws:
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
            assert json.loads(await ws.recv())["result"] == {}

    run(main())
    assert gw.http("/status", token="wrong")[0] == 401
    assert gw.http("/status")[0] == 200
    assert gw.http("/healthz", token="wrong")[0] == 200
    assert "s3cret-token-value" not in gw.log()


def test_http_endpoints(gateway) -> None:
    assert gateway.http("/healthz") == (200, b"ok\n")
    assert gateway.http("/readyz")[0] == 200
    status = gateway.status()
    assert {"id", "pid", "state", "inflight", "restarts"} <= set(status["workers"][0])
    assert status["sessions"] == 0
    assert gateway.http("/nope")[0] == 404


def test_oversized_message_closes_1009(start_gateway) -> None:
    gw = start_gateway("--max-message-size", "1000")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            await c.send_raw(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"x": "a" * 2000}}))
            await asyncio.wait_for(c.ws.wait_closed(), 10)
            assert c.ws.close_code == 1009

    run(main())
