"""Background tasks never die silently: shared/tasks.py's TaskOwner, and the pool's supervisor loop that
restarts after a failure.  In-process, no worker processes."""

from __future__ import annotations

import asyncio
import gc
import logging
from pathlib import Path
from typing import Any

import pytest

from gateway.config import GatewayConfig
from gateway.metrics import Metrics
from gateway.pool import WorkerPool
from shared.tasks import TaskOwner
from tests.helpers import async_wait_for, run

LOG = "tests.tasks"


async def _fail(exc: BaseException) -> None:
    await asyncio.sleep(0)
    raise exc


def _records(caplog: pytest.LogCaptureFixture, name: str = LOG) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


def test_an_owned_tasks_exception_is_logged_once_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    told: list[tuple[str, BaseException]] = []
    loop_reports: list[dict[str, Any]] = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, context: loop_reports.append(context))
        owner = TaskOwner(logging.getLogger(LOG), on_error=lambda t, e: told.append((t.get_name(), e)))
        task = owner.spawn(_fail(ValueError("boom")), "boom-task")
        await asyncio.wait([task])
        assert len(owner) == 0  # done tasks are let go
        del task
        gc.collect()  # an unretrieved exception would be reported now
        await asyncio.sleep(0)

    with caplog.at_level(logging.DEBUG, logger=LOG):
        run(main())
    [record] = _records(caplog)
    assert record.levelno == logging.ERROR and "'boom-task'" in record.getMessage()
    assert record.exc_info is not None and isinstance(record.exc_info[1], ValueError)
    assert [(name, str(exc)) for name, exc in told] == [("boom-task", "boom")]
    assert loop_reports == []  # asyncio says nothing more about it


def test_cancellation_is_no_error_and_close_cancels_what_is_left(caplog: pytest.LogCaptureFixture) -> None:
    told: list[BaseException] = []

    async def main() -> None:
        owner = TaskOwner(logging.getLogger(LOG), on_error=lambda _t, e: told.append(e))
        gate = asyncio.Event()
        waiting = [owner.spawn(gate.wait(), f"waiter-{i}") for i in range(3)]
        waiting[0].cancel()
        await asyncio.wait([waiting[0]])  # the owner's callback runs first: it was added first
        assert len(owner) == 2
        await owner.close()
        assert all(t.cancelled() for t in waiting) and len(owner) == 0

    with caplog.at_level(logging.DEBUG, logger=LOG):
        run(main())
    assert _records(caplog) == [] and told == []


def test_expected_errors_go_to_the_handler_without_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    told: list[tuple[str, BaseException]] = []

    async def main() -> None:
        owner = TaskOwner(logging.getLogger(LOG), expected=(ConnectionError,))
        first = owner.spawn(_fail(ConnectionResetError("gone")), "expected",
                            on_error=lambda t, e: told.append((t.get_name(), e)))
        second = owner.spawn(_fail(KeyError("bug")), "unexpected",
                             on_error=lambda t, e: told.append((t.get_name(), e)))
        await asyncio.wait([first, second])

    with caplog.at_level(logging.DEBUG, logger=LOG):
        run(main())
    assert [name for name, _exc in told] == ["expected", "unexpected"]
    assert [r.getMessage().split(" failed")[0] for r in _records(caplog)] == ["background task 'unexpected'"]


def test_the_supervisor_loop_is_logged_and_restarted_when_it_fails(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    ticks: list[float] = []

    async def main() -> None:
        pool = WorkerPool(GatewayConfig(workspace=str(tmp_path), heartbeat_interval=0.02), Metrics(), "subreaper")
        tick = pool.core.tick

        def failing_once(now: float) -> Any:
            ticks.append(now)
            if len(ticks) == 2:
                raise RuntimeError("a bug in a decision")
            return tick(now)

        pool.core.tick = failing_once  # type: ignore[method-assign]
        pool._start_supervisor(0.0)
        await async_wait_for(lambda: len(ticks) >= 6, 10, what="ticks after the failure")
        await pool.close()

    with caplog.at_level(logging.INFO, logger="gateway.pool"):
        run(main())
    [failure] = [r for r in _records(caplog, "gateway.pool") if r.exc_info]
    assert "background task 'supervisor' failed" in failure.getMessage() and failure.levelno == logging.ERROR
    assert failure.exc_info is not None and isinstance(failure.exc_info[1], RuntimeError)
    assert "supervisor loop failed; restarting it" in caplog.text
    assert len(ticks) >= 6  # supervision went on


# ---- the gateway's own tasks -----------------------------------------------------------------------------

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}


