"""Containment limits and session limits: each with its flag, its default and a clear error."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.helpers import SCALE, McpClient, run, text_of

STORM = """python3 -c '
import os, time
n = 0
try:
    for _ in range(200):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        n += 1
except OSError as e:
    print("fork failed after", n, e.strerror)
'"""



def test_default_limits_apply_to_every_shell(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            res = await c.bash("ulimit -v; ulimit -n; ulimit -f; ulimit -t")
            # ulimit -v and -f count KiB
            assert text_of(res).split() == [str(2 * 1024 * 1024), "4096", str(4 * 1024 * 1024), "900"]
            big = await c.bash("python3 -c 'b = bytearray(3 * 1024**3)'")
            assert big["isError"] and "MemoryError" in text_of(big)

    run(main())


def test_file_size_limit(start_gateway) -> None:
    gw = start_gateway("--limit-file-size", str(1024 * 1024))

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            res = await c.bash("head -c 5M /dev/zero > big")
            assert res["structuredContent"]["exit_code"] == 153  # 128 + SIGXFSZ
            assert "File size limit exceeded" in text_of(res)

    run(main())
    assert (gw.workspace / "big").stat().st_size == 1024 * 1024


def unused_uid() -> int:
    """A uid no process on this machine runs as: a process limit for it counts only our own."""
    taken = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                taken.add(os.stat(f"/proc/{entry}").st_uid)
            except OSError:
                continue
    while True:
        uid = 200000 + secrets.randbelow(100000)
        if uid not in taken:
            return uid


@pytest.mark.skipif(os.geteuid() != 0, reason="--run-as needs root")
def test_run_as_unprivileged_user_binds_nproc(tmp_path: Path, start_gateway) -> None:
    # pytest's tmp dirs are private to root; a tool user needs a traversable parent.  The tool user is a
    # uid nothing else runs as, so its process limit does not depend on what else runs on the machine.
    uid = unused_uid()
    base = Path(tempfile.mkdtemp(prefix="sandbox-runas-"))
    try:
        base.chmod(0o755)
        ws = base / "ws"
        ws.mkdir()
        (ws / "old.txt").write_text("made by root before start\n")
        from tests.helpers import GatewayProcess

        gw = GatewayProcess(ws, "--run-as", f"{uid}:{uid}", "--limit-processes", "40", workers=1)
        try:
            async def main() -> None:
                async with McpClient.connect(gw.url) as c:
                    who = await c.bash("id -u; echo more >> old.txt && echo appended")
                    assert text_of(who).split() == [str(uid), "appended"]
                    # what setpriv --reuid --regid --clear-groups --no-new-privs gives; all ids dropped
                    creds = text_of(await c.bash("grep -E '^(Uid|Gid|Groups|NoNewPrivs):' /proc/self/status"))
                    assert [line.strip() for line in creds.split("\n")[:4]] == [
                        f"Uid:\t{uid}\t{uid}\t{uid}\t{uid}", f"Gid:\t{uid}\t{uid}\t{uid}\t{uid}", "Groups:",
                        "NoNewPrivs:\t1"], creds
                    # What the file tools create belongs to the tool user.
                    for tool, args in [("write", {"file_path": "made/by/tool.txt", "content": "a\n"}),
                                       ("write", {"file_path": "made/log.txt", "content": "b\n", "mode": "append"})]:
                        res = await c.request("tools/call", {"name": tool, "arguments": args})
                        assert not res["result"]["isError"], res
                    mine = await c.bash("echo c >> made/by/tool.txt && echo d >> made/log.txt && mkdir made/by/sub "
                                        "&& stat -c %u made made/by made/by/tool.txt made/log.txt")
                    assert text_of(mine).split() == [str(uid)] * 4, text_of(mine)
                    # Every shell has the limits, not nine in ten: they are set by the shell itself before
                    # it reads its script (prlimit from the worker raced setpriv's uid switch and lost
                    # with EPERM on busy machines).
                    for _ in range(20):
                        assert text_of(await c.bash("ulimit -u")) == "40\n"
                    storm = text_of(await c.bash(STORM, timeout=30))
                    assert "Resource temporarily unavailable" in storm, storm
                    assert text_of(await c.bash("echo next")) == "next\n"

            run(main())
            assert gw.status()["workers"][0]["tool_uid"] == uid
        finally:
            gw.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_idle_session_is_closed_by_the_sweeper(start_gateway) -> None:
    gw = start_gateway("--session-idle-timeout", "2")

    async def main() -> float:
        async with McpClient.connect(gw.url) as c:
            assert text_of(await c.bash("sleep 3; echo busy-is-not-idle", timeout=10)) == "busy-is-not-idle\n"
            t0 = time.monotonic()
            await asyncio.wait_for(c.ws.wait_closed(), 20 * SCALE)
            assert c.ws.close_code == 1000
            assert "idle" in (c.ws.close_reason or "")
            return time.monotonic() - t0

    waited = run(main())
    assert waited < 2 + 3 * SCALE, waited
    assert gw.status()["sessions"] == 0


def test_calls_in_flight_per_session_limit(start_gateway) -> None:
    gw = start_gateway("--max-calls-per-session", "2")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            params = {"name": "bash", "arguments": {"command": "sleep 1"}}
            futs = [c.start("tools/call", params)[1] for _ in range(3)]
            done = await asyncio.wait_for(asyncio.gather(*futs), 30 * SCALE)
            errors = [m["error"] for m in done if "error" in m]
            assert len(errors) == 1 and errors[0]["code"] == -32001
            assert "--max-calls-per-session=2" in errors[0]["message"]

    run(main())


def test_rate_limit(start_gateway) -> None:
    gw = start_gateway("--rate-limit", "1", "--rate-burst", "3")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            futs = [c.start("tools/call", {"name": "bash", "arguments": {"command": "true"}})[1] for _ in range(6)]
            done = await asyncio.wait_for(asyncio.gather(*futs), 30 * SCALE)
            limited = [m["error"] for m in done if "error" in m]
            assert len(limited) >= 2
            assert all(e["code"] == -32001 and "--rate-limit=1" in e["message"] for e in limited)

    run(main())


@pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root here")
def test_no_network_leaves_only_loopback(start_gateway) -> None:
    gw = start_gateway("--no-network")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            links = await c.bash("cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '")
            assert text_of(links).split() == ["lo"]
            # loopback works inside: a server and a client in the same call
            lo = await c.bash("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); "
                              "s.listen(); c=socket.create_connection(s.getsockname()); print(\"lo-ok\")'")
            assert text_of(lo) == "lo-ok\n"
            # and the host's network (the gateway's own port) is unreachable
            out = await c.bash(f"python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", {gw.port}), 2)'")
            assert out["isError"] and "Connection refused" in text_of(out)

    run(main())


def test_cpu_limit_sends_sigxcpu_before_sigkill(start_gateway) -> None:
    gw = start_gateway("--limit-cpu-seconds", "1")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            limits = await c.bash("ulimit -St; ulimit -Ht")
            assert text_of(limits).split() == ["1", "6"]  # soft: SIGXCPU; hard 5 s later: SIGKILL
            res = await c.bash("while :; do :; done", timeout=60)
            assert res["structuredContent"]["exit_code"] == 152, res  # 128 + SIGXCPU
            assert "the CPU time limit (--limit-cpu-seconds) was hit" in text_of(res)

    run(main())
