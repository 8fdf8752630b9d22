"""Containment against a hostile call: what it holds, what it can reach, what outlives it.

Each test plays the attacker of a boundary with the gateway's defaults (started as root, tools as
``nobody``, a pid and mount namespace per call) and, where the fallback promises the same, with
``--call-isolation marker`` too:

- descriptors: a call, a job and a managed server hold only their own stdio and pipes; frames forged
  onto every descriptor a call can open change nothing for another session;
- tree kill: nothing a call or job starts outlives it, whatever it does to its environment marker
  (any value, another call's, the zygote's), its session or its signal handlers;
- sessions: a call cannot see, signal, trace or read ``/proc`` of another session's processes, and
  ``kill -9 -1`` kills only its own;
- the gateway's secrets: no token in any environment a tool can read; the gateway, its workers and
  the zygote are non-dumpable.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import protocol as p
from shared.framing import frame
from tests.helpers import (
    GatewayProcess,
    McpClient,
    async_until,
    async_wait_for,
    call_tool,
    pids_matching,
    run,
    text_of,
    unique_sleep,
    wait_for,
    worker_shells,
)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the default deployment (tools as nobody) needs root")

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


@pytest.fixture
def nobody_gateway() -> Iterator:
    """Gateways whose tools run as ``nobody`` (a workspace under a traversable directory: pytest's
    own temporary directories are private to root)."""
    started: list[GatewayProcess] = []
    bases: list[Path] = []

    def start(*args: str, workers: int = 1, token: str | None = None,
              env: dict[str, str] | None = None, pass_fds: tuple[int, ...] = ()) -> GatewayProcess:
        base = Path(tempfile.mkdtemp(prefix="sandbox-contain-"))
        base.chmod(0o755)
        bases.append(base)
        (base / "ws").mkdir()
        gw = GatewayProcess(base / "ws", "--run-as", "nobody", *args, workers=workers, token=token, env=env,
                            pass_fds=pass_fds)
        started.append(gw)
        return gw

    yield start
    for gw in started:
        gw.stop()
    for base in bases:
        shutil.rmtree(base, ignore_errors=True)


def fd_table(listing: str) -> dict[int, str]:
    """``ls -l /proc/PID/fd`` output as {fd: target}."""
    table = {}
    for line in listing.splitlines():
        m = re.search(r" (\d+) -> (.*)$", line)
        if m:
            table[int(m.group(1))] = m.group(2)
    return table


def assert_only_own_pipes(table: dict[int, str], own_pipes: set[str], what: str) -> None:
    """Nothing but /dev/null, the listing tool's own directory and the call's own pipes."""
    for fd, target in table.items():
        assert not target.startswith("socket:"), f"{what}: fd {fd} is a socket ({table})"
        if target == "/dev/null" or re.fullmatch(r"/proc/\d+/fd", target) or target.endswith("-fds.txt"):
            continue  # and the listing's own directory, and the file a test redirected it to
        assert target in own_pipes, f"{what}: fd {fd} -> {target} is not one of its own pipes ({table})"


SHOW_FDS = "ls -l /proc/$$/fd; echo SPLIT; sh -c 'ls -l /proc/self/fd'"


def check_fd_listing(text: str, what: str) -> None:
    shell_part, _, grandchild_part = text.partition("SPLIT")
    shell, grandchild = fd_table(shell_part), fd_table(grandchild_part)
    # the shell (a fork of the zygote or an exec-ed bash) has exactly 0-2 and its state pipe on 4
    assert sorted(shell) == [0, 1, 2, 4], f"{what}: the shell holds {shell}"
    own = {target for target in shell.values() if target.startswith("pipe:")}
    assert len(own) == 2, shell
    assert_only_own_pipes(shell, own, f"{what} (shell)")
    assert_only_own_pipes(grandchild, own, f"{what} (grandchild)")
    assert {0, 1, 2} <= set(grandchild)


@pytest.mark.parametrize("spawn", ["fork", "exec"])
@pytest.mark.parametrize("isolation", ["pidns", "marker"])
def test_calls_jobs_and_servers_hold_only_their_own_descriptors(nobody_gateway, isolation: str, spawn: str) -> None:
    # (the default is pidns where the gateway may create namespaces: the other tests here ask for it)
    gw = nobody_gateway("--call-isolation", isolation, "--shell-spawn", spawn)
    worker = gw.status()["workers"][0]
    assert (worker["call_isolation"], worker["shell_spawn"]) == (isolation, spawn)
    assert gw.status()["call_isolation"] == isolation
    server_script = "ls -l /proc/$$/fd > server-fds.txt; sh -c 'ls -l /proc/self/fd' > server-child-fds.txt; exec cat"

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            check_fd_listing(text_of(await c.bash(SHOW_FDS)), "a call")
            job = (await call_tool(c, "bash", command=SHOW_FDS, run_in_background=True))["structuredContent"]
            out = await async_until(lambda: job_done(c, job["job_id"]), 20, "the job to end")
            check_fd_listing(text_of(out).rsplit("[", 1)[0], "a job")
            # a managed server that never speaks MCP: its start fails fast, its listing stays
            res = await call_tool(c, "mcp_server_start", name="fds", transport="stdio", command="bash",
                                  args=["-c", server_script])
            assert res["isError"]
        server = fd_table((gw.workspace / "server-fds.txt").read_text())
        child = fd_table((gw.workspace / "server-child-fds.txt").read_text())
        pipes = {t for t in server.values() if t.startswith("pipe:")}
        assert_only_own_pipes(server, pipes, "a managed server")
        assert_only_own_pipes(child, pipes, "a managed server's child")
        # stdin, stdout and stderr are three pipes of its own; nothing else but /dev/null on 4
        assert sorted(server) == [0, 1, 2, 4] and len(pipes) == 3, server

    async def job_done(c: McpClient, job_id: str) -> dict | None:
        out = await call_tool(c, "job_output", job_id=job_id, since=0)
        return out if out["structuredContent"]["status"] != "running" else None

    run(main())
    # The waiting shells and the zygote, seen from the host: nothing of the worker's either.
    worker_pid = gw.worker_pids()[0]
    for pid in worker_shells(worker_pid):
        table = {int(fd): os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        # 0-4 as given (while it waits in `read <&3`, bash has 3 on 0 and keeps /dev/null on 10)
        assert set(table) - {10} == {0, 1, 2, 3, 4} and table.get(10, "/dev/null") == "/dev/null", table
        assert len({t for t in table.values() if t.startswith("pipe:")}) == 3, table
        assert not any(t.startswith("socket:") for t in table.values()), table
    for pid in worker_shells(worker_pid, zygote=True):
        table = {int(fd): os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        # its stdio is /dev/null; its only socket is the one it takes requests on
        assert [table[fd] for fd in (0, 1, 2)] == ["/dev/null"] * 3, table
        assert sorted(table) == [0, 1, 2, 6] and table[6].startswith("socket:"), table


@pytest.mark.parametrize("isolation", ["pidns", "marker"])
def test_frames_forged_onto_every_reachable_descriptor_change_nothing(nobody_gateway, isolation: str) -> None:
    # What a worker's socket would accept: answers for every call id a gateway hands out early, each
    # with session state that would put a forged PATH into the session it lands in.
    forged = b"".join(frame(p.encode(p.Result(id=i, text="FORGED", state=p.SessionState(env={"PATH": "/forged"}))))
                      for i in range(1, 200))
    gw = nobody_gateway("--call-isolation", isolation, workers=2)
    attack = ("for f in /proc/[0-9]*/fd/* /dev/fd/*; do [ -w \"$f\" ] || continue; "
              "cat forged.bin > \"$f\" 2>/dev/null; done; echo attacked")

    async def main() -> None:
        async with McpClient.connect(gw.url) as victim, McpClient.connect(gw.url) as attacker:
            await call_tool(attacker, "write", file_path="forged.bin", content=base64.b64encode(forged).decode(),
                            encoding="base64")
            running = asyncio.ensure_future(victim.bash("sleep 1; echo victim-ok"))
            await asyncio.sleep(0.3)
            for _ in range(3):
                assert "attacked" in text_of(await attacker.bash(attack))
            result = await running
            assert (text_of(result), result["isError"]) == ("victim-ok\n", False), result
            after = await victim.bash("echo $PATH")
            assert "/forged" not in text_of(after) and not after["isError"], after

    run(main())
    assert "FORGED" not in gw.log() and "/forged" not in gw.log()
    assert all(w["restarts"] == 0 for w in gw.status()["workers"])


def _zygote_marker(worker_pid: int) -> str:
    # one zygote (a shell it forks keeps the placeholder for a moment, and the first one may still start)
    (zygote,) = wait_for(lambda: (z := worker_shells(worker_pid, zygote=True)) and len(z) == 1 and z,
                         what="the worker's zygote")
    env = Path(f"/proc/{zygote}/environ").read_bytes().split(b"\0")
    return next(e for e in env if e.startswith(b"SANDBOX_SHELL=")).split(b"=", 1)[1].decode()


def escapes(s: str, job_marker: str, zygote_marker: str) -> str:
    """Every way out of its tree a call might try, each a ``sleep`` with a distinct duration; those
    with a forged marker are orphaned at once (a subshell that exits), so only the marker ties them
    to the call."""
    return (f"sleep {s}1 & setsid sleep {s}2 & (setsid sleep {s}3 &) ; env -i setsid sleep {s}4 & "
            f"(SANDBOX_SHELL=fake setsid sleep {s}5 &) ; (SANDBOX_SHELL='{zygote_marker}' setsid sleep {s}6 &) ; "
            f"(SANDBOX_SHELL='{job_marker}' setsid sleep {s}7 &) ; "
            f"(trap '' TERM HUP; exec setsid sleep {s}8) & "
            f"( (sleep 0.2; SANDBOX_SHELL=fake exec setsid sleep {s}9) & ) ; "
            "sleep 0.5; echo started")


@pytest.mark.parametrize("spawn", ["fork", "exec"])
@pytest.mark.parametrize("isolation", ["pidns", "marker"])
def test_nothing_a_call_starts_outlives_it_whatever_its_marker(nobody_gateway, isolation: str, spawn: str) -> None:
    gw = nobody_gateway("--call-isolation", isolation, "--shell-spawn", spawn)
    zygote_marker = _zygote_marker(gw.worker_pids()[0]) if spawn == "fork" else "w.1.zygote"
    s = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            job = await call_tool(c, "bash", command="echo $SANDBOX_SHELL; sleep 600", run_in_background=True)
            job_id = job["structuredContent"]["job_id"]
            out = await async_until(lambda: job_line(c, job_id), 20, "the job's marker")
            job_marker = out.strip()
            res = await c.bash(escapes(s, job_marker, zygote_marker), timeout=30)
            assert text_of(res) == "started\n", res
            # The answer comes once they are dead: nothing to wait for.
            alive = pids_matching(f"sleep {s}")
            if isolation == "pidns":
                assert alive == [], alive
            else:
                # the fallback spares an orphan that carries another live call's marker until that
                # call (here the job) ends; every other one is dead
                assert [_cmd(pid) for pid in alive] == [f"sleep {s}7"], alive
            killed = await call_tool(c, "job_kill", job_id=job_id)
            assert killed["structuredContent"]["status"] == "killed"
            assert pids_matching(f"sleep {s}") == []

    async def job_line(c: McpClient, job_id: str) -> str | None:
        text = text_of(await call_tool(c, "job_output", job_id=job_id, since=0))
        return text.split("\n")[0] if "." in text.split("\n")[0] else None

    run(main())


def _cmd(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def test_a_job_and_a_closed_session_leave_nothing_whatever_the_markers(nobody_gateway) -> None:
    gw = nobody_gateway()
    s = unique_sleep()
    forging = (f"SANDBOX_SHELL=fake setsid sleep {s}1 & (env -i setsid sleep {s}2 &) ; "
               f"(trap '' TERM; SANDBOX_SHELL=w.zygote exec setsid sleep {s}3) & echo up; wait")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            job = (await call_tool(c, "bash", command=forging, run_in_background=True))["structuredContent"]
            await async_wait_for(lambda: len(pids_matching(f"sleep {s}")) == 3, what="the job's three sleeps")
            killed = await call_tool(c, "job_kill", job_id=job["job_id"])
            assert killed["structuredContent"]["status"] == "killed"
            assert pids_matching(f"sleep {s}") == []  # job_kill answers once they are dead
            await call_tool(c, "bash", command=forging.replace(s, s[:-1] + "9"), run_in_background=True)
            await async_wait_for(lambda: len(pids_matching(f"sleep {s[:-1]}9")) == 3, what="the second job")
        # the session closed: its job's tree goes with it
        await async_wait_for(lambda: not pids_matching(f"sleep {s[:-1]}9"), what="the closed session's job killed")

    run(main())


def test_sessions_cannot_see_signal_trace_or_read_each_others_processes(nobody_gateway) -> None:
    gw = nobody_gateway(workers=1)  # one worker: the same zygote, the same uid for both sessions
    s = unique_sleep()
    python = shutil.which("python3", path=SYSTEM_PATH)
    assert python is not None

    async def main() -> None:
        async with McpClient.connect(gw.url) as a, McpClient.connect(gw.url) as b:
            await call_tool(a, "bash", command=f"cd /tmp; export SECRET=a-secret; exec sleep {s}1",
                            run_in_background=True)
            await call_tool(b, "bash", command=f"sleep {s}2", run_in_background=True)
            await async_wait_for(lambda: len(pids_matching(f"sleep {s}")) == 2, what="both sessions' jobs")
            (victim,) = pids_matching(f"sleep {s}1")
            probe = (f"ls /proc | grep -c '^[0-9]'; for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' <$f; echo; done "
                     f"| grep -c '^sleep {s}'; "
                     f"cat /proc/{victim}/environ 2>&1 | grep -c a-secret; readlink /proc/{victim}/cwd || true; "
                     f"kill -0 {victim} 2>&1 || echo cannot-signal; "
                     f"{python} -c 'import ctypes; print(\"ptrace\", ctypes.CDLL(None).ptrace(16, {victim}, 0, 0))'")
            seen = text_of(await b.bash(probe)).split("\n")
            processes, by_cmdline, secret = int(seen[0]), int(seen[1]), seen[2]
            assert processes <= 4, seen  # the call's own shell, ls, grep: nothing of session a
            assert by_cmdline == 0 and secret == "0", seen
            assert "cannot-signal" in "\n".join(seen) and "ptrace -1" in "\n".join(seen), seen
            # kill -9 -1 reaches the processes of the call itself, nothing else
            res = await b.bash(f"sleep {s}3 & sleep 0.1; kill -9 -1; echo after-kill", timeout=20)
            assert "after-kill" in text_of(res), res
            assert pids_matching(f"sleep {s}3") == []
            assert len(pids_matching(f"sleep {s}1")) == 1 and len(pids_matching(f"sleep {s}2")) == 1
            assert text_of(await a.bash("echo a still works")) == "a still works\n"

    run(main())


def test_no_token_in_any_environment_a_tool_can_read(nobody_gateway) -> None:
    token = "t0k3n-" + unique_sleep().replace(".", "")
    gw = nobody_gateway(env={"SANDBOX_GATEWAY_TOKEN": token, "SANDBOX_SOMETHING_ELSE": "gateway-config"},
                        token=token)

    async def main() -> str:
        async with McpClient.connect(gw.url) as c:
            return text_of(await c.bash("env; cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'; echo end"))

    seen = run(main())
    assert seen.endswith("end\n") and "SANDBOX_WORKSPACE=" in seen, seen
    assert token not in seen and "SANDBOX_GATEWAY_TOKEN" not in seen and "gateway-config" not in seen, seen
    worker = gw.worker_pids()[0]
    environ = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
    keys = {e.split(b"=", 1)[0].decode() for e in environ if e}
    assert keys <= {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH", "SANDBOX_WORKER"}, keys


def test_a_process_made_undumpable_is_closed_to_its_own_user(tmp_path: Path) -> None:
    # What the gateway and every worker do at start (shared/hygiene.py), checked where it matters:
    # a tool running as the same (non-root) user as the process.  The module is stdlib-only, so the
    # system python runs it as nobody from a copy the tool user can reach.
    python = shutil.which("python3", path=SYSTEM_PATH)
    assert python is not None
    base = Path(tempfile.mkdtemp(prefix="sandbox-hygiene-"))
    try:
        base.chmod(0o755)
        shutil.copytree(Path(__file__).parent.parent / "shared", base / "shared")
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        code = ("import os, sys, time; from shared.hygiene import make_undumpable; "
                "make_undumpable() if sys.argv[-1] == 'seal' else None; print(os.getpid(), flush=True); "
                "time.sleep(30)")
        for seal, readable in (("seal", False), ("open", True)):
            target = subprocess.Popen([*nobody, python, "-c", code, seal], stdout=subprocess.PIPE, cwd=base,
                                      env={"PYTHONPATH": str(base)})
            try:
                assert target.stdout is not None
                pid = int(target.stdout.readline())
                for what in ("environ", "fd/0"):
                    done = subprocess.run([*nobody, "cat", f"/proc/{pid}/{what}"], capture_output=True, timeout=10,
                                          stdin=subprocess.DEVNULL)
                    assert (done.returncode == 0) == readable or what == "fd/0", (seal, what, done)
                traced = subprocess.run([*nobody, python, "-c", f"import ctypes; print(ctypes.CDLL(None).ptrace("
                                         f"16, {pid}, 0, 0))"], capture_output=True, text=True, timeout=10)
                assert (traced.stdout.strip() == "0") == readable, (seal, traced)
            finally:
                target.kill()
                target.wait()
                assert target.stdout is not None
                target.stdout.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_descriptors_of_whoever_started_the_gateway_reach_no_tool(nobody_gateway, tmp_path: Path) -> None:
    # A shell that starts the gateway with `3>secret` (or a supervisor that leaks a socket): the gateway
    # inherits it, and nothing it starts may.
    secret = tmp_path / "inherited-secret"
    secret.write_text("inherited\n")
    fd = os.open(secret, os.O_RDONLY)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    try:
        os.set_inheritable(fd, True)
        os.set_inheritable(listener.fileno(), True)
        gw = nobody_gateway(pass_fds=(fd, listener.fileno()), workers=1)
    finally:
        os.close(fd)
        listener.close()

    async def main() -> str:
        async with McpClient.connect(gw.url) as c:
            return text_of(await c.bash("ls -l /proc/$$/fd; echo SPLIT; sh -c 'ls -l /proc/self/fd'"))

    listing = run(main())
    assert "inherited-secret" not in listing and "socket:" not in listing, listing
    for pid in [*gw.worker_pids(), *worker_shells(gw.worker_pids()[0]), *worker_shells(gw.worker_pids()[0],
                                                                                          zygote=True)]:
        targets = [os.readlink(f"/proc/{pid}/fd/{n}") for n in os.listdir(f"/proc/{pid}/fd")]
        assert not any("inherited-secret" in t for t in targets), (pid, targets)
