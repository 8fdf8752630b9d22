"""The agent toolset through the gateway: file tools, session state, progress notifications."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import McpClient, run, text_of
from tests.helpers import call_tool as call


def test_file_tools_through_the_gateway(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            names = {t["name"] for t in (await c.request("tools/list"))["result"]["tools"]}
            assert {"bash", "read", "write", "edit", "list", "glob", "grep"} <= names
            w = await call(c, "write", file_path="src/app.py", content="def main():\n    return 1\n")
            assert not w["isError"], w
            r = await call(c, "read", file_path="src/app.py")
            assert "def main():" in text_of(r) and "1" in text_of(r)
            e = await call(c, "edit", file_path="src/app.py", old_string="return 1", new_string="return 2")
            assert not e["isError"], e
            assert (gateway.workspace / "src/app.py").read_text() == "def main():\n    return 2\n"
            g = await call(c, "grep", pattern="return 2")
            assert "src/app.py:2:" in text_of(g)
            gl = await call(c, "glob", pattern="**/*.py")
            assert "src/app.py" in text_of(gl)
            ls = await call(c, "list", path="src")
            assert "app.py" in text_of(ls)
            out = await call(c, "read", file_path="../etc/passwd")
            assert out["isError"] and "outside the workspace" in text_of(out)
            missing = await call(c, "edit", file_path="src/app.py", old_string="nope", new_string="x")
            assert missing["isError"]

    run(main())


@pytest.mark.skipif(shutil.which("rg") is None, reason="ripgrep not installed")
def test_grep_uses_ripgrep_inside_the_worker(gateway) -> None:
    (gateway.workspace / "a.txt").write_text("alpha\nbeta\n")

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            g = await call(c, "grep", pattern="^bet")
            assert "a.txt:2:beta" in text_of(g)

    run(main())


def test_cd_and_exports_persist_per_session(gateway) -> None:
    (gateway.workspace / "sub" / "deeper").mkdir(parents=True)

    async def main() -> None:
        async with McpClient.connect(gateway.url) as a, McpClient.connect(gateway.url) as b:
            await a.bash("cd sub && export GREETING='hello world' && cd deeper")
            res = await a.bash("pwd; echo \"$GREETING\"")
            assert text_of(res) == f"{gateway.workspace.resolve()}/sub/deeper\nhello world\n"
            other = await b.bash("pwd; echo \"[$GREETING]\"")
            assert text_of(other) == f"{gateway.workspace.resolve()}\n[]\n"
            # cd outside the workspace is not carried over
            await a.bash("cd /tmp")
            assert text_of(await a.bash("pwd")) == f"{gateway.workspace.resolve()}/sub/deeper\n"
            rel = await a.bash("pwd", working_dir="..")
            assert text_of(rel) == f"{gateway.workspace.resolve()}/sub\n"
            bad = await a.bash("pwd", working_dir="/etc")
            assert bad["isError"] and "outside the workspace" in text_of(bad)

    run(main())


def test_progress_notifications_stream_output(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            msg = await c.request("tools/call", {
                "name": "bash",
                "arguments": {"command": "for i in 1 2 3 4 5; do echo line$i; sleep 0.3; done"},
                "_meta": {"progressToken": "tok-1"},
            })
            assert text_of(msg["result"]) == "".join(f"line{i}\n" for i in range(1, 6))
            notes = [n for n in c.notifications if n.get("method") == "notifications/progress"]
            assert len(notes) >= 2
            assert all(n["params"]["progressToken"] == "tok-1" for n in notes)
            progress = [n["params"]["progress"] for n in notes]
            assert progress == sorted(progress) and len(set(progress)) == len(progress)
            assert "".join(n["params"]["message"] for n in notes) == text_of(msg["result"])
            c.notifications.clear()
            await c.bash("echo no-token")
            assert not [n for n in c.notifications if n.get("method") == "notifications/progress"]

    run(main())
