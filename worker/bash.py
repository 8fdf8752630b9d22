"""The ``bash`` tool: one fresh shell per call, a hard deadline, bounded output, nothing left behind."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from shared.protocol import Outcome, Result, SessionState
from shared.tools import BashArgs
from worker.paths import PathError, relative_to_workspace, resolve_in_workspace
from worker.procs import OutputBuffer, Shell, read_available

__all__ = ["ShellRunner", "build_script", "parse_exports"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_DECLARE = re.compile(rb'declare -x ([A-Za-z_][A-Za-z0-9_]*)(?:="((?:[^"\\]|\\.)*)")?\n', re.S)
_UNESCAPE = re.compile(rb"\\(.)", re.S)
# Shell-internal or per-shell variables that must not be carried between calls.
_NOT_STATE = frozenset({"PWD", "OLDPWD", "SHLVL", "_", "SANDBOX_SHELL"})

# The EXIT trap reports the session state as one record on fd 4: ``$PWD`` NUL ``export -p``
# NUL exit-code NUL.  Bash cannot hold NUL in a value, so the third NUL ends the record.
# The exit code is there only when the script ran to its end (the stub's ``__sandbox_end``):
# then the shell does nothing but exit, and the worker answers without waiting for the kernel
# to tear the process down (about 0.5 ms here).  After ``exit``, errexit or a signal it is
# empty: bash runs the EXIT trap before it dies of a signal, with ``$?`` of the last command,
# so only the kernel's exit status tells those apart.  The per-shell marker is left out of
# the record (the shell starts nothing more), so equal exports give equal records.
STATE_TRAP = (
    "trap '__sandbox_rc=$?; builtin export -n SANDBOX_SHELL; "
    "{ builtin printf \"%s\\0\" \"$PWD\"; builtin export -p; "
    "builtin printf \"\\0%s\\0\" \"${__sandbox_end-}\"; } >&4 2>/dev/null; exit $__sandbox_rc' EXIT"
)
_ENV_CACHE_SIZE = 64
STATE_MAX = 1 << 20  # a bigger state record is read and dropped; the session keeps its old state


def build_script(command: str, cwd: str, env: dict[str, str], *, report_state: bool) -> bytes:
    """The script a stub shell evaluates: enter ``cwd``, restore exports, run ``command``."""
    lines = [f"cd -- {shlex.quote(cwd)} || exit 126"]
    for key, value in env.items():
        if _NAME.match(key) and "\0" not in value:
            lines.append(f"export {key}={shlex.quote(value)}")
    if report_state:
        lines.append(STATE_TRAP)
    lines.append(command)
    return "\n".join(lines).encode("utf-8", "surrogateescape")


def parse_exports(data: bytes) -> tuple[str | None, dict[str, str]]:
    """Parse what the EXIT trap wrote: ``$PWD`` NUL ``export -p`` output (NUL exit code NUL)."""
    pwd_raw, sep, rest = data.partition(b"\0")
    if not sep:
        return None, {}
    rest = rest.partition(b"\0")[0]
    env: dict[str, str] = {}
    for match in _DECLARE.finditer(rest):
        name = match.group(1).decode()
        raw = match.group(2)
        if raw is None:
            value = b""
        elif b"\\" in raw:
            value = _UNESCAPE.sub(rb"\1", raw)
        else:
            value = raw
        env[name] = value.decode("utf-8", "surrogateescape")
    return pwd_raw.decode("utf-8", "surrogateescape"), env


_RECORD_END = re.compile(rb"\0([0-9]{0,3})\0\Z")


class _StateRecord:
    """What the EXIT trap writes to fd 4.  ``complete`` once the record ended; ``rc`` is then the
    exit code when the script ran to its end, else None (the exit status must come from the kernel).

    Bytes after the record (a background process writing to fd 4) are ignored; a record
    over ``STATE_MAX`` is dropped (``overflow``) but its end is still recognised.
    """

    __slots__ = ("complete", "data", "nuls", "overflow", "rc", "tail")

    def __init__(self) -> None:
        self.data = bytearray()
        self.tail = b""
        self.nuls = 0
        self.overflow = False
        self.complete = False
        self.rc: int | None = None

    def feed(self, chunk: bytes) -> None:
        if self.complete:
            return
        if len(self.data) + len(chunk) <= STATE_MAX:
            self.data += chunk
        else:
            self.overflow = True
            self.data.clear()
        self.nuls += chunk.count(b"\0")
        self.tail = (self.tail + chunk)[-8:]
        if self.nuls >= 3:
            match = _RECORD_END.search(self.tail)
            if match is not None:
                self.complete = True
                self.rc = int(match.group(1)) if match.group(1) else None


@dataclass(slots=True)
class BashOutcome:
    text: str
    exit_code: int | None
    timed_out: bool
    truncated: bool
    duration_ms: float
    state: SessionState | None
    early: bool = False  # answered on the trap's record, before the kernel reported the exit


class ShellRunner:
    """Runs bash calls on shells from ``acquire`` and cleans up after each one.

    Promises: the call returns when the shell exits (never waiting on pipe EOF);
    at ``timeout`` the shell and everything it started are SIGKILLed; on return,
    timeout or cancellation nothing the call started is left running.
    """

    def __init__(
        self,
        *,
        workspace: str,
        base_env: dict[str, str],
        max_output: int,
        drain_timeout: float,
        acquire: Callable[[], Awaitable[Shell]],
        cleanup: Callable[[Shell, bool], Awaitable[int]],
    ) -> None:
        self.workspace = os.path.realpath(workspace)
        self.base_env = base_env
        self.max_output = max_output
        self.drain_timeout = drain_timeout
        self._acquire = acquire
        self._cleanup = cleanup
        # ``export -p`` output -> the session env it means; most calls change no exports, so the
        # same few outputs come back again and again (parsing one costs ~0.1 ms)
        self._env_cache: dict[bytes, dict[str, str]] = {}

    def resolve_cwd(self, state: SessionState | None, working_dir: str | None) -> str:
        base = self.workspace
        if state is not None and state.cwd:
            try:
                candidate = resolve_in_workspace(self.workspace, state.cwd)
                if candidate.is_dir():
                    base = str(candidate)
            except PathError:
                pass  # a stale or hostile state falls back to the workspace
        if working_dir:
            target = resolve_in_workspace(self.workspace, working_dir, cwd=base)
            if not target.is_dir():
                raise PathError(f"working_dir {working_dir!r} is not a directory in the workspace")
            return str(target)
        return base

    async def run(
        self,
        args: BashArgs,
        time_limit: float | None,
        state: SessionState | None,
        on_output: Callable[[bytes], Any] | None = None,
        *,
        keep_output: bool = True,
        report_state: bool = True,
    ) -> BashOutcome:
        """Run ``args.command``; ``time_limit`` None means no limit (background jobs, killed by cancelling).

        ``keep_output=False`` keeps no output for the outcome (it all goes to ``on_output``);
        ``report_state=False`` leaves the session state as it was (background jobs).
        """
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        cwd = self.resolve_cwd(state, args.working_dir)
        env = dict(state.env) if state is not None else {}
        script = build_script(args.command, cwd, env, report_state=report_state)
        out = OutputBuffer(self.max_output if keep_output else 0)
        sink = out.append if on_output is None else _tee(out.append, on_output)

        deadline = None if time_limit is None else loop.time() + time_limit
        try:
            async with asyncio.timeout_at(deadline):
                shell = await self._acquire()
        except TimeoutError:  # no shell in time: nothing was started
            return BashOutcome(text="", exit_code=None, timed_out=True, truncated=False,
                               duration_ms=round((time.monotonic() - started) * 1000, 3), state=state)
        assert shell.exit is not None
        out_fd, state_fd = shell.out_fd, shell.state_fd
        eof = False
        record = _StateRecord()
        # Resolved by whichever comes first: the trap's complete record or the shell's exit.
        finished: asyncio.Future[None] = loop.create_future()

        def on_readable() -> None:
            nonlocal eof
            if read_available(out_fd, sink, 4 << 20):
                eof = True
                loop.remove_reader(out_fd)

        def on_state() -> None:
            at_eof = read_available(state_fd, record.feed, 4 << 20)
            if record.complete or at_eof:
                loop.remove_reader(state_fd)
            if record.rc is not None and not finished.done():
                finished.set_result(None)

        def on_exit(_: asyncio.Future[int]) -> None:
            if not finished.done():
                finished.set_result(None)

        loop.add_reader(out_fd, on_readable)
        if report_state:
            loop.add_reader(state_fd, on_state)
        shell.exit.add_done_callback(on_exit)
        timed_out = False
        exit_code: int | None = None
        try:
            # A call of the same user may have stopped the shell while it waited (SIGSTOP): go on.
            with contextlib.suppress(ProcessLookupError):
                os.kill(shell.pid, signal.SIGCONT)
            # The script pipe is closed by write_all; the shell starts the command on EOF.
            script_fd, shell.script_fd = shell.script_fd, -1
            _write_nowait(loop, script_fd, script)
            try:
                async with asyncio.timeout_at(deadline):
                    await finished
            except TimeoutError:
                timed_out = True
        finally:
            shell.exit.remove_done_callback(on_exit)
            if not eof:
                loop.remove_reader(out_fd)
            if report_state:
                loop.remove_reader(state_fd)
            # Runs on the record, exit, timeout and cancellation alike: kill the tree, then collect output.
            # After a complete record the shell is only exiting; it is killed with the rest.
            killed_shell = not shell.exit.done()
            if not eof:
                eof = read_available(out_fd, sink, 2 * self.max_output + (1 << 20))
            try:
                killed = await self._cleanup(shell, killed_shell)
                if killed_shell and record.rc is None:
                    try:
                        async with asyncio.timeout(1.0):
                            await asyncio.shield(shell.exit)
                    except TimeoutError:
                        pass
                if not eof:
                    if record.rc is not None and killed <= 1:
                        # Only the shell held the pipe and it wrote everything before its record.
                        read_available(out_fd, sink, 2 * self.max_output + (1 << 20))
                    else:
                        await _drain_until_eof(loop, out_fd, sink, self.drain_timeout)
                if not record.complete:
                    read_available(state_fd, record.feed, 4 << 20)
            finally:
                shell.close_fds()  # even when a second cancellation ends the waits above

        if record.rc is not None:
            exit_code = record.rc
        elif shell.exit.done() and not timed_out:
            exit_code = shell.exit.result()
        new_state = self._state_from(record, state) if not timed_out else state
        if exit_code is not None and exit_code < 0:
            exit_code = 128 - exit_code  # killed by a signal: shell convention
        text = out.text()
        if record.overflow and not timed_out:
            text += f"\n[session state not saved: the exported variables exceed {STATE_MAX} bytes]"
        return BashOutcome(
            text=text,
            exit_code=None if timed_out else exit_code,
            timed_out=timed_out,
            truncated=out.truncated,
            duration_ms=round((time.monotonic() - started) * 1000, 3),
            state=new_state,
            early=record.rc is not None,
        )

    def _state_from(self, record: _StateRecord, old: SessionState | None) -> SessionState | None:
        if record.overflow:
            return old
        data = bytes(record.data)
        pwd_raw, sep, rest = data.partition(b"\0")
        if not sep:
            return old
        exports_raw = rest.partition(b"\0")[0]
        pwd = pwd_raw.decode("utf-8", "surrogateescape")
        env = self._env_cache.get(exports_raw)
        if env is None:
            env = self._state_env(parse_exports(data)[1])
            if len(self._env_cache) >= _ENV_CACHE_SIZE:
                del self._env_cache[next(iter(self._env_cache))]
            self._env_cache[exports_raw] = env
        if pwd == self.workspace:
            cwd = ""  # the usual case; resolving it costs ~0.13 ms of realpath and pathlib
        else:
            try:
                cwd = relative_to_workspace(self.workspace, resolve_in_workspace(self.workspace, pwd))
            except PathError:
                cwd = old.cwd if old is not None else ""
        return SessionState(cwd=cwd, env=dict(env))

    def _state_env(self, exported: dict[str, str]) -> dict[str, str]:
        """The exports a session carries to its next call: what differs from the worker's base env."""
        return {
            k: v
            for k, v in exported.items()
            if k not in _NOT_STATE and self.base_env.get(k) != v and not k.startswith("BASH_FUNC_")
        }


