"""The file tools through a real gateway, against hostile workspaces: confinement races, the tool
user's permissions, and inputs that once stalled a worker's event loop.

The gateway runs as root (the suite does); with ``--run-as nobody`` the file tools run in each
worker's file helper as ``nobody``.  pytest's tmp dirs are private to root, so these tests make
their own traversable directory for the workspace (as tests/test_limits.py does).
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import SCALE, GatewayProcess, McpClient, async_wait_for, run, text_of, wait_for
from tests.helpers import call_tool as call
from worker.procs import children_of

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: a root-only file and a tool user")

NOBODY = 65534
ATTEMPTS = 500
BATCH = 48  # calls in flight at once on the one connection (--max-calls-per-session is 64)
_TEMP_FILE = re.compile(r"^\..*\.[0-9a-f]{12}\.tmp$")

# Exchanges ./d and ./l (renameat2 RENAME_EXCHANGE) as fast as it can; the count of exchanges so
# far goes to ./.swaps every 1000 of them.
SWAPPER = r"""python3 - <<'EOF'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
n = 0
while True:
    if libc.renameat2(-100, b"d", -100, b"l", 2) == 0:
        n += 1
        if n % 1000 == 0:
            with open(".swaps.tmp-count", "w") as f:
                f.write(str(n))
            os.replace(".swaps.tmp-count", ".swaps")
EOF"""



def _gateway(ws: Path, *args: str) -> GatewayProcess:
    return GatewayProcess(ws, "--no-mcp-servers", *args, workers=2)


def _root_only_dir(base: Path, token: str) -> tuple[Path, dict[str, tuple[int, int, bytes]]]:
    """base/root-only (0700 root) with secret.txt (0600 root) and a marker name; and their state."""
    secret_dir = base / "root-only"
    secret_dir.mkdir(mode=0o700)
    (secret_dir / "secret.txt").write_text(f"decoy\nROOT-ONLY-{token}\n")
    (secret_dir / "secret.txt").chmod(0o600)
    (secret_dir / "only-in-root-dir.txt").write_text(f"ROOT-ONLY-{token}\n")
    (secret_dir / "only-in-root-dir.txt").chmod(0o600)
    return secret_dir, _snapshot(secret_dir)


def _snapshot(directory: Path) -> dict[str, tuple[int, int, bytes]]:
    out = {}
    for entry in sorted(directory.iterdir()):
        st = entry.lstat()
        out[entry.name] = (st.st_ino, st.st_mtime_ns, entry.read_bytes())
    return out


def _temp_files(root: Path) -> list[str]:
    return [os.path.join(d, n) for d, dirs, files in os.walk(root) for n in dirs + files if _TEMP_FILE.match(n)]


async def _pipelined(c: McpClient, calls: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every call, BATCH at a time on the one connection; their results in order."""
    results: list[dict[str, Any]] = []
    for start in range(0, len(calls), BATCH):
        futures = [c.start("tools/call", {"name": name, "arguments": args})[1]
                   for name, args in calls[start : start + BATCH]]
        async with asyncio.timeout(120 * SCALE):
            for msg in await asyncio.gather(*futures):
                assert "result" in msg, msg
                results.append(msg["result"])
    return results


