"""What an operator meets in the first hour: start-up, shutdown and what the gateway logs about them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import ROOT, SCALE, McpClient, run, text_of, wait_for


def test_an_expected_stop_does_not_warn(start_gateway) -> None:
    gw = start_gateway(workers=2)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            assert text_of(await c.bash("echo up")) == "up\n"  # the zygotes have forked shells

    run(main())
    assert gw.stop(signal.SIGINT) == 0  # Ctrl-C
    log = gw.stderr_path.read_text()
    stopping = log[log.index("draining:"):]
    assert "zygote exited" not in stopping, stopping
    assert " WARNING " not in stopping and " ERROR " not in stopping, stopping


# ---- /status names the right process; shutdown leaves none behind ------------------------------------


def _proc_status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status") as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except OSError:
        return {}


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie (a zombie holds nothing but its pid)."""
    state = _proc_status(pid).get("State", "Z")
    return not state.startswith(("Z", "X"))


def _assert_is_the_worker(pid: int, gateway_pid: int, isolation: str) -> None:
    status = _proc_status(pid)
    assert _cmdline(pid)[1:3] == ["-m", "worker"], (pid, _cmdline(pid))
    parent = int(status["PPid"])
    if isolation == "pidns":
        assert status["NSpid"].split()[-1] == "1", status["NSpid"]  # the init of its own pid namespace
        assert _cmdline(parent)[:1] == ["unshare"] and int(_proc_status(parent)["PPid"]) == gateway_pid
    else:
        assert status["NSpid"].split() == [str(pid)] and parent == gateway_pid


@pytest.mark.parametrize(("isolation", "spares"), [("pidns", 1), ("pidns", 0), ("subreaper", 1)])
def test_status_names_each_workers_own_process(start_gateway, isolation: str, spares: int) -> None:
    if isolation == "pidns" and os.geteuid() != 0:
        pytest.skip("pid namespaces need root here")
    gw = start_gateway("--isolation", isolation, "--spare-workers", str(spares), workers=3)
    samples = 0
    for round_no in range(6):  # with a spare, each round one takes a slot: spares are checked in one
        gw.wait_ready()
        wait_for(lambda: gw.status()["spare_workers"] == spares, what="the spares booted")
        workers = gw.status()["workers"]
        for w in workers:
            _assert_is_the_worker(w["pid"], gw.proc.pid, isolation)
        victim = workers[round_no % len(workers)]["pid"]
        os.kill(victim, signal.SIGKILL)
        # While the slot is refilled, a pid shown is the old worker (dead by now), none (a worker that
        # has not said hello), or a new worker: never its wrapper, nor anything else.
        deadline = time.monotonic() + 30 * SCALE
        while time.monotonic() < deadline:
            states = [(w["pid"], w["state"]) for w in gw.status()["workers"]]
            for pid, state in states:
                if pid is not None and pid != victim:
                    samples += 1
                    _assert_is_the_worker(pid, gw.proc.pid, isolation)
                elif pid is None:
                    assert state in ("starting", "dead"), states
            if all(pid not in (victim, None) and state == "ready" for pid, state in states):
                break
        else:
            raise AssertionError(f"the killed worker's slot was not refilled: {gw.status()}")
    assert samples > 0
    took = re.findall(r"spare worker \(pid (\d+)\) took worker slot", gw.log())
    assert len(took) == (6 if spares else 0), gw.log()


