"""Files in and out through a real gateway: PUT and GET /files/<path> (httpx, curl and raw sockets),
the upload and download tools, under hostile input; memory and the event loops during a gigabyte each
way.  Tools run as ``nobody`` (the suite runs as root), in a workspace inside a traversable directory
of the test's own (pytest's tmp dirs are private to root).  The resources: tests/test_resources.py.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import io
import json
import os
import re
import socket
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import SCALE, GatewayProcess, McpClient, run, text_of, wait_for
from tests.helpers import call_tool as call
from worker.procs import children_of

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: tools run as nobody, root-only files")

TOKEN = "files-test-token-5e0a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NOBODY = 65534
MIB = 1 << 20



@contextlib.contextmanager
def gateway(base: Path, *args: str, workers: int = 2) -> Iterator[GatewayProcess]:
    gw = GatewayProcess(base / "ws", "--no-mcp-servers", *args, workers=workers, token=TOKEN)
    try:
        yield gw
    finally:
        gw.stop()


def url(gw: GatewayProcess, path: str) -> str:
    return f"http://{gw.host}:{gw.port}/files/{path}"


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=60 * SCALE, headers=AUTH)


def listing(root: Path) -> list[str]:
    """Every name below ``root``, hidden and temporary ones included."""
    return sorted(str(q.relative_to(root)) for q in root.rglob("*"))


async def raw_request(gw: GatewayProcess, head: str, body: bytes = b"", read: bool = True,
                      limit: float = 10) -> bytes:
    """Send a request as written (head and body) on a new connection; what came back until it closed."""
    reader, writer = await asyncio.open_connection(gw.host, gw.port)
    try:
        writer.write(head.encode("latin-1") + body)
        await writer.drain()
        if not read:
            return b""
        async with asyncio.timeout(limit * SCALE):
            return await read_response(reader)
    finally:
        writer.close()


async def read_response(reader: asyncio.StreamReader) -> bytes:
    """One response: its head and as much of its body as Content-Length says (or until the connection
    closes); the server may write the two separately."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = await reader.read(1 << 16)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    while length is not None and len(body) < int(length.group(1)):
        chunk = await reader.read(1 << 16)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


# ---- the round trip, and what it refuses --------------------------------------------------------


