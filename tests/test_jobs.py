"""Background jobs through the gateway: bash run_in_background, job_output, job_kill, job_list.

Real gateway, real workers, real shells; leftovers are looked for by a unique
sleep duration in the command line.
"""

from __future__ import annotations

import asyncio
import os
import signal

from tests.helpers import McpClient, async_until, async_wait_for, pids_matching, run, text_of, unique_sleep, wait_for
from tests.helpers import call_tool as call
from worker.jobs import JobRing


async def start_job(c: McpClient, command: str, **extra: object) -> str:
    res = await c.bash(command, run_in_background=True, **extra)
    assert not res["isError"], res
    job_id = res["structuredContent"]["job_id"]
    assert res["structuredContent"]["status"] == "running"
    assert job_id in text_of(res)
    return job_id


async def wait_status(c: McpClient, job_id: str, status: str, limit: float = 30) -> dict:
    async def reached() -> dict | None:
        out = await call(c, "job_output", job_id=job_id, since=0)
        return out if out["structuredContent"]["status"] == status else None

    return await async_until(reached, limit, f"job {job_id} to reach {status}")


# ---- the ring (pure) -------------------------------------------------------------------


def test_job_ring_offsets_cursor_and_drops() -> None:
    ring = JobRing(10)
    ring.append(b"hello ")
    assert ring.read(None) == (b"hello ", 6, 0)
    ring.append(b"world")
    assert ring.read(None) == (b"world", 11, 0)  # the cursor moved on
    assert ring.read(0) == (b"ello world", 11, 1)  # 1 byte fell out of the 10-byte ring
    ring.append(b"x" * 25)
    chunk, nxt, dropped = ring.read(11)
    assert chunk == b"x" * 10 and nxt == 36 and dropped == 15
    assert ring.read(None) == (b"", 36, 0)
    assert ring.read(999) == (b"", 36, 0)  # past the end: nothing, not an error


# ---- end to end --------------------------------------------------------------------------


