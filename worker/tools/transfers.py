"""Files in and out, in the file helper as the tool user: the ``upload`` and ``download`` tools, and
the helper's side of the files channel (``Transfers``: /files transfers, resources, watches).

Everything here opens what it touches beneath the workspace descriptor (``worker.tools.confine``),
with the tool user's credentials, and then works on the descriptors it got:

- ``upload`` writes a temporary file in the parent directory's descriptor and renames it over the
  name (``write``'s ``_replace``); ``download`` reads the descriptor it opened.
- ``OpenRead`` hands the gateway the descriptor of a regular file (opened ``O_NONBLOCK`` and checked
  with ``fstat``, so a fifo cannot hang anyone), or, for ``archive``, the read end of a pipe that a
  thread of the helper fills with a tar.gz of the directory, walking it one directory descriptor at
  a time (``O_NOFOLLOW``; symlinks are stored as symlinks, never followed).
- ``OpenWrite`` makes an unnamed file (``O_TMPFILE``) in the deepest directory of the target's path
  that exists, and hands the gateway a descriptor of it: the gateway writes the body into it.
  Nothing is visible under any name until ``CommitWrite``, which fsyncs it, makes the missing
  directories, links it in under a temporary name with ``linkat`` (through ``/proc/self/fd``) and
  renames it over the target.  An upload that fails or is abandoned is closed, and the kernel frees
  the unnamed file: nothing is left behind.  Where ``O_TMPFILE`` is not supported, a named temporary
  ``.NAME.HEX.upload`` beside the target is used and removed on failure.
- ``OpenWatch`` hands the gateway the directory that holds a file (for its inotify watch).
- ``ListFiles`` walks the workspace in name order and resumes after a position that is compared
  with names, never opened: no cursor can name a path outside.

Each request is answered once, on the helper's socket (``send(msg, fds)``: the helper closes the
descriptors once sent).  Failures are ``Refused`` with an HTTP status (``_status``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import fcntl
import gzip
import hashlib
import mimetypes
import os
import secrets
import stat
import tarfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from shared import protocol as p
from shared.file_tools import FileToolResult
from shared.transfer_tools import DownloadArgs, UploadArgs, files_url, resource_uri
from worker.tools.confine import PathError
from worker.tools.files import (
    FileToolContext,
    ToolError,
    _existing,
    _open_file,
    _printable,
    _replace,
    _target,
    _write_all,
    helper_tool,
)

__all__ = [
    "ARCHIVE_COMPRESSLEVEL",
    "LIST_TIME_BUDGET",
    "MAX_ARCHIVES",
    "MAX_OPEN_UPLOADS",
    "Transfers",
    "guess_mime",
]

MAX_OPEN_UPLOADS = 64  # uploads one helper holds open at once (each is a descriptor)
MAX_ARCHIVES = 4  # archives one helper builds at once (each is a thread)
MAX_ARCHIVE_DEPTH = 128  # directories nested deeper are left out (each level holds two descriptors)
ARCHIVE_COMPRESSLEVEL = 6  # gzip's default, as `tar czf` uses it
LIST_TIME_BUDGET = 10.0  # seconds one ListFiles walk may take
MAX_LISTED_DIR_ENTRIES = 100_000  # a directory with more entries is left out of resources/list
_CHUNK = 1 << 20
_PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = 1031
_OPEN_SUBDIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_MEMBER = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_ENCODED_TYPES = {"gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz",
                  "compress": "application/x-compress", "br": "application/x-brotli"}

Send = Callable[[Any, list[int]], None]


def guess_mime(name: str) -> str:
    """A MIME type from the file name (``application/octet-stream`` when unknown)."""
    mime, encoding = mimetypes.guess_type(name, strict=False)
    if encoding is not None:
        return _ENCODED_TYPES.get(encoding, "application/octet-stream")
    return mime or "application/octet-stream"


# ---- the tools -------------------------------------------------------------------------------


def _largest_encoding(limit: int) -> int:
    """The length of the base64 text of ``limit`` bytes: longer text decodes to more."""
    return 4 * ((limit + 2) // 3)


def _upload(args: UploadArgs, ctx: FileToolContext) -> FileToolResult:
    limit = ctx.max_upload_bytes
    if len(args.content) > _largest_encoding(limit):
        raise ToolError(f"content decodes to more than {limit} bytes, over the upload limit (--max-upload-bytes="
                        f"{limit}); send larger files with PUT /files/<path>")
    try:
        data = base64.b64decode(args.content, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ToolError(f"content is not valid base64: {exc}") from None
    if len(data) > limit:
        raise ToolError(f"content is {len(data)} bytes, over the upload limit (--max-upload-bytes={limit}); send "
                        "larger files with PUT /files/<path>")
    digest = hashlib.sha256(data).hexdigest()
    if args.sha256 is not None and args.sha256 != digest:
        raise ToolError(f"the content's sha256 is {digest}, not the {args.sha256} given: nothing was written")
    dir_fd, name, shown = _target(ctx, args.file_path, create=True)
    try:
        existing = _existing(dir_fd, name, shown)
        if existing is not None and not args.overwrite:
            raise ToolError(f"{shown} exists and overwrite is false: nothing was written")
        if args.overwrite:
            _replace(dir_fd, name, data, existing)
        else:
            _create_new(dir_fd, name, shown, data)
    finally:
        os.close(dir_fd)
    created = existing is None
    return FileToolResult(
        f"{'Created' if created else 'Replaced'} {shown}: {len(data)} bytes, sha256 {digest}",
        structured={"path": shown, "size": len(data), "sha256": digest, "created": created})


def _create_new(dir_fd: int, name: str, shown: str, data: bytes) -> None:
    """Write ``data`` to a temporary file and link it in under ``name`` only if the name is free: the
    link is the atomic check, a name made meanwhile is never replaced."""
    prefix = os.fsdecode(os.fsencode(name)[:100])
    tmp = f".{prefix}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=dir_fd)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
        except FileExistsError:
            raise ToolError(f"{shown} exists and overwrite is false: nothing was written") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)


def _download(args: DownloadArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    limit = ctx.max_download_bytes
    fd, shown = _open_file(ctx, args.file_path)
    try:
        size = os.fstat(fd).st_size
        embed = args.mode == "embed" or (args.mode == "auto" and size <= limit)
        if embed and size > limit:
            raise ToolError(f"{shown} is {size} bytes, over the limit of a download's blob (--max-download-bytes="
                            f"{limit}): ask for mode \"link\", or GET {files_url(shown)} from the gateway")
        digest = hashlib.sha256()
        data = b""
        read = 0
        if embed:
            data = _read_up_to(fd, limit + 1)
            if len(data) > limit:
                raise ToolError(f"{shown} grew past the limit of a download's blob (--max-download-bytes={limit}) "
                                "while it was read")
            digest.update(data)
            read = len(data)
        else:
            while chunk := os.read(fd, _CHUNK):
                if stop.is_set():
                    raise ToolError("cancelled")
                digest.update(chunk)
                read += len(chunk)
    finally:
        os.close(fd)
    hexdigest = digest.hexdigest()
    mime = guess_mime(shown)
    uri, url = resource_uri(shown), files_url(shown)
    structured = {"path": shown, "size": read, "sha256": hexdigest, "mime_type": mime, "embedded": embed,
                  "uri": uri, "url": url}
    head = f"{shown}: {read} bytes, {mime}, sha256 {hexdigest}"
    if embed:
        return FileToolResult(
            f"{head}; embedded below as a base64 blob ({uri})", structured=structured,
            content=[{"type": "resource", "resource": {"uri": uri, "mimeType": mime,
                                                       "blob": base64.b64encode(data).decode("ascii")}}])
    why = "a link was asked for" if args.mode == "link" else f"too large to embed (--max-download-bytes={limit})"
    return FileToolResult(
        f"{head}; {why}: fetch it with GET {url} on this gateway, with the same token "
        f"(curl -H 'Authorization: Bearer TOKEN' -o NAME http://HOST:PORT{url})", structured=structured,
        content=[{"type": "resource_link", "uri": uri, "name": shown, "mimeType": mime, "size": read,
                  "description": f"fetch it with GET {url} from the gateway (same token)"}])


def _read_up_to(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    got = 0
    while got < limit:
        chunk = os.read(fd, min(_CHUNK, limit - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


helper_tool("upload")(lambda args, ctx, stop: _upload(args, ctx))
helper_tool("download")(_download)


# ---- the files channel -----------------------------------------------------------------------


class Refusal(Exception):
    """A request that cannot be served: ``status`` (HTTP) and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


