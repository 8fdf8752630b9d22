"""patch, multi_edit and batch_read: editing at scale, on descriptors beneath the workspace.

They run in the file helper as the tool user (``worker.tools.helper``), with the building blocks of
the file tools (``worker.tools.files``: resolution beneath the workspace descriptor, temporary
files created ``O_EXCL|O_NOFOLLOW`` in the parent directory's descriptor, reads bounded by the read
limit) and the text rules of ``worker.tools.text`` (encoding, BOM, line ends, hunk matching).

**patch is all or nothing.**  It runs in two phases:

1. *Prepare* (no file of the patch changes): the diff is parsed (``unidiff``), every file it names
   is resolved beneath the workspace and read, every hunk is applied in memory, and each new content
   is written to ``.NAME.T.patch-new`` in the directory of the file it replaces (T: a random token of
   the call and the file's number in the patch), fsynced, with the old file's mode and owner.  Any
   failure here (a hunk that does not fit, a path outside the workspace, a binary file, a file that
   exists where the diff creates one) removes those temporary files and changes nothing.
2. *Commit*: only renames, in the descriptors of the directories resolved in phase 1.  Each replaced
   file is first hard-linked to ``.NAME.T.patch-old``, then ``.NAME.T.patch-new`` is renamed over it
   (atomic: readers see the old or the new content; on a filesystem without hard links the old file
   is renamed to ``patch-old`` instead, and the name is missing for the moment between the two
   renames); each deleted (or renamed-away) file is renamed
   to ``.NAME.T.patch-old``; each created (or renamed-to) file is renamed from its ``patch-new`` with
   ``RENAME_NOREPLACE``; directories a new file needs are made then.  Every step is journalled; if
   one fails, the journal is undone in reverse (the ``patch-old`` files renamed back, new files and
   made directories removed) and the error says so.  Once all succeeded, the ``patch-old`` files are
   removed.

If the helper process dies during the commit (SIGKILL; the commit is a few renames per file, no
data is written in it), every file of the patch is in one of two states: not yet changed (its new
content waits in ``.NAME.T.patch-new``) or changed (its old content, if it had one, is in
``.NAME.T.patch-old``).  Nothing is lost: rename the ``patch-new`` files over their names to finish
the patch, or rename the ``patch-old`` files back (and remove the files the patch created) to undo
it.  The worker answers such a call with an error that says the helper died.

A file is checked again just before the commit (same inode, size and modification time as when it
was read); one that changed in between stops the patch before any rename.  The window left is the
commit itself, a few microseconds per file.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import hashlib
import os
import re
import secrets
import stat
import threading
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

import msgspec
import unidiff

from shared.edit_tools import (
    MAX_PATCH_BYTES,
    MAX_PATCH_FILES,
    BatchReadArgs,
    BatchReadFile,
    BatchReadResult,
    MultiEditArgs,
    MultiEditResult,
    PatchArgs,
    PatchFile,
    PatchResult,
)
from shared.file_tools import FileToolResult, ReadArgs
from worker.tools import text as tx
from worker.tools.confine import PathError
from worker.tools.files import (
    BINARY_SNIFF_BYTES,
    FileToolContext,
    ToolError,
    _apply_edit,
    _binary_error,
    _cut_line,
    _existing,
    _numbered,
    _open_file_at,
    _os_error_text,
    _printable,
    _read,
    _read_all,
    _replace,
    _target,
    helper_tool,
    replacing,
)

__all__ = ["LARGE_PATCH_BYTES", "apply_patch", "batch_read", "multi_edit"]

# Patches above this size are parsed one at a time (see MAX_PATCH_BYTES), so the helper's threads
# cannot each hold a large parse at once.
LARGE_PATCH_BYTES = 256 * 1024
_large_patches = threading.Semaphore(1)
# lines of a failed hunk shown next to the file's nearest lines
_SHOWN_HUNK_LINES = 24
_SNIPPET_LINES = 200  # multi_edit: numbered lines shown in all
_SKIPPED = "skipped: the batch reached its output limit"
_SKIPPED_NAMES = 2000  # characters of the names of skipped files listed in batch_read's text
_NEW = "patch-new"
_OLD = "patch-old"


# ---- multi_edit ------------------------------------------------------------------------------


def _read_text(dir_fd: int, name: str, shown: str, ctx: FileToolContext, what: str) -> tuple[bytes, os.stat_result]:
    """The bytes of text file ``name`` in ``dir_fd`` (bounded by the write limit) and its fstat."""
    fd = _open_file_at(dir_fd, name, shown)
    try:
        st = os.fstat(fd)
        if st.st_size > ctx.max_write_bytes:
            raise ToolError(f"{shown} is {st.st_size} bytes, over the edit limit of {ctx.max_write_bytes} bytes "
                            "(max_write_bytes)")
        data = _read_all(fd, ctx.max_write_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > ctx.max_write_bytes:
        raise ToolError(f"{shown} grew past the edit limit of {ctx.max_write_bytes} bytes while it was read")
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        raise _binary_error(shown, len(data), data, f"{what} only changes text files")
    return data, st


def _encode(text: str, bom: bool, what: str) -> bytes:
    try:
        return tx.encode(text, bom)
    except UnicodeEncodeError:
        raise ToolError(f"{what} is not valid Unicode (it holds a lone surrogate)") from None


def _moved(span: int, at: list[int], old_len: int, new_len: int, end: bool) -> int:
    """Where offset ``span`` of a text is after its occurrences at ``at`` (of length ``old_len``) were
    replaced by ``new_len`` characters; an offset inside a replaced occurrence goes to its start, or
    its end for the end of a span."""
    shift = 0
    for start in at:
        if start + old_len <= span and not (end and start + old_len == span and old_len == 0):
            shift += new_len - old_len
        elif start < span:
            return start + shift + (new_len if end else 0)
        else:
            break
    return span + shift


def _regions(text: str, spans: list[tuple[int, int]]) -> str:
    """The lines of ``text`` around each span (offsets), numbered, overlapping windows merged."""
    windows: list[list[int]] = []
    for start, end in sorted(spans):
        first = text.count("\n", 0, start) + 1
        last = first + text.count("\n", start, max(end - 1, start))
        lo, hi = max(1, first - 2), last + 2
        if windows and lo <= windows[-1][1] + 1:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    lines = text.split("\n")
    out: list[str] = []
    for lo, hi in windows:
        if out:
            out.append("   ...")
        for n in range(lo, min(hi, len(lines)) + 1):
            if len(out) >= _SNIPPET_LINES:
                out.append("[... more edited lines not shown; read the file to see them all]")
                return "\n".join(out)
            out.append(_numbered(n, _cut_line(_printable(lines[n - 1].removesuffix("\r")))))
    return "\n".join(out)


def multi_edit(args: MultiEditArgs, ctx: FileToolContext) -> FileToolResult:
    dir_fd, name, shown = _target(ctx, args.file_path, create=False)
    try:
        data, read = _read_text(dir_fd, name, shown, ctx, "multi_edit")
        decoded = tx.decode(data)
        text = decoded.text
        total = len(args.edits)
        counts: list[int] = []
        spans: list[tuple[int, int]] = []  # each edit's first replacement, in the current text
        for number, item in enumerate(args.edits, 1):
            which = f"edit {number} of {total}: " + ("" if number == 1 else "(after the edits before it) ")
            try:
                edited = _apply_edit(text, item.old_string, item.new_string, item.replace_all, shown, which)
            except ToolError as exc:
                raise ToolError(f"{exc}; nothing was changed") from None
            where = [edited.at] if edited.replacements == 1 else _occurrences(text, edited.old)
            size, new_size = len(edited.old), len(edited.new)
            spans = [(_moved(start, where, size, new_size, False), _moved(end, where, size, new_size, True))
                     for start, end in spans]
            spans.append((edited.at, edited.at + new_size))
            counts.append(edited.replacements)
            text = edited.text
        out = _encode(text, decoded.bom, "new_string")
        if len(out) > ctx.max_write_bytes:
            raise ToolError(f"the edited file would be {len(out)} bytes, over the write limit of "
                            f"{ctx.max_write_bytes} bytes (max_write_bytes); nothing was changed")
        _replace(dir_fd, name, out, _existing(dir_fd, name, shown), (shown, read))
    finally:
        os.close(dir_fd)
    result = MultiEditResult(path=shown, edits=total, replacements=counts)
    return FileToolResult(
        f"Edited {shown}: {total} edit{'s' if total > 1 else ''}, {sum(counts)} replacement"
        f"{'s' if sum(counts) > 1 else ''}. Around each edit's first replacement:\n{_regions(text, spans)}\n",
        structured=msgspec.to_builtins(result),
    )


def _occurrences(text: str, old: str) -> list[int]:
    """Where ``str.replace`` replaces ``old`` in ``text`` (left to right, not overlapping)."""
    found = []
    at = text.find(old)
    while at >= 0:
        found.append(at)
        at = text.find(old, at + len(old))
    return found


# ---- batch_read ----------------------------------------------------------------------------


def batch_read(args: BatchReadArgs, ctx: FileToolContext) -> FileToolResult:
    """Each file as ``read`` shows it, under a ``==> path <==`` header, the output in all bounded by
    the read limit (``ctx.max_read_bytes``); the files past it are named in one line at the end (at
    most _SKIPPED_NAMES characters of names) and in structuredContent, as skipped."""
    left = ctx.max_read_bytes
    parts: list[str] = []
    files: list[BatchReadFile] = []
    skipped: list[str] = []
    read = failed = 0
    for item in args.files:
        given = _printable(item.file_path)
        header = len(given.encode("utf-8", "replace")) + 9  # "==> " + " <==\n"
        res: FileToolResult | None = None
        if left > header:
            try:
                res = _read(ReadArgs(item.file_path, item.offset, item.limit), ctx, budget=left - header)
            except (ToolError, PathError) as exc:
                res = FileToolResult(str(exc), is_error=True)
            except OSError as exc:
                res = FileToolResult(f"read failed: {_os_error_text(exc)}", is_error=True)
        if res is None or (not res.is_error and res.structured is not None
                           and res.structured["last_line"] < res.structured["first_line"]):
            # no room left, or not even one line fitted in what was left
            path = res.structured["path"] if res is not None and res.structured is not None else given
            files.append(BatchReadFile(path=path, error=_SKIPPED))
            skipped.append(path)
            left = 0
            continue
        if res.is_error or res.structured is None:
            block = f"==> {given} <==\n[error: {res.text}]\n"
            files.append(BatchReadFile(path=given, error=res.text))
            failed += 1
        else:
            s = res.structured
            block = f"==> {s['path']} <==\n{res.text}"
            files.append(BatchReadFile(path=s["path"], size=s["size"], first_line=s["first_line"],
                                       last_line=s["last_line"], truncated=s["truncated"],
                                       next_offset=s["next_offset"]))
            read += 1
        parts.append(block)
        left -= len(block.encode("utf-8", "replace"))
    if skipped:
        names = ", ".join(skipped)
        if len(names) > _SKIPPED_NAMES:
            names = names[:_SKIPPED_NAMES] + " ..."
        parts.append(f"[{len(skipped)} files not read: the batch reached its output limit of {ctx.max_read_bytes} "
                     f"bytes (max_read_bytes); read them in another call: {names}]\n")
    counts = f"{read} read, {failed} failed" + (f", {len(skipped)} skipped" if skipped else "")
    parts.append(f"[{len(files)} files: {counts}]\n")
    result = BatchReadResult(files=files, read=read, failed=failed, skipped=len(skipped), truncated=bool(skipped))
    return FileToolResult("".join(parts), is_error=read == 0 and failed > 0, structured=msgspec.to_builtins(result))


# ---- patch: the diff -------------------------------------------------------------------------

Action = Literal["modify", "create", "delete", "rename", "copy"]
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_OCTAL = re.compile(r"[0-7]{3}")
_GIT_MODES = {"100644", "100755"}
_INDEX = re.compile(r"index ([0-9a-f]{4,64})\.\.[0-9a-f]{4,64}")


class FileDiff(NamedTuple):
    """One file of the diff: its names as the diff has them (None for /dev/null), what it does, its hunks."""

    number: int  # 1-based, in the diff
    source: str | None
    target: str | None
    action: Action
    hunks: list[tx.Hunk]
    new_mode: str | None  # a git mode the patch sets (new file mode, or new mode of a mode change)
    git_names: bool  # the names came from rename/copy lines, which -p does not strip
    bom: bool  # the new side's first line started with a BOM (a new file gets one)
    old_blob: str | None = None  # git's (abbreviated) blob id of the old content, from the "index" line


def _unquote(name: str) -> str:
    """A file name as git quotes it (``"a/caf\\303\\251"``, C escapes and octal bytes) in plain text."""
    if not (len(name) >= 2 and name.startswith('"') and name.endswith('"')):
        return name
    out = bytearray()
    i, end = 1, len(name) - 1
    while i < end:
        c = name[i]
        if c != "\\":
            out += c.encode("utf-8", "surrogateescape")
            i += 1
        elif name[i + 1 : i + 2] in _ESCAPES:
            out.append(_ESCAPES[name[i + 1]])
            i += 2
        elif _OCTAL.fullmatch(name[i + 1 : i + 4]):
            out.append(int(name[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            raise ToolError(f"cannot read the quoted file name {name} in the patch")
    return out.decode("utf-8", "surrogateescape")


def _name(raw: str | None) -> str | None:
    if raw is None:
        return None
    raw = raw.rstrip("\r")
    return None if raw == "/dev/null" else _unquote(raw)


def _info_name(info: list[str], key: str) -> str | None:
    for line in info:
        if line.startswith(key + " "):
            return _unquote(line[len(key) + 1 :].rstrip("\n").rstrip("\r"))
    return None


def _hunk(hunk: unidiff.Hunk) -> tuple[tx.Hunk, bool]:
    """The hunk as line bodies, and whether its new side starts the file with a BOM."""
    lines: list[tuple[Literal[" ", "-", "+"], str]] = []
    source_no_newline = target_no_newline = bom = False
    last = ""
    for line in hunk:
        kind = line.line_type
        if kind == "\\":
            # "\ No newline at end of file" speaks of the line before it
            source_no_newline |= last in ("-", " ")
            target_no_newline |= last in ("+", " ")
            continue
        if kind not in (" ", "-", "+"):
            continue  # a blank line after the hunk
        body = line.value[:-1] if line.value.endswith("\n") else line.value
        if body.startswith("\ufeff") and (line.source_line_no == 1 or line.target_line_no == 1):
            bom |= line.target_line_no == 1
            body = body[1:]  # the file's BOM, which the file keeps (or a new file gets) on its own
        lines.append((kind, body))  # type: ignore[arg-type]
        last = kind
    header = f"@@ -{hunk.source_start},{hunk.source_length} +{hunk.target_start},{hunk.target_length} @@"
    if hunk.section_header:
        header += f" {hunk.section_header.rstrip()}"
    return tx.Hunk(header, hunk.source_start, lines, source_no_newline, target_no_newline), bom


def parse_patch(diff: str) -> tuple[list[FileDiff], bool]:
    """The files of a unified diff (parsed with unidiff), and whether the diff's lines end in CRLF.

    Raises ToolError for what cannot be applied: no file in it, a malformed hunk, binary patches,
    symlinks and submodules."""
    crlf = "\r\n" in diff and diff.count("\r\n") == diff.count("\n")
    if "\r\n" in diff:
        # Line ends are the files' own (a CRLF file stays CRLF, whatever the diff has); unidiff's
        # header patterns expect "\n".
        diff = diff.replace("\r\n", "\n")
    try:
        patchset = unidiff.PatchSet(diff)
    except unidiff.UnidiffParseError as exc:
        raise ToolError(f"the patch is not a valid unified diff: {exc} (the counts in each @@ line must match "
                        "the hunk's lines); nothing was changed") from None
    if not patchset:
        raise ToolError("no file changes found in the patch: expected a unified diff, with `--- old` and `+++ new` "
                        "lines (or a `diff --git` header) before each file's @@ hunks; nothing was changed")
    if len(patchset) > MAX_PATCH_FILES:
        raise ToolError(f"the patch changes {len(patchset)} files, over the limit of {MAX_PATCH_FILES}; split it")
    files: list[FileDiff] = []
    for number, pf in enumerate(patchset, 1):
        info = list(pf.patch_info or [])
        source, target = _name(pf.source_file), _name(pf.target_file)
        what = f"file {number} of the patch ({target or source})"
        index = next((m for m in map(_INDEX.match, info) if m), None)
        old_blob = index[1] if index is not None and set(index[1]) != {"0"} else None
        if pf.is_binary_file and (target is not None or source is None):
            # (a deleted binary file is fine: nothing to apply, and its blob id says what is deleted)
            raise ToolError(f"{what} is a binary patch, which patch does not apply (write the file with the write "
                            "tool, encoding base64); nothing was changed")
        if pf.is_symlink or pf.is_submodule:
            kind = "a symlink" if pf.is_symlink else "a submodule"
            raise ToolError(f"{what} changes {kind}, which patch does not do (use bash); nothing was changed")
        for mode in (pf.source_mode, pf.target_mode):
            if mode is not None and mode not in _GIT_MODES:
                raise ToolError(f"{what} has the file mode {mode}, which patch does not set; nothing was changed")
        renamed_from, renamed_to = _info_name(info, "rename from"), _info_name(info, "rename to")
        copied_from, copied_to = _info_name(info, "copy from"), _info_name(info, "copy to")
        git_names = False
        action: Action
        if source is None and target is None:
            raise ToolError(f"{what}: both of its names are /dev/null; nothing was changed")
        if source is None:
            action = "create"
        elif target is None:
            action = "delete"
        elif renamed_from is not None and renamed_to is not None:
            action, source, target, git_names = "rename", renamed_from, renamed_to, True
        elif copied_from is not None and copied_to is not None:
            action, source, target, git_names = "copy", copied_from, copied_to, True
        else:
            action = "modify"
        converted = [_hunk(h) for h in pf]
        hunks = [h for h, _ in converted]
        new_mode = pf.target_mode if action == "create" else (
            pf.target_mode if pf.source_mode != pf.target_mode else None)
        if action == "modify" and not hunks and new_mode is None:
            raise ToolError(f"{what} has no hunks and changes nothing; nothing was changed")
        files.append(FileDiff(number, source, target, action, hunks, new_mode, git_names,
                              any(bom for _, bom in converted), old_blob))
    return files, crlf


def _first_component(name: str) -> str | None:
    parts = [p for p in name.split("/") if p]
    return parts[0] if len(parts) >= 2 and not name.startswith("/") else None


def auto_strip(files: list[FileDiff]) -> int:
    """-p1 for a diff whose old names all start with one directory and new names with another (a/ and
    b/ of git, old/ and new/ of diff -r), or whose only names are a/... or b/...; else -p0."""
    sources = {_first_component(f.source) for f in files if f.source is not None and not f.git_names}
    targets = {_first_component(f.target) for f in files if f.target is not None and not f.git_names}
    if None in sources or None in targets:
        return 0
    if sources and targets:
        return 1 if len(sources) == 1 and len(targets) == 1 and sources != targets else 0
    return 1 if sources == {"a"} or targets == {"b"} else 0


def _stripped(name: str, strip: int, number: int) -> str:
    parts = re.sub("/+", "/", name).split("/")
    if strip >= len(parts):
        raise ToolError(f"file {number} of the patch: cannot strip {strip} leading components from {name!r} "
                        "(give a smaller strip); nothing was changed")
    return "/".join(parts[strip:])


# ---- patch: preparing ---------------------------------------------------------------------------


class _Place(NamedTuple):
    """A name in a directory the patch reads, replaces, removes or creates."""

    dir_fd: int  # the directory (for a name in directories still to be made: the deepest that exists)
    missing: tuple[str, ...]  # directories to make below dir_fd first
    name: str
    shown: str
    key: tuple[Any, ...]  # the same name reached two ways has the same key


class _Change:
    """One file of the patch once prepared."""

    def __init__(self, diff: FileDiff, shown: str, old_shown: str | None) -> None:
        self.diff = diff
        self.shown = shown
        self.old_shown = old_shown
        self.source: _Place | None = None  # what is read (modify, delete, rename, copy)
        self.stat: os.stat_result | None = None  # of the source when it was read
        self.target: _Place | None = None  # where the new content goes (modify: the source)
        self.new_temp: str | None = None  # .NAME.T.patch-new in target.dir_fd
        self.old_temp: str | None = None  # .NAME.T.patch-old in source.dir_fd, once the commit made it
        self.offsets: list[int] = []
        self.mode: str | None = None
        self.move = False  # a rename that changes nothing inside: the file itself moves (any content)

    @property
    def action(self) -> Action:
        return self.diff.action


def _temp_name(name: str, token: str, number: int, kind: str) -> str:
    """``.NAME.T.kind``: T is the call's token and the file's number in the patch (two new files of one
    name in new directories wait in the same existing directory)."""
    prefix = os.fsdecode(os.fsencode(name)[:100])  # leaves room for the suffix in a 255-byte name
    return f".{prefix}.{token}-{number}.{kind}"


def _dir_key(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


def _resolve_error(ctx: FileToolContext, rel: str, exc: OSError, verb: str) -> ToolError:
    shown = _printable(os.path.normpath(rel))
    if isinstance(exc, FileNotFoundError):
        return ToolError(f"file not found: {shown}")
    if isinstance(exc, NotADirectoryError):
        return ToolError(f"cannot {verb} {shown}: a component of its directory is a file")
    if isinstance(exc, PermissionError):
        return ToolError(f"permission denied: cannot {verb} {shown}")
    return ToolError(f"cannot {verb} {shown}: {_os_error_text(exc)}")


def _place(ctx: FileToolContext, rel: str, *, create: bool, opened: list[int]) -> _Place:
    """The name ``rel`` in its directory, not following a symlink at its end.  With ``create``, missing
    directories are allowed: the place is then in the deepest one that exists, with the rest to make."""
    rel = ctx.root.relative(rel)
    head, _, name = rel.rpartition("/")
    if name in ("", ".", ".."):
        raise ToolError(f"{_printable(rel)} names a directory, not a file")
    parts = [p for p in head.split("/") if p not in ("", ".")]
    missing: list[str] = []
    while True:
        try:
            fd = ctx.root.open("/".join(parts) or ".", os.O_RDONLY | os.O_DIRECTORY)
            break
        except FileNotFoundError as exc:
            if not create or not parts:
                raise _resolve_error(ctx, rel, exc, "create" if create else "read") from None
            missing.insert(0, parts.pop())
        except OSError as exc:
            raise _resolve_error(ctx, rel, exc, "create" if create else "read") from None
    opened.append(fd)
    if ".." in missing:
        raise ToolError(f"cannot create {_printable(rel)}: '..' after a directory that does not exist")
    shown = _printable(ctx.root.display(fd, "/".join([*missing, name]), fallback=rel))
    return _Place(fd, tuple(missing), name, shown, (*_dir_key(fd), *missing, name))


def _regular_at(place: _Place, verb: str) -> os.stat_result | None:
    """The file at ``place`` (not following a symlink), None when there is none; refuses what is not a
    regular file."""
    if place.missing:
        return None
    try:
        st = os.stat(place.name, dir_fd=place.dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise ToolError(f"{place.shown} is a symlink; patch {verb} regular files only (use bash for links)")
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "a special file"
        raise ToolError(f"{place.shown} is not a regular file ({kind})")
    return st


def _hunk_failure(exc: tx.HunkFailed, change: _Change, bodies: list[str], files: int) -> ToolError:
    """The error for a hunk that does not apply: which, where it was expected, the nearest lines."""
    hunk = exc.hunk
    source = hunk.source
    shown = change.old_shown or change.shown
    count = len(change.diff.hunks)
    lines = [f"patch failed, nothing was changed: hunk {exc.index + 1} of {count} for {shown} (file "
             f"{change.diff.number} of {files} in the patch) does not apply: {hunk.header}"]
    after = f" or anywhere after hunk {exc.index}" if exc.index else " or anywhere else"
    lines.append(f"Its {len(source)} context and removed lines must match the file exactly, in a row, at line "
                 f"{exc.expected + 1}{after}.")
    near = exc.nearest
    if near is None:
        lines.append(f"None of those lines occurs in {shown}: is it the right file, and does the patch fit the file "
                     "as it is now (read it again)?")
        return ToolError("\n".join(lines))
    end = min(near.start + len(source), len(bodies))
    lines.append(f"The nearest matching lines of {shown} are {near.start + 1}-{end}: {near.exact} of {len(source)} "
                 f"equal ({near.equal} when whitespace is ignored). The file's lines, and below each one that differs "
                 "(! differs, ~ only in whitespace) the hunk's line:")
    for i, want in enumerate(source[:_SHOWN_HUNK_LINES]):
        q = near.start + i
        have = bodies[q] if q < len(bodies) else None
        if have == want:
            lines.append(f"  {q + 1:>6}  {_cut_line(_printable(have))}")
            continue
        if have is None:
            lines.append(f"! {'(end)':>6}")
            lines.append(f"  {'hunk':>6}  {_cut_line(_printable(want))}")
            continue
        mark = "~" if have.split() == want.split() else "!"
        shown_have, shown_want = (repr(have), repr(want)) if mark == "~" else (have, want)
        lines.append(f"{mark} {q + 1:>6}  {_cut_line(_printable(shown_have))}")
        lines.append(f"  {'hunk':>6}  {_cut_line(_printable(shown_want))}")
    if len(source) > _SHOWN_HUNK_LINES:
        lines.append(f"  [... {len(source) - _SHOWN_HUNK_LINES} more lines of the hunk]")
    return ToolError("\n".join(lines))


def _executable(mode: int, git_mode: str | None) -> int:
    if git_mode == "100755":
        return mode | ((mode & 0o444) >> 2)
    if git_mode == "100644":
        return mode & ~0o111
    return mode


def _write_temp(place: _Place, token: str, number: int, data: bytes, like: os.stat_result | None,
                git_mode: str | None) -> str:
    """``data`` in a new ``.NAME.T.patch-new`` in the place's directory, fsynced, with ``like``'s mode and
    owner (a new file: the default mode), then the mode the diff sets."""
    temp = _temp_name(place.name, token, number, _NEW)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666,
                 dir_fd=place.dir_fd)
    try:
        try:
            if like is not None:
                if (like.st_uid, like.st_gid) != (os.geteuid(), os.getegid()):
                    with contextlib.suppress(PermissionError):
                        os.fchown(fd, like.st_uid, like.st_gid)
                mode = stat.S_IMODE(like.st_mode)
            else:
                mode = stat.S_IMODE(os.fstat(fd).st_mode)  # 0666 less the umask
            os.fchmod(fd, _executable(mode, git_mode))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=place.dir_fd)
        raise
    return temp


def _prepare(files: list[FileDiff], crlf: bool, strip: int, args: PatchArgs, ctx: FileToolContext,
             stop: threading.Event, token: str, opened: list[int], changes: list[_Change]) -> str:
    """Phase 1: every change resolved, checked and (unless a dry run) its new content in a temporary
    file, appended to ``changes`` as it goes (the caller removes the temporary files of a failure), and
    every descriptor opened to ``opened``.  Returns the digest of what the changes read."""
    base = ""
    if args.directory:
        try:
            fd = ctx.root.open_dir(args.directory)
        except (FileNotFoundError, NotADirectoryError):
            raise ToolError(f"directory not found: {_printable(args.directory)}") from None
        opened.append(fd)
        base = ctx.root.display(fd, fallback=ctx.root.relative(args.directory))

    def rel(name: str, diff: FileDiff) -> str:
        path = name if diff.git_names else _stripped(name, strip, diff.number)
        if path.startswith("/"):
            return path  # absolute: only inside the workspace (Workspace.relative refuses the rest)
        return f"{base}/{path}" if base else path

    digest = hashlib.sha256()
    removed: dict[tuple[Any, ...], int] = {}  # names the patch replaces or takes away: by which file
    placed: dict[tuple[Any, ...], int] = {}  # names the patch writes
    absent: list[_Change] = []  # changes whose target must not exist (unless the patch frees it)
    for diff in files:
        if stop.is_set():
            raise ToolError("cancelled; nothing was changed")
        source = rel(diff.source, diff) if diff.source is not None else None
        target = rel(diff.target, diff) if diff.target is not None else None
        where = f"file {diff.number} of the patch"
        try:
            change: _Change | None = None
            if diff.action == "modify":
                assert source is not None and target is not None
                try:
                    change = _modify_place(ctx, source, target, opened, diff)
                except ToolError as exc:
                    if not (str(exc).startswith("file not found") and _only_adds(diff)):
                        raise
                    # diff -N (and many a hand-written diff) makes a new file with its own name, not /dev/null
                    diff, source = diff._replace(action="create", source=None), None
            if change is None:
                change = _Change(diff, _printable(os.path.normpath(target or source or "")), None)
                if source is not None:
                    change.source = _place(ctx, source, create=False, opened=opened)
                    verb = "deletes and renames" if diff.action != "copy" else "copies"
                    change.stat = _regular_at(change.source, verb)
                    if change.stat is None:
                        raise ToolError(f"file not found: {change.source.shown}")
                    change.shown = change.source.shown
                if target is not None:
                    change.target = _place(ctx, target, create=True, opened=opened)
                    if change.source is not None:
                        change.old_shown = change.source.shown
                    change.shown = change.target.shown
                    absent.append(change)
        except PathError as exc:
            raise ToolError(f"{where}: {exc}; nothing was changed") from None
        except ToolError as exc:
            raise ToolError(f"{where}: {exc}; nothing was changed") from None
        for place, table in ((change.source, removed), (change.target, placed)):
            if place is None or (table is removed and diff.action == "copy"):
                continue
            if place.key in table:
                raise ToolError(f"the patch changes {place.shown} twice (files {table[place.key]} and {diff.number}); "
                                "nothing was changed")
            table[place.key] = diff.number
        changes.append(change)
    for change in absent:
        assert change.target is not None
        if change.target.key not in removed:  # else a file this patch removes frees the name
            try:
                existing = _regular_at(change.target, "creates")
            except ToolError as exc:
                raise ToolError(f"file {change.diff.number} of the patch: {exc}; nothing was changed") from None
            if existing is not None:
                verb = {"create": "creates", "rename": "renames a file to", "copy": "copies a file to"}[change.action]
                raise ToolError(f"file {change.diff.number} of the patch {verb} {change.target.shown}, which already "
                                "exists; nothing was changed")
    # contents, after every name was checked: the costly part
    for change in changes:
        if stop.is_set():
            raise ToolError("cancelled; nothing was changed")
        _new_content(change, ctx, crlf, len(files), token, args.dry_run, digest)
    return digest.hexdigest()


def _only_adds(diff: FileDiff) -> bool:
    """One hunk that adds lines to an empty file (``@@ -0,0 +1,N @@``)."""
    return len(diff.hunks) == 1 and diff.hunks[0].source_start == 0 and not diff.hunks[0].source


def _modify_place(ctx: FileToolContext, source: str, target: str, opened: list[int], diff: FileDiff) -> _Change:
    """A modified file: the old name if it exists, else the new one (POSIX patch's rule for a diff whose
    two names differ); a symlink at the end is followed, as edit follows it."""
    names = [source] if source == target else [source, target]
    for index, name in enumerate(names):
        try:
            dir_fd, base, shown = _target(ctx, name, create=False)
        except ToolError:
            if index + 1 < len(names):
                continue
            raise
        opened.append(dir_fd)
        place = _Place(dir_fd, (), base, shown, (*_dir_key(dir_fd), base))
        st = _regular_at(place, "changes")
        if st is None:
            if index + 1 < len(names):
                continue
            raise ToolError(f"file not found: {shown}")
        change = _Change(diff, shown, None)
        change.source = change.target = place
        change.stat = st
        return change
    raise ToolError(f"file not found: {_printable(target)}")


def _hash_file(place: _Place, shown: str) -> tuple[str, str, os.stat_result]:
    """sha256 and git's blob id of the file at ``place`` (read in chunks: any size), and its fstat."""
    fd = _open_file_at(place.dir_fd, place.name, shown)
    try:
        st = os.fstat(fd)
        sha256 = hashlib.sha256()
        blob = hashlib.sha1(f"blob {st.st_size}\0".encode(), usedforsecurity=False)
        while chunk := os.read(fd, 1 << 20):
            sha256.update(chunk)
            blob.update(chunk)
    finally:
        os.close(fd)
    return sha256.hexdigest(), blob.hexdigest(), st