def test_put_and_get_round_trip_with_ranges_conditions_and_every_refusal(base: Path) -> None:
    ws = base / "ws"
    data = os.urandom(3 * MIB + 17)
    digest = hashlib.sha256(data).hexdigest()
    (ws / "dir").mkdir()
    (ws / "caf\xe9.txt".encode("latin-1").decode("utf-8", "surrogateescape")).write_bytes(b"odd name\n")
    os.symlink("/etc", ws / "etc-link")
    with gateway(base) as gw:
        async def main() -> None:
            async with client() as c:
                made = await c.put(url(gw, "up/deep/blob.bin"), content=data)
                assert made.status_code == 201, made.text
                assert made.json() == {"path": "up/deep/blob.bin", "size": len(data), "sha256": digest, "created": True}
                assert made.headers["location"] == "/files/up/deep/blob.bin"
                again = await c.put(url(gw, "up/deep/blob.bin"), content=data)
                assert again.status_code == 200 and again.json()["created"] is False
                st = (ws / "up/deep/blob.bin").stat()
                assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (NOBODY, NOBODY, 0o644)  # made as the tool user
                assert (ws / "up/deep").stat().st_uid == NOBODY

                got = await c.get(url(gw, "up/deep/blob.bin"))
                assert got.status_code == 200 and got.content == data
                h = got.headers
                assert h["content-length"] == str(len(data)) and h["accept-ranges"] == "bytes"
                assert h["x-content-type-options"] == "nosniff" and h["content-security-policy"].startswith("sandbox")
                head = await c.head(url(gw, "up/deep/blob.bin"))
                assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == h["etag"]
                part = await c.get(url(gw, "up/deep/blob.bin"), headers={"Range": "bytes=10-19"})
                assert part.status_code == 206 and part.content == data[10:20]
                assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"
                tail = await c.get(url(gw, "up/deep/blob.bin"), headers={"Range": "bytes=-5"})
                assert tail.content == data[-5:]
                past = await c.get(url(gw, "up/deep/blob.bin"), headers={"Range": f"bytes={len(data)}-"})
                assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{len(data)}"
                stale = await c.get(url(gw, "up/deep/blob.bin"), headers={"Range": "bytes=0-1", "If-Range": '"x"'})
                assert stale.status_code == 200 and len(stale.content) == len(data)
                same = await c.get(url(gw, "up/deep/blob.bin"), headers={"If-None-Match": h["etag"]})
                assert same.status_code == 304 and same.content == b""

                assert (await c.put(url(gw, "up/deep/blob.bin"), content=b"x", headers={"If-None-Match": "*"})
                        ).status_code == 412
                assert (await c.put(url(gw, "fresh.txt"), content=b"new\n", headers={"If-None-Match": "*"})
                        ).status_code == 201
                odd = await c.get(url(gw, "caf%E9.txt"))
                assert odd.status_code == 200 and odd.content == b"odd name\n"

                refusals = [
                    ("GET", "dir", 409), ("PUT", "dir", 409), ("PUT", "dir/", 409), ("GET", "missing", 404),
                    ("PUT", "fresh.txt/under", 409), ("GET", "%2e%2e/%2e%2e/etc/passwd", 403),
                    ("GET", "..%2F..%2Fetc%2Fpasswd", 403), ("PUT", "%2e%2e/escape.txt", 403),
                    ("GET", "/etc/passwd", 403), ("GET", "etc-link/passwd", 403), ("PUT", "etc-link/x", 403),
                    ("GET", "a%00b", 400), ("PUT", "a%00b", 400), ("GET", "n" * 300, 414), ("PUT", "n" * 300, 414),
                    ("DELETE", "fresh.txt", 405), ("GET", "dir?archive=zip", 400),
                ]
                for method, path, status in refusals:
                    r = await c.request(method, url(gw, path), content=b"body" if method == "PUT" else None)
                    assert r.status_code == status, (method, path, r.status_code, r.text)
                    assert r.text.startswith(f"{status}: ") and r.text.count("\n") == 1, r.text
                encoded_prefix = await c.get(url(gw, "fresh.txt").replace("/files/", "/%66iles/"))
                assert encoded_prefix.status_code == 400 and "after /files/" in encoded_prefix.text
                too_long = await c.get(url(gw, "x" * 9000))
                assert too_long.status_code == 414  # the request line: the listener's own limit

            async with httpx.AsyncClient(timeout=30) as anonymous:
                assert (await anonymous.get(url(gw, "fresh.txt"))).status_code == 401
                assert (await anonymous.put(url(gw, "fresh.txt"), content=b"x")).status_code == 401
                assert (await anonymous.get(url(gw, "fresh.txt"), headers={**AUTH, "Origin": "https://evil.example"})
                        ).status_code == 403
                local = await anonymous.get(url(gw, "fresh.txt"), headers={**AUTH, "Origin": "http://localhost:3000"})
                assert local.status_code == 200 and local.headers["access-control-allow-origin"] == "http://localhost:3000"
                assert (await anonymous.get(url(gw, f"fresh.txt?token={TOKEN}"))).content == b"new\n"

        run(main())
        assert sorted(os.listdir(ws)) == ["caf\udce9.txt", "dir", "etc-link", "fresh.txt", "up"]
        assert listing(ws / "up") == ["deep", "deep/blob.bin"]  # no temporary file anywhere


