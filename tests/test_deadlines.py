"""One deadline per call, fixed when it arrives: queueing for a worker spends the call's own time.

Real gateway, one worker that takes one call at a time, so the second call queues behind the first.
"""

from __future__ import annotations

import asyncio
import time

from tests.helpers import SCALE, McpClient, run, text_of


def test_a_queued_call_gets_what_remains_of_its_timeout(start_gateway) -> None:
    gw = start_gateway("--max-calls-per-worker", "1", "--deadline-grace", "2", "--spare-workers", "0", workers=1)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            blocker = asyncio.ensure_future(c.bash("sleep 3; echo done", timeout=20))
            await asyncio.sleep(0.5)  # the worker is busy from here on
            t0 = time.monotonic()
            queued = await c.bash("sleep 30", timeout=5, wait=60)
            elapsed = time.monotonic() - t0
            sc = queued["structuredContent"]
            # ~2.5 s in the queue, then the worker was sent the ~2.5 s left, not 5 s again
            assert sc["timed_out"] is True and queued["isError"] is True, queued
            assert 4.5 <= elapsed < 5 + 1.5 * SCALE, elapsed
            assert sc["queued_ms"] >= 2000, sc
            assert text_of(await blocker) == "done\n"

            # queued past its whole timeout: answered at the timeout, never ran
            blocker = asyncio.ensure_future(c.bash("sleep 3", timeout=20))
            await asyncio.sleep(0.5)
            t0 = time.monotonic()
            late = await c.bash("echo never", timeout=1, wait=60)
            elapsed = time.monotonic() - t0
            assert late["structuredContent"]["timed_out"] is True and "no worker became free" in text_of(late)
            assert 0.9 <= elapsed < 1 + 1.5 * SCALE, elapsed
            await blocker

    run(main())
