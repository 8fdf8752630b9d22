"""The symbol index: what tree-sitter found in each source file, cached per workspace in the file
helper, checked against the file on every use, and the descriptor walk that finds source files.

**Lazy, per workspace.** Nothing is indexed until a call needs it: ``symbols`` of one file parses that
file, ``outline`` or a tree-wide ``symbols`` parses what it walks.  ``index_for(ctx)`` gives the
index of a ``FileToolContext`` (one per helper, so one per worker: several workers keep several
indexes, each warmed by the calls it serves).

**Invalidation by stat, not inotify.** An entry is keyed by the file's (device, inode) and holds the
(size, mtime, ctime) it was parsed at; every use compares them with a fresh ``fstat``/``fstatat``
(about a microsecond), so an edit, a replacement by rename (a new inode) or a ``touch -d`` back in
time (ctime moves anyway) is seen at the next call, and a file that did not change is never read
again.  inotify would need a watch per directory (a per-user limit shared by every helper of the
tool user), can overflow and drop events, and would still need this check after an overflow.
A file modified within ``RACY_SECONDS`` of being read is parsed but not kept ("racy git"):
timestamps are coarse (a kernel tick), so a write landing in the same tick as the read could
otherwise leave a stale entry that looks current.

**Bounded.** Entries are the msgpack of ``FileFacts`` (about 30 bytes per symbol) and a Bloom filter
of the file's words (about 2 bytes per distinct word, so ``references`` opens only the files that
may use a name), in an LRU that holds at most ``MAX_INDEX_BYTES`` (10,000 files of ~14 definitions
take ~7 MB); a file over ``MAX_PARSE_BYTES`` is not parsed; binary files
(a NUL byte in the first 8 KiB) are skipped.

**Confined.** Files are opened only relative to a directory descriptor from ``Workspace`` with
``O_NOFOLLOW`` (a symlink is never followed by the walk), read through that descriptor, and the walk
enters each subdirectory relative to its parent with ``O_NOFOLLOW|O_DIRECTORY``, like grep's.
"""

from __future__ import annotations

import os
import stat
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import NamedTuple

import msgspec

from shared.config import MIB
from worker.tools.code.languages import FileFacts, ParseStopped, extract, language_of
from worker.tools.files import FileToolContext, ToolError, enter_subdir

__all__ = [
    "BINARY_SNIFF_BYTES",
    "MAX_INDEX_BYTES",
    "MAX_PARSE_BYTES",
    "RACY_SECONDS",
    "SKIPPED_DIRS",
    "Budget",
    "CodeFile",
    "CodeIndex",
    "cached",
    "cached_or_parsed",
    "facts_of",
    "index_for",
    "read_source",
    "walk_code_files",
]

MAX_PARSE_BYTES = 2 * MIB  # ~0.7 s of tree-sitter for Python on this machine; bigger files are skipped
MAX_INDEX_BYTES = 64 * MIB  # per helper (so per worker); ~100 bytes a symbol with its share of the entry
RACY_SECONDS = 0.1
BINARY_SNIFF_BYTES = 8192
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})
_ENTRY_OVERHEAD = 200  # the key, the signature and the dict slot, roughly
_OPEN_FILE = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(FileFacts)


class Budget:
    """A call's time limit plus its stop flag (set when the call is cancelled)."""

    def __init__(self, seconds: float, stop: threading.Event) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.stop = stop
        self.ran_out = False

    def spent(self) -> bool:
        if self.stop.is_set() or time.monotonic() >= self.deadline:
            self.ran_out = True
        return self.ran_out


_Signature = tuple[int, int, int]  # size, mtime_ns, ctime_ns


