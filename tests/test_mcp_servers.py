"""Managed MCP servers end to end: a real gateway, its MCP host process, real third-party servers.

Servers: ``mcp-server-time`` from PyPI over stdio, a server built with the official SDK
(tests/mcp_servers/sdk_server.py) over stdio, SSE and Streamable HTTP, and hostile ones
(tests/mcp_servers/hostile.py).  Leftovers are looked for by an environment marker
each test gives its servers.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import (
    McpClient,
    async_until,
    async_wait_for,
    pids_matching,
    pids_with_env,
    run,
    text_of,
    unique_sleep,
    wait_for,
)
from tests.helpers import call_tool as call

SERVERS = Path(__file__).parent / "mcp_servers"
SDK_SERVER = str(SERVERS / "sdk_server.py")
HOSTILE = str(SERVERS / "hostile.py")



def marker() -> dict[str, str]:
    return {"MCP_TEST_MARKER": secrets.token_hex(8)}


def leftovers(env: dict[str, str]) -> list[int]:
    return pids_with_env("MCP_TEST_MARKER", env["MCP_TEST_MARKER"])



async def start(c: McpClient, name: str, transport: str, **spec: Any) -> dict:
    res = await call(c, "mcp_server_start", name=name, transport=transport, **spec)
    assert not res["isError"], res
    return res


async def servers(c: McpClient) -> dict[str, dict]:
    res = await call(c, "mcp_server_list")
    return {s["name"]: s for s in res["structuredContent"]["servers"]}


async def tool_names(c: McpClient) -> set[str]:
    return {t["name"] for t in (await c.request("tools/list"))["result"]["tools"]}


def metric(gw, name: str) -> float | None:  # type: ignore[no-untyped-def]
    m = re.search(rf"^{re.escape(name)} (\S+)$", gw.metrics(), re.M)
    return float(m.group(1)) if m else None


# ---- real servers ----------------------------------------------------------------------------


def test_mcp_server_time_over_stdio(gateway) -> None:
    env = marker()

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            assert "mcp_server_start" in await tool_names(c)
            res = await start(c, "time", "stdio", command=sys.executable,
                              args=["-m", "mcp_server_time", "--local-timezone", "UTC"], env=env)
            sc = res["structuredContent"]
            assert sc["server_name"] == "mcp-time" and sc["tools"] == 2
            # Its tools are listed directly, and clients were told the list changed.
            await async_wait_for(lambda: any(n.get("method") == "notifications/tools/list_changed"
                                             for n in c.notifications), what="tools/list_changed")
            assert {"time__get_current_time", "time__convert_time"} <= await tool_names(c)
            direct = await call(c, "time__get_current_time", timezone="Europe/Paris")
            assert not direct["isError"], direct
            assert json.loads(text_of(direct))["timezone"] == "Europe/Paris"
            # The same through mcp_server_call_tool: the server's result, unchanged.
            proxied = await call(c, "mcp_server_call_tool", name="time", tool="get_current_time",
                                 arguments={"timezone": "Europe/Paris"})
            assert proxied.keys() == direct.keys()
            assert json.loads(text_of(proxied)).keys() == json.loads(text_of(direct)).keys()
            found = await call(c, "mcp_server_discover_tools", name="time")
            assert {t["name"] for t in found["structuredContent"]["tools"]} == {"get_current_time", "convert_time"}
            listed = (await servers(c))["time"]
            assert listed["state"] == "running" and listed["transport"] == "stdio" and listed["restarts"] == 0
            assert listed["uptime_s"] >= 0 and listed["pid"]
            assert leftovers(env)
            # A server-side error (bad timezone) is the server's own result, passed through.
            bad = await call(c, "time__get_current_time", timezone="Not/AZone")
            assert bad["isError"]
            c.notifications.clear()
            stop = await call(c, "mcp_server_stop", name="time")
            assert not stop["isError"], stop
            assert leftovers(env) == []
            assert "time__get_current_time" not in await tool_names(c)
            await async_wait_for(lambda: c.notifications, what="tools/list_changed after the stop")
            unknown = await c.request("tools/call", {"name": "time__get_current_time", "arguments": {}})
            assert unknown["error"]["code"] == -32602

    run(main())


@pytest.mark.parametrize("transport", ["sse", "http"])
def test_sdk_server_spawned_with_port(gateway, transport: str) -> None:
    env = marker()

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            res = await start(c, "sdk", transport, command=sys.executable, args=[SDK_SERVER, "--transport", transport],
                              env=env)
            assert res["structuredContent"]["server_name"] == "sdk-test-server"
            out = await call(c, "sdk__add", a=2, b=40)
            assert not out["isError"] and "42" in text_of(out), out
            echo = await call(c, "mcp_server_call_tool", name="sdk", tool="echo", arguments={"text": "héllo"})
            assert text_of(echo) == "héllo"
            # A call past its timeout fails alone; the server stays usable.
            slow = await call(c, "mcp_server_call_tool", name="sdk", tool="slow", arguments={"seconds": 30},
                              timeout=1)
            assert slow["isError"] and "slow" in text_of(slow)
            assert text_of(await call(c, "sdk__echo", text="still here")) == "still here"
            assert (await servers(c))["sdk"]["transport"] == transport
            await call(c, "mcp_server_stop", name="sdk")
            assert leftovers(env) == []

    run(main())


def test_connect_to_a_url(gateway, tmp_path: Path) -> None:
    """sse/http with a url: the host connects to a server it did not start."""
    port = free_port()
    env = {**os.environ, "PORT": str(port)}
    server = subprocess.Popen([sys.executable, SDK_SERVER, "--transport", "http"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        async def main() -> None:
            async with McpClient.connect(gateway.url) as c:
                async def started() -> dict | None:  # once the server listens
                    res = await call(c, "mcp_server_start", name="remote", transport="http",
                                     url=f"http://127.0.0.1:{port}/mcp", restart="never")
                    return None if res["isError"] else res

                await async_until(started, 60, "a connection to the server's url")
                assert text_of(await call(c, "remote__add", a=1, b=1)) == "2"
                await call(c, "mcp_server_stop", name="remote")
                assert server.poll() is None  # not ours to kill

        run(main())
    finally:
        server.kill()
        server.wait()


def read(path: str) -> str:
    with open(path) as f:
        return f.read()


def free_port() -> int:
    """A free TCP port (bound and released, so the server can take it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- failures, restarts, health ------------------------------------------------------------


def test_crashed_server_is_restarted_and_counted(start_gateway) -> None:
    gw = start_gateway()
    env = marker()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            await start(c, "sdk", "stdio", command=sys.executable, args=[SDK_SERVER], env=env)
            [pid] = leftovers(env)
            os.kill(pid, signal.SIGKILL)
            await async_wait_for(lambda: leftovers(env) and leftovers(env) != [pid], limit=60,
                                 what="the restarted server")

            async def running() -> bool:
                s = (await servers(c))["sdk"]
                return s["state"] == "running" and s["restarts"] == 1

            await async_until(running, 60, "the server running again after one restart")
            assert "exited" in (await servers(c))["sdk"]["last_error"]
            assert text_of(await call(c, "sdk__add", a=3, b=4)) == "7"
            assert metric(gw, 'sandbox_mcp_server_restarts_total{server="sdk"}') == 1.0
            assert metric(gw, 'sandbox_mcp_servers{state="running"}') == 1.0

    run(main())
    assert "mcp server sdk failed" in gw.log()


def test_crash_mid_call_fails_the_call_at_once(gateway) -> None:
    env = marker()

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            await start(c, "crashy", "stdio", command=sys.executable, args=[HOSTILE, "crash"], env=env,
                        restart="never")
            started = asyncio.get_running_loop().time()
            res = await call(c, "mcp_server_call_tool", name="crashy", tool="anything", arguments={}, timeout=60)
            assert res["isError"] and "7" in text_of(res), res
            assert asyncio.get_running_loop().time() - started < 30  # noticed by the exit, not the timeout
            s = (await servers(c))["crashy"]
            assert s["state"] == "failed" and s["restarts"] == 0
            assert leftovers(env) == []

    run(main())


def test_health_checks_log_state_changes_only(start_gateway) -> None:
    gw = start_gateway("--mcp-health-interval", "0.2")
    env = marker()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            await start(c, "sdk", "stdio", command=sys.executable, args=[SDK_SERVER], env=env, restart="never")
            await asyncio.sleep(1.5)  # several healthy pings: nothing logged above DEBUG
            assert "mcp server sdk" not in gw.log()
            [pid] = leftovers(env)
            os.kill(pid, signal.SIGSTOP)
            try:
                await async_wait_for(lambda: "mcp server sdk is unhealthy" in gw.log(), limit=30,
                                     what="the unhealthy warning")
                assert (await servers(c))["sdk"]["state"] == "unhealthy"
                assert metric(gw, 'sandbox_mcp_servers{state="unhealthy"}') == 1.0
            finally:
                os.kill(pid, signal.SIGCONT)
            await async_wait_for(lambda: "mcp server sdk is healthy again" in gw.log(), limit=30,
                                 what="the recovery warning")
            await asyncio.sleep(1.0)
            log = gw.log()
            assert log.count("mcp server sdk is unhealthy") == 1 and log.count("healthy again") == 1

    run(main())


def test_unhealthy_on_failure_server_is_restarted(start_gateway) -> None:
    gw = start_gateway("--mcp-health-interval", "0.2")
    env = marker()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            await start(c, "sdk", "stdio", command=sys.executable, args=[SDK_SERVER], env=env)
            [pid] = leftovers(env)
            os.kill(pid, signal.SIGSTOP)  # alive but frozen: only the health check can tell
            async def restarted() -> dict | None:
                s = (await servers(c))["sdk"]
                return s if s["restarts"] >= 1 and s["state"] == "running" else None

            s = await async_until(restarted, 60, "a restart after failed health checks")
            assert "health checks failed" in s["last_error"]
            assert pid not in leftovers(env)  # the frozen one was killed, not left stopped

    run(main())


def test_host_respawn_brings_on_failure_servers_back(start_gateway) -> None:
    gw = start_gateway()
    env_a, env_b = marker(), marker()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            await start(c, "keep", "stdio", command=sys.executable, args=[SDK_SERVER], env=env_a)
            await start(c, "once", "stdio", command=sys.executable, args=[SDK_SERVER], env=env_b, restart="never")
            [host] = gw.status()["mcp"]["host"]
            # A tool worker recycled: the servers do not notice.
            os.kill(gw.worker_pids()[0], signal.SIGKILL)
            assert text_of(await call(c, "keep__add", a=1, b=2)) == "3"
            # The host itself killed: every server dies with it; on-failure ones come back.
            c.notifications.clear()
            os.kill(host["pid"], signal.SIGKILL)
            await async_wait_for(lambda: not leftovers(env_b), what="the servers to die with their host")
            await async_wait_for(lambda: gw.status()["mcp"]["host"][0]["pid"] not in (host["pid"], None),
                                 what="a new MCP host")
            async def keep_listed() -> bool:
                return "keep__add" in await tool_names(c)

            await async_until(keep_listed, 90, "the on-failure server back in tools/list")
            assert text_of(await call(c, "keep__add", a=2, b=2)) == "4"
            assert "once__add" not in await tool_names(c)
            assert set(await servers(c)) == {"keep"}
            assert any(n.get("method") == "notifications/tools/list_changed" for n in c.notifications)
            assert metric(gw, 'sandbox_mcp_server_restarts_total{server="keep"}') == 1.0

    run(main())


def test_gateway_shutdown_stops_every_server(start_gateway) -> None:
    gw = start_gateway()
    env = marker()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            await start(c, "a", "stdio", command=sys.executable, args=[SDK_SERVER], env=env)
            await start(c, "b", "http", command=sys.executable, args=[SDK_SERVER, "--transport", "http"], env=env)
            assert len(leftovers(env)) == 2

    run(main())
    assert gw.stop() == 0
    wait_for(lambda: not leftovers(env), what="no server left after shutdown")


# ---- hostile servers ----------------------------------------------------------------------


def test_hostile_servers_cannot_hang_or_flood_the_gateway(start_gateway) -> None:
    gw = start_gateway("--mcp-start-timeout", "3", "--mcp-max-line-bytes", str(4 * 1024 * 1024))
    env = marker()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            big = await call(c, "mcp_server_start", name="big", transport="stdio", command=sys.executable,
                             args=[HOSTILE, "bigline"], env=env)
            assert big["isError"] and str(4 * 1024 * 1024) in text_of(big), big
            silent = await call(c, "mcp_server_start", name="silent", transport="stdio", command=sys.executable,
                                args=[HOSTILE, "silent"], env=env)
            assert silent["isError"], silent
            assert "timed out" in text_of(silent) or "--mcp-start-timeout" in text_of(silent)
            flood = await start(c, "flood", "stdio", command=sys.executable, args=[HOSTILE, "stderr_flood"], env=env)
            assert flood["structuredContent"]["server_name"] == "hostile-stderr_flood"
            for i in range(5):  # answered while it floods stderr: the host keeps draining it
                res = await call(c, "mcp_server_call_tool", name="flood", tool="echo", arguments={"i": i})
                assert res["echo"] == {"name": "echo", "arguments": {"i": i}}, res
            listed = await servers(c)
            assert listed["big"]["state"] == "failed" and listed["silent"]["state"] == "failed"
            assert len(listed["flood"]["stderr_tail"]) <= 1000
            await call(c, "mcp_server_stop", name="flood")
            await async_wait_for(lambda: not leftovers(env), what="no hostile server left")
            # The gateway and the host stayed small and responsive.
            assert text_of(await c.bash("echo ok")) == "ok\n"

    run(main())
    [host] = gw.status()["mcp"]["host"]
    rss_kb = int(next(line.split()[1] for line in Path(f"/proc/{host['pid']}/status").read_text().splitlines()
                      if line.startswith("VmHWM:")))
    assert rss_kb < 100 * 1024, f"MCP host peak RSS {rss_kb} KiB"


def test_bad_start_requests_get_clear_errors(start_gateway) -> None:
    gw = start_gateway("--mcp-max-servers", "1")
    env = marker()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            for spec, needle in [
                ({"name": "a__b", "transport": "stdio", "command": "x"}, "must not contain '__'"),
                ({"name": "x", "transport": "stdio"}, "needs a command"),
                ({"name": "x", "transport": "http"}, "needs a url"),
                ({"name": "x", "transport": "carrier-pigeon", "command": "x"}, "transport"),
                ({"name": "x", "transport": "stdio", "command": "/nonexistent/server"}, "did not start"),
            ]:
                res = await call(c, "mcp_server_start", **spec)
                assert res["isError"] and needle in text_of(res), (spec, res)
            await start(c, "one", "stdio", command=sys.executable, args=[SDK_SERVER], env=env)
            dup = await call(c, "mcp_server_start", name="one", transport="stdio", command="x")
            assert dup["isError"] and "already running" in text_of(dup)
            two = await call(c, "mcp_server_start", name="two", transport="stdio", command="x")
            assert two["isError"] and "--mcp-max-servers=1" in text_of(two)
            missing = await call(c, "mcp_server_stop", name="nope")
            assert missing["isError"] and "no managed MCP server" in text_of(missing)

    run(main())


def test_no_mcp_servers_flag_hides_the_tools(start_gateway) -> None:
    gw = start_gateway("--no-mcp-servers")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            assert not any(n.startswith("mcp_server_") for n in await tool_names(c))
            res = await c.request("tools/call", {"name": "mcp_server_list", "arguments": {}})
            assert res["error"]["code"] == -32602

    run(main())
    assert gw.status()["mcp"]["host"] == []  # never started


# ---- install ------------------------------------------------------------------------------

_TINY_SERVER = '''
import sys
from mcp.server.fastmcp import FastMCP

def main():
    mcp = FastMCP("tiny-installed")

    @mcp.tool()
    def shout(text: str) -> str:
        """Upper-case the text."""
        return text.upper()

    mcp.run("stdio")
'''


def build_wheel(directory: Path) -> Path:
    """A minimal wheel with a console script that runs an SDK server (offline: no build step)."""
    wheel = directory / "tiny_mcp_server-0.1-py3-none-any.whl"
    info = "tiny_mcp_server-0.1.dist-info"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("tiny_mcp_server.py", _TINY_SERVER)
        z.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: tiny-mcp-server\nVersion: 0.1\n")
        z.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"{info}/entry_points.txt", "[console_scripts]\ntiny-mcp-server = tiny_mcp_server:main\n")
        z.writestr(f"{info}/RECORD", f"tiny_mcp_server.py,,\n{info}/METADATA,,\n{info}/WHEEL,,\n"
                                     f"{info}/entry_points.txt,,\n{info}/RECORD,,\n")
    return wheel


