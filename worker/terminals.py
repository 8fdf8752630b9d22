"""Terminals of a worker: programs on pseudo-terminals, for terminal_start / send / read / resize / close.

A terminal is a pty whose master stays here and whose slave is the stdin, stdout and stderr of a
shell spawned by the ``ShellFactory`` exactly like a call's (the zygote or an exec, the tool user,
limits, and as root the init of a pid namespace of its own), so its tree is killed by the same
mechanism as a call's.  That shell runs ``setsid --ctty``: the program becomes a session leader with
the pty as its controlling terminal (job control, C-c as SIGINT, SIGWINCH on resize, /dev/tty), while
the shell stays the namespace's init and reaps what the program leaves.  Nothing here runs with the
tool user's credentials.

Where a terminal's output lives: every byte read from the master goes to a ring of the newest
``output_bytes`` (addressed by absolute offsets, like a job's output) and to the screen
(``worker.terminal_screen``: pyte behind a filter that bounds what a program can make it hold).  The
screen is fed by one pump per worker in slices of bounded time, at most half the loop's time, so a
flooding program never blocks the event loop: while the screen is behind by ``PENDING_MAX`` bytes the
master is not read, the kernel's pty buffer fills, and the program blocks on its own writes, as on a
slow terminal.  Input is queued (at most ``INPUT_MAX`` bytes) and written without blocking as the
program reads it; a program that never reads its input gets a full queue and refused sends, never a
stuck worker.  Watchers (the web terminal, through the gateway) get the raw output from the ring,
at most a window of unacknowledged bytes each; one that falls behind the ring skips what was dropped.

Promises: ``close`` returns once the program and everything it started are dead; a terminal never
outlives its session or its worker; every task is owned by the table.
"""

from __future__ import annotations

import asyncio
import collections
import errno
import fcntl
import logging
import os
import shlex
import shutil
import struct
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared import protocol as p
from shared.tasks import TaskOwner
from shared.terminal_tools import (
    TerminalReadArgs,
    TerminalResizeArgs,
    TerminalSendArgs,
    TerminalStartArgs,
)
from worker.jobs import JobRing
from worker.paths import PathError
from worker.procs import Program, ShellFactory
from worker.terminal_screen import TerminalScreen, UnknownKey, encode_keys, plain_text, warm_up

__all__ = ["INPUT_MAX", "PENDING_MAX", "Terminal", "TerminalError", "TerminalTable", "terminal_call"]

logger = logging.getLogger(__name__)

READ_CHUNK = 16 * 1024  # bytes read from a master per wake-up
# Output read but not yet on the screen, before the master is no longer read.  It bounds how far the screen
# lags behind: a program the screen draws slowest (lines scrolling a 200-row screen) costs ~100 us a line.
PENDING_MAX = 16 * 1024
INPUT_MAX = 64 * 1024  # input queued for a program that has not read it yet
PUMP_SLICE = 0.005  # seconds of screen feeding per turn of the pump
FEED_TARGET = 0.002  # seconds one chunk should take; chunk sizes adapt to it
# Bytes per chunk fed to the screen: the largest chunk of the costliest output takes ~50 ms.
FEED_MIN, FEED_MAX, FEED_START = 32, 512, 128
CATCH_UP = 0.5  # terminal_read waits this long at most for the screen to draw what was read before it
WATCH_CHUNK = 64 * 1024  # bytes per TerminalOutput message
REPLAY_MAX = 256 * 1024  # output a new watcher is sent from before it attached
EOF_WAIT = 2.0  # after the program exits: how long its last output may take to be read
KILL_WAIT = 5.0
DEFAULT_WAIT = 10.0  # terminal_read's wait_for / settle_ms, when it gives no timeout
ANSWER_MARGIN = 0.25  # a waiting terminal_read answers this long before its call's own deadline
TERM = "xterm-256color"
SETSID = shutil.which("setsid") or "/usr/bin/setsid"
_WINSIZE = struct.Struct("HHHH")


class TerminalError(Exception):
    """A terminal call that cannot be done (unknown terminal, limit, full input); the message says why."""


def _set_winsize(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, _WINSIZE.pack(rows, cols, 0, 0))