def _read_raw(place: _Place, shown: str, ctx: FileToolContext) -> tuple[bytes, os.stat_result]:
    """The bytes of the file at ``place``, any content (binary too), bounded by the write limit."""
    fd = _open_file_at(place.dir_fd, place.name, shown)
    try:
        st = os.fstat(fd)
        data = _read_all(fd, ctx.max_write_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > ctx.max_write_bytes:
        raise ToolError(f"{shown} is over the write limit of {ctx.max_write_bytes} bytes (max_write_bytes)")
    return data, st


def _new_content(change: _Change, ctx: FileToolContext, crlf: bool, files: int, token: str, dry_run: bool,
                 digest: Any) -> None:
    """Read the change's source, apply its hunks, and (unless a dry run) write the result to a temporary file.

    A change without hunks (a rename, copy, mode change or delete git describes without content) takes
    the file as it is, whatever it holds: a pure rename moves the file itself, a delete checks it against
    the blob id of the diff's ``index`` line when there is one."""
    diff = change.diff
    where = f"file {diff.number} of the patch"
    source = change.source
    data = b""
    st: os.stat_result | None = None
    try:
        if source is not None and not diff.hunks and (diff.action == "delete" or (
                diff.action == "rename" and diff.new_mode is None)):
            sha256, blob, st = _hash_file(source, source.shown)
            if diff.old_blob is not None and not blob.startswith(diff.old_blob):
                verb = "deletes" if diff.action == "delete" else "renames"
                raise ToolError(f"{where} {verb} {source.shown}, but the file is not the one the diff names (blob "
                                f"{diff.old_blob}, the file's is {blob[:len(diff.old_blob)]}): it changed since the "
                                "diff was made; nothing was changed")
            change.move = diff.action == "rename"
            digest.update(f"{source.shown}\0{sha256}".encode("utf-8", "surrogateescape"))
        elif source is not None and not diff.hunks:
            data, st = _read_raw(source, source.shown, ctx)
            digest.update(f"{source.shown}\0".encode("utf-8", "surrogateescape") + hashlib.sha256(data).digest())
        elif source is not None:
            data, st = _read_text(source.dir_fd, source.name, source.shown, ctx, "patch")
            digest.update(f"{source.shown}\0".encode("utf-8", "surrogateescape") + hashlib.sha256(data).digest())
    except ToolError as exc:
        raise ToolError(f"{where}: {exc}; nothing was changed") from None
    if st is not None:
        before = change.stat
        assert before is not None
        if (st.st_ino, st.st_dev) != (before.st_ino, before.st_dev):
            raise ToolError(f"{change.shown} was replaced while the patch was being prepared; nothing was changed "
                            "(try again)")
        change.stat = st
    if change.target is not None and change.action != "modify":
        digest.update(f"{change.target.shown}\0absent\0".encode("utf-8", "surrogateescape"))
    if change.move or (change.action == "delete" and not diff.hunks):
        return
    if diff.hunks or source is None:
        decoded = tx.decode(data) if source is not None else tx.Decoded("", diff.bom)
        newline = tx.newline_of(decoded.text) if "\n" in decoded.text else ("\r\n" if crlf else "\n")
        bodies, ends = tx.split_lines(decoded.text)
        try:
            new_bodies, new_ends, change.offsets = tx.apply_hunks(bodies, ends, diff.hunks, newline)
        except tx.HunkFailed as exc:
            raise _hunk_failure(exc, change, bodies, files) from None
        if change.action == "delete":
            if new_bodies:
                raise ToolError(f"{where} deletes {change.shown}, but the file has {len(new_bodies)} lines the diff "
                                "does not list (it changed since the diff was made); nothing was changed")
            return
        data = _encode(tx.join_lines(new_bodies, new_ends), decoded.bom, f"the new content of {change.shown}")
    if len(data) > ctx.max_write_bytes:
        raise ToolError(f"{where}: {change.shown} would be {len(data)} bytes, over the write limit of "
                        f"{ctx.max_write_bytes} bytes (max_write_bytes); nothing was changed")
    # a new file's default mode is not news; an executable one, or a mode change, is
    change.mode = diff.new_mode if change.action != "create" or diff.new_mode == "100755" else None
    if not dry_run:
        assert change.target is not None
        change.new_temp = _write_temp(change.target, token, diff.number, data,
                                      st if change.action != "create" else None, diff.new_mode)


# ---- patch: committing ----------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
_RENAME_NOREPLACE = 1
# link(2) failures that mean "this filesystem (or its policy) gives no second name to this file"
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK})


