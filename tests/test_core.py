"""Issue 2, 'behaviour that must hold': real gateways, real workers, real signals."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time

import pytest

from tests.helpers import (
    SCALE,
    McpClient,
    async_wait_for,
    pids_matching,
    proc_status_kb,
    run,
    text_of,
    unique_sleep,
    wait_for,
    worker_shells,
)


# 1. A call returns when the shell exits, even with background children holding the pipe.
def test_returns_when_shell_exits_and_kills_leftovers(gateway) -> None:
    s = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            t0 = time.monotonic()
            res = await c.bash(f"sleep {s} & echo started")
            elapsed = time.monotonic() - t0
            assert text_of(res) == "started\n"
            assert res["isError"] is False
            assert res["structuredContent"]["exit_code"] == 0
            assert elapsed < 5 * SCALE, elapsed  # not the 3000 s the child sleeps
            # nothing the call started outlives it
            wait_for(lambda: not pids_matching(f"sleep {s}"), 10, what="leftover sleep killed")

    run(main())


# 1b. ... and they are dead (reaped, not zombies) by the time the answer comes: the next call's `kill -0`
# finds none of them.  Each round is a race against the kill; the loop makes losing it show.
@pytest.mark.parametrize("spawn", ["fork", "exec"])
def test_what_a_call_started_is_dead_when_it_answers(start_gateway, spawn: str) -> None:
    gw = start_gateway("--shell-spawn", spawn, workers=1)
    start = ("( exec >/dev/null 2>&1; trap '' HUP TERM; sleep 60; : ) & a=$!; "
             "setsid sleep 60 >/dev/null 2>&1 & echo $a $!")

    async def main() -> list[str]:
        seen = []
        async with McpClient.connect(gw.url) as c:
            for _ in range(20):
                pids = text_of(await c.bash(start)).split()
                assert len(pids) == 2 and all(p.isdigit() for p in pids), pids
                check = " ".join(f"kill -0 {p} 2>/dev/null && echo {p} alive;" for p in pids)
                seen.append(text_of(await c.bash(check + " echo checked")))
        return seen

    assert set(run(main())) == {"checked\n"}


# 2. Timeout: partial output, timed_out, the whole tree gone (setsid, nohup, double fork), both isolations.
@pytest.mark.parametrize("isolation", ["pidns", "subreaper"])
def test_timeout_kills_detached_descendants(start_gateway, isolation: str) -> None:
    if isolation == "pidns" and os.geteuid() != 0:
        pytest.skip("pid namespaces need root here")
    gw = start_gateway("--isolation", isolation)
    assert gw.status()["isolation"] == isolation
    s = unique_sleep()
    cmd = (f"echo partial; setsid sleep {s} & nohup sleep {s} >/dev/null 2>&1 & "
           f"(setsid bash -c 'sleep {s} & sleep {s}' &) ; env -i /bin/sleep {s} & sleep {s}")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            t0 = time.monotonic()
            res = await c.bash(cmd, timeout=1)
            elapsed = time.monotonic() - t0
            sc = res["structuredContent"]
            assert sc["timed_out"] is True and sc["exit_code"] is None
            assert res["isError"] is True
            assert text_of(res).startswith("partial\n")
            assert "timed out" in text_of(res)
            assert elapsed < 1 + 4 * SCALE, elapsed
            wait_for(lambda: not pids_matching(f"sleep {s}"), 10, what="every detached sleep killed")
            # the worker survives and serves the next call
            assert text_of(await c.bash("echo again")) == "again\n"

    run(main())


# 3a. A worker that misses a call's deadline is killed with its tree; others on it get worker_lost.
def test_deadline_kills_frozen_worker_and_respawns(start_gateway) -> None:
    gw = start_gateway("--deadline-grace", "1", "--heartbeat-timeout", "60", workers=1)
    [old_pid] = gw.worker_pids()
    s = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            _, slow = c.start("tools/call", {"name": "bash", "arguments": {"command": f"sleep {s}", "timeout": 300}})
            _, short = c.start("tools/call", {"name": "bash", "arguments": {"command": "sleep 100", "timeout": 1}})
            await async_wait_for(lambda: pids_matching(f"sleep {s}"), 10, what="call started")
            os.kill(old_pid, signal.SIGSTOP)  # the worker can no longer enforce its own timeouts
            t0 = time.monotonic()
            short_res = await asyncio.wait_for(short, 30 * SCALE)
            elapsed = time.monotonic() - t0
            slow_res = await asyncio.wait_for(slow, 10 * SCALE)
            r = short_res["result"]
            assert r["isError"] and r["structuredContent"]["timed_out"] is True
            assert "grace" in text_of(r)
            assert elapsed < 1 + 1 + 4 * SCALE, elapsed
            lost = slow_res["result"]
            assert lost["isError"] and lost["structuredContent"]["outcome"] == "worker_lost"
            assert "was lost" in text_of(lost)

    run(main())
    wait_for(lambda: not pids_matching(f"sleep {s}"), 10, what="tree of the killed worker gone")
    wait_for(lambda: gw.status()["workers"][0]["state"] == "ready"
             and gw.status()["workers"][0]["pid"] != old_pid, 20, what="replacement worker ready")
    assert gw.status()["workers"][0]["restarts"] == 1
    metrics = gw.metrics()
    assert 'sandbox_worker_restarts_total{reason="deadline"} 1.0' in metrics
    assert "sandbox_deadline_kills_total 1.0" in metrics
    assert 'outcome="worker_lost",tool="bash"' in metrics


# 3b. Missed heartbeats (SIGSTOP) kill the worker even with no call on it; readiness follows.
def test_missed_heartbeats_kill_and_replace_worker(start_gateway) -> None:
    gw = start_gateway("--heartbeat-interval", "0.2", "--heartbeat-timeout", "1.5", workers=1)
    [old_pid] = gw.worker_pids()
    os.kill(old_pid, signal.SIGSTOP)
    wait_for(lambda: gw.status()["workers"][0]["pid"] != old_pid, 20, what="frozen worker replaced")
    wait_for(lambda: not os.path.exists(f"/proc/{old_pid}") or _is_zombie(old_pid), 10, what="old worker dead")
    gw.wait_ready()
    assert gw.http("/readyz")[0] == 200
    assert 'sandbox_worker_restarts_total{reason="heartbeat"} 1.0' in gw.metrics()


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


# 3c. A worker that cannot boot stops the respawn loop with a clear log line; readiness goes 503.
def test_boot_failures_stop_respawning(start_gateway) -> None:
    gw = start_gateway("--spare-workers", "1", workers=1)
    [pid] = gw.worker_pids()
    wait_for(lambda: gw.status()["spare_workers"] == 1, what="the spare booted")
    gw.workspace.rename(gw.workspace.with_name("moved-away"))  # new workers cannot enter it
    os.kill(pid, signal.SIGKILL)
    # The spare (booted before) takes the slot; the spares after it cannot boot, and stop.
    wait_for(lambda: gw.worker_pids()[0] not in (pid, None), what="the spare in the slot")
    wait_for(lambda: "spare workers in a row failed to boot; no more spares" in gw.log(), 60,
             what="spares given up")
    assert gw.status()["workers"][0]["state"] == "ready"
    os.kill(gw.worker_pids()[0], signal.SIGKILL)
    wait_for(lambda: "not respawning" in gw.log(), 60, what="give-up log line")
    assert "failed to boot 5 times in a row" in gw.log()
    assert gw.status()["workers"][0]["state"] == "failed"
    assert gw.http("/readyz")[0] == 503
    assert gw.http("/healthz")[0] == 200

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            # Answered at once with the reason, not after the call's 120 s timeout in the queue.
            res = await c.bash("echo hi", wait=20)
            assert res["isError"] and "every worker failed to start 5 times in a row" in text_of(res)

    run(main())


# 3d. A spare worker, booted ahead, takes a lost worker's slot at once; another spare boots after it.
def test_a_spare_takes_the_slot_of_a_killed_worker(start_gateway) -> None:
    gw = start_gateway("--heartbeat-interval", "0.2", workers=1)  # --spare-workers defaults to 1
    wait_for(lambda: gw.status()["spare_workers"] == 1, what="the spare booted")
    wait_for(lambda: 'sandbox_workers{state="spare"} 1.0' in gw.metrics(), what="the spare in the metrics")
    [pid] = gw.worker_pids()
    os.kill(pid, signal.SIGKILL)
    took = wait_for(lambda: re.search(r"spare worker \(pid (\d+)\) took worker slot 0", gw.log()),
                    what="the spare taking the slot")
    spare_pid = int(took.group(1))
    wait_for(lambda: gw.worker_pids() == [spare_pid], what="the spare's pid in the slot")
    assert gw.status()["workers"][0]["restarts"] == 1
    wait_for(lambda: gw.status()["spare_workers"] == 1, what="a new spare")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            res = await c.bash("echo served")
            assert (text_of(res), res["isError"]) == ("served\n", False)

    run(main())
    assert gw.worker_pids() == [spare_pid]  # the call ran on it; the new spare took no calls


# 4. Output is bounded (head + tail, marker) and nothing grows past ~100 MB; invalid UTF-8 is replaced.
def test_output_flood_is_bounded(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            res = await c.bash("echo START; yes | head -c 1G; echo; echo END", timeout=120, wait=180)
            text = text_of(res)
            assert res["structuredContent"]["truncated"] is True
            assert text.startswith("START\ny\ny\n")
            assert text.rstrip().endswith("END")
            assert "bytes of output truncated" in text
            assert len(text.encode()) < 1.1 * 1024 * 1024
            bad = await c.bash(r"printf 'ok \xff\xfe\xc3 end'")
            assert text_of(bad) == "ok \ufffd\ufffd\ufffd end"

    run(main())
    for pid in [*gateway.worker_pids(), gateway.proc.pid]:
        assert proc_status_kb(pid, "VmHWM") < 100 * 1024, pid


# 5a. Every request id gets exactly one answer, also when its worker dies mid-call.
def test_every_id_answered_once_when_worker_killed(start_gateway) -> None:
    gw = start_gateway(workers=2)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            futs = {}
            for i in range(40):
                cmd = "sleep 0.5; echo ok" if i % 2 else "echo quick"
                rid, fut = c.start("tools/call", {"name": "bash", "arguments": {"command": cmd}})
                futs[rid] = fut
            await asyncio.sleep(0.2)
            os.kill(gw.worker_pids()[0], signal.SIGKILL)
            done = await asyncio.wait_for(asyncio.gather(*futs.values()), 60 * SCALE)
            outcomes = [m["result"].get("structuredContent", {}).get("outcome", "ok") for m in done]
            assert len(done) == 40
            for rid in futs:
                assert len(c.answers_for(rid)) == 1, rid
            assert all(o in ("ok", "worker_lost") for o in outcomes)

    run(main())
    gw.wait_ready()


# 5b. A closed connection cancels its calls and kills their trees.
def test_disconnect_kills_calls(gateway) -> None:
    s = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            c.start("tools/call", {"name": "bash", "arguments": {"command": f"sleep {s} & sleep {s}"}})
            await async_wait_for(lambda: len(pids_matching(f"sleep {s}")) >= 2, 10, what="call running")

    run(main())
    wait_for(lambda: not pids_matching(f"sleep {s}"), 15, what="calls of the closed connection killed")
    assert gateway.status()["sessions"] == 0


# 5c. notifications/cancelled kills the call; no response is sent for it.
def test_cancel_notification(gateway) -> None:
    s = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            rid, _ = c.start("tools/call", {"name": "bash", "arguments": {"command": f"sleep {s}"}})
            await async_wait_for(lambda: pids_matching(f"sleep {s}"), 10, what="call running")
            await c.notify("notifications/cancelled", {"requestId": rid, "reason": "test"})
            await async_wait_for(lambda: not pids_matching(f"sleep {s}"), 10, what="cancelled call killed")
            await c.request("ping")
            await asyncio.sleep(0.3)
            assert c.answers_for(rid) == []

    run(main())
    assert 'outcome="cancelled",tool="bash"' in gateway.metrics()


# 5d. SIGTERM: in-flight calls finish within the grace, new connections are refused, nothing is left.
def test_sigterm_drains_then_stops(start_gateway) -> None:
    gw = start_gateway("--shutdown-grace", "20")
    pids = gw.worker_pids()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            _, fut = c.start("tools/call", {"name": "bash", "arguments": {"command": "sleep 1.5; echo finished"}})
            await asyncio.sleep(0.3)
            gw.proc.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.3)
            assert gw.http("/readyz")[0] == 503
            res = await asyncio.wait_for(fut, 20 * SCALE)
            assert text_of(res["result"]) == "finished\n"

    run(main())
    assert gw.proc.wait(30 * SCALE) == 0
    for pid in pids:
        wait_for(lambda pid=pid: not os.path.exists(f"/proc/{pid}"), 10, what=f"worker {pid} gone")


def test_sigterm_past_grace_answers_and_kills(start_gateway) -> None:
    gw = start_gateway("--shutdown-grace", "0.5")
    s = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            _, fut = c.start("tools/call", {"name": "bash", "arguments": {"command": f"sleep {s}"}})
            await async_wait_for(lambda: pids_matching(f"sleep {s}"), 10, what="call running")
            gw.proc.send_signal(signal.SIGTERM)
            msg = await asyncio.wait_for(fut, 20 * SCALE)
            assert msg["error"]["code"] == -32002
            assert "shutting down" in msg["error"]["message"]

    run(main())
    assert gw.proc.wait(30 * SCALE) == 0
    wait_for(lambda: not pids_matching(f"sleep {s}"), 10, what="call tree killed at shutdown")


# 6. Concurrency: many calls per worker at once; 64 x sleep 1 on 2 workers is about one second.
def test_concurrent_calls_run_in_parallel(gateway) -> None:
    async def main() -> float:
        async with McpClient.connect(gateway.url) as c:
            t0 = time.monotonic()
            results = await asyncio.gather(*(c.bash("sleep 1; echo $SANDBOX_SHELL") for _ in range(64)))
            elapsed = time.monotonic() - t0
            assert all(not r["isError"] for r in results)
            assert len({text_of(r) for r in results}) == 64  # 64 distinct shells
            return elapsed

    elapsed = run(main())
    assert elapsed < 10 * SCALE, elapsed  # serial would be 64 s; the benchmark measures the real number


def test_overloaded_queue_is_refused(start_gateway) -> None:
    gw = start_gateway("--max-calls-per-worker", "1", "--max-queue", "1", workers=1)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            futs = [c.start("tools/call", {"name": "bash", "arguments": {"command": "sleep 1"}})[1] for _ in range(3)]
            done = await asyncio.wait_for(asyncio.gather(*futs), 30 * SCALE)
            errors = [m for m in done if "error" in m]
            assert len(errors) == 1
            assert errors[0]["error"]["code"] == -32000
            assert "--max-queue=1" in errors[0]["error"]["message"]
            assert sum("result" in m for m in done) == 2

    run(main())


# 7. Metrics with the contract names.
def test_metrics_contract(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            for _ in range(3):
                await c.bash("echo hi")
            await c.bash("exit 3")
            m = gateway.metrics()
            assert 'sandbox_tool_call_duration_seconds_count{outcome="ok",tool="bash"} 3.0' in m
            assert 'sandbox_tool_call_duration_seconds_count{outcome="error",tool="bash"} 1.0' in m
            assert "sandbox_queue_wait_seconds_count" in m
            assert "sandbox_tool_calls_in_flight 0.0" in m
            assert 'sandbox_workers{state="ready"} 2.0' in m
            assert "sandbox_websocket_connections 1.0" in m
            assert "sandbox_sessions 1.0" in m
            assert 'sandbox_worker_restarts_total{reason="heartbeat"} 0.0' in m

    run(main())


def test_worker_has_only_its_loop_and_the_spawner_thread(gateway) -> None:
    # heartbeats and sweeps are asyncio tasks, not threads; the one other thread only starts shells
    # (off the loop, and with the tool user's credentials under --run-as)
    for pid in gateway.worker_pids():
        assert proc_status_kb(pid, "Threads") == 2


def test_large_command_arrives_exactly(gateway) -> None:
    # the shell reads its script in blocks (read -N); multibyte text, backslashes, trailing blanks
    # and a here-document must come through unchanged
    filler = ": " + "x" * 1_000_000 + "\n"
    command = filler + "printf '%s|' 'héllo  ' 'a\\b'\ncat <<'EOF'\n  keep  \nEOF"

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            res = await c.bash(command)
            assert res["isError"] is False, text_of(res)
            assert text_of(res) == "héllo  |a\\b|  keep  \n"

    run(main())


def test_warm_pool_grows_with_load_and_shrinks_when_idle(start_gateway) -> None:
    gw = start_gateway("--warm-shells", "1", "--max-warm-shells", "4", "--heartbeat-interval", "0.2",
                       workers=1)
    worker = gw.worker_pids()[0]
    wait_for(lambda: len(worker_shells(worker)) == 1, what="one pre-started shell")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            results = await asyncio.gather(*(c.bash("sleep 0.5; echo ok") for _ in range(6)))
            assert [text_of(r) for r in results] == ["ok\n"] * 6

    run(main())
    wait_for(lambda: len(worker_shells(worker)) == 4, what="the pool grown to --max-warm-shells")
    wait_for(lambda: len(worker_shells(worker)) == 1, what="the pool shrunk back to --warm-shells")


def test_tools_get_a_utf8_locale(gateway) -> None:
    # the worker gives shells LC_CTYPE=C.UTF-8 (not LANG): the same locale, loaded faster
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            res = await c.bash("locale charmap; printf 'é' | wc -m")
            lines = text_of(res).split()
            assert lines[:2] == ["UTF-8", "1"], text_of(res)

    run(main())
