"""Files in and out without a gateway: the framing of descriptors, the URIs, Range parsing, the
helper's side of the files channel (``worker.tools.transfers.Transfers``) and the upload and download
tools, in the test process (in a gateway they run in each worker's file helper, as the tool user:
tests/test_files_gateway.py).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import os
import socket
import stat
import tarfile
import threading
from pathlib import Path
from typing import Any

import pytest

from gateway.files_http import parse_range
from shared import protocol as p
from shared.fd_channel import MAX_FDS_PER_READ, FdChannel
from shared.framing import FdFrameBuffer, MissingDescriptor, frame
from shared.tools import call_result_for, validate_args
from shared.transfer_tools import files_url, path_of_uri, resource_uri
from worker.tools.files import FileToolContext, FileToolResult, run_file_tool
from worker.tools.transfers import MAX_ARCHIVES, Transfers, guess_mime

MIB = 1 << 20


# ---- framing and the channel ------------------------------------------------------------------


def _fds_open() -> set[int]:
    return {int(fd) for fd in os.listdir("/proc/self/fd")}


def test_descriptors_are_taken_in_the_order_they_arrived_and_leftovers_are_closed() -> None:
    buf = FdFrameBuffer(1024)
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    whole = frame(b"one") + frame(b"two")
    assert buf.feed(whole[:5], [r1]) == []
    assert buf.feed(whole[5:], [r2]) == [b"one", b"two"]
    assert buf.take_fd() == r1 and buf.held_fds == 1
    buf.close()  # r2 was never taken: closed
    with pytest.raises(OSError):
        os.fstat(r2)
    with pytest.raises(MissingDescriptor):
        buf.take_fd()
    for fd in (r1, w1, w2):
        os.close(fd)


def test_a_channel_carries_frames_and_descriptors_both_ways_and_queues_what_the_socket_refuses() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        got: list[tuple[bytes, int | None]] = []
        ended: list[str] = []

        def on_frame(body: bytes, frames: FdFrameBuffer) -> None:
            got.append((body, frames.take_fd() if body.startswith(b"fd") else None))

        a = FdChannel(left, loop, MIB, lambda body, frames: None, ended.append)
        FdChannel(right, loop, 8 * MIB, on_frame, ended.append)  # owns right; ends when a closes
        before = _fds_open()
        r, w = os.pipe()
        os.write(w, b"through the descriptor")
        os.close(w)
        a.send(b"fd:1", [r])  # the channel owns r now
        big = b"x" * (4 * MIB)  # more than the socket buffer: the rest waits in the outbox
        for _ in range(3):
            a.send(big)
        a.send(b"plain")
        await asyncio.wait_for(_until(lambda: len(got) == 5), 10)
        assert got[0][0] == b"fd:1" and got[0][1] is not None
        assert os.read(got[0][1], 100) == b"through the descriptor"
        os.close(got[0][1])
        assert [g[0] for g in got[1:]] == [big, big, big, b"plain"]
        a.close()
        await asyncio.wait_for(_until(lambda: len(ended) == 2), 10)
        assert ended == ["closed", "the peer closed it"]
        assert _fds_open() <= before  # nothing leaked: r went to the peer and was closed here once sent

    asyncio.run(main())


def test_a_channel_that_gets_more_descriptors_than_a_read_takes_ends_as_a_protocol_error() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        ended: list[str] = []
        FdChannel(right, loop, MIB, lambda body, frames: None, ended.append)
        fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(MAX_FDS_PER_READ + 4)]
        import array
        left.sendmsg([frame(b"x")], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
        await asyncio.wait_for(_until(lambda: bool(ended)), 10)
        assert ended[0].startswith("protocol error")
        for fd in fds:
            os.close(fd)
        left.close()

    asyncio.run(main())


async def _until(cond: Any) -> None:
    while not cond():  # noqa: ASYNC110  (the condition is a callback's side effect, no event to wait on)
        await asyncio.sleep(0.01)


# ---- URIs and ranges -------------------------------------------------------------------------


def test_uris_name_workspace_files_and_never_an_absolute_path() -> None:
    assert resource_uri("src/a b.py") == "file:///src/a%20b.py"
    assert files_url("src/a#b?.txt") == "/files/src/a%23b%3F.txt"
    assert path_of_uri("file:///src/a%20b.py") == b"src/a%20b.py".replace(b"%20", b" ")
    odd = "caf\udce9.txt"  # a name that is not UTF-8 (byte 0xe9) round-trips
    assert path_of_uri(resource_uri(odd)) == b"caf\xe9.txt"
    assert path_of_uri("file:////etc/passwd") == b"etc/passwd"  # relative to the workspace
    assert path_of_uri("file:///") == b"."
    assert path_of_uri("file:///..%2F..%2Fetc") == b"../../etc"  # the helper's confinement refuses it
    for bad in ("http://x/a", "file://host/a", "file:///a?b", "file:///a#b", "file:///a%00b", "/a"):
        with pytest.raises(ValueError):
            path_of_uri(bad)


@pytest.mark.parametrize(("header", "expected"), [
    ("bytes=0-9", (0, 9)), ("bytes=10-", (10, 99)), ("bytes=-10", (90, 99)), ("bytes=95-200", (95, 99)),
    ("bytes=100-", False), ("bytes=-0", False), ("bytes=5-1", None), ("bytes=0-1,5-6", None), ("items=0-1", None),
    ("bytes=-", None),
])
def test_range_headers(header: str, expected: Any) -> None:
    assert parse_range(header, 100) == expected


def test_a_resource_link_is_told_as_text_to_revisions_before_2025_06_18() -> None:
    link = {"type": "resource_link", "uri": "file:///big.bin", "name": "big.bin", "mimeType": "application/x",
            "size": 5, "description": "GET /files/big.bin"}
    blob = {"type": "resource", "resource": {"uri": "file:///s.bin", "blob": "AA=="}}
    result = {"content": [{"type": "text", "text": "t"}, link, blob], "isError": False}
    for version in ("2024-11-05", "2025-03-26"):
        content = call_result_for(result, version)["content"]
        assert content[1] == {"type": "text", "text": "[resource file:///big.bin: application/x, 5 bytes, GET "
                                                      "/files/big.bin]"}
        assert content[2] == blob  # embedded resources exist since 2024-11-05
    assert call_result_for(result, "2025-06-18") == result


# ---- the helper's side of the files channel --------------------------------------------------------


class Helper:
    """``Transfers`` on a workspace, answers collected as the helper would send them."""

    def __init__(self, ws: Path, **limits: int) -> None:
        self.ctx = FileToolContext(ws, max_read_bytes=10 * MIB, max_write_bytes=10 * MIB, **limits)
        self.sent: list[tuple[Any, list[int]]] = []
        self.cond = threading.Condition()
        self.transfers = Transfers(self.ctx, self._send)
        self._ids = iter(range(1, 10_000))

    def _send(self, msg: Any, fds: list[int]) -> None:
        with self.cond:
            self.sent.append((msg, fds))
            self.cond.notify_all()

    def ask(self, msg: Any) -> tuple[Any, int | None]:
        self.transfers.handle(msg)
        with self.cond:
            (at,) = [n for n, (m, _) in enumerate(self.sent) if m.id == msg.id and not isinstance(m, p.TransferDone)]
            reply, fds = self.sent.pop(at)
        assert len(fds) == (1 if isinstance(reply, p.Opened) else 0)
        return reply, fds[0] if fds else None

    def done(self, transfer_id: int, limit: float = 30) -> p.TransferDone:
        def found() -> list[int]:
            return [n for n, (m, _) in enumerate(self.sent) if isinstance(m, p.TransferDone) and m.id == transfer_id]

        with self.cond:
            assert self.cond.wait_for(lambda: bool(found()), limit)
            done, _ = self.sent.pop(found()[0])
            return done

    def next_id(self) -> int:
        return next(self._ids)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return workspace


def _upload(h: Helper, path: str, data: bytes, create_only: bool = False) -> tuple[Any, Any]:
    opened, fd = h.ask(p.OpenWrite(id=h.next_id(), path=path.encode(), create_only=create_only))
    if not isinstance(opened, p.Opened):
        return opened, None
    assert fd is not None
    try:
        os.pwrite(fd, data, 0)
    finally:
        os.close(fd)
    committed, _ = h.ask(p.CommitWrite(id=opened.id, size=len(data)))
    return opened, committed


def _tree(root: Path) -> list[str]:
    return sorted(str(q.relative_to(root)) for q in root.rglob("*"))


def test_an_upload_is_invisible_until_its_commit_and_makes_its_directories_then(ws: Path) -> None:
    h = Helper(ws)
    opened, fd = h.ask(p.OpenWrite(id=1, path=b"new/deep/file.bin"))
    assert isinstance(opened, p.Opened) and opened.kind == "upload" and not opened.existed
    assert fd is not None and stat.S_ISREG(os.fstat(fd).st_mode)
    os.pwrite(fd, b"\0\1payload", 0)
    os.close(fd)
    assert _tree(ws) == []  # an unnamed file: no name, no directory yet
    committed, _ = h.ask(p.CommitWrite(id=1, size=9))
    assert committed == p.Committed(id=1, path="new/deep/file.bin", size=9, created=True)
    assert (ws / "new/deep/file.bin").read_bytes() == b"\0\1payload"
    assert _tree(ws) == ["new", "new/deep", "new/deep/file.bin"]  # no temporary file left


def test_an_abandoned_upload_leaves_nothing_and_the_old_file_intact(ws: Path) -> None:
    (ws / "keep.txt").write_text("old\n")
    (ws / "keep.txt").chmod(0o640)
    h = Helper(ws)
    opened, fd = h.ask(p.OpenWrite(id=1, path=b"keep.txt"))
    assert opened.existed and fd is not None
    os.write(fd, b"half of the new")
    os.close(fd)
    h.transfers.close(1)  # the client left
    assert (ws / "keep.txt").read_text() == "old\n" and _tree(ws) == ["keep.txt"]
    assert isinstance(h.ask(p.CommitWrite(id=1, size=15))[0], p.Refused)  # closed: nothing to commit
    # a replacement keeps the old file's mode
    _, committed = _upload(h, "keep.txt", b"new\n")
    assert committed.created is False and (ws / "keep.txt").read_bytes() == b"new\n"
    assert stat.S_IMODE((ws / "keep.txt").stat().st_mode) == 0o640 and _tree(ws) == ["keep.txt"]


def test_uploads_that_cannot_be_are_refused_with_a_status(ws: Path, tmp_path: Path) -> None:
    (ws / "dir").mkdir()
    (ws / "file.txt").write_text("x")
    os.mkfifo(ws / "fifo")
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", ws / "abs-link")
    os.symlink("../outside", ws / "rel-out")
    h = Helper(ws)
    cases = {b"dir": 409, b"dir/": 409, b"fifo": 409, b"file.txt/x": 409, b"../escape.txt": 403,
             b"/etc/passwd": 403, b"abs-link/x": 403, b"rel-out/x": 403, b"dir/../../x": 403,
             b"no/../../x": 404, b"n" * 300: 414}
    for path, status in cases.items():
        reply, _ = _upload(h, path.decode(), b"data")
        assert isinstance(reply, p.Refused) and reply.status == status, (path, reply)
    assert _upload(h, "file.txt", b"y", create_only=True)[0].status == 412
    # a name made between the open and the commit is not replaced by a create-only upload
    _, fd = h.ask(p.OpenWrite(id=99, path=b"late.txt", create_only=True))
    assert fd is not None
    os.close(fd)
    (ws / "late.txt").write_text("first\n")
    refused, _ = h.ask(p.CommitWrite(id=99, size=0))
    assert refused.status == 412 and (ws / "late.txt").read_text() == "first\n"
    assert sorted(os.listdir(ws)) == ["abs-link", "dir", "fifo", "file.txt", "late.txt", "rel-out"]
    assert list((tmp_path / "outside").iterdir()) == []


def test_reads_open_regular_files_only_and_never_hang_on_a_fifo(ws: Path) -> None:
    (ws / "a.py").write_text("print(1)\n")
    os.mkfifo(ws / "fifo")
    (ws / "d").mkdir()
    h = Helper(ws)
    opened, fd = h.ask(p.OpenRead(id=1, path=b"a.py"))
    assert opened.kind == "file" and opened.size == 9 and opened.mime == "text/x-python" and fd is not None
    assert os.pread(fd, 100, 0) == b"print(1)\n"
    os.close(fd)
    assert h.ask(p.OpenRead(id=2, path=b"fifo"))[0].status == 409
    assert "?archive=tar.gz" in h.ask(p.OpenRead(id=3, path=b"d"))[0].error
    assert h.ask(p.OpenRead(id=4, path=b"a.py", archive=True))[0].status == 409
    assert h.ask(p.OpenRead(id=5, path=b"missing"))[0].status == 404


def _read_archive(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, MIB):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def test_an_archive_stores_symlinks_as_links_and_skips_what_is_not_a_file(ws: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("outside\n")
    (ws / "proj" / "src").mkdir(parents=True)
    (ws / "proj" / "src" / "m.py").write_bytes(b"x = 1\n")
    (ws / "proj" / "bin.dat").write_bytes(bytes(range(256)) * 100)
    os.symlink(tmp_path / "secret.txt", ws / "proj" / "out-link")
    os.symlink(tmp_path, ws / "proj" / "out-dir")
    os.mkfifo(ws / "proj" / "fifo")
    h = Helper(ws)
    opened, fd = h.ask(p.OpenRead(id=7, path=b"proj", archive=True))
    assert opened.kind == "archive" and opened.name == "proj" and fd is not None
    data = _read_archive(fd)
    done = h.done(7)
    assert done.ok and done.entries == 6 and done.skipped == 1  # the fifo
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert sorted(members) == ["proj", "proj/bin.dat", "proj/out-dir", "proj/out-link", "proj/src",
                                   "proj/src/m.py"]
        assert members["proj/out-link"].issym() and members["proj/out-link"].linkname == str(tmp_path / "secret.txt")
        assert members["proj/out-dir"].issym()  # not followed: nothing from outside is in it
        assert tar.extractfile("proj/bin.dat").read() == bytes(range(256)) * 100  # type: ignore[union-attr]
    assert b"outside" not in data


def test_an_archive_whose_reader_leaves_or_is_closed_stops_and_frees_its_slot(ws: Path) -> None:
    (ws / "big").mkdir()
    for n in range(3):
        (ws / "big" / f"f{n}").write_bytes(os.urandom(4 * MIB))  # incompressible: more than a pipe holds
    h = Helper(ws)
    _, fd = h.ask(p.OpenRead(id=1, path=b"big", archive=True))
    assert fd is not None
    os.read(fd, 1000)
    os.close(fd)  # the reader went away
    assert not h.done(1).ok
    opened, fd = h.ask(p.OpenRead(id=2, path=b"big", archive=True))
    assert fd is not None, opened
    h.transfers.close(2)
    os.close(fd)
    assert h.done(2).error in ("stopped", "the reader went away")
    assert not h.transfers.archives
    # at most MAX_ARCHIVES at once per helper
    held = []
    for n in range(MAX_ARCHIVES):
        _, fd = h.ask(p.OpenRead(id=10 + n, path=b"big", archive=True))
        held.append(fd)
    assert h.ask(p.OpenRead(id=20, path=b"big", archive=True))[0].status == 503
    for fd in held:
        assert fd is not None
        os.close(fd)
    for n in range(MAX_ARCHIVES):
        h.done(10 + n)


def test_a_listing_resumes_after_a_position_it_compares_and_never_opens(ws: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text("no\n")
    for name in ("b.txt", "a/z.txt", "a/b/c.txt", "a-c.txt", ".hidden/x", "d/.e", "e.bin"):
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).write_bytes(b"12")
    os.symlink(tmp_path / "outside.txt", ws / "link.txt")
    h = Helper(ws)
    order = [b"a/b/c.txt", b"a/z.txt", b"a-c.txt", b"b.txt", b"e.bin"]  # depth first, names in byte order

    def page(after: list[bytes], limit: int) -> p.FilesPage:
        reply, _ = h.ask(p.ListFiles(id=h.next_id(), after=after, limit=limit))
        assert isinstance(reply, p.FilesPage), reply
        return reply

    seen: list[bytes] = []
    after: list[bytes] = []
    while True:
        got = page(after, 2)
        seen += [b"/".join(e.path) for e in got.entries]
        if not got.more:
            break
        after = got.entries[-1].path
    assert seen == order
    assert page([], 10).entries[0] == p.FileEntry(path=[b"a", b"b", b"c.txt"], size=2, mime="text/plain")
    # positions that name nothing, or something outside, are only compared with names
    assert [b"/".join(e.path) for e in page([b"..", b"..", b"etc"], 10).entries] == order
    assert [b"/".join(e.path) for e in page([b"a", b"m"], 10).entries] == order[1:]
    assert page([b"zzz"], 10).entries == []


def test_watch_requests_get_the_directory_and_the_name(ws: Path) -> None:
    (ws / "d").mkdir()
    os.symlink("d/real.txt", ws / "link.txt")
    h = Helper(ws)
    opened, fd = h.ask(p.OpenWatch(id=1, path=b"link.txt"))  # a relative symlink is followed
    assert opened.kind == "watch" and opened.name == "real.txt" and opened.path == "d/real.txt" and fd is not None
    assert os.path.samestat(os.fstat(fd), os.stat(ws / "d"))
    os.close(fd)
    assert h.ask(p.OpenWatch(id=2, path=b"nodir/x"))[0].status == 404
    assert h.ask(p.OpenWatch(id=3, path=b"../x"))[0].status == 403


# ---- the upload and download tools --------------------------------------------------------------


def _tool(ctx: FileToolContext, name: str, **args: Any) -> FileToolResult:
    return asyncio.run(run_file_tool(name, validate_args(name, args), ctx))


def test_upload_and_download_are_binary_safe_with_sha256(ws: Path) -> None:
    ctx = FileToolContext(ws, max_read_bytes=MIB, max_write_bytes=MIB)
    data = bytes(range(256)) * 10
    digest = hashlib.sha256(data).hexdigest()
    up = _tool(ctx, "upload", file_path="bin/x.dat", content=base64.b64encode(data).decode(), sha256=digest)
    assert not up.is_error and up.structured == {"path": "bin/x.dat", "size": 2560, "sha256": digest, "created": True}
    assert (ws / "bin/x.dat").read_bytes() == data
    down = _tool(ctx, "download", file_path="bin/x.dat")
    assert down.structured == {"path": "bin/x.dat", "size": 2560, "sha256": digest,
                               "mime_type": "application/octet-stream", "embedded": True, "uri": "file:///bin/x.dat",
                               "url": "/files/bin/x.dat"}
    assert down.content is not None and base64.b64decode(down.content[0]["resource"]["blob"]) == data
    link = _tool(ctx, "download", file_path="bin/x.dat", mode="link")
    assert link.content == [{"type": "resource_link", "uri": "file:///bin/x.dat", "name": "bin/x.dat",
                             "mimeType": "application/octet-stream", "size": 2560,
                             "description": "fetch it with GET /files/bin/x.dat from the gateway (same token)"}]
    assert link.structured is not None and link.structured["sha256"] == digest


def test_upload_refusals_change_nothing_and_name_the_limit(ws: Path) -> None:
    ctx = FileToolContext(ws, max_read_bytes=MIB, max_write_bytes=MIB, max_upload_bytes=100)
    (ws / "keep.bin").write_bytes(b"old")
    too_big = base64.b64encode(b"x" * 101).decode()
    assert "--max-upload-bytes=100" in _tool(ctx, "upload", file_path="n.bin", content=too_big).text
    huge = "A" * 10_000  # refused before it is decoded
    assert "--max-upload-bytes=100" in _tool(ctx, "upload", file_path="n.bin", content=huge).text
    assert "not valid base64" in _tool(ctx, "upload", file_path="n.bin", content="@@@@").text
    wrong = _tool(ctx, "upload", file_path="keep.bin", content="bmV3", sha256="0" * 64)
    assert wrong.is_error and "nothing was written" in wrong.text
    kept = _tool(ctx, "upload", file_path="keep.bin", content="bmV3", overwrite=False)
    assert kept.is_error and "overwrite is false" in kept.text
    assert _tool(ctx, "upload", file_path="../out.bin", content="bmV3").is_error
    assert sorted(os.listdir(ws)) == ["keep.bin"] and (ws / "keep.bin").read_bytes() == b"old"
    fresh = _tool(ctx, "upload", file_path="fresh.bin", content="bmV3", overwrite=False)
    assert not fresh.is_error and (ws / "fresh.bin").read_bytes() == b"new"
    assert sorted(os.listdir(ws)) == ["fresh.bin", "keep.bin"]  # no temporary file left


def test_download_embeds_up_to_its_limit_then_links(ws: Path) -> None:
    ctx = FileToolContext(ws, max_read_bytes=MIB, max_write_bytes=MIB, max_download_bytes=1000)
    (ws / "small.png").write_bytes(b"\x89PNG" + b"\0" * 996)
    (ws / "large.bin").write_bytes(b"\1" * 1001)
    assert _tool(ctx, "download", file_path="small.png").structured["embedded"] is True  # type: ignore[index]
    auto = _tool(ctx, "download", file_path="large.bin")
    assert auto.structured is not None and auto.structured["embedded"] is False
    assert "--max-download-bytes=1000" in auto.text and auto.content is not None
    assert auto.content[0]["type"] == "resource_link" and auto.content[0]["size"] == 1001
    forced = _tool(ctx, "download", file_path="large.bin", mode="embed")
    assert forced.is_error and "--max-download-bytes=1000" in forced.text
    for path in ("missing", "../etc/passwd", "."):
        assert _tool(ctx, "download", file_path=path).is_error
    assert guess_mime("a.tar.gz") == "application/gzip" and guess_mime("noext") == "application/octet-stream"
