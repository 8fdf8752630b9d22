"""ShellRunner on real shells: when a call is answered on the EXIT trap's record, and when
only the kernel's exit status is right.

The runner answers as soon as the trap has reported a script that ran to its end, without
waiting for the kernel to tear the shell down; ``exit``, errexit and signals (bash runs the
EXIT trap before it dies of a caught signal, with ``$?`` of the last command) must still get
the kernel's status.

Also the worker's process plumbing under the runner: tree kills (parents signalled before their
children, all dead and reaped before the answer), orphan sweeps, unclaimed exit statuses, and that
a call leaves nothing for the cyclic garbage collector.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.protocol import SessionState
from shared.tools import BashArgs
from worker.bash import STATE_MAX, BashOutcome, ShellRunner
from worker.procs import (
    Reaper,
    Shell,
    ShellFactory,
    children_of,
    kill_marked_tree,
    main_thread_children,
    set_child_subreaper,
)
from worker.zygote import build_builtin


async def _run_all(workspace: Path, commands: list[str], *, sigchld: bool = False,
                   fork_builtin: str | None = None) -> tuple[list[BashOutcome], bool]:
    """Run ``commands`` one after another in one session (state carried), each on a fresh shell.

    Also tells whether the factory still forks shells from a zygote at the end."""
    loop = asyncio.get_running_loop()
    reaper = Reaper(loop)
    if sigchld:
        reaper.uses_pidfd = False  # the fallback for kernels without pidfds
    reaper.install()
    factory = ShellFactory(reaper, env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}, limits={},
                           marker_prefix=f"test.{os.getpid()}", fork_builtin=fork_builtin)
    strangers = set(children_of(os.getpid()))  # never kill what this test process had before

    async def cleanup(shell: Shell, alive: bool) -> int:
        exclude = (strangers | factory.live) - {shell.pid}
        killed = kill_marked_tree(shell.pid if alive else None, shell.marker, exclude=exclude, reaper=reaper)
        async with asyncio.timeout(10):
            await reaper.gone(killed)
        return len(killed)

    async def acquire() -> Shell:
        return await factory.spawn_later(loop)

    runner = ShellRunner(workspace=str(workspace), base_env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
                         max_output=1 << 20, drain_timeout=5.0, acquire=acquire, cleanup=cleanup)
    state: SessionState | None = None
    outcomes = []
    try:
        for command in commands:
            outcome = await runner.run(BashArgs(command=command), 60.0, state)
            state = outcome.state
            outcomes.append(outcome)
        forking = factory.forking
    finally:
        reaper.uninstall()
        factory.close()
    return outcomes, forking


def run_all(workspace: Path, *commands: str, sigchld: bool = False, fork: str | None = None,
            forking: bool | None = None) -> list[BashOutcome]:
    """Run the commands in a fresh Python that is a child subreaper, as a worker is: orphans of a
    call come back to it and its cleanup finds them (this test process must not adopt orphans).

    ``fork``: the zygote builtin to fork shells with (else each is exec-ed); ``forking``: whether
    the factory must still be forking at the end."""
    argv = [sys.executable, __file__, str(workspace), json.dumps(commands), *(["--sigchld"] if sigchld else []),
            *(["--fork", fork] if fork else [])]
    proc = subprocess.run(argv, capture_output=True, timeout=120, cwd=Path(__file__).parent.parent)
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads(proc.stdout)
    if forking is not None:
        assert report["forking"] == forking, proc.stderr.decode()
    return [BashOutcome(**fields) for fields in report["outcomes"]]


@pytest.fixture(scope="session")
def fork_builtin() -> str:
    path, why = build_builtin()
    assert path is not None, why
    return path


@pytest.fixture(params=["exec", "fork"])
def spawn(request: pytest.FixtureRequest) -> str | None:
    """How shells start: exec-ed one by one, or forked from a zygote (the builtin's path)."""
    return request.getfixturevalue("fork_builtin") if request.param == "fork" else None


def _orphans_report() -> dict[str, object]:
    """In a subreaper: a child started by a second thread, and an orphan the kernel gave us."""
    import concurrent.futures
    import signal

    set_child_subreaper()
    # The thread stays alive while we look: when a thread exits, its children go to another thread.
    thread = concurrent.futures.ThreadPoolExecutor(1)
    from_thread = thread.submit(os.posix_spawn, "/bin/sleep", ["sleep", "30"], {}).result()
    proc = subprocess.run(["/bin/bash", "-c", "sleep 30 >/dev/null 2>&1 & echo $!"], capture_output=True,
                          text=True)
    orphan = int(proc.stdout)
    report = {"from_thread": from_thread, "orphan": orphan, "orphans": main_thread_children(os.getpid()),
              "children": children_of(os.getpid())}
    thread.shutdown()
    for pid in (from_thread, orphan):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return report


def test_orphan_sweeps_look_only_where_the_kernel_puts_orphans() -> None:
    # Shells from the tool-user spawner thread are children of that thread; a sweep that looked
    # there could kill a shell still between vfork and exec (no marker yet) while the loop runs on.
    proc = subprocess.run([sys.executable, __file__, "--orphans"], capture_output=True, timeout=60,
                          cwd=Path(__file__).parent.parent)
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads(proc.stdout)
    assert report["orphan"] in report["orphans"]
    assert report["from_thread"] not in report["orphans"]
    assert {report["orphan"], report["from_thread"]} <= set(report["children"])


async def _prune_report() -> dict[str, bool]:
    """A status nobody watched is kept for a later ``watch`` of that pid, until ``prune`` drops it."""
    loop = asyncio.get_running_loop()
    reaper = Reaper(loop)
    reaper.install()
    pids = [os.posix_spawn("/bin/true", ["true"], {}) for _ in range(2)]  # noqa: ASYNC221 (returns at exec)
    while True:  # both exited and reaped, unwatched
        reaper.reap()
        if all(not os.path.exists(f"/proc/{pid}") for pid in pids):  # noqa: ASYNC240 (procfs)
            break
        await asyncio.sleep(0.01)
    kept = reaper.watch(pids[0])
    reaper.prune(max_age=0.0)
    dropped = reaper.watch(pids[1])
    report = {"kept_resolved": kept.done(), "dropped_resolved": dropped.done()}
    reaper.forget(pids[1])
    reaper.uninstall()
    return report


def test_unclaimed_statuses_are_kept_for_a_while_then_forgotten() -> None:
    # A shell can exit before the loop sees its pid (it comes from the spawner thread); an orphan's
    # status is never claimed, and a later child that reuses its pid must not get it.
    proc = subprocess.run([sys.executable, __file__, "--prune"], capture_output=True, timeout=60,
                          cwd=Path(__file__).parent.parent)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout) == {"kept_resolved": True, "dropped_resolved": False}