def test_background_job_runs_streams_and_exits(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            tools = {t["name"]: t for t in (await c.request("tools/list"))["result"]["tools"]}
            assert {"job_output", "job_kill", "job_list"} <= set(tools)
            assert tools["job_output"]["inputSchema"]["additionalProperties"] is False
            await c.bash("mkdir -p sub && cd sub && export WHO=agent")
            started = asyncio.get_running_loop().time()
            job = await start_job(c, 'echo "start $WHO in $(basename $PWD)"; sleep 1; echo done; exit 3')
            # It returned at once, long before the job's sleep ended.
            assert asyncio.get_running_loop().time() - started < 1.0
            final = await wait_status(c, job, "exited")
            assert final["structuredContent"]["exit_code"] == 3
            assert "start agent in sub\ndone\n" in text_of(final)
            assert f"job {job} exited with code 3" in text_of(final)
            # Without since: only what is new since the previous job_output (nothing now).
            again = await call(c, "job_output", job_id=job)
            assert text_of(again) == f"[job {job} exited with code 3]"
            assert again["structuredContent"]["next_since"] == final["structuredContent"]["total_bytes"]
            listing = await call(c, "job_list")
            (entry,) = listing["structuredContent"]["jobs"]
            assert entry["job_id"] == job and entry["status"] == "exited" and entry["exit_code"] == 3
            assert "sleep 1" in entry["command"]
            # A background job does not change the session's shell state.
            assert text_of(await c.bash("pwd")).endswith("/sub\n")

    run(main())


def test_job_output_since_reads_incrementally(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            job = await start_job(c, "for i in 1 2 3 4 5; do echo line$i; sleep 0.2; done")
            seen = ""
            since = 0
            while True:
                out = await call(c, "job_output", job_id=job, since=since)
                sc = out["structuredContent"]
                seen += text_of(out).rsplit("[job ", 1)[0]
                since = sc["next_since"]
                if sc["status"] != "running":
                    break
                await asyncio.sleep(0.1)
            assert seen == "".join(f"line{i}\n" for i in range(1, 6))

    run(main())


def test_job_kill_kills_the_whole_tree(gateway) -> None:
    marker = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            # A detached grandchild (setsid) and a nohup'ed one: both must die with the job.
            job = await start_job(c, f"setsid sleep {marker} & nohup sleep {marker} >/dev/null 2>&1 & "
                                     "echo up; wait")
            await async_wait_for(lambda: len(pids_matching(f"sleep {marker}")) == 2, what="two sleeps")
            out = await wait_status(c, job, "running")
            assert "up" in text_of(out)
            killed = await call(c, "job_kill", job_id=job)
            assert not killed["isError"], killed
            assert killed["structuredContent"]["status"] == "killed"
            assert pids_matching(f"sleep {marker}") == []
            assert (await call(c, "job_list"))["structuredContent"]["jobs"][0]["status"] == "killed"
            # Killing it again just reports the status.
            assert (await call(c, "job_kill", job_id=job))["structuredContent"]["status"] == "killed"

    run(main())


def test_jobs_die_with_their_session_and_stay_private(gateway) -> None:
    marker = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gateway.url) as other:
            async with McpClient.connect(gateway.url) as c:
                job = await start_job(c, f"sleep {marker}")
                await async_wait_for(lambda: pids_matching(f"sleep {marker}"), what="the job's sleep")
                # Another session neither sees nor can touch it.
                assert (await call(other, "job_list"))["structuredContent"]["jobs"] == []
                for tool in ("job_output", "job_kill"):
                    res = await call(other, tool, job_id=job)
                    assert res["isError"] and "unknown job" in text_of(res)
                # Ordinary calls of this and other sessions (with their orphan cleanup) leave it alone.
                assert text_of(await c.bash("echo hi")) == "hi\n"
                assert text_of(await other.bash("echo hi")) == "hi\n"
                assert pids_matching(f"sleep {marker}")
            # The session closed: the job is killed.
            await async_wait_for(lambda: not pids_matching(f"sleep {marker}"), what="the job to be killed")

    run(main())


def test_jobs_per_session_limit(start_gateway) -> None:
    gw = start_gateway("--max-jobs-per-session", "2")
    marker = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            first = await start_job(c, f"sleep {marker}")
            await start_job(c, f"sleep {marker}")
            third = await c.bash(f"sleep {marker}", run_in_background=True)
            assert third["isError"]
            assert "--max-jobs-per-session=2" in text_of(third) and "limit hit" in text_of(third)
            await call(c, "job_kill", job_id=first)
            await start_job(c, "true")  # room again

    run(main())
    wait_for(lambda: not pids_matching(f"sleep {marker}"), what="the jobs to die with the session")


def test_job_output_is_bounded(start_gateway) -> None:
    gw = start_gateway("--job-output-bytes", "1000")

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            job = await start_job(c, "head -c 100000 /dev/zero | tr '\\0' a; echo; echo END")
            out = await wait_status(c, job, "exited")
            sc = out["structuredContent"]
            assert sc["total_bytes"] == 100005 and sc["dropped_bytes"] == 100005 - 1000
            assert "bytes of output dropped" in text_of(out) and "--job-output-bytes" in text_of(out)
            assert text_of(out).split("\n")[-2] == "END"

    run(main())


def test_job_timeout_and_bad_arguments(gateway) -> None:
    async def main() -> None:
        async with McpClient.connect(gateway.url) as c:
            job = await start_job(c, "sleep 30", timeout=0.5)
            out = await wait_status(c, job, "timed_out")
            assert "killed at its timeout" in text_of(out)
            bad = await call(c, "job_output", job_id="job-999999")
            assert bad["isError"] and "unknown job" in text_of(bad)
            neg = await call(c, "job_output", job_id=job, since=-1)
            assert neg["isError"] and "since" in text_of(neg)
            wd = await c.bash("true", run_in_background=True, working_dir="/etc")
            assert wd["isError"] and "outside the workspace" in text_of(wd)

    run(main())


def test_job_on_a_killed_worker_is_reported_lost(start_gateway) -> None:
    gw = start_gateway(workers=1)
    marker = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            job = await start_job(c, f"sleep {marker}")
            await async_wait_for(lambda: pids_matching(f"sleep {marker}"), what="the job's sleep")
            [worker] = gw.worker_pids()
            os.kill(worker, signal.SIGKILL)
            await async_wait_for(lambda: not pids_matching(f"sleep {marker}"), what="the job to die with its worker")
            await async_wait_for(lambda: gw.worker_pids()[0] not in (worker, None), what="the respawn")
            res = await call(c, "job_output", job_id=job)
            assert res["isError"] and res["structuredContent"]["status"] == "lost", res
            assert "lost" in text_of(res)
            assert (await call(c, "job_list"))["structuredContent"]["jobs"][0]["status"] == "lost"
            # The session goes on: new jobs run on the new worker.
            assert (await wait_status(c, await start_job(c, "echo again"), "exited"))["structuredContent"][
                "exit_code"] == 0

    run(main())
