"""Argument types and JSON Schemas of the background-job tools: job_output, job_kill, job_list.

A job is started with ``bash {"run_in_background": true}``.  It belongs to the
MCP session that started it and runs in the worker that started it; the
gateway routes ``job_*`` calls by ``job_id`` and kills a session's jobs when the
session ends.  The implementation lives in ``worker.jobs`` (worker side) and
``gateway.pool`` / ``gateway.mcp`` (routing, the per-session limit).
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

import msgspec
from msgspec import UNSET, Meta, UnsetType

from shared.tools import READ_ONLY, ToolAnnotations, ToolSpec, output_schema, register

__all__ = [
    "JOB_KILL",
    "JOB_LIST",
    "JOB_OUTPUT",
    "JOB_STATUSES",
    "JobEntry",
    "JobKillArgs",
    "JobListArgs",
    "JobListResult",
    "JobOutputArgs",
    "JobStatus",
    "JobStatusResult",
]

JobStatus = Literal["running", "exited", "killed", "timed_out", "lost"]
JOB_STATUSES: tuple[str, ...] = get_args(JobStatus)
_STATUS_MEANING = ("running: still going; exited: ended on its own (see exit_code); killed: by job_kill or its "
                   "session ending; timed_out: past its timeout; lost: its worker died, every process with it.")

_JOB_ID = {"type": "string", "description": "The job_id that bash with run_in_background returned."}

def _check_job_id(value: str) -> None:
    if not value or len(value) > 64 or "\0" in value:
        raise ValueError("job_id must be a non-empty string of at most 64 characters")


class JobOutputArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    job_id: str
    since: int | None = None

    def __post_init__(self) -> None:
        _check_job_id(self.job_id)
        if self.since is not None and self.since < 0:
            raise ValueError(f"since must be >= 0, got {self.since}")


class JobKillArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    job_id: str

    def __post_init__(self) -> None:
        _check_job_id(self.job_id)


class JobListArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pass


class JobStatusResult(msgspec.Struct, kw_only=True):
    """A background job's status; from job_output also where its output stands."""

    job_id: str
    status: Annotated[JobStatus, Meta(description=_STATUS_MEANING)]
    exit_code: Annotated[int | None, Meta(description="Its exit code once it exited; null otherwise.")]
    next_since: Annotated[int, Meta(description="The byte offset to read on from.")] | UnsetType = UNSET
    dropped_bytes: Annotated[int, Meta(description="Output that fell out of the job's bounded buffer.")
                             ] | UnsetType = UNSET
    total_bytes: Annotated[int, Meta(description="Every byte the job has written.")] | UnsetType = UNSET


class JobEntry(msgspec.Struct, kw_only=True):
    job_id: str
    command: str
    status: Annotated[JobStatus, Meta(description=_STATUS_MEANING)]
    exit_code: int | None
    age_s: Annotated[float, Meta(description="Seconds since it started.")]


class JobListResult(msgspec.Struct, kw_only=True):
    """This session's background jobs."""

    jobs: list[JobEntry]


JOB_OUTPUT = register(
    ToolSpec(
        name="job_output",
        title="Read a background job's output",
        description=(
            "New output of a background job and its status (running, or how it ended). Without since, "
            "returns what was written since the previous job_output call for this job; with since (a byte "
            "offset, e.g. a previous next_since), returns output from there. Output is kept in a bounded "
            "buffer per job; what fell out of it is reported as dropped_bytes."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "job_id": _JOB_ID,
                "since": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Byte offset in the job's output to read from (next_since of an earlier call).",
                },
            },
            "required": ["job_id"],
            "additionalProperties": False,
        },
        args_type=JobOutputArgs,
        # it moves the session's read position of the job, nothing the job or the workspace sees
        annotations=READ_ONLY,
        output_schema=output_schema(JobStatusResult),
    )
)

JOB_KILL = register(
    ToolSpec(
        name="job_kill",
        title="Kill a background job",
        description="Kill a background job and every process it started (the whole tree). Returns its final status.",
        input_schema={
            "type": "object",
            "properties": {"job_id": _JOB_ID},
            "required": ["job_id"],
            "additionalProperties": False,
        },
        args_type=JobKillArgs,
        # killing a job that has ended already changes nothing
        annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                                    open_world_hint=False),
        output_schema=output_schema(JobStatusResult),
    )
)

JOB_LIST = register(
    ToolSpec(
        name="job_list",
        title="List background jobs",
        description="List this session's background jobs: job_id, command, status, exit code, age.",
        input_schema={"type": "object", "properties": {}, "additionalProperties": False},
        args_type=JobListArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(JobListResult),
    )
)