@pytest.mark.parametrize("run_as", ["nobody", "-"], ids=["tool-user-nobody", "tools-as-root"])
def test_a_swapped_symlink_never_leads_a_file_tool_to_root_only_files(base: Path, run_as: str) -> None:
    """A background job exchanges ``d`` (a directory) and ``l`` (a symlink to a root-only directory
    outside the workspace) in a tight loop, while 500 calls each of read, append, create, edit, list,
    glob and grep aim at ``d``.  None may show, change or create anything in the root-only directory;
    with ``-`` the tools run as root, so only the resolver stands in the way."""
    token = secrets.token_hex(8)
    secret_dir, before = _root_only_dir(base, token)
    ws = base / "ws"
    gw = _gateway(ws, "--run-as", run_as)
    try:
        async def main() -> list[tuple[str, dict[str, Any]]]:
            async with McpClient.connect(gw.url) as c:
                made = await c.bash(f"mkdir d && printf 'decoy\\n' > d/secret.txt && ln -s {secret_dir} l && id -u")
                assert text_of(made) == ("65534\n" if run_as == "nobody" else "0\n"), made
                job = await call(c, "bash", command=SWAPPER, run_in_background=True)
                job_id = job["structuredContent"]["job_id"]
                await async_wait_for(lambda: (ws / ".swaps").exists(), 30, "the swapper to run")
                calls: list[tuple[str, dict[str, Any]]] = []
                for i in range(ATTEMPTS):
                    calls += [
                        ("read", {"file_path": "d/secret.txt"}),
                        ("write", {"file_path": "d/secret.txt", "content": f"appended {i}\n", "mode": "append"}),
                        ("write", {"file_path": f"d/new-{i}.txt", "content": f"created {i}\n"}),
                        ("edit", {"file_path": "d/secret.txt", "old_string": "decoy\n", "new_string": "decoy\n#\n"}),
                        ("list", {"path": "d"}),
                        ("glob", {"pattern": "*", "path": "d"}),
                        ("grep", {"pattern": "ROOT-ONLY|decoy", "path": "d" if i % 2 else "d/secret.txt"}),
                    ]
                swaps_before = int((ws / ".swaps").read_text() or 0)
                results = await _pipelined(c, calls)
                swaps_during = int((ws / ".swaps").read_text() or 0) - swaps_before
                still = await call(c, "job_output", job_id=job_id)
                assert still["structuredContent"]["status"] == "running", still
                await call(c, "job_kill", job_id=job_id)
                assert swaps_during > 100, swaps_during
                return list(zip(calls, results, strict=True))

        outcomes = run(main())
    finally:
        gw.stop()
    leaks = [(call_, text_of(result)) for call_, result in outcomes
             if token in text_of(result) or "only-in-root-dir" in text_of(result)]
    assert not leaks, leaks[:3]
    assert _snapshot(secret_dir) == before  # nothing changed, nothing created
    assert not _temp_files(base)
    # the race really went both ways for every tool: some calls got in, some were refused
    for tool in ("read", "write", "edit", "list", "glob", "grep"):
        done = [result for (name, _), result in outcomes if name == tool]
        refused = [r for r in done if r["isError"]]
        assert refused and len(refused) < len(done), (tool, len(refused), len(done))
        # (an edit racing one of the appends is refused rather than undoing it: "changed while it was being edited")
        odd = {re.sub(r"\d+", "N", text_of(r)) for r in refused
               if "outside the workspace" not in text_of(r) and "kept changing" not in text_of(r)
               and "changed while it was being edited" not in text_of(r)}
        assert not odd, odd