def test_pip_install_then_start(gateway) -> None:
    wheel = build_wheel(gateway.workspace)

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            res = await call(c, "mcp_server_install", package=f"./{wheel.name}", manager="pip")
            assert not res["isError"], text_of(res)
            assert res["structuredContent"]["prefix"].endswith(".mcp-servers/pip")
            await start(c, "tiny", "stdio", command="tiny-mcp-server")
            assert text_of(await call(c, "tiny__shout", text="quiet")) == "QUIET"
            await call(c, "mcp_server_stop", name="tiny")

    run(main())


def test_install_timeout_kills_the_installer_tree(gateway) -> None:
    sleep = unique_sleep()
    pkg = gateway.workspace / "hangpkg"
    pkg.mkdir()
    # An in-tree build backend that hangs in a child process: pip runs it, the timeout must kill it all.
    (pkg / "pyproject.toml").write_text('[build-system]\nrequires = []\nbuild-backend = "backend"\n'
                                        'backend-path = ["."]\n')
    (pkg / "backend.py").write_text(f"import subprocess\n"
                                    f"def get_requires_for_build_wheel(config_settings=None):\n"
                                    f"    subprocess.run(['sleep', '{sleep}'])\n    return []\n")

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            res = await call(c, "mcp_server_install", package="./hangpkg", manager="pip", timeout=5)
            assert res["isError"] and "timed out after 5 s" in text_of(res), text_of(res)
            assert pids_matching(f"sleep {sleep}") == []
            bad = await call(c, "mcp_server_install", package="--index-url=http://evil", manager="pip")
            assert bad["isError"] and "package" in text_of(bad)

    run(main())


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm not installed")
def test_npm_install_of_a_local_package(gateway) -> None:
    pkg = gateway.workspace / "tinynpm"
    pkg.mkdir()
    (pkg / "package.json").write_text(json.dumps({"name": "tinynpm", "version": "1.0.0",
                                                  "bin": {"tinynpm": "cli.js"}}))
    (pkg / "cli.js").write_text("#!/usr/bin/env node\nconsole.log('tiny npm ok');\n")

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            res = await call(c, "mcp_server_install", package="./tinynpm", manager="npm", timeout=120)
            assert not res["isError"], text_of(res)
            assert res["structuredContent"]["bin"].endswith(".mcp-servers/npm/node_modules/.bin")

    run(main())
    assert (gateway.workspace / ".mcp-servers/npm/node_modules/.bin/tinynpm").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="--run-as needs root")