@dataclass(slots=True, eq=False)
class _Watch:
    """A stream of a terminal's raw output to the gateway (a web terminal attached to it).

    ``in_flight`` counts the bytes sent and not acknowledged, whatever the offsets did meanwhile: a viewer
    that fell behind the ring skips ahead (the bytes it missed were never sent), and its window opens
    again only as it acknowledges what it was sent, never by the skip."""

    id: int
    offset: int  # the next byte to send
    window: int  # bytes that may be sent and not acknowledged
    sent: collections.deque[list[int]] = field(default_factory=collections.deque)  # [start, end) unacknowledged
    in_flight: int = 0
    missed: int = 0  # bytes skipped and not reported yet (told with the next message)

    def record(self, start: int, end: int) -> None:
        if end <= start:
            return
        if self.sent and self.sent[-1][1] == start:
            self.sent[-1][1] = end
        else:
            self.sent.append([start, end])
        self.in_flight += end - start

    def acknowledge(self, offset: int) -> None:
        """Everything sent before stream offset ``offset`` was drawn."""
        while self.sent and self.sent[0][0] < offset:
            segment = self.sent[0]
            upto = min(segment[1], offset)
            self.in_flight -= upto - segment[0]
            if upto < segment[1]:
                segment[0] = upto
                break
            self.sent.popleft()


@dataclass(slots=True, eq=False)
class Terminal:
    id: str
    session: str
    command: str
    master: int
    ring: JobRing
    screen: TerminalScreen
    program: Program | None = None
    started: float = field(default_factory=time.monotonic)
    status: str = "running"
    exit_code: int | None = None
    task: asyncio.Task[None] | None = None
    reading: bool = False  # the master is watched for output
    eof: bool = False  # every holder of the slave has closed it (or the terminal is closed)
    pending: bytearray = field(default_factory=bytearray)  # read, not yet on the screen
    feed_chunk: int = FEED_START
    input: bytearray = field(default_factory=bytearray)  # typed, not yet written to the master
    writing: bool = False  # waiting for the master to take input
    last_output: float = 0.0  # loop time of the newest output
    watches: dict[int, _Watch] = field(default_factory=dict)
    changed: asyncio.Future[None] | None = None  # done at the next output, screen catch-up or end

    @property
    def cols(self) -> int:
        return self.screen.cols

    @property
    def rows(self) -> int:
        return self.screen.rows

    def describe(self) -> dict[str, Any]:
        return {"terminal_id": self.id, "status": self.status, "exit_code": self.exit_code}


