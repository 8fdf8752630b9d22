"""Background jobs of a worker: ``bash`` with ``run_in_background``, then job_output / job_kill.

A job is an ordinary bash call (fresh shell, limits, marker, whole-tree kill)
whose output goes to a bounded ring instead of a result, and whose task is
owned by the ``JobTable``.  Jobs belong to an MCP session: ``kill_session``
ends them all.  Finished jobs are remembered (status and the last output) up
to ``max_jobs`` per session, the oldest forgotten first.

Promises: ``kill`` returns only after the job's shell and every process it
started are dead; a job never outlives its session or its worker.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from shared.protocol import SessionState
from shared.tasks import TaskOwner
from shared.tools import BashArgs

__all__ = ["Job", "JobLimitError", "JobRing", "JobTable", "UnknownJob"]

logger = logging.getLogger(__name__)

KILL_WAIT = 5.0


class JobLimitError(Exception):
    """The session already runs as many jobs as allowed."""


class UnknownJob(LookupError):
    """No such job in this worker (never started here, or finished and forgotten)."""


class JobRing:
    """The last ``cap`` bytes of a job's output, addressed by absolute byte offsets."""

    __slots__ = ("cap", "cursor", "data", "total")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data = bytearray()
        self.total = 0  # bytes the job has written so far
        self.cursor = 0  # where the next job_output without ``since`` starts

    def append(self, chunk: bytes) -> None:
        self.total += len(chunk)
        if len(chunk) >= self.cap:
            self.data[:] = chunk[-self.cap :] if self.cap else b""
            return
        self.data += chunk
        if len(self.data) > self.cap:
            del self.data[: len(self.data) - self.cap]

    @property
    def start(self) -> int:
        """Offset of the oldest byte still kept."""
        return self.total - len(self.data)

    def read(self, since: int | None) -> tuple[bytes, int, int]:
        """Output from ``since`` (default: the cursor) to now: (bytes, next offset, bytes dropped)."""
        offset = self.cursor if since is None else min(since, self.total)
        dropped = max(0, self.start - offset)
        offset = max(offset, self.start)
        chunk = bytes(self.data[offset - self.start :])
        self.cursor = self.total
        return chunk, self.total, dropped


@dataclass(slots=True, eq=False)
class Job:
    id: str
    session: str
    command: str
    ring: JobRing
    started: float = field(default_factory=time.monotonic)
    status: str = "running"
    exit_code: int | None = None
    task: asyncio.Task[None] | None = None

    def describe(self) -> dict[str, Any]:
        return {"job_id": self.id, "status": self.status, "exit_code": self.exit_code}


# Runs one job's shell to completion: (args, time limit, session state, output sink) -> (exit code, timed out)
RunJob = Callable[[BashArgs, float | None, SessionState | None, Callable[[bytes], None]],
                  Awaitable[tuple[int | None, bool]]]


class JobTable:
    """Every background job of one worker; owns their tasks."""

    def __init__(self, run: RunJob, *, max_jobs: int, output_bytes: int,
                 on_exit: Callable[[Job], None], others_running: Callable[[str], int] = lambda _session: 0) -> None:
        self._run = run
        self.max_jobs = max_jobs
        self._others_running = others_running  # what else counts against max_jobs (the session's terminals)
        self.output_bytes = output_bytes
        self._on_exit = on_exit
        self.jobs: dict[str, Job] = {}
        self._tasks = TaskOwner(logger)
        self._finished: dict[str, collections.deque[str]] = collections.defaultdict(collections.deque)

    def running(self, session: str) -> int:
        return sum(1 for j in self.jobs.values() if j.session == session and j.status == "running")

    def start(self, job_id: str, session: str, args: BashArgs, state: SessionState | None) -> Job:
        if job_id in self.jobs:
            raise ValueError(f"job id {job_id!r} is already in use")
        if self.running(session) + self._others_running(session) >= self.max_jobs:
            raise JobLimitError(
                f"limit hit: this session already runs {self.max_jobs} background jobs and terminals "
                f"(--max-jobs-per-session={self.max_jobs}); kill one with job_kill or terminal_close, or wait for "
                "one to end")
        job = Job(id=job_id, session=session, command=args.command, ring=JobRing(self.output_bytes))
        job.task = self._tasks.spawn(self._supervise(job, args, state), f"job-{job_id}")
        self.jobs[job_id] = job
        return job

    async def _supervise(self, job: Job, args: BashArgs, state: SessionState | None) -> None:
        try:
            exit_code, timed_out = await self._run(args, args.timeout, state, job.ring.append)
        except asyncio.CancelledError:
            # job_kill or the session ending; the runner has killed the tree on its way out.
            job.status = "killed"
            self._finish(job)
            raise
        except Exception as exc:
            logger.exception("background job %s failed inside the worker", job.id)
            job.ring.append(f"\n[internal error in the worker: {exc}]\n".encode())
            job.status = "exited"
        else:
            job.status = "timed_out" if timed_out else "exited"
            job.exit_code = exit_code
        self._finish(job)

    def _finish(self, job: Job) -> None:
        if job.task is None:
            return  # already finished
        job.task = None
        self._on_exit(job)
        if self.jobs.get(job.id) is not job:
            return  # its session ended; it is forgotten already
        done = self._finished[job.session]
        done.append(job.id)
        while len(done) > self.max_jobs:
            self.jobs.pop(done.popleft(), None)

    def get(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise UnknownJob(
                f"unknown job {job_id!r}: it was not started in this session, or it ended and was forgotten "
                f"(the last {self.max_jobs} finished jobs per session are kept)")
        return job

    async def kill(self, job_id: str) -> Job:
        job = self.get(job_id)
        task = job.task
        if task is not None:
            task.cancel()
            await asyncio.wait([task], timeout=KILL_WAIT)
        return job

    def kill_session(self, session: str) -> list[asyncio.Task[None]]:
        """Cancel every job of ``session`` (their trees die as the tasks unwind) and forget them."""
        tasks = []
        for job in [j for j in self.jobs.values() if j.session == session]:
            if job.task is not None:
                job.task.cancel()
                tasks.append(job.task)
            del self.jobs[job.id]
        self._finished.pop(session, None)
        return tasks

    def kill_all(self) -> list[asyncio.Task[None]]:
        tasks = []
        for session in {j.session for j in self.jobs.values()}:
            tasks += self.kill_session(session)
        return tasks