_ERRNO_STATUS = {
    errno.ENOENT: 404, errno.EACCES: 403, errno.EPERM: 403, errno.EROFS: 403, errno.EISDIR: 409,
    errno.ENOTDIR: 409, errno.ELOOP: 409, errno.EXDEV: 409, errno.EEXIST: 412, errno.ENAMETOOLONG: 414,
    errno.ENOSPC: 507, errno.EDQUOT: 507, errno.EFBIG: 413,
}


def _status(exc: BaseException) -> tuple[int, str]:
    """The HTTP status and message of a failure."""
    if isinstance(exc, Refusal):
        return exc.status, str(exc)
    if isinstance(exc, PathError):
        return 403, str(exc)
    if isinstance(exc, ToolError):
        return 409, str(exc)
    if isinstance(exc, OSError):
        status = _ERRNO_STATUS.get(exc.errno or 0, 500)
        reason = exc.strerror or str(exc)
        name = f": {_printable(os.fsdecode(exc.filename))}" if exc.filename else ""
        return status, f"{reason}{name}"
    return 500, f"internal error in the file helper: {exc}"


class _Upload:
    """An upload between ``OpenWrite`` and its commit or close: the helper's descriptor of the file the
    gateway writes, and (without ``O_TMPFILE``) the named temporary file's directory and name."""

    __slots__ = ("create_only", "fd", "named", "path")

    def __init__(self, fd: int, path: str, create_only: bool, named: tuple[int, str] | None) -> None:
        self.fd = fd
        self.path = path
        self.create_only = create_only
        self.named = named

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)
        if self.named is not None:
            dir_fd, name = self.named
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=dir_fd)
            with contextlib.suppress(OSError):
                os.close(dir_fd)
            self.named = None