def test_a_stopped_wrapper_with_a_zombie_worker_leaves_nothing_after_shutdown(start_gateway) -> None:
    if os.geteuid() != 0:
        pytest.skip("pid namespaces need root here")
    gw = start_gateway("--isolation", "pidns", "--spare-workers", "0", "--heartbeat-timeout", "60", workers=2)
    workers = gw.worker_pids()
    wrappers = [int(_proc_status(pid)["PPid"]) for pid in workers]
    marker = next(e for e in Path(f"/proc/{workers[0]}/environ").read_bytes().split(b"\0")
                  if e.startswith(b"SANDBOX_WORKER="))
    nonce = marker.split(b"=", 1)[1].split(b".")[0]
    os.kill(wrappers[0], signal.SIGSTOP)
    os.kill(workers[0], signal.SIGKILL)  # nobody reaps it: its parent is stopped
    wait_for(lambda: _proc_status(workers[0]).get("State", "").startswith("Z"), what="a zombie worker")
    assert gw.stop() == 0

    def ours_alive() -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit() and _alive(int(entry)):
                try:
                    env = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
                except OSError:
                    continue
                if any(e.startswith(b"SANDBOX_WORKER=" + nonce + b".") for e in env):
                    found.append(int(entry))
        return found

    wait_for(lambda: not any(_alive(pid) for pid in wrappers + workers), 10, what="wrappers and workers gone")
    assert ours_alive() == []


# ---- drain: the last answer reaches the official SDK clients --------------------------------------------

TOKEN = "drain-test-token-5e1f"


def _drain_round(start_gateway, run_client) -> None:  # type: ignore[no-untyped-def]
    """One real SDK client, one call; the gateway gets SIGTERM while it runs and lets it finish: the client
    returns the call's result (it lists the tools after the answer to validate it), and the gateway exits 0."""
    gw = start_gateway("--shutdown-grace", "60", workers=1, token=TOKEN)
    started, go = gw.workspace / "started", gw.workspace / "go"
    # relative paths: a call runs in the workspace (as the tool user, who owns it)
    command = "touch started; while [ ! -e go ]; do sleep 0.01; done; echo done"
    finish = run_client(gw, command)
    wait_for(started.exists, 30, what="the call running")
    gw.proc.send_signal(signal.SIGTERM)
    wait_for(lambda: "draining: 1 calls in flight" in gw.log(), 10, what="the gateway draining")
    go.touch()
    assert finish() == "done\n"
    assert gw.proc.wait(30 * SCALE) == 0
    log = gw.log()
    assert " ERROR " not in log and "Traceback" not in log, log


def test_drain_delivers_the_last_answer_to_the_python_sdk_websocket_client(start_gateway) -> None:
    import threading

    from mcp import ClientSession
    from mcp.client.websocket import websocket_client

    def run_client(gw, command: str):  # type: ignore[no-untyped-def]
        outcome: list[str | BaseException] = []

        async def main() -> str:
            async with websocket_client(gw.url) as (r, w), ClientSession(r, w) as session:
                await session.initialize()
                result = await session.call_tool("bash", {"command": command})
                return result.content[0].text  # type: ignore[union-attr]

        def thread() -> None:
            try:
                outcome.append(run(main()))
            except BaseException as exc:
                outcome.append(exc)

        client = threading.Thread(target=thread, daemon=True)
        client.start()

        def finish() -> str | BaseException:
            client.join(60 * SCALE)
            assert outcome, "the client did not end"
            return outcome[0]

        return finish

    for _ in range(3):
        _drain_round(start_gateway, run_client)


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_drain_delivers_the_last_answer_to_the_python_sdk_2_http_client(start_gateway, mode: str) -> None:
    """Streamable HTTP: a session of 2025-11-25 (``legacy``) and stateless 2026-07-28 (``auto``)."""
    from tests.test_http_clients import SDK2_PYTHON, need

    need(SDK2_PYTHON, "the Python SDK 2.x virtualenv")

    def run_client(gw, command: str):  # type: ignore[no-untyped-def]
        url = f"http://{gw.host}:{gw.port}/mcp"
        proc = subprocess.Popen([str(SDK2_PYTHON), "tests/clients/sdk2_client.py", f"drain-{mode}", url, TOKEN,
                                 command], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

        def finish() -> str:
            out, err = proc.communicate(timeout=60 * SCALE)
            assert proc.returncode == 0, err[-3000:]
            report = json.loads(out.strip().splitlines()[-1])
            assert "error" not in report, report
            return report["text"]

        return finish

    for _ in range(3):
        _drain_round(start_gateway, run_client)