def test_a_body_over_the_limit_gets_413_before_anything_is_written(base: Path) -> None:
    ws = base / "ws"
    (ws / "keep.bin").write_bytes(b"old")
    with gateway(base, "--max-put-bytes", "1000000") as gw:
        async def main() -> None:
            # declared too large: answered at once, so a client that waits for 100 Continue sends nothing
            head = (f"PUT /files/keep.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                    "Content-Length: 1000001\r\nExpect: 100-continue\r\n\r\n")
            answer = await raw_request(gw, head)
            assert answer.startswith(b"HTTP/1.1 413 ") and b"--max-put-bytes=1000000" in answer, answer
            assert b"100 Continue" not in answer
            async with client() as c:
                async def body() -> Any:
                    for _ in range(20):  # chunked: 2 MB, counted as it comes
                        yield b"z" * 100_000

                chunked = await c.put(url(gw, "new/big.bin"), content=body())
                assert chunked.status_code == 413 and "--max-put-bytes=1000000" in chunked.text
                exact = await c.put(url(gw, "new/exact.bin"), content=b"e" * 1_000_000)
                assert exact.status_code == 201
            # curl with a file over the limit: refused, and it never sent the body
            big = base / "big.bin"
            big.write_bytes(b"b" * 5_000_000)
            out = await asyncio.to_thread(
                subprocess.run, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_upload}", "-T", str(big),
                                 "-H", f"Authorization: Bearer {TOKEN}", url(gw, "curl.bin")],
                capture_output=True, text=True, timeout=30)
            code, sent = out.stdout.split()
            assert code == "413" and float(sent) < 1_000_000, out.stdout

        run(main())
        assert listing(ws) == ["keep.bin", "new", "new/exact.bin"] and (ws / "keep.bin").read_bytes() == b"old"


def test_an_interrupted_or_stalled_upload_leaves_nothing_behind(base: Path) -> None:
    ws = base / "ws"
    (ws / "target.bin").write_bytes(b"old content")
    with gateway(base, "--transfer-idle-timeout", "1") as gw:
        async def main() -> None:
            head = (f"PUT /files/{{}} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                    "Content-Length: 10000000\r\n\r\n")
            # the client leaves after 1 MB of 10
            await raw_request(gw, head.format("target.bin"), b"x" * MIB, read=False)
            await raw_request(gw, head.format("sub/new.bin"), b"x" * MIB, read=False)
            # a client that stops sending: cut at --transfer-idle-timeout, the upload discarded
            reader, writer = await asyncio.open_connection(gw.host, gw.port)
            writer.write(head.format("stalled.bin").encode() + b"y" * 100_000)
            await writer.drain()
            t0 = time.monotonic()
            async with asyncio.timeout(10 * SCALE):
                while await reader.read(65536):
                    pass
            assert 0.9 < time.monotonic() - t0 < 5 * SCALE
            writer.close()
            # meanwhile and after, other uploads go through
            async with client() as c:
                assert (await c.put(url(gw, "other.bin"), content=b"fine")).status_code == 201

        run(main())
        wait_for(lambda: gw.status()["http_connections"] <= 1, 10, what="the cut connections to close")
        assert listing(ws) == ["other.bin", "target.bin"]  # no new.bin, no sub/, no temporary file
        assert (ws / "target.bin").read_bytes() == b"old content"


def test_a_full_disk_gets_507_and_leaves_nothing(base: Path) -> None:
    small = base / "ws" / "small"
    small.mkdir()
    # mounted before the start: workers live in mount namespaces of their own, copied when they start
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0777", "tmpfs", str(small)], check=True)
    try:
        with gateway(base) as gw:
            async def main() -> None:
                async with client() as c:
                    full = await c.put(url(gw, "small/deep/big.bin"), content=b"f" * (3 * MIB))
                    assert full.status_code == 507 and "nothing was written" in full.text, full.text
                    fits = await c.put(url(gw, "small/deep/ok.bin"), content=b"k" * 1000)
                    assert fits.status_code == 201  # O_TMPFILE works on tmpfs too

            run(main())
            assert listing(small) == ["deep", "deep/ok.bin"]
            assert int(subprocess.run(["df", "--output=used", "-k", str(small)], capture_output=True, text=True
                                      ).stdout.split()[-1]) < 100  # the 2 MB written before ENOSPC were freed
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)