class CodeIndex:
    """(st_dev, st_ino) -> the signature a file was parsed at, its FileFacts (msgpack) and word filter;
    an LRU by bytes.

    Thread-safe: the helper runs calls on several threads."""

    def __init__(self, max_bytes: int = MAX_INDEX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[int, int], tuple[_Signature, bytes, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, key: tuple[int, int], signature: _Signature, needle: bytes | None = None
               ) -> FileFacts | bool | None:
        """The facts kept for ``key`` if its signature still matches, else None.  With ``needle``, False
        when the entry's symbols and imports do not contain those bytes (a name: msgpack keeps strings
        as UTF-8), so a search for one name decodes only the entries that can hold it."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != signature:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            _, blob, words = entry
        if needle is not None and needle not in blob:
            return False
        facts = _decoder.decode(blob)
        return msgspec.structs.replace(facts, words=words) if words else facts

    def store(self, key: tuple[int, int], signature: _Signature, facts: FileFacts) -> None:
        # the word filter apart from the msgpack, which a needle search scans
        words = facts.words
        blob = _encoder.encode(msgspec.structs.replace(facts, words=b"") if words else facts)
        cost = len(blob) + len(words) + _ENTRY_OVERHEAD
        if cost > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= len(old[1]) + len(old[2]) + _ENTRY_OVERHEAD
            self._entries[key] = (signature, blob, words)
            self.bytes += cost
            while self.bytes > self.max_bytes:
                _, (_, dropped, dropped_words) = self._entries.popitem(last=False)
                self.bytes -= len(dropped) + len(dropped_words) + _ENTRY_OVERHEAD


_indexes: weakref.WeakKeyDictionary[FileToolContext, CodeIndex] = weakref.WeakKeyDictionary()
_indexes_lock = threading.Lock()


def index_for(ctx: FileToolContext) -> CodeIndex:
    """The index of ``ctx``'s workspace (made on first use, dropped with the context)."""
    with _indexes_lock:
        index = _indexes.get(ctx)
        if index is None:
            index = _indexes[ctx] = CodeIndex()
        return index


def _signature(st: os.stat_result) -> _Signature:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns


def read_source(fd: int, shown: str, limit: int = MAX_PARSE_BYTES) -> bytes:
    """The whole file ``fd`` (a regular file), or ToolError when it is over ``limit`` or binary."""
    size = os.fstat(fd).st_size
    if size > limit:
        raise ToolError(f"{shown} is {size} bytes, over the {limit}-byte limit of the code tools (MAX_PARSE_BYTES)")
    chunks: list[bytes] = []
    got = 0
    while got <= limit:
        chunk = os.pread(fd, min(limit + 1 - got, MIB), got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:  # it grew while being read
        raise ToolError(f"{shown} is over the {limit}-byte limit of the code tools (MAX_PARSE_BYTES)")
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        raise ToolError(f"{shown} is a binary file ({len(data)} bytes); the code tools parse source files only")
    return data


def facts_of(index: CodeIndex, fd: int, st: os.stat_result, language: str, shown: str,
             budget: Budget, data: bytes | None = None) -> FileFacts:
    """The facts of the open regular file ``fd`` (whose ``fstat`` is ``st``): from the index when the
    file is as it was, else parsed now (and kept unless it changed too recently to trust).  ``data``:
    the file's bytes when the caller has read them already.

    Raises ToolError (too large, binary) or ParseStopped (the budget ran out while parsing)."""
    key = (st.st_dev, st.st_ino)
    signature = _signature(st)
    cached = index.lookup(key, signature)
    if isinstance(cached, FileFacts) and cached.language == language:
        return cached
    if data is None:
        data = read_source(fd, shown)
    facts = extract(language, data, budget.spent)
    after = os.fstat(fd)
    racy = time.time_ns() - max(after.st_mtime_ns, after.st_ctime_ns) < RACY_SECONDS * 1e9
    if _signature(after) == signature and not racy:
        index.store(key, signature, facts)
    return facts


class CodeFile(NamedTuple):
    """A source file found by ``walk_code_files``: ``dir_fd`` is open only until the walk moves on."""

    path: str  # relative to the workspace, printable
    dir_fd: int
    name: str
    language: str
    stat: os.stat_result

    def open(self) -> int:
        """The file, opened relative to its directory without following a symlink swapped in; regular
        files only (OSError otherwise).  The caller closes it."""
        fd = os.open(self.name, _OPEN_FILE, dir_fd=self.dir_fd)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(f"{self.path} is not a regular file")
            os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        return fd


def _printable(text: str) -> str:
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def walk_code_files(root_fd: int, base: str, budget: Budget) -> Iterator[CodeFile]:
    """Every source file below the directory ``root_fd`` (whose workspace path is ``base``), depth
    first in name order, skipping hidden entries, symlinks, SKIPPED_DIRS and what cannot be opened.
    Stops when ``budget`` is spent (``budget.ran_out`` then says so).  ``root_fd`` stays the caller's."""
    # (name, path, language or None for a directory, stat of a file)
    frames: list[tuple[int, list[tuple[str, str, str | None, os.stat_result | None]]]] = []

    def pending(dir_fd: int, rel: str) -> list[tuple[str, str, str | None, os.stat_result | None]]:
        out: list[tuple[str, str, str | None, os.stat_result | None]] = []
        with os.scandir(dir_fd) as it:
            entries = sorted(it, key=lambda e: e.name, reverse=True)  # popped from the end: name order
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIPPED_DIRS:
                        out.append((entry.name, f"{rel}/{entry.name}" if rel else entry.name, None, None))
                elif entry.is_file(follow_symlinks=False):
                    language = language_of(entry.name)
                    if language is not None:
                        st = entry.stat(follow_symlinks=False)  # fstatat on dir_fd, no path lookup above it
                        out.append((entry.name, f"{rel}/{entry.name}" if rel else entry.name, language, st))
            except OSError:
                continue
        return out

    try:
        frames.append((root_fd, pending(root_fd, base)))
        while frames:
            if budget.spent():
                return
            dir_fd, left = frames[-1]
            if not left:
                frames.pop()
                if dir_fd != root_fd:
                    os.close(dir_fd)
                continue
            name, rel, language, st = left.pop()
            if language is None:
                enter_subdir(frames, dir_fd, name, rel, pending)
                continue
            assert st is not None
            yield CodeFile(_printable(rel), dir_fd, name, language, st)
    finally:
        for dir_fd, _ in frames:
            if dir_fd != root_fd:
                os.close(dir_fd)


def cached(index: CodeIndex, item: CodeFile) -> FileFacts | None:
    """The facts of a walked file if the index holds them for the file as it is now (no open, no read)."""
    facts = index.lookup((item.stat.st_dev, item.stat.st_ino), _signature(item.stat))
    return facts if isinstance(facts, FileFacts) and facts.language == item.language else None


def cached_or_parsed(index: CodeIndex, item: CodeFile, budget: Budget, needle: bytes | None = None
                     ) -> FileFacts | str | None:
    """The facts of a walked file, from the index when its stat still matches (no open, no read),
    else opened and parsed; a string says why it was skipped; None when the index says the file
    has no symbol text containing ``needle``."""
    cached = index.lookup((item.stat.st_dev, item.stat.st_ino), _signature(item.stat), needle)
    if cached is False:
        return None
    if isinstance(cached, FileFacts) and cached.language == item.language:
        return cached
    try:
        fd = item.open()
    except OSError as exc:
        return f"cannot open: {exc.strerror or exc}"
    try:
        return facts_of(index, fd, os.fstat(fd), item.language, item.path, budget)
    except ToolError as exc:
        return str(exc)
    except ParseStopped:
        return "parsing stopped at the time limit"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    finally:
        os.close(fd)
