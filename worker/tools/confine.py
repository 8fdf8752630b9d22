"""Workspace confinement by descriptors: every user path is resolved beneath one open directory.

The workspace is opened once (``Workspace.fd``).  A path an agent gives is resolved relative to
that descriptor by the kernel, with ``openat2(..., RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)``
(Linux 5.6+): ``..`` cannot climb above it, absolute paths and absolute symlinks are refused, and
so are magic links (``/proc/PID/root``, ``/proc/PID/fd/N``), each decided at the moment of the
lookup.  A symlink swapped in between a check and a use redirects nothing, because there is no
second lookup: callers work on the descriptors they got (``dir_fd=`` calls), never on a path again.

**The symlink rule.** Relative symlinks that stay inside the workspace are followed; absolute
symlinks are refused even when they point inside it (RESOLVE_BENEATH treats every absolute path as
an escape).  The error says so and suggests the relative form.

**Without openat2** (ENOSYS: kernels before 5.6, or a seccomp filter that does not know it),
``_walk`` resolves component by component with ``O_NOFOLLOW``: it keeps its own stack of directory
descriptors for ``..`` (so ``..`` never climbs above the workspace), reads each symlink it meets
with ``readlinkat`` and follows relative ones itself (at most ``MAX_SYMLINK_HOPS``), refusing
absolute ones.  Magic links cannot be followed by it (it never lets the kernel follow a link).  So
both ways accept and refuse the same paths.  The walk also explains a refusal of ``openat2``,
which says only EXDEV or ELOOP.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shlex
import stat
import weakref
from collections import deque

from worker.paths import PathError

__all__ = ["MAX_SYMLINK_HOPS", "PathError", "Workspace", "openat2", "openat2_available"]

RESOLVE_NO_MAGICLINKS = 0x02
RESOLVE_BENEATH = 0x08
# openat2 came after the syscall tables were unified: 437 on every architecture
SYS_OPENAT2 = 437
MAX_SYMLINK_HOPS = 40  # the kernel's own limit (MAXSYMLINKS)
# times the walk looks again at a name that stopped being a symlink between two of its calls
_MAX_RELOOKS = 1000
# openat2 answers EAGAIN when a rename elsewhere raced its '..' check: it is safe to try again
_EAGAIN_RETRIES = 64
_DIR_PATH = os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class _OpenHow(ctypes.Structure):
    _fields_ = (("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64))


_libc = ctypes.CDLL(None, use_errno=True)
_syscall = _libc.syscall
_syscall.restype = ctypes.c_long
_openat2_works: bool | None = None


def openat2(dirfd: int, path: str, flags: int, mode: int = 0,
            resolve: int = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) -> int:
    """``openat2(2)`` through ``syscall``; raises OSError (ENOSYS where the kernel lacks it).

    ``path`` must hold no NUL byte (C would end the string there)."""
    how = _OpenHow(flags, mode, resolve)
    raw = os.fsencode(path)
    err = errno.EAGAIN
    for _ in range(_EAGAIN_RETRIES):
        fd = _syscall(ctypes.c_long(SYS_OPENAT2), ctypes.c_int(dirfd), ctypes.c_char_p(raw), ctypes.byref(how),
                      ctypes.c_size_t(ctypes.sizeof(how)))
        if fd >= 0:
            return int(fd)
        err = ctypes.get_errno()
        if err not in (errno.EAGAIN, errno.EINTR):
            break
    raise OSError(err, os.strerror(err), path)


def openat2_available() -> bool:
    """Whether this kernel (and any seccomp filter) lets us call openat2 (checked once per process)."""
    global _openat2_works
    if _openat2_works is None:
        try:
            os.close(openat2(-100, "/", os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC, 0, RESOLVE_NO_MAGICLINKS))
            _openat2_works = True
        except OSError:
            _openat2_works = False
    return _openat2_works


def _is_dir_or_link(name: str, dir_fd: int) -> bool:
    try:
        mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except OSError:
        return False
    return stat.S_ISDIR(mode) or stat.S_ISLNK(mode)


def _components(path: str) -> list[str]:
    return [part for part in path.split("/") if part not in ("", ".")]


class Workspace:
    """The workspace directory, open, and user paths resolved beneath it.

    Owns ``fd`` (closed by ``close`` or when the object is collected).  Methods that return a
    descriptor hand it to the caller, who closes it.  Errors: ``PathError`` for a path that is
    malformed or leads outside (the message names the workspace), OSError for the rest
    (missing, permission denied, a file where a directory is needed, a symlink loop).
    """

    def __init__(self, path: str | os.PathLike[str], *, use_openat2: bool | None = None) -> None:
        self.given = os.path.abspath(path)
        self.root = os.path.realpath(path)
        self.fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        self._close = weakref.finalize(self, os.close, self.fd)
        self.use_openat2 = openat2_available() if use_openat2 is None else use_openat2

    def close(self) -> None:
        self._close()

    # ---- paths -----------------------------------------------------------------------------

    def relative(self, path: str | None) -> str:
        """``path`` as text to resolve beneath the workspace: absolute paths inside it lose the prefix."""
        if not path:
            return "."
        if "\0" in path:
            raise PathError("path contains a NUL byte")
        if not path.startswith("/"):
            return path
        for prefix in (self.root, self.given):
            if path == prefix:
                return "."
            if prefix == "/" or path.startswith(prefix + "/"):
                return path[len(prefix):].lstrip("/") or "."
        raise PathError(f"path {path!r} is outside the workspace {self.root}")

    def display(self, fd: int, name: str = "", fallback: str = "") -> str:
        """The workspace-relative path of directory ``fd`` (plus ``name`` in it); "" is the workspace.

        Read from the kernel (``/proc/self/fd``), so it names the real location; only for showing,
        never for access.  ``fallback`` (a path as the agent wrote it) when the kernel's answer is
        not below the workspace (the directory was moved out or deleted meanwhile)."""
        try:
            real = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            real = None
        if real == self.root:
            rel = ""
        elif real is not None and real.startswith(self.root.rstrip("/") + "/"):
            rel = real[len(self.root.rstrip("/")) + 1 :]
        else:
            rel = os.path.normpath(fallback or ".")
            rel = "" if rel == "." else rel
        if name:
            return f"{rel}/{name}" if rel else name
        return rel

    # ---- opening ---------------------------------------------------------------------------

    def open(self, path: str | None, flags: int, mode: int = 0) -> int:
        """Open what ``path`` names beneath the workspace, following relative symlinks inside it."""
        return self._open(self.relative(path), flags, mode, path or ".")

    def open_dir(self, path: str | None) -> int:
        return self.open(path, os.O_RDONLY | os.O_DIRECTORY)

    def parent(self, path: str | None, *, create: bool = False) -> tuple[int, str]:
        """The directory that holds the file ``path`` names (open, the caller's to close) and its name there.

        A relative symlink at the end is followed to the file it names (which need not exist yet), so
        a write through it changes the target and keeps the link.  With ``create``, missing directories
        are made one at a time (``mkdir`` relative to the parent's descriptor, then opened with
        ``O_NOFOLLOW``).  Raises IsADirectoryError when ``path`` names a directory (``.``, ``x/``)."""
        shown = path or "."
        rel = self.relative(path)
        for _ in range(MAX_SYMLINK_HOPS + 1):
            head, _, name = rel.rpartition("/")
            if name in ("", ".", ".."):
                os.close(self._open(rel, os.O_PATH | os.O_DIRECTORY, 0, shown))  # refuses escapes first
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), shown)
            pfd = self._open_dir(head or ".", create, shown)
            try:
                st = os.stat(name, dir_fd=pfd, follow_symlinks=False)
                if not stat.S_ISLNK(st.st_mode):
                    return pfd, name
                target = os.readlink(name, dir_fd=pfd)
                if target.startswith("/"):
                    raise self._absolute_link(shown, rel, target, pfd)
            except FileNotFoundError:
                return pfd, name
            except BaseException:
                os.close(pfd)
                raise
            os.close(pfd)
            rel = f"{head}/{target}" if head else target
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), shown)

    def _open(self, rel: str, flags: int, mode: int, shown: str) -> int:
        flags |= os.O_CLOEXEC
        if not self.use_openat2:
            return self._walk(rel, flags, mode, shown)
        try:
            return openat2(self.fd, rel, flags, mode)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.ELOOP):
                raise
        # Refused: let the walk say why (a '..', an absolute symlink, a loop).  It opens nothing
        # but an O_PATH descriptor, which is closed at once.
        os.close(self._walk(rel, os.O_PATH | (flags & os.O_NOFOLLOW), 0, shown))
        raise PathError(f"path {shown!r} leads outside the workspace {self.root}")  # it changed meanwhile

    def _open_dir(self, rel: str, create: bool, shown: str, hops: int = 0) -> int:
        try:
            return self._open(rel, os.O_RDONLY | os.O_DIRECTORY, 0, shown)
        except PermissionError:
            # a directory we may enter and write but not list (-wx): enough to make a file in it
            return self._open(rel, os.O_PATH | os.O_DIRECTORY, 0, shown)
        except FileNotFoundError:
            if not create:
                raise
        parts = _components(rel)
        depth = len(parts) - 1
        fd = -1
        while fd < 0:  # the deepest directory that exists (the kernel resolves '..' and symlinks in it)
            try:
                fd = self._open("/".join(parts[:depth]) or ".", os.O_RDONLY | os.O_DIRECTORY, 0, shown)
            except FileNotFoundError:
                if depth == 0:
                    raise
                depth -= 1
        try:
            missing = parts[depth:]
            if ".." in missing:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), shown)
            for index, name in enumerate(missing):
                try:
                    os.mkdir(name, 0o777, dir_fd=fd)
                except FileExistsError:
                    # made meanwhile, or a dangling relative symlink (the kernel said ENOENT for it)
                    try:
                        target = os.readlink(name, dir_fd=fd)
                    except OSError:
                        target = None
                    if target is not None:
                        if target.startswith("/"):
                            raise self._absolute_link(shown, "/".join(parts[: depth + index + 1]), target, fd) \
                                from None
                        if hops >= MAX_SYMLINK_HOPS:
                            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), shown) from None
                        relinked = "/".join([*parts[: depth + index], target, *missing[index + 1 :]])
                        os.close(fd)
                        fd = -1
                        return self._open_dir(relinked, True, shown, hops + 1)
                child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
                os.close(fd)
                fd = child
        except BaseException:
            if fd >= 0:
                os.close(fd)
            raise
        return fd

    # ---- the walk (no openat2), and why a path was refused ---------------------------------

    def _walk(self, rel: str, flags: int, mode: int, shown: str) -> int:
        """Resolve ``rel`` one component at a time with O_NOFOLLOW; see the module docstring."""
        parts = deque(_components(rel))
        stack = [self.fd]  # stack[0] is the workspace's own descriptor, never closed here
        walked: list[str] = []  # the path of stack[-1], for messages
        hops = relooks = 0
        try:
            while True:
                if not parts:
                    return os.open(".", flags | os.O_CLOEXEC, mode, dir_fd=stack[-1])
                name = parts.popleft()
                if name == "..":
                    if len(stack) == 1:
                        raise PathError(f"path {shown!r} leads outside the workspace {self.root} (through '..')")
                    os.close(stack.pop())
                    walked.pop()
                    continue
                last = not parts
                try:
                    if last:
                        fd = os.open(name, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=stack[-1])
                        if not flags & os.O_PATH or not stat.S_ISLNK(os.fstat(fd).st_mode):
                            return fd
                        os.close(fd)  # O_PATH | O_NOFOLLOW opened the symlink itself: follow it below
                        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), shown)
                    fd = os.open(name, _DIR_PATH, dir_fd=stack[-1])
                except OSError as exc:
                    if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                        raise
                    try:
                        target = os.readlink(name, dir_fd=stack[-1])
                    except OSError as not_link:
                        if not_link.errno == errno.EINVAL and _is_dir_or_link(name, stack[-1]):
                            # a symlink a moment ago, not now (renamed meanwhile): look at it again
                            relooks += 1
                            if relooks > _MAX_RELOOKS:
                                raise OSError(errno.EAGAIN, "the path kept changing while it was resolved",
                                              shown) from None
                            parts.appendleft(name)
                            continue
                        raise exc from None  # not a symlink: a file where a directory was needed
                    hops += 1
                    if hops > MAX_SYMLINK_HOPS:
                        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), shown) from None
                    if last and flags & os.O_NOFOLLOW:
                        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), shown) from None
                    if target.startswith("/"):
                        raise self._absolute_link(shown, "/".join([*walked, name]), target, stack[-1]) from None
                    parts.extendleft(reversed(_components(target)))
                    continue
                stack.append(fd)
                walked.append(name)
        finally:
            for fd in stack[1:]:
                os.close(fd)

    def _absolute_link(self, shown: str, link: str, target: str, dir_fd: int) -> PathError:
        """The refusal of an absolute symlink: outside the workspace, or inside but absolute."""
        root = self.root.rstrip("/") + "/"
        if not (target == self.root or target.startswith(root)):
            return PathError(f"path {shown!r} leads outside the workspace {self.root} "
                             f"(through the symlink {link!r} -> {target!r})")
        hint = ""
        try:
            relative = os.path.relpath(target, os.readlink(f"/proc/self/fd/{dir_fd}"))
            hint = f"; make it relative: ln -sfn {shlex.quote(relative)} {shlex.quote(link)}"
        except (OSError, ValueError):
            pass
        return PathError(f"path {shown!r} goes through the absolute symlink {link!r} -> {target!r}: the file "
                         f"tools follow only relative symlinks, so that no path can lead outside the workspace "
                         f"{self.root}{hint}")