def test_file_tools_run_as_the_tool_user(base: Path) -> None:
    """The kernel decides: root-only files in the workspace are refused to the file tools as they are
    to bash, and what the file tools create belongs to the tool user."""
    ws = base / "ws"
    gw = _gateway(ws, "--run-as", "nobody")
    try:
        secret = ws / "root-only.txt"
        secret.write_text("TOP-SECRET line\n")
        secret.chmod(0o600)
        (ws / "rootdir").mkdir(mode=0o700)
        (ws / "rootdir/inner.txt").write_text("TOP-SECRET inner\n")

        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                denied = text_of(await c.bash("cat root-only.txt"))
                assert "Permission denied" in denied
                for tool, args in [("read", {"file_path": "root-only.txt"}),
                                   ("edit", {"file_path": "root-only.txt", "old_string": "TOP", "new_string": "x"}),
                                   ("grep", {"pattern": "TOP", "path": "root-only.txt"}),
                                   ("read", {"file_path": "rootdir/inner.txt"})]:
                    res = await call(c, tool, **args)
                    assert res["isError"] and "permission denied" in text_of(res).lower(), (tool, res)
                    assert "TOP-SECRET" not in text_of(res)
                appended = await call(c, "write", file_path="root-only.txt", content="more\n", mode="append")
                assert appended["isError"] and "Permission denied" in text_of(appended), appended
                listed = await call(c, "list", path="rootdir")
                assert listed["isError"] and "permission denied: cannot list rootdir" in text_of(listed), listed
                # a search of the whole workspace skips what the tool user cannot read
                everywhere = await call(c, "grep", pattern="TOP-SECRET")
                assert not everywhere["isError"] and "no matches" in text_of(everywhere), everywhere
                for path in ("made/sub/new.txt", "made/log.txt"):
                    res = await call(c, "write", file_path=path, content="x\n",
                                     mode="append" if "log" in path else "overwrite")
                    assert not res["isError"], res
                res = await call(c, "edit", file_path="made/sub/new.txt", old_string="x", new_string="y")
                assert not res["isError"], res

        run(main())
    finally:
        gw.stop()
    assert secret.read_text() == "TOP-SECRET line\n" and secret.stat().st_uid == 0
    for made in ("made", "made/sub", "made/sub/new.txt", "made/log.txt"):
        st = (ws / made).stat()
        assert (st.st_uid, st.st_gid) == (NOBODY, NOBODY), made