def _rename(src_dir: int, src: str, dst_dir: int, dst: str, *, replace: bool) -> None:
    """``renameat2``; with ``replace`` False, a name that exists at ``dst`` is an error (EEXIST)."""
    if replace:
        os.rename(src, dst, src_dir_fd=src_dir, dst_dir_fd=dst_dir)
        return
    renameat2 = getattr(_libc, "renameat2", None)
    if renameat2 is not None:
        if renameat2(src_dir, os.fsencode(src), dst_dir, os.fsencode(dst), _RENAME_NOREPLACE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.EINVAL, errno.ENOSYS):
            raise OSError(err, os.strerror(err), dst)
    # a filesystem without RENAME_NOREPLACE: check, then rename (a name made in between is replaced)
    try:
        os.stat(dst, dir_fd=dst_dir, follow_symlinks=False)
    except FileNotFoundError:
        os.rename(src, dst, src_dir_fd=src_dir, dst_dir_fd=dst_dir)
        return
    raise OSError(errno.EEXIST, os.strerror(errno.EEXIST), dst)


def _link(dir_fd: int, src: str, dst: str) -> None:
    os.link(src, dst, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)


class _Journal:
    """The commit's steps, each with how to undo it."""

    def __init__(self) -> None:
        self.undo: list[tuple[str, Callable[[], None]]] = []

    def done(self, what: str, undo: Callable[[], None]) -> None:
        self.undo.append((what, undo))

    def roll_back(self) -> list[str]:
        """Undo every step, newest first; the steps that could not be undone."""
        failed = []
        for what, undo in reversed(self.undo):
            try:
                undo()
            except OSError as exc:
                failed.append(f"{what}: {_os_error_text(exc)}")
        self.undo.clear()
        return failed


