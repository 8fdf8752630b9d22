"""The owner of background tasks: none of them can fail silently.

A ``TaskOwner`` starts tasks, holds a strong reference to each until it is done (the event
loop keeps only weak ones), and checks how each one ended in its done-callback:

- an exception is logged there, once, at ERROR with its traceback and the task's name (so
  asyncio never adds a second "exception was never retrieved" line), unless it is of one of
  the ``expected`` types the owner handles itself; then ``on_error`` (the owner's, and the
  task's own, if given) is called with it, e.g. to restart the task or fail what depended on it;
- cancellation is the normal end of a background task and is neither logged nor passed on.

``close`` cancels every task still running and waits for them: the owner's tasks do not
outlive it (the caller bounds the wait, with ``asyncio.timeout``, where a task may be slow to go).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

__all__ = ["ErrorHandler", "TaskOwner"]

T = TypeVar("T")
ErrorHandler = Callable[["asyncio.Task[Any]", BaseException], None]


class TaskOwner:
    """Owns background tasks: keeps them alive, logs each failure once, cancels them on ``close``."""

    def __init__(self, logger: logging.Logger, *, on_error: ErrorHandler | None = None,
                 expected: tuple[type[BaseException], ...] = ()) -> None:
        self._logger = logger
        self._on_error = on_error
        self._expected = expected
        self._tasks: dict[asyncio.Task[Any], ErrorHandler | None] = {}

    def spawn(self, coro: Coroutine[Any, Any, T], name: str, *,
              on_error: ErrorHandler | None = None) -> asyncio.Task[T]:
        """Start ``coro`` as a task named ``name``, owned from now on.  ``on_error`` is told of an
        exception it ends with (after the owner's own handler); cancellation is not an error."""
        # The coroutine itself is the task (no wrapper): a task cancelled before its first step
        # then closes it, where a wrapper would leave it never awaited.
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks[task] = on_error
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        on_task_error = self._tasks.pop(task, None)
        if task.cancelled():
            return
        exc = task.exception()  # retrieved here, so asyncio does not report it again
        if exc is None:
            return
        if not isinstance(exc, self._expected):
            self._logger.error("background task %r failed: %r", task.get_name(), exc, exc_info=exc)
        if self._on_error is not None:
            self._on_error(task, exc)
        if on_task_error is not None:
            on_task_error(task, exc)

    def __len__(self) -> int:
        return len(self._tasks)

    def __iter__(self) -> Iterator[asyncio.Task[Any]]:
        return iter(list(self._tasks))

    def __contains__(self, task: object) -> bool:
        return task in self._tasks

    def cancel_all(self) -> list[asyncio.Task[Any]]:
        """Cancel every task still running; the tasks, to wait for if the caller wants."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        return tasks

    async def close(self) -> None:
        """Cancel every task and wait until they have all finished.

        A task still running when the caller stops waiting stays owned (and so is still logged
        if it fails)."""
        tasks = self.cancel_all()
        if tasks:
            await asyncio.wait(tasks)