class TerminalTable:
    """Every terminal of one worker; owns their tasks, their ptys and the screen pump.

    ``running(session)`` counts terminals whose program runs; ``limit(session)`` is how many more
    jobs and terminals the session may start (the worker counts both against one limit).
    ``send`` carries messages to the gateway; ``on_exit`` is told when a terminal's program ends."""

    def __init__(self, loop: asyncio.AbstractEventLoop, factory: ShellFactory, *, max_terminals: int,
                 output_bytes: int, scrollback: int, others_running: Callable[[str], int],
                 send: Callable[[Any], None], exclude: set[int]) -> None:
        self.loop = loop
        self.factory = factory
        self.max_terminals = max_terminals
        self.output_bytes = output_bytes
        self.scrollback = scrollback
        self._others_running = others_running
        self._send = send
        self._exclude = exclude  # the worker's own children that tree kills leave alone
        self.terminals: dict[str, Terminal] = {}
        self._finished: dict[str, collections.deque[str]] = collections.defaultdict(collections.deque)
        self._tasks = TaskOwner(logger)
        self._feeding: collections.deque[Terminal] = collections.deque()
        self._pump: asyncio.Handle | None = None
        self._watches: dict[int, Terminal] = {}
        self._warm = False

    def running(self, session: str) -> int:
        return sum(1 for t in self.terminals.values() if t.session == session and t.status == "running")

    # ---- start ---------------------------------------------------------------------------

    async def start(self, terminal_id: str, session: str, args: TerminalStartArgs, cwd: str,
                    env: dict[str, str]) -> Terminal:
        if terminal_id in self.terminals:
            raise TerminalError(f"terminal id {terminal_id!r} is already in use")
        if not self._warm:
            # The screen's Unicode tables take ~0.1 s to build, once per process: off the event loop.
            await asyncio.to_thread(warm_up)
            self._warm = True
        if self.running(session) + self._others_running(session) >= self.max_terminals:
            limit = self.max_terminals
            raise TerminalError(
                f"limit hit: this session already runs {limit} background jobs and terminals "
                f"(--max-jobs-per-session={limit}); close one with terminal_close or job_kill")
        master, slave = os.openpty()
        try:
            _set_winsize(master, args.cols, args.rows)
            attrs = termios.tcgetattr(slave)
            attrs[0] |= getattr(termios, "IUTF8", 0o40000)  # erase whole UTF-8 characters in canonical mode
            termios.tcsetattr(slave, termios.TCSANOW, attrs)
            os.set_blocking(master, False)
            program = await self.factory.spawn_on_tty(_script(args.command, cwd, env), slave)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)  # the shell holds it now: EOF on the master means every holder is gone
        term = Terminal(id=terminal_id, session=session, command=args.command, master=master,
                        ring=JobRing(self.output_bytes), program=program,
                        screen=TerminalScreen(args.cols, args.rows, scrollback=self.scrollback,
                                              respond=lambda data: self._answer_program(term, data)))
        term.last_output = self.loop.time()
        self.terminals[terminal_id] = term
        self._resume_reading(term)
        term.task = self._tasks.spawn(self._supervise(term), f"terminal-{terminal_id}")
        return term

    def _answer_program(self, term: Terminal, data: bytes) -> None:
        """The screen answers a status query of the program (cursor position, device attributes)."""
        if len(term.input) + len(data) <= INPUT_MAX:
            term.input += data
            self._flush_input(term)

    async def _supervise(self, term: Terminal) -> None:
        assert term.program is not None
        program = term.program
        try:
            # shielded: cancelling this task must not cancel the reaper's future of the exit
            code = await asyncio.shield(program.exit)
        except asyncio.CancelledError:
            # terminal_close or the session ending: the whole tree goes, then the pty.
            term.status = "killed"
            await self._kill(term, alive=True)
            self._release(term)
            self._finish(term)
            raise
        # The program ended.  What it started in a pid namespace of its own died with it; without one,
        # leftovers holding the pty are killed, and its last output is read to EOF (bounded).
        await self._kill(term, alive=False)
        deadline = self.loop.time() + EOF_WAIT
        while not term.eof and self.loop.time() < deadline:
            await self._changed(term, deadline)
        term.status = "exited"
        term.exit_code = code if code >= 0 else 128 - code
        self._release(term)
        self._finish(term)

    async def _kill(self, term: Terminal, *, alive: bool) -> None:
        assert term.program is not None
        killed = self.factory.kill(term.program, alive=alive, exclude=self._exclude)
        if killed:
            try:
                async with asyncio.timeout(KILL_WAIT):
                    await self.factory._reaper.gone(killed)
            except TimeoutError:
                logger.warning("terminal %s: killed processes still not dead after %g s", term.id, KILL_WAIT)

    def _release(self, term: Terminal) -> None:
        """Stop reading and writing the pty and close the master (the screen and ring stay readable)."""
        if term.master < 0:
            return
        if term.reading:
            self.loop.remove_reader(term.master)
            term.reading = False
        if term.writing:
            self.loop.remove_writer(term.master)
            term.writing = False
        os.close(term.master)
        term.master = -1
        term.eof = True
        term.input.clear()
        self._notify(term)

    def _finish(self, term: Terminal) -> None:
        if term.task is None:
            return
        term.task = None
        self._send(p.TerminalExit(terminal_id=term.id, status=term.status, exit_code=term.exit_code))
        for watch in term.watches.values():
            self._stream(term, watch)  # the final status
        if self.terminals.get(term.id) is not term:
            return  # closed or its session ended: forgotten already
        done = self._finished[term.session]
        done.append(term.id)
        while len(done) > self.max_terminals:
            self._forget(self.terminals.get(done.popleft()))

    def _forget(self, term: Terminal | None) -> None:
        if term is None:
            return
        self.terminals.pop(term.id, None)
        for watch_id in list(term.watches):
            self._end_watch(term, watch_id, f"terminal {term.id} was closed")

    # ---- output --------------------------------------------------------------------------

    def _resume_reading(self, term: Terminal) -> None:
        if not term.reading and not term.eof and term.master >= 0:
            self.loop.add_reader(term.master, self._readable, term)
            term.reading = True

    def _pause_reading(self, term: Terminal) -> None:
        if term.reading:
            self.loop.remove_reader(term.master)
            term.reading = False

    def _readable(self, term: Terminal) -> None:
        try:
            data = os.read(term.master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError as exc:
            if exc.errno == errno.EINTR:
                return
            data = b""  # EIO: every holder of the slave has closed it
        if not data:
            self._pause_reading(term)
            term.eof = True
            self._notify(term)
            return
        term.ring.append(data)
        term.last_output = self.loop.time()
        term.pending += data
        if len(term.pending) >= PENDING_MAX:
            self._pause_reading(term)  # the program blocks on its writes until the screen catches up
        self._want_feeding(term)
        for watch in term.watches.values():
            self._stream(term, watch)
        self._notify(term)

    def _want_feeding(self, term: Terminal) -> None:
        if term not in self._feeding:
            self._feeding.append(term)
        if self._pump is None:
            self._pump = self.loop.call_soon(self._feed_screens)

    def _feed_screens(self) -> None:
        """One turn of the pump: feed the screens behind, round robin, for about ``PUMP_SLICE``; the
        next turn waits as long as this one took, so screens get at most half the loop's time."""
        self._pump = None
        clock = time.perf_counter
        began = clock()
        while self._feeding and clock() - began < PUMP_SLICE:
            term = self._feeding.popleft()
            if not term.pending:
                continue
            chunk = bytes(term.pending[: term.feed_chunk])
            del term.pending[: len(chunk)]
            fed = clock()
            term.screen.feed(chunk)
            took = clock() - fed
            # Size the next chunk so it takes about FEED_TARGET: one chunk's time is what the loop
            # waits at most, and a program's output can cost 100 times more per byte than plain text.
            scale = FEED_TARGET / took if took > 0 else 2.0
            term.feed_chunk = int(min(FEED_MAX, max(FEED_MIN, len(chunk) * min(scale, 2.0))))
            if term.pending:
                self._feeding.append(term)
            self._notify(term)
            if len(term.pending) < PENDING_MAX // 2:
                self._resume_reading(term)
        if self._feeding:
            self._pump = self.loop.call_later(clock() - began, self._feed_screens)

    def _notify(self, term: Terminal) -> None:
        changed = term.changed
        if changed is not None:
            term.changed = None
            if not changed.done():
                changed.set_result(None)

    async def _changed(self, term: Terminal, deadline: float) -> None:
        """Wait for new output, the screen catching up or the end, until ``deadline`` at most."""
        if term.changed is None:
            term.changed = self.loop.create_future()
        waiter = term.changed
        try:
            async with asyncio.timeout_at(deadline):
                await asyncio.shield(waiter)
        except TimeoutError:
            pass

    # ---- input ---------------------------------------------------------------------------

    def enqueue_input(self, term: Terminal, data: bytes) -> None:
        """Queue ``data`` for the program; TerminalError when the queue cannot take it."""
        if term.master < 0:
            raise TerminalError(f"terminal {term.id}'s program has {term.status}; nothing reads its input")
        if len(term.input) + len(data) > INPUT_MAX:
            raise TerminalError(
                f"terminal {term.id}'s input queue is full ({len(term.input)} bytes not read by its program, "
                f"at most {INPUT_MAX}): the program is not reading its input; nothing was sent")
        term.input += data
        self._flush_input(term)

    def _flush_input(self, term: Terminal) -> None:
        while term.input and term.master >= 0:
            try:
                written = os.write(term.master, term.input[:4096])
            except BlockingIOError:
                if not term.writing:
                    self.loop.add_writer(term.master, self._flush_input, term)
                    term.writing = True
                return
            except OSError:
                term.input.clear()  # the other side is gone
                break
            del term.input[:written]
        if term.writing and term.master >= 0:
            self.loop.remove_writer(term.master)
        term.writing = False

    # ---- watches (the web terminal) --------------------------------------------------------

    def watch(self, msg: p.TerminalWatch) -> None:
        term = self.terminals.get(msg.terminal_id)
        if term is None:
            self._send(p.TerminalEnded(watch=msg.watch, reason=f"unknown terminal {msg.terminal_id!r}"))
            return
        ring = term.ring
        if msg.since >= 0:
            start = max(min(msg.since, ring.total), ring.start)
        else:
            # The newest REPLAY_MAX bytes redraw the screen for a new viewer; a replay that does not start
            # at the beginning starts after a newline, not in the middle of an escape sequence.
            start = max(ring.start, ring.total - REPLAY_MAX)
            if start > 0:
                newline = ring.data.find(b"\n", start - ring.start)
                start = ring.total if newline < 0 else ring.start + newline + 1
        watch = _Watch(id=msg.watch, offset=start, window=max(msg.window, 4096))
        term.watches[watch.id] = watch
        self._watches[watch.id] = term
        self._stream(term, watch, always=True)

    def ack(self, msg: p.TerminalAck) -> None:
        term = self._watches.get(msg.watch)
        if term is not None and (watch := term.watches.get(msg.watch)) is not None:
            watch.acknowledge(min(msg.offset, watch.offset))
            self._stream(term, watch)

    def unwatch(self, watch_id: int) -> None:
        term = self._watches.pop(watch_id, None)
        if term is not None:
            term.watches.pop(watch_id, None)

    def watch_input(self, msg: p.TerminalInput) -> None:
        term = self._watches.get(msg.watch)
        if term is None:
            return
        try:
            self.enqueue_input(term, msg.data)
        except TerminalError as exc:
            logger.debug("typing from the web terminal dropped: %s", exc)

    def _stream(self, term: Terminal, watch: _Watch, always: bool = False) -> None:
        """Send what the watch may have of the ring (``always``: one message even with nothing new)."""
        ring = term.ring
        sent = False
        while True:
            if watch.offset < ring.start:
                watch.missed += ring.start - watch.offset
                watch.offset = ring.start  # skipped, not sent: the window stays as it was
            room = watch.window - watch.in_flight
            size = min(ring.total - watch.offset, room, WATCH_CHUNK)
            if size <= 0 and (sent or not always):
                break  # (a viewer with no room is told what it missed with its next message)
            dropped, watch.missed = watch.missed, 0
            begin = watch.offset - ring.start
            data = bytes(ring.data[begin : begin + max(size, 0)])
            self._send(p.TerminalOutput(watch=watch.id, offset=watch.offset, data=data, dropped=dropped,
                                        cols=term.cols, rows=term.rows, status=term.status,
                                        exit_code=term.exit_code))
            watch.record(watch.offset, watch.offset + len(data))
            watch.offset += len(data)
            sent = True
            if size <= 0:
                break
        if not sent and term.status != "running":
            self._send(p.TerminalOutput(watch=watch.id, offset=watch.offset, cols=term.cols, rows=term.rows,
                                        status=term.status, exit_code=term.exit_code))

    def _end_watch(self, term: Terminal, watch_id: int, reason: str) -> None:
        term.watches.pop(watch_id, None)
        self._watches.pop(watch_id, None)
        self._send(p.TerminalEnded(watch=watch_id, reason=reason))

    # ---- the tools -------------------------------------------------------------------------

    def get(self, terminal_id: str, session: str) -> Terminal:
        term = self.terminals.get(terminal_id)
        if term is None or term.session != session:
            raise TerminalError(
                f"unknown terminal {terminal_id!r}: it was not started in this session, or it was closed or "
                f"forgotten (the last {self.max_terminals} ended terminals per session are kept)")
        return term

    def send_keys(self, term: Terminal, args: TerminalSendArgs) -> int:
        try:
            data = args.text.encode("utf-8", "surrogateescape") + encode_keys(
                args.keys, application_cursor=term.screen.application_cursor_keys)
        except UnknownKey as exc:
            raise TerminalError(str(exc)) from None
        self.enqueue_input(term, data)
        return len(data)

    def resize(self, term: Terminal, args: TerminalResizeArgs) -> None:
        if term.master >= 0:
            _set_winsize(term.master, args.cols, args.rows)  # the kernel sends SIGWINCH
        term.screen.resize(args.cols, args.rows)
        for watch in term.watches.values():
            self._stream(term, watch, always=True)  # tells the size

    async def read(self, term: Terminal, args: TerminalReadArgs, call_timeout: float) -> dict[str, Any]:
        """Wait as asked (bounded by the call's time), then the screen and the output since the read
        position, as the structured result of terminal_read."""
        loop = self.loop
        began = loop.time()
        wait = args.timeout if args.timeout is not None else DEFAULT_WAIT
        deadline = began + max(0.0, min(wait, call_timeout - ANSWER_MARGIN))
        ring = term.ring
        offset = ring.cursor if args.since is None else min(args.since, ring.total)
        matched: bool | None = None
        if args.wait_for is not None:
            matched = await self._wait_for(term, offset, args.wait_for, deadline)
        if args.settle_ms:
            settle = args.settle_ms / 1000
            while not term.eof and loop.time() < deadline:
                quiet_for = loop.time() - term.last_output
                if quiet_for >= settle:
                    break
                await self._changed(term, min(deadline, loop.time() + settle - quiet_for))
        # The screen draws what was read so far (a flooding program keeps it behind: bounded)
        drawn_by = min(loop.time() + CATCH_UP, began + max(call_timeout - ANSWER_MARGIN, 0.0))
        target = ring.total
        while ring.total - len(term.pending) < target and loop.time() < drawn_by:
            await self._changed(term, drawn_by)
        waited = loop.time() - began
        dropped = max(0, ring.start - offset)
        offset = max(offset, ring.start)
        available = ring.total - offset
        size = min(available, args.max_bytes)
        chunk = bytes(ring.data[offset - ring.start : offset - ring.start + size])
        ring.cursor = offset + size
        row, col = term.screen.cursor
        return {
            **term.describe(),
            "cols": term.cols, "rows": term.rows,
            "screen": term.screen.lines(), "cursor_row": row, "cursor_col": col,
            "cursor_visible": term.screen.cursor_visible, "title": term.screen.title,
            "scrollback": term.screen.scrollback(args.scrollback),
            "output": chunk.decode("utf-8", "replace"), "next_since": offset + size,
            "more_bytes": available - size, "dropped_bytes": dropped, "total_bytes": ring.total,
            "matched": matched, "waited_ms": round(waited * 1000, 3),
            "screen_behind_bytes": len(term.pending),
        }

    async def _wait_for(self, term: Terminal, offset: int, text: str, deadline: float) -> bool:
        """Whether ``text`` appears in the output after ``offset`` (escape sequences removed) by ``deadline``."""
        ring = term.ring
        text = plain_text(text) or text  # "\r\n" as a person reads it: "\n", as the output is searched
        # Look again only at what is new, plus enough before it for a match that straddles the two.
        overlap = 4 * len(text.encode()) + 1024
        scanned = offset
        while True:
            start = max(offset, scanned - overlap, ring.start)
            window = bytes(ring.data[start - ring.start :])
            if text in plain_text(window.decode("utf-8", "replace")):
                return True
            scanned = ring.total
            if term.eof or self.loop.time() >= deadline:
                return False
            await self._changed(term, deadline)

    async def close(self, term: Terminal) -> Terminal:
        """Kill the program's tree (returns once it is dead, bounded) and forget the terminal."""
        task = term.task
        if task is not None:
            task.cancel()
            await asyncio.wait([task], timeout=KILL_WAIT)
        self._forget(term)
        return term

    # ---- sessions and shutdown -------------------------------------------------------------

    def close_session(self, session: str) -> list[asyncio.Task[None]]:
        """Kill every terminal of ``session`` (their trees die as the tasks unwind) and forget them."""
        tasks = []
        for term in [t for t in self.terminals.values() if t.session == session]:
            if term.task is not None:
                term.task.cancel()
                tasks.append(term.task)
            self._forget(term)
        self._finished.pop(session, None)
        return tasks

    def close_all(self) -> list[asyncio.Task[None]]:
        tasks = []
        for session in {t.session for t in self.terminals.values()}:
            tasks += self.close_session(session)
        if self._pump is not None:
            self._pump.cancel()
            self._pump = None
        return tasks


def _script(command: str, cwd: str, env: dict[str, str]) -> bytes:
    """What the terminal's shell runs: enter ``cwd``, restore the session's exports, then run ``command``
    with ``bash -c`` in a session of its own whose controlling terminal is the pty (``setsid --ctty``:
    the shell itself stays, as the init of the call's pid namespace, and exits with its status)."""
    lines = [f"cd -- {shlex.quote(cwd)} || exit 126"]
    for key, value in env.items():
        if key.isidentifier() and key.isascii() and "\0" not in value:
            lines.append(f"export {key}={shlex.quote(value)}")
    lines.append(f"export TERM={TERM}")
    lines.append(" ".join(shlex.quote(a) for a in (SETSID, "--ctty", "/bin/bash", "-c", command)))
    return "\n".join(lines).encode("utf-8", "surrogateescape")


# ---- calls -----------------------------------------------------------------------------------


async def terminal_call(table: TerminalTable, call: p.Call, args: Any,
                        resolve_cwd: Callable[[p.SessionState | None, str | None], str]) -> p.Result:
    """Run one terminal tool call (already validated) against ``table``; its one Result."""
    try:
        match call.tool:
            case "terminal_start":
                return await _start(table, call, args, resolve_cwd)
            case "terminal_send":
                term = table.get(args.terminal_id, call.session)
                sent = table.send_keys(term, args)
                return p.Result(id=call.id, text=f"sent {sent} bytes to terminal {term.id}; read the screen with "
                                f"terminal_read", structured={
                                    **term.describe(), "sent_bytes": sent, "pending_bytes": len(term.input)})
            case "terminal_read":
                term = table.get(args.terminal_id, call.session)
                structured = await table.read(term, args, call.timeout)
                return p.Result(id=call.id, text=_read_text(term, args, structured), structured=structured)
            case "terminal_resize":
                term = table.get(args.terminal_id, call.session)
                table.resize(term, args)
                return p.Result(id=call.id, text=f"terminal {term.id} is now {term.cols}x{term.rows}",
                                structured={**term.describe(), "cols": term.cols, "rows": term.rows})
            case "terminal_close":
                term = await table.close(table.get(args.terminal_id, call.session))
                return p.Result(id=call.id, text=f"{_status_line(term)}; it and every process it started are gone",
                                structured={**term.describe(), "cols": term.cols, "rows": term.rows})
    except (TerminalError, PathError, ValueError) as exc:
        return p.Result(id=call.id, text=str(exc), outcome="error", is_error=True)
    return p.Result(id=call.id, text=f"tool {call.tool!r} is not served by this worker", outcome="error",
                    is_error=True)


async def _start(table: TerminalTable, call: p.Call, args: TerminalStartArgs,
                 resolve_cwd: Callable[[p.SessionState | None, str | None], str]) -> p.Result:
    if not call.job_id:
        return p.Result(id=call.id, text="terminals need a terminal id from the gateway", outcome="error",
                        is_error=True)
    cwd = resolve_cwd(call.state, args.working_dir)
    env = dict(call.state.env) if call.state is not None else {}
    term = await table.start(call.job_id, call.session, args, cwd, env)
    return p.Result(id=call.id, text=(
        f"started terminal {term.id} ({term.cols}x{term.rows}) running {args.command!r}; type with terminal_send, "
        "read the screen with terminal_read, stop it with terminal_close"),
        structured={**term.describe(), "cols": term.cols, "rows": term.rows})


def _status_line(term: Terminal) -> str:
    match term.status:
        case "running":
            return f"terminal {term.id} is running"
        case "exited":
            return f"terminal {term.id}'s program exited with code {term.exit_code}"
        case _:
            return f"terminal {term.id} was killed"


def _read_text(term: Terminal, args: TerminalReadArgs, result: dict[str, Any]) -> str:
    """The screen as a person sees it, then one line of status (what a client shows as text)."""
    screen = list(result["screen"])
    while screen and not screen[-1]:
        screen.pop()
    parts = [*result["scrollback"], *screen]
    notes = [f"{_status_line(term)}, {result['cols']}x{result['rows']}, cursor at row {result['cursor_row']} "
             f"column {result['cursor_col']}"]
    if result["matched"] is False:
        notes.append(f"{args.wait_for!r} did not appear within {result['waited_ms'] / 1000:.3g} s")
    notes.append(f"{result['total_bytes']} bytes of output in all, next_since={result['next_since']}")
    if result["more_bytes"]:
        notes.append(f"{result['more_bytes']} more bytes after it (max_bytes)")
    if result["dropped_bytes"]:
        notes.append(f"{result['dropped_bytes']} bytes fell out of the terminal's buffer (--job-output-bytes)")
    if result["screen_behind_bytes"]:
        notes.append(f"the screen is {result['screen_behind_bytes']} bytes behind the output")
    return "\n".join(parts) + ("\n" if parts else "") + "[" + "; ".join(notes) + "]"