def test_servers_run_as_the_tool_user_with_the_call_limits() -> None:
    import tempfile

    from tests.helpers import GatewayProcess

    base = Path(tempfile.mkdtemp(prefix="sandbox-runas-"))  # pytest's tmp dirs are private to root
    base.chmod(0o755)
    ws = base / "ws"
    ws.mkdir()
    shutil.copy(HOSTILE, ws / "hostile.py")
    python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    if python is None:
        pytest.skip("no system python3")
    env = marker()
    gw = GatewayProcess(ws, "--run-as", "nobody", "--limit-open-files", "123", workers=1)
    try:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                # The test venv's python lives under /root, out of nobody's reach: the plain-Python
                # hostile server (in "plain" mode a well-behaved one) runs on the system python.
                await start(c, "plain", "stdio", command=python, args=["hostile.py", "plain"], env=env)
                [pid] = leftovers(env)
                status = read(f"/proc/{pid}/status")
                assert re.search(r"^Uid:\s+65534\s+65534\s+65534", status, re.M), status
                assert re.search(r"^NoNewPrivs:\s+1", status, re.M)
                limits = read(f"/proc/{pid}/limits")
                assert re.search(r"Max open files\s+123\s+123", limits), limits
                assert os.getsid(pid) != os.getsid(gw.proc.pid)  # a session of its own

        run(main())
    finally:
        gw.stop()
        shutil.rmtree(base, ignore_errors=True)
    assert leftovers(env) == []


def test_mcp_host_that_cannot_boot_is_given_up_with_a_clear_error(tmp_path: Path) -> None:
    from tests.helpers import GatewayProcess

    # A broken install as only the MCP host sees it: an httpx that cannot be imported (the tool
    # workers and the gateway never import it).
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "httpx.py").write_text("raise ImportError('httpx is broken on purpose')\n")
    ws = tmp_path / "ws"
    ws.mkdir()
    gw = GatewayProcess(ws, "--boot-failure-limit", "2", env={"PYTHONPATH": str(broken)})
    try:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                async def given_up() -> dict | None:
                    res = await call(c, "mcp_server_list")
                    return res if "MCP host process failed to start 2 times" in text_of(res) else None

                res = await async_until(given_up, 60, "the MCP host to be given up")
                assert res["isError"]
                assert text_of(await c.bash("echo tools still work")) == "tools still work\n"

        run(main())
        assert "httpx is broken on purpose" in gw.log()
    finally:
        gw.stop()
