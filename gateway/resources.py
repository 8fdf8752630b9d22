"""The workspace as MCP resources, for every session: ``WorkspaceResources``.

- ``resources/templates/list``: one template, ``file:///{path}`` (``path`` workspace-relative).
- ``resources/list``: the workspace's regular files, depth first in name order, ``PAGE_SIZE`` a page;
  hidden entries (names starting with ``.``) and symlinks are left out.  ``nextCursor`` names the last
  file of the page and is signed (HMAC with a key of this gateway process): the helper resumes after
  that position by comparing names with it and never opens it, and a cursor the gateway did not make
  is refused (-32602).
- ``resources/read``: a file, as ``text`` when it is UTF-8 without NUL bytes, else as a base64
  ``blob``; over ``--max-download-bytes`` it is refused with a pointer to ``GET /files/<path>``.
- Subscriptions (``resources/subscribe`` of 2025 sessions, ``subscriptions/listen`` of 2026-07-28
  ones) get ``notifications/resources/updated`` when the file changes: ``Watcher``.

Every file access is the file helper's, as the tool user, beneath the workspace descriptor (through
a worker's files channel, ``gateway.transfers``); reads come back as a descriptor the gateway reads.

**Why the gateway watches, and how.**  One inotify instance in the gateway, not one per file helper:
a helper can die or be replaced at any moment (a tool of the same user can kill it), and a
subscription must outlive that; and the notifications go to sessions, which live here.  The gateway
never resolves a workspace path for a watch: the helper opens the directory that holds the file (as
the tool user, beneath the workspace) and passes its descriptor, and the gateway watches that inode
through ``/proc/self/fd/N``.  The watch is on the directory, filtered by the file's name, because
the editing tools replace files by renaming a new one over them (a watch on the file's inode would
see the first edit and then nothing); a directory watch sees writes in place, replacements, creation
and deletion of the name alike.  A watched directory that is removed or moved is looked up again
every ``RETRY_INTERVAL``, ``RETRY_BATCH`` a round (so ``rm -rf build && mkdir build`` keeps its
subscribers), as is a file whose directory does not exist yet.  Bounds: ``--max-resource-subscriptions`` per session,
``--max-resource-watches`` directories in all (each inotify watch costs the kernel about 1 KiB and
counts against ``fs.inotify.max_user_watches`` of the gateway's user); notifications for one
subscription come at most every ``NOTIFY_INTERVAL`` (a file being written gets one now and one when
the burst is over, not one per write); a queue overflow notifies every subscriber.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ctypes
import errno
import hashlib
import hmac
import logging
import os
import secrets
import struct
from collections.abc import Callable, Hashable
from typing import Any, Protocol

import msgspec

from gateway.config import GatewayConfig
from gateway.errors import GatewayError, InvalidParams, LimitExceeded, Overloaded, ResourceNotFound
from gateway.transfers import FilesChannel, close_quietly
from shared import protocol as p
from shared.tasks import TaskOwner
from shared.transfer_tools import URI_PREFIX, files_url, path_of_uri, resource_uri

__all__ = ["NOTIFY_INTERVAL", "PAGE_SIZE", "READS_AT_ONCE", "RETRY_BATCH", "RETRY_INTERVAL", "TEMPLATE", "Watcher",
           "WorkspaceResources"]

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
RETRY_INTERVAL = 2.0
RETRY_BATCH = 64
# resources/read at once, every session's together: each holds its file (up to --max-download-bytes) and
# its encoding until answered, so this (with --max-unsent-bytes for answers a client does not take) bounds
# what reads can make the gateway hold
READS_AT_ONCE = 4
NOTIFY_INTERVAL = 0.1
TEMPLATE = {
    "uriTemplate": URI_PREFIX + "{path}",
    "name": "workspace-file",
    "title": "Workspace file",
    "description": "A file of the sandbox workspace; path is relative to the workspace (percent-encoded).",
}

Notify = Callable[[str], None]


class _Pool(Protocol):
    def files_channel(self) -> FilesChannel | None: ...


class Shared(Protocol):
    """What resources need of the gateway's ``Services`` (not imported: services names this module)."""

    @property
    def cfg(self) -> GatewayConfig: ...

    @property
    def pool(self) -> _Pool: ...

    def next_call_id(self) -> int: ...