def _changed(place: _Place) -> ToolError:
    return ToolError(f"{place.shown} changed while the patch was being applied")


def _unchanged(change: _Change) -> None:
    """Refuse to commit when the source is not the file that was read, or the target appeared."""
    if change.source is not None and change.stat is not None and change.action != "copy":
        try:
            now = os.stat(change.source.name, dir_fd=change.source.dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            now = None
        before = change.stat
        if now is None or (now.st_ino, now.st_dev, now.st_size, now.st_mtime_ns) != (
                before.st_ino, before.st_dev, before.st_size, before.st_mtime_ns):
            raise ToolError(f"{change.source.shown} changed while the patch was being applied; nothing was changed "
                            "(read it again and make a new patch, or apply this one again)")


def _make_dirs(place: _Place, made: dict[tuple[Any, ...], int], journal: _Journal, opened: list[int]) -> int:
    """Make the place's missing directories (shared by the patch's new files); the innermost's descriptor."""
    fd = place.dir_fd
    key: tuple[Any, ...] = _dir_key(fd)
    for name in place.missing:
        key = (*key, name)
        if key in made:
            fd = made[key]
            continue
        try:
            os.mkdir(name, 0o777, dir_fd=fd)
            parent = fd
            journal.done(f"made directory {name}", functools.partial(os.rmdir, name, dir_fd=parent))
        except FileExistsError:
            pass  # made meanwhile by someone else: used if it is a directory (not a symlink)
        fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
        opened.append(fd)
        made[key] = fd
    return fd


def _unlink_quietly(dir_fd: int, name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name, dir_fd=dir_fd)


def _commit(changes: list[_Change], token: str, opened: list[int]) -> None:
    """Phase 2 (see the module docstring): renames only, undone in reverse if one fails, under the lock
    of every file it replaces or removes (``replacing``; taken in one order, so two patches cannot wait
    for each other)."""
    with contextlib.ExitStack() as locks:
        held = sorted({c.source.key: c.source for c in changes if c.source is not None and c.action != "copy"
                       }.items())
        for _, place in held:
            locks.enter_context(replacing(place.dir_fd, place.name, place.shown))
        for change in changes:
            _unchanged(change)
        _renames(changes, token, opened)


def _renames(changes: list[_Change], token: str, opened: list[int]) -> None:
    journal = _Journal()
    made: dict[tuple[Any, ...], int] = {}
    try:
        # replaced files: the old one stays reachable as patch-old until the end
        for change in changes:
            if change.action != "modify":
                continue
            place = change.source
            assert place is not None and change.new_temp is not None
            old = _temp_name(place.name, token, change.diff.number, _OLD)
            try:
                _link(place.dir_fd, place.name, old)
                journal.done(f"kept the old {place.shown}", functools.partial(_unlink_quietly, place.dir_fd, old))
            except OSError as exc:
                if isinstance(exc, FileNotFoundError):
                    # link(2) of a name another writer just replaced (its old inode has no name left)
                    raise _changed(place) from None
                if exc.errno not in _NO_HARD_LINKS:
                    raise
                # a filesystem without hard links: the old file moves aside (for a moment the name is absent)
                _rename(place.dir_fd, place.name, place.dir_fd, old, replace=False)
            change.old_temp = old
            undo = functools.partial(_rename, place.dir_fd, old, place.dir_fd, place.name, replace=True)
            journal.done(f"set the old {place.shown} aside", undo)
            _rename(place.dir_fd, change.new_temp, place.dir_fd, place.name, replace=True)
            change.new_temp = None
        # deleted and renamed-away files
        for change in changes:
            if change.action not in ("delete", "rename"):
                continue
            place = change.source
            assert place is not None
            old = _temp_name(place.name, token, change.diff.number, _OLD)
            try:
                _rename(place.dir_fd, place.name, place.dir_fd, old, replace=False)
            except FileNotFoundError:
                raise _changed(place) from None
            change.old_temp = old
            journal.done(f"removed {place.shown}",
                         functools.partial(_rename, place.dir_fd, old, place.dir_fd, place.name, replace=False))
        # new names (after the old ones went: a patch may rename a file onto a name another file leaves)
        for change in changes:
            if change.action not in ("create", "rename", "copy"):
                continue
            place = change.target
            assert place is not None
            dir_fd = _make_dirs(place, made, journal, opened) if place.missing else place.dir_fd
            if change.move:  # the file itself, from where the removal set it aside
                assert change.source is not None and change.old_temp is not None
                _rename(change.source.dir_fd, change.old_temp, dir_fd, place.name, replace=False)
                journal.done(f"moved {change.source.shown} to {place.shown}", functools.partial(
                    _rename, dir_fd, place.name, change.source.dir_fd, change.old_temp, replace=False))
                change.old_temp = None
                continue
            assert change.new_temp is not None
            _rename(place.dir_fd, change.new_temp, dir_fd, place.name, replace=False)
            change.new_temp = None
            journal.done(f"created {place.shown}", functools.partial(os.unlink, place.name, dir_fd=dir_fd))
    except BaseException as exc:
        failed = journal.roll_back()
        if failed:
            raise ToolError(
                f"the patch could not be committed ({_reason(exc)}), and putting the files back failed for: "
                f"{'; '.join(failed)}. The old contents are kept in the .NAME.{token}-N.{_OLD} files beside them"
            ) from None
        if isinstance(exc, OSError | ToolError):
            raise ToolError(f"the patch could not be committed ({_reason(exc)}); every file was put back as it "
                            "was, nothing was changed") from None
        raise
    # committed: the old contents go
    for change in changes:
        if change.old_temp is not None and change.source is not None:
            with contextlib.suppress(OSError):
                os.unlink(change.old_temp, dir_fd=change.source.dir_fd)
            change.old_temp = None
    for fd in {c.target.dir_fd for c in changes if c.target is not None} | set(made.values()):
        with contextlib.suppress(OSError):  # EBADF for a directory opened with O_PATH
            os.fsync(fd)


def _reason(exc: BaseException) -> str:
    return _os_error_text(exc) if isinstance(exc, OSError) else str(exc)


# ---- patch: the tool ----------------------------------------------------------------------------

_SIGNS = {"modify": "M", "create": "A", "delete": "D", "rename": "R", "copy": "C"}


def _describe(change: _Change) -> tuple[PatchFile, str]:
    diff = change.diff
    added = sum(h.added for h in diff.hunks)
    removed = sum(h.removed for h in diff.hunks)
    name = f"{change.old_shown} -> {change.shown}" if change.action in ("rename", "copy") else change.shown
    line = f"{_SIGNS[change.action]} {name}"
    counts = []
    if added or removed:
        counts.append(f"+{added} -{removed}")
    if diff.hunks:
        counts.append(f"{len(diff.hunks)} hunk{'s' if len(diff.hunks) > 1 else ''}")
    moved = [f"hunk {i} at {off:+d} lines" for i, off in enumerate(change.offsets, 1) if off]
    if moved:
        counts.append("; ".join(moved))
    if change.mode is not None:
        counts.append(f"mode {change.mode}")
    if counts:
        line += f" ({', '.join(counts)})"
    entry = PatchFile(path=change.shown, action=change.action,
                      old_path=change.old_shown if change.action in ("rename", "copy") else None,
                      hunks=len(diff.hunks), added=added, removed=removed, mode=change.mode)
    return entry, line


def apply_patch(args: PatchArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    size = len(args.patch.encode("utf-8", "surrogatepass"))
    if size > MAX_PATCH_BYTES:
        raise ToolError(f"the patch is {size} bytes, over the limit of {MAX_PATCH_BYTES} bytes; split it into "
                        "several patches (each applies all or nothing on its own)")
    if size > LARGE_PATCH_BYTES:
        while not _large_patches.acquire(timeout=0.1):
            if stop.is_set():
                raise ToolError("cancelled while waiting for another large patch to be parsed; nothing was changed")
        try:
            files, crlf = parse_patch(args.patch)
        finally:
            _large_patches.release()
    else:
        files, crlf = parse_patch(args.patch)
    strip = args.strip if args.strip is not None else auto_strip(files)
    token = secrets.token_hex(6)
    opened: list[int] = []
    changes: list[_Change] = []
    try:
        digest = _prepare(files, crlf, strip, args, ctx, stop, token, opened, changes)
        if args.expect_digest is not None and args.expect_digest != digest:
            raise ToolError("the files the patch touches changed since the dry run that returned expect_digest "
                            f"(their digest is now {digest}); nothing was changed: check them and run the dry run "
                            "again")
        if not args.dry_run:
            _commit(changes, token, opened)
    finally:
        for change in changes:
            if change.new_temp is not None and change.target is not None:
                with contextlib.suppress(OSError):
                    os.unlink(change.new_temp, dir_fd=change.target.dir_fd)
        for fd in opened:
            with contextlib.suppress(OSError):
                os.close(fd)
    described = [_describe(change) for change in changes]
    entries = [entry for entry, _ in described]
    added, removed = sum(e.added for e in entries), sum(e.removed for e in entries)
    summary = (f"{len(entries)} file{'s' if len(entries) != 1 else ''} changed, {added} insertion"
               f"{'s' if added != 1 else ''}(+), {removed} deletion{'s' if removed != 1 else ''}(-)")
    if args.dry_run:
        head = (f"Dry run: the patch applies cleanly; nothing was changed. It would make {summary}.\n"
                f"To apply exactly this, call patch again without dry_run and with expect_digest={digest}\n")
    else:
        head = f"Applied the patch (-p{strip}): {summary}.\n"
    result = PatchResult(dry_run=args.dry_run, applied=not args.dry_run, strip=strip, files=entries, added=added,
                         removed=removed, digest=digest)
    return FileToolResult(head + "".join(f"{line}\n" for _, line in described),
                          structured=msgspec.to_builtins(result))


# ---- the family's handlers -----------------------------------------------------------------

helper_tool("patch")(apply_patch)
helper_tool("multi_edit")(lambda args, ctx, stop: multi_edit(args, ctx))
helper_tool("batch_read")(lambda args, ctx, stop: batch_read(args, ctx))