def _gateway(tmp_path: Path, **cfg: Any) -> Any:
    from gateway.server import Gateway

    return Gateway(GatewayConfig(workspace=str(tmp_path), **cfg), "subreaper", None)


def test_the_session_sweeper_is_logged_and_restarted_when_it_fails(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    from gateway.mcp import McpSession

    ended: list[str] = []

    async def main() -> None:
        gw = _gateway(tmp_path, session_idle_timeout=0.2)  # the sweeper wakes every 50 ms
        expired = gw.sessions.expired
        passes: list[float] = []

        def failing_once(now: float) -> Any:
            passes.append(now)
            if len(passes) == 1:
                raise RuntimeError("a bug in the sweep")
            return expired(now)

        gw.sessions.expired = failing_once
        gw._start_sweeper()
        await async_wait_for(lambda: len(passes) >= 2, 10, what="a pass after the failure")
        # ... and it still expires sessions: one idle past the timeout is ended
        session = McpSession(gw.services, gw.mcp_servers, _no_sink, "s-idle")
        gw.sessions.add(session, lambda reason: (ended.append(reason), gw.sessions.remove(session)))
        await async_wait_for(lambda: ended, 10, what="the idle session expired")
        gw.tasks.cancel_all()

    with caplog.at_level(logging.INFO, logger="gateway.server"):
        run(main())
    [failure] = [r for r in _records(caplog, "gateway.server") if r.exc_info]
    assert "background task 'session-sweeper' failed" in failure.getMessage() and failure.levelno == logging.ERROR
    assert failure.exc_info is not None and isinstance(failure.exc_info[1], RuntimeError)
    assert "the session sweeper failed; restarting it" in caplog.text
    assert ended and "--session-idle-timeout" in ended[0]


async def _no_sink(data: bytes, origin: Any, final: bool) -> None:
    pass


def test_tasks_of_the_gateway_and_of_managed_servers_are_logged_when_they_fail(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    loop_reports: list[dict[str, Any]] = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, context: loop_reports.append(context))
        gw = _gateway(tmp_path)
        gw.own(_fail(ValueError("closing failed")), "close-s1")
        gw.mcp_servers._own(_fail(ValueError("restore failed")), "restore-mcp-x")
        await async_wait_for(lambda: not len(gw.tasks) and not len(gw.mcp_servers.tasks), 10, what="tasks done")
        gc.collect()
        await asyncio.sleep(0)

    with caplog.at_level(logging.INFO):
        run(main())
    failed = sorted(r.getMessage().split(":")[0] for r in caplog.records if r.exc_info)
    assert failed == ["background task 'close-s1' failed", "background task 'restore-mcp-x' failed"]
    assert loop_reports == []


def test_a_sessions_call_and_send_tasks_are_owned(caplog: pytest.LogCaptureFixture) -> None:
    """A tools/call whose answer cannot be sent, and a notification whose send fails: each logged once, by
    name, and the loop reports nothing more."""
    from gateway.mcp import McpSession
    from gateway.services import Services

    loop_reports: list[dict[str, Any]] = []

    class Pool:
        async def call(self, call: Any) -> Any:
            from shared import protocol as p

            return p.Result(id=call.id, text="ok\n")

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, context: loop_reports.append(context))
        sent: list[bytes] = []

        async def sink(data: bytes, origin: Any, final: bool) -> None:
            if sent:
                raise ConnectionError("the transport broke")
            sent.append(data)

        services = Services(GatewayConfig(), Metrics(), pool=Pool())  # type: ignore[arg-type]
        session = McpSession(services, _Servers(), sink, "s7")  # type: ignore[arg-type]
        await session.feed_message(INIT)
        await session.feed_message({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                                    "params": {"name": "bash", "arguments": {"command": "true"}}})
        await asyncio.gather(*(t for t in session.inflight.values() if t is not None), return_exceptions=True)
        session.notify(b'{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}')
        await async_wait_for(lambda: len([r for r in caplog.records if r.exc_info]) >= 2, 10, what="both logged")
        gc.collect()
        await asyncio.sleep(0)

    with caplog.at_level(logging.INFO, logger="gateway.mcp"):
        run(main())
    failed = sorted(r.getMessage().split(":")[0] for r in caplog.records if r.exc_info)
    assert failed == ["background task 'send s7' failed", "background task 'tools/call s7#9' failed"]
    assert loop_reports == []


class _Servers:
    def listings(self, protocol_version: str | None = None) -> list[dict[str, Any]]:
        return []

    def serves(self, name: str) -> bool:
        return False
