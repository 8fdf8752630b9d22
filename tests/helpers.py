"""Real-process test helpers: a gateway on a free port, a small MCP client, polling with deadlines."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import os
import re
import resource
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")

# Scale for slow machines (websockets' MS idea): every deadline in the tests is multiplied by it.
SCALE = float(os.environ.get("SANDBOX_TEST_TIMEOUT_SCALE", "1"))
_LISTEN = re.compile(r"listening on ws://([^/]+):(\d+)/mcp")


def unique_sleep() -> str:
    """A sleep duration nobody else uses, so leftovers can be found by command line."""
    return f"3000.{secrets.randbelow(10**8):08d}"


def set_nofile(limits: tuple[int, int]) -> None:
    """Set RLIMIT_NOFILE (soft, hard) of this process (for ``preexec_fn``: the child's own)."""
    resource.setrlimit(resource.RLIMIT_NOFILE, limits)


def pids_matching(pattern: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return [int(x) for x in out.split() if int(x) != os.getpid()]


def wait_for(cond: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout * SCALE
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout * SCALE:g} s waiting for {what}")
        time.sleep(interval)


async def async_wait_for(cond: Callable[[], Any], limit: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + limit * SCALE
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit * SCALE:g} s waiting for {what}")
        await asyncio.sleep(0.05)


class GatewayProcess:
    """A real `python -m gateway` on a free loopback port."""

    def __init__(self, workspace: Path, *args: str, token: str | None = None, workers: int = 2,
                 env: dict[str, str] | None = None, nofile: tuple[int, int] | None = None,
                 pass_fds: tuple[int, ...] = ()) -> None:
        self.workspace = workspace
        self.token = token
        argv = [sys.executable, "-m", "gateway", "--port", "0", "--workspace", str(workspace),
                "--workers", str(workers), "--log-level", "INFO", *args]
        if token is None:
            argv.append("--no-auth")
        elif (env or {}).get("SANDBOX_GATEWAY_TOKEN") != token:  # else the gateway reads it from there
            argv += ["--token", token]
        self.stderr_path = workspace.parent / f"gateway-{secrets.token_hex(3)}.log"
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self._stderr, cwd=ROOT,
                                     start_new_session=True, env={**os.environ, **(env or {})}, pass_fds=pass_fds,
                                     preexec_fn=None if nofile is None else functools.partial(set_nofile, nofile))
        try:
            self.host, self.port = self._read_address()
            self.wait_ready()
        except BaseException:
            self.stop(signal.SIGKILL)  # nothing of a failed start may outlive the test
            raise

    def _read_address(self) -> tuple[str, int]:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 30 * SCALE
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode()
            if not line:
                break
            m = _LISTEN.search(line)
            if m:
                return m.group(1), int(m.group(2))
        raise AssertionError(f"gateway did not start: {self.log()}")

    @property
    def url(self) -> str:
        base = f"ws://{self.host}:{self.port}/mcp"
        return f"{base}?token={self.token}" if self.token else base

    def http(self, path: str, token: str | None = None) -> tuple[int, bytes]:
        req = urllib.request.Request(f"http://{self.host}:{self.port}{path}")
        if token or self.token:
            req.add_header("Authorization", f"Bearer {token or self.token}")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def status(self) -> dict[str, Any]:
        code, body = self.http("/status")
        assert code == 200, body
        return json.loads(body)

    def metrics(self) -> str:
        return self.http("/metrics")[1].decode()

    def wait_ready(self, n: int | None = None) -> None:
        def ready() -> bool:
            workers = self.status()["workers"]
            count = sum(w["state"] == "ready" for w in workers)
            return count >= (n if n is not None else len(workers))

        wait_for(ready, 30, what="workers ready")

    def worker_pids(self) -> list[int]:
        return [w["pid"] for w in self.status()["workers"]]

    def log(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout * SCALE)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._stderr.close()
        return self.proc.returncode


class McpClient:
    """A pipelining JSON-RPC client: one reader task, answers matched by id, all messages recorded."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._ids = itertools.count(1)
        self.pending: dict[Any, asyncio.Future[dict[str, Any]]] = {}
        self.received: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, url: str, initialize: bool = True, **kw: Any):  # type: ignore[no-untyped-def]
        async with connect(url, subprotocols=["mcp"], max_size=None, **kw) as ws:  # type: ignore[list-item]
            client = cls(ws)
            try:
                if initialize:
                    await client.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                                        "clientInfo": {"name": "tests", "version": "0"}})
                    await client.notify("notifications/initialized")
                yield client
            finally:
                client._reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await client._reader

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.ws:
                msg = json.loads(raw)
                self.received.append(msg)
                if "id" in msg and ("result" in msg or "error" in msg):
                    fut = self.pending.pop(msg["id"], None)
                    if fut is not None and not fut.done():
                        fut.set_result(msg)
                else:
                    self.notifications.append(msg)
        for fut in self.pending.values():
            if not fut.done():
                fut.set_exception(ConnectionError("connection closed"))

    async def send_raw(self, text: str) -> None:
        await self.ws.send(text)

    def start(
        self, method: str, params: dict[str, Any] | None = None, req_id: Any = None
    ) -> tuple[Any, asyncio.Future]:
        req_id = next(self._ids) if req_id is None else req_id
        fut = asyncio.get_running_loop().create_future()
        self.pending[req_id] = fut
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": req_id, "method": method}
        if params is not None:
            msg["params"] = params
        asyncio.get_running_loop().create_task(self.ws.send(json.dumps(msg)))
        return req_id, fut

    async def request(self, method: str, params: dict[str, Any] | None = None, wait: float = 60) -> dict[str, Any]:
        _, fut = self.start(method, params)
        async with asyncio.timeout(wait * SCALE):
            return await fut

    async def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        await self.ws.send(json.dumps(msg))

    async def bash(
        self, command: str, timeout: float | None = None, wait: float = 60, **extra: Any  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """Call the bash tool; ``timeout`` is the tool's own argument, ``wait`` bounds the client."""
        args: dict[str, Any] = {"command": command, **extra}
        if timeout is not None:
            args["timeout"] = timeout
        msg = await self.request("tools/call", {"name": "bash", "arguments": args}, wait=wait)
        assert "result" in msg, msg
        return msg["result"]

    def answers_for(self, req_id: Any) -> list[dict[str, Any]]:
        return [m for m in self.received if m.get("id") == req_id and ("result" in m or "error" in m)]


def text_of(result: dict[str, Any]) -> str:
    return "".join(c.get("text", "") for c in result["content"])


def proc_status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def pids_with_env(key: str, value: str) -> list[int]:
    """Processes whose initial environment holds ``key=value`` (a marker a test gave them)."""
    needle = f"{key}={value}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    found.append(int(entry))
        except OSError:
            continue
    return found


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a test's async body on a fresh event loop."""
    return asyncio.run(coro)


async def call_tool(c: McpClient, tool: str, /, **arguments: Any) -> dict[str, Any]:
    """``tools/call``; the result (a JSON-RPC error fails the test)."""
    msg = await c.request("tools/call", {"name": tool, "arguments": arguments}, wait=90)
    assert "result" in msg, msg
    return msg["result"]


async def async_until(check: Callable[[], Awaitable[Any]], limit: float = 30.0, what: str = "condition") -> Any:
    """Await ``check()`` until it returns something true; fail after ``limit`` (scaled) seconds."""
    deadline = time.monotonic() + limit * SCALE
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit * SCALE:g} s waiting for {what}; last: {value!r}")
        await asyncio.sleep(0.1)


def worker_shells(worker_pid: int, *, zygote: bool = False) -> list[int]:
    """A worker's shells still waiting for their script (or, with ``zygote``, its shell zygotes,
    which alone keep the placeholder marker), as host pids."""
    from worker.procs import children_of

    found = []
    for pid in children_of(worker_pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as c, open(f"/proc/{pid}/environ", "rb") as e:
                if b"__sandbox_script <&3" in c.read() and (b".zygote_" in e.read()) == zygote:
                    found.append(pid)
        except OSError:
            pass
    return found