def test_an_upload_whose_file_helper_dies_is_refused_and_leaves_nothing(base: Path) -> None:
    ws = base / "ws"
    (ws / "target.bin").write_bytes(b"old")
    with gateway(base, workers=1) as gw:
        async def main() -> bytes:
            reader, writer = await asyncio.open_connection(gw.host, gw.port)
            writer.write(f"PUT /files/target.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                         "Content-Length: 2000000\r\n\r\n".encode() + b"n" * MIB)
            await writer.drain()
            helpers = [pid for pid, role in _python_tree(gw).items() if role == "worker.tools.helper"]
            await asyncio.sleep(0.3)  # the upload is open in it by now
            for pid in helpers:
                os.kill(pid, 9)
            writer.write(b"n" * (2000000 - MIB))
            await writer.drain()
            async with asyncio.timeout(30 * SCALE):
                answer = await read_response(reader)
            writer.close()
            return answer

        answer = run(main())
        assert answer.startswith(b"HTTP/1.1 503 ") and b"send it again" in answer, answer
        assert listing(ws) == ["target.bin"] and (ws / "target.bin").read_bytes() == b"old"


# ---- slow and greedy clients ---------------------------------------------------------------------


def _rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children_of(current))
    return found


def _python_tree(gw: GatewayProcess) -> dict[int, str]:
    """The gateway and every Python process below it (workers, file helpers), by pid: their role."""
    roles = {}
    for pid in _tree(gw.proc.pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"-m" in cmd:
            module = cmd[cmd.index(b"-m") + 1].decode()
            if module in ("gateway", "worker", "worker.tools.helper"):
                roles[pid] = module
    return roles


def test_slow_and_stalled_clients_do_not_hold_up_anyone(base: Path) -> None:
    ws = base / "ws"
    (ws / "big.bin").write_bytes(os.urandom(64 * MIB))
    with gateway(base, "--transfer-idle-timeout", "2") as gw:
        async def main() -> dict[str, Any]:
            # A: downloads 64 MB and never reads; B: uploads a byte every 0.2 s
            a_sock = socket.create_connection((gw.host, gw.port))
            a_sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            a_sock.sendall(f"GET /files/big.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode())
            b_reader, b_writer = await asyncio.open_connection(gw.host, gw.port)
            b_writer.write(f"PUT /files/slow.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                           "Content-Length: 30\r\n\r\n".encode())
            stop = asyncio.Event()

            async def trickle() -> None:
                for _ in range(30):
                    if stop.is_set():
                        return
                    b_writer.write(b"s")
                    await b_writer.drain()
                    await asyncio.sleep(0.2)

            trickling = asyncio.create_task(trickle())
            quick: list[float] = []
            peak = 0
            async with client() as c, McpClient.connect(gw.url) as mcp:
                for n in range(15):
                    t0 = time.monotonic()
                    assert (await c.put(url(gw, f"q{n}.bin"), content=b"q" * 100_000)).status_code == 201
                    assert len((await c.get(url(gw, f"q{n}.bin"))).content) == 100_000
                    assert text_of(await mcp.bash("echo ok")) == "ok\n"
                    quick.append(time.monotonic() - t0)
                    peak = max(peak, _rss_kib(gw.proc.pid))
                    await asyncio.sleep(0.1)
            await trickling
            answer = await asyncio.wait_for(b_reader.read(4096), 10 * SCALE)
            b_writer.close()
            # A is cut off at the idle timeout: what it can ever read is what was sent before (buffers), not 64 MB
            a_sock.settimeout(10 * SCALE)
            received = 0
            while chunk := a_sock.recv(1 << 20):
                received += len(chunk)
            a_sock.close()
            return {"quick": quick, "answer": answer, "received": received, "peak": peak}

        got = run(main())
        assert max(got["quick"]) < 1.0 * SCALE, got["quick"]  # a round of PUT, GET and bash each time
        assert got["answer"].startswith(b"HTTP/1.1 201 "), got["answer"]
        assert (ws / "slow.bin").read_bytes() == b"s" * 30
        assert got["received"] < 16 * MIB, got["received"]
        assert got["peak"] < 100 * 1024, got["peak"]


def test_transfers_beyond_the_limit_get_503_and_many_at_once_all_arrive(base: Path) -> None:
    ws = base / "ws"
    (ws / "big.bin").write_bytes(os.urandom(32 * MIB))
    with gateway(base, "--max-transfers", "3", "--transfer-idle-timeout", "60") as gw:
        async def main() -> None:
            held = []
            for _ in range(3):  # three downloads nobody reads hold the three transfer slots
                s = socket.create_connection((gw.host, gw.port))
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
                s.sendall(f"GET /files/big.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode())
                held.append(s)
            async with client() as c:
                async def busy() -> bool:
                    r = await c.get(url(gw, "big.bin"))
                    return r.status_code == 503
                deadline = time.monotonic() + 10 * SCALE
                while not await busy():
                    assert time.monotonic() < deadline
                refused = await c.put(url(gw, "x.bin"), content=b"x")
                assert refused.status_code == 503 and "--max-transfers=3" in refused.text
                assert refused.headers["retry-after"] == "1"
                for s in held:
                    s.close()

                async def one(n: int) -> None:
                    data = os.urandom(2 * MIB) + bytes([n])
                    for _ in range(50):  # three at a time: the others retry on 503
                        r = await c.put(url(gw, f"many/{n}.bin"), content=data)
                        if r.status_code != 503:
                            break
                        await asyncio.sleep(0.05)
                    assert r.status_code == 201 and r.json()["sha256"] == hashlib.sha256(data).hexdigest(), r.text
                    for _ in range(50):
                        back = await c.get(url(gw, f"many/{n}.bin"))
                        if back.status_code != 503:
                            break
                        await asyncio.sleep(0.05)
                    assert back.content == data

                await asyncio.gather(*(one(n) for n in range(12)))

        run(main())
        assert len(os.listdir(ws / "many")) == 12


def test_a_file_replaced_during_a_download_is_sent_as_it_was_opened(base: Path) -> None:
    ws = base / "ws"
    first, second = os.urandom(24 * MIB), os.urandom(24 * MIB)
    (ws / "v.bin").write_bytes(first)
    with gateway(base) as gw:
        async def main() -> None:
            async with client() as c:
                async with c.stream("GET", url(gw, "v.bin")) as r:
                    got = bytearray()
                    async for chunk in r.aiter_bytes(MIB):
                        got += chunk
                        if len(got) >= MIB and (ws / "v.bin").read_bytes()[:16] == first[:16]:
                            (ws / "v.new").write_bytes(second)
                            os.rename(ws / "v.new", ws / "v.bin")  # as the editing tools and `mv` replace files
                assert bytes(got) == first
                assert (await c.get(url(gw, "v.bin"))).content == second
                # truncated in place: the promised length cannot be sent, so the response ends short
                with pytest.raises(httpx.RemoteProtocolError):
                    async with c.stream("GET", url(gw, "v.bin")) as r:
                        read = 0
                        async for chunk in r.aiter_bytes(MIB):
                            read += len(chunk)
                            if read >= MIB:
                                os.truncate(ws / "v.bin", 0)
                assert read < len(second)

        run(main())


def test_a_directory_comes_as_tar_gz_built_as_the_tool_user(base: Path) -> None:
    ws = base / "ws"
    (ws / "proj" / "src").mkdir(parents=True)
    (ws / "proj" / "src" / "app.py").write_text("print('hi')\n")
    (ws / "proj" / "data.bin").write_bytes(bytes(range(256)) * 1000)
    os.symlink("/etc/passwd", ws / "proj" / "passwd-link")
    with gateway(base) as gw:
        (ws / "proj" / "root-only.txt").write_text("secret\n")  # made after the start chowned the workspace
        (ws / "proj" / "root-only.txt").chmod(0o600)  # root's: the tool user cannot read it
        async def main() -> None:
            async with client() as c:
                r = await c.get(url(gw, "proj?archive=tar.gz"))
                assert r.status_code == 200, r.text
                assert r.headers["content-type"] == "application/gzip"
                assert 'filename="proj.tar.gz"' in r.headers["content-disposition"]
                with tarfile.open(fileobj=io.BytesIO(r.content), mode="r:gz") as tar:
                    names = sorted(tar.getnames())
                    assert names == ["proj", "proj/data.bin", "proj/passwd-link", "proj/src", "proj/src/app.py"]
                    assert tar.getmember("proj/passwd-link").issym()  # stored as a link, never followed
                    assert tar.extractfile("proj/data.bin").read() == bytes(range(256)) * 1000  # type: ignore[union-attr]
                    assert tar.getmember("proj/src/app.py").uid == NOBODY
                whole = await c.get(url(gw, "?archive=tar.gz"))
                with tarfile.open(fileobj=io.BytesIO(whole.content), mode="r:gz") as tar:
                    assert "workspace/proj/src/app.py" in tar.getnames()
                assert (await c.get(url(gw, "proj/data.bin?archive=tar.gz"))).status_code == 409
                assert (await c.head(url(gw, "proj?archive=tar.gz"))).status_code == 200

        run(main())


# ---- the tools through the gateway ------------------------------------------------------------------


def test_upload_and_download_tools_through_the_gateway(base: Path) -> None:
    ws = base / "ws"
    with gateway(base, "--max-upload-bytes", "1000", "--max-download-bytes", "2000") as gw:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                data = os.urandom(900)
                up = await call(c, "upload", file_path="t/u.bin", content=base64.b64encode(data).decode())
                assert not up["isError"] and up["structuredContent"]["sha256"] == hashlib.sha256(data).hexdigest()
                assert (ws / "t/u.bin").read_bytes() == data and (ws / "t/u.bin").stat().st_uid == NOBODY
                over = await call(c, "upload", file_path="t/v.bin",
                                  content=base64.b64encode(os.urandom(1001)).decode())
                assert over["isError"] and "--max-upload-bytes=1000" in text_of(over)
                down = await call(c, "download", file_path="t/u.bin")
                assert base64.b64decode(down["content"][1]["resource"]["blob"]) == data
                (ws / "big.bin").write_bytes(b"\1" * 5000)
                linked = await call(c, "download", file_path="big.bin")
                assert linked["content"][1]["type"] == "resource_link"
                assert "--max-download-bytes=2000" in text_of(linked)
                fetched = await asyncio.to_thread(httpx.get, f"http://{gw.host}:{gw.port}"
                                                  f"{linked['structuredContent']['url']}", headers=AUTH)
                assert fetched.content == b"\1" * 5000
                assert hashlib.sha256(fetched.content).hexdigest() == linked["structuredContent"]["sha256"]
                for path in ("../x", "/etc/passwd", "missing"):
                    assert (await call(c, "download", file_path=path))["isError"]
                    assert (await call(c, "upload", file_path=f"{path}/x" if path == "missing" else path,
                                       content="AA=="))["isError"] is (path != "missing")

        run(main())


# ---- a gigabyte each way -----------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_gigabyte_each_way_keeps_every_process_under_100_mb(base: Path) -> None:
    """PUT then GET 1 GiB (made on the fly, never on the test's disk but the workspace's) with curl, while
    a session keeps calling bash; the peak RSS (VmHWM) of the gateway, every worker and every file
    helper stays under 100 MB, the workers and helpers spend almost no CPU (no byte passes through
    them), and bash calls keep coming back quickly."""
    size = 1 << 30
    ws = base / "ws"
    with gateway(base, "--spare-workers", "0") as gw:
        tree = _python_tree(gw)
        assert sorted(tree.values()).count("worker.tools.helper") == 2, tree
        cpu_before = {pid: _cpu_seconds(pid) for pid, role in tree.items() if role != "gateway"}
        block = bytearray(os.urandom(MIB))
        sent_hash = hashlib.sha256()

        def produce(pipe: Any) -> None:
            with pipe:
                for n in range(size // MIB):
                    block[:8] = n.to_bytes(8, "big")
                    sent_hash.update(block)
                    pipe.write(block)

        probes: list[float] = []
        done = threading.Event()

        def probe() -> None:
            async def main() -> None:
                async with McpClient.connect(gw.url) as c:
                    while not done.is_set():
                        t0 = time.monotonic()
                        assert text_of(await c.bash("echo ok")) == "ok\n"
                        probes.append(time.monotonic() - t0)
                        await asyncio.sleep(0.1)
            asyncio.run(main())

        prober = threading.Thread(target=probe)
        prober.start()
        try:
            t0 = time.monotonic()
            put = subprocess.Popen(["curl", "-sS", "-T", "-", "-H", f"Authorization: Bearer {TOKEN}",
                                    url(gw, "huge/one.bin")], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            writer = threading.Thread(target=produce, args=(put.stdin,))
            writer.start()
            writer.join(300 * SCALE)
            assert put.stdout is not None
            with put.stdout:
                out = put.stdout.read()
            assert put.wait(60 * SCALE) == 0
            put_s = time.monotonic() - t0
            answer = json.loads(out)
            assert answer == {"path": "huge/one.bin", "size": size, "sha256": sent_hash.hexdigest(), "created": True}
            t0 = time.monotonic()
            get = subprocess.Popen(["curl", "-sS", "-H", f"Authorization: Bearer {TOKEN}", url(gw, "huge/one.bin")],
                                   stdout=subprocess.PIPE)
            got_hash = hashlib.sha256()
            got = 0
            assert get.stdout is not None
            with get.stdout:
                while chunk := get.stdout.read(MIB):
                    got_hash.update(chunk)
                    got += len(chunk)
            assert get.wait(60) == 0
            get_s = time.monotonic() - t0
        finally:
            done.set()
            prober.join(60)
        assert got == size and got_hash.hexdigest() == sent_hash.hexdigest()
        peaks = {f"{role}[{pid}]": _rss_kib(pid, "VmHWM") // 1024 for pid, role in _python_tree(gw).items()}
        cpu = {pid: round(_cpu_seconds(pid) - before, 2) for pid, before in cpu_before.items()}
        print(json.dumps({"put_MBps": round(size / put_s / 1e6), "get_MBps": round(size / get_s / 1e6),
                          "peak_rss_mib": peaks, "cpu_s": cpu, "bash_max_ms": round(max(probes) * 1000),
                          "bash_p50_ms": round(sorted(probes)[len(probes) // 2] * 1000), "probes": len(probes)}))
        assert all(peak < 100 for peak in peaks.values()), peaks
        assert all(seconds < 1.0 for seconds in cpu.values()), cpu  # moving 2 GiB would cost seconds
        # bash's round trip goes through the worker's loop: a loop blocked by a transfer would hold it for seconds
        # (p50 a few ms; 0.28 s seen at load 9 in CI, so the bound is 1 s)
        assert len(probes) >= 5 and max(probes) < 1.0 * SCALE, sorted(probes)[-5:]
        assert (ws / "huge/one.bin").stat().st_size == size
