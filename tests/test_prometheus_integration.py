"""End to end: a real gateway, real MCP calls over WebSocket, scraped by a real Prometheus.

Needs the ``prometheus`` server binary on PATH (Debian/Ubuntu: ``apt-get install
prometheus``); skipped without it.  The Prometheus started here also loads the
repository's alert and recording rules, so a rule file that the real server refuses
fails this test too.  The gateway listens on every address, as in its container, so
/metrics needs the token: Prometheus sends it with the ``authorization`` scrape setting
deploy/prometheus/prometheus.yml uses, and a job without it is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.prometheus

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "deploy" / "prometheus"
LISTENING = re.compile(r"sandbox-gateway listening on ws://(?P<host>[^\s:/]+|\[[^\]]+\]):(?P<port>\d+)/mcp")
N_CALLS = 3
TOKEN = "prometheus-test-token-7d2a"
START_TIMEOUT = 30.0
SCRAPE_DEADLINE = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, n: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-n:]
    except OSError:
        return ""


def stop(proc: subprocess.Popen[Any], timeout: float = 15.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(5)


def http_get(url: str, timeout: float = 5.0, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class Gateway:
    """The gateway as a subprocess; stdout is drained by a thread so the pipe never fills."""

    def __init__(self, tmp_path: Path) -> None:
        workspace = tmp_path / "ws"
        workspace.mkdir()
        self.stderr_path = tmp_path / "gateway.stderr"
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stdout: list[str] = []
        env = dict(os.environ)
        env["SANDBOX_GATEWAY_TOKEN"] = TOKEN
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        env["PYTHONUNBUFFERED"] = "1"
        cmd = [sys.executable, "-m", "gateway", "--host", "0.0.0.0", "--port", "0", "--workers", "2"]
        cmd += ["--workspace", str(workspace)]
        with self.stderr_path.open("wb") as stderr:
            self.proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_listening(self) -> tuple[str, int]:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.stdout.append(line)
            m = LISTENING.search(line)
            if m:
                return m.group("host").strip("[]"), int(m.group("port"))
        pytest.fail(
            f"gateway did not print its listening line within {START_TIMEOUT}s "
            f"(exit code {self.proc.poll()})\nstdout:\n{''.join(self.stdout)}"
            f"\nstderr:\n{tail(self.stderr_path)}"
        )

    def stop(self) -> None:
        try:
            stop(self.proc, timeout=40.0)
        finally:
            self._pump_thread.join(5)
            if self.proc.stdout is not None:
                self.proc.stdout.close()


async def mcp_calls(uri: str, n: int) -> list[dict[str, Any]]:
    """initialize, notifications/initialized, then n tools/call of bash `echo hi`."""
    from websockets.asyncio.client import connect

    async with connect(uri, subprotocols=["mcp"], open_timeout=10) as ws:
        assert ws.subprotocol == "mcp"

        async def request(id_: int, method: str, params: dict[str, Any]) -> dict[str, Any]:
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, "params": params}))
            while True:
                msg = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
                if msg.get("id") == id_ and ("result" in msg or "error" in msg):
                    assert "error" not in msg, msg
                    return msg["result"]
                # anything else (notifications, server requests) is not what we wait for

        init = await request(
            1,
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "0"},
            },
        )
        assert "protocolVersion" in init and "serverInfo" in init, init
        await ws.send(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))

        results = []
        for i in range(n):
            res = await request(2 + i, "tools/call", {"name": "bash", "arguments": {"command": "echo hi"}})
            results.append(res)
        return results


def write_prometheus_config(path: Path, target: str) -> None:
    # JSON is YAML; no pyyaml needed here
    token_file = path.parent / "gateway_token"
    token_file.write_text(TOKEN + "\n")
    job = {
        "metrics_path": "/metrics",
        "scrape_interval": "1s",
        "scrape_timeout": "1s",
        "static_configs": [{"targets": [target]}],
    }
    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES / "alerts.yml"), str(RULES / "recording.yml")],
        "scrape_configs": [
            # as deploy/prometheus/prometheus.yml: the token from a file
            {"job_name": "sandbox-gateway", **job,
             "authorization": {"type": "Bearer", "credentials_file": str(token_file)}},
            {"job_name": "without-token", **job},
        ],
    }
    path.write_text(json.dumps(config, indent=2))


def prom_query(base: str, query: str) -> list[dict[str, Any]]:
    status, body = http_get(f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": query}))
    assert status == 200, body
    data = json.loads(body)
    assert data["status"] == "success", data
    return data["data"]["result"]


def test_prometheus_scrapes_gateway(tmp_path: Path) -> None:
    prometheus_bin = shutil.which("prometheus")
    if prometheus_bin is None:
        pytest.skip("prometheus server binary not found on PATH (Debian/Ubuntu: apt-get install prometheus)")

    gateway = Gateway(tmp_path)
    prom: subprocess.Popen[bytes] | None = None
    prom_log = tmp_path / "prometheus.log"
    try:
        host, port = gateway.wait_listening()
        assert host == "0.0.0.0"
        http_host = "127.0.0.1"  # a listener on every address, reached through loopback
        gw_http = f"http://{http_host}:{port}"

        # the gateway answers its health endpoints and serves metrics on the same port
        assert http_get(f"{gw_http}/healthz")[0] == 200
        deadline = time.monotonic() + START_TIMEOUT
        while (ready := http_get(f"{gw_http}/readyz"))[0] != 200:
            if time.monotonic() > deadline:
                pytest.fail(
                    f"gateway not ready after {START_TIMEOUT}s: /readyz {ready}\n"
                    f"/status {http_get(f'{gw_http}/status')}\nstderr:\n{tail(gateway.stderr_path)}"
                )
            time.sleep(0.2)

        results = asyncio.run(mcp_calls(f"ws://127.0.0.1:{port}/mcp?token={TOKEN}", N_CALLS))
        for res in results:
            assert not res.get("isError"), res
            text = "".join(c.get("text", "") for c in res.get("content", []) if c.get("type") == "text")
            assert "hi" in text, res

        assert http_get(f"{gw_http}/metrics")[0] == 401
        status, body = http_get(f"{gw_http}/metrics", token=TOKEN)
        assert status == 200
        assert b"sandbox_tool_call_duration_seconds_count" in body and b"_created" not in body

        # a real Prometheus scraping the gateway every second
        prom_port = free_port()
        config = tmp_path / "prometheus.yml"
        write_prometheus_config(config, f"{http_host}:{port}")
        with prom_log.open("wb") as log:
            prom = subprocess.Popen(
                [
                    prometheus_bin,
                    f"--config.file={config}",
                    f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                    f"--web.listen-address=127.0.0.1:{prom_port}",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=tmp_path,
            )
        base = f"http://127.0.0.1:{prom_port}"

        deadline = time.monotonic() + SCRAPE_DEADLINE
        series: list[dict[str, Any]] = []
        total = 0.0
        last_error = ""
        while time.monotonic() < deadline:
            if prom.poll() is not None:
                pytest.fail(f"prometheus exited with {prom.returncode}:\n{tail(prom_log)}")
            try:
                series = prom_query(base, "sandbox_tool_call_duration_seconds_count")
            except (OSError, AssertionError, ValueError) as e:  # not up yet
                last_error = repr(e)
                time.sleep(0.5)
                continue
            total = sum(float(s["value"][1]) for s in series)
            if series and total >= N_CALLS:
                break
            time.sleep(0.5)
        else:
            pytest.fail(
                f"no sandbox_tool_call_duration_seconds_count >= {N_CALLS} in Prometheus within "
                f"{SCRAPE_DEADLINE}s (got {series}, last error {last_error})\n"
                f"prometheus log:\n{tail(prom_log)}\ngateway stderr:\n{tail(gateway.stderr_path)}"
            )

        assert total >= N_CALLS
        bash = [s for s in series if s["metric"].get("tool") == "bash"]
        assert bash, series
        assert sum(float(s["value"][1]) for s in bash) >= N_CALLS
        assert {s["metric"]["outcome"] for s in bash} == {"ok"}, bash
        assert all(s["metric"]["job"] == "sandbox-gateway" for s in series)

        up = prom_query(base, 'up{job="sandbox-gateway"}')
        assert [float(s["value"][1]) for s in up] == [1.0], up
        # a scrape without the token is refused (401): the target is down for Prometheus
        refused: list[dict[str, Any]] = []
        while time.monotonic() < deadline and not refused:
            refused = prom_query(base, 'up{job="without-token"}')
            time.sleep(0.2)
        assert [float(s["value"][1]) for s in refused] == [0.0], refused
        # the rule files loaded by the real server
        status, body = http_get(f"{base}/api/v1/rules")
        assert status == 200
        groups = {g["name"] for g in json.loads(body)["data"]["groups"]}
        assert {"sandbox-gateway", "sandbox-gateway-latency"} <= groups, groups
    finally:
        try:
            if prom is not None:
                stop(prom)
        finally:
            gateway.stop()
