"""Tool metadata: titles, behaviour hints, output schemas, and what each MCP revision is sent.

The pure tests read the registered specs; the end-to-end ones call every tool of a real gateway (its
managed MCP servers included) on success and error paths and validate each ``structuredContent``
against the ``outputSchema`` that ``tools/list`` declared, with ``jsonschema``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import os
import signal
import subprocess
import sys
import warnings
from collections import defaultdict
from typing import Any

import msgspec
import pytest
from jsonschema import Draft202012Validator, ValidationError

import shared.toolset  # noqa: F401  (registers every tool family)
from gateway.mcp_servers import McpServers
from shared import mcp_server_tools
from shared import protocol as p
from shared.terminal_tools import TERMINAL_TOOL_NAMES
from shared.tools import TOOLS, call_result_for, output_schema
from tests.helpers import McpClient, async_until, run, text_of
from tests.test_mcp_servers import SDK_SERVER, build_wheel, leftovers, marker

HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
# What a Tool has in each revision of the MCP schema (schema/<revision>/schema.ts)
TOOL_KEYS = {
    "2024-11-05": {"name", "description", "inputSchema"},
    "2025-03-26": {"name", "description", "inputSchema", "annotations"},
    "2025-06-18": {"name", "description", "inputSchema", "annotations", "title", "outputSchema"},
    "2025-11-25": {"name", "description", "inputSchema", "annotations", "title", "outputSchema"},
}
# The one tool without an outputSchema: its structuredContent would be any tool's of any server.
NO_OUTPUT_SCHEMA = {"mcp_server_call_tool"}


# ---- the specs, without a gateway -----------------------------------------------------------------------


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [k for k in node if k in ("$ref", "$defs")] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_every_tool_has_a_title_all_four_hints_and_self_contained_schemas(name: str) -> None:
    entry = TOOLS[name].listing()
    assert isinstance(entry["title"], str) and entry["title"]
    assert entry["annotations"] == {"title": entry["title"], **{h: entry["annotations"][h] for h in HINTS}}
    assert all(isinstance(entry["annotations"][h], bool) for h in HINTS)
    if entry["annotations"]["readOnlyHint"]:
        # MCP: destructiveHint and idempotentHint matter only for tools that change things
        assert entry["annotations"]["destructiveHint"] is False
        assert entry["annotations"]["idempotentHint"] is True
    assert entry["inputSchema"]["type"] == "object"
    if name in NO_OUTPUT_SCHEMA:
        assert "outputSchema" not in entry
        return
    schema = entry["outputSchema"]
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"  # MCP requires an object at the root
    assert _refs(schema) == [], "an outputSchema must need no $ref resolver, like inputSchema"


def test_hints_follow_the_issue() -> None:
    hints = {name: spec.listing()["annotations"] for name, spec in TOOLS.items()}
    read_only = {n for n, h in hints.items() if h["readOnlyHint"]}
    assert read_only == {"read", "list", "glob", "grep", "job_output", "job_list", "mcp_server_list",
                         "mcp_server_discover_tools", "symbols", "definition", "references", "imports", "outline",
                         "batch_read", "git_status", "git_diff", "git_log", "download", "terminal_read",
                         "terminal_list"}
    destructive = {n for n, h in hints.items() if h["destructiveHint"]}
    assert {"bash", "write", "edit", "job_kill", "mcp_server_stop", "patch", "multi_edit", "upload", "terminal_start",
            "terminal_send", "terminal_close"} <= destructive
    assert hints["upload"]["idempotentHint"] is True  # the same bytes again leave the same file
    assert "terminal_resize" not in destructive and hints["terminal_resize"]["idempotentHint"]
    open_world = {n for n, h in hints.items() if h["openWorldHint"]}
    # a terminal runs any program and types anything into it, like bash
    assert open_world == {"bash", "mcp_server_start", "mcp_server_call_tool", "mcp_server_install", "terminal_start",
                          "terminal_send"}


@pytest.mark.parametrize("version", VERSIONS)
def test_listing_leaves_out_what_the_revision_does_not_define(version: str) -> None:
    for spec in TOOLS.values():
        entry = spec.listing(version)
        expected = TOOL_KEYS[version] - ({"outputSchema"} if spec.output_schema is None else set())
        assert set(entry) == expected, (spec.name, version)
        assert entry.items() <= spec.listing().items()
    assert [s.listing() for s in TOOLS.values()] == [s.listing(VERSIONS[-1]) for s in TOOLS.values()]


def test_call_results_lose_structured_content_before_2025_06_18() -> None:
    result = {"content": [{"type": "text", "text": "x"}], "isError": False, "structuredContent": {"a": 1},
              "_meta": {"k": "v"}}
    for version in ("2024-11-05", "2025-03-26"):
        assert call_result_for(result, version) == {k: v for k, v in result.items() if k != "structuredContent"}
    for version in (None, "2025-06-18", "2025-11-25"):
        assert call_result_for(result, version) == result
    assert "structuredContent" in result  # the caller's dict is not changed


class _Inner(msgspec.Struct):
    n: int


class _Outer(msgspec.Struct):
    inner: _Inner
    many: list[_Inner]


class _Node(msgspec.Struct):
    children: list[_Node]


def test_output_schema_inlines_nested_structs_and_refuses_what_cannot_be_one() -> None:
    schema = output_schema(_Outer)
    assert _refs(schema) == [] and "title" not in schema["properties"]["inner"]
    Draft202012Validator(schema).validate(msgspec.to_builtins(_Outer(_Inner(1), [_Inner(2)])))
    with pytest.raises(ValidationError):
        Draft202012Validator(schema).validate({"inner": {"n": "x"}, "many": []})
    with pytest.raises(TypeError, match="recursive"):
        output_schema(_Node)
    with pytest.raises(TypeError, match="object"):
        output_schema(list[_Inner])


def test_proxied_tools_keep_the_servers_annotations_and_state_every_hint() -> None:
    servers = McpServers(services=None, on_list_changed=lambda: None)  # type: ignore[arg-type]  (listings needs only the reports)
    servers.reports = {"srv": p.ServerReport(name="srv", state="running", tools=[
        {"name": "plain", "inputSchema": {"type": "object"}},
        {"name": "hinted", "description": "d", "inputSchema": {"type": "object"},
         "annotations": {"title": "Hinted", "readOnlyHint": True, "idempotentHint": True, "openWorldHint": "yes"}},
        {"name": "typed", "title": "Typed tool", "inputSchema": {"type": "object"},
         "outputSchema": {"type": "object"}, "icons": [{"src": "x"}], "fromTheFuture": 1},
    ])}
    plain, hinted, typed = servers.listings()
    # an absent hint is stated with the value MCP tells clients to assume
    assert plain["annotations"] == {"title": "plain (srv)", "readOnlyHint": False, "destructiveHint": True,
                                    "idempotentHint": False, "openWorldHint": True}
    assert plain["title"] == "plain (srv)"
    assert hinted["title"] == "Hinted"
    assert hinted["annotations"] == {"title": "Hinted", "readOnlyHint": True, "destructiveHint": True,
                                     "idempotentHint": True, "openWorldHint": True}  # "yes" is not a hint
    assert typed["title"] == "Typed tool" and typed["outputSchema"] == {"type": "object"}
    assert typed["icons"] == [{"src": "x"}] and "fromTheFuture" not in typed
    for version in VERSIONS:
        for entry in servers.listings(version):
            assert set(entry) <= TOOL_KEYS[version] | ({"icons"} if version >= "2025-11-25" else set())
    assert "icons" not in servers.listings("2025-06-18")[2]


# ---- end to end: every result validates against its declared schema ------------------------------------


def _closed(schema: Any) -> Any:
    """``schema`` with ``additionalProperties: false`` wherever it leaves it open, so a field the schema does
    not name fails (the Structs allow extra fields, so new ones do not break clients; the tests catch drift)."""
    schema = copy.deepcopy(schema)

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(schema)
    return schema


class SchemaChecker:
    """Checks each result against the tools/list entry of its tool and records which paths were taken."""

    def __init__(self, tools: list[dict[str, Any]]) -> None:
        self.tools = {t["name"]: t for t in tools}
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.structured: dict[str, int] = defaultdict(int)

    def check(self, tool: str, result: dict[str, Any]) -> dict[str, Any]:
        schema = self.tools[tool].get("outputSchema")
        structured = result.get("structuredContent")
        if structured is None:
            # the official SDK client raises on a successful result without it when a schema is declared
            assert result["isError"] or schema is None, f"{tool}: no structuredContent: {result}"
        else:
            assert schema is not None, f"{tool} returned structuredContent but declares no outputSchema"
            Draft202012Validator(schema).validate(structured)
            if not _is_proxied(tool):  # a server's own schema is the server's business
                Draft202012Validator(_closed(schema)).validate(structured)
            self.structured[tool] += 1
        self.seen[tool].add("error" if result["isError"] else "ok")
        return result

    async def call(self, c: McpClient, tool: str, /, **arguments: Any) -> dict[str, Any]:
        msg = await c.request("tools/call", {"name": tool, "arguments": arguments}, wait=120)
        assert "result" in msg, msg
        return self.check(tool, msg["result"])


def _is_proxied(tool: str) -> bool:
    return tool not in TOOLS


async def _tools(c: McpClient) -> list[dict[str, Any]]:
    return (await c.request("tools/list"))["result"]["tools"]


def test_file_bash_and_job_tools_results_validate(gateway) -> None:
    ws = gateway.workspace
    (ws / "dir" / "sub").mkdir(parents=True)
    (ws / "dir" / ".hidden").write_text("h\n")
    (ws / "dir" / "sub" / "deep.txt").write_text("deep\n")
    (ws / "empty.txt").write_text("")
    (ws / "blob.bin").write_bytes(b"\0\1\2" * 100)
    (ws / "twice.txt").write_text("x = 1\nx = 1\n")

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            chk = SchemaChecker(await _tools(c))
            call = chk.call
            # every tool: arguments that do not fit its schema are an error result
            for name in TOOLS:
                bad = await call(c, name, no_such_argument=1)
                assert bad["isError"], (name, bad)

            assert not (await call(c, "write", file_path="src/a.py", content="a = 1\nb = 2\nc = 3\n"))["isError"]
            assert (await call(c, "write", file_path="src/a.py", content="a = 1\nb = 2\nc = 3\n")
                    )["structuredContent"]["created"] is False
            await call(c, "write", file_path="src/a.py", content="d = 4\n", mode="append")
            await call(c, "write", file_path="bytes.bin", content=base64.b64encode(b"\0\xff").decode(),
                       encoding="base64")
            assert (await call(c, "write", file_path="../escape.txt", content="x"))["isError"]

            r = await call(c, "read", file_path="src/a.py")
            assert r["structuredContent"]["next_offset"] is None
            paged = await call(c, "read", file_path="src/a.py", limit=1)
            assert paged["structuredContent"]["next_offset"] == 2
            assert (await call(c, "read", file_path="empty.txt"))["structuredContent"]["size"] == 0
            for missing in ("nope.txt", "blob.bin", "dir", "/etc/passwd"):
                assert (await call(c, "read", file_path=missing))["isError"], missing
            assert (await call(c, "read", file_path="src/a.py", offset=99))["isError"]

            e = await call(c, "edit", file_path="src/a.py", old_string="b = 2", new_string="b = 3")
            assert e["structuredContent"]["replacements"] == 1
            assert (await call(c, "edit", file_path="twice.txt", old_string="x = 1", new_string="y",
                               replace_all=True))["structuredContent"]["replacements"] == 2
            assert (await call(c, "edit", file_path="src/a.py", old_string="zzz", new_string="y"))["isError"]
            assert (await call(c, "edit", file_path="blob.bin", old_string="a", new_string="b"))["isError"]

            await call(c, "list")
            assert (await call(c, "list", path="dir"))["structuredContent"]["hidden"] == 1
            await call(c, "list", path="dir", recursive=True, max_depth=2, include_hidden=True)
            assert (await call(c, "list", path="src/a.py"))["isError"]
            assert (await call(c, "list", path="missing"))["isError"]

            assert (await call(c, "glob", pattern="**/*.py"))["structuredContent"]["matches"] == 1
            await call(c, "glob", pattern="*.nothing")
            assert (await call(c, "glob", pattern="*", path="missing"))["isError"]

            g = await call(c, "grep", pattern="deep", context_lines=1)
            assert g["structuredContent"]["matches"] == 1
            await call(c, "grep", pattern="a =", path="src/a.py", case_insensitive=True, glob="*.py")
            await call(c, "grep", pattern="absent-text")
            assert (await call(c, "grep", pattern="(unclosed"))["isError"]
            assert (await call(c, "grep", pattern="x", path="missing"))["isError"]

            # the code intelligence tools, on a small Python and Go tree
            await call(c, "write", file_path="code/app.py", content=(
                "import os\n\n\nclass App:\n    def run(self):\n        return os.getcwd()\n\n\n"
                "def main():\n    App().run()\n"))
            await call(c, "write", file_path="code/lib.go", content="package lib\n\nfunc Helper() int { return 1 }\n")
            assert (await call(c, "symbols", path="code"))["structuredContent"]["total"] == 4
            await call(c, "symbols", name="app", kinds=["class"], max_results=1)
            assert (await call(c, "symbols", path="missing"))["isError"]
            semantic = await call(c, "definition", path="code/app.py", line=10, name="run")
            assert semantic["structuredContent"]["precision"] == "semantic"
            outside = await call(c, "definition", path="code/app.py", line=6, name="getcwd")
            assert outside["structuredContent"]["definitions"][0]["path"] is None
            assert (await call(c, "definition", name="Helper"))["structuredContent"]["definitions"][0]["line"] == 3
            assert (await call(c, "definition", path="code/app.py", line=99, column=1))["isError"]
            refs = await call(c, "references", path="code/app.py", line=5, name="run")
            assert refs["structuredContent"]["total"] == 2
            await call(c, "references", name="Helper", max_results=1)
            assert (await call(c, "references", path="blob.bin", line=1, column=1))["isError"]
            assert (await call(c, "imports", path="code/app.py"))["structuredContent"]["imports"][0]["module"] == "os"
            assert (await call(c, "imports", path="dir"))["isError"]
            await call(c, "outline")
            await call(c, "outline", path="code", max_bytes=1024)
            assert (await call(c, "outline", path="missing"))["isError"]

            assert (await call(c, "bash", command="echo hi"))["structuredContent"]["exit_code"] == 0
            assert (await call(c, "bash", command="exit 3"))["structuredContent"]["exit_code"] == 3
            timed = await call(c, "bash", command="sleep 30", timeout=0.5)
            assert timed["structuredContent"]["timed_out"] is True
            assert (await call(c, "bash", command="pwd", working_dir="/etc"))["isError"]
            await call(c, "bash", command="head -c 3000000 /dev/zero | tr '\\0' x")  # truncated output

            assert (await call(c, "job_list"))["structuredContent"] == {"jobs": []}
            started = await call(c, "bash", command="echo job-out; sleep 30", run_in_background=True)
            job = started["structuredContent"]["job_id"]
            quick = (await call(c, "bash", command="echo done", run_in_background=True))["structuredContent"]["job_id"]
            out = await call(c, "job_output", job_id=job)
            assert out["structuredContent"]["status"] == "running"

            async def ended() -> bool:
                res = await call(c, "job_output", job_id=quick, since=0)
                return bool(res["structuredContent"]["status"] == "exited")

            await async_until(ended, what="the quick job to exit")
            assert len((await call(c, "job_list"))["structuredContent"]["jobs"]) == 2
            assert (await call(c, "job_kill", job_id=job))["structuredContent"]["status"] == "killed"
            assert (await call(c, "job_kill", job_id=job))["structuredContent"]["status"] == "killed"
            for tool in ("job_output", "job_kill"):
                assert (await call(c, tool, job_id="job-none"))["isError"]

            # (the other families' tools have a test of their own, below)
            own = {t for t in chk.tools if not t.startswith("mcp_server_")} - set(EXERCISED_ELSEWHERE) - \
                TERMINAL_TOOL_NAMES
            assert {t: chk.seen[t] for t in own} == {t: {"ok", "error"} for t in own}
            assert own - set(chk.structured) == set()

    run(main())


PATCH = "--- a/e.txt\n+++ b/e.txt\n@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n"
EXERCISED_ELSEWHERE: dict[str, list[tuple[dict[str, Any], bool]]] = {
    # each tool: (arguments, whether the call fails), run in order in one workspace holding e.txt
    "batch_read": [({"files": [{"file_path": "e.txt"}, {"file_path": "missing"}]}, False),
                   ({"files": [{"file_path": "missing"}]}, True)],
    "multi_edit": [({"file_path": "e.txt", "edits": [{"old_string": "one", "new_string": "1"},
                                                     {"old_string": "1", "new_string": "one"}]}, False),
                   ({"file_path": "e.txt", "edits": [{"old_string": "absent", "new_string": "x"}]}, True)],
    "patch": [({"patch": PATCH, "dry_run": True}, False), ({"patch": PATCH}, False), ({"patch": PATCH}, True),
              ({"patch": "not a diff"}, True)],
    "git_status": [({"repository": "repo"}, False), ({"repository": "repo", "untracked": "all", "ignored": True,
                                                      "max_entries": 1}, False), ({}, True)],
    "git_diff": [({"repository": "repo"}, False), ({"repository": "repo", "base": "HEAD", "stat_only": True}, False),
                 ({"repository": "repo", "base": "no-such-revision"}, True)],
    "git_log": [({"repository": "repo"}, False), ({"repository": "repo", "author": "nobody-at-all"}, False),
                ({"repository": "repo", "revision": "no-such-revision"}, True)],
    "upload": [({"file_path": "up/bytes.bin", "content": base64.b64encode(b"\0\xff\x01").decode()}, False),
               ({"file_path": "up/bytes.bin", "content": "AAE=", "overwrite": False}, True),
               ({"file_path": "up/other.bin", "content": "not base64!"}, True)],
    "download": [({"file_path": "up/bytes.bin"}, False), ({"file_path": "e.txt", "mode": "link"}, False),
                 ({"file_path": "missing.bin"}, True)],
}


def test_edit_and_git_tools_results_validate(gateway) -> None:
    """patch, multi_edit, batch_read and the git tools: success and error results against their schemas."""
    (gateway.workspace / "e.txt").write_text("one\ntwo\n")
    repo = gateway.workspace / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    (repo / "f.txt").write_text("f\n")
    subprocess.run([*git, "add", "f.txt"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "one"], cwd=repo, check=True)
    (repo / "f.txt").write_text("changed\n")
    (repo / "new.txt").write_text("untracked\n")

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            chk = SchemaChecker(await _tools(c))
            for tool, calls in EXERCISED_ELSEWHERE.items():
                for arguments, fails in calls:
                    result = await chk.call(c, tool, **arguments)
                    assert result["isError"] is fails, (tool, arguments, result)
            assert {t: chk.seen[t] for t in EXERCISED_ELSEWHERE} == {t: {"ok", "error"} for t in EXERCISED_ELSEWHERE}
            assert set(EXERCISED_ELSEWHERE) - set(chk.structured) == set()

    run(main())


def test_terminal_tools_results_validate(gateway) -> None:
    """Every terminal tool, success and error results, against its schema (closed: no field it does not name)."""

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            chk = SchemaChecker(await _tools(c))
            call = chk.call
            assert (await call(c, "terminal_list"))["structuredContent"] == {"terminals": []}
            started = await call(c, "terminal_start", command="python3 -q", cols=60, rows=10)
            term = started["structuredContent"]["terminal_id"]
            assert started["structuredContent"] == {"terminal_id": term, "status": "running", "exit_code": None,
                                                    "cols": 60, "rows": 10}
            assert (await call(c, "terminal_start", command="true", working_dir="/etc"))["isError"]
            sent = await call(c, "terminal_send", terminal_id=term, text="print(6*7)", keys=["Enter"])
            assert sent["structuredContent"]["sent_bytes"] == len("print(6*7)\r")
            assert (await call(c, "terminal_send", terminal_id=term, keys=["NoSuchKey"]))["isError"]
            read = await call(c, "terminal_read", terminal_id=term, wait_for="42", scrollback=5)
            assert read["structuredContent"]["matched"] is True and "42" in read["structuredContent"]["screen"]
            missed = await call(c, "terminal_read", terminal_id=term, wait_for="never printed", timeout=0.2)
            assert missed["structuredContent"]["matched"] is False
            assert (await call(c, "terminal_read", terminal_id="term-none"))["isError"]
            resized = await call(c, "terminal_resize", terminal_id=term, cols=100, rows=30)
            assert (resized["structuredContent"]["cols"], resized["structuredContent"]["rows"]) == (100, 30)
            assert (await call(c, "terminal_resize", terminal_id="term-none", cols=80, rows=24))["isError"]
            listed = (await call(c, "terminal_list"))["structuredContent"]["terminals"]
            assert [(t["terminal_id"], t["status"]) for t in listed] == [(term, "running")]
            ended = (await call(c, "terminal_start", command="exit 3"))["structuredContent"]["terminal_id"]

            async def exited() -> bool:
                res = await call(c, "terminal_read", terminal_id=ended)
                return bool(res["structuredContent"]["status"] == "exited")

            await async_until(exited, what="the short terminal's program to exit")
            closed = await call(c, "terminal_close", terminal_id=term)
            assert closed["structuredContent"]["status"] == "killed"
            assert (await call(c, "terminal_close", terminal_id=term))["isError"]  # forgotten
            assert (await call(c, "terminal_close", terminal_id=ended))["structuredContent"]["exit_code"] == 3
            assert {t: chk.seen[t] for t in TERMINAL_TOOL_NAMES - {"terminal_list"}} == {
                t: {"ok", "error"} for t in TERMINAL_TOOL_NAMES - {"terminal_list"}}
            assert TERMINAL_TOOL_NAMES - set(chk.structured) == set()

    run(main())


def test_managed_server_tools_results_validate(gateway) -> None:
    env = marker()
    wheel = build_wheel(gateway.workspace)

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            chk = SchemaChecker(await _tools(c))
            call = chk.call
            for name in mcp_server_tools.SERVER_TOOL_NAMES:
                assert (await call(c, name, no_such_argument=1))["isError"]
            assert (await call(c, "mcp_server_list"))["structuredContent"] == {"servers": []}
            await call(c, "mcp_server_start", name="time", transport="stdio", command=sys.executable,
                       args=["-m", "mcp_server_time", "--local-timezone", "UTC"], env=env)
            assert (await call(c, "mcp_server_start", name="time", transport="stdio", command="true"))["isError"]
            failed = await call(c, "mcp_server_start", name="broken", transport="stdio", command="false",
                                restart="never")
            assert failed["isError"]
            await call(c, "mcp_server_start", name="sdk", transport="stdio", command=sys.executable,
                       args=[SDK_SERVER, "--transport", "stdio"], env=env)
            listed = (await call(c, "mcp_server_list"))["structuredContent"]["servers"]
            assert {s["name"]: s["state"] for s in listed} == {"time": "running", "broken": "failed",
                                                               "sdk": "running"}
            found = await call(c, "mcp_server_discover_tools", name="sdk")
            assert {t["name"] for t in found["structuredContent"]["tools"]} >= {"add", "echo"}
            assert (await call(c, "mcp_server_discover_tools", name="broken"))["isError"]

            # the proxied tools: listed with the server's own metadata, results under the server's schema
            chk.tools = {t["name"]: t for t in await _tools(c)}
            time_tool = chk.tools["time__get_current_time"]
            assert time_tool["annotations"] == {"title": "get_current_time (time)", "readOnlyHint": True,
                                                "destructiveHint": False, "idempotentHint": True,
                                                "openWorldHint": False}
            assert "outputSchema" not in time_tool
            assert "outputSchema" in chk.tools["sdk__add"]  # FastMCP derives one from `-> int`
            for name in chk.tools:
                assert set(HINTS) <= set(chk.tools[name]["annotations"]) and chk.tools[name]["title"], name
            assert not (await call(c, "time__get_current_time", timezone="Europe/Paris"))["isError"]
            assert (await call(c, "time__get_current_time", timezone="Not/AZone"))["isError"]
            added = await call(c, "sdk__add", a=2, b=40)
            assert added["structuredContent"] == {"result": 42}

            # mcp_server_call_tool passes the server's content on, but not its structuredContent
            via = await call(c, "mcp_server_call_tool", name="sdk", tool="add", arguments={"a": 2, "b": 40})
            assert not via["isError"] and "42" in text_of(via) and "structuredContent" not in via
            await call(c, "mcp_server_call_tool", name="time", tool="get_current_time",
                       arguments={"timezone": "UTC"})
            assert (await call(c, "mcp_server_call_tool", name="nope", tool="x"))["isError"]

            # older revisions see the proxied tools without the fields they do not define
            for version in ("2024-11-05", "2025-03-26"):
                async with McpClient.connect(gateway.url, initialize=False) as old:
                    await old.request("initialize", {"protocolVersion": version, "capabilities": {},
                                                     "clientInfo": {"name": "old", "version": "0"}})
                    for tool in await _tools(old):
                        assert set(tool) <= TOOL_KEYS[version], (version, tool)
                    res = await old.request("tools/call", {"name": "sdk__add", "arguments": {"a": 1, "b": 1}})
                    assert "structuredContent" not in res["result"] and "2" in text_of(res["result"])

            installed = await call(c, "mcp_server_install", package=f"./{wheel.name}", manager="pip")
            assert installed["structuredContent"]["exit_code"] == 0, text_of(installed)
            assert (await call(c, "mcp_server_install", package="./no-such-dir", manager="pip", timeout=60)
                    )["isError"]

            for name in ("time", "sdk"):
                assert (await call(c, "mcp_server_stop", name=name))["structuredContent"]["state"] == "stopped"
            assert (await call(c, "mcp_server_stop", name="time"))["isError"]
            assert leftovers(env) == []

            own = set(mcp_server_tools.SERVER_TOOL_NAMES)
            assert {t: chk.seen[t] for t in own} == {t: {"ok", "error"} for t in own}
            assert own - NO_OUTPUT_SCHEMA - set(chk.structured) == set()

    run(main())


def test_results_the_gateway_answers_itself_validate(start_gateway) -> None:
    """A frozen worker: calls end at their deadline or as worker_lost, answered by the gateway, not the tool."""
    gw = start_gateway("--default-timeout", "1", "--deadline-grace", "1", workers=1)
    (gw.workspace / "f.txt").write_text("text\n")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            chk = SchemaChecker(await _tools(c))
            job = (await chk.call(c, "bash", command="sleep 300", run_in_background=True))["structuredContent"]
            (worker,) = gw.worker_pids()
            os.kill(worker, signal.SIGSTOP)
            try:
                results = await asyncio.gather(
                    chk.call(c, "bash", command="echo hi", timeout=1),
                    chk.call(c, "read", file_path="f.txt"),
                    chk.call(c, "grep", pattern="text"),
                    chk.call(c, "job_output", job_id=job["job_id"]),
                )
            finally:
                with contextlib.suppress(ProcessLookupError):  # it is dead by now, unless the test failed early
                    os.kill(worker, signal.SIGCONT)
            assert all(r["isError"] for r in results), results
            assert results[0]["structuredContent"]["exit_code"] is None
            assert all("structuredContent" not in r for r in results[1:3]), results
            # the job died with its worker: job_output and job_list say so
            lost = await chk.call(c, "job_output", job_id=job["job_id"])
            assert lost["isError"] and lost["structuredContent"]["status"] == "lost"
            assert (await chk.call(c, "job_list"))["structuredContent"]["jobs"][0]["status"] == "lost"

    run(main())


# ---- end to end: what each negotiated revision is sent ---------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_sessions_get_the_fields_of_their_revision(gateway, version: str) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url, initialize=False) as c:
            init = await c.request("initialize", {"protocolVersion": version, "capabilities": {},
                                                  "clientInfo": {"name": "t", "version": "0"}})
            assert init["result"]["protocolVersion"] == version
            tools = await _tools(c)
            for tool in tools:
                assert set(tool) == TOOL_KEYS[version] - (
                    {"outputSchema"} if tool["name"] in NO_OUTPUT_SCHEMA else set()), tool
                assert tool == TOOLS[tool["name"]].listing(version)
            structured = version >= "2025-06-18"
            for name, args in [("bash", {"command": "echo hi"}), ("bash", {"command": "exit 2"}),
                               ("job_list", {}), ("list", {})]:
                res = (await c.request("tools/call", {"name": name, "arguments": args}))["result"]
                assert ("structuredContent" in res) is structured, (name, res)
                assert res["content"][0]["type"] == "text"
            # download: an embedded resource is in every revision; a resource_link only from 2025-06-18, before
            # which it is told as text (its URI, size and where to GET it)
            await c.request("tools/call", {"name": "upload", "arguments": {"file_path": "v.bin", "content": "AAE="}})
            embedded = (await c.request("tools/call", {"name": "download", "arguments": {"file_path": "v.bin"}}))
            assert embedded["result"]["content"][1]["resource"]["blob"] == "AAE="
            linked = (await c.request("tools/call", {"name": "download", "arguments": {"file_path": "v.bin",
                                                                                      "mode": "link"}}))["result"]
            if structured:
                assert linked["content"][1]["type"] == "resource_link"
            else:
                assert linked["content"][1] == {"type": "text", "text": "[resource file:///v.bin: application/"
                                                "octet-stream, 2 bytes, fetch it with GET /files/v.bin from the "
                                                "gateway (same token)]"}

    run(main())


def test_official_sdk_client_validates_every_structured_result(gateway) -> None:
    """The SDK checks each result against the outputSchema it listed, and raises when one does not fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from mcp import ClientSession
        from mcp.client.websocket import websocket_client

    async def main() -> None:
        async with websocket_client(gateway.url) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            listed = {t.name: t for t in (await session.list_tools()).tools}
            assert listed["read"].annotations is not None and listed["read"].annotations.readOnlyHint is True
            assert listed["bash"].title == "Run a shell command"
            calls: list[tuple[str, dict[str, Any]]] = [
                ("write", {"file_path": "n.txt", "content": "one\n"}), ("read", {"file_path": "n.txt"}),
                ("edit", {"file_path": "n.txt", "old_string": "one", "new_string": "two"}), ("list", {}),
                ("glob", {"pattern": "*.txt"}), ("grep", {"pattern": "two"}), ("bash", {"command": "true"}),
                ("job_list", {}), ("mcp_server_list", {}),
                ("upload", {"file_path": "b.bin", "content": base64.b64encode(b"\0\1").decode()}),
                ("download", {"file_path": "b.bin"}), ("download", {"file_path": "b.bin", "mode": "link"}),
            ]
            for name, args in calls:
                result = await session.call_tool(name, args)
                assert not result.isError and result.structuredContent is not None, (name, result)
                if name == "download":  # the SDK parsed the blob or the link as its own types
                    item = result.content[1]
                    if args.get("mode") == "link":
                        assert item.type == "resource_link" and str(item.uri) == "file:///b.bin", item
                    else:
                        assert item.type == "resource" and base64.b64decode(item.resource.blob) == b"\0\1", item

    run(main())
