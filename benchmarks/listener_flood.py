"""``python -m benchmarks.listener_flood``: how authenticated clients fare while thousands of
connections that never finish their handshake flood the gateway.

Starts ``python -m gateway`` in ``--gateway-dir`` (default: the working directory; a checkout of
another commit measures that commit) under ``--nofile`` descriptors, and a flooder process that opens ``--flood``
connections (half send nothing, half stop in the middle of the request line).  With ``--sustain``
the flooder opens a new one for every one the gateway closes, so the flood never lets up.  Meanwhile
a client in this process connects ``--attempts`` times, one after another, each time a fresh MCP
session that calls ``echo``, and the report gives those times, the failures, and the gateway's
refusal counters.  The flood and the measured client run in separate processes so that neither
slows the other's event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

from benchmarks.client import McpSession
from benchmarks.procs import raise_fd_limit
from benchmarks.stats import summarize

__all__ = ["main"]

_LISTENING = re.compile(r"listening on (ws://\S+/mcp)")
_REFUSED = re.compile(r'^sandbox_connections_refused_total\{reason="(\w+)"\} (\S+)$', re.M)

_FLOODER = r"""
import asyncio, sys, time
host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sustain, seconds = sys.argv[4] == "1", float(sys.argv[5])

class HalfOpen(asyncio.Protocol):
    def __init__(self, payload):
        self.payload = payload
        self.closed = asyncio.get_running_loop().create_future()
    def connection_made(self, transport):
        self.transport = transport
        if self.payload:
            transport.write(self.payload)
    def data_received(self, data):
        pass
    def connection_lost(self, exc):
        if not self.closed.done():
            self.closed.set_result(None)

async def keep(i, end, opened):
    loop = asyncio.get_running_loop()
    while time.monotonic() < end:
        proto = HalfOpen(b"GET /mcp?tok" if i % 2 else b"")
        try:
            await loop.create_connection(lambda: proto, host, port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        opened[0] += 1
        if not sustain:
            await asyncio.sleep(max(0.0, end - time.monotonic()))
        else:
            try:
                await asyncio.wait_for(asyncio.shield(proto.closed), max(0.001, end - time.monotonic()))
            except TimeoutError:
                pass
        proto.transport.abort()
        if not sustain:
            return

async def main():
    opened = [0]
    end = time.monotonic() + seconds
    tasks = [asyncio.create_task(keep(i, end, opened)) for i in range(count)]
    while opened[0] < count and time.monotonic() < end:
        await asyncio.sleep(0.05)
    print("flooding", opened[0], flush=True)
    await asyncio.gather(*tasks)
    print("opened", opened[0], flush=True)

asyncio.run(main())
"""


def _metrics(url: str) -> dict[str, float] | str:
    """The refusal counters, or why they could not be read (a gateway out of descriptors sheds the
    scrape too)."""
    base = url.replace("ws://", "http://").rsplit("/", 1)[0]
    try:
        with urllib.request.urlopen(base + "/metrics", timeout=10) as resp:
            text = resp.read().decode()
    except OSError as exc:
        return f"/metrics failed: {exc!r}"
    return {reason: float(value) for reason, value in _REFUSED.findall(text)}


async def _attempts(url: str, token: str, count: int, pause: float) -> tuple[list[float], list[str]]:
    times: list[float] = []
    failures: list[str] = []
    for _ in range(count):
        started = time.perf_counter()
        try:
            async with asyncio.timeout(30):
                session = await McpSession.open(url, token)
                try:
                    outcome = await session.bash("echo through", 10, answer_timeout=20)
                finally:
                    await session.close()
            if not outcome.ok:
                failures.append(f"call: {outcome.error_text}")
            else:
                times.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # a refused or dropped connection is a result here
            failures.append(f"{type(exc).__name__}: {exc}")
        await asyncio.sleep(pause)
    return times, failures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.listener_flood", description=__doc__.split("\n\n")[0])
    parser.add_argument("--flood", type=int, default=2000, help="connections the flooder holds (default 2000)")
    parser.add_argument("--nofile", type=int, default=1024, help="the gateway's RLIMIT_NOFILE, soft and hard (1024)")
    parser.add_argument("--attempts", type=int, default=20, help="authenticated sessions, one after another (20)")
    parser.add_argument("--sustain", action="store_true", help="re-open every connection the gateway closes")
    parser.add_argument("--gateway-arg", action="append", default=[], metavar="ARG", help="extra gateway argument")
    parser.add_argument("--gateway-dir", default=None, metavar="DIR",
                        help="run python -m gateway there (a checkout of another commit)")
    args = parser.parse_args(argv)
    raise_fd_limit()
    token = "bench-listener-flood"
    with tempfile.TemporaryDirectory() as workspace, tempfile.TemporaryFile() as log:
        gateway = subprocess.Popen(
            [sys.executable, "-m", "gateway", "--port", "0", "--workers", "1", "--workspace", workspace,
             "--token", token, *args.gateway_arg],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True, cwd=args.gateway_dir,
            preexec_fn=functools.partial(resource.setrlimit, resource.RLIMIT_NOFILE, (args.nofile, args.nofile)))
        flooder: subprocess.Popen[str] | None = None
        try:
            assert gateway.stdout is not None
            match = _LISTENING.search(gateway.stdout.readline().decode())
            if match is None:
                log.seek(0)
                raise SystemExit(f"the gateway did not start: {log.read().decode(errors='replace')[-2000:]}")
            url = match.group(1)
            host, port = url[len("ws://"):].split("/", 1)[0].rsplit(":", 1)
            time.sleep(2)  # the worker boots
            seconds = 15 + 3 * args.attempts
            flooder = subprocess.Popen(
                [sys.executable, "-c", _FLOODER, host, port, str(args.flood), "1" if args.sustain else "0",
                 str(seconds)], stdout=subprocess.PIPE, text=True)
            assert flooder.stdout is not None
            started = time.perf_counter()
            print(flooder.stdout.readline().strip(), f"connections after {time.perf_counter() - started:.1f} s")
            times, failures = asyncio.run(_attempts(url, token, args.attempts, 0.5))
            refused = _metrics(url)
            flooder.kill()
            flooder.wait()
            flooder.stdout.close()
        finally:
            if flooder is not None and flooder.poll() is None:
                flooder.kill()
            gateway.terminate()
            gateway.wait(60)
            if gateway.stdout is not None:
                gateway.stdout.close()
    summary = summarize(times) if times else {}
    print(f"sessions: {len(times)} of {args.attempts} connected and answered `echo`; failures: {failures[:3]}")
    if summary:
        print("connect + initialize + echo, ms: " + ", ".join(f"{k} {v:.1f}" for k, v in summary.items()
                                                                if isinstance(v, float)))
    if isinstance(refused, str):
        print("refused by the gateway:", refused)
    else:
        print("refused by the gateway:", {k: int(v) for k, v in refused.items()} or "(no such metric)")


if __name__ == "__main__":
    main()
