"""The workspace as MCP resources through a real gateway: templates, the paged list and its signed
cursor, reads, and subscriptions (WebSocket, Streamable HTTP's GET stream, 2026-07-28's
subscriptions/listen, the official SDK 2.x client), with their bounds.  Tools run as ``nobody`` in a
workspace of the test's own, as in tests/test_files_gateway.py.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import SCALE, GatewayProcess, McpClient, async_wait_for, run
from tests.helpers import call_tool as call
from tests.test_http_clients import SDK2_PYTHON, need, run_json

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: tools run as nobody")

TOKEN = "resources-test-token-0b7e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ACCEPT = {"Accept": "application/json, text/event-stream"}
MODERN = "2026-07-28"
ENVELOPE = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}



@contextlib.contextmanager
def gateway(base: Path, *args: str) -> Iterator[GatewayProcess]:
    gw = GatewayProcess(base / "ws", "--no-mcp-servers", *args, workers=2, token=TOKEN)
    try:
        yield gw
    finally:
        gw.stop()


def inotify_watches(pid: int) -> int:
    """The inotify watches process ``pid`` holds (from /proc/PID/fdinfo)."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == "anon_inode:inotify":
                count += Path(f"/proc/{pid}/fdinfo/{fd}").read_text().count("inotify wd:")
    return count