_IN_MODIFY, _IN_ATTRIB, _IN_CLOSE_WRITE = 0x2, 0x4, 0x8
_IN_MOVED_FROM, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x40, 0x80, 0x100, 0x200
_IN_DELETE_SELF, _IN_MOVE_SELF, _IN_Q_OVERFLOW, _IN_IGNORED = 0x400, 0x800, 0x4000, 0x8000
_IN_ONLYDIR = 0x01000000
_WATCH_MASK = (_IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE
               | _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_ONLYDIR)
_GONE = _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_IGNORED
_EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then the name)


def _refusal(reply: p.FromFiles, uri: str) -> GatewayError:
    if not isinstance(reply, p.Refused):
        return GatewayError(f"internal error: unexpected answer {type(reply).__name__}")
    if reply.status == 404:
        return ResourceNotFound(f"resource not found: {reply.error}", {"uri": uri})
    if reply.status == 503:
        return Overloaded(reply.error)
    if reply.status in (400, 403, 409, 414):
        return InvalidParams(reply.error, {"uri": uri})
    return GatewayError(reply.error, {"uri": uri})


class WorkspaceResources:
    """resources/* for every session (made by the gateway unless ``--no-resources``)."""

    def __init__(self, services: Shared) -> None:
        self.services = services
        self.cfg = services.cfg
        self._key = secrets.token_bytes(32)  # signs cursors; a restart invalidates them, as it should
        self._reads = asyncio.Semaphore(READS_AT_ONCE)
        self.watcher = Watcher(self)

    @staticmethod
    def capability() -> dict[str, Any]:
        return {"subscribe": True, "listChanged": False}

    async def ask(self, msg: p.ToFiles) -> tuple[p.FromFiles, int | None]:
        """One request to a ready worker's file helper; ``Refused`` 503 when none is ready."""
        channel = self.services.pool.files_channel()
        if channel is None:
            return p.Refused(id=msg.id, status=503, error="no worker is ready; retry"), None
        try:
            async with asyncio.timeout(self.cfg.default_timeout):
                reply, fd, _ = await channel.request(msg)
        except TimeoutError:
            return p.Refused(id=msg.id, status=503, error="the worker's file helper did not answer in time"), None
        return reply, fd

    # ---- templates, list, read ----------------------------------------------------------------

    @staticmethod
    def templates() -> dict[str, Any]:
        return {"resourceTemplates": [TEMPLATE]}

    async def list_page(self, cursor: Any) -> dict[str, Any]:
        after = self._position(cursor) if cursor is not None else []
        reply, _ = await self.ask(p.ListFiles(id=self.services.next_call_id(), after=after, limit=PAGE_SIZE))
        if not isinstance(reply, p.FilesPage):
            raise _refusal(reply, URI_PREFIX)
        resources = []
        for entry in reply.entries:
            raw = b"/".join(entry.path)
            resources.append({"uri": resource_uri(raw), "name": raw.decode("utf-8", "replace"),
                              "mimeType": entry.mime, "size": entry.size})
        result: dict[str, Any] = {"resources": resources}
        if reply.more and reply.entries:
            result["nextCursor"] = self._cursor(reply.entries[-1].path)
        return result

    def _cursor(self, position: list[bytes]) -> str:
        payload = base64.urlsafe_b64encode(msgspec.msgpack.encode(position)).rstrip(b"=")
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()[:16]
        return (payload + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode("ascii")

    def _position(self, cursor: Any) -> list[bytes]:
        unknown = InvalidParams("unknown cursor: give back a nextCursor of resources/list, unchanged",
                                {"cursor": str(cursor)[:80]})
        if not isinstance(cursor, str) or not cursor.isascii() or cursor.count(".") != 1:
            raise unknown
        payload, _, mac = cursor.encode("ascii").partition(b".")
        expected = base64.urlsafe_b64encode(hmac.new(self._key, payload, hashlib.sha256).digest()[:16]).rstrip(b"=")
        if not hmac.compare_digest(mac, expected):
            raise unknown
        try:
            return msgspec.msgpack.decode(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)),
                                          type=list[bytes])
        except (ValueError, msgspec.DecodeError):
            raise unknown from None

    async def read(self, uri: Any) -> dict[str, Any]:
        if not isinstance(uri, str):
            raise InvalidParams("resources/read needs params.uri, a string")
        try:
            path = path_of_uri(uri)
        except ValueError as exc:
            raise InvalidParams(str(exc), {"uri": uri[:200]}) from None
        async with self._reads:
            return await self._read(uri, path)

    async def _read(self, uri: str, path: bytes) -> dict[str, Any]:
        reply, fd = await self.ask(p.OpenRead(id=self.services.next_call_id(), path=path))
        if not isinstance(reply, p.Opened) or fd is None:
            close_quietly(fd)
            raise _refusal(reply, uri)
        limit = self.cfg.max_download_bytes
        try:
            if reply.size > limit:
                raise InvalidParams(
                    f"{reply.path} is {reply.size} bytes, over --max-download-bytes={limit}: GET "
                    f"{files_url(reply.path)} from the gateway (same token) instead", {"uri": uri, "size": reply.size})
            data = await asyncio.to_thread(_read_up_to, fd, limit + 1)
        finally:
            os.close(fd)
        if len(data) > limit:
            raise InvalidParams(f"{reply.path} grew past --max-download-bytes={limit} while it was read", {"uri": uri})
        item: dict[str, Any] = {"uri": uri, "mimeType": reply.mime}
        text = None
        if b"\0" not in data:
            with contextlib.suppress(UnicodeDecodeError):
                text = data.decode("utf-8")
        if text is not None:
            item["text"] = text
        else:
            item["blob"] = base64.b64encode(data).decode("ascii")
        return {"contents": [item]}

    # ---- subscriptions ------------------------------------------------------------------------

    async def subscribe(self, owner: Hashable, uri: Any, notify: Notify) -> None:
        """Tell ``notify(uri)`` when the file ``uri`` names changes, until ``unsubscribe`` or ``drop``."""
        if not isinstance(uri, str):
            raise InvalidParams("params.uri must be a string")
        try:
            path = path_of_uri(uri)
        except ValueError as exc:
            raise InvalidParams(str(exc), {"uri": uri[:200]}) from None
        await self.watcher.subscribe(owner, uri, path, notify)

    def unsubscribe(self, owner: Hashable, uri: Any) -> None:
        if isinstance(uri, str):
            self.watcher.unsubscribe(owner, uri)

    def drop(self, owner: Hashable) -> None:
        """``owner`` (a session, a listen stream) is gone: every subscription of it ends."""
        self.watcher.drop(owner)


