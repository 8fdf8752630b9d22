"""The file tools (read, write, edit, list, glob, grep) as the worker runs them.

``run_file_tool`` takes arguments already validated into the Structs of
``shared.file_tools`` and returns a ``FileToolResult``.  Mistakes of the caller
(missing file, path outside the workspace, ambiguous edit, ...) come back as
``is_error=True`` results with a message meant for the agent; only bugs raise.

Every path goes through ``resolve_in_workspace`` and files are opened with
``O_NOFOLLOW`` on the resolved path, so a symlink swapped in after the check is
refused rather than followed.  Blocking file work runs in a thread
(``asyncio.to_thread``) so the worker's event loop keeps answering heartbeats.

This module never starts a process itself: the worker reaps children centrally,
so ``grep`` runs ``rg`` only through ``FileToolContext.run``.  Without a runner,
or without ``rg``, grep uses a pure-Python engine with the same file selection,
matching rules and output order, bounded by a scan time budget.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import errno
import mimetypes
import os
import re
import secrets
import shutil
import stat
import threading
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import msgspec

from shared.config import MIB, WorkerConfig
from shared.file_tools import (
    DEFAULT_READ_LINES,
    EditArgs,
    GlobArgs,
    GrepArgs,
    ListArgs,
    ReadArgs,
    WriteArgs,
)
from shared.tools import ToolArgsError, validate_args
from worker.paths import PathError, relative_to_workspace, resolve_in_workspace

__all__ = [
    "FILE_TOOL_NAMES",
    "GREP_WHOLE_FILE_LIMIT",
    "MAX_GLOB_RESULTS",
    "MAX_LINE_CHARS",
    "MAX_LIST_ENTRIES",
    "SCAN_TIME_BUDGET",
    "FileToolContext",
    "FileToolResult",
    "Runner",
    "run_file_tool",
]

FILE_TOOL_NAMES = frozenset({"read", "write", "edit", "list", "glob", "grep"})

MAX_LINE_CHARS = 2000
MAX_LIST_ENTRIES = 1000
MAX_GLOB_RESULTS = 1000
# seconds a directory scan (grep's Python engine, rg, glob) may take before it returns partial results
SCAN_TIME_BUDGET = 10.0
BINARY_SNIFF_BYTES = 8192
# grep's Python engine reads files up to this size whole, so one regex search can skip non-matching files
GREP_WHOLE_FILE_LIMIT = 16 * MIB

# bytes of one line kept by `read`: enough for MAX_LINE_CHARS characters of 4-byte UTF-8 plus "\r\n"
_LINE_KEEP_BYTES = MAX_LINE_CHARS * 4 + 2
_CHUNK = 1 * MIB
_OPEN_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

Runner = Callable[[list[str], Path, float], Awaitable[tuple[int, bytes]]]
"""Runs ``argv`` in ``cwd`` with a timeout in seconds and returns (exit code, stdout).