async def _kill_order_report(depth: int) -> dict[str, object]:
    """Kill a chain of ``depth`` nested subshells (each the parent of the next) with the tree kill;
    report the order of the signals, each process's parent, and whether all were gone after."""
    loop = asyncio.get_running_loop()
    order: list[int] = []

    class Recording(Reaper):
        def kill(self, pid: int) -> bool:
            order.append(pid)
            return super().kill(pid)

    reaper = Recording(loop)
    reaper.install()
    chain = "sleep 60; :"
    for _ in range(depth):
        chain = f"( {chain} ); :"  # the trailing `:` keeps each subshell a bash (no exec)
    root = os.posix_spawn("/bin/bash", ["bash", "-c", chain], dict(os.environ))  # noqa: ASYNC221 (returns at exec)
    tree: dict[int, int] = {}  # pid -> parent
    while len(tree) < depth + 1:  # the subshells and the sleep
        await asyncio.sleep(0.01)
        stack, tree = [root], {}
        while stack:
            parent = stack.pop()
            for child in children_of(parent):
                tree[child] = parent
                stack.append(child)
    killed = kill_marked_tree(root, b"no marker", exclude=set(), reaper=reaper)
    async with asyncio.timeout(30):
        await reaper.gone(killed)  # the root included: reaped by the reaper
    reaper.uninstall()
    return {"order": order, "tree": tree, "root": root, "killed": sorted(killed),
            "left": [pid for pid in tree if os.path.exists(f"/proc/{pid}")]}  # noqa: ASYNC240 (procfs)