# Exit codes of a shell killed by the signal a resource limit sends: say which limit was hit.
_LIMIT_SIGNALS = {
    128 + signal.SIGXCPU: ": killed by SIGXCPU, the CPU time limit (--limit-cpu-seconds) was hit",
    128 + signal.SIGXFSZ: ": killed by SIGXFSZ, the file size limit (--limit-file-size) was hit",
}


def outcome_to_result(call_id: int, outcome: BashOutcome, timeout: float) -> Result:
    text = outcome.text
    result_outcome: Outcome
    if outcome.timed_out:
        text += f"\n[timed out after {timeout:g} s: the command and every process it started were killed]"
        result_outcome = "timeout"
    elif outcome.exit_code:
        text += f"\n[exit code {outcome.exit_code}{_LIMIT_SIGNALS.get(outcome.exit_code, '')}]"
        result_outcome = "error"
    else:
        result_outcome = "ok"
    return Result(
        id=call_id,
        text=text,
        outcome=result_outcome,
        is_error=outcome.timed_out or bool(outcome.exit_code),
        structured={
            "exit_code": outcome.exit_code,
            "timed_out": outcome.timed_out,
            "truncated": outcome.truncated,
            "duration_ms": outcome.duration_ms,
        },
        state=outcome.state,
    )


