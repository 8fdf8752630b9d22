"""The file tools (read, write, edit, list, glob, grep), working on descriptors beneath the workspace.

``call_file_tool`` runs one call (it blocks: the file helper runs each call on a thread of its
own, see ``worker.tools.helper``) with arguments validated into the Structs of
``shared.file_tools``, and returns a ``FileToolResult``.  Mistakes of the caller (missing file,
path outside the workspace, ambiguous edit, ...) come back as ``is_error=True`` results with a
message meant for the agent; only bugs raise.

Every path is resolved once, beneath the workspace's descriptor (``worker.tools.confine``), and
the tools then work only on the descriptors that gave: ``read`` reads the descriptor it opened;
``write`` and ``edit`` create a temporary file with ``O_CREAT|O_EXCL|O_NOFOLLOW`` in the parent
directory's descriptor and rename it over the name there (the temporary file is removed on every
error); appends open the name with ``O_APPEND|O_NOFOLLOW`` in that directory; list, glob and grep
walk with ``scandir`` on descriptors and open each subdirectory with ``O_NOFOLLOW|O_DIRECTORY``
relative to its parent.  What a tool may read or write is the kernel's decision, made with the
credentials of the process that runs it: the file helper runs as the tool user.

grep runs ``rg`` through ``FileToolContext.run`` (``run_rg``: a child of the process that runs the
tools, with the searched directory's descriptor as its working directory or the searched file as
its stdin) and otherwise a Python engine with the same file selection, matching rules and output
order, built on RE2: matching takes linear time, so no pattern makes a search run away, and patterns
are bounded by ``max_pattern_bytes`` before they are compiled.  The Python engine goes first for
``PYTHON_FIRST`` seconds: a small tree is searched before ``rg`` would have started (it is a process of
its own, 4 ms on a 71-file tree where the helper needs 3, and rg reads every file before a result cap
stops it), and a bigger one is handed to ``rg``, which
searches from the start again.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import errno
import fcntl
import mimetypes
import os
import re
import secrets
import select
import shutil
import signal
import stat
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import msgspec
import re2

from shared.config import MIB, WorkerConfig
from shared.file_tools import (
    DEFAULT_READ_LINES,
    FILE_TOOL_NAMES,
    EditArgs,
    FileToolResult,
    GlobArgs,
    GrepArgs,
    ListArgs,
    ReadArgs,
    WriteArgs,
)
from shared.tools import ToolArgsError, validate_args
from worker.tools.confine import PathError, Workspace
from worker.tools.text import find_edit

__all__ = [
    "DEFAULT_MAX_PATTERN_BYTES",
    "FILE_TOOL_NAMES",
    "GREP_WHOLE_FILE_LIMIT",
    "MAX_GLOB_RESULTS",
    "MAX_LINE_CHARS",
    "MAX_LIST_ENTRIES",
    "RG_OUTPUT_CAP",
    "SCAN_TIME_BUDGET",
    "FileToolContext",
    "FileToolResult",
    "HelperHandler",
    "ProcessOutput",
    "Runner",
    "ToolError",
    "call_file_tool",
    "child_env",
    "enter_subdir",
    "helper_tool",
    "kill_running_children",
    "replacing",
    "run_file_tool",
    "run_process",
    "run_rg",
]

MAX_LINE_CHARS = 2000
MAX_LIST_ENTRIES = 1000
MAX_GLOB_RESULTS = 1000
# seconds a directory scan (grep's Python engine, rg, glob) may take before it returns partial results
SCAN_TIME_BUDGET = 10.0
# seconds grep's Python engine gets before a search goes to rg instead (rg costs a process)
PYTHON_FIRST = 0.010
BINARY_SNIFF_BYTES = 8192
# grep's Python engine searches a file in blocks of whole lines of about this size, each with one
# RE2 scan (lines that do not match cost no Python code); a smaller file is one block
GREP_WHOLE_FILE_LIMIT = 16 * MIB
# rg output kept (the head); more is read and dropped, so rg is never blocked on a full pipe
RG_OUTPUT_CAP = 64 * MIB
# Patterns an agent writes are short; 64 KiB still holds an alternation of a few thousand names.
# RE2 compiles that in ~5 ms and ripgrep in ~40 ms (this machine), and it stays below the 128 KiB
# the kernel allows for one argument of rg's command line (MAX_ARG_STRLEN).
DEFAULT_MAX_PATTERN_BYTES = 64 * 1024

# seconds edit, multi_edit and patch wait for a file's lock held by another process (see `replacing`)
LOCK_WAIT = 2.0
# files up to this size are read whole by `read` (and batch_read), larger ones line by line
FAST_READ_BYTES = 1 * MIB
# bytes of one line kept by `read`: enough for MAX_LINE_CHARS characters of 4-byte UTF-8 plus "\r\n"
_LINE_KEEP_BYTES = MAX_LINE_CHARS * 4 + 2
_CHUNK = 1 * MIB
# O_NONBLOCK so that opening a fifo cannot hang; it is cleared again for regular files
_OPEN_READ = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
_OPEN_SUBDIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC

Runner = Callable[[list[str], int | None, int | None, float, threading.Event], tuple[int, bytes]]
"""Runs rg: ``(argv, cwd_fd, stdin_fd, time_limit, stop) -> (exit code, stdout)`` (see ``run_rg``).

``cwd_fd`` is a directory descriptor to run in, ``stdin_fd`` a file to give as stdin (either may be
None).  At ``time_limit`` seconds, or once ``stop`` is set, the runner kills the process and either
raises TimeoutError or returns a negative exit code with the output read so far.
"""


class FileToolContext:
    """What the file tools need: the workspace (opened on first use), the caps, and the rg runner.

    ``run`` runs ``rg``; None makes grep use its Python engine.  ``rg_path`` None means: look
    ``rg`` up on PATH at call time.  Owns the workspace descriptor (``close``, or when collected).
    """

    def __init__(self, workspace: str | os.PathLike[str], max_read_bytes: int, max_write_bytes: int,
                 run: Runner | None = None, rg_path: str | None = None, scan_time_budget: float = SCAN_TIME_BUDGET,
                 max_pattern_bytes: int = DEFAULT_MAX_PATTERN_BYTES, max_upload_bytes: int = 8 * MIB,
                 max_download_bytes: int = 8 * MIB, python_first: float = PYTHON_FIRST) -> None:
        self.workspace = Path(workspace)
        self.max_read_bytes = max_read_bytes
        self.max_write_bytes = max_write_bytes
        self.max_upload_bytes = max_upload_bytes  # upload (--max-upload-bytes)
        self.max_download_bytes = max_download_bytes  # download's blob (--max-download-bytes)
        self.run = run
        self.rg_path = rg_path
        self.scan_time_budget = scan_time_budget
        self.python_first = python_first  # 0: rg (when there is one) from the start
        self.max_pattern_bytes = max_pattern_bytes
        self._root: Workspace | None = None

    @classmethod
    def from_config(cls, cfg: WorkerConfig, run: Runner | None) -> FileToolContext:
        return cls(cfg.workspace, max_read_bytes=cfg.max_read_bytes, max_write_bytes=cfg.max_write_bytes, run=run,
                   max_pattern_bytes=cfg.max_pattern_bytes, max_upload_bytes=cfg.max_upload_bytes,
                   max_download_bytes=cfg.max_download_bytes)

    @property
    def root(self) -> Workspace:
        if self._root is None:
            self._root = Workspace(self.workspace)
        return self._root

    def close(self) -> None:
        if self._root is not None:
            self._root.close()


class _ToolError(Exception):
    """A mistake of the caller; the message goes back to the agent as an error result."""


ToolError = _ToolError  # for the other tool families the helper runs

HelperHandler = Callable[[Any, FileToolContext, threading.Event], FileToolResult]
"""Runs one call in the file helper, as the tool user: (validated args, context, stop flag) -> result.
Blocks (the helper runs it on a thread); a set ``stop`` asks a long scan to end early."""

_HANDLERS: dict[str, HelperHandler] = {}


def helper_tool(name: str) -> Callable[[HelperHandler], HelperHandler]:
    """Register the handler of tool ``name`` (its spec says ``runs_in="helper"``)."""
    def register(handler: HelperHandler) -> HelperHandler:
        _HANDLERS[name] = handler
        return handler
    return register


def call_file_tool(name: str, args: Any, ctx: FileToolContext, stop: threading.Event | None = None) -> FileToolResult:
    """Run one call of a tool the file helper serves; blocks.  ``args`` is the Struct from
    ``validate_args`` (a dict is validated here).  ``stop``, once set, ends a scan (glob, grep) early
    with partial results."""
    handler = _HANDLERS.get(name)
    if handler is None:
        return FileToolResult(f"unknown file tool {name!r}", is_error=True)
    stop = stop if stop is not None else threading.Event()
    try:
        if isinstance(args, dict):
            args = validate_args(name, args)
        return handler(args, ctx, stop)
    except (_ToolError, PathError, ToolArgsError) as exc:
        return FileToolResult(str(exc), is_error=True)
    except OSError as exc:
        # the environment said no (EACCES, ENOSPC, EROFS, ...): the agent should see why
        return FileToolResult(f"{name} failed: {_os_error_text(exc)}", is_error=True)


async def run_file_tool(name: str, args: Any, ctx: FileToolContext) -> FileToolResult:
    """``call_file_tool`` on a thread, for callers with an event loop (tests, benchmarks); a
    cancellation stops the scan instead of letting it run to its budget."""
    stop = threading.Event()
    try:
        return await asyncio.to_thread(call_file_tool, name, args, ctx, stop)
    except asyncio.CancelledError:
        stop.set()
        raise


# ---- shared helpers ------------------------------------------------------------------


def _printable(text: str) -> str:
    """File names may hold undecodable bytes (surrogate escapes) that no JSON encoder accepts."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _os_error_text(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{reason} ({_printable(os.fspath(exc.filename))})" if exc.filename else reason