class Transfers:
    """The helper's side of the files channel.  ``handle`` runs one request on a thread of the helper
    and sends its one answer with ``send``; ``close`` (the reader thread) ends a transfer; ``stop_all``
    ends every one (the helper is exiting).  Owns the uploads' descriptors and the archive threads."""

    def __init__(self, ctx: FileToolContext, send: Send) -> None:
        self.ctx = ctx
        self.send = send
        self.lock = threading.Lock()
        self.uploads: dict[int, _Upload] = {}
        self.archives: dict[int, threading.Event] = {}

    def handle(self, msg: p.ToFiles) -> None:
        after: Callable[[], None] | None = None
        fds: list[int] = []
        reply: Any
        try:
            match msg:
                case p.OpenRead():
                    reply, fds, after = self._open_read(msg)
                case p.OpenWrite():
                    reply, fds = self._open_write(msg)
                case p.CommitWrite():
                    reply = self._commit(msg)
                case p.OpenWatch():
                    reply, fds = self._open_watch(msg)
                case p.ListFiles():
                    reply = self._list_files(msg)
                case _:
                    raise Refusal(400, f"not a request: {type(msg).__name__}")
        except Exception as exc:  # every failure is the client's answer; a bug's is a 500 with its text
            status, message = _status(exc)
            reply = p.Refused(id=msg.id, status=status, error=message)
        self.send(reply, fds)
        if after is not None:
            after()

    def close(self, transfer_id: int) -> None:
        with self.lock:
            upload = self.uploads.pop(transfer_id, None)
            stop = self.archives.get(transfer_id)
        if upload is not None:
            upload.close()
        if stop is not None:
            stop.set()

    def stop_all(self) -> None:
        with self.lock:
            uploads = list(self.uploads.values())
            self.uploads.clear()
            stops = list(self.archives.values())
        for upload in uploads:
            upload.close()
        for stop in stops:
            stop.set()

    # ---- downloads and archives ------------------------------------------------------------

    def _open_read(self, msg: p.OpenRead) -> tuple[p.Opened, list[int], Callable[[], None] | None]:
        root = self.ctx.root
        fd = root.open(os.fsdecode(msg.path), os.O_RDONLY | os.O_NONBLOCK)
        try:
            st = os.fstat(fd)
            shown = _printable(root.display(fd, fallback=root.relative(os.fsdecode(msg.path))))
            if stat.S_ISDIR(st.st_mode):
                if not msg.archive:
                    raise Refusal(409, f"{shown or '.'} is a directory: GET it with ?archive=tar.gz")
                return self._start_archive(msg, fd, shown)
            if msg.archive:
                raise Refusal(409, f"{shown} is not a directory (?archive=tar.gz packs directories)")
            if not stat.S_ISREG(st.st_mode):
                raise Refusal(409, f"{shown} is not a regular file")
            os.set_blocking(fd, True)
        except BaseException:
            os.close(fd)
            raise
        opened = p.Opened(id=msg.id, kind="file", path=shown, size=st.st_size, mtime_ns=st.st_mtime_ns,
                          mime=guess_mime(shown))
        return opened, [fd], None

    def _start_archive(self, msg: p.OpenRead, dir_fd: int, shown: str
                       ) -> tuple[p.Opened, list[int], Callable[[], None]]:
        with self.lock:
            if len(self.archives) >= MAX_ARCHIVES:
                raise Refusal(503, f"this worker's file helper is building {MAX_ARCHIVES} archives already; retry")
            stop = self.archives[msg.id] = threading.Event()
        try:
            read_end, write_end = os.pipe2(os.O_CLOEXEC)
        except BaseException:
            with self.lock:
                self.archives.pop(msg.id, None)
            raise
        with contextlib.suppress(OSError):  # a fuller pipe means fewer wake-ups; the default works too
            fcntl.fcntl(write_end, _F_SETPIPE_SZ, _PIPE_SIZE)
        top = (shown.rpartition("/")[2] or "workspace") if shown else "workspace"
        thread = threading.Thread(target=self._archive, args=(msg.id, dir_fd, write_end, top, stop),
                                  name=f"archive-{msg.id}", daemon=True)
        opened = p.Opened(id=msg.id, kind="archive", path=shown, name=top)
        # the thread starts once Opened is sent, so TransferDone comes after it
        return opened, [read_end], thread.start

    def _archive(self, transfer_id: int, dir_fd: int, write_end: int, top: str, stop: threading.Event) -> None:
        counts = [0, 0]  # entries, skipped
        error = ""
        try:
            with os.fdopen(write_end, "wb", buffering=_CHUNK) as pipe:
                write_end = -1
                gz = gzip.GzipFile(filename="", mode="wb", compresslevel=ARCHIVE_COMPRESSLEVEL, fileobj=pipe, mtime=0)
                with gz, tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT,  # type: ignore[call-overload]
                                      copybufsize=_CHUNK) as tar:
                    _pack(tar, dir_fd, top, stop, counts)
        except BrokenPipeError:
            error = "the reader went away"
        except _Stopped:
            error = "stopped"
        except OSError as exc:
            error = f"{exc.strerror or exc}"
        except Exception as exc:
            error = f"internal error: {exc}"
        finally:
            if write_end >= 0:
                os.close(write_end)
            os.close(dir_fd)
            with self.lock:
                self.archives.pop(transfer_id, None)
        self.send(p.TransferDone(id=transfer_id, ok=not error, error=error, entries=counts[0], skipped=counts[1]), [])

    # ---- uploads ---------------------------------------------------------------------------

    def _open_write(self, msg: p.OpenWrite) -> tuple[p.Opened, list[int]]:
        root = self.ctx.root
        path = os.fsdecode(msg.path)
        rel = root.relative(path)
        if rel.endswith("/") or rel.rpartition("/")[2] in ("", ".", ".."):
            raise Refusal(409, f"{_printable(rel)} names a directory; PUT a file's path")
        with self.lock:
            if len(self.uploads) >= MAX_OPEN_UPLOADS:
                raise Refusal(503, f"this worker's file helper holds {MAX_OPEN_UPLOADS} uploads open already; retry")
        existed = False
        host = -1
        try:
            try:
                host, name = root.parent(path)
            except FileNotFoundError:
                host = self._deepest_existing(rel)
                shown = _printable(os.path.normpath(rel))
            else:
                shown = _printable(root.display(host, name, fallback=rel))
                existed = _check_target(host, name, shown, msg.create_only) is not None
            try:
                fd = os.open(".", os.O_TMPFILE | os.O_RDWR | os.O_CLOEXEC, 0o666, dir_fd=host)
                named = None
            except OSError as exc:
                if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                    raise
                fd, named = self._named_temp(path)
        finally:
            if host >= 0:
                os.close(host)
        upload = _Upload(fd, path, msg.create_only, named)
        with self.lock:
            if msg.id in self.uploads:
                upload.close()
                raise Refusal(400, f"upload {msg.id} is open already")
            self.uploads[msg.id] = upload
        return p.Opened(id=msg.id, kind="upload", path=shown, existed=existed), [os.dup(fd)]

    def _deepest_existing(self, rel: str) -> int:
        """The deepest directory of ``rel``'s parents that exists, open: an unnamed file made there
        is on the filesystem the parents made at the commit will be on."""
        parts = [c for c in rel.split("/")[:-1] if c not in ("", ".")]
        if ".." in parts:
            # which directory '..' leads to is the kernel's to say once the path exists
            raise Refusal(404, f"a directory of {_printable(rel)} does not exist (PUT makes missing directories "
                               "only for paths without '..')")
        for depth in range(len(parts) - 1, -1, -1):
            try:
                return self.ctx.root.open("/".join(parts[:depth]) or ".", os.O_PATH | os.O_DIRECTORY)
            except FileNotFoundError:
                continue
        raise Refusal(404, f"the workspace is gone: {self.ctx.root.root}")  # depth 0 is the workspace itself

    def _named_temp(self, path: str) -> tuple[int, tuple[int, str]]:
        """Without O_TMPFILE: a named temporary file beside the target (its directories made now)."""
        dir_fd, name = self.ctx.root.parent(path, create=True)
        try:
            prefix = os.fsdecode(os.fsencode(name)[:100])
            tmp = f".{prefix}.{secrets.token_hex(6)}.upload"
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666, dir_fd=dir_fd)
        except BaseException:
            os.close(dir_fd)
            raise
        return fd, (dir_fd, tmp)

    def _commit(self, msg: p.CommitWrite) -> p.Committed:
        with self.lock:
            upload = self.uploads.pop(msg.id, None)
        if upload is None:
            raise Refusal(503, "the upload was lost (the worker's file helper was restarted); nothing was written: "
                               "send it again")
        try:
            size = os.fstat(upload.fd).st_size
            if size != msg.size:
                raise Refusal(500, f"the upload holds {size} bytes, not the {msg.size} received; nothing was written")
            os.fsync(upload.fd)
            dir_fd, name = self.ctx.root.parent(upload.path, create=True)
            try:
                shown = _printable(self.ctx.root.display(dir_fd, name, fallback=self.ctx.root.relative(upload.path)))
                existing = _check_target(dir_fd, name, shown, upload.create_only)
                if existing is not None:
                    if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                        with contextlib.suppress(PermissionError):
                            os.fchown(upload.fd, existing.st_uid, existing.st_gid)
                    os.fchmod(upload.fd, stat.S_IMODE(existing.st_mode))  # after fchown, which clears set-id bits
                _put_in_place(upload, dir_fd, name, shown)
                with contextlib.suppress(OSError):
                    os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        finally:
            upload.close()
        return p.Committed(id=msg.id, path=shown, size=size, created=existing is None)

    # ---- watches and listings --------------------------------------------------------------

    def _open_watch(self, msg: p.OpenWatch) -> tuple[p.Opened, list[int]]:
        root = self.ctx.root
        path = os.fsdecode(msg.path)
        try:
            dir_fd, name = root.parent(path)
        except IsADirectoryError:
            raise Refusal(409, f"{_printable(root.relative(path))} names a directory; subscribe to files") from None
        shown = _printable(root.display(dir_fd, name, fallback=root.relative(path)))
        return p.Opened(id=msg.id, kind="watch", path=shown, name=name), [dir_fd]

    def _list_files(self, msg: p.ListFiles) -> p.FilesPage:
        limit = max(1, min(msg.limit, 1000))
        deadline = time.monotonic() + LIST_TIME_BUDGET
        entries: list[p.FileEntry] = []
        timed_out = False
        for entry in _walk_files(self.ctx.root.fd, [], list(msg.after) or None, 0):
            if time.monotonic() > deadline:
                timed_out = True
                break
            entries.append(entry)
            if len(entries) > limit:
                break
        if timed_out and not entries:
            raise Refusal(503, f"listing the workspace took over {LIST_TIME_BUDGET:g} s without finding a file")
        return p.FilesPage(id=msg.id, entries=entries[:limit], more=timed_out or len(entries) > limit,
                           timed_out=timed_out)


