"""The file helper process (worker/tools/helper.py) and the worker's client of it (worker/tools/client.py).

The protocol test drives the helper's server loop over a socketpair in this process; the others
start the real helper process through ``FileHelper``, with a ``Reaper`` as the worker has, and kill
or stop it to see what the calls in flight get.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared import protocol as p
from shared.config import WorkerConfig
from shared.framing import FrameBuffer, frame
from tests.helpers import SCALE, async_wait_for
from worker.procs import Reaper
from worker.tools.client import FileHelper
from worker.tools.files import FileToolContext
from worker.tools.helper import IDLE_THREAD_SECONDS, MAX_THREADS, _Server

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (a tool user to switch to)")


@pytest.fixture
def shared_ws() -> Iterator[Path]:
    """A workspace the tool user can reach (pytest's tmp dirs are private to root), owned by it."""
    base = Path(tempfile.mkdtemp(prefix="sandbox-helper-"))
    try:
        base.chmod(0o755)
        ws = base / "ws"
        ws.mkdir()
        if os.geteuid() == 0:
            os.chown(ws, 65534, 65534)
        yield ws
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_server_answers_every_call_once_and_a_cancel_stops_a_scan(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("no match here\n" * 1_000_000)
    (tmp_path / "a.txt").write_text("alpha\n")
    ctx = FileToolContext(tmp_path, 10 << 20, 10 << 20, run=None)
    ours, theirs = socket.socketpair()
    server = threading.Thread(target=_Server(theirs, ctx, 1 << 20).serve)
    server.start()
    frames = FrameBuffer(64 << 20)
    answers: list[p.FromFileHelper] = []

    def receive(count: int) -> None:
        while len(answers) < count:
            data = ours.recv(1 << 20)
            assert data, "the helper closed its socket"
            answers.extend(p.decode_from_file_helper(body) for body in frames.feed(data))

    try:
        # \A makes the Python engine match line by line: seconds for a million lines
        ours.sendall(frame(p.encode(p.FileCall(id=1, tool="grep", args={"pattern": r"\Azzz"}))))
        ours.sendall(frame(p.encode(p.FileCall(id=2, tool="read", args={"file_path": "a.txt"}))))
        ours.sendall(frame(p.encode(p.FileCall(id=3, tool="read", args={"file_path": 5}))))
        ours.sendall(frame(p.encode(p.FileCall(id=4, tool="bash", args={}))))
        receive(4)  # FileHelperReady and the three quick ones
        started = time.monotonic()
        ours.sendall(frame(p.encode(p.FileCancel(id=1))))
        receive(5)
        took = time.monotonic() - started
    finally:
        ours.shutdown(socket.SHUT_WR)  # end of file: the server stops
        server.join(10)
        ours.close()
        theirs.close()  # the helper process exits instead
        ctx.close()
    assert not server.is_alive()
    assert isinstance(answers[0], p.FileHelperReady) and answers[0].pid == os.getpid()
    results = {a.id: a for a in answers[1:] if isinstance(a, p.FileResult)}
    assert sorted(results) == [1, 2, 3, 4] and len(answers) == 5
    assert results[2].text == "     1\talpha\n" and not results[2].is_error
    assert results[3].is_error and "file_path" in results[3].text
    assert results[4].is_error and "unknown file tool" in results[4].text
    assert not results[1].is_error and "results are partial" in results[1].text
    assert results[1].structured is not None and results[1].structured["timed_out"] is True
    assert took < 5 * SCALE, took  # well inside the 10 s scan budget: the cancel stopped it


async def _started(cfg: WorkerConfig) -> tuple[FileHelper, Reaper, set[int]]:
    loop = asyncio.get_running_loop()
    reaper = Reaper(loop)
    reaper.install()
    owned: set[int] = set()
    helper = FileHelper(cfg, loop, reaper, owned, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    helper.start()
    await _until_ready(helper)
    return helper, reaper, owned


async def _until_ready(helper: FileHelper) -> None:
    def ready() -> bool:
        h = helper._helper
        return h is not None and h.ready is not None

    await async_wait_for(ready, 30, "the file helper to be ready")


def _status(pid: int) -> dict[str, str]:
    rows = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {key: value.strip() for key, _, value in (row.partition(":") for row in rows)}


@ROOT_ONLY
def test_the_helper_runs_as_the_tool_user_sealed(shared_ws: Path) -> None:
    nobody = pwd.getpwnam("nobody")
    cfg = WorkerConfig(workspace=str(shared_ws), run_as_uid=nobody.pw_uid, run_as_gid=nobody.pw_gid)

    async def main() -> dict[str, Any]:
        helper, reaper, owned = await _started(cfg)
        try:
            pid = helper.pid
            assert pid is not None and owned == {pid}
            fds = {int(fd): os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
            probe = await asyncio.to_thread(
                subprocess.run,
                ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "sh", "-c",
                 f"ls /proc/{pid}/fd; cat /proc/{pid}/environ"], capture_output=True, text=True)
            made = await helper.run("write", {"file_path": "new/dir/f.txt", "content": "x"})
            # its threads are tasks of the tool user (RLIMIT_NPROC): 8 calls at once use at most 8 more,
            # and they end once idle, so an idle helper is one task
            await asyncio.gather(*(helper.run("list", {}) for _ in range(20)))
            assert int(_status(pid)["Threads"]) <= 1 + MAX_THREADS
            await async_wait_for(lambda: _status(pid)["Threads"] == "1", 10 * IDLE_THREAD_SECONDS,
                                 "the helper's idle threads to end")
            return {"pid": pid, "status": _status(pid), "fds": fds, "probe": probe, "made": made}
        finally:
            await helper.close()
            assert not owned
            reaper.uninstall()

    seen = asyncio.run(main())
    status = seen["status"]
    assert status["Uid"].split() == [str(nobody.pw_uid)] * 4 and status["Gid"].split() == [str(nobody.pw_gid)] * 4
    assert status["Groups"] == "" and status["NoNewPrivs"] == "1" and int(status["CapEff"], 16) == 0
    # stdio, its socket, the workspace: nothing else of the worker's
    assert sorted(seen["fds"]) == [0, 1, 2, 3, 4]
    assert seen["fds"][0] == seen["fds"][1] == "/dev/null"
    assert seen["fds"][3].startswith("socket:") and seen["fds"][4] == str(shared_ws)
    # non-dumpable: a process of the same user cannot look at its descriptors or environment
    assert seen["probe"].returncode != 0 and seen["probe"].stderr.count("Permission denied") == 2
    assert not seen["made"].is_error, seen["made"].text
    for made in ("new", "new/dir", "new/dir/f.txt"):
        assert (shared_ws / made).stat().st_uid == nobody.pw_uid


def test_a_dead_helper_answers_its_calls_and_the_next_call_starts_another(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    cfg = WorkerConfig(workspace=str(tmp_path))

    async def main() -> None:
        helper, reaper, owned = await _started(cfg)
        try:
            first = helper.pid
            assert first is not None
            os.kill(first, signal.SIGSTOP)  # so the call is surely in flight when it dies
            call = asyncio.create_task(helper.run("read", {"file_path": "a.txt"}))
            await asyncio.sleep(0)
            assert not call.done()
            os.kill(first, signal.SIGKILL)
            result = await asyncio.wait_for(call, 10 * SCALE)
            assert result.is_error
            assert "the file helper process died (killed by signal 9) while this call ran" in result.text
            assert first not in owned and helper.restarts == 1
            again = await asyncio.wait_for(helper.run("read", {"file_path": "a.txt"}), 30 * SCALE)
            assert again.text == "     1\talpha\n" and not again.is_error
            assert helper.pid not in (None, first) and owned == {helper.pid}
        finally:
            await helper.close()
            reaper.uninstall()

    asyncio.run(main())


def test_a_stopped_helper_is_killed_and_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha\n")
    cfg = WorkerConfig(workspace=str(tmp_path))

    async def main() -> None:
        helper, reaper, _owned = await _started(cfg)
        try:
            first = helper.pid
            assert first is not None
            os.kill(first, signal.SIGSTOP)  # a tool of the same user can do this
            result = await asyncio.wait_for(helper.run("read", {"file_path": "a.txt"}), 10 * SCALE)
            assert result.is_error and "died (killed by signal 9)" in result.text
            again = await asyncio.wait_for(helper.run("read", {"file_path": "a.txt"}), 30 * SCALE)
            assert not again.is_error and helper.pid != first
        finally:
            await helper.close()
            reaper.uninstall()

    asyncio.run(main())


def test_close_stops_the_helper_and_waits_for_it(tmp_path: Path) -> None:
    cfg = WorkerConfig(workspace=str(tmp_path))

    async def main() -> int:
        helper, reaper, owned = await _started(cfg)
        pid = helper.pid
        assert pid is not None
        started = time.monotonic()
        await helper.close()
        assert time.monotonic() - started < 1.0 * SCALE  # it exits on end of file, no SIGKILL needed
        assert not owned and helper.pid is None and helper.restarts == 0
        reaper.uninstall()
        return pid

    pid = asyncio.run(main())
    assert not Path(f"/proc/{pid}").exists()


def test_a_helper_that_cannot_start_says_why(tmp_path: Path) -> None:
    cfg = WorkerConfig(workspace=str(tmp_path / "no-such-workspace"))

    async def main() -> None:
        loop = asyncio.get_running_loop()
        reaper = Reaper(loop)
        reaper.install()
        owned: set[int] = set()
        helper = FileHelper(cfg, loop, reaper, owned, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
        try:
            for _ in range(2):  # each call starts a helper again, and gets the reason again
                result = await asyncio.wait_for(helper.run("list", {}), 30 * SCALE)
                assert result.is_error
                assert result.text.startswith("the file helper process could not start: [Errno 2] No such file")
                assert "no-such-workspace" in result.text and "(exit status 3)" in result.text
            assert not owned
        finally:
            await helper.close()
            reaper.uninstall()

    asyncio.run(main())
