"""posix_spawn through ctypes (worker.cspawn): what the child gets, and that the GIL is free meanwhile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.helpers import ROOT, SCALE
from worker.cspawn import SpawnTemplate


def _run(template: SpawnTemplate, extra_env: dict[str, str], stdin_path: str = "/dev/null") -> tuple[int, bytes]:
    r, w = os.pipe()
    try:
        pid = template.run(template.prepare(extra_env, [
            (os.POSIX_SPAWN_OPEN, 0, stdin_path, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, w, 1),
        ]))
    finally:
        os.close(w)
    out = b""
    while chunk := os.read(r, 65536):
        out += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out


def test_environment_extra_variables_replace_base_ones() -> None:
    template = SpawnTemplate(["/usr/bin/env"], {"A": "1", "PATH": "/base"}, ())
    code, out = _run(template, {"PATH": "/extra", "B": "2"})
    assert code == 0
    assert sorted(out.decode().splitlines()) == ["A=1", "B=2", "PATH=/extra"]
    code, out = _run(template, {"C": "3"})  # the template itself is unchanged
    assert sorted(out.decode().splitlines()) == ["A=1", "C=3", "PATH=/base"]


def test_child_gets_its_own_session_default_signals_and_no_mask() -> None:
    script = ('read -r _ _ _ _ _ sid _ < /proc/$$/stat; echo "$sid $$"; '
              'grep -E "^Sig(Blk|Ign)" /proc/$$/status')
    template = SpawnTemplate(["/bin/bash", "-c", script], {"PATH": "/usr/bin:/bin"}, (signal.SIGPIPE,))
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    old_pipe = signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        code, out = _run(template, {})
    finally:
        signal.signal(signal.SIGPIPE, old_pipe)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    assert code == 0
    first, blocked, ignored = out.decode().splitlines()
    sid, pid = first.split()
    assert sid == pid  # a session leader
    assert int(blocked.split()[1], 16) & (1 << (signal.SIGUSR1 - 1)) == 0
    assert int(ignored.split()[1], 16) & (1 << (signal.SIGPIPE - 1)) == 0


def test_a_missing_program_is_an_oserror() -> None:
    template = SpawnTemplate(["/nonexistent/program"], {}, ())
    with pytest.raises(OSError, match="posix_spawn"):
        template.run(template.prepare({}, []))


_GIL_PROBE = """
import os, sys, threading
from worker.cspawn import SpawnTemplate
fifo = sys.argv[2]
actions = [(os.POSIX_SPAWN_OPEN, 0, fifo, os.O_RDONLY, 0)]
pids = []
def spawn():
    if sys.argv[1] == "ctypes":
        template = SpawnTemplate(["/bin/true"], {}, ())
        pids.append(template.run(template.prepare({}, actions)))
    else:
        pids.append(os.posix_spawn("/bin/true", ["true"], {}, file_actions=actions))
thread = threading.Thread(target=spawn)
thread.start()
os.close(os.open(fifo, os.O_WRONLY))  # runs only if the spawning thread let go of the GIL
thread.join()
os.waitpid(pids[0], 0)
"""


@pytest.mark.parametrize(("how", "returns"), [("ctypes", True), ("os.posix_spawn", False)])
def test_the_gil_is_released_during_the_spawn(tmp_path, how: str, returns: bool) -> None:
    # The child blocks in a file action (opening a FIFO for reading) and, with vfork, its parent
    # thread waits inside posix_spawn until it execs.  Only this thread can unblock it by opening the
    # FIFO for writing, which needs the GIL: it returns with ctypes and hangs with os.posix_spawn
    # (the reason the worker does not use it on its spawner thread).
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    try:
        proc = subprocess.run([sys.executable, "-c", _GIL_PROBE, how, str(fifo)], capture_output=True,
                              timeout=10 * SCALE, cwd=ROOT)
        finished = proc.returncode == 0
    except subprocess.TimeoutExpired:
        finished = False
        # the probe is killed; let its child, still opening the FIFO, go on to exec `true` and exit
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert finished is returns
