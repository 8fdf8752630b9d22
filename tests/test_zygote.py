"""Call shells forked from a zygote (``--shell-spawn``): each is still a fresh process of its own.

A fork inherits the zygote's memory, so what a fresh bash would have must be made anew in the
child: its session, its ``$$``, ``$RANDOM``'s seed, ``$SECONDS``, and the call's marker in the
initial environment, by which the worker finds the call's orphans (subshells that never exec
included).  These tests fail if any of that is left as the zygote had it.  The rest cover what
calls can do to the zygote (kill, stop, read), and the fallbacks to exec when it cannot be built
or loaded.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.helpers import ROOT, GatewayProcess, McpClient, run, text_of, wait_for, worker_shells
from worker.zygote import build_builtin

# One line about the shell running it: $$ BASHPID session ppid SECONDS marker, then three $RANDOMs.
DESCRIBE = ("set -- $(cut -d' ' -f4,6 /proc/$$/stat); "
            "echo \"$$ $BASHPID $2 $1 $SECONDS $SANDBOX_SHELL $RANDOM $RANDOM $RANDOM\"; "
            "tr '\\0' '\\n' </proc/$$/environ | grep '^SANDBOX_SHELL='; "
            "{ tr '\\0' ' ' </proc/$1/cmdline; } 2>/dev/null; echo")
# For each process that is a fork of the zygote (its own shell, the zygote): pid and whether a call may
# read its environment.
SIBLINGS = ("for p in /proc/[0-9]*; do grep -qa 'fd/5 sandbox_fork' $p/cmdline 2>/dev/null || continue; "
            "[ -r $p/environ ] && echo ${p#/proc/} readable || echo ${p#/proc/} hidden; done")


def _describe(text: str) -> dict[str, object]:
    line, environ, parent = text.split("\n")[:3]
    pid, bashpid, sid, ppid, seconds, marker, *randoms = line.split()
    return {"pid": pid, "bashpid": bashpid, "sid": sid, "ppid": ppid, "seconds": int(seconds),
            "marker": marker, "randoms": randoms, "environ": environ, "parent": parent}


@pytest.mark.parametrize("isolation", ["pidns", "marker"])
def test_forked_shells_are_fresh_processes(start_gateway, isolation: str) -> None:
    gw = start_gateway("--warm-shells", "0", "--call-isolation", isolation, workers=1)
    assert gw.status()["workers"][0]["shell_spawn"] == "fork"
    assert gw.status()["workers"][0]["call_isolation"] == isolation

    async def main() -> list[dict[str, object]]:
        async with McpClient.connect(gw.url) as c:
            first = _describe(text_of(await c.bash(DESCRIBE)))  # starts the zygote
            await asyncio.sleep(2.5)  # so a $SECONDS inherited from the zygote would show
            second = _describe(text_of(await c.bash(DESCRIBE)))
            return [first, second]

    shells = run(main())
    for shell in shells:
        assert shell["pid"] == shell["bashpid"] == shell["sid"]  # $$ is its own pid; its own session
        if isolation == "pidns":
            # the init of a pid namespace of its own, whose parent (the worker) is outside it
            assert (shell["pid"], shell["ppid"], shell["parent"]) == ("1", "0", "")
        else:
            assert "-m worker" in str(shell["parent"])  # the worker's child, not the zygote's
        assert shell["environ"] == f"SANDBOX_SHELL={shell['marker']}"  # its marker in /proc/PID/environ
    first, second = shells
    assert first["marker"] != second["marker"]
    assert isolation == "pidns" or first["pid"] != second["pid"]
    assert first["randoms"] != second["randoms"]  # reseeded, not the zygote's sequence
    assert second["seconds"] < 2  # counted from its own start


def test_a_subshell_orphan_of_a_forked_shell_dies_with_its_call(start_gateway) -> None:
    # The inner subshell never execs and is orphaned while the call runs: only the marker in its
    # initial environment (the forked shell's, rewritten at fork) ties it to the call.
    gw = start_gateway(workers=1)

    async def main() -> tuple[str, str]:
        async with McpClient.connect(gw.url) as c:
            pid = text_of(await c.bash("( ( exec >/dev/null 2>&1; trap '' HUP TERM; sleep 60; : ) & echo $! )")).strip()
            after = text_of(await c.bash(f"kill -0 {pid} 2>/dev/null && echo alive || echo gone"))
            return pid, after

    pid, after = run(main())
    assert pid.isdigit()
    assert after == "gone\n"


def test_a_subshell_orphan_carries_its_calls_marker(start_gateway) -> None:
    gw = start_gateway(workers=1)

    async def main() -> str:
        async with McpClient.connect(gw.url) as c:
            res = await c.bash("( ( exec >/dev/null 2>&1; sleep 60; : ) & echo $! >orphan.pid ); sleep 0.2; "
                               "echo $SANDBOX_SHELL; tr '\\0' '\\n' </proc/$(cat orphan.pid)/environ "
                               "| grep '^SANDBOX_SHELL='")
            return text_of(res)

    marker, environ = run(main()).splitlines()
    assert environ == f"SANDBOX_SHELL={marker}"


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "stopped"])
def test_a_killed_or_stopped_zygote_is_replaced_and_no_call_waits_for_it(start_gateway, sig: int) -> None:
    # A call of the same user can kill the zygote, or SIGSTOP it so that its requests wait forever.
    # The worker starts another; a zygote that leaves a request unanswered past a second (checked at
    # each heartbeat) is killed, and what waited for it is exec-ed.
    gw = start_gateway("--warm-shells", "0", "--heartbeat-interval", "0.2", workers=1)
    worker = gw.worker_pids()[0]

    async def main() -> int:
        async with McpClient.connect(gw.url) as c:
            assert text_of(await c.bash("echo first")) == "first\n"
            (zygote,) = worker_shells(worker, zygote=True)
            os.kill(zygote, sig)
            for i in range(3):
                res = await c.bash(f"echo call {i}", timeout=20)
                assert (text_of(res), res["isError"]) == (f"call {i}\n", False)
            return zygote

    gone = run(main())
    assert not os.path.exists(f"/proc/{gone}")  # killed, and reaped by the worker
    (again,) = worker_shells(worker, zygote=True)
    assert again != gone
    assert gw.status()["workers"][0]["restarts"] == 0  # the worker lived on
    # operators see it: the worker reports the replacement in its next heartbeat, and forks on
    wait_for(lambda: "sandbox_shell_zygote_restarts_total 1.0" in gw.metrics(), what="the restart counted")
    assert 'sandbox_worker_shell_spawn{mode="fork"} 1.0' in gw.metrics()
    assert gw.status()["workers"][0]["shell_spawn"] == "fork"


@pytest.mark.parametrize("isolation", ["pidns", "marker"])
def test_a_call_that_stops_every_waiting_shell_delays_no_later_call(start_gateway, isolation: str) -> None:
    # Where the tools run as the gateway's user (here: root, the fixture's workspace is out of nobody's
    # reach) and calls share a pid namespace, a call can SIGSTOP the waiting shells and the zygote:
    # the next call's shell is continued when it gets its script, and the stopped zygote is replaced.
    # In a pid namespace of its own, a call sees none of them.
    gw = start_gateway("--heartbeat-interval", "0.2", "--call-isolation", isolation, workers=1)
    stop_siblings = ('for s in /proc/[0-9]*/stat; do read -r pid comm state ppid rest <"$s" 2>/dev/null || continue; '
                     '[ "$ppid" = "$PPID" ] && [ "$pid" != "$$" ] && [ "$comm" = "(bash)" ] && kill -STOP "$pid" '
                     '&& echo "$pid"; done; true')

    async def main() -> list[str]:
        async with McpClient.connect(gw.url) as c:
            stopped = text_of(await c.bash(stop_siblings)).split()
            for i in range(4):
                res = await c.bash(f"echo call {i}", timeout=20)
                assert (text_of(res), res["isError"]) == (f"call {i}\n", False)
            return stopped

    stopped = run(main())
    if isolation == "pidns":
        assert stopped == []
    else:
        assert len(stopped) >= 2  # the zygote and at least one waiting shell


@pytest.mark.skipif(os.geteuid() != 0, reason="--run-as needs root")
@pytest.mark.parametrize("isolation", ["pidns", "marker"])
def test_calls_cannot_read_or_trace_the_zygote(isolation: str) -> None:
    # The zygote runs as root and is non-dumpable: a call (the tool user) could otherwise ptrace it,
    # or write its memory through /proc, and so take over every shell forked after it.  In a pid
    # namespace of its own a call does not even see it.
    base = Path(tempfile.mkdtemp(prefix="sandbox-zygote-"))  # a tool user needs a traversable parent
    try:
        base.chmod(0o755)
        (base / "ws").mkdir()
        gw = GatewayProcess(base / "ws", "--run-as", "nobody", "--warm-shells", "0", "--call-isolation", isolation,
                            workers=1)
        try:
            async def main() -> str:
                async with McpClient.connect(gw.url) as c:
                    return text_of(await c.bash(f"echo me $$ $(id -un); {SIBLINGS}"))

            lines = run(main()).splitlines()
        finally:
            gw.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    _, me, user = lines[0].split()
    assert user == "nobody"
    seen = dict(line.split() for line in lines[1:])
    assert seen.pop(me) == "readable"  # a forked shell is dumpable again, like an exec-ed one
    assert list(seen.values()) == ([] if isolation == "pidns" else ["hidden"])  # the zygote


def test_exec_mode_execs_every_shell(start_gateway) -> None:
    gw = start_gateway("--shell-spawn", "exec", workers=1)
    assert gw.status()["workers"][0]["shell_spawn"] == "exec"

    async def main() -> str:
        async with McpClient.connect(gw.url) as c:
            return text_of(await c.bash("tr '\\0' ' ' </proc/$$/cmdline"))

    cmdline = run(main())
    assert "sandbox_fork" not in cmdline and "__sandbox_script" in cmdline
    assert worker_shells(gw.worker_pids()[0], zygote=True) == []
    metrics = gw.metrics()
    assert 'sandbox_worker_shell_spawn{mode="exec"} 1.0' in metrics
    assert 'sandbox_worker_shell_spawn{mode="fork"} 0.0' in metrics


def _no_compiler_env(tmp_path: Path) -> dict[str, str]:
    return {"CC": "/bin/false", "SANDBOX_CACHE_DIR": str(tmp_path / "empty-cache")}


def test_auto_execs_shells_when_the_builtin_cannot_be_built(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    gw = GatewayProcess(ws, workers=1, env=_no_compiler_env(tmp_path))
    try:
        assert gw.status()["workers"][0]["shell_spawn"] == "exec"

        async def main() -> str:
            async with McpClient.connect(gw.url) as c:
                return text_of(await c.bash("echo still works"))

        assert run(main()) == "still works\n"
        assert "cannot build its bash builtin: /bin/false failed" in gw.log()
    finally:
        gw.stop()


def test_fork_mode_refuses_to_start_without_the_builtin(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "gateway", "--shell-spawn", "fork", "--port", "0", "--no-auth",
                           "--workspace", str(tmp_path / "ws")], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={**os.environ, **_no_compiler_env(tmp_path)})
    assert proc.returncode != 0
    assert "--shell-spawn fork: cannot build the zygote's bash builtin: /bin/false failed" in proc.stderr


def test_the_builtin_is_built_once_and_only_from_a_trusted_place(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path, why = build_builtin(cache)
    assert path is not None, why
    built = os.stat(path)
    assert oct(built.st_mode & 0o777) == oct(0o644)
    again, why = build_builtin(cache, cc="/bin/false")  # cached: the compiler is not run again
    assert again == path, why
    assert os.stat(path).st_mtime_ns == built.st_mtime_ns
    os.chmod(path, 0o666)  # writable by others: rebuilt, not loaded
    rebuilt, why = build_builtin(cache)
    assert rebuilt == path and oct(os.stat(path).st_mode & 0o777) == oct(0o644), why
    os.chmod(cache, 0o777)
    refused, why = build_builtin(cache)
    assert refused is None and "writable by others" in why
    os.chmod(cache, 0o755)
    failed, why = build_builtin(tmp_path / "other", cc="/bin/false")
    assert failed is None and "/bin/false failed" in why


@pytest.mark.parametrize("builtin", ["/etc/hostname", "/nonexistent/sandbox_fork.so"])
def test_a_builtin_bash_cannot_load_falls_back_to_exec(tmp_path: Path, builtin: str) -> None:
    from tests.test_shell_runner import run_all

    outcomes = run_all(tmp_path, *(f"echo {i}" for i in range(5)), fork=builtin, forking=False)
    assert [o.text for o in outcomes] == [f"{i}\n" for i in range(5)]
    assert all(o.exit_code == 0 for o in outcomes)
