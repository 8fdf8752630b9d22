"""The README's quick-start snippets run as they are printed, against a real gateway: each one
(marked ``<!-- snippet: NAME -->``) is written to a file and run with the client it names, with
SANDBOX_GATEWAY_URL and SANDBOX_GATEWAY_TOKEN set."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, SCALE, GatewayProcess, McpClient, call_tool, run, text_of
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


# ---- the tool table ------------------------------------------------------------------------------

_TABLE_HEAD = "| tool | what it does | example arguments |\n|---|---|---|\n"
# Rows checked against their schema only: they install a package from an index, or talk to the server it
# installs (the suite has no network).
_NEEDS_NETWORK = {"mcp_server_install", "mcp_server_start", "mcp_server_discover_tools", "mcp_server_call_tool",
                  "mcp_server_stop"}
_DEMO_APP = "import os\n\n\ndef main():\n    return helper()\n\n\ndef helper():\n    return os.getcwd()\n"


def tool_table() -> list[tuple[str, dict[str, Any]]]:
    """The README's tool table: (tool, arguments) per row, in order."""
    readme = (ROOT / "README.md").read_text()
    assert readme.count(_TABLE_HEAD) == 1, "the README has one tool table"
    rows = readme.split(_TABLE_HEAD, 1)[1].split("\n\n", 1)[0].splitlines()
    table = []
    for row in rows:
        match = re.fullmatch(r"\| `(\w+)`[^|]* \| [^|]+ \| `(.*)` \|", row)
        assert match, row
        table.append((match.group(1), json.loads(match.group(2))))
    return table


def test_the_tool_table_lists_every_tool_with_arguments_its_schema_takes() -> None:
    from shared import toolset  # noqa: F401  (registers every family's tools)
    from shared.tools import TOOLS, validate_args

    table = tool_table()
    assert {tool for tool, _ in table} == set(TOOLS)
    for tool, arguments in table:
        validate_args(tool, arguments)  # raises on an argument the tool does not take


def test_the_tool_table_examples_run_in_order(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    gw = GatewayProcess(ws, workers=1, token=TOKEN)
    ran = []

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            result = await call_tool(c, "write", file_path="demo/app.py", content=_DEMO_APP)
            assert not result.get("isError"), result
            result = await c.bash("cd demo && git init -q && git add . && "
                                  "git -c user.name=r -c user.email=r@example.com commit -qm app && cd ..")
            assert not result.get("isError"), result
            for tool, arguments in tool_table():
                if tool in _NEEDS_NETWORK:
                    continue
                result = await call_tool(c, tool, **arguments)
                assert not result.get("isError"), (tool, arguments, result)
                ran.append((tool, text_of(result)))

    try:
        run(main())
    finally:
        gw.stop()
    said: dict[str, str] = {}
    for tool, text in ran:
        said.setdefault(tool, text)  # bash: the first row's
    assert "/demo" in said["bash"] and "def run" in said["batch_read"] and "helper" in said["definition"]
    assert "applies cleanly" in said["patch"] and "app.py" in said["git_diff"] and "job-1" in said["job_list"]