@pytest.mark.parametrize("engine", ["rg", "python"])
def test_no_pattern_or_file_stalls_a_worker(base: Path, engine: str) -> None:
    """Multi-megabyte grep patterns and a catastrophic-backtracking pattern over a long line, while
    another session runs echo after echo and a background job runs: every echo answers within 1 s,
    no worker is lost, and the job is still running afterwards."""
    if engine == "rg" and shutil.which("rg") is None:
        pytest.skip("ripgrep (rg) is not on PATH")
    ws = base / "ws"
    (ws / "long.txt").write_text("a" * 5_000_000 + "\n")
    gw = GatewayProcess(ws, "--no-mcp-servers", "--run-as", "nobody", workers=2, env={"SANDBOX_GREP_ENGINE": engine})
    try:
        pids = sorted(gw.worker_pids())

        async def main() -> tuple[list[float], list[dict[str, Any]]]:
            async with McpClient.connect(gw.url) as agent, McpClient.connect(gw.url) as other:
                job = await call(other, "bash", command="sleep 300", run_in_background=True)
                job_id = job["structuredContent"]["job_id"]
                latencies: list[float] = []
                stop = asyncio.Event()

                async def echoes() -> None:
                    while not stop.is_set():
                        started = time.monotonic()
                        res = await other.bash("echo hi")
                        latencies.append(time.monotonic() - started)
                        assert text_of(res) == "hi\n", res

                echo_task = asyncio.create_task(echoes())
                try:
                    huge = [("grep", {"pattern": "(" + "|".join(f"word{i:07d}" for i in range(size // 12)) + ")"})
                            for size in (3 << 20, 4 << 20)]
                    results = await _pipelined(agent, [
                        *huge,
                        ("grep", {"pattern": "(a+)+b", "path": "long.txt"}),
                        ("grep", {"pattern": "(a|aa)+$b", "path": "long.txt"}),
                        ("grep", {"pattern": "(x+x+)+y"}),
                    ])
                    await async_wait_for(lambda: len(latencies) >= 5, 30, "a few echoes")
                finally:
                    stop.set()
                    await echo_task
                out = await call(other, "job_output", job_id=job_id)
                assert out["structuredContent"]["status"] == "running", out
                await call(other, "job_kill", job_id=job_id)
                return latencies, results

        latencies, results = run(main())
        assert sorted(gw.worker_pids()) == pids  # neither worker was killed and replaced
    finally:
        gw.stop()
    for res in results[:2]:
        assert res["isError"], res
        assert "over the limit of 65536 bytes (--max-pattern-bytes)" in text_of(res), text_of(res)[:300]
    for res in results[2:]:
        assert not res["isError"] and "no matches" in text_of(res), text_of(res)[:300]
        assert res["structuredContent"]["engine"] == engine
        assert res["structuredContent"]["timed_out"] is False
    assert all(r.get("structuredContent", {}).get("outcome") != "worker_lost" for r in results)
    assert max(latencies) < 1.0, sorted(latencies)[-5:]


def _helpers_of(worker: int) -> list[int]:
    found = []
    for pid in children_of(worker):
        try:
            if b"worker.tools.helper" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            pass
    return found


def test_a_killed_file_helper_is_replaced_by_the_next_call(base: Path) -> None:
    ws = base / "ws"
    (ws / "a.txt").write_text("alpha\n")
    gw = GatewayProcess(ws, "--no-mcp-servers", "--run-as", "nobody", "--spare-workers", "0", workers=1)
    try:
        worker = gw.worker_pids()[0]

        def sealed() -> list[int]:  # started, and switched to the tool user
            return [pid for pid in _helpers_of(worker) if "Uid:\t65534\t" in Path(f"/proc/{pid}/status").read_text()]

        helper = wait_for(sealed, 30, what="the worker's file helper")[0]

        # its pid as the worker's shells see it (the worker may have a pid namespace of its own)
        nspid = next(line for line in Path(f"/proc/{helper}/status").read_text().splitlines()
                     if line.startswith("NSpid:")).split()[-1]

        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                # a call cannot even name it: each call has a pid namespace of its own
                tried = await c.bash(f"kill -9 {nspid} 2>/dev/null && echo killed || echo unreachable")
                assert text_of(tried) == "unreachable\n", tried
                # where calls share the worker's (--call-isolation marker) the tool user could kill it:
                # the worker starts another
                os.kill(helper, signal.SIGKILL)
                wait_for(lambda: helper not in _helpers_of(worker), 10, what="the helper to be reaped")
                res = await call(c, "read", file_path="a.txt")
                if "the file helper process died" in text_of(res):
                    # sent before the worker had learnt of the death (reaped is not yet noticed): this
                    # call is answered with the reason, and the next one starts a new helper
                    res = await call(c, "read", file_path="a.txt")
                assert text_of(res) == "     1\talpha\n", res

        run(main())
        replaced = _helpers_of(worker)
        assert len(replaced) == 1 and replaced[0] != helper
        assert gw.worker_pids() == [worker]
        zombies = subprocess.run(["ps", "-o", "stat=", "--ppid", str(worker)], capture_output=True, text=True).stdout
        assert "Z" not in zombies
    finally:
        gw.stop()


def test_mcp_server_install_never_makes_directories_as_root_through_a_symlink(base: Path) -> None:
    """The install prefix is made by the install call, as the tool user: a symlink planted where the
    prefix goes (.mcp-servers -> a root-only directory) gets a permission error, not a directory
    made (and given to the tool user) by root inside the root-only directory."""
    ws = base / "ws"
    target = base / "root-only"
    target.mkdir(mode=0o700)
    gw = GatewayProcess(ws, "--run-as", "nobody", "--spare-workers", "0", workers=1)
    try:
        async def main() -> dict[str, Any]:
            async with McpClient.connect(gw.url) as c:
                planted = await c.bash(f"ln -s {target} .mcp-servers && echo planted")
                assert text_of(planted) == "planted\n", planted
                return await call(c, "mcp_server_install", package="./nothing-here", manager="pip", timeout=60)

        res = run(main())
    finally:
        gw.stop()
    assert res["isError"], res
    assert "Permission denied" in text_of(res), text_of(res)
    assert list(target.iterdir()) == []
    assert target.stat().st_uid == 0
