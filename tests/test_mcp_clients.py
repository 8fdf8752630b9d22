"""worker/mcp_clients: MCP client transports against real and hostile servers.

Real processes (spawned with posix_spawn, reaped through a pidfd: no child watcher) and
real sockets; no mocks.  The servers live in tests/mcp_servers/.  Every test runs in its
own event loop that fails it on an unhandled loop exception or on a task left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import SCALE, async_wait_for
from worker.mcp_clients import (
    HttpStatusError,
    LineFramer,
    McpClientError,
    McpConnection,
    MessageTooLarge,
    RemoteError,
    RequestTimeout,
    ServerGone,
    SseConnection,
    SseDecoder,
    SseEvent,
    StdioConnection,
    StreamableHttpConnection,
    initialize,
)

SERVERS = Path(__file__).resolve().parent / "mcp_servers"
HOSTILE = SERVERS / "hostile.py"
SDK_SERVER = SERVERS / "sdk_server.py"
MiB = 1024 * 1024


def run(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``main`` in a fresh loop; fail on an unhandled loop exception or a task left behind."""
    errors: list[dict[str, Any]] = []

    async def wrapper() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: errors.append(ctx))
        await main()
        assert not client_tasks(), f"connection tasks left behind: {client_tasks()}"
        # Besides those, only asyncio's own finalizers may still run: httpx leaves its inner async
        # generators to asyncio's asyncgen hook when a response is left early; they end in a few steps.
        def others() -> set[asyncio.Task[Any]]:
            return asyncio.all_tasks() - {asyncio.current_task()}  # type: ignore[operator]

        with contextlib.suppress(AssertionError):
            await async_wait_for(lambda: not others(), 5, what="no task left")
        assert not others(), f"tasks left behind: {others()}"

    asyncio.run(wrapper())
    assert not errors, errors


def client_tasks() -> list[asyncio.Task[Any]]:
    """Tasks started by connections (they name them so)."""
    return [t for t in asyncio.all_tasks() if t.get_name().startswith("mcp-client")]


# ---- processes -------------------------------------------------------------------------


class Child:
    """A process started with posix_spawn in its own session; ``exited`` comes from a pidfd."""

    def __init__(self, argv: list[str], *, env: dict[str, str] | None = None, log: Path | None = None) -> None:
        loop = asyncio.get_running_loop()
        self.fds: list[int] = []  # our pipe ends while nobody else owns them
        if log is None:
            in_r, in_w = os.pipe()
            out_r, out_w = os.pipe()
            err_r, err_w = os.pipe()
            actions: list[tuple[Any, ...]] = [(os.POSIX_SPAWN_DUP2, in_r, 0), (os.POSIX_SPAWN_DUP2, out_w, 1),
                                              (os.POSIX_SPAWN_DUP2, err_w, 2)]
            theirs = [in_r, out_w, err_w]
            self.fds = [in_w, out_r, err_r]
        else:
            log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                       (os.POSIX_SPAWN_DUP2, log_fd, 1), (os.POSIX_SPAWN_DUP2, log_fd, 2)]
            theirs = [log_fd]
        try:
            self.pid = os.posix_spawn(sys.executable, [sys.executable, *argv], env if env is not None else os.environ,
                                      file_actions=actions, setsid=True, setsigdef=(signal.SIGPIPE,))
        finally:
            for fd in theirs:
                os.close(fd)
        self.exited: asyncio.Future[int] = loop.create_future()
        self._pidfd = os.pidfd_open(self.pid)
        loop.add_reader(self._pidfd, self._reap)

    def _reap(self) -> None:
        asyncio.get_running_loop().remove_reader(self._pidfd)
        os.close(self._pidfd)
        _, status = os.waitpid(self.pid, 0)
        if not self.exited.done():
            self.exited.set_result(os.waitstatus_to_exitcode(status))

    def connection(self, **kw: Any) -> StdioConnection:
        stdin, stdout, stderr = self.fds
        self.fds = []  # the connection owns them now
        return StdioConnection(stdin, stdout, stderr, self.exited, **kw)

    async def stop(self) -> None:
        if not self.exited.done():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            async with asyncio.timeout(10 * SCALE):
                await asyncio.shield(self.exited)
        for fd in self.fds:
            os.close(fd)
        self.fds = []


