"""patch, multi_edit, batch_read and the git tools through a real gateway, run by the file helper as
the tool user (``--run-as nobody`` when the suite runs as root, as it does in CI).

pytest's tmp dirs are private to root, so the workspace lives in a traversable directory of its
own (as in tests/test_file_confinement.py).  Files the tests give the workspace are made by the
tools themselves (bash, write), so they belong to the tool user like an agent's files.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shlex
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from shared.edit_tools import MAX_PATCH_BYTES
from tests.helpers import SCALE, GatewayProcess, McpClient, async_wait_for, run, text_of
from tests.helpers import call_tool as call
from tests.test_edit_tools import change_repo, git, leftovers, make_repo, snapshot
from tests.test_file_confinement import SWAPPER, _pipelined, _root_only_dir, _snapshot, _temp_files
from worker.procs import children_of

ROOT = os.geteuid() == 0
TOOL_UID = 65534 if ROOT else os.geteuid()
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")



def gateway(ws: Path, *args: str, workers: int = 2) -> GatewayProcess:
    run_as = [] if "--run-as" in args else ["--run-as", "nobody" if ROOT else "-"]
    return GatewayProcess(ws, "--no-mcp-servers", *run_as, *args, workers=workers)


def ok(result: dict[str, Any]) -> dict[str, Any]:
    assert not result["isError"], result
    return result


def owners(root: Path) -> set[int]:
    return {os.lstat(Path(d, n)).st_uid for d, dirs, files in os.walk(root) for n in dirs + files}


# ---- patch --------------------------------------------------------------------------------------


def test_a_git_diff_through_the_gateway(base: Path) -> None:
    """git's own diff (modify, create in new directories, delete, rename, mode, CRLF, BOM, no final
    newline) applied by the tool user: dry run first, then all of it, then -p0; what it creates is theirs."""
    scratch = base / "scratch"
    scratch.mkdir()
    make_repo(scratch)
    change_repo(scratch)
    (scratch / "latin1.txt").write_bytes(b"caf\xe9\nbar\n")  # a JSON diff cannot carry its byte: not changed here
    git(scratch, "add", "-A")
    diff = git(scratch, "diff", "--cached", "-M")
    after = snapshot(scratch)
    git(scratch, "reset", "-q", "--hard")
    git(scratch, "clean", "-fdq")
    shutil.rmtree(scratch / ".git")
    ws = base / "ws"
    gw = gateway(ws)
    try:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                ok(await c.bash(f"cp -r {shlex.quote(str(scratch))}/. . && id -u"))
                before = snapshot(ws)
                dry = ok(await call(c, "patch", patch=diff, dry_run=True))
                assert snapshot(ws) == before
                digest = dry["structuredContent"]["digest"]
                applied = ok(await call(c, "patch", patch=diff, expect_digest=digest))
                assert applied["structuredContent"]["applied"] and len(applied["structuredContent"]["files"]) == 8
                assert snapshot(ws) == after
                assert owners(ws) == {TOOL_UID}
                assert leftovers(ws) == []
                again = await call(c, "patch", patch=diff)
                assert again["isError"] and "nothing was changed" in text_of(again)
                # -p0: names as they are
                p0 = "--- a.txt\n+++ a.txt\n@@ -1,2 +1,2 @@\n-one\n+ONE\n two\n"
                assert ok(await call(c, "patch", patch=p0, strip=0))["structuredContent"]["strip"] == 0
                assert (ws / "a.txt").read_text().startswith("ONE\ntwo\n")
                after["a.txt"] = ((ws / "a.txt").read_bytes(), after["a.txt"][1])
                assert snapshot(ws) == after

        run(main())
    finally:
        gw.stop()


def test_a_failed_patch_changes_nothing_through_the_gateway(base: Path) -> None:
    ws = base / "ws"
    gw = gateway(ws)
    try:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                ok(await call(c, "write", file_path="one.txt", content="a\nb\nc\n"))
                ok(await call(c, "write", file_path="two.txt", content="x\ny\nz\n"))
                before = snapshot(ws)
                diff = ("--- a/one.txt\n+++ b/one.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
                        "--- /dev/null\n+++ b/new/file.txt\n@@ -0,0 +1 @@\n+new\n"
                        "--- a/two.txt\n+++ b/two.txt\n@@ -1,3 +1,3 @@\n x\n-Y\n+why\n z\n")
                failed = await call(c, "patch", patch=diff)
                assert failed["isError"] and "structuredContent" not in failed
                text = text_of(failed)
                assert text.startswith("patch failed, nothing was changed: hunk 1 of 1 for two.txt (file 3 of 3 in "
                                       "the patch) does not apply: @@ -1,3 +1,3 @@")
                assert "!      2  y\n    hunk  Y" in text
                assert snapshot(ws) == before and leftovers(ws) == []
                escape = await call(c, "patch", patch="--- /dev/null\n+++ ../../escape.txt\n@@ -0,0 +1 @@\n+x\n")
                assert escape["isError"] and "outside the workspace" in text_of(escape)
                assert not (base / "escape.txt").exists()

        run(main())
    finally:
        gw.stop()


# ---- multi_edit and batch_read ------------------------------------------------------------------


def test_multi_edit_and_batch_read_through_the_gateway(base: Path) -> None:
    ws = base / "ws"
    gw = gateway(ws)
    try:
        if ROOT:
            (ws / "root-only.txt").write_text("secret\n")
            (ws / "root-only.txt").chmod(0o600)

        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                ok(await c.bash("printf '\\xef\\xbb\\xbfa = 1\\r\\nb = 2\\r\\nc = 3' > w.txt && chmod 751 w.txt && "
                                "for i in $(seq 50); do echo \"file $i\" > f$i.txt; done"))
                edited = ok(await call(c, "multi_edit", file_path="w.txt", edits=[
                    {"old_string": "a = 1", "new_string": "a = 10\nadded = 1"},
                    {"old_string": "b = 2\nc = 3", "new_string": "b = 20\nc = 30"}]))
                assert edited["structuredContent"] == {"path": "w.txt", "edits": 2, "replacements": [1, 1]}
                assert (ws / "w.txt").read_bytes() == b"\xef\xbb\xbfa = 10\r\nadded = 1\r\nb = 20\r\nc = 30"
                assert oct((ws / "w.txt").stat().st_mode & 0o777) == "0o751"
                failed = await call(c, "multi_edit", file_path="w.txt", edits=[
                    {"old_string": "a = 10", "new_string": "a"}, {"old_string": "missing", "new_string": "x"}])
                assert failed["isError"] and "edit 2 of 2" in text_of(failed)
                assert (ws / "w.txt").read_bytes().startswith(b"\xef\xbb\xbfa = 10\r\n")
                files = [{"file_path": f"f{i}.txt"} for i in range(1, 51)]
                files += [{"file_path": "root-only.txt"}, {"file_path": "/etc/passwd"}]
                batch = ok(await call(c, "batch_read", files=files))
                s = batch["structuredContent"]
                assert (s["read"], s["failed"]) == (50, 2) if ROOT else s["read"] >= 50
                errors = [f["error"] for f in s["files"] if f["error"]]
                assert any("outside the workspace" in e for e in errors)
                if ROOT:
                    assert any("permission denied" in e for e in errors)  # the kernel said no to the tool user
                    assert "secret" not in text_of(batch)
                assert "==> f50.txt <==\n     1\tfile 50\n" in text_of(batch)

        run(main())
    finally:
        gw.stop()


# ---- git ------------------------------------------------------------------------------------------

GIT = "git -c user.name=Agent -c user.email=agent@example.com"


def test_git_tools_as_the_tool_user(base: Path) -> None:
    """A repository the agent made (so the tool user's: git's ownership check passes), one root made
    in the workspace (refused, as git would), and one whose configuration tries to run programs."""
    ws = base / "ws"
    gw = gateway(ws)
    try:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                ok(await c.bash(f"mkdir repo && cd repo && git init -q -b main && printf 'a\\nb\\n' > f.txt && "
                                f"{GIT} add f.txt && {GIT} commit -qm 'first' && printf 'a\\nB\\n' > f.txt && "
                                "echo new > n.txt"))
                status = ok(await call(c, "git_status", repository="repo"))["structuredContent"]
                assert {e["path"]: e["kind"] for e in status["entries"]} == {"repo/f.txt": "changed",
                                                                            "repo/n.txt": "untracked"}
                diff = ok(await call(c, "git_diff", paths=["repo/f.txt"]))
                assert diff["structuredContent"]["files"] == [
                    {"path": "repo/f.txt", "old_path": None, "added": 1, "deleted": 1, "binary": False}]
                assert "-b\n+B\n" in text_of(diff)
                log = ok(await call(c, "git_log", repository="repo"))["structuredContent"]
                assert [(x["subject"], x["author_name"]) for x in log["commits"]] == [("first", "Agent")]
                # the diff git_diff printed applies with patch (after undoing it with bash)
                patch_text = text_of(diff).split("\n\n", 1)[1]
                ok(await c.bash(f"cd {ws}/repo && {GIT} checkout -q -- f.txt"))
                ok(await call(c, "patch", patch=patch_text, directory="repo"))
                assert (ws / "repo/f.txt").read_text() == "a\nB\n"

                if ROOT:
                    made = ws / "rootrepo"
                    made.mkdir()
                    git(made, "init", "-q")
                    refused = await call(c, "git_status", repository="rootrepo")
                    assert refused["isError"] and "dubious ownership" in text_of(refused), refused
                    bash_git = text_of(await c.bash(f"cd {made} && git status"))
                    assert "dubious ownership" in bash_git  # git itself, as the tool user, says the same

                markers = ws / "markers"
                ok(await c.bash(
                    f"mkdir {markers} && cd {ws}/repo && "
                    f"git config core.fsmonitor 'touch {markers}/fsmonitor' && "
                    f"git config filter.x.clean 'touch {markers}/clean; cat' && git config filter.x.required true && "
                    f"git config diff.external 'touch {markers}/external' && "
                    f"git config diff.x.textconv 'touch {markers}/textconv; cat' && "
                    f"git config log.showSignature true && git config gpg.program 'touch {markers}/gpg' && "
                    "echo '* filter=x diff=x' > .gitattributes && echo more >> f.txt"))
                for tool, args in [("git_status", {"repository": "repo"}), ("git_diff", {"repository": "repo"}),
                                   ("git_log", {"repository": "repo"})]:
                    ok(await call(c, tool, **args))
                assert os.listdir(markers) == []

        run(main())
    finally:
        gw.stop()


# ---- a huge patch in one session, an echo loop in another ------------------------------------------


def _helper_pid(gw: GatewayProcess) -> int | None:
    for worker in gw.worker_pids():
        for pid in children_of(worker):
            try:
                if b"worker.tools.helper" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except OSError:
                continue
    return None


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_a_huge_patch_does_not_stall_another_session(base: Path) -> None:
    """Session A sends a patch just under MAX_PATCH_BYTES (tens of thousands of hunks: seconds of parsing
    in the file helper); session B, on the same single worker, runs `echo` with bash all along. B's calls
    stay quick (the worker's loop is never blocked), A's patch applies, and the helper's memory stays
    within the bound the limit promises."""
    ws = base / "ws"
    gw = gateway(ws, workers=1)
    try:
        lines = 120_000
        hunks = "".join(f"@@ -{i} +{i} @@\n-row {i}\n+ROW {i}\n" for i in range(1, lines, 2))
        diff = "--- a/big.txt\n+++ b/big.txt\n" + hunks
        assert MAX_PATCH_BYTES * 0.6 < len(diff) < MAX_PATCH_BYTES, len(diff)

        async def main() -> tuple[float, list[float], dict[str, Any]]:
            async with McpClient.connect(gw.url) as a, McpClient.connect(gw.url) as b:
                ok(await a.bash(f"seq -f 'row %g' 1 {lines - 1} > big.txt"))
                helper = _helper_pid(gw)
                for _ in range(3):
                    ok(await b.bash("echo warm"))
                started = time.monotonic()
                _, patching = a.start("tools/call", {"name": "patch", "arguments": {"patch": diff}})
                latencies: list[float] = []
                loop_probes: list[float] = []
                while not patching.done():
                    t0 = time.monotonic()
                    res = await b.bash("echo hi")
                    latencies.append(time.monotonic() - t0)
                    assert text_of(res) == "hi\n"
                    # job_list is answered by the worker's own loop (no shell): its round trip is the loop's lag
                    t0 = time.monotonic()
                    ok(await call(b, "job_list"))
                    loop_probes.append(time.monotonic() - t0)
                async with asyncio.timeout(120 * SCALE):
                    answer = await patching
                return time.monotonic() - started, latencies, {"answer": answer, "helper": helper,
                                                               "probes": loop_probes}

        took, latencies, got = run(main())
        result = got["answer"]["result"]
        assert not result["isError"], text_of(result)[:500]
        assert result["structuredContent"]["files"][0]["hunks"] == lines // 2
        assert (ws / "big.txt").read_text().startswith("ROW 1\nrow 2\nROW 3\n")
        print(json.dumps({"patch_s": round(took, 2), "echo_calls": len(latencies),
                          "echo_max_ms": round(max(latencies) * 1000, 1),
                          "echo_p50_ms": round(sorted(latencies)[len(latencies) // 2] * 1000, 1),
                          "job_list_max_ms": round(max(got["probes"]) * 1000, 1),
                          "job_list_p50_ms": round(sorted(got["probes"])[len(got["probes"]) // 2] * 1000, 1),
                          "helper_peak_rss_mib": _peak_rss_mib(got["helper"]) if got["helper"] else None}))
        assert took > 0.5  # long enough for a blocked loop to show
        assert len(latencies) >= 5
        # A loop blocked by the patch would hold these for seconds. job_list is the loop's own round trip
        # (p50 ~3 ms; max 56 ms at load 13 on 2 cores); bash adds a shell, and its spikes follow the load.
        assert max(got["probes"]) < 0.25 * SCALE, sorted(got["probes"])[-5:]
        assert max(latencies) < 0.5 * SCALE, sorted(latencies)[-5:]
        helper = got["helper"]
        if helper is not None and Path(f"/proc/{helper}").exists():
            assert _peak_rss_mib(helper) < 300, _peak_rss_mib(helper)
    finally:
        gw.stop()


def test_git_diff_is_bounded_through_the_gateway(base: Path) -> None:
    ws = base / "ws"
    gw = gateway(ws, workers=1)
    try:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                ok(await c.bash(f"git init -q r && cd r && {GIT} commit -q --allow-empty -m e && "
                                "seq 1 300000 > big.txt && git add big.txt"))
                t0 = time.monotonic()
                diff = ok(await call(c, "git_diff", repository="r", staged=True, max_bytes=2048))
                assert time.monotonic() - t0 < 10 * SCALE
                assert diff["structuredContent"]["truncated"] and len(text_of(diff)) < 4096
                assert diff["structuredContent"]["files"][0]["added"] == 300000

        run(main())
    finally:
        gw.stop()


# ---- a directory and a symlink out, exchanged while the tools aim at them -------------------------


@pytest.mark.skipif(not ROOT, reason="needs root: a root-only directory, and tools run as root")
def test_a_swapped_symlink_never_leads_an_edit_tool_to_root_only_files(base: Path) -> None:
    """As tests/test_file_confinement.py does for the file tools: a background job exchanges ``d`` (a
    directory) and ``l`` (a symlink to a root-only directory outside) in a tight loop while patch
    (modify and create), multi_edit and batch_read aim at ``d``, 300 calls each, the tools running as
    root (``--run-as -``) so that only the resolver stands in the way.  Nothing in the root-only directory
    is shown, changed or created, and no temporary file is left anywhere."""
    token = secrets.token_hex(8)
    secret_dir, before = _root_only_dir(base, token)
    ws = base / "ws"
    gw = gateway(ws, "--run-as", "-")
    try:
        async def main() -> list[tuple[tuple[str, dict[str, Any]], dict[str, Any]]]:
            async with McpClient.connect(gw.url) as c:
                ok(await c.bash(f"mkdir d && printf 'decoy\\n' > d/secret.txt && ln -s {secret_dir} l"))
                job = await call(c, "bash", command=SWAPPER, run_in_background=True)
                await async_wait_for(lambda: (ws / ".swaps").exists(), 30, "the swapper to run")
                calls: list[tuple[str, dict[str, Any]]] = []
                for i in range(300):
                    calls += [
                        ("patch", {"patch": "--- a/d/secret.txt\n+++ b/d/secret.txt\n@@ -1 +1,2 @@\n decoy\n+#\n"}),
                        ("patch", {"patch": f"--- /dev/null\n+++ b/d/new-{i}.txt\n@@ -0,0 +1 @@\n+created\n"}),
                        ("multi_edit", {"file_path": "d/secret.txt", "edits": [
                            {"old_string": "decoy\n", "new_string": "decoy\n!\n"}]}),
                        ("batch_read", {"files": [{"file_path": "d/secret.txt"},
                                                  {"file_path": "d/only-in-root-dir.txt"}]}),
                    ]
                results = await _pipelined(c, calls)
                await call(c, "job_kill", job_id=job["structuredContent"]["job_id"])
                return list(zip(calls, results, strict=True))

        outcomes = run(main())
    finally:
        gw.stop()
    leaks = [(name, text_of(result)) for (name, _), result in outcomes
             if token in text_of(result) or "only-in-root-dir.txt <==\n     1" in text_of(result)]
    assert not leaks, leaks[:3]
    assert _snapshot(secret_dir) == before
    assert leftovers(base) == [] and not _temp_files(base)
    # the race went both ways for every tool: some calls got through to d, some were refused
    for tool in ("patch", "multi_edit", "batch_read"):
        done = [result for (name, _), result in outcomes if name == tool]
        worked = [r for r in done if not r["isError"] and (
            tool != "batch_read" or text_of(r).startswith("==> d/secret.txt <==\n     1\tdecoy"))]
        assert worked and len(worked) < len(done), (tool, len(worked), len(done))
        # (patch and multi_edit on one file refuse each other's fresh changes: "changed/replaced while")
        expected = ("outside the workspace", "changed while", "replaced while", "kept changing")
        odd = {text_of(r).splitlines()[0] for r in done
               if r["isError"] and not any(reason in text_of(r) for reason in expected)}
        assert not odd, odd