def _lexical(ctx: FileToolContext, path: str | None) -> str:
    """``path`` as the agent wrote it, normalised, for messages about something that was not opened."""
    rel = os.path.normpath(ctx.root.relative(path))
    return _printable(rel)


def _join(base: str, name: str) -> str:
    return f"{base}/{name}" if base else name


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    return "special file"


def _regular(fd: int, shown: str) -> int:
    """``fd`` if it is a regular file (made blocking again); closed, with the reason, if it is not."""
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise _ToolError(f"{shown} is a directory, not a file; use the list tool to see its entries")
        raise _ToolError(f"{shown} is not a regular file ({_kind(mode)})")
    os.set_blocking(fd, True)
    return fd


def _open_file(ctx: FileToolContext, path: str) -> tuple[int, str]:
    """Open an existing regular file for reading: (descriptor, name to show)."""
    try:
        fd = ctx.root.open(path, _OPEN_READ)
    except FileNotFoundError:
        raise _ToolError(f"file not found: {_lexical(ctx, path)}") from None
    except PermissionError:
        raise _ToolError(f"permission denied: cannot read {_lexical(ctx, path)}") from None
    shown = _printable(ctx.root.display(fd, fallback=ctx.root.relative(path))) or "."
    return _regular(fd, shown), shown