def _tee(a: Callable[[bytes], Any], b: Callable[[bytes], Any]) -> Callable[[bytes], None]:
    def sink(data: bytes) -> None:
        a(data)
        b(data)

    return sink


def _write_nowait(loop: asyncio.AbstractEventLoop, fd: int, data: bytes) -> None:
    """Write the script; scripts beyond the pipe buffer finish from a writer callback."""
    view = memoryview(data)
    try:
        while view:
            try:
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                break
    except OSError:
        view = view[:0]  # the shell died before reading its script
    if not view:
        os.close(fd)
        return

    def on_writable() -> None:
        nonlocal view
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            return
        except OSError:
            view = view[:0]
        if not view:
            loop.remove_writer(fd)
            os.close(fd)

    loop.add_writer(fd, on_writable)


async def _drain_until_eof(
    loop: asyncio.AbstractEventLoop, fd: int, sink: Callable[[bytes], Any], drain_timeout: float
) -> None:
    """After the tree is dead the pipe reaches EOF at once; wait at most ``drain_timeout`` for it."""
    done = loop.create_future()

    def on_readable() -> None:
        if read_available(fd, sink, 4 << 20) and not done.done():
            done.set_result(None)

    loop.add_reader(fd, on_readable)
    try:
        async with asyncio.timeout(drain_timeout):
            await done
    except TimeoutError:
        pass
    finally:
        loop.remove_reader(fd)