When the timeout passes the runner kills the process and either raises
TimeoutError or returns a negative exit code with the output read so far.
"""


class FileToolResult(msgspec.Struct):
    text: str
    is_error: bool = False
    structured: dict[str, Any] | None = None


class FileToolContext(msgspec.Struct, frozen=True):
    """What the file tools need from the worker: the workspace, the caps, and a process runner.

    ``run`` is used for ``rg`` only; None makes grep use its Python engine.
    ``rg_path`` None means: look ``rg`` up on PATH at call time.
    """

    workspace: Path
    max_read_bytes: int
    max_write_bytes: int
    run: Runner | None = None
    rg_path: str | None = None
    scan_time_budget: float = SCAN_TIME_BUDGET
    # --run-as: files and directories the tools create are given to the tool user, so its shells
    # can change them (the file tools themselves run in the worker, as the worker's user)
    owner: tuple[int, int] | None = None

    @classmethod
    def from_config(cls, cfg: WorkerConfig, run: Runner | None) -> FileToolContext:
        return cls(
            workspace=Path(cfg.workspace),
            max_read_bytes=cfg.max_read_bytes,
            max_write_bytes=cfg.max_write_bytes,
            run=run,
            owner=(cfg.run_as_uid, cfg.run_as_gid) if cfg.run_as_uid >= 0 else None,
        )


class _ToolError(Exception):
    """A mistake of the caller; the message goes back to the agent as an error result."""


async def run_file_tool(name: str, args: Any, ctx: FileToolContext) -> FileToolResult:
    """Run one file tool call.  ``args`` is the Struct from ``validate_args`` (a dict is validated here)."""
    if name not in FILE_TOOL_NAMES:
        return FileToolResult(f"unknown file tool {name!r}", is_error=True)
    try:
        if isinstance(args, dict):
            args = validate_args(name, args)
        match args:
            case GrepArgs():
                return await _grep(args, ctx)
            case ReadArgs():
                return await asyncio.to_thread(_read, args, ctx)
            case WriteArgs():
                return await asyncio.to_thread(_write, args, ctx)
            case EditArgs():
                return await asyncio.to_thread(_edit, args, ctx)
            case ListArgs():
                return await asyncio.to_thread(_list, args, ctx)
            case GlobArgs():
                return await _in_thread_with_stop(_glob, args, ctx)
            case _:
                raise TypeError(f"arguments of type {type(args).__name__} do not belong to a file tool")
    except (_ToolError, PathError, ToolArgsError) as exc:
        return FileToolResult(str(exc), is_error=True)
    except OSError as exc:
        # the environment said no (EACCES, ENOSPC, EROFS, ...): the agent should see why
        return FileToolResult(f"{name} failed: {_os_error_text(exc)}", is_error=True)


# ---- shared helpers ------------------------------------------------------------------


def _printable(text: str) -> str:
    """File names may hold undecodable bytes (surrogate escapes) that no JSON encoder accepts."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _os_error_text(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{reason} ({_printable(os.fspath(exc.filename))})" if exc.filename else reason


def _resolve(ctx: FileToolContext, path: str | None) -> tuple[Path, str]:
    """The real path inside the workspace and the workspace-relative name to show the agent."""
    real = resolve_in_workspace(ctx.workspace, path)
    return real, _shown(ctx, real)


def _shown(ctx: FileToolContext, real: Path) -> str:
    return _printable(relative_to_workspace(ctx.workspace, real)) or "."


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