def _read_up_to(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    got = 0
    while got < limit:
        chunk = os.pread(fd, min(1 << 20, limit - got), got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class _Subscription:
    __slots__ = ("dir", "name", "notify", "owner", "path", "pending", "timer", "uri")

    def __init__(self, owner: Hashable, uri: str, path: bytes, notify: Notify) -> None:
        self.owner = owner
        self.uri = uri
        self.path = path
        self.notify = notify
        self.dir: _Dir | None = None  # None: not watched (its directory is missing): retried
        self.name = b""
        self.timer: asyncio.TimerHandle | None = None
        self.pending = False


class _Dir:
    """One watched directory (one inotify watch) and the subscribed names in it."""

    __slots__ = ("names", "wd")

    def __init__(self, wd: int) -> None:
        self.wd = wd
        self.names: dict[bytes, set[_Subscription]] = {}


class Watcher:
    """The gateway's inotify instance and every subscription (see the module docstring).  Owns the
    inotify descriptor (opened on the first subscription) and its reader callback, the retry timer and
    the notification timers; ``close`` ends them."""

    def __init__(self, resources: WorkspaceResources) -> None:
        self.resources = resources
        self.cfg = resources.cfg
        self._fd = -1
        self._libc: Any = None
        self._dirs: dict[int, _Dir] = {}
        self._by_owner: dict[Hashable, dict[str, _Subscription]] = {}
        # subscriptions whose directory is missing, oldest first (a dict as an ordered set): looked up
        # again every RETRY_INTERVAL, at most RETRY_BATCH a round, so many of them cost the helpers little
        self._unwatched: dict[_Subscription, None] = {}
        self._retry: asyncio.TimerHandle | None = None
        self._retrying = False
        self._tasks = TaskOwner(logger)

    @property
    def watches(self) -> int:
        return len(self._dirs)

    def subscriptions(self, owner: Hashable) -> int:
        return len(self._by_owner.get(owner, ()))

    # ---- subscribing --------------------------------------------------------------------------

    async def subscribe(self, owner: Hashable, uri: str, path: bytes, notify: Notify) -> None:
        mine = self._by_owner.get(owner, {})
        if uri in mine:
            return
        limit = self.cfg.max_resource_subscriptions
        if len(mine) >= limit:
            raise LimitExceeded(f"limit hit: {limit} resource subscriptions in this session (--max-resource-"
                                f"subscriptions={limit}); unsubscribe from one first",
                                {"limit": "max_resource_subscriptions"})
        self._open()
        sub = _Subscription(owner, uri, path, notify)
        self._by_owner.setdefault(owner, {})[uri] = sub
        try:
            found = await self._resolve(sub)
        except BaseException:
            self._forget(sub)
            raise
        if not found:
            self._unwatched[sub] = None
            self._arm_retry()

    async def _resolve(self, sub: _Subscription) -> bool:
        """Watch ``sub``'s directory: True when watched, False when its directory does not exist (yet);
        raises for a path outside the workspace, a directory, the watch limit."""
        reply, fd = await self.resources.ask(p.OpenWatch(id=self.resources.services.next_call_id(), path=sub.path))
        if sub not in self._by_owner.get(sub.owner, {}).values():  # unsubscribed meanwhile
            close_quietly(fd)
            return True
        if not isinstance(reply, p.Opened) or fd is None:
            close_quietly(fd)
            if isinstance(reply, p.Refused) and reply.status == 404:
                return False
            raise _refusal(reply, sub.uri)
        try:
            wd = self._add_watch(fd)
        finally:
            os.close(fd)
        directory = self._dirs.get(wd)
        if directory is None:
            directory = self._dirs[wd] = _Dir(wd)
        sub.dir = directory
        sub.name = os.fsencode(reply.name)
        directory.names.setdefault(sub.name, set()).add(sub)
        return True

    def _add_watch(self, fd: int) -> int:
        wd = self._libc.inotify_add_watch(self._fd, f"/proc/self/fd/{fd}".encode(), _WATCH_MASK)
        if wd < 0:
            err = ctypes.get_errno()
            if err == errno.ENOSPC:
                raise LimitExceeded("the kernel's inotify watch limit is reached (fs.inotify.max_user_watches)")
            raise GatewayError(f"cannot watch the file's directory: {os.strerror(err)}")
        limit = self.cfg.max_resource_watches
        if wd not in self._dirs and len(self._dirs) >= limit:
            # a directory watched already gets its own watch back; a new one is one too many
            self._libc.inotify_rm_watch(self._fd, wd)
            raise LimitExceeded(f"limit hit: the gateway watches {limit} directories for subscriptions already "
                                f"(--max-resource-watches={limit})", {"limit": "max_resource_watches"})
        return int(wd)

    def unsubscribe(self, owner: Hashable, uri: str) -> None:
        sub = self._by_owner.get(owner, {}).get(uri)
        if sub is not None:
            self._forget(sub)

    def drop(self, owner: Hashable) -> None:
        for sub in list(self._by_owner.get(owner, {}).values()):
            self._forget(sub)

    def _forget(self, sub: _Subscription) -> None:
        mine = self._by_owner.get(sub.owner)
        if mine is not None and mine.get(sub.uri) is sub:
            del mine[sub.uri]
            if not mine:
                del self._by_owner[sub.owner]
        self._unwatched.pop(sub, None)
        if sub.timer is not None:
            sub.timer.cancel()
            sub.timer = None
        self._unwatch(sub)

    def _unwatch(self, sub: _Subscription) -> None:
        directory, sub.dir = sub.dir, None
        if directory is None:
            return
        subs = directory.names.get(sub.name)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del directory.names[sub.name]
        if not directory.names and self._dirs.get(directory.wd) is directory:
            del self._dirs[directory.wd]
            if self._fd >= 0:
                self._libc.inotify_rm_watch(self._fd, directory.wd)

    # ---- events -------------------------------------------------------------------------------

    def _open(self) -> None:
        if self._fd >= 0:
            return
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise GatewayError(f"cannot watch files: inotify_init1: {os.strerror(ctypes.get_errno())}")
        self._libc = libc
        self._fd = int(fd)
        asyncio.get_running_loop().add_reader(self._fd, self._readable)

    def _readable(self) -> None:
        try:
            data = os.read(self._fd, 64 * 1024)
        except BlockingIOError:
            return
        except OSError as exc:
            logger.error("reading inotify events failed: %s", exc)
            return
        changed: set[_Subscription] = set()
        lost: list[_Dir] = []
        at = 0
        while at + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, at)
            name = data[at + _EVENT.size : at + _EVENT.size + length].rstrip(b"\0")
            at += _EVENT.size + length
            if mask & _IN_Q_OVERFLOW:
                changed.update(s for d in self._dirs.values() for subs in d.names.values() for s in subs)
                continue
            directory = self._dirs.get(wd)
            if directory is None:
                continue
            if mask & _GONE:
                changed.update(s for subs in directory.names.values() for s in subs)
                lost.append(directory)
            elif name in directory.names:
                changed.update(directory.names[name])
        for directory in lost:
            self._directory_gone(directory)
        for sub in changed:
            self._changed(sub)

    def _directory_gone(self, directory: _Dir) -> None:
        """A watched directory was removed or moved: its subscriptions look their path up again."""
        if self._dirs.get(directory.wd) is not directory:
            return
        del self._dirs[directory.wd]
        with contextlib.suppress(Exception):
            self._libc.inotify_rm_watch(self._fd, directory.wd)  # EINVAL once IN_IGNORED came
        for subs in directory.names.values():
            for sub in subs:
                sub.dir = None
                self._unwatched[sub] = None
        directory.names.clear()
        self._arm_retry()

    def _changed(self, sub: _Subscription) -> None:
        """Notify now, or once the current NOTIFY_INTERVAL is over."""
        if sub.timer is not None:
            sub.pending = True
            return
        self._send(sub)
        sub.timer = asyncio.get_running_loop().call_later(NOTIFY_INTERVAL, self._settled, sub)

    def _settled(self, sub: _Subscription) -> None:
        sub.timer = None
        if sub.pending:
            sub.pending = False
            self._send(sub)
            sub.timer = asyncio.get_running_loop().call_later(NOTIFY_INTERVAL, self._settled, sub)

    @staticmethod
    def _send(sub: _Subscription) -> None:
        try:
            sub.notify(sub.uri)
        except Exception:
            logger.error("a resource notification could not be sent", exc_info=True)

    # ---- retries ------------------------------------------------------------------------------

    def _arm_retry(self) -> None:
        if self._retry is None and not self._retrying and self._unwatched:
            self._retry = asyncio.get_running_loop().call_later(RETRY_INTERVAL, self._start_retry)

    def _start_retry(self) -> None:
        self._retry = None
        self._retrying = True
        task = self._tasks.spawn(self._retry_all(), "resources: look subscribed files up again")
        task.add_done_callback(self._retried)  # a failure is logged by the owner

    def _retried(self, task: asyncio.Task[None]) -> None:
        self._retrying = False
        if not task.cancelled():
            self._arm_retry()

    async def _retry_all(self) -> None:
        for sub in list(self._unwatched)[:RETRY_BATCH]:
            if sub not in self._unwatched:
                continue
            del self._unwatched[sub]  # back at the end if still missing: every one gets its turn
            try:
                found = await self._resolve(sub)
            except GatewayError:
                found = False  # outside the workspace now, or at a limit: tried again later
            if not (found and sub.dir is not None):
                if sub in self._by_owner.get(sub.owner, {}).values():
                    self._unwatched[sub] = None
                continue
            self._changed(sub)  # it may have changed while it was not watched

    def close(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        self._tasks.cancel_all()
        for mine in self._by_owner.values():
            for sub in mine.values():
                if sub.timer is not None:
                    sub.timer.cancel()
        self._by_owner.clear()
        self._dirs.clear()
        self._unwatched.clear()
        if self._fd >= 0:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._fd)
            os.close(self._fd)
            self._fd = -1
