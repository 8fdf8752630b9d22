"""The official Python SDK 2.x Streamable HTTP client against a gateway, run in its own virtualenv
(.venv-mcp2: the suite's own environment pins mcp<2 for the 1.x WebSocket client).

    python sdk2_client.py legacy URL TOKEN   initialize, list, bash (progress), cancellation,
                                             tools/list_changed after a managed server starts, end
    python sdk2_client.py auto URL TOKEN     2026-07-28: discover, list, bash with a session handle
    python sdk2_client.py drain-legacy|drain-auto URL TOKEN COMMAND
                                             one bash call of COMMAND (the test stops the gateway while
                                             it runs) and what came of it: the text, or the error
    python sdk2_client.py resources URL TOKEN  the workspace as resources, in both eras: templates, paged list,
                                             read (text and blob), a subscription (2025-11-25) and a listen
                                             stream (2026-07-28) each seeing a file change

Prints one JSON object with what it saw; the test asserts on it.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import anyio
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

HANDLE = "sandbox-gateway/session"


async def legacy(url: str, token: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    notes: list[str] = []
    changed = anyio.Event()

    async def on_message(message: Any) -> None:
        method = getattr(getattr(message, "root", message), "method", None)
        if isinstance(method, str):
            notes.append(method)
            if method == "notifications/tools/list_changed":
                changed.set()

    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with http, Client(streamable_http_client(url, http_client=http), mode="legacy",
                            message_handler=on_message) as client:
        out["protocol"] = client.protocol_version
        out["server"] = client.server_info.name if client.server_info else None
        out["tools"] = sorted(t.name for t in (await client.list_tools()).tools)
        progress: list[str | None] = []

        async def on_progress(value: float, total: float | None, message: str | None) -> None:
            progress.append(message)

        result = await client.call_tool("bash", {"command": "echo one; sleep 0.3; echo two"},
                                        progress_callback=on_progress)
        out["text"] = result.content[0].text  # type: ignore[union-attr]
        out["progress"] = progress
        await client.call_tool("bash", {"command": "cd /tmp && export GREETING=hello"})
        state = await client.call_tool("bash", {"command": "pwd; echo $GREETING"})
        out["state"] = state.content[0].text  # type: ignore[union-attr]
        # cancellation: the call is abandoned client-side, notifications/cancelled reaches the server
        marker = sys.argv[4] if len(sys.argv) > 4 else "3000.5"
        with anyio.move_on_after(1.5):
            await client.call_tool("bash", {"command": f"sleep {marker}"})
        out["cancelled"] = True
        await client.send_ping()
        # tools/list_changed: a managed MCP server starting changes the list
        started = await client.call_tool("mcp_server_start", {
            "name": "clock", "transport": "stdio", "command": "python3", "args": ["-c", SERVER]})
        out["server_started"] = not started.is_error
        with anyio.move_on_after(30):
            await changed.wait()
        out["notifications"] = sorted(set(notes))
        out["tools_after"] = sorted(t.name for t in (await client.list_tools(cache_mode="bypass")).tools
                                    if t.name.startswith("clock__"))
        out["session_id_seen"] = True
    out["ended"] = True
    return out


async def modern(url: str, token: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with http, Client(streamable_http_client(url, http_client=http), mode="auto") as client:
        out["protocol"] = client.protocol_version
        out["tools"] = sorted(t.name for t in (await client.list_tools()).tools)
        first = await client.call_tool("bash", {"command": "cd /tmp && export GREETING=stateless"})
        handle = (first.meta or {}).get(HANDLE)
        out["handle_issued"] = isinstance(handle, str) and len(handle) > 20
        again = await client.call_tool("bash", {"command": "pwd; echo $GREETING", "session": handle})
        out["state"] = again.content[0].text  # type: ignore[union-attr]
        fresh = await client.call_tool("bash", {"command": "pwd"})
        out["fresh"] = fresh.content[0].text  # type: ignore[union-attr]
        job = await client.call_tool("bash", {"command": "echo from-job", "run_in_background": True,
                                              "session": handle})
        out["job"] = job.structured_content
        await asyncio.sleep(0.5)
        listed = await client.call_tool("job_list", {"session": handle})
        out["jobs"] = listed.structured_content
    return out


async def drain(url: str, token: str, mode: str, command: str) -> dict[str, Any]:
    """One call while the gateway drains: its result must come back, and the client must end cleanly."""
    out: dict[str, Any] = {}
    try:
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        async with http, Client(streamable_http_client(url, http_client=http), mode=mode) as client:  # type: ignore[arg-type]
            out["protocol"] = client.protocol_version
            result = await client.call_tool("bash", {"command": command})
            out["text"] = result.content[0].text  # type: ignore[union-attr]
    except BaseException as exc:  # reported to the test, which asserts there was none
        out["error"] = repr(exc)[:2000]
    return out


async def resources(url: str, token: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with http, Client(streamable_http_client(url, http_client=http), mode="auto") as client:
        out["protocol"] = client.protocol_version
        out["templates"] = [t.uri_template for t in (await client.list_resource_templates()).resource_templates]
        names: list[str] = []
        cursor = None
        pages = 0
        while True:
            page = await client.list_resources(cursor=cursor, cache_mode="bypass")
            pages += 1
            names += [r.name for r in page.resources]
            cursor = page.next_cursor
            if not cursor:
                break
        out["names"], out["pages"] = names, pages
        text = (await client.read_resource("file:///notes/hello.txt")).contents[0]
        out["text"] = getattr(text, "text", None)
        blob = (await client.read_resource("file:///bin/data.bin")).contents[0]
        out["blob"] = getattr(blob, "blob", None)
        async with client.listen(resource_subscriptions=["file:///notes/hello.txt"]) as sub:
            out["honored"] = list(sub.honored.resource_subscriptions or [])
            await client.call_tool("bash", {"command": "echo more >> notes/hello.txt"})
            with anyio.fail_after(20):
                async for event in sub:
                    out["listen_event"] = getattr(event, "uri", None)
                    break
    updated = anyio.Event()
    seen: list[str] = []

    async def on_message(message: Any) -> None:
        root = getattr(message, "root", message)
        if getattr(root, "method", None) == "notifications/resources/updated":
            seen.append(str(root.params.uri))
            updated.set()

    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    async with http, Client(streamable_http_client(url, http_client=http), mode="legacy",
                            message_handler=on_message) as client:
        out["legacy_protocol"] = client.protocol_version
        await client.subscribe_resource("file:///notes/hello.txt")
        await client.call_tool("write", {"file_path": "notes/hello.txt", "content": "replaced\n"})
        with anyio.fail_after(20):
            await updated.wait()
        out["legacy_event"] = seen[0]
        out["legacy_text"] = getattr((await client.read_resource("file:///notes/hello.txt")).contents[0], "text", None)
    return out


# A minimal stdio MCP server for the list_changed check, written with the SDK's 1.x-compatible
# low-level wire format by hand (no dependency in the gateway's environment).
SERVER = r'''
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    method = msg["method"]
    if method == "initialize":
        result = {"protocolVersion": msg["params"]["protocolVersion"], "capabilities": {"tools": {}},
                  "serverInfo": {"name": "clock", "version": "1"}}
    elif method == "tools/list":
        result = {"tools": [{"name": "now", "description": "time", "inputSchema": {"type": "object"}}]}
    elif method == "ping":
        result = {}
    else:
        result = {"content": [{"type": "text", "text": "12:00"}]}
    print(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}), flush=True)
'''


def main() -> None:
    mode, url, token = sys.argv[1:4]
    if mode.startswith("drain-"):
        out = anyio.run(drain, url, token, mode.removeprefix("drain-"), sys.argv[4])
    else:
        out = anyio.run({"legacy": legacy, "resources": resources}.get(mode, modern), url, token)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
