"""Hostile clients and hostile commands: the gateway keeps serving, and the next call on a fresh
connection works.  Real gateways, real sockets, real processes."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import resource
import subprocess
import sys
import time

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from tests.helpers import (
    ROOT,
    SCALE,
    McpClient,
    async_wait_for,
    pids_matching,
    proc_status_kb,
    run,
    text_of,
    unique_sleep,
    wait_for,
)

MIB = 1024 * 1024



async def fresh_call_works(url: str) -> None:
    """The promise every test here ends with: a new connection is served normally."""
    async with McpClient.connect(url) as c:
        assert (await c.request("ping"))["result"] == {}
        res = await c.bash("echo fresh")
        assert text_of(res) == "fresh\n" and res["isError"] is False, res


@functools.cache
def _gateway_help() -> str:
    return subprocess.run([sys.executable, "-m", "gateway", "--help"], capture_output=True, text=True,
                          cwd=ROOT, check=True).stdout


def require_flag(flag: str) -> None:
    if flag not in _gateway_help():
        pytest.skip(f"flag {flag} not implemented yet")


# ---- connections ------------------------------------------------------------------------


def test_thousand_idle_connections(start_gateway) -> None:
    wanted = 1000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 4 * wanted)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    # The test process and the gateway (which inherits the limit) each hold one fd per connection.
    count = min(wanted, soft - 200)
    if count < 100:
        pytest.skip(f"RLIMIT_NOFILE soft limit {soft} cannot be raised far enough for idle connections")
    if count < wanted:
        print(f"RLIMIT_NOFILE hard limit is {hard}: scaled down to {count} idle connections")
    # sessions for every connection, and no more: the gateway refuses to start with a descriptor budget
    # its limit cannot hold (a machine with a low hard limit scales the test down instead)
    gw = start_gateway("--max-sessions", str(count + 20), "--max-pending-connections", "64", workers=1)

    async def main() -> None:
        gate = asyncio.Semaphore(64)  # stay under the listen backlog while handshaking

        async def open_one() -> ClientConnection:
            async with gate:
                return await connect(gw.url, subprotocols=["mcp"], ping_interval=None)  # type: ignore[list-item]

        conns = await asyncio.gather(*(open_one() for _ in range(count)))
        try:
            await async_wait_for(lambda: gw.status()["sessions"] == count, 30, what=f"{count} sessions")
            await fresh_call_works(gw.url)
            # The idle ones are still there and still answer.
            await conns[0].send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
            assert json.loads(await asyncio.wait_for(conns[0].recv(), 10 * SCALE))["result"] == {}
        finally:
            await asyncio.gather(*(c.close() for c in conns))
        await async_wait_for(lambda: gw.status()["sessions"] == 0, 30, what="sessions closed")

    run(main())


def test_stalled_handshakes_are_closed_after_open_timeout(start_gateway) -> None:
    gw = start_gateway("--open-timeout", "1", workers=1)

    async def stalled(payload: bytes) -> float:
        """Connect, send ``payload`` (maybe nothing), return how long until the server hung up."""
        reader, writer = await asyncio.open_connection(gw.host, gw.port)
        t0 = time.monotonic()
        try:
            if payload:
                writer.write(payload)
                await writer.drain()
            with contextlib.suppress(ConnectionResetError):
                async with asyncio.timeout(10 * SCALE):
                    while await reader.read(65536):
                        pass  # whatever the server says (maybe an HTTP error), it must then close
            return time.monotonic() - t0
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def main() -> None:
        silent = asyncio.create_task(stalled(b""))
        half = asyncio.create_task(stalled(b"GET /mcp HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"))
        # Meanwhile, normal clients are served.
        await fresh_call_works(gw.url)
        for elapsed in await asyncio.gather(silent, half):
            assert 0.5 < elapsed < 1 + 4 * SCALE, elapsed
        await fresh_call_works(gw.url)

    run(main())


def test_max_sessions_refuses_with_503(start_gateway) -> None:
    gw = start_gateway("--max-sessions", "2", workers=1)

    async def main() -> None:
        async with McpClient.connect(gw.url), McpClient.connect(gw.url) as second:
            with pytest.raises(InvalidStatus) as info:
                async with connect(gw.url, subprotocols=["mcp"]):  # type: ignore[list-item]
                    pass
            response = info.value.response
            assert response.status_code == 503
            assert b"--max-sessions=2" in response.body, response.body
            # the two admitted sessions are unaffected
            assert text_of(await second.bash("echo admitted")) == "admitted\n"
        await async_wait_for(lambda: gw.status()["sessions"] == 0, 10, what="sessions closed")
        await fresh_call_works(gw.url)

    run(main())


def test_origin_allow_list(start_gateway) -> None:
    gw = start_gateway("--allowed-origin", "https://ok.example", workers=1)

    async def main() -> None:
        with pytest.raises(InvalidStatus) as info:
            async with connect(gw.url, subprotocols=["mcp"], origin="https://evil.example"):  # type: ignore[list-item,arg-type]
                pass
        assert info.value.response.status_code == 403
        assert b"https://evil.example" in info.value.response.body
        async with connect(gw.url, subprotocols=["mcp"], origin="https://ok.example") as ws:  # type: ignore[list-item,arg-type]
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
            assert json.loads(await ws.recv())["result"] == {}
        await fresh_call_works(gw.url)  # no Origin header: not a browser

    run(main())


def test_without_allow_list_only_loopback_origins_connect(start_gateway) -> None:
    # Under --no-auth any web page in a browser on this machine could otherwise open the socket and run
    # bash (cross-site WebSocket hijacking, DNS rebinding).
    gw = start_gateway(workers=1)

    async def main() -> None:
        for origin in ["https://evil.example", "http://127.0.0.1.evil.example", "null", "not a url"]:
            with pytest.raises(InvalidStatus) as info:
                async with connect(gw.url, subprotocols=["mcp"], origin=origin):  # type: ignore[list-item,arg-type]
                    pass
            assert info.value.response.status_code == 403, origin
        async with connect(gw.url, subprotocols=["mcp"], origin="http://localhost:3000"):  # type: ignore[list-item,arg-type]
            pass
        await fresh_call_works(gw.url)

    run(main())


def test_abrupt_disconnect_mid_call_kills_the_tree(gateway) -> None:
    s = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            c.start("tools/call", {"name": "bash", "arguments": {"command": f"sleep {s} & sleep {s}"}})
            await async_wait_for(lambda: len(pids_matching(f"sleep {s}")) >= 2, 10, what="call running")
            c.ws.transport.abort()  # TCP RST, no close frame
        await async_wait_for(lambda: not pids_matching(f"sleep {s}"), 20, what="tree of the dropped call killed")
        await async_wait_for(lambda: gateway.status()["sessions"] == 0, 10, what="session gone")
        await fresh_call_works(gateway.url)

    run(main())


def test_oversized_message_closes_1009_and_server_keeps_serving(start_gateway) -> None:
    gw = start_gateway("--max-message-size", "1000", workers=1)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            await c.send_raw(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"x": "a" * 5000}}))
            await asyncio.wait_for(c.ws.wait_closed(), 10 * SCALE)
            assert c.ws.close_code == 1009
        await fresh_call_works(gw.url)

    run(main())


# ---- hostile commands -------------------------------------------------------------------


def test_output_flood_is_truncated_and_memory_stays_bounded(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            res = await c.bash("yes | head -c 500M; echo; echo END", timeout=120, wait=180)
            assert res["structuredContent"]["truncated"] is True
            text = text_of(res)
            assert "bytes of output truncated" in text and text.rstrip().endswith("END")
            assert len(text.encode()) < 1.1 * MIB
        await fresh_call_works(gateway.url)

    run(main())
    for pid in [gateway.proc.pid, *gateway.worker_pids()]:
        assert proc_status_kb(pid, "VmHWM") < 100 * 1024, pid


def test_spawn_storm_is_answered_and_leaves_nothing(gateway) -> None:
    s = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            t0 = time.monotonic()
            res = await c.bash(f"for i in $(seq 3000); do sleep {s} & done; echo spawned", timeout=5, wait=60)
            # Either the loop finished (and the leftovers were killed at exit) or the deadline hit.
            assert res["structuredContent"]["timed_out"] or "spawned" in text_of(res), res
            assert time.monotonic() - t0 < 5 + 10 * SCALE
        wait_for(lambda: not pids_matching(f"sleep {s}"), 60, interval=0.5, what="every stormed sleep killed")
        await fresh_call_works(gateway.url)

    run(main())


def test_working_dir_outside_workspace_is_refused(start_gateway) -> None:
    # bash is a shell: `cat ../x` or `cd /` inside a command is possible by design.  What the gateway
    # confines is where a call *starts*: working_dir must resolve inside the workspace.
    gw = start_gateway(workers=1)
    (gw.workspace / "sub").mkdir()
    os.symlink("/", gw.workspace / "escape")
    inside_path = os.path.realpath(gw.workspace / "sub")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            for working_dir in ["..", "../..", "/etc", "/", "escape", "escape/etc", "sub/../../"]:
                res = await c.bash("pwd", working_dir=working_dir)
                assert res["isError"] is True, (working_dir, res)
                assert "outside the workspace" in text_of(res), (working_dir, text_of(res))
            inside = await c.bash("pwd", working_dir="sub")
            assert inside["isError"] is False
            assert text_of(inside).strip() == inside_path
        await fresh_call_works(gw.url)

    run(main())


# ---- per-call resource limits -----------------------------------------------------------


def test_default_address_space_limit_stops_huge_allocation(start_gateway) -> None:
    require_flag("--limit-address-space")
    gw = start_gateway(workers=1)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            res = await c.bash('python3 -c "b = bytearray(3*1024**3)"', timeout=60)
            assert res["isError"] is True and res["structuredContent"]["exit_code"] not in (0, None), res
            assert "MemoryError" in text_of(res), text_of(res)
        await fresh_call_works(gw.url)

    run(main())


def test_file_size_limit_stops_disk_filling(start_gateway) -> None:
    require_flag("--limit-file-size")
    gw = start_gateway("--limit-file-size", str(10 * MIB), workers=1)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            res = await c.bash("head -c 50M /dev/zero > big", timeout=60)
            assert res["isError"] is True, res
            assert res["structuredContent"]["exit_code"] == 128 + 25 or "File size limit exceeded" in text_of(res), res
        await fresh_call_works(gw.url)

    run(main())
    assert (gw.workspace / "big").stat().st_size <= 10 * MIB


def test_open_files_limit_is_visible_to_the_shell(start_gateway) -> None:
    require_flag("--limit-open-files")
    gw = start_gateway("--limit-open-files", "123", workers=1)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            res = await c.bash("ulimit -n; ulimit -Hn")
            assert text_of(res).split() == ["123", "123"], text_of(res)

    run(main())


def test_no_network_leaves_only_loopback(start_gateway) -> None:
    require_flag("--no-network")
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root here")
    gw = start_gateway("--no-network", workers=1)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            res = await c.bash("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '")
            assert text_of(res).split() == ["lo"], text_of(res)
            res = await c.bash("exec 3<>/dev/tcp/1.1.1.1/53", timeout=10)
            assert res["isError"] is True and res["structuredContent"]["timed_out"] is False, res

    run(main())


def test_cpu_seconds_limit_kills_busy_loop(start_gateway) -> None:
    require_flag("--limit-cpu-seconds")
    gw = start_gateway("--limit-cpu-seconds", "1", workers=1)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            res = await c.bash("while :; do :; done", timeout=60)
            assert res["structuredContent"]["timed_out"] is False, res
            # SIGXCPU at the soft limit, SIGKILL at the hard one (the kernel checks hard first when equal)
            assert res["structuredContent"]["exit_code"] in (128 + 24, 128 + 9), res
        await fresh_call_works(gw.url)

    run(main())