@contextlib.asynccontextmanager
async def stdio_server(*argv: str, **conn_kw: Any) -> AsyncIterator[tuple[Child, StdioConnection]]:
    child = Child(list(argv))
    conn: StdioConnection | None = None
    try:
        conn = child.connection(**conn_kw)
        await conn.start()
        yield child, conn
    finally:
        if conn is not None:
            await conn.close()
        await child.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def accepts(port: int, child: Child) -> bool:
    deadline = time.monotonic() + 30 * SCALE
    while time.monotonic() < deadline and not child.exited.done():
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return True
    return False


@contextlib.asynccontextmanager
async def sdk_http_server(transport: str, log_dir: Path) -> AsyncIterator[int]:
    """The SDK server on a free port (a few tries: the port may be taken between probe and bind)."""
    for attempt in range(3):
        port = free_port()
        log = log_dir / f"sdk-{transport}-{attempt}.log"
        child = Child([str(SDK_SERVER), "--transport", transport], env={**os.environ, "PORT": str(port)}, log=log)
        if await accepts(port, child):
            break
        await child.stop()
    else:
        raise AssertionError(f"the SDK server did not start: {log.read_text()}")
    try:
        yield port
    finally:
        await child.stop()


def vm_hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise KeyError("VmHWM")


def reset_hwm() -> None:
    # "5" resets the peak RSS (Linux >= 4.0); where refused the baseline is just the peak so far.
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as f:
        f.write("5")


# ---- a tiny HTTP server (for what the SDK server cannot be made to do) -------------------


@dataclass
class Hit:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    stopping: asyncio.Event  # set when the server stops: a handler holding a stream open returns then

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeHttp:
    """HTTP/1.1 on a free loopback port, one request per connection, every request recorded."""

    route: Callable[[Hit, asyncio.StreamWriter], Awaitable[None]]
    hits: list[Hit] = field(default_factory=list)
    port: int = 0
    _handlers: set[asyncio.Task[Any]] = field(default_factory=set)

    async def __aenter__(self) -> FakeHttp:
        self._stopping = asyncio.Event()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Handlers are asked to return rather than cancelled: asyncio 3.11's stream server logs a
        # cancelled handler task as an unhandled error.
        self._server.close()
        self._stopping.set()
        if self._handlers:
            await asyncio.wait(list(self._handlers), timeout=10 * SCALE)
        assert not self._handlers, self._handlers
        await self._server.wait_closed()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def posted(self, method: str) -> list[Hit]:
        return [h for h in self.hits if h.method == "POST" and h.json().get("method") == method]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            method, target, _ = (await reader.readline()).decode().split(" ", 2)
            headers = {}
            while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            hit = Hit(method, target, headers, body, self._stopping)
            self.hits.append(hit)
            await self.route(hit, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._handlers.discard(task)
            writer.close()


def head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", *(f"{k}: {v}" for k, v in headers.items()),
             "Connection: close", "", ""]
    return "\r\n".join(lines).encode()


async def respond(writer: asyncio.StreamWriter, status: int, body: bytes = b"",
                  headers: dict[str, str] | None = None) -> None:
    writer.write(head(status, {"Content-Length": str(len(body)), **(headers or {})}) + body)
    await writer.drain()


def sse_frame(event: str, data: str) -> bytes:
    return f"event: {event}\r\ndata: {data}\r\n\r\n".encode()


SSE_HEAD = {"Content-Type": "text/event-stream", "Cache-Control": "no-store"}