def _open_regular(real: Path, shown: str) -> IO[bytes]:
    """Open an existing regular file for reading, refusing directories, devices and fifos."""
    try:
        # O_NONBLOCK so that opening a fifo cannot hang; it is cleared again for regular files
        fd = os.open(real, _OPEN_READ)
    except FileNotFoundError:
        raise _ToolError(f"file not found: {shown}") from None
    except PermissionError:
        raise _ToolError(f"permission denied: cannot read {shown}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _ToolError(f"{shown} turned into a symlink while being opened; refusing to follow it") from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise _ToolError(f"{shown} is a directory, not a file; use the list tool to see its entries")
        raise _ToolError(f"{shown} is not a regular file ({_kind(mode)})")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


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


def _binary_error(shown: str, name: str, size: int, head: bytes, what: str) -> _ToolError:
    return _ToolError(f"{shown} is a binary file ({size} bytes, {_guess_type(name, head)}); {what}")


def _cut_line(text: str) -> str:
    if len(text) <= MAX_LINE_CHARS:
        return text
    return f"{text[:MAX_LINE_CHARS]} [... line cut at {MAX_LINE_CHARS} characters]"


def _numbered(line_no: int, text: str) -> str:
    return f"{line_no:>6}\t{text}"


# ---- read ----------------------------------------------------------------------------


def _skip_lines(f: IO[bytes], count: int) -> int:
    """Move past ``count`` lines reading fixed-size chunks; returns how many lines were skipped."""
    skipped = 0
    while skipped < count:
        pos = f.tell()
        chunk = f.read(_CHUNK)
        if not chunk:
            return skipped
        newlines = chunk.count(b"\n")
        if skipped + newlines < count:
            skipped += newlines
            continue
        at = -1
        for _ in range(count - skipped):
            at = chunk.index(b"\n", at + 1)
        f.seek(pos + at + 1)
        return count
    return skipped


def _bounded_lines(f: IO[bytes]) -> Iterator[tuple[bytes, int]]:
    """Yield (first bytes of the line, full length in bytes) without holding a long line in memory."""
    while True:
        head = f.readline(_LINE_KEEP_BYTES)
        if not head:
            return
        length = len(head)
        if not head.endswith(b"\n"):
            while True:
                rest = f.readline(_CHUNK)
                length += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
        yield head, length


def _decode_line(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if text.endswith("\n"):
        text = text[:-1]
    if text.endswith("\r"):
        text = text[:-1]
    return text


def _read(args: ReadArgs, ctx: FileToolContext) -> FileToolResult:
    real, shown = _resolve(ctx, args.file_path)
    with _open_regular(real, shown) as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(BINARY_SNIFF_BYTES)
        if b"\0" in head:
            raise _binary_error(shown, real.name, size, head, "not shown as text")
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
        f.seek(0)
        first = args.offset or 1
        limit = args.limit or DEFAULT_READ_LINES
        skipped = _skip_lines(f, first - 1)
        lines: list[str] = []
        used = 0
        cut_by_bytes = more = False
        line_no = skipped
        for raw, _length in _bounded_lines(f):
            if len(lines) == limit:
                more = True
                break
            line_no += 1
            entry = _numbered(line_no, _cut_line(_decode_line(raw))) + "\n"
            cost = len(entry.encode())
            if used + cost > ctx.max_read_bytes:
                cut_by_bytes = True
                break
            lines.append(entry)
            used += cost
    if not lines and not cut_by_bytes:
        raise _ToolError(f"offset {first} is past the end of {shown}, which has {skipped} lines")
    last = first + len(lines) - 1
    text = "".join(lines)
    next_offset: int | None = None
    if cut_by_bytes:
        next_offset = last + 1
        text += (
            f"[output cut at the read limit of {ctx.max_read_bytes} bytes (max_read_bytes) after line "
            f"{last}; continue with offset={next_offset}]\n"
        )
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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prepare_target(ctx: FileToolContext, real: Path, shown: str) -> os.stat_result | None:
    """Create missing parent directories, re-check confinement, and stat an existing target."""
    missing = []
    parent = real.parent
    while parent != ctx.workspace and parent != parent.parent and not os.path.lexists(parent):
        missing.append(parent)
        parent = parent.parent
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise _ToolError(f"cannot create {shown}: a component of its directory is a file") from None
    if ctx.owner is not None:
        for directory in missing:
            with contextlib.suppress(OSError):
                os.lchown(directory, *ctx.owner)
    # a symlink may have appeared among the parents while they were created: resolve again
    if resolve_in_workspace(ctx.workspace, str(real)) != real:
        raise _ToolError(f"{shown} changed while being written (a symlink appeared in its path); refusing")
    try:
        st = os.lstat(real)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise _ToolError(f"{shown} is a directory; give a file path")
    if not stat.S_ISREG(st.st_mode):
        raise _ToolError(f"{shown} is not a regular file ({_kind(st.st_mode)}); refusing to write it")
    return st


def _atomic_replace(real: Path, data: bytes, existing: os.stat_result | None,
                    owner: tuple[int, int] | None = None) -> None:
    """Write ``data`` to a temporary file beside ``real`` and rename it over ``real``.

    Readers see the old or the new content, never a mix; after a crash the old
    file is intact.  An existing file's mode (and, as root, owner) is kept; a new
    file gets 0666 minus the umask like any other created file, and ``owner`` if given.
    """
    tmp = real.with_name(f".{real.name[:120]}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        try:
            if existing is not None:
                if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                    with contextlib.suppress(PermissionError):
                        os.fchown(fd, existing.st_uid, existing.st_gid)
                # after fchown, which clears set-id bits
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            elif owner is not None:
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, *owner)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(real.parent)


def _append(real: Path, shown: str, data: bytes, owner: tuple[int, int] | None = None) -> None:
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        try:
            fd = os.open(real, flags | os.O_EXCL, 0o666)
            if owner is not None:
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, *owner)
        except FileExistsError:
            fd = os.open(real, flags, 0o666)
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
    real, shown = _resolve(ctx, args.file_path)
    existing = _prepare_target(ctx, real, shown)
    if args.mode == "append":
        _append(real, shown, data, ctx.owner)
        verb = "Appended" if existing is not None else "Created"
    else:
        _atomic_replace(real, data, existing, ctx.owner)
        verb = "Overwrote" if existing is not None else "Created"
    return FileToolResult(
        f"{verb} {shown} ({len(data)} bytes written)",
        structured={
            "path": shown,
            "bytes_written": len(data),
            "created": existing is None,
            "mode": args.mode,
        },
    )


def _edit_snippet(text: str, start_line: int, end_line: int) -> str:
    lines = text.split("\n")
    lo = max(1, start_line - 3)
    hi = min(len(lines), end_line + 3)
    return "\n".join(_numbered(n, _cut_line(_printable(lines[n - 1].removesuffix("\r")))) for n in range(lo, hi + 1))


def _edit(args: EditArgs, ctx: FileToolContext) -> FileToolResult:
    real, shown = _resolve(ctx, args.file_path)
    with _open_regular(real, shown) as f:
        existing = os.fstat(f.fileno())
        if existing.st_size > ctx.max_write_bytes:
            raise _ToolError(
                f"{shown} is {existing.st_size} bytes, over the edit limit of {ctx.max_write_bytes} bytes "
                "(max_write_bytes)"
            )
        data = f.read(ctx.max_write_bytes + 1)
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        raise _binary_error(shown, real.name, len(data), data, "edit only changes text files")
    # surrogateescape keeps bytes that are not UTF-8 exactly as they were
    text = data.decode("utf-8", "surrogateescape")
    old, new = args.old_string, args.new_string
    count = text.count(old)
    if count == 0 and "\n" in old and "\r\n" not in old and "\r\n" in text:
        # a CRLF file, while agents send "\n": match and write in the file's own line ending
        old, new = old.replace("\n", "\r\n"), new.replace("\n", "\r\n")
        count = text.count(old)
    if count == 0:
        raise _ToolError(
            f"old_string was not found in {shown}; it must match exactly, including whitespace and "
            "indentation (read the file to copy the text)"
        )
    if count > 1 and not args.replace_all:
        raise _ToolError(
            f"old_string occurs {count} times in {shown}; add surrounding lines to make it unique, "
            "or set replace_all=true to replace all of them"
        )
    at = text.index(old)
    replaced = text.replace(old, new) if args.replace_all else text.replace(old, new, 1)
    try:
        out = replaced.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise _ToolError("new_string is not valid Unicode (it holds a lone surrogate)") from None
    if len(out) > ctx.max_write_bytes:
        raise _ToolError(
            f"the edited file would be {len(out)} bytes, over the write limit of {ctx.max_write_bytes} bytes "
            "(max_write_bytes)"
        )
    existing_now = _prepare_target(ctx, real, shown)
    _atomic_replace(real, out, existing_now, ctx.owner)
    replacements = count if args.replace_all else 1
    start_line = text.count("\n", 0, at) + 1
    snippet = _edit_snippet(replaced, start_line, start_line + new.count("\n"))
    where = "first replacement" if replacements > 1 else "replacement"
    return FileToolResult(
        f"Edited {shown}: {replacements} replacement{'s' if replacements > 1 else ''}. "
        f"Around the {where}:\n{snippet}\n",
        structured={"path": shown, "replacements": replacements},
    )


# ---- list ----------------------------------------------------------------------------


def _sorted_entries(path: str) -> list[os.DirEntry[str]]:
    with os.scandir(path) as it:
        return sorted(it, key=lambda e: e.name)


def _list_line(entry: os.DirEntry[str], rel: str) -> str:
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
            target = _printable(os.readlink(entry.path))
        except OSError:
            target = "?"
        return f"{rel} -> {target}"
    return f"{rel}  ({_kind(st.st_mode)})"


def _list(args: ListArgs, ctx: FileToolContext) -> FileToolResult:
    real, shown = _resolve(ctx, args.path)
    if not real.exists():
        raise _ToolError(f"directory not found: {shown}")
    if not real.is_dir():
        raise _ToolError(f"{shown} is not a directory; use the read tool for files")
    depth_limit = (args.max_depth or 1_000_000) if args.recursive else 1
    base = relative_to_workspace(ctx.workspace, real)
    hidden = 0

    def children(path: str, rel: str, depth: int) -> list[tuple[os.DirEntry[str], str, int]]:
        nonlocal hidden
        found = []
        for entry in _sorted_entries(path):
            if entry.name.startswith(".") and not args.include_hidden:
                hidden += 1
                continue
            found.append((entry, _join(rel, _printable(entry.name)), depth))
        return found

    try:
        pending = children(str(real), base, 1)[::-1]
    except PermissionError:
        raise _ToolError(f"permission denied: cannot list {shown}") from None
    lines: list[str] = []
    while pending and len(lines) < MAX_LIST_ENTRIES:
        entry, rel, depth = pending.pop()
        lines.append(_list_line(entry, rel))
        if depth < depth_limit and entry.is_dir(follow_symlinks=False):
            try:
                pending.extend(children(entry.path, rel, depth + 1)[::-1])
            except OSError as exc:
                lines[-1] += f"  (cannot list: {exc.strerror})"
    text = "\n".join(lines) + "\n" if lines else f"{shown} is empty\n"
    if pending:
        text += f"[listing cut at {MAX_LIST_ENTRIES} entries; list a subdirectory or use a smaller max_depth]\n"
    if hidden:
        text += f"[{hidden} hidden entries not shown; include_hidden=true shows them]\n"
    return FileToolResult(
        text, structured={"path": shown, "entries": len(lines), "truncated": bool(pending), "hidden": hidden}
    )


# ---- glob ----------------------------------------------------------------------------


class _Budget:
    """A scan's deadline plus a stop flag the event loop sets when the call is cancelled."""

    def __init__(self, seconds: float, stop: threading.Event) -> None:
        self.deadline = time.monotonic() + seconds
        self.stop = stop

    def spent(self) -> bool:
        return self.stop.is_set() or time.monotonic() >= self.deadline


async def _in_thread_with_stop(fn: Callable[..., FileToolResult], args: Any, ctx: FileToolContext) -> FileToolResult:
    """Run a scan in a thread; on cancellation tell it to stop instead of letting it run to its budget."""
    stop = threading.Event()
    try:
        return await asyncio.to_thread(fn, args, ctx, _Budget(ctx.scan_time_budget, stop))
    except asyncio.CancelledError:
        stop.set()
        raise


_MAGIC_CHARS = re.compile(r"[*?\[{\\]")


def _translate_component(part: str) -> str:
    """One path component of a glob as a regex: * and ? stay inside the component."""
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
            out.append(re.escape(part[i]))
            i += 1
        elif c == "[":
            end = part.find("]", i + 1 if i < len(part) and part[i] in "!^" else i)
            if end < 0:
                out.append(re.escape(c))
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
                out.append(re.escape(c))
                continue
            alternatives = part[i:end].split(",")
            i = end + 1
            out.append("(?:" + "|".join(_translate_component(a) for a in alternatives) + ")")
        else:
            out.append(re.escape(c))
    return "".join(out)


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A full-path matcher for a glob: `**` as a whole component spans any number of directories."""
    parts = pattern.strip("/").split("/")
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:.*/)?")
        else:
            out.append(_translate_component(part) + ("" if last else "/"))
    return re.compile("".join(out), re.DOTALL)


def _glob(args: GlobArgs, ctx: FileToolContext, budget: _Budget) -> FileToolResult:
    real, shown = _resolve(ctx, args.path)
    if not real.is_dir():
        raise _ToolError(f"directory not found: {shown}" if not real.exists() else f"{shown} is not a directory")
    base = relative_to_workspace(ctx.workspace, real)
    parts = args.pattern.strip("/").split("/")
    matcher = _glob_regex(args.pattern)
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
    stack: list[tuple[str, str, int]] = [(str(real), "", 1)]
    while stack:
        if budget.spent():
            timed_out = True
            break
        path, rel, depth = stack.pop()
        try:
            entries = _sorted_entries(path)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") and not want_hidden:
                continue
            if depth <= len(literal) and entry.name != literal[depth - 1]:
                continue
            child = _join(rel, entry.name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                if matcher.fullmatch(child):
                    mtime = entry.stat(follow_symlinks=False).st_mtime_ns
                    found.append((mtime, _join(base, _printable(child)) + ("/" if is_dir else "")))
            except OSError:
                continue
            if is_dir and depth < max_depth:
                stack.append((entry.path, child, depth + 1))
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
# patterns whose meaning depends on text beyond the line: the whole-file prefilter would be unsound
_CONTEXT_SENSITIVE = re.compile(r"\\[AZz]|\(\?<?[=!]")


class _GrepSearch(msgspec.Struct):
    files: dict[str, _FileHits]
    engine: str
    timed_out: bool = False
    note: str = ""


def _compile_pattern(pattern: str, ignore_case: bool, flags: int = 0) -> re.Pattern[str]:
    try:
        with warnings.catch_warnings():
            # e.g. "[[:alpha:]]" warns "possible nested set": ripgrep reads it differently, so refuse it
            warnings.simplefilter("error")
            return re.compile(pattern, flags | (re.IGNORECASE if ignore_case else 0))
    except (re.error, FutureWarning, DeprecationWarning) as exc:
        raise _ToolError(f"invalid regular expression {pattern!r}: {exc}") from None


def _file_filter(glob: str | None) -> Callable[[str, str], bool]:
    """Whether a file (name, path below the search root) passes ``glob``, with ripgrep's --glob rules."""
    if glob is None:
        return lambda name, rel: True
    matcher = _glob_regex(glob)
    if "/" in glob.rstrip("/"):
        return lambda name, rel: matcher.fullmatch(rel) is not None
    return lambda name, rel: matcher.fullmatch(name) is not None


def _text_lines(f: IO[bytes], head: bytes, size: int, prefilter: re.Pattern[str] | None) -> Iterable[str] | None:
    """The lines of a file opened at ``len(head)``; None when the prefilter proves it has no match."""
    if size > GREP_WHOLE_FILE_LIMIT:
        f.seek(0)
        return (raw.decode("utf-8", "replace").removesuffix("\n") for raw in f)
    text = (head + f.read()).decode("utf-8", "replace")
    # most files do not match: one search over the whole text skips them cheaply
    if prefilter is not None and prefilter.search(text.replace("\r\n", "\n")) is None:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _search_file(
    f: IO[bytes],
    head: bytes,
    size: int,
    regex: re.Pattern[str],
    prefilter: re.Pattern[str] | None,
    context: int,
    limit: int,
    budget: _Budget,
) -> tuple[_FileHits, bool]:
    """Match lines like ``rg --crlf --max-count=limit --context=context``; returns (hits, budget spent).

    After the last counted match, ripgrep still prints ``context`` lines (showing
    matches among them as matches); this does the same so both engines agree.
    """
    lines = _text_lines(f, head, size, prefilter)
    if lines is None:
        return {}, False
    hits: _FileHits = {}
    before: deque[tuple[int, str]] = deque(maxlen=context)
    after = 0
    matches = 0
    for number, line in enumerate(lines, 1):
        if number & 0xFFF == 0 and budget.spent():
            return hits, True
        text = line.removesuffix("\r")
        is_match = regex.search(text) is not None
        if matches >= limit:
            if not after:
                break
            hits[number] = (is_match, _cut_line(text))
            after -= 1
            continue
        if is_match:
            for entry in before:
                hits.setdefault(entry[0], (False, entry[1]))
            before.clear()
            hits[number] = (True, _cut_line(text))
            matches += 1
            after = context
        elif after:
            hits[number] = (False, _cut_line(text))
            after -= 1
        elif context:
            before.append((number, _cut_line(text)))
    return hits, False


def _grep_python(
    root: Path,
    base: str,
    args: GrepArgs,
    budget: _Budget,
) -> _GrepSearch:
    """Walk ``root`` in path order like ripgrep selects files, stopping after max_results + 1 matches."""
    regex = _compile_pattern(args.pattern, args.case_insensitive)
    prefilter = None
    if not _CONTEXT_SENSITIVE.search(args.pattern):
        prefilter = _compile_pattern(args.pattern, args.case_insensitive, re.MULTILINE)
    wanted = _file_filter(args.glob)
    limit = args.max_results + 1
    found: dict[str, _FileHits] = {}
    total = 0
    # pending entries, popped in path order: children are pushed in reverse name order
    pending: list[tuple[str, str, bool]] = [(str(root), "", True)]
    while pending and total < limit:
        if budget.spent():
            return _GrepSearch(found, "python", timed_out=True)
        path, rel, is_dir = pending.pop()
        if is_dir:
            try:
                entries = _sorted_entries(path)
            except OSError:
                continue
            for entry in reversed(entries):
                # like rg without --follow: symlinks are skipped; hidden entries are never searched
                if entry.name.startswith(".") or entry.is_symlink():
                    continue
                child = _join(rel, entry.name)
                try:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((entry.path, child, True))
                    elif entry.is_file(follow_symlinks=False) and wanted(entry.name, child):
                        pending.append((entry.path, child, False))
                except OSError:
                    continue
            continue
        try:
            f = open(path, "rb", opener=lambda p, _flags: os.open(p, _OPEN_READ))
        except OSError:
            continue
        with f:
            size = os.fstat(f.fileno()).st_size
            head = f.read(BINARY_SNIFF_BYTES)
            if b"\0" in head:
                continue
            hits, spent = _search_file(f, head, size, regex, prefilter, args.context_lines, limit - total, budget)
        if hits:
            found[_join(base, _printable(rel))] = hits
            total += sum(1 for is_match, _ in hits.values() if is_match)
        if spent:
            return _GrepSearch(found, "python", timed_out=True)
    return _GrepSearch(found, "python")


def _check_text_file(real: Path, shown: str) -> None:
    with _open_regular(real, shown) as f:
        head = f.read(BINARY_SNIFF_BYTES)
        if b"\0" in head:
            size = os.fstat(f.fileno()).st_size
            raise _binary_error(shown, real.name, size, head, "grep does not search binary files")


def _grep_one_file(real: Path, shown: str, args: GrepArgs, budget: _Budget) -> _GrepSearch:
    regex = _compile_pattern(args.pattern, args.case_insensitive)
    with _open_regular(real, shown) as f:
        size = os.fstat(f.fileno()).st_size
        head = f.read(BINARY_SNIFF_BYTES)
        hits, spent = _search_file(f, head, size, regex, None, args.context_lines, args.max_results + 1, budget)
    return _GrepSearch({shown: hits} if hits else {}, "python", timed_out=spent)


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
    # an explicitly named file is searched whatever the globs say, as in the Python engine
    argv += ["--glob=!.*", "--regexp", args.pattern, "--", target]
    return argv


def _parse_rg(out: bytes, base: str) -> dict[str, _FileHits]:
    files: dict[str, _FileHits] = {}
    for raw in out.split(b"\n"):
        path, sep, rest = raw.partition(b"\0")
        if not sep:
            continue  # "--" between context groups, or a cut-off last line
        parsed = _RG_LINE.fullmatch(rest)
        if parsed is None:
            continue
        name = path.decode("utf-8", "replace").removeprefix("./")
        text = parsed[3].decode("utf-8", "replace").removesuffix("\r")
        files.setdefault(_join(base, name), {})[int(parsed[1])] = (parsed[2] == b":", _cut_line(text))
    return files


async def _grep_rg(
    rg: str, run: Runner, cwd: Path, target: str, base: str, args: GrepArgs, budget: float
) -> _GrepSearch | None:
    """Search ``target`` (relative to ``cwd``) with ripgrep; None when rg could not do it.

    ``base`` is the workspace-relative form of ``cwd``, which result paths are joined to.
    """
    try:
        code, out = await run(_rg_argv(rg, args, target), cwd, budget)
    except TimeoutError:
        return _GrepSearch({}, "rg", timed_out=True)
    except OSError:
        return None
    if code < 0:
        return _GrepSearch(_parse_rg(out, base), "rg", timed_out=True)
    if code in (0, 1) or (code == 2 and out):
        # 2 with output: some files could not be read, the rest was searched
        return _GrepSearch(_parse_rg(out, base), "rg")
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
    text = "\n".join(lines) + "\n" if lines else f"no matches for {args.pattern!r} in {shown}\n"
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


async def _grep(args: GrepArgs, ctx: FileToolContext) -> FileToolResult:
    real, shown = _resolve(ctx, args.path)
    _compile_pattern(args.pattern, args.case_insensitive)  # a bad pattern fails before any search
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        raise _ToolError(f"path not found: {shown}") from None
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise _ToolError(f"{shown} is not a regular file or directory ({_kind(mode)})")
    is_file = stat.S_ISREG(mode)
    stop = threading.Event()
    budget = _Budget(ctx.scan_time_budget, stop)
    rg = (ctx.rg_path or shutil.which("rg")) if ctx.run is not None else None
    try:
        if is_file:
            # binary files are refused up front: rg would search a named binary file
            await asyncio.to_thread(_check_text_file, real, shown)
        search = None
        if rg is not None and ctx.run is not None:
            cwd, target = (real.parent, real.name) if is_file else (real, ".")
            base = relative_to_workspace(ctx.workspace, cwd)
            search = await _grep_rg(rg, ctx.run, cwd, target, base, args, ctx.scan_time_budget)
        if search is None:
            if is_file:
                search = await asyncio.to_thread(_grep_one_file, real, shown, args, budget)
            else:
                base = relative_to_workspace(ctx.workspace, real)
                search = await asyncio.to_thread(_grep_python, real, base, args, budget)
            if rg is not None:
                search.note = "ripgrep could not run this search; the Python engine did"
    except asyncio.CancelledError:
        stop.set()
        raise
    return _format_grep(search, args, ctx, shown)