def _open_file_at(dir_fd: int, name: str, shown: str) -> int:
    """Open regular file ``name`` in directory ``dir_fd`` for reading, refusing a symlink swapped in."""
    try:
        fd = os.open(name, _OPEN_READ | os.O_NOFOLLOW, dir_fd=dir_fd)
    except FileNotFoundError:
        raise _ToolError(f"file not found: {shown}") from None
    except PermissionError:
        raise _ToolError(f"permission denied: cannot read {shown}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _ToolError(f"{shown} turned into a symlink while being opened; refusing to follow it") from None
        raise
    return _regular(fd, shown)


def _open_directory(ctx: FileToolContext, path: str | None, verb: str, not_dir_hint: str = "") -> tuple[int, str]:
    """Open a directory to scan: (descriptor, its workspace-relative path, "" for the workspace)."""
    try:
        fd = ctx.root.open_dir(path)
    except FileNotFoundError:
        raise _ToolError(f"directory not found: {_lexical(ctx, path)}") from None
    except NotADirectoryError:
        raise _ToolError(f"{_lexical(ctx, path)} is not a directory{not_dir_hint}") from None
    except PermissionError:
        raise _ToolError(f"permission denied: cannot {verb} {_lexical(ctx, path)}") from None
    return fd, ctx.root.display(fd, fallback=ctx.root.relative(path))


def _read_all(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``fd``'s current offset."""
    chunks: list[bytes] = []
    got = 0
    while got < limit:
        chunk = os.read(fd, min(limit - got, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (also jar, wheel, docx, xlsx)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "7-zip archive"),
    (b"\x7fELF", "ELF executable or shared library"),
    (b"MZ", "Windows executable"),
    (b"\xca\xfe\xba\xbe", "Java class file or Mach-O universal binary"),
    (b"\xcf\xfa\xed\xfe", "Mach-O binary"),
    (b"\x00asm", "WebAssembly module"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"RIFF", "RIFF container (WAV, AVI or WebP)"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\xff\xfe", "UTF-16 (little-endian) text"),
    (b"\xfe\xff", "UTF-16 (big-endian) text"),
)


def _guess_type(name: str, head: bytes) -> str:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[257:262] == b"ustar":
        return "tar archive"
    mime, compression = mimetypes.guess_type(name, strict=False)
    if mime is None:
        return "unknown binary data"
    return f"{mime}{f', {compression}-compressed' if compression else ''} by its extension"


def _binary_error(shown: str, size: int, head: bytes, what: str) -> _ToolError:
    name = shown.rpartition("/")[2]
    return _ToolError(f"{shown} is a binary file ({size} bytes, {_guess_type(name, head)}); {what}")


def _cut_line(text: str) -> str:
    if len(text) <= MAX_LINE_CHARS:
        return text
    return f"{text[:MAX_LINE_CHARS]} [... line cut at {MAX_LINE_CHARS} characters]"


def _numbered(line_no: int, text: str) -> str:
    return f"{line_no:>6}\t{text}"


# ---- read ----------------------------------------------------------------------------


def _skip_lines(fd: int, count: int) -> int:
    """Move ``fd`` past ``count`` lines reading fixed-size chunks; returns how many lines were skipped
    (fewer than ``count`` at the end of the file, a last line without a newline counted)."""
    skipped = 0
    partial = False  # the file so far ends inside a line
    while skipped < count:
        pos = os.lseek(fd, 0, os.SEEK_CUR)
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return skipped + partial
        newlines = chunk.count(b"\n")
        partial = not chunk.endswith(b"\n")
        if skipped + newlines < count:
            skipped += newlines
            continue
        at = -1
        for _ in range(count - skipped):
            at = chunk.index(b"\n", at + 1)
        os.lseek(fd, pos + at + 1, os.SEEK_SET)
        return count
    return skipped


def _bounded_lines(fd: int) -> Iterator[bytes]:
    """Yield the first bytes of each line from ``fd``'s offset on, never holding a long line in memory."""
    with open(fd, "rb", closefd=False) as f:
        while True:
            head = f.readline(_LINE_KEEP_BYTES)
            if not head:
                return
            if not head.endswith(b"\n"):
                while True:
                    rest = f.readline(_CHUNK)
                    if not rest or rest.endswith(b"\n"):
                        break
            yield head


def _decode_line(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if text.endswith("\n"):
        text = text[:-1]
    if text.endswith("\r"):
        text = text[:-1]
    return text


_ShownLines = tuple[list[str], int, bool, bool]
"""What read shows of a file: the numbered lines, how many lines were skipped to reach the offset,
whether the byte cap cut the output, whether more lines follow."""


def _read_lines(fd: int, first: int, limit: int, cap: int) -> _ShownLines:
    """Lines ``first`` to ``first + limit - 1`` of ``fd`` (numbered, cut, at most ``cap`` bytes), read one
    at a time, so a file of any size or line length costs bounded memory."""
    skipped = _skip_lines(fd, first - 1)
    lines: list[str] = []
    used = 0
    cut_by_bytes = more = False
    line_no = skipped
    for raw in _bounded_lines(fd):
        if len(lines) == limit:
            more = True
            break
        line_no += 1
        entry = _numbered(line_no, _cut_line(_decode_line(raw))) + "\n"
        cost = len(entry.encode())
        if used + cost > cap:
            cut_by_bytes = True
            break
        lines.append(entry)
        used += cost
    return lines, skipped, cut_by_bytes, more


def _read_whole(fd: int, head: bytes, first: int, limit: int, cap: int) -> _ShownLines | None:
    """``_read_lines`` for a small file whose lines are all short, decoded and split at once (two to
    three times faster: batch_read of 50 files of 50 lines took 1.7-2.4 ms instead of 3.9-4.8 ms).
    None when it does not apply (the file grew past FAST_READ_BYTES, or has a line to cut); the
    output is the same.  ``head`` is the file's first BINARY_SNIFF_BYTES, already read: all of it when
    it is shorter."""
    data = head if len(head) < BINARY_SNIFF_BYTES else os.pread(fd, FAST_READ_BYTES + 1, 0)
    if len(data) > FAST_READ_BYTES:
        return None
    text = data.decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # read drops one "\r" before the end of a line
    every = text.split("\n")
    if every[-1] == "":
        every.pop()  # after the last "\n"
    elif every[-1].endswith("\r"):
        every[-1] = every[-1][:-1]  # a last line without "\n" loses its "\r" too
    if max(map(len, every), default=0) > MAX_LINE_CHARS:
        return None
    skipped = min(first - 1, len(every))
    window = every[first - 1 : first - 1 + limit]
    entries = [f"{n:>6}\t{line}\n" for n, line in enumerate(window, first)]
    more = len(every) > first - 1 + limit
    # a bound first (an undecodable byte shows as U+FFFD, 3 bytes; a number takes at most 9 more), else the count
    if 3 * len(data) + 9 * len(entries) <= cap or len("".join(entries).encode()) <= cap:
        return entries, skipped, False, more
    used = 0
    for count, entry in enumerate(entries):
        used += len(entry.encode())
        if used > cap:
            return entries[:count], skipped, True, False
    return entries, skipped, False, more


def _read(args: ReadArgs, ctx: FileToolContext, budget: int | None = None) -> FileToolResult:
    """``read``; ``budget`` (batch_read: what is left of the batch's output limit) replaces the read
    limit as the bound of this file's output."""
    cap = ctx.max_read_bytes if budget is None else budget
    fd, shown = _open_file(ctx, args.file_path)
    try:
        size = os.fstat(fd).st_size
        head = os.pread(fd, BINARY_SNIFF_BYTES, 0)
        if b"\0" in head:
            raise _binary_error(shown, size, head, "not shown as text")
        if not head:
            return FileToolResult(
                f"{shown} is empty (0 bytes)",
                structured={
                    "path": shown,
                    "size": 0,
                    "first_line": 0,
                    "last_line": 0,
                    "truncated": False,
                    "next_offset": None,
                },
            )
        first = args.offset or 1
        limit = args.limit or DEFAULT_READ_LINES
        shown_lines = _read_whole(fd, head, first, limit, cap) if size <= FAST_READ_BYTES else None
        if shown_lines is None:
            shown_lines = _read_lines(fd, first, limit, cap)
        lines, skipped, cut_by_bytes, more = shown_lines
    finally:
        os.close(fd)
    if not lines and not cut_by_bytes:
        raise _ToolError(f"offset {first} is past the end of {shown}, which has {skipped} lines")
    last = first + len(lines) - 1
    text = "".join(lines)
    next_offset: int | None = None
    if cut_by_bytes:
        next_offset = last + 1
        bound = (f"the read limit of {ctx.max_read_bytes} bytes (max_read_bytes)" if budget is None else
                 f"the batch's output limit ({ctx.max_read_bytes} bytes in all, max_read_bytes)")
        text += f"[output cut at {bound} after line {last}; continue with offset={next_offset}]\n"
    elif more:
        next_offset = last + 1
        text += f"[showing lines {first}-{last}; the file has more lines, continue with offset={next_offset}]\n"
    return FileToolResult(
        text,
        structured={
            "path": shown,
            "size": size,
            "first_line": first,
            "last_line": last,
            "truncated": next_offset is not None,
            "next_offset": next_offset,
        },
    )


# ---- write and edit ------------------------------------------------------------------


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _target(ctx: FileToolContext, path: str, *, create: bool) -> tuple[int, str, str]:
    """The directory that holds the file to write (open), the file's name there, and the name to show."""
    try:
        dir_fd, name = ctx.root.parent(path, create=create)
    except IsADirectoryError:
        raise _ToolError(f"{_lexical(ctx, path)} is a directory; give a file path") from None
    except FileNotFoundError:
        if create:
            raise
        raise _ToolError(f"file not found: {_lexical(ctx, path)}") from None
    except (NotADirectoryError, FileExistsError):
        raise _ToolError(f"cannot create {_lexical(ctx, path)}: a component of its directory is a file") from None
    return dir_fd, name, _printable(ctx.root.display(dir_fd, name, fallback=ctx.root.relative(path)))


def _existing(dir_fd: int, name: str, shown: str) -> os.stat_result | None:
    """The file ``name`` in ``dir_fd`` as it is now (not following a symlink); None when there is none."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise _ToolError(f"{shown} is a directory; give a file path")
    if not stat.S_ISREG(st.st_mode):
        raise _ToolError(f"{shown} is not a regular file ({_kind(st.st_mode)}); refusing to write it")
    return st


@contextlib.contextmanager
def replacing(dir_fd: int, name: str, shown: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the file ``name`` in ``dir_fd`` while it is checked and replaced.

    edit, multi_edit and patch (in every worker's helper) take it between their last check that the
    file is the one they read and their rename over it, so none of them can replace a version another
    has just replaced: the second finds the name pointing at the new file and refuses.  Advisory: a
    program that writes without it (bash) is seen only by the check.  A lock held elsewhere longer than
    LOCK_WAIT seconds makes the edit fail with the reason."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError:
        yield  # gone or not a file: the check that follows refuses it
        return
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise _ToolError(f"{shown} is locked (flock) by another process; nothing was changed") from None
                time.sleep(0.002)
        yield
    finally:
        os.close(fd)


def _unchanged_since(dir_fd: int, name: str, shown: str, read: os.stat_result) -> os.stat_result:
    """The file ``name`` as it is now, refused if it is not the one that was read (``read``: another
    writer replaced or changed it meanwhile, whose change the edit would undo)."""
    now = _existing(dir_fd, name, shown)
    if now is None or (now.st_ino, now.st_dev, now.st_size, now.st_mtime_ns) != (
            read.st_ino, read.st_dev, read.st_size, read.st_mtime_ns):
        raise _ToolError(f"{shown} changed while it was being edited; nothing was changed (read it again)")
    return now


def _replace(dir_fd: int, name: str, data: bytes, existing: os.stat_result | None,
             read: tuple[str, os.stat_result] | None = None) -> None:
    """Write ``data`` to a temporary file in ``dir_fd`` and rename it over ``name`` there.

    Readers see the old or the new content, never a mix; after a crash the old file is intact.  An
    existing file's mode (and owner, where we may set it) is kept; a new file gets 0666 minus the
    umask like any other created file.  The temporary file is removed on every error.  With ``read``
    (the name to show and the fstat of the file an edit read), the rename is refused if the file is no
    longer that one (``_unchanged_since``), checked after the temporary file is written, under the
    file's lock (``replacing``).
    """
    prefix = os.fsdecode(os.fsencode(name)[:100])  # leaves room for the suffix in a 255-byte name
    tmp = f".{prefix}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=dir_fd)
    try:
        try:
            if existing is not None:
                if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                    with contextlib.suppress(PermissionError):
                        os.fchown(fd, existing.st_uid, existing.st_gid)
                # after fchown, which clears set-id bits
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if read is None:
            os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        else:
            with replacing(dir_fd, name, read[0]):
                _unchanged_since(dir_fd, name, *read)
                os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
    with contextlib.suppress(OSError):  # EBADF for a directory we could only open with O_PATH
        os.fsync(dir_fd)


def _append(dir_fd: int, name: str, shown: str, data: bytes) -> bool:
    """Append to ``name`` in ``dir_fd`` (created if missing); True when it was created."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        try:
            fd = os.open(name, flags | os.O_CREAT | os.O_EXCL, 0o666, dir_fd=dir_fd)
            created = True
        except FileExistsError:
            fd = os.open(name, flags, dir_fd=dir_fd)
            created = False
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO):
            raise _ToolError(f"{shown} is not a regular file; refusing to append to it") from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _ToolError(f"{shown} is not a regular file; refusing to append to it")
        os.set_blocking(fd, True)
        _write_all(fd, data)
    finally:
        os.close(fd)
    return created


def _content_bytes(args: WriteArgs) -> bytes:
    if args.encoding == "base64":
        try:
            return base64.b64decode(args.content, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _ToolError(f"content is not valid base64: {exc}") from None
    try:
        return args.content.encode("utf-8")
    except UnicodeEncodeError:
        raise _ToolError("content is not valid Unicode (it holds a lone surrogate)") from None


def _write(args: WriteArgs, ctx: FileToolContext) -> FileToolResult:
    data = _content_bytes(args)
    if len(data) > ctx.max_write_bytes:
        raise _ToolError(
            f"content is {len(data)} bytes, over the write limit of {ctx.max_write_bytes} bytes (max_write_bytes)"
        )
    dir_fd, name, shown = _target(ctx, args.file_path, create=True)
    try:
        existing = _existing(dir_fd, name, shown)
        if args.mode == "append":
            created = _append(dir_fd, name, shown, data)
            verb = "Created" if created else "Appended"
        else:
            _replace(dir_fd, name, data, existing)
            created = existing is None
            verb = "Created" if created else "Overwrote"
    finally:
        os.close(dir_fd)
    return FileToolResult(
        f"{verb} {shown} ({len(data)} bytes written)",
        structured={
            "path": shown,
            "bytes_written": len(data),
            "created": created,
            "mode": args.mode,
        },
    )


def _edit_snippet(text: str, start_line: int, end_line: int) -> str:
    lines = text.split("\n")
    lo = max(1, start_line - 3)
    hi = min(len(lines), end_line + 3)
    return "\n".join(_numbered(n, _cut_line(_printable(lines[n - 1].removesuffix("\r")))) for n in range(lo, hi + 1))


class Edited(NamedTuple):
    text: str  # the text after the edit
    replacements: int  # replacements made
    at: int  # where the first one is (in the text before)
    old: str  # old_string as it matched, and new_string as it was written (line ends: the file's)
    new: str


def _apply_edit(text: str, old_string: str, new_string: str, replace_all: bool, shown: str,
                which: str = "") -> Edited:
    """Replace ``old_string`` in ``text`` by the rules of edit (and of each edit of multi_edit, named by
    ``which``).  Line ends follow the file's (``worker.tools.text.find_edit``).  Raises _ToolError when
    it is missing or not unique."""
    old, new, count = find_edit(text, old_string, new_string)
    if count == 0:
        raise _ToolError(
            f"{which}old_string was not found in {shown}; it must match exactly, including whitespace and "
            "indentation (read the file to copy the text)"
        )
    if count > 1 and not replace_all:
        raise _ToolError(
            f"{which}old_string occurs {count} times in {shown}; add surrounding lines to make it unique, "
            "or set replace_all=true to replace all of them"
        )
    at = text.index(old)
    replaced = text.replace(old, new) if replace_all else text.replace(old, new, 1)
    return Edited(replaced, count if replace_all else 1, at, old, new)


def _edit(args: EditArgs, ctx: FileToolContext) -> FileToolResult:
    dir_fd, name, shown = _target(ctx, args.file_path, create=False)
    try:
        fd = _open_file_at(dir_fd, name, shown)
        try:
            read = os.fstat(fd)
            size = read.st_size
            if size > ctx.max_write_bytes:
                raise _ToolError(
                    f"{shown} is {size} bytes, over the edit limit of {ctx.max_write_bytes} bytes (max_write_bytes)"
                )
            data = _read_all(fd, ctx.max_write_bytes + 1)
        finally:
            os.close(fd)
        if b"\0" in data[:BINARY_SNIFF_BYTES]:
            raise _binary_error(shown, len(data), data, "edit only changes text files")
        # surrogateescape keeps bytes that are not UTF-8 exactly as they were
        text = data.decode("utf-8", "surrogateescape")
        replaced, replacements, at, _, new = _apply_edit(text, args.old_string, args.new_string,
                                                         args.replace_all, shown)
        try:
            out = replaced.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raise _ToolError("new_string is not valid Unicode (it holds a lone surrogate)") from None
        if len(out) > ctx.max_write_bytes:
            raise _ToolError(
                f"the edited file would be {len(out)} bytes, over the write limit of {ctx.max_write_bytes} bytes "
                "(max_write_bytes)"
            )
        _replace(dir_fd, name, out, _existing(dir_fd, name, shown), (shown, read))
    finally:
        os.close(dir_fd)
    start_line = text.count("\n", 0, at) + 1
    snippet = _edit_snippet(replaced, start_line, start_line + new.count("\n"))
    where = "first replacement" if replacements > 1 else "replacement"
    return FileToolResult(
        f"Edited {shown}: {replacements} replacement{'s' if replacements > 1 else ''}. "
        f"Around the {where}:\n{snippet}\n",
        structured={"path": shown, "replacements": replacements},
    )


# ---- list ----------------------------------------------------------------------------


def _entries(dir_fd: int) -> list[os.DirEntry[str]]:
    """The entries of an open directory; their ``stat()`` uses ``dir_fd``, which must stay open."""
    with os.scandir(dir_fd) as it:
        return list(it)


def _sorted_entries(dir_fd: int) -> list[os.DirEntry[str]]:
    return sorted(_entries(dir_fd), key=lambda e: e.name)


def _open_subdir(dir_fd: int, name: str) -> int:
    """A subdirectory found by a scan; a symlink (or file) swapped in meanwhile raises OSError."""
    return os.open(name, _OPEN_SUBDIR, dir_fd=dir_fd)


T = TypeVar("T")


def enter_subdir(frames: list[tuple[int, T]], dir_fd: int, name: str, rel: str,
                 pending: Callable[[int, str], T]) -> None:
    """One step down a descriptor walk: open subdirectory ``name`` of ``dir_fd`` (never through a
    symlink) and push its frame, (its descriptor, ``pending(it, rel)``).  A directory that cannot be
    opened or listed is skipped, its descriptor closed."""
    try:
        sub = _open_subdir(dir_fd, name)
    except OSError:
        return
    try:
        frames.append((sub, pending(sub, rel)))
    except OSError:
        os.close(sub)


def _list_line(entry: os.DirEntry[str], rel: str, dir_fd: int) -> str:
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        return f"{rel}  ({exc.strerror})"
    if stat.S_ISDIR(st.st_mode):
        return f"{rel}/"
    if stat.S_ISREG(st.st_mode):
        return f"{rel}  ({st.st_size} bytes)"
    if stat.S_ISLNK(st.st_mode):
        try:
            target = _printable(os.readlink(entry.name, dir_fd=dir_fd))
        except OSError:
            target = "?"
        return f"{rel} -> {target}"
    return f"{rel}  ({_kind(st.st_mode)})"


def _list(args: ListArgs, ctx: FileToolContext) -> FileToolResult:
    fd, base = _open_directory(ctx, args.path, "list", "; use the read tool for files")
    shown = _printable(base) or "."
    depth_limit = (args.max_depth or 1_000_000) if args.recursive else 1
    hidden = 0

    def children(dir_fd: int, rel: str) -> list[tuple[os.DirEntry[str], str]]:
        """The entries to show, last first (they are popped)."""
        nonlocal hidden
        found = []
        for entry in _sorted_entries(dir_fd):
            if entry.name.startswith(".") and not args.include_hidden:
                hidden += 1
                continue
            found.append((entry, _join(rel, _printable(entry.name))))
        found.reverse()
        return found

    try:
        top = children(fd, _printable(base))
    except BaseException as exc:
        os.close(fd)
        if isinstance(exc, PermissionError):
            raise _ToolError(f"permission denied: cannot list {shown}") from None
        raise
    # one frame per directory being listed, depth first: (its descriptor, entries left, its depth)
    frames = [(fd, top, 1)]
    lines: list[str] = []
    try:
        while frames and len(lines) < MAX_LIST_ENTRIES:
            dir_fd, pending, depth = frames[-1]
            if not pending:
                os.close(frames.pop()[0])
                continue
            entry, rel = pending.pop()
            lines.append(_list_line(entry, rel, dir_fd))
            if depth < depth_limit and entry.is_dir(follow_symlinks=False):
                try:
                    sub = _open_subdir(dir_fd, entry.name)
                except OSError as exc:
                    lines[-1] += f"  (cannot list: {exc.strerror})"
                    continue
                try:
                    frames.append((sub, children(sub, rel), depth + 1))
                except OSError as exc:
                    os.close(sub)
                    lines[-1] += f"  (cannot list: {exc.strerror})"
        truncated = any(pending for _, pending, _ in frames)
    finally:
        for dir_fd, _, _ in frames:
            os.close(dir_fd)
    text = "\n".join(lines) + "\n" if lines else f"{shown} is empty\n"
    if truncated:
        text += f"[listing cut at {MAX_LIST_ENTRIES} entries; list a subdirectory or use a smaller max_depth]\n"
    if hidden:
        text += f"[{hidden} hidden entries not shown; include_hidden=true shows them]\n"
    return FileToolResult(
        text, structured={"path": shown, "entries": len(lines), "truncated": truncated, "hidden": hidden}
    )


# ---- glob ----------------------------------------------------------------------------


class _Budget:
    """A scan's deadline plus a stop flag set when the call is cancelled."""

    def __init__(self, seconds: float, stop: threading.Event) -> None:
        self.deadline = time.monotonic() + seconds
        self.stop = stop

    def spent(self) -> bool:
        return self.stop.is_set() or time.monotonic() >= self.deadline


def _check_pattern_size(pattern: str, ctx: FileToolContext, what: str = "pattern") -> None:
    size = len(pattern.encode("utf-8", "surrogatepass"))
    if size > ctx.max_pattern_bytes:
        raise _ToolError(f"{what} is {size} bytes, over the limit of {ctx.max_pattern_bytes} bytes "
                         "(--max-pattern-bytes); use a shorter one")


def _re2_options(*, ignore_case: bool = False) -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # the error comes back to the agent; nothing for the gateway's log
    options.case_sensitive = not ignore_case
    return options


def _re2_reason(exc: re2.error) -> str:
    reason = exc.args[0] if exc.args else exc
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def _quoted(pattern: str) -> str:
    return repr(pattern) if len(pattern) <= 200 else f"{pattern[:200]!r}... ({len(pattern)} characters)"


_MAGIC_CHARS = re.compile(r"[*?\[{\\]")


def _translate_component(part: str) -> str:
    """One path component of a glob as an RE2 regex: * and ? stay inside the component."""
    out: list[str] = []
    i = 0
    while i < len(part):
        c = part[i]
        i += 1
        if c == "*":
            while i < len(part) and part[i] == "*":
                i += 1
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\" and i < len(part):
            out.append(re2.escape(part[i]))
            i += 1
        elif c == "[":
            end = part.find("]", i + 1 if i < len(part) and part[i] in "!^" else i)
            if end < 0:
                out.append(re2.escape(c))
                continue
            body = part[i:end]
            i = end + 1
            negate = body[:1] in ("!", "^")
            if negate:
                body = body[1:]
            body = body.replace("\\", "\\\\").replace("[", "\\[")
            out.append(f"[^/{body}]" if negate else f"[{body}]")
        elif c == "{":
            end = part.find("}", i)
            if end < 0:
                out.append(re2.escape(c))
                continue
            alternatives = part[i:end].split(",")
            i = end + 1
            out.append("(?:" + "|".join(_translate_component(a) for a in alternatives) + ")")
        else:
            out.append(re2.escape(c))
    return "".join(out)


def _glob_regex(pattern: str) -> Any:
    """A full-path matcher for a glob (RE2: linear time): `**` as a whole component spans any number
    of directories."""
    parts = pattern.strip("/").split("/")
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:.*/)?")
        else:
            out.append(_translate_component(part) + ("" if last else "/"))
    try:
        return re2.compile("(?s)" + "".join(out), _re2_options())
    except re2.error as exc:
        raise _ToolError(f"invalid glob pattern {_quoted(pattern)}: {_re2_reason(exc)}") from None


def _fullmatch(matcher: Any, name: str) -> bool:
    """Whether a file name matches; undecodable bytes in it (surrogate escapes) match as U+FFFD."""
    try:
        return matcher.fullmatch(name) is not None
    except UnicodeEncodeError:
        return matcher.fullmatch(_printable(name)) is not None


def _glob(args: GlobArgs, ctx: FileToolContext, budget: _Budget) -> FileToolResult:
    _check_pattern_size(args.pattern, ctx)
    matcher = _glob_regex(args.pattern)
    fd, base = _open_directory(ctx, args.path, "search")
    shown = _printable(base) or "."
    parts = args.pattern.strip("/").split("/")
    # leading components without wildcards name the only directories worth entering
    literal: list[str] = []
    for part in parts[:-1]:
        if _MAGIC_CHARS.search(part):
            break
        literal.append(part)
    max_depth = len(parts) if "**" not in parts else 1_000_000
    want_hidden = any(p.startswith(".") for p in parts)
    found: list[tuple[int, str]] = []
    timed_out = False
    # one frame per directory being scanned, depth first: (descriptor, entries left, path, depth)
    frames: list[tuple[int, Iterator[os.DirEntry[str]], str, int]] = []
    try:
        try:
            frames.append((fd, iter(_entries(fd)), "", 1))
        except OSError:
            os.close(fd)
            raise
        while frames:
            if budget.spent():
                timed_out = True
                break
            dir_fd, entries, rel, depth = frames[-1]
            entry = next(entries, None)
            if entry is None:
                os.close(frames.pop()[0])
                continue
            if entry.name.startswith(".") and not want_hidden:
                continue
            if depth <= len(literal) and entry.name != literal[depth - 1]:
                continue
            child = _join(rel, entry.name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                if _fullmatch(matcher, child):
                    mtime = entry.stat(follow_symlinks=False).st_mtime_ns
                    found.append((mtime, _join(base, _printable(child)) + ("/" if is_dir else "")))
            except OSError:
                continue
            if is_dir and depth < max_depth:
                try:
                    sub = _open_subdir(dir_fd, entry.name)
                except OSError:
                    continue
                try:
                    frames.append((sub, iter(_entries(sub)), child, depth + 1))
                except OSError:
                    os.close(sub)
    finally:
        for dir_fd, _, _, _ in frames:
            os.close(dir_fd)
    found.sort(key=lambda item: (-item[0], item[1]))
    shown_matches = [name for _, name in found[:MAX_GLOB_RESULTS]]
    if shown_matches:
        text = "\n".join(shown_matches) + "\n"
    else:
        text = f"no files match {args.pattern!r} in {shown}\n"
    if len(found) > MAX_GLOB_RESULTS:
        text += f"[{len(found)} matches, showing the newest {MAX_GLOB_RESULTS}; use a narrower pattern]\n"
    if timed_out:
        text += f"[scan stopped after the time limit of {ctx.scan_time_budget:g} s; results are partial]\n"
    return FileToolResult(
        text,
        structured={
            "matches": len(found),
            "truncated": len(found) > MAX_GLOB_RESULTS,
            "timed_out": timed_out,
        },
    )


# ---- grep ----------------------------------------------------------------------------

# per file: line number -> (is a match, text); lines near a match that are not matches are context
_FileHits = dict[int, tuple[bool, str]]

_RG_LINE = re.compile(rb"(\d+)([:-])(.*)", re.DOTALL)
# Patterns whose meaning depends on where a line is cut from its neighbours: \A and \z (start and
# end of the text), and multi-line mode turned off ("(?-m)": ^ and $ then mean \A and \z).  For
# them each line is searched on its own; every other pattern is run over a block of many lines.
_LINE_BOUND = re.compile(r"\\[Az]|\(\?[a-zA-Z]*-[a-zA-Z]*m")


class _GrepSearch(msgspec.Struct):
    files: dict[str, _FileHits]
    engine: str
    timed_out: bool = False
    note: str = ""


class _Pattern:
    """A grep pattern compiled with RE2 for UTF-8 bytes, the way ripgrep matches it.

    ``block`` searches many lines at once: multi-line mode, and ``never_nl`` so no match spans a
    newline (a class like ``[^a]`` or ``\\s`` does not take it either), which makes a match in a block
    a match of the one line it lies in.  ``line`` (patterns of ``_LINE_BOUND``) searches one line.
    Invalid patterns raise _ToolError before any file is opened.
    """

    def __init__(self, pattern: str, ignore_case: bool, ctx: FileToolContext) -> None:
        _check_pattern_size(pattern, ctx)
        raw = pattern.encode("utf-8", "surrogatepass")
        options = _re2_options(ignore_case=ignore_case)
        options.never_nl = True
        try:
            self.line = re2.compile(raw, options)  # first: its error names the pattern as written
            self.block = re2.compile(b"(?m)" + raw, options)
        except re2.error as exc:
            raise _ToolError(f"invalid regular expression {_quoted(pattern)}: {_re2_reason(exc)} (grep uses RE2 "
                             "syntax, as ripgrep does: no look-around, no backreferences)") from None
        self.per_line = _LINE_BOUND.search(pattern) is not None


def _line_text(raw: bytes) -> str:
    return _cut_line(raw.decode("utf-8", "replace"))


class _LineHits:
    """The hits of one file under ripgrep's ``--max-count=limit --context=context`` rules.

    ``step`` takes lines in order; ``block`` takes a block of whole lines and calls ``step`` only for
    matches and the lines around them (a run of lines that do not match is handled in ``_gap`` with
    at most 2 x context of them looked at), so a file with few matches costs one RE2 scan.
    """

    __slots__ = ("after", "before", "context", "done", "hits", "limit", "matches")

    def __init__(self, context: int, limit: int) -> None:
        self.hits: _FileHits = {}
        self.context = context
        self.limit = limit
        self.before: deque[tuple[int, bytes]] = deque(maxlen=context)
        self.after = 0
        self.matches = 0
        self.done = False

    def step(self, number: int, is_match: bool, raw: bytes) -> None:
        """One line.  After the last counted match, ripgrep still prints ``context`` lines (showing
        matches among them as matches); this does the same so both engines agree."""
        if self.matches >= self.limit:
            if not self.after:
                self.done = True
                return
            self.hits[number] = (is_match, _line_text(raw))
            self.after -= 1
            return
        if is_match:
            for entry in self.before:
                self.hits.setdefault(entry[0], (False, _line_text(entry[1])))
            self.before.clear()
            self.hits[number] = (True, _line_text(raw))
            self.matches += 1
            self.after = self.context
        elif self.after:
            self.hits[number] = (False, _line_text(raw))
            self.after -= 1
        elif self.context:
            self.before.append((number, raw))
        if self.matches >= self.limit and not self.after:
            self.done = True  # nothing more is shown: the next line would end the file's search

    def _gap(self, data: bytes, start: int, end: int, number: int) -> int:
        """Lines of ``data`` from offset ``start`` to ``end`` (a line start, or the end of ``data``),
        none of them a match, the first numbered ``number``; returns how many there were."""
        count = data.count(b"\n", start, end)
        if end > start and data[end - 1 : end] != b"\n":
            count += 1  # the last line of a file that does not end with a newline
        # the after-context of the previous match, from the front
        pos = start
        taken = 0
        while taken < count and self.after and not self.done:
            stop = data.find(b"\n", pos, end)
            stop = end if stop < 0 else stop
            self.step(number + taken, False, data[pos:stop])
            pos = stop + 1
            taken += 1
        if self.done or taken == count:
            return count
        if self.matches >= self.limit:
            self.done = True  # a line arrived after the last context line
            return count
        # the before-context of the next match: the last lines of the run, from the back
        if self.context:
            tail: list[tuple[int, bytes]] = []
            line_end = end - 1 if data[end - 1 : end] == b"\n" else end
            while len(tail) < min(self.context, count - taken):
                line_start = max(pos, data.rfind(b"\n", pos, line_end) + 1)
                tail.append((number + count - 1 - len(tail), data[line_start:line_end]))
                line_end = line_start - 1
            for entry in reversed(tail):
                self.before.append(entry)
        return count

    def block(self, data: bytes, number: int, pattern: _Pattern, budget: _Budget) -> tuple[int, bool]:
        """Lines ``data`` (whole lines; "\\r\\n" already made "\\n"), the first numbered ``number``.
        Returns (how many lines, whether the budget ran out)."""
        if pattern.per_line:
            return self._each_line(data, number, pattern, budget)
        pos = 0
        found = 0
        while not self.done:
            match = pattern.block.search(data, pos)
            if match is None:
                break
            at = match.start()
            if at == len(data) and (not data or data.endswith(b"\n")):
                break  # an empty match after the last line
            line_start = data.rfind(b"\n", pos, at) + 1 or pos
            line_start = max(line_start, pos)
            number += self._gap(data, pos, line_start, number)
            if self.done:
                break
            line_end = data.find(b"\n", at)
            line_end = len(data) if line_end < 0 else line_end
            self.step(number, True, data[line_start:line_end])
            number += 1
            pos = line_end + 1
            found += 1
            if found & 0xFF == 0 and budget.spent():
                return number, True
            if pos >= len(data):
                break
        if not self.done and pos < len(data):
            number += self._gap(data, pos, len(data), number)
        return number, False

    def _each_line(self, data: bytes, number: int, pattern: _Pattern, budget: _Budget) -> tuple[int, bool]:
        pos = 0
        while pos < len(data) and not self.done:
            end = data.find(b"\n", pos)
            end = len(data) if end < 0 else end
            line = data[pos:end]
            self.step(number, pattern.line.search(line) is not None, line)
            number += 1
            pos = end + 1
            if number & 0xFFF == 0 and budget.spent():
                return number, True
        return number, False


def _line_blocks(fd: int, head: bytes, block: int) -> Iterator[bytes]:
    """The file from ``fd``'s offset, after ``head`` (already read), in blocks of whole lines of about
    ``block`` bytes (a longer line is one block), with "\\r\\n" made "\\n" (``rg --crlf``)."""
    buf = bytearray(head)
    # a short read of a regular file is its end: most files fit in the head, and need no other read
    eof = len(head) < BINARY_SNIFF_BYTES
    while True:
        while len(buf) > block:
            cut = buf.find(b"\n", max(block, 1) - 1)
            if cut < 0:
                break
            yield _crlf(bytes(buf[: cut + 1]), False)
            del buf[: cut + 1]
        if eof:
            if buf:
                yield _crlf(bytes(buf), True)
            return
        remaining = os.fstat(fd).st_size - os.lseek(fd, 0, os.SEEK_CUR)
        # the size of what is left (a little more, to see the end): no 16 MiB buffer for a small rest
        more = os.read(fd, min(max(block, _CHUNK), max(remaining, 0) + 65536))
        if more:
            buf += more
        else:
            eof = True


def _crlf(data: bytes, last: bool) -> bytes:
    if b"\r" not in data:
        return data
    data = data.replace(b"\r\n", b"\n")
    return data[:-1] if last and data.endswith(b"\r") else data


def _search_file(fd: int, head: bytes, pattern: _Pattern, context: int, limit: int,
                 budget: _Budget) -> tuple[_FileHits, bool]:
    """Match lines like ``rg --crlf --max-count=limit --context=context``; returns (hits, budget spent)."""
    hits = _LineHits(context, limit)
    number = 1
    for data in _line_blocks(fd, head, GREP_WHOLE_FILE_LIMIT):
        if budget.spent():
            return hits.hits, True
        number, spent = hits.block(data, number, pattern, budget)
        if spent:
            return hits.hits, True
        if hits.done:
            break
    return hits.hits, False


def _file_filter(glob: str | None) -> Callable[[str, str], bool]:
    """Whether a file (name, path below the search root) passes ``glob``, with ripgrep's --glob rules."""
    if glob is None:
        return lambda name, rel: True
    matcher = _glob_regex(glob)
    if "/" in glob.rstrip("/"):
        return lambda name, rel: _fullmatch(matcher, rel)
    return lambda name, rel: _fullmatch(matcher, name)


def _grep_python(root_fd: int, base: str, pattern: _Pattern, args: GrepArgs, budget: _Budget) -> _GrepSearch:
    """Walk the directory ``root_fd`` in path order like ripgrep selects files, stopping after
    max_results + 1 matches."""
    wanted = _file_filter(args.glob)
    limit = args.max_results + 1
    found: dict[str, _FileHits] = {}
    total = 0

    def pending(dir_fd: int, rel: str) -> list[tuple[str, str, bool]]:
        """(name, path, is a directory) of what to search in a directory, last first (they are popped)."""
        out = []
        for entry in reversed(_sorted_entries(dir_fd)):
            # like rg without --follow: symlinks are skipped; hidden entries are never searched
            if entry.name.startswith(".") or entry.is_symlink():
                continue
            child = _join(rel, entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):
                    out.append((entry.name, child, True))
                elif entry.is_file(follow_symlinks=False) and wanted(entry.name, child):
                    out.append((entry.name, child, False))
            except OSError:
                continue
        return out

    # one frame per directory, depth first: (its descriptor, what is left to search in it)
    frames: list[tuple[int, list[tuple[str, str, bool]]]] = []
    try:
        frames.append((root_fd, pending(root_fd, "")))
        while frames and total < limit:
            if budget.spent():
                return _GrepSearch(found, "python", timed_out=True)
            dir_fd, left = frames[-1]
            if not left:
                frames.pop()
                if dir_fd != root_fd:
                    os.close(dir_fd)
                continue
            name, rel, is_dir = left.pop()
            if is_dir:
                enter_subdir(frames, dir_fd, name, rel, pending)
                continue
            try:
                fd = os.open(name, _OPEN_READ | os.O_NOFOLLOW, dir_fd=dir_fd)
            except OSError:
                continue
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    continue  # O_NONBLOCK stays: it changes nothing for a regular file
                head = os.read(fd, BINARY_SNIFF_BYTES)
                if b"\0" in head:
                    continue
                hits, spent = _search_file(fd, head, pattern, args.context_lines, limit - total, budget)
            except OSError:
                continue
            finally:
                os.close(fd)
            if hits:
                found[_join(base, _printable(rel))] = hits
                total += sum(1 for is_match, _ in hits.values() if is_match)
            if spent:
                return _GrepSearch(found, "python", timed_out=True)
        return _GrepSearch(found, "python")
    finally:
        for dir_fd, _ in frames:
            if dir_fd != root_fd:
                os.close(dir_fd)


def _rg_argv(rg: str, args: GrepArgs, target: str) -> list[str]:
    argv = [
        rg,
        "--no-config",
        # file selection must equal the Python engine's: no ignore files; hidden entries are
        # excluded by the last --glob below, which also wins over a user glob naming them
        "--no-ignore",
        "--hidden",
        "--no-messages",
        "--null",
        "--line-number",
        "--with-filename",
        "--no-heading",
        "--color=never",
        "--crlf",
        # no BOM sniffing: UTF-16 files count as binary, as in the Python engine
        "--encoding=none",
        # bounds the output of minified files; longer lines are cut to MAX_LINE_CHARS anyway
        "--max-columns=8192",
        "--max-columns-preview",
        f"--max-count={args.max_results + 1}",
    ]
    if args.context_lines:
        argv.append(f"--context={args.context_lines}")
    if args.case_insensitive:
        argv.append("--ignore-case")
    if args.glob is not None:
        argv.append(f"--glob={args.glob}")
    # a file is searched as stdin ("-"), whatever the globs say, as in the Python engine
    argv += ["--glob=!.*", "--regexp", args.pattern, "--", target]
    return argv


def _parse_rg(out: bytes, base: str, single: str | None) -> dict[str, _FileHits]:
    """rg's ``path NUL line:text`` output; ``single`` names every line's file (a search of stdin)."""
    files: dict[str, _FileHits] = {}
    for raw in out.split(b"\n"):
        path, sep, rest = raw.partition(b"\0")
        if not sep:
            continue  # "--" between context groups, or a cut-off last line
        parsed = _RG_LINE.fullmatch(rest)
        if parsed is None:
            continue
        name = single if single is not None else _join(base, path.decode("utf-8", "replace").removeprefix("./"))
        text = parsed[3].decode("utf-8", "replace").removesuffix("\r")
        files.setdefault(name, {})[int(parsed[1])] = (parsed[2] == b":", _cut_line(text))
    return files


def _grep_rg(rg: str, run: Runner, cwd_fd: int | None, stdin_fd: int | None, base: str, single: str | None,
             args: GrepArgs, budget: float, stop: threading.Event) -> _GrepSearch | None:
    """Search with ripgrep: the directory ``cwd_fd`` (result paths joined to ``base``, its
    workspace-relative path), or the file ``stdin_fd`` (shown as ``single``); None when rg could not."""
    target = "." if stdin_fd is None else "-"
    try:
        code, out = run(_rg_argv(rg, args, target), cwd_fd, stdin_fd, budget, stop)
    except TimeoutError:
        return _GrepSearch({}, "rg", timed_out=True)
    except OSError:
        return None
    if code < 0:
        return _GrepSearch(_parse_rg(out, base, single), "rg", timed_out=True)
    if code in (0, 1) or (code == 2 and out):
        # 2 with output: some files could not be read, the rest was searched
        return _GrepSearch(_parse_rg(out, base, single), "rg")
    return None


def _format_grep(search: _GrepSearch, args: GrepArgs, ctx: FileToolContext, shown: str) -> FileToolResult:
    """Sort by path then line, keep the first max_results matches with their context, apply the byte cap."""
    lines: list[str] = []
    used = 0
    matches = 0
    files = 0
    more = cut_by_bytes = False
    for path in sorted(search.files, key=lambda p: p.split("/")):
        hits = search.files[path]
        match_lines = sorted(n for n, (is_match, _) in hits.items() if is_match)
        take = match_lines[: max(0, args.max_results - matches)]
        if len(take) < len(match_lines):
            more = True
        if not take:
            break
        wanted: set[int] = set()
        for n in take:
            wanted.update(range(n - args.context_lines, n + args.context_lines + 1))
        block: list[str] = []
        previous = None
        for n in sorted(wanted & hits.keys()):
            if args.context_lines and previous is not None and n != previous + 1:
                block.append("--")
            is_match, text = hits[n]
            sep = ":" if is_match else "-"
            block.append(f"{path}{sep}{n}{sep}{text}")
            previous = n
        if args.context_lines and lines:
            block.insert(0, "--")
        cost = sum(len(line.encode()) + 1 for line in block)
        if used + cost > ctx.max_read_bytes:
            cut_by_bytes = True
            break
        lines.extend(block)
        used += cost
        matches += len(take)
        files += 1
    text = "\n".join(lines) + "\n" if lines else f"no matches for {_quoted(args.pattern)} in {shown}\n"
    if more:
        text += f"[stopped at max_results={args.max_results} matching lines; narrow the search or raise max_results]\n"
    if cut_by_bytes:
        text += f"[output cut at the read limit of {ctx.max_read_bytes} bytes (max_read_bytes); narrow the search]\n"
    if search.timed_out:
        text += f"[search stopped after the time limit of {ctx.scan_time_budget:g} s; results are partial]\n"
    if search.note:
        text += f"[{search.note}]\n"
    return FileToolResult(
        text,
        structured={
            "engine": search.engine,
            "matches": matches,
            "files": files,
            "truncated": more or cut_by_bytes,
            "timed_out": search.timed_out,
        },
    )


def _grep_here(fd: int, is_file: bool, shown: str, base: str, pattern: _Pattern, args: GrepArgs,
               budget: _Budget) -> _GrepSearch:
    """The search by the Python engine, in this process."""
    if is_file:
        os.lseek(fd, 0, os.SEEK_SET)  # rg, given the file as stdin, shares its offset
        hits, spent = _search_file(fd, os.read(fd, BINARY_SNIFF_BYTES), pattern, args.context_lines,
                                   args.max_results + 1, budget)
        return _GrepSearch({shown: hits} if hits else {}, "python", timed_out=spent)
    return _grep_python(fd, _printable(base), pattern, args, budget)


def _grep(args: GrepArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    pattern = _Pattern(args.pattern, args.case_insensitive, ctx)  # a bad pattern fails before any search
    if args.glob is not None:
        _check_pattern_size(args.glob, ctx, "glob")
    try:
        fd = ctx.root.open(args.path, _OPEN_READ)
    except FileNotFoundError:
        raise _ToolError(f"path not found: {_lexical(ctx, args.path)}") from None
    except PermissionError:
        raise _ToolError(f"permission denied: cannot read {_lexical(ctx, args.path)}") from None
    try:
        mode = os.fstat(fd).st_mode
        base = ctx.root.display(fd, fallback=ctx.root.relative(args.path))
        shown = _printable(base) or "."
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise _ToolError(f"{shown} is not a regular file or directory ({_kind(mode)})")
        is_file = stat.S_ISREG(mode)
        if is_file:
            os.set_blocking(fd, True)
            head = os.pread(fd, BINARY_SNIFF_BYTES, 0)
            if b"\0" in head:
                # refused up front: rg would search a named binary file
                raise _binary_error(shown, os.fstat(fd).st_size, head, "grep does not search binary files")
        budget = _Budget(ctx.scan_time_budget, stop)
        rg = (ctx.rg_path or shutil.which("rg")) if ctx.run is not None else None
        search = None
        if rg is not None and ctx.python_first > 0:
            first = _Budget(min(ctx.python_first, ctx.scan_time_budget), stop)
            quick = _grep_here(fd, is_file, shown, base, pattern, args, first)
            if not quick.timed_out or stop.is_set():
                search = quick
        if search is None and rg is not None and ctx.run is not None:
            if is_file:
                search = _grep_rg(rg, ctx.run, None, fd, "", shown, args, ctx.scan_time_budget, stop)
            else:
                search = _grep_rg(rg, ctx.run, fd, None, _printable(base), None, args, ctx.scan_time_budget, stop)
        if search is None:
            search = _grep_here(fd, is_file, shown, base, pattern, args, budget)
            if rg is not None:
                search.note = "ripgrep could not run this search; the Python engine did"
    finally:
        os.close(fd)
    return _format_grep(search, args, ctx, shown)


# ---- child processes (rg, git) ---------------------------------------------------------------

_children_lock = threading.Lock()
_children: set[int] = set()  # pids of processes run_process has started and not yet reaped


def kill_running_children() -> None:
    """SIGKILL every rg or git still running (each is in a session of its own): the process is about to exit."""
    with _children_lock:
        for pid in _children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


def child_env() -> dict[str, str]:
    """The environment of a child the helper runs: PATH, and the marker the gateway kills a lost
    worker's processes by.  Nothing else of the helper's reaches it."""
    env = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")}
    if "SANDBOX_WORKER" in os.environ:
        env["SANDBOX_WORKER"] = os.environ["SANDBOX_WORKER"]
    return env


class ProcessOutput(msgspec.Struct):
    """What ``run_process`` got: the exit code (-9 when it was killed), stdout (the first
    ``output_cap`` bytes), stderr (the first ``stderr_cap``), and why it ended early, if it did."""

    code: int
    out: bytes
    err: bytes = b""
    killed: bool = False  # at the time limit, on stop, or (kill_at_cap) once the output cap was reached
    capped: bool = False  # more output than output_cap came (and was dropped, or cut short by the kill)


def run_process(argv: list[str], *, cwd_fd: int | None, stdin_fd: int | None, env: dict[str, str],
                time_limit: float, stop: threading.Event, output_cap: int, kill_at_cap: bool = False,
                stderr_cap: int = 0, pass_fds: tuple[int, ...] = ()) -> ProcessOutput:
    """Run ``argv`` as a child of this process (the file helper: so as the tool user), bounded.

    Its working directory is the descriptor ``cwd_fd``, entered through ``/proc/self/fd/N`` by the
    child itself before it execs (a descriptor the child inherited, not a path looked up again);
    ``stdin_fd`` is given as its stdin.  It runs in a session of its own, with no descriptor of ours
    but those and ``pass_fds``.  Output is read as it comes: the first ``output_cap`` bytes are kept
    and the rest is read and dropped, so the child never blocks on a full pipe, or (``kill_at_cap``)
    the child is killed once the cap is reached.  With ``stderr_cap`` that much of stderr is kept too (else it is
    /dev/null).  At ``time_limit`` seconds or once ``stop`` is set, its session is SIGKILLed.
    """
    with _children_lock:
        proc = subprocess.Popen(
            argv, stdin=stdin_fd if stdin_fd is not None else subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if stderr_cap else subprocess.DEVNULL,
            cwd=f"/proc/self/fd/{cwd_fd}" if cwd_fd is not None else "/",
            start_new_session=True, env=env, pass_fds=pass_fds,
        )
        _children.add(proc.pid)
    assert proc.stdout is not None
    out_fd = proc.stdout.fileno()
    err_fd = proc.stderr.fileno() if proc.stderr is not None else -1
    kept = {out_fd: bytearray(), err_fd: bytearray()}
    caps = {out_fd: output_cap, err_fd: stderr_cap}
    deadline = time.monotonic() + time_limit
    killed = capped = False
    code = -9
    poller = select.poll()
    open_fds = 0
    for fd in (out_fd, err_fd):
        if fd >= 0:
            poller.register(fd, select.POLLIN)
            open_fds += 1
    try:
        while open_fds:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or stop.is_set():
                killed = True
                break
            for fd, _ in poller.poll(min(remaining, 0.05) * 1000):
                data = os.read(fd, 1 << 20)
                if not data:
                    poller.unregister(fd)
                    open_fds -= 1
                    continue
                buf = kept[fd]
                room = caps[fd] - len(buf)
                if len(data) > room and fd == out_fd:
                    capped = True
                if room > 0:
                    buf += data[:room]
            if capped and kill_at_cap:
                killed = True
                break
        if not killed:
            try:
                code = proc.wait(max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                killed = True
    finally:
        if killed or proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()
        proc.wait()
        with _children_lock:
            _children.discard(proc.pid)
    return ProcessOutput(-9 if killed else code, bytes(kept[out_fd]), bytes(kept[err_fd]), killed, capped)


def run_rg(argv: list[str], cwd_fd: int | None, stdin_fd: int | None, time_limit: float,
           stop: threading.Event) -> tuple[int, bytes]:
    """Run ``rg`` with ``run_process`` (see ``Runner``): the first RG_OUTPUT_CAP bytes of its output
    are kept, the rest dropped; at ``time_limit`` or on ``stop`` it is killed and the exit code is -9."""
    result = run_process(argv, cwd_fd=cwd_fd, stdin_fd=stdin_fd, env=child_env(), time_limit=time_limit,
                         stop=stop, output_cap=RG_OUTPUT_CAP)
    return result.code, result.out


# ---- the family's handlers -----------------------------------------------------------------

helper_tool("read")(lambda args, ctx, stop: _read(args, ctx))
helper_tool("write")(lambda args, ctx, stop: _write(args, ctx))
helper_tool("edit")(lambda args, ctx, stop: _edit(args, ctx))
helper_tool("list")(lambda args, ctx, stop: _list(args, ctx))
helper_tool("glob")(lambda args, ctx, stop: _glob(args, ctx, _Budget(ctx.scan_time_budget, stop)))
helper_tool("grep")(lambda args, ctx, stop: _grep(args, ctx, stop))
