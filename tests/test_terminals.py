"""Terminals through the gateway, and the worker's terminal table under hostile programs.

End to end (a real gateway, real workers, real ptys): a REPL round trip, the program's controlling
terminal, job control and SIGWINCH, the tool user, the session's directory and exports, whole-tree
kills on close and with the session (looked for by a unique sleep in the command line), the shared
limit with background jobs, privacy between sessions, a lost worker.

In process (``TerminalTable`` on a real ``ShellFactory``, with a probe measuring how late the event
loop runs): programs that flood output or escape sequences, never read their input, or get a resize
storm; many terminals at once.  The loop is never late by more than 100 ms, memory stays bounded,
and the terminals still answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.terminal_tools import TerminalReadArgs, TerminalResizeArgs, TerminalSendArgs, TerminalStartArgs
from tests.helpers import (
    SCALE,
    McpClient,
    async_until,
    async_wait_for,
    pids_matching,
    proc_status_kb,
    run,
    text_of,
    unique_sleep,
    wait_for,
)
from tests.helpers import call_tool as call
from tests.test_containment import nobody_gateway  # noqa: F401  (a fixture: tools as nobody, as deployed)
from worker.procs import Reaper, ShellFactory
from worker.terminals import INPUT_MAX, PENDING_MAX, TerminalError, TerminalTable

ROOT = os.geteuid() == 0


async def start(c: McpClient, command: str, **extra: object) -> str:
    res = await call(c, "terminal_start", command=command, **extra)
    assert not res["isError"], res
    return str(res["structuredContent"]["terminal_id"])


async def read(c: McpClient, term: str, **extra: object) -> dict:
    res = await call(c, "terminal_read", terminal_id=term, **extra)
    assert not res["isError"], res
    return dict(res["structuredContent"])


async def type_line(c: McpClient, term: str, line: str) -> None:
    res = await call(c, "terminal_send", terminal_id=term, text=line, keys=["Enter"])
    assert not res["isError"], res


# ---- end to end ------------------------------------------------------------------------------


def test_repl_round_trip_on_a_controlling_terminal(start_gateway) -> None:
    gw = start_gateway()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            await c.bash("mkdir -p sub && cd sub && export GREETING=hello")
            term = await start(c, "python3 -q", cols=90, rows=12)
            await read(c, term, wait_for=">>> ")
            await type_line(c, term, "import os, sys; print(6 * 7, os.getcwd().endswith('/sub'), "
                                     "os.environ['GREETING'], os.environ['TERM'], os.getsid(0) == os.getpid(), "
                                     "os.ttyname(0) == os.ttyname(1), os.get_terminal_size())")
            out = await read(c, term, wait_for="columns=")
            assert out["matched"] and out["status"] == "running"
            line = next(row for row in out["screen"] if row.startswith("42"))
            assert line == "42 True hello xterm-256color True True os.terminal_size(columns=90, lines=12)"
            assert (out["cols"], out["rows"]) == (90, 12)
            assert out["total_bytes"] == out["next_since"] and "42" in out["output"]
            # C-c reaches the program as SIGINT through its controlling terminal
            await type_line(c, term, "import time; time.sleep(600)")
            await asyncio.sleep(0.3)
            await call(c, "terminal_send", terminal_id=term, keys=["C-c"])
            assert (await read(c, term, wait_for="KeyboardInterrupt", timeout=10))["matched"]
            # SIGWINCH: the program sees the new size
            resized = await call(c, "terminal_resize", terminal_id=term, cols=70, rows=20)
            assert not resized["isError"]
            await type_line(c, term, "print('size', *os.get_terminal_size())")
            assert (await read(c, term, wait_for="size 70 20"))["matched"]
            # the program ends: the terminal stays readable, with its exit code
            await type_line(c, term, "raise SystemExit(5)")

            async def exited() -> dict | None:
                res = await read(c, term)
                return res if res["status"] == "exited" else None

            done = await async_until(exited, what="the REPL to exit")
            assert done["exit_code"] == 5 and any("size 70 20" in row for row in done["screen"])
            listed = (await call(c, "terminal_list"))["structuredContent"]["terminals"]
            assert [(t["terminal_id"], t["status"], t["exit_code"]) for t in listed] == [(term, "exited", 5)]

    run(main())


def test_bash_on_a_terminal_has_job_control(start_gateway, nobody_gateway) -> None:  # noqa: F811
    gw = nobody_gateway(workers=2) if ROOT else start_gateway()
    marker = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            term = await start(c, "bash --norc --noprofile")
            await type_line(c, term, "PS1='prompt> '; tty; stty size; echo uid=$(id -u) done-$((6 * 7))")
            out = await read(c, term, wait_for="done-42")
            text = "\n".join(out["screen"])
            assert "/dev/pts/" in text and "40 120" in text  # the default size, rows then columns
            if ROOT:
                assert "uid=65534" in text  # the tool user (nobody), never root
            # a foreground job stopped with C-z and resumed in the background
            await type_line(c, term, f"sleep {marker}")
            await async_wait_for(lambda: pids_matching(f"^sleep {marker}"), what="the sleep")
            await call(c, "terminal_send", terminal_id=term, keys=["C-z"])
            assert (await read(c, term, wait_for="Stopped"))["matched"]
            await type_line(c, term, "bg; jobs")
            assert (await read(c, term, wait_for="Running"))["matched"]
            assert pids_matching(f"^sleep {marker}")

    run(main())
    wait_for(lambda: not pids_matching(f"sleep {marker}"), what="the sleep to die with the session")


@pytest.mark.parametrize("isolation", ["pidns", "marker"])
def test_close_and_session_end_kill_the_whole_tree(start_gateway, isolation: str) -> None:
    if isolation == "pidns" and not ROOT:
        pytest.skip("a pid namespace per call needs root")
    gw = start_gateway("--call-isolation", isolation)
    marker = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            # a detached grandchild (setsid), a nohup'ed one, and the foreground one
            command = f"setsid sleep {marker} & nohup sleep {marker} >/dev/null 2>&1 & sleep {marker}"
            term = await start(c, command)
            # (^: the bash -c running the command line names the sleeps too)
            await async_wait_for(lambda: len(pids_matching(f"^sleep {marker}")) == 3, what="three sleeps")
            closed = await call(c, "terminal_close", terminal_id=term)
            assert not closed["isError"] and closed["structuredContent"]["status"] == "killed"
            assert pids_matching(f"sleep {marker}") == []  # gone before the answer
            assert "unknown terminal" in text_of(await call(c, "terminal_read", terminal_id=term))
            await start(c, command)
            await start(c, f"bash --norc -c 'sleep {marker}'")
            await async_wait_for(lambda: len(pids_matching(f"^sleep {marker}")) == 4, what="four sleeps")
        # the session is over: its terminals die with everything they started
        await async_wait_for(lambda: not pids_matching(f"sleep {marker}"), what="the terminals to be killed")

    run(main())


def test_terminals_share_the_job_limit_and_stay_private(start_gateway) -> None:
    gw = start_gateway("--max-jobs-per-session", "2")
    marker = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gw.url) as other, McpClient.connect(gw.url) as c:
            job = (await c.bash(f"sleep {marker}", run_in_background=True))["structuredContent"]["job_id"]
            term = await start(c, f"sleep {marker}")
            for refused in (await call(c, "terminal_start", command="true"),
                            await c.bash("true", run_in_background=True)):
                assert refused["isError"] and "--max-jobs-per-session=2" in text_of(refused), refused
            # another session has its own limit, and no way to reach this session's terminal
            other_term = await start(other, "cat")
            for tool, extra in (("terminal_read", {}), ("terminal_send", {"text": "x"}),
                                ("terminal_resize", {"cols": 80, "rows": 24}), ("terminal_close", {})):
                res = await call(other, tool, terminal_id=term, **extra)
                assert res["isError"] and "unknown terminal" in text_of(res), (tool, res)
            assert [t["terminal_id"] for t in (await call(other, "terminal_list"))["structuredContent"][
                "terminals"]] == [other_term]
            await call(c, "job_kill", job_id=job)
            await start(c, "true")  # room again
            await call(c, "terminal_close", terminal_id=term)

    run(main())
    wait_for(lambda: not pids_matching(f"sleep {marker}"), what="the sleeps to die with their sessions")


def test_terminal_on_a_killed_worker_is_lost(start_gateway) -> None:
    gw = start_gateway(workers=1)
    marker = unique_sleep()

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            term = await start(c, f"sleep {marker}")
            await async_wait_for(lambda: pids_matching(f"sleep {marker}"), what="the sleep")
            [worker] = gw.worker_pids()
            os.kill(worker, signal.SIGKILL)
            await async_wait_for(lambda: not pids_matching(f"sleep {marker}"), what="the terminal to die")
            await async_wait_for(lambda: gw.worker_pids()[0] not in (worker, None), what="the respawn")
            res = await call(c, "terminal_read", terminal_id=term)
            assert res["isError"] and res["structuredContent"]["status"] == "lost" and "lost" in text_of(res)
            assert (await call(c, "terminal_list"))["structuredContent"]["terminals"][0]["status"] == "lost"
            await start(c, "true")  # a lost terminal no longer counts; new ones run on the new worker

    run(main())


def test_hostile_terminal_through_the_gateway(start_gateway) -> None:
    """A flood, a program that never reads its input, escape sequences that try to grow the screen: the
    worker stays small and quick to answer, and the terminals still work."""
    gw = start_gateway(workers=1)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            flood = await start(c, "yes 'flooding the terminal'")
            escapes = await start(c, "python3 -c \"import sys\nwhile True: sys.stdout.write("
                                     "'\\x1b[' + '9' * 5000 + 'm\\x1b]0;' + 'T' * 50000 + '\\x1b[P' * 500)\"")
            deaf = await start(c, "sleep 600")
            # The kernel holds ~68 KiB of input a program does not read (the line discipline's 4 KiB and the
            # pty's 64 KiB), the terminal's queue INPUT_MAX more: the fourth send is too much.  Lines, because
            # a tty in canonical mode whose buffer holds no complete line discards what does not fit (so that
            # Enter still gets through): text without a newline would never push back.
            chunk = ("x" * 99 + "\n") * 600
            answers = [await call(c, "terminal_send", terminal_id=deaf, text=chunk) for _ in range(4)]
            assert not answers[0]["isError"]
            refused = answers[-1]
            assert refused["isError"] and "input queue is full" in text_of(refused), text_of(refused)
            (worker,) = gw.worker_pids()
            quick = await start(c, "cat")
            slowest = 0.0
            for i in range(20):
                began = time.perf_counter()
                await type_line(c, quick, f"echo-{i}")
                out = await read(c, quick, wait_for=f"echo-{i}")
                slowest = max(slowest, time.perf_counter() - began)
                assert out["matched"]
                await asyncio.sleep(0.05)
            assert slowest < 1.0 * SCALE, f"a round trip took {slowest:.3f} s under the flood"
            assert proc_status_kb(worker, "VmRSS") < 200_000
            flooded = await read(c, flood, max_bytes=1000)
            assert "flooding the terminal" in flooded["screen"][0] and len(flooded["output"]) <= 1000
            assert flooded["screen_behind_bytes"] <= PENDING_MAX
            weird = await read(c, escapes, max_bytes=0)
            assert len(weird["title"]) <= 256 and weird["status"] == "running"
            for term in (flood, escapes, deaf, quick):
                assert not (await call(c, "terminal_close", terminal_id=term))["isError"]

    run(main())


# ---- in process: the event loop under hostile programs -----------------------------------------


def _run_queue_wait() -> float:
    """Seconds this thread has spent runnable but waiting for a CPU (the kernel's schedstat)."""
    with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as f:
        return int(f.read().split()[1]) / 1e9


class LagProbe:
    """How long the event loop kept a timer waiting: the worst over the probe's life.

    ``worst`` is how late the timer ran less the time the thread spent waiting for a CPU meanwhile: what
    the loop itself was held up by (code running on it, or a blocking call).  A machine busy with other
    work (the flooding programs themselves compete for the same cores) delays the wake-up too, but the
    kernel counts that as run-queue wait, which is taken out.  ``worst_wall`` (lateness by the clock,
    that wait included) is reported for information."""

    def __init__(self, period: float = 0.005) -> None:
        self.period = period
        self.worst = 0.0
        self.worst_wall = 0.0
        self._task = asyncio.get_running_loop().create_task(self._probe())

    async def _probe(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.period
            waited = _run_queue_wait()
            await asyncio.sleep(self.period)
            late = loop.time() - due
            self.worst_wall = max(self.worst_wall, late)
            self.worst = max(self.worst, late - (_run_queue_wait() - waited))

    async def stop(self) -> float:
        self._task.cancel()
        await asyncio.wait([self._task])
        return self.worst


@contextlib.asynccontextmanager
async def terminal_table(tmp_path: Path, max_terminals: int = 16) -> AsyncIterator[TerminalTable]:
    loop = asyncio.get_running_loop()
    reaper = Reaper(loop)
    reaper.install()
    factory = ShellFactory(reaper, env={"PATH": os.environ["PATH"], "LC_CTYPE": "C.UTF-8", "HOME": str(tmp_path)},
                           limits={}, marker_prefix=f"termtest.{os.getpid()}")
    table = TerminalTable(loop, factory, max_terminals=max_terminals, output_bytes=1 << 20, scrollback=1000,
                          others_running=lambda _s: 0, send=lambda _m: None, exclude=set())
    try:
        yield table
    finally:
        tasks = table.close_all()
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        reaper.uninstall()
        factory.close()


FLOODS = {
    "yes": "yes",
    "random": "base64 /dev/urandom",
    "escape storm": "python3 -c \"import sys\nwhile True: sys.stdout.write('\\x1b[P\\x1b[@\\x1b[L\\x1b[M\\x1b[2J"
                    "\\x1b[999;999H\\n\\x1b7\\x1bc' * 1000)\"",
    "endless osc": "python3 -c \"import sys\nsys.stdout.write('\\x1b]0;')\nwhile True: sys.stdout.write('A' * 65536)\"",
    "huge parameters": "python3 -c \"import sys\nwhile True: sys.stdout.write('\\x1b[' + '1;' * 100000 + 'm')\"",
    "combining": "python3 -c \"import sys\nwhile True: sys.stdout.write('e' + '\\u0301' * 100000)\"",
}


def test_floods_never_block_the_event_loop(tmp_path: Path) -> None:
    async def main() -> None:
        async with terminal_table(tmp_path) as table:
            probe = LagProbe()
            terms = [await table.start(f"t-{name}", "s", TerminalStartArgs(command=cmd, cols=500, rows=200),
                                       str(tmp_path), {}) for name, cmd in FLOODS.items()]
            rss_before = proc_status_kb(os.getpid(), "VmRSS")
            await asyncio.sleep(3 * SCALE)
            for term in terms:
                result = await table.read(term, TerminalReadArgs(terminal_id=term.id, max_bytes=100), 5)
                assert result["total_bytes"] > 0 and len(result["output"]) <= 100, term.id
                assert len(term.pending) <= PENDING_MAX + 16 * 1024
            grown = proc_status_kb(os.getpid(), "VmRSS") - rss_before
            worst = await probe.stop()
            assert worst < 0.1, f"the event loop was held for {worst * 1000:.0f} ms " \
                f"(late by {probe.worst_wall * 1000:.0f} ms by the clock)"
            assert grown < 100_000, f"RSS grew by {grown} KiB"  # each ring holds 1 MiB at most

    run(main())


def test_deaf_programs_huge_sends_and_resize_storms(tmp_path: Path) -> None:
    async def main() -> None:
        async with terminal_table(tmp_path, max_terminals=4) as table:
            probe = LagProbe()
            deaf = await table.start("deaf", "s", TerminalStartArgs(command="sleep 600"), str(tmp_path), {})
            sent = 0
            with pytest.raises(TerminalError, match="input queue is full"):
                for _ in range(100):
                    sent += table.send_keys(deaf, TerminalSendArgs(terminal_id="deaf", text="y" * 60_000))
            assert sent <= INPUT_MAX and len(deaf.input) <= INPUT_MAX
            # a resize storm on a program that redraws on every SIGWINCH
            top = await table.start("top", "s", TerminalStartArgs(command="top -d 0.1"), str(tmp_path), {})
            for i in range(500):
                table.resize(top, TerminalResizeArgs(terminal_id="top", cols=10 + i % 490, rows=2 + i % 198))
                if i % 50 == 0:
                    await asyncio.sleep(0)
            table.resize(top, TerminalResizeArgs(terminal_id="top", cols=80, rows=24))
            screen = await table.read(top, TerminalReadArgs(terminal_id="top", wait_for="PID", settle_ms=300), 10)
            assert (screen["cols"], screen["rows"]) == (80, 24) and any("PID" in row for row in screen["screen"])
            # the limit: four running, a fifth refused; an exited one does not count
            await table.start("cat", "s", TerminalStartArgs(command="cat"), str(tmp_path), {})
            await table.start("short", "s", TerminalStartArgs(command="true"), str(tmp_path), {})
            with pytest.raises(TerminalError, match="limit hit"):
                await table.start("fifth", "s", TerminalStartArgs(command="true"), str(tmp_path), {})
            await async_wait_for(lambda: table.running("s") == 3, what="the short one to exit")
            await table.start("fifth", "s", TerminalStartArgs(command="true"), str(tmp_path), {})
            worst = await probe.stop()
            assert worst < 0.1, f"the event loop was held for {worst * 1000:.0f} ms " \
                f"(late by {probe.worst_wall * 1000:.0f} ms by the clock)"

    run(main())


def test_wait_for_spans_lines_written_either_way(tmp_path: Path) -> None:
    async def main() -> None:
        async with terminal_table(tmp_path) as table:
            term = await table.start("two", "s", TerminalStartArgs(command="echo one; echo two; sleep 60"),
                                     str(tmp_path), {})
            for text in ("one\ntwo", "one\r\ntwo"):  # the pty writes "\r\n"; a caller may write either
                result = await table.read(term, TerminalReadArgs(terminal_id="two", since=0, wait_for=text), 10)
                assert result["matched"], text

    run(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