def test_tree_kills_signal_parents_before_their_children() -> None:
    # A parent that outlives its child by a moment wakes and runs on ("Killed", then its next
    # command, which wrote output after the call's end in CI); so each parent is signalled first.
    # Several deep chains: an order that only happened to match pid order would cross a pid
    # wrap (of the kernel's or of a hash table's) in one of them.
    for _ in range(6):
        proc = subprocess.run([sys.executable, __file__, "--kill-order", "30"], capture_output=True, timeout=60,
                              cwd=Path(__file__).parent.parent)
        assert proc.returncode == 0, proc.stderr.decode()
        report = json.loads(proc.stdout)
        order, tree = report["order"], {int(k): v for k, v in report["tree"].items()}
        assert order[0] == report["root"] and set(order) == set(tree) | {report["root"]}
        for pid, parent in tree.items():
            assert order.index(parent) < order.index(pid), (pid, parent, order)
        assert report["killed"] == sorted(order) and report["left"] == []


def _garbage_report(workspace: Path, calls: int, fork: str | None) -> dict[str, int]:
    """Run ``calls`` calls with the collector off, then count what only the collector could free."""
    gc.collect()
    gc.disable()
    asyncio.run(_run_all(workspace, ["true"] * calls, fork_builtin=fork))
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    return dict(collections.Counter(type(o).__qualname__ for o in gc.garbage))


def test_calls_leave_no_reference_cycles(tmp_path: Path, spawn: str | None) -> None:
    # A cycle per call (a callback closure that referred to itself held the shell, its spawn and
    # three futures) made the collector run every ~15 calls, a 1.5-3 ms pause at the p99 of latency.
    proc = subprocess.run([sys.executable, __file__, "--garbage", str(tmp_path), "50", spawn or ""],
                          capture_output=True, timeout=120, cwd=Path(__file__).parent.parent)
    assert proc.returncode == 0, proc.stderr.decode()
    garbage = json.loads(proc.stdout)  # a few objects of the loop's teardown, none per call
    assert garbage.get("Shell", 0) == 0 and garbage.get("_ShellSpawn", 0) == 0, garbage
    assert garbage.get("Future", 0) < 5 and sum(garbage.values()) < 200, garbage


async def _double_cancel_report(workspace: Path) -> dict[str, object]:
    """Cancel a call, then cancel it again while its cleanup still waits for the dead: are the
    shell's pipes closed all the same?"""
    loop = asyncio.get_running_loop()
    reaper = Reaper(loop)
    reaper.install()
    factory = ShellFactory(reaper, env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}, limits={},
                           marker_prefix=f"test.{os.getpid()}")
    taken: asyncio.Future[Shell] = loop.create_future()
    in_cleanup = asyncio.Event()

    async def acquire() -> Shell:
        shell = await factory.spawn_later(loop)
        taken.set_result(shell)
        return shell

    async def cleanup(shell: Shell, alive: bool) -> int:
        killed = kill_marked_tree(shell.pid if alive else None, shell.marker, exclude=factory.live - {shell.pid},
                                  reaper=reaper)
        in_cleanup.set()
        await asyncio.Event().wait()  # the dead never come: only a cancellation ends this
        return len(killed)

    runner = ShellRunner(workspace=str(workspace), base_env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
                         max_output=1 << 20, drain_timeout=5.0, acquire=acquire, cleanup=cleanup)
    task = loop.create_task(runner.run(BashArgs(command="sleep 60"), 60.0, None))
    shell = await taken
    fds = [shell.out_fd, shell.state_fd]
    await asyncio.sleep(0.2)  # the script is running
    task.cancel()
    await in_cleanup.wait()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    open_fds = []
    for fd in fds:
        try:
            os.fstat(fd)
            open_fds.append(fd)
        except OSError:
            pass
    reaper.uninstall()
    factory.close()
    return {"cancelled": task.cancelled(), "open": open_fds, "fields": [shell.out_fd, shell.state_fd]}


def test_a_call_cancelled_twice_still_closes_its_pipes(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, __file__, "--double-cancel", str(tmp_path)], capture_output=True,
                          timeout=60, cwd=Path(__file__).parent.parent)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout) == {"cancelled": True, "open": [], "fields": [-1, -1]}


