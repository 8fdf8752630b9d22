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
