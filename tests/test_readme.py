"""The README's quick-start snippets run as they are printed, against a real gateway: each one
(marked ``<!-- snippet: NAME -->``) is written to a file and run with the client it names, with
SANDBOX_GATEWAY_URL and SANDBOX_GATEWAY_TOKEN set."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, SCALE, GatewayProcess
from tests.test_http_clients import NODE, NODE_DIR, SDK2_PYTHON, need

TOKEN = "readme-token-5b0e"
_SNIPPET = re.compile(r"<!-- snippet: ([\w-]+) -->\n```\w+\n(.*?)\n```", re.S)


def snippets() -> dict[str, str]:
    return dict(_SNIPPET.findall((ROOT / "README.md").read_text()))


def test_the_readme_has_one_snippet_per_transport() -> None:
    assert set(snippets()) == {"python-http", "typescript-http", "python-websocket"}
    readme = (ROOT / "README.md").read_text()
    assert 'pip install "mcp==2.3.0"' in readme and 'pip install "mcp>=1.9,<2"' in readme
    assert "npm install @modelcontextprotocol/sdk@1.32.2" in readme and "mcp-remote@0.1.38" in readme


@pytest.mark.parametrize("name", ["python-http", "typescript-http", "python-websocket"])
def test_readme_snippet_runs(tmp_path: Path, name: str) -> None:
    code = snippets()[name]
    if name == "python-http":
        need(SDK2_PYTHON, "the Python SDK 2.x virtualenv")
        path, argv = tmp_path / "client.py", [str(SDK2_PYTHON)]
    elif name == "typescript-http":
        need(NODE, "Node with the TypeScript SDK")
        # next to tests/node/node_modules, where `npm install` would have put the SDK
        path, argv = NODE_DIR / f"readme-{secrets.token_hex(4)}.mjs", [str(NODE)]
    else:
        path, argv = tmp_path / "client.py", [sys.executable]
    ws = tmp_path / "ws"
    ws.mkdir()
    gw = GatewayProcess(ws, workers=1, token=TOKEN)
    try:
        path.write_text(code + "\n")
        env = {**os.environ, "SANDBOX_GATEWAY_URL": f"http://{gw.host}:{gw.port}/mcp",
               "SANDBOX_GATEWAY_TOKEN": TOKEN}
        proc = subprocess.run([*argv, str(path)], capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=120 * SCALE, stdin=subprocess.DEVNULL)
    finally:
        gw.stop()
        if path.parent == NODE_DIR:
            path.unlink(missing_ok=True)
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert "Linux" in proc.stdout, proc.stdout