async def ok(c: McpClient, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    msg = await c.request(method, params)
    assert "result" in msg, msg
    return msg["result"]


async def error(c: McpClient, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    msg = await c.request(method, params)
    assert "error" in msg, msg
    return msg["error"]


def updates(c: McpClient) -> list[str]:
    return [n["params"]["uri"] for n in c.notifications if n.get("method") == "notifications/resources/updated"]


def test_templates_list_and_read_through_a_websocket_session(base: Path) -> None:
    ws = base / "ws"
    for n in range(230):
        (ws / f"d{n // 100}").mkdir(exist_ok=True)
        (ws / f"d{n // 100}" / f"f{n:03}.txt").write_text(f"file {n}\n")
    (ws / ".git").mkdir()
    (ws / ".git" / "HEAD").write_text("hidden\n")
    (ws / "bin.dat").write_bytes(b"\0\1\2\xff")
    (ws / "big.txt").write_text("x" * 3000)
    (ws / "sp ace#.md").write_text("# odd name\n")
    os.symlink("/etc/passwd", ws / "passwd-link")
    with gateway(base, "--max-download-bytes", "2000") as gw:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                caps = c.received[0]["result"]["capabilities"]
                assert caps["resources"] == {"subscribe": True, "listChanged": False}
                templates = await ok(c, "resources/templates/list")
                assert [t["uriTemplate"] for t in templates["resourceTemplates"]] == ["file:///{path}"]

                names: list[str] = []
                pages = 0
                cursor = None
                while True:
                    page = await ok(c, "resources/list", {"cursor": cursor} if cursor else {})
                    pages += 1
                    names += [r["name"] for r in page["resources"]]
                    cursor = page.get("nextCursor")
                    if cursor is None:
                        break
                assert pages == 3 and len(names) == 233 and names == sorted(names, key=lambda n: n.split("/"))
                assert names[:2] == ["big.txt", "bin.dat"] and "sp ace#.md" in names
                assert not any(n.startswith(".git") or n == "passwd-link" for n in names)
                first = (await ok(c, "resources/list"))["resources"][0]
                assert first == {"uri": "file:///big.txt", "name": "big.txt", "mimeType": "text/plain", "size": 3000}
                # cursors are signed: an edited or invented one is refused
                good = (await ok(c, "resources/list"))["nextCursor"]
                payload = base64.urlsafe_b64encode(b"\x92\xa2..\xa3etc").rstrip(b"=").decode()
                for bad in (good[:-2] + "AA", payload + "." + good.split(".")[1], "x", 42):
                    assert (await error(c, "resources/list", {"cursor": bad}))["code"] == -32602

                text = await ok(c, "resources/read", {"uri": "file:///d0/f007.txt"})
                assert text == {"contents": [{"uri": "file:///d0/f007.txt", "mimeType": "text/plain",
                                              "text": "file 7\n"}]}
                blob = (await ok(c, "resources/read", {"uri": "file:///bin.dat"}))["contents"][0]
                assert base64.b64decode(blob["blob"]) == b"\0\1\2\xff" and "text" not in blob
                odd = await ok(c, "resources/read", {"uri": "file:///sp%20ace%23.md"})
                assert odd["contents"][0]["text"] == "# odd name\n"
                big = await error(c, "resources/read", {"uri": "file:///big.txt"})
                assert "--max-download-bytes=2000" in big["message"] and "GET /files/big.txt" in big["message"]
                missing = await error(c, "resources/read", {"uri": "file:///nope.txt"})
                assert missing["code"] == -32002 and missing["data"] == {"uri": "file:///nope.txt"}
                for uri in ("file:///../../etc/passwd", "file:///%2e%2e/x", "file:///passwd-link", "file:///d0",
                            "http://example.com/x", "file:///a%00b", 7):
                    assert (await error(c, "resources/read", {"uri": uri}))["code"] == -32602, uri

        run(main())


def test_subscriptions_tell_of_changes_and_are_bounded(base: Path) -> None:
    ws = base / "ws"
    (ws / "logs").mkdir()
    (ws / "logs" / "app.log").write_text("start\n")
    (ws / "logs" / "other.log").write_text("other\n")
    (ws / "build").mkdir()
    with gateway(base, "--max-resource-subscriptions", "4", "--max-resource-watches", "3") as gw:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                log = "file:///logs/app.log"
                assert await ok(c, "resources/subscribe", {"uri": log}) == {}
                assert inotify_watches(gw.proc.pid) == 1
                await c.bash("echo more >> logs/app.log")  # written in place
                await async_wait_for(lambda: updates(c) == [log], 10, "the update of an append")
                await call(c, "write", file_path="logs/app.log", content="replaced\n")  # renamed over it
                await async_wait_for(lambda: len(updates(c)) == 2, 10, "the update of a replacement")
                await c.bash("echo x >> logs/other.log")  # another file of the same directory: nothing
                # a burst of writes: one notification now and one after it, not one per write
                await c.bash("for i in $(seq 200); do echo $i >> logs/app.log; done")
                await asyncio.sleep(0.5)
                burst = len(updates(c)) - 2
                assert 1 <= burst <= 4, updates(c)

                # a file that does not exist yet, in a directory that does not either
                later = "file:///build/out/result.json"
                await ok(c, "resources/subscribe", {"uri": later})
                await c.bash("mkdir -p build/out && echo '{}' > build/out/result.json")
                await async_wait_for(lambda: later in updates(c), 10, "the file made later")
                # its directory removed and made again: watched again
                await c.bash("rm -rf build/out")
                await asyncio.sleep(0.3)
                seen = len(updates(c))
                await c.bash("mkdir -p build/out && echo 2 > build/out/result.json")
                await async_wait_for(lambda: len(updates(c)) > seen and updates(c)[-1] == later, 10,
                                     "the file in the directory made again")

                refused = await error(c, "resources/subscribe", {"uri": "file:///../outside.txt"})
                assert refused["code"] == -32602
                await ok(c, "resources/subscribe", {"uri": "file:///logs/other.log"})  # same directory: one watch
                await ok(c, "resources/subscribe", {"uri": "file:///top.txt"})
                assert inotify_watches(gw.proc.pid) == 3
                full = await error(c, "resources/subscribe", {"uri": "file:///build/x.txt"})
                assert full["code"] == -32001 and "--max-resource-subscriptions=4" in full["message"]
                async with McpClient.connect(gw.url) as other:
                    (ws / "elsewhere").mkdir()
                    watches = await error(other, "resources/subscribe", {"uri": "file:///elsewhere/x"})
                    assert watches["code"] == -32001 and "--max-resource-watches=3" in watches["message"]

                await ok(c, "resources/unsubscribe", {"uri": log})
                before = len(updates(c))
                await c.bash("echo after >> logs/app.log")
                await asyncio.sleep(0.5)
                assert len(updates(c)) == before  # unsubscribed
            # the session ended: its watches are gone
            await async_wait_for(lambda: inotify_watches(gw.proc.pid) == 0, 10, "the watches to go")

        run(main())


async def _sse(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    async for line in response.aiter_lines():
        if line.startswith("data: "):
            yield json.loads(line[6:])


def test_streamable_http_sessions_get_updates_on_their_get_stream(base: Path) -> None:
    ws = base / "ws"
    (ws / "watched.txt").write_text("0\n")
    with gateway(base) as gw:
        endpoint = f"http://{gw.host}:{gw.port}/mcp"

        async def main() -> None:
            async with httpx.AsyncClient(timeout=30 * SCALE, headers={**AUTH, **ACCEPT}) as c:
                init = await c.post(endpoint, json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})
                sid = {"Mcp-Session-Id": init.headers["mcp-session-id"]}
                assert init.json()["result"]["capabilities"]["resources"]["subscribe"] is True
                await c.post(endpoint, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=sid)
                sub = await c.post(endpoint, json={"jsonrpc": "2.0", "id": 2, "method": "resources/subscribe",
                                                   "params": {"uri": "file:///watched.txt"}}, headers=sid)
                assert sub.json() == {"jsonrpc": "2.0", "id": 2, "result": {}}
                # changed before the stream opens: the notification waits in the session's buffer
                (ws / "watched.txt").write_text("1\n")
                await asyncio.sleep(0.3)
                (ws / "watched.txt").write_text("2\n")
                async with c.stream("GET", endpoint, headers={**sid, "Accept": "text/event-stream"}) as stream:
                    events = _sse(stream)
                    first = await asyncio.wait_for(anext(events), 10 * SCALE)
                    assert first == {"jsonrpc": "2.0", "method": "notifications/resources/updated",
                                     "params": {"uri": "file:///watched.txt"}}
                    await asyncio.sleep(0.3)
                    (ws / "watched.txt").write_text("3\n")
                    again = await asyncio.wait_for(anext(events), 10 * SCALE)
                    assert again["params"]["uri"] == "file:///watched.txt"
                await c.delete(endpoint, headers=sid)
            await async_wait_for(lambda: inotify_watches(gw.proc.pid) == 0, 10, "the watch to go with the session")

        run(main())


def test_stateless_clients_listen_and_get_cacheable_results(base: Path) -> None:
    ws = base / "ws"
    (ws / "a.txt").write_text("alpha\n")
    with gateway(base) as gw:
        endpoint = f"http://{gw.host}:{gw.port}/mcp"

        def headers(method: str) -> dict[str, str]:
            return {**AUTH, **ACCEPT, "MCP-Protocol-Version": MODERN, "Mcp-Method": method}

        def body(method: str, params: dict[str, Any], req_id: Any = 1) -> dict[str, Any]:
            return {"jsonrpc": "2.0", "id": req_id, "method": method, "params": {**params, "_meta": ENVELOPE}}

        async def main() -> None:
            async with httpx.AsyncClient(timeout=30 * SCALE) as c:
                discover = await c.post(endpoint, json=body("server/discover", {}), headers=headers("server/discover"))
                assert discover.json()["result"]["capabilities"]["resources"] == {"subscribe": True,
                                                                                 "listChanged": False}
                read = (await c.post(endpoint, json=body("resources/read", {"uri": "file:///a.txt"}),
                                     headers=headers("resources/read"))).json()["result"]
                assert read["contents"][0]["text"] == "alpha\n"
                assert (read["resultType"], read["cacheScope"], read["ttlMs"]) == ("complete", "private", 0)
                templates = (await c.post(endpoint, json=body("resources/templates/list", {}),
                                          headers=headers("resources/templates/list"))).json()["result"]
                assert templates["cacheScope"] == "public" and templates["ttlMs"] > 0
                gone = (await c.post(endpoint, json=body("resources/subscribe", {"uri": "file:///a.txt"}),
                                     headers=headers("resources/subscribe"))).json()
                assert gone["error"]["code"] == -32601  # replaced by subscriptions/listen in this revision
                listen = body("subscriptions/listen", {"notifications": {
                    "resourceSubscriptions": ["file:///a.txt", "file:///../outside", "not-a-uri"],
                    "toolsListChanged": True}}, req_id="listen-1")
                async with c.stream("POST", endpoint, json=listen, headers=headers("subscriptions/listen")) as stream:
                    assert stream.headers["content-type"] == "text/event-stream"
                    events = _sse(stream)
                    ack = await asyncio.wait_for(anext(events), 10 * SCALE)
                    meta = {"io.modelcontextprotocol/subscriptionId": "listen-1"}
                    assert ack == {"jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged", "params": {
                        "notifications": {"resourceSubscriptions": ["file:///a.txt"]}, "_meta": meta}}
                    assert inotify_watches(gw.proc.pid) == 1
                    (ws / "a.txt").write_text("beta\n")
                    update = await asyncio.wait_for(anext(events), 10 * SCALE)
                    assert update == {"jsonrpc": "2.0", "method": "notifications/resources/updated",
                                      "params": {"uri": "file:///a.txt", "_meta": meta}}
            # closing the stream cancelled the listen: its watch is gone
            await async_wait_for(lambda: inotify_watches(gw.proc.pid) == 0, 10, "the listen's watch to go")

        run(main())


def test_resources_can_be_turned_off(base: Path) -> None:
    with gateway(base, "--no-resources") as gw:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                assert "resources" not in c.received[0]["result"]["capabilities"]
                for method in ("resources/list", "resources/read", "resources/templates/list", "resources/subscribe"):
                    assert (await error(c, method, {"uri": "file:///x"}))["code"] == -32601

        run(main())


def test_the_official_sdk_2_client_reads_lists_subscribes_and_listens(base: Path) -> None:
    need(SDK2_PYTHON, "the Python SDK 2.x virtualenv")
    ws = base / "ws"
    (ws / "notes").mkdir()
    (ws / "notes" / "hello.txt").write_text("hello\n")
    (ws / "bin").mkdir()
    (ws / "bin" / "data.bin").write_bytes(b"\0\xfe")
    for n in range(120):
        (ws / "bin" / f"n{n:03}.txt").write_text("n\n")
    with gateway(base) as gw:
        t0 = time.monotonic()
        out = run_json([str(SDK2_PYTHON), "tests/clients/sdk2_client.py", "resources",
                        f"http://{gw.host}:{gw.port}/mcp", TOKEN])
        assert time.monotonic() - t0 < 60 * SCALE
    assert out["protocol"] == MODERN and out["legacy_protocol"] == "2025-11-25"
    assert out["templates"] == ["file:///{path}"]
    assert out["pages"] == 2 and len(out["names"]) == 122 and "notes/hello.txt" in out["names"]
    assert out["text"] == "hello\n" and base64.b64decode(out["blob"]) == b"\0\xfe"
    assert out["honored"] == ["file:///notes/hello.txt"] and out["listen_event"] == "file:///notes/hello.txt"
    assert out["legacy_event"] == "file:///notes/hello.txt" and out["legacy_text"] == "replaced\n"