def _main() -> None:
    if sys.argv[1] == "--orphans":
        print(json.dumps(_orphans_report()))
        return
    if sys.argv[1] == "--garbage":
        set_child_subreaper()
        print(json.dumps(_garbage_report(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] or None)))
        return
    if sys.argv[1] == "--double-cancel":
        set_child_subreaper()
        print(json.dumps(asyncio.run(_double_cancel_report(Path(sys.argv[2])))))
        return
    if sys.argv[1] == "--kill-order":
        set_child_subreaper()
        print(json.dumps(asyncio.run(_kill_order_report(int(sys.argv[2])))))
        return
    if sys.argv[1] == "--prune":
        print(json.dumps(asyncio.run(_prune_report())))
        return
    set_child_subreaper()
    fork = sys.argv[sys.argv.index("--fork") + 1] if "--fork" in sys.argv else None
    outcomes, forking = asyncio.run(_run_all(Path(sys.argv[1]), json.loads(sys.argv[2]),
                                             sigchld="--sigchld" in sys.argv, fork_builtin=fork))
    print(json.dumps({"outcomes": [{**{f: getattr(o, f) for f in BashOutcome.__slots__}, "state": None}
                                   for o in outcomes], "forking": forking}))


@pytest.mark.parametrize("sigchld", [False, True], ids=["pidfd", "sigchld"])
def test_a_script_that_ends_is_answered_on_its_record(tmp_path: Path, sigchld: bool, spawn: str | None) -> None:
    ok, failed, piped = run_all(tmp_path, "echo hi", "echo out; false", "true | (exit 4)", sigchld=sigchld,
                                fork=spawn, forking=spawn is not None)
    assert (ok.text, ok.exit_code, ok.early) == ("hi\n", 0, True)
    assert (failed.text, failed.exit_code, failed.early) == ("out\n", 1, True)
    assert (piped.exit_code, piped.early) == (4, True)


@pytest.mark.parametrize(("command", "code"), [
    ("echo x; exit 3", 3),  # the exit builtin skips the stub's end
    ("kill -TERM $$", 143),  # bash runs the EXIT trap with $? = 0, then dies of SIGTERM
    ("set -e; false; echo not reached", 1),  # errexit
    ("ulimit -St 1; while :; do :; done", 152),  # SIGXCPU: the trap runs, then the signal kills bash
    ("exec 4>&-; true", 0),  # no record at all
])
@pytest.mark.parametrize("sigchld", [False, True], ids=["pidfd", "sigchld"])
def test_exit_errexit_and_signals_take_the_kernel_status(tmp_path: Path, command: str, code: int,
                                                          sigchld: bool, spawn: str | None) -> None:
    (outcome,) = run_all(tmp_path, command, sigchld=sigchld, fork=spawn, forking=spawn is not None)
    assert outcome.exit_code == code, outcome
    assert not outcome.early
    assert "not reached" not in outcome.text


def test_background_children_die_and_their_output_ends_with_them(tmp_path: Path, spawn: str | None) -> None:
    (outcome,) = run_all(tmp_path, "sleep 300 & echo $!; (sleep 0.3; echo late) & echo now", fork=spawn)
    assert outcome.early and outcome.exit_code == 0, outcome
    pid_line, now = outcome.text.splitlines()  # (not "late": killed long before it would write)
    assert now == "now" and "late" not in outcome.text
    pid = int(pid_line)
    for _ in range(500):  # killed at once; reaped by whoever inherited it
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                if f.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X"):
                    break
        except FileNotFoundError:
            break
        asyncio.run(asyncio.sleep(0.01))
    else:
        pytest.fail(f"background sleep {pid} survived its call")


def test_state_bigger_than_a_pipe_buffer_is_kept(tmp_path: Path, spawn: str | None) -> None:
    # The trap writes the state while the worker reads it: 200 kB of exports no longer
    # block the shell on a full pipe until the call's timeout.
    (tmp_path / "sub").mkdir()
    setter, reader = run_all(tmp_path, "export BIG=$(head -c 200000 /dev/zero | tr '\\0' x); cd sub",
                             "echo ${#BIG} ${PWD##*/}", fork=spawn)
    assert setter.early and setter.exit_code == 0
    assert reader.text == "200000 sub\n"


def test_state_over_the_cap_is_dropped_with_a_note(tmp_path: Path) -> None:
    size = STATE_MAX + 1000
    setter, reader = run_all(tmp_path, f"export HUGE=$(head -c {size} /dev/zero | tr '\\0' y); echo set",
                             "echo ${#HUGE}")
    assert setter.exit_code == 0 and setter.text.startswith("set\n")
    assert "session state not saved" in setter.text
    assert reader.text == "0\n"


if __name__ == "__main__":
    _main()