def _check_target(dir_fd: int, name: str, shown: str, create_only: bool) -> os.stat_result | None:
    """What an upload would replace: None when the name is free; refused when it is a directory or
    not a regular file, or (``create_only``) when it exists."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise Refusal(409, f"{shown} is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise Refusal(409, f"{shown} is not a regular file; refusing to replace it")
    if create_only:
        raise Refusal(412, f"{shown} exists (If-None-Match: * asks for a new file)")
    return st


def _put_in_place(upload: _Upload, dir_fd: int, name: str, shown: str) -> None:
    """Give the upload its name: link the unnamed file in under a temporary name (or take the named
    temporary file), then rename it over ``name`` (create-only: ``RENAME_NOREPLACE``)."""
    from worker.tools.edits import _rename  # renameat2, with its fallback

    if upload.named is not None:
        tmp_dir, tmp = upload.named
    else:
        tmp_dir = dir_fd
        tmp = f".{os.fsdecode(os.fsencode(name)[:100])}.{secrets.token_hex(6)}.upload"
        os.link(f"/proc/self/fd/{upload.fd}", tmp, dst_dir_fd=dir_fd, follow_symlinks=True)
    try:
        _rename(tmp_dir, tmp, dir_fd, name, replace=not upload.create_only)
    except FileExistsError:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=tmp_dir)
        raise Refusal(412, f"{shown} exists (If-None-Match: * asks for a new file)") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=tmp_dir)
        raise
    if upload.named is not None:
        with contextlib.suppress(OSError):
            os.close(tmp_dir)
        upload.named = None  # renamed: nothing to remove


# ---- walking -----------------------------------------------------------------------------------


class _Stopped(Exception):
    pass


class _Exactly:
    """A file's bytes for tar: exactly the ``size`` its header announced.  A file that shrank while it
    was read is padded with NULs, one that grew is cut (tar cannot take back a header)."""

    def __init__(self, fd: int, size: int, stop: threading.Event) -> None:
        self.fd = fd
        self.left = size
        self.stop = stop

    def read(self, n: int = -1) -> bytes:
        if self.stop.is_set():
            raise _Stopped
        want = self.left if n < 0 else min(n, self.left)
        chunks: list[bytes] = []
        got = 0
        while got < want:
            chunk = os.read(self.fd, want - got)
            if not chunk:
                chunks.append(b"\0" * (want - got))
                got = want
                break
            chunks.append(chunk)
            got += len(chunk)
        self.left -= got
        return b"".join(chunks)


def _tar_info(name: str, st: os.stat_result, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = stat.S_IMODE(st.st_mode)
    info.mtime = int(st.st_mtime)
    info.uid, info.gid = st.st_uid, st.st_gid
    info.uname = info.gname = ""
    info.size = st.st_size if kind == tarfile.REGTYPE else 0
    info.linkname = linkname
    return info


def _pack(tar: tarfile.TarFile, dir_fd: int, top: str, stop: threading.Event, counts: list[int]) -> None:
    """Add directory ``dir_fd`` (named ``top`` in the archive) and everything below it to ``tar``,
    one directory descriptor at a time: entries are opened relative to their directory with
    ``O_NOFOLLOW``, symlinks stored as symlinks.  ``counts``: [entries added, entries skipped]."""
    tar.addfile(_tar_info(top, os.fstat(dir_fd), tarfile.DIRTYPE))
    counts[0] += 1
    # one frame per open directory: (its descriptor, its scandir iterator, its name in the archive)
    stack: list[tuple[int, Iterator[os.DirEntry[str]], str]] = [(dir_fd, os.scandir(dir_fd), top)]
    try:
        while stack:
            if stop.is_set():
                raise _Stopped
            fd, entries, prefix = stack[-1]
            entry = next(entries, None)
            if entry is None:
                entries.close()  # type: ignore[attr-defined]
                if fd != dir_fd:
                    os.close(fd)
                stack.pop()
                continue
            name = f"{prefix}/{entry.name}"
            try:
                st = os.stat(entry.name, dir_fd=fd, follow_symlinks=False)
            except OSError:
                counts[1] += 1
                continue
            if stat.S_ISDIR(st.st_mode):
                if len(stack) >= MAX_ARCHIVE_DEPTH:
                    counts[1] += 1
                    continue
                try:
                    sub = os.open(entry.name, _OPEN_SUBDIR, dir_fd=fd)
                except OSError:
                    counts[1] += 1
                    continue
                try:
                    tar.addfile(_tar_info(name, os.fstat(sub), tarfile.DIRTYPE))
                    stack.append((sub, os.scandir(sub), name))
                except BaseException:
                    os.close(sub)
                    raise
                counts[0] += 1
            elif stat.S_ISREG(st.st_mode):
                try:
                    member = os.open(entry.name, _OPEN_MEMBER, dir_fd=fd)
                except OSError:
                    counts[1] += 1
                    continue
                try:
                    opened = os.fstat(member)
                    if not stat.S_ISREG(opened.st_mode):
                        counts[1] += 1
                        continue
                    os.set_blocking(member, True)
                    tar.addfile(_tar_info(name, opened, tarfile.REGTYPE), _Exactly(member, opened.st_size, stop))
                finally:
                    os.close(member)
                counts[0] += 1
            elif stat.S_ISLNK(st.st_mode):
                try:
                    target = os.readlink(entry.name, dir_fd=fd)
                except OSError:
                    counts[1] += 1
                    continue
                tar.addfile(_tar_info(name, st, tarfile.SYMTYPE, target))
                counts[0] += 1
            else:
                counts[1] += 1  # fifos, sockets, devices: nothing to pack
    finally:
        for fd, entries, _ in stack:
            entries.close()  # type: ignore[attr-defined]
            if fd != dir_fd:
                os.close(fd)


def _walk_files(dir_fd: int, prefix: list[bytes], after: list[bytes] | None, depth: int) -> Iterator[p.FileEntry]:
    """The regular files below ``dir_fd``, depth first, names in byte order; hidden entries and
    symlinks are left out.  With ``after`` (path components), only what comes after that position:
    names are compared with it, nothing is opened by it."""
    try:
        with os.scandir(dir_fd) as it:
            entries: list[os.DirEntry[str]] = []
            for entry in it:
                entries.append(entry)
                if len(entries) > MAX_LISTED_DIR_ENTRIES:
                    return  # too large to list in order: left out
    except OSError:
        return
    entries.sort(key=lambda e: os.fsencode(e.name))
    cursor = after[0] if after else None
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        key = os.fsencode(name)
        resume: list[bytes] | None = None
        if cursor is not None and after is not None:
            if key < cursor:
                continue
            if key == cursor:
                if len(after) == 1:
                    cursor = None  # the last one returned
                    continue
                resume = after[1:]
            cursor = None
        try:
            if entry.is_dir(follow_symlinks=False):
                if depth >= MAX_ARCHIVE_DEPTH:
                    continue
                try:
                    sub = os.open(name, _OPEN_SUBDIR, dir_fd=dir_fd)
                except OSError:
                    continue
                try:
                    yield from _walk_files(sub, [*prefix, key], resume, depth + 1)
                finally:
                    os.close(sub)
            elif resume is None and entry.is_file(follow_symlinks=False):
                size = entry.stat(follow_symlinks=False).st_size
                yield p.FileEntry(path=[*prefix, key], size=size, mime=guess_mime(name))
        except OSError:
            continue