def fake_answer(msg: dict[str, Any]) -> dict[str, Any]:
    results: dict[str, Any] = {
        "initialize": {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                       "serverInfo": {"name": "fake", "version": "1"}},
        "tools/list": {"tools": [{"name": "noop", "inputSchema": {"type": "object"}}]},
        "ping": {},
    }
    if msg["method"] in results:
        return {"jsonrpc": "2.0", "id": msg["id"], "result": results[msg["method"]]}
    return {"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32601, "message": "no such method"}}


# ---- framing without I/O ------------------------------------------------------------------


def test_line_framer_splits_lines_and_bounds_an_unfinished_one() -> None:
    lines: list[bytes] = []
    framer = LineFramer(max_line=10)
    for byte in b'{"a":1}\n\n0123456789\n{"b"':
        framer.feed(bytes([byte]), lambda line: lines.append(bytes(line)))
    framer.feed(b':2}\nxy\n', lambda line: lines.append(bytes(line)))
    assert lines == [b'{"a":1}', b"", b"0123456789", b'{"b":2}', b"xy"]
    framer.feed(b"0123456789", lambda line: lines.append(bytes(line)))  # exactly the limit, unfinished: fine
    with pytest.raises(MessageTooLarge, match=r"longer than 10 bytes.*max_line"):
        framer.feed(b"0", lambda line: lines.append(bytes(line)))  # refused before any newline arrives
    with pytest.raises(MessageTooLarge):
        LineFramer(max_line=4).feed(b"12345\n", lambda line: lines.append(bytes(line)))


def test_sse_decoder_line_endings_fields_and_limit() -> None:
    stream = (b": keep-alive\r\nevent: endpoint\rdata: /messages?x=1\n\n"
              b"data: {\"a\":\r\ndata:1}\r\nid: 7\r\n\r\n"
              b"retry: 10\nevent: ignored-because-no-data\n\n"
              b"data:tail\r\r")
    expected = [SseEvent("endpoint", b"/messages?x=1"), SseEvent("message", b'{"a":\n1}', "7"),
                SseEvent("message", b"tail", "7")]
    for size in (1, 2, 3, 7, len(stream)):  # every split, including CR | LF across chunks
        events: list[SseEvent] = []
        decoder = SseDecoder(max_event=100)
        for i in range(0, len(stream), size):
            decoder.feed(stream[i : i + size], events.append)
        assert events == expected, size
    with pytest.raises(MessageTooLarge, match=r"larger than 16 bytes.*max_event"):
        SseDecoder(max_event=16).feed(b"data: 0123456789\ndata: 0123456789", events.append)


class MemoryConnection(McpConnection):
    """The JSON-RPC matching of McpConnection with its output kept in a list."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, Any]] = []

    async def _send(self, payload: bytes, reply: Any) -> None:
        self.sent.append(json.loads(payload))

    def feed(self, msg: Any) -> None:
        self._receive(json.dumps(msg).encode() if not isinstance(msg, bytes) else msg)


def test_matching_and_server_requests_without_io() -> None:
    async def main() -> None:
        conn = MemoryConnection()
        notes: list[tuple[str, dict[str, Any]]] = []
        conn.on_notification = lambda method, params: notes.append((method, params))

        first = asyncio.create_task(conn.request("tools/list", None, 10))
        second = asyncio.create_task(conn.request("tools/call", {"name": "x"}, 10))
        await async_wait_for(lambda: len(conn.sent) == 2, what="both sent")
        ids = [m["id"] for m in conn.sent]
        assert ids == sorted(ids) and all(type(i) is int for i in ids)
        conn.feed(b"not json at all")
        conn.feed({"jsonrpc": "2.0", "id": 999, "result": {}})  # nobody asked: ignored
        conn.feed({"jsonrpc": "2.0", "id": True, "result": {}})  # not an int id: ignored
        conn.feed([{"jsonrpc": "2.0", "id": ids[1], "error": {"code": -32602, "message": "bad", "data": [1]}},
                   {"jsonrpc": "2.0", "method": "notifications/tools/list_changed"}])
        conn.feed({"jsonrpc": "2.0", "id": ids[0], "result": {"tools": []}})
        assert await first == {"tools": []}
        with pytest.raises(RemoteError) as err:
            await second
        assert (err.value.code, err.value.message, err.value.data) == (-32602, "bad", [1])
        assert "tools/call" in str(err.value)
        assert notes == [("notifications/tools/list_changed", {})]

        conn.sent.clear()
        conn.feed({"jsonrpc": "2.0", "id": "p1", "method": "ping"})
        conn.feed({"jsonrpc": "2.0", "id": 5, "method": "roots/list"})
        await async_wait_for(lambda: len(conn.sent) == 2, what="answers to the server's requests")
        by_id = {m["id"]: m for m in conn.sent}
        assert by_id["p1"]["result"] == {}
        assert by_id[5]["error"]["code"] == -32601

        conn.sent.clear()
        with pytest.raises(RequestTimeout, match=r"tools/call .*within 0.1 s"):
            await conn.request("tools/call", None, 0.1)
        await async_wait_for(lambda: len(conn.sent) == 2, what="cancellation sent")
        assert conn.sent[1]["method"] == "notifications/cancelled"
        assert conn.sent[1]["params"]["requestId"] == conn.sent[0]["id"]

        late = asyncio.create_task(conn.request("ping", None, None))
        await async_wait_for(lambda: len(conn.sent) == 3, what="ping sent")
        await conn.close()
        with pytest.raises(ServerGone, match=r"closed by the client"):
            await late
        assert conn.closed.result() == "the connection was closed by the client"
        with pytest.raises(ServerGone):
            await conn.request("ping", None, 1)
        await conn.close()  # idempotent

    run(main)


# ---- the real SDK server over every transport -------------------------------------------


def text_of(result: dict[str, Any]) -> str:
    return "".join(c.get("text", "") for c in result["content"])


async def exercise_sdk_server(conn: McpConnection) -> None:
    info = await initialize(conn, 30 * SCALE)
    assert info.name == "sdk-test-server"
    assert info.protocol_version == "2025-06-18"
    assert "tools" in info.capabilities
    assert info.instructions == "A test server."
    tools = await conn.request("tools/list", None, 30 * SCALE)
    assert {t["name"] for t in tools["tools"]} == {"add", "echo", "slow"}
    added = await conn.request("tools/call", {"name": "add", "arguments": {"a": 2, "b": 3}}, 30 * SCALE)
    assert text_of(added) == "5" and added["isError"] is False

    # one request times out; the others around it are still matched to their own answers
    slow = asyncio.create_task(conn.request("tools/call", {"name": "slow", "arguments": {"seconds": 30}}, 0.5))
    echoes = [conn.request("tools/call", {"name": "echo", "arguments": {"text": f"t{i}"}}, 30 * SCALE)
              for i in range(5)]
    assert [text_of(r) for r in await asyncio.gather(*echoes)] == [f"t{i}" for i in range(5)]
    with pytest.raises(RequestTimeout):
        await slow
    assert await conn.request("ping", None, 30 * SCALE) == {}
    with pytest.raises(RemoteError):
        await conn.request("no/such/method", None, 30 * SCALE)


def test_sdk_server_over_stdio() -> None:
    async def main() -> None:
        async with stdio_server(str(SDK_SERVER), "--transport", "stdio") as (_, conn):
            await exercise_sdk_server(conn)
        assert conn.closed.done()

    run(main)


def test_sdk_server_over_sse(tmp_path: Path) -> None:
    async def main() -> None:
        async with sdk_http_server("sse", tmp_path) as port:
            conn = SseConnection(f"http://127.0.0.1:{port}/sse")
            try:
                await conn.start(30 * SCALE)
                assert conn.endpoint is not None
                assert conn.endpoint.startswith(f"http://127.0.0.1:{port}/messages/?session_id=")
                await exercise_sdk_server(conn)
            finally:
                await conn.close()

    run(main)


def test_sdk_server_over_streamable_http(tmp_path: Path) -> None:
    async def main() -> None:
        async with sdk_http_server("http", tmp_path) as port:
            conn = StreamableHttpConnection(f"http://127.0.0.1:{port}/mcp")
            try:
                await conn.start()
                await exercise_sdk_server(conn)
                assert conn.session_id
            finally:
                await conn.close()

    run(main)


# ---- hostile stdio servers ----------------------------------------------------------------


def test_huge_line_fails_the_connection_without_buffering_it() -> None:
    async def main() -> None:
        async with stdio_server(str(HOSTILE), "bigline") as (_, conn):
            info = await initialize(conn, 30 * SCALE)
            assert info.name == "hostile-bigline"
            reset_hwm()
            before = vm_hwm_kb()
            with pytest.raises(MessageTooLarge, match=rf"longer than {16 * MiB} bytes.*max_line") as err:
                await conn.request("tools/list", None, 60 * SCALE)
            grown_mb = (vm_hwm_kb() - before) / 1024
            # Buffered whole, the line alone would be 50 MB; the framer holds at most max_line (16 MiB).
            # The margin is for what else a busy xdist worker allocates meanwhile (it failed once at 30).
            assert grown_mb < 40, f"peak RSS grew by {grown_mb:.0f} MB for a 50 MB line"
            assert conn.closed.done() and conn.closed.result() == str(err.value)

    run(main)


def test_silent_server_times_out_and_other_requests_still_match() -> None:
    async def main() -> None:
        async with stdio_server(str(HOSTILE), "silent") as (_, conn):
            await initialize(conn, 30 * SCALE)
            t0 = time.monotonic()
            call = asyncio.create_task(conn.request("tools/call", {"name": "x"}, 1))
            pings = [conn.request("ping", None, 30 * SCALE) for _ in range(3)]
            assert await asyncio.gather(*pings) == [{}, {}, {}]
            with pytest.raises(RequestTimeout, match=r"within 1 s"):
                await call
            elapsed = time.monotonic() - t0
            assert 0.9 < elapsed < 1 + 5 * SCALE, elapsed
            assert await conn.request("ping", None, 30 * SCALE) == {}
            assert not conn.closed.done()

    run(main)


def test_crash_mid_call_fails_pending_requests_at_once() -> None:
    async def main() -> None:
        async with stdio_server(str(HOSTILE), "crash") as (_, conn):
            await initialize(conn, 30 * SCALE)
            t0 = time.monotonic()
            with pytest.raises(ServerGone) as err:
                await conn.request("tools/call", {"name": "x"}, 120)
            assert time.monotonic() - t0 < 10 * SCALE
            assert "exited with status 7" in str(err.value)
            assert "crash: dying in the middle of tools/call" in str(err.value)  # the stderr tail
            assert conn.closed.done()
            with pytest.raises(ServerGone, match=r"status 7"):
                await conn.request("ping", None, 10)

    run(main)


def test_answer_written_just_before_exit_still_counts() -> None:
    async def main() -> None:
        async with stdio_server(str(HOSTILE), "last_words") as (_, conn):
            await initialize(conn, 30 * SCALE)
            result = await conn.request("tools/call", {"name": "x"}, 30 * SCALE)
            assert result["content"][0]["text"] == "goodbye"
            reason = await asyncio.wait_for(conn.closed, 10 * SCALE)
            assert "exited with status 3" in reason

    run(main)


def test_killed_server_names_the_signal() -> None:
    async def main() -> None:
        async with stdio_server(str(HOSTILE), "silent") as (child, conn):
            await initialize(conn, 30 * SCALE)
            pending = [asyncio.create_task(conn.request("tools/call", {"name": "x"}, 120)) for _ in range(3)]
            await asyncio.sleep(0)
            os.kill(child.pid, signal.SIGKILL)
            for task in pending:
                with pytest.raises(ServerGone, match=r"killed by SIGKILL"):
                    await task

    run(main)


def test_stderr_flood_is_drained_into_a_bounded_ring() -> None:
    async def main() -> None:
        async with stdio_server(str(HOSTILE), "stderr_flood", stderr_ring=64 * 1024) as (_, conn):
            await initialize(conn, 30 * SCALE)
            for i in range(20):
                result = await conn.request("tools/list", {"i": i}, 30 * SCALE)
                assert result["echo"] == {"i": i}
            await async_wait_for(lambda: "flood done" in conn.stderr_tail(), 60, what="the whole flood drained")
            assert len(conn.stderr_tail().encode()) <= 64 * 1024
            assert (await conn.request("tools/list", {"i": "last"}, 30 * SCALE))["echo"] == {"i": "last"}

    run(main)


def test_server_that_stops_reading_cannot_block_requests() -> None:
    async def main() -> None:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        async with stdio_server(str(HOSTILE), "noread") as (_, conn):
            await initialize(conn, 30 * SCALE)
            tick_task = asyncio.create_task(ticker())
            try:
                big = {"name": "x", "arguments": {"blob": "b" * (4 * MiB)}}  # far more than a pipe holds
                for _ in range(2):  # the first queues its bytes; the second waits for the queue to drain
                    t0 = time.monotonic()
                    with pytest.raises(RequestTimeout):
                        await conn.request("tools/call", big, 1)
                    assert time.monotonic() - t0 < 1 + 5 * SCALE
                assert ticks > 20, ticks  # the loop kept running all along
            finally:
                tick_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await tick_task

    run(main)


def test_server_requests_and_notifications_over_stdio() -> None:
    async def main() -> None:
        async with stdio_server(str(HOSTILE), "chatty") as (_, conn):
            notes: list[str] = []
            conn.on_notification = lambda method, _params: notes.append(method)
            await initialize(conn, 30 * SCALE)
            result = await conn.request("tools/list", None, 30 * SCALE)
            assert result["answers"]["s-ping"]["result"] == {}
            assert result["answers"]["s-roots"]["error"]["code"] == -32601
            assert notes == ["notifications/tools/list_changed"]

    run(main)


def test_close_fails_pending_requests_and_leaves_no_task() -> None:
    async def main() -> None:
        async with stdio_server(str(HOSTILE), "silent") as (_, conn):
            await initialize(conn, 30 * SCALE)
            pending = [asyncio.create_task(conn.request("tools/call", {"name": "x"}, None)) for _ in range(3)]
            await asyncio.sleep(0.1)
            t0 = time.monotonic()
            await conn.close()
            for task in pending:
                with pytest.raises(ServerGone, match=r"closed by the client"):
                    await task
            assert time.monotonic() - t0 < 5 * SCALE
            assert conn.closed.result() == "the connection was closed by the client"
            assert asyncio.all_tasks() == {asyncio.current_task()}

    run(main)


# ---- legacy HTTP+SSE against a fake server ------------------------------------------------


class FakeLegacySse:
    """The legacy transport: a GET event stream, POSTs answered 202 with the answer on the stream."""

    def __init__(self, endpoint: str | None, answer_bytes: int = 0) -> None:
        self.endpoint = endpoint
        self.answer_bytes = answer_bytes  # > 0: tools/list gets an answer this big
        self.stream: asyncio.StreamWriter | None = None

    async def route(self, hit: Hit, writer: asyncio.StreamWriter) -> None:
        if hit.method == "GET":
            writer.write(head(200, SSE_HEAD))
            writer.write(b": hello\n\n")
            if self.endpoint is not None:
                writer.write(sse_frame("endpoint", self.endpoint))
            await writer.drain()
            self.stream = writer
            await hit.stopping.wait()  # the stream stays open until the server stops
            return
        msg = hit.json()
        await respond(writer, 202, b"Accepted")
        if "id" in msg and "method" in msg and self.stream is not None:
            answer = fake_answer(msg)
            if self.answer_bytes and msg["method"] == "tools/list":
                answer["result"]["padding"] = "p" * self.answer_bytes
            self.stream.write(sse_frame("message", json.dumps(answer)))
            await self.stream.drain()


def test_sse_start_times_out_when_no_endpoint_is_sent() -> None:
    async def main() -> None:
        fake = FakeLegacySse(endpoint=None)
        async with FakeHttp(fake.route) as http:
            conn = SseConnection(http.url("/sse"))
            t0 = time.monotonic()
            with pytest.raises(RequestTimeout, match=r"no endpoint event within 0.5 s"):
                await conn.start(0.5)
            assert time.monotonic() - t0 < 0.5 + 5 * SCALE
            assert conn.closed.done()
            assert not client_tasks()
            with pytest.raises(ServerGone):
                await conn.request("ping", None, 1)
            await conn.close()

    run(main)


def test_sse_relative_endpoint_is_resolved_against_the_stream_url() -> None:
    async def main() -> None:
        fake = FakeLegacySse(endpoint="messages?session=abc")
        async with FakeHttp(fake.route) as http:
            conn = SseConnection(http.url("/base/sse"), headers={"Authorization": "Bearer t0ken"})
            try:
                await conn.start(10 * SCALE)
                assert conn.endpoint == http.url("/base/messages?session=abc")
                info = await initialize(conn, 10 * SCALE)
                assert info.name == "fake"
                assert (await conn.request("tools/list", None, 10 * SCALE))["tools"][0]["name"] == "noop"
                posts = [h for h in http.hits if h.method == "POST"]
                assert [h.target for h in posts] == ["/base/messages?session=abc"] * 3
                assert all(h.headers["authorization"] == "Bearer t0ken" for h in http.hits)
                assert all(h.headers["content-type"] == "application/json" for h in posts)
            finally:
                await conn.close()

    run(main)


def test_sse_endpoint_on_another_origin_is_refused() -> None:
    async def main() -> None:
        fake = FakeLegacySse(endpoint="http://169.254.169.254/latest/meta-data")
        async with FakeHttp(fake.route) as http:
            conn = SseConnection(http.url("/sse"))
            with pytest.raises(McpClientError, match=r"another origin"):
                await conn.start(10 * SCALE)
            assert not [h for h in http.hits if h.method == "POST"]

    run(main)


def test_sse_event_over_the_limit_fails_the_connection() -> None:
    async def main() -> None:
        fake = FakeLegacySse(endpoint="/messages", answer_bytes=3 * MiB)
        async with FakeHttp(fake.route) as http:
            conn = SseConnection(http.url("/sse"), max_event=1 * MiB)
            try:
                await conn.start(10 * SCALE)
                await initialize(conn, 10 * SCALE)
                with pytest.raises(MessageTooLarge, match=rf"larger than {MiB} bytes.*max_event"):
                    await conn.request("tools/list", None, 30 * SCALE)
                assert conn.closed.done()
            finally:
                await conn.close()

    run(main)


# ---- Streamable HTTP against a fake server ------------------------------------------------


class FakeStreamable:
    """Streamable HTTP: initialize answered as JSON with a session id, other requests as SSE."""

    SESSION = "fake-session-1"

    def __init__(self, *, fail_call: int | None = None, expire: bool = False, big_body: str | None = None) -> None:
        self.fail_call = fail_call  # answer tools/call with this status
        self.expire = expire  # answer everything after initialize with 404
        self.big_body = big_body  # "declared" / "undeclared": tools/list gets a 3 MiB JSON body

    async def route(self, hit: Hit, writer: asyncio.StreamWriter) -> None:
        if hit.method == "GET":
            await respond(writer, 405, b"no GET stream here")
            return
        if hit.method == "DELETE":
            await respond(writer, 200)
            return
        msg = hit.json()
        if msg.get("method") == "initialize":
            await respond(writer, 200, json.dumps(fake_answer(msg)).encode(),
                          {"Content-Type": "application/json", "Mcp-Session-Id": self.SESSION})
        elif self.expire:
            await respond(writer, 404, b"Session not found")
        elif "id" not in msg:
            await respond(writer, 202)
        elif self.fail_call and msg["method"] == "tools/call":
            await respond(writer, self.fail_call, b'{"detail": "bad arguments"}', {"Content-Type": "application/json"})
        elif self.big_body and msg["method"] == "tools/list":
            answer = fake_answer(msg)
            answer["result"]["padding"] = "p" * (3 * MiB)
            body = json.dumps(answer).encode()
            if self.big_body == "declared":
                await respond(writer, 200, body, {"Content-Type": "application/json"})
            else:  # no Content-Length: the body ends when the connection does
                writer.write(head(200, {"Content-Type": "application/json"}))
                for i in range(0, len(body), 64 * 1024):
                    writer.write(body[i : i + 64 * 1024])
                    await writer.drain()
        else:
            writer.write(head(200, SSE_HEAD))
            writer.write(b"id: 1\ndata: \n\n")  # a priming event, as the SDK sends
            writer.write(sse_frame("message", json.dumps(fake_answer(msg))))
            await writer.drain()


def test_streamable_http_sends_the_session_id_back() -> None:
    async def main() -> None:
        fake = FakeStreamable()
        async with FakeHttp(fake.route) as http:
            conn = StreamableHttpConnection(http.url("/mcp"), headers={"X-Test": "1"})
            await conn.start()
            await initialize(conn, 10 * SCALE)
            assert conn.session_id == FakeStreamable.SESSION
            assert (await conn.request("tools/list", None, 10 * SCALE))["tools"][0]["name"] == "noop"
            assert await conn.request("ping", None, 10 * SCALE) == {}
            await async_wait_for(lambda: any(h.method == "GET" for h in http.hits), what="the GET stream tried")
            await conn.close()

            [init] = http.posted("initialize")
            assert "mcp-session-id" not in init.headers
            later = [h for h in http.hits if h is not init]
            assert {h.method for h in later} == {"POST", "GET", "DELETE"}
            for h in later:
                assert h.headers["mcp-session-id"] == FakeStreamable.SESSION, h
                assert h.headers["mcp-protocol-version"] == "2025-06-18", h
                assert h.headers["x-test"] == "1"
            for h in http.hits:
                if h.method == "POST":
                    assert h.headers["accept"] == "application/json, text/event-stream"

    run(main)


def test_streamable_http_4xx_is_not_retried() -> None:
    async def main() -> None:
        fake = FakeStreamable(fail_call=400)
        async with FakeHttp(fake.route) as http:
            conn = StreamableHttpConnection(http.url("/mcp"))
            try:
                await conn.start()
                await initialize(conn, 10 * SCALE)
                with pytest.raises(HttpStatusError, match=r"HTTP 400.*bad arguments.*not retried") as err:
                    await conn.request("tools/call", {"name": "x", "arguments": {}}, 10 * SCALE)
                assert err.value.status == 400
                await asyncio.sleep(0.3)  # a retry would have arrived by now
                assert len(http.posted("tools/call")) == 1
                assert await conn.request("ping", None, 10 * SCALE) == {}  # the connection is still fine
            finally:
                await conn.close()

    run(main)


def test_streamable_http_expired_session_fails_the_connection() -> None:
    async def main() -> None:
        fake = FakeStreamable(expire=True)
        async with FakeHttp(fake.route) as http:
            conn = StreamableHttpConnection(http.url("/mcp"))
            try:
                await conn.start()
                with pytest.raises(ServerGone, match=r"session fake-session-1 expired.*404"):
                    await initialize(conn, 10 * SCALE)  # notifications/initialized gets the 404
                assert conn.closed.done()
            finally:
                await conn.close()

    run(main)


@pytest.mark.parametrize("declared", ["declared", "undeclared"])
def test_streamable_http_body_over_the_limit(declared: str) -> None:
    async def main() -> None:
        fake = FakeStreamable(big_body=declared)
        async with FakeHttp(fake.route) as http:
            conn = StreamableHttpConnection(http.url("/mcp"), max_body=1 * MiB)
            try:
                await conn.start()
                await initialize(conn, 10 * SCALE)
                with pytest.raises(MessageTooLarge, match=rf"{MiB} bytes"):
                    await conn.request("tools/list", None, 30 * SCALE)
                assert await conn.request("ping", None, 10 * SCALE) == {}
            finally:
                await conn.close()

    run(main)


def test_close_right_after_sending_over_http() -> None:
    async def main() -> None:
        async with FakeHttp(FakeStreamable().route) as http:
            conn = StreamableHttpConnection(http.url("/mcp"))
            await conn.start()
            await initialize(conn, 10 * SCALE)
            pending = [asyncio.create_task(conn.request("ping", None, 10 * SCALE)) for _ in range(3)]
            await asyncio.sleep(0)  # the requests have spawned their senders, which have not run yet
            assert len(client_tasks()) >= 3
            await conn.close()
            for task in pending:
                with pytest.raises(ServerGone, match=r"closed by the client"):
                    await task
            assert not client_tasks()
        gc.collect()  # a sender coroutine left never awaited would warn here (an error under filterwarnings)

    run(main)


def test_cannot_connect_is_server_gone() -> None:
    async def main() -> None:
        conn = StreamableHttpConnection(f"http://127.0.0.1:{free_port()}/mcp")
        await conn.start()
        with pytest.raises(ServerGone, match=r"cannot connect"):
            await initialize(conn, 10 * SCALE)
        assert conn.closed.done()
        await conn.close()

    run(main)
