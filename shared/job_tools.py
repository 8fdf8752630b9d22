"""Argument types and JSON Schemas of the background-job tools: job_output, job_kill, job_list.

A job is started with ``bash {"run_in_background": true}``.  It belongs to the
MCP session that started it and runs in the worker that started it; the
gateway routes ``job_*`` calls by ``job_id`` and kills a session's jobs when the
session ends.  The implementation lives in ``worker.jobs`` (worker side) and
``gateway.pool`` / ``gateway.mcp`` (routing, the per-session limit).
"""

from __future__ import annotations

import msgspec

from shared.tools import ToolSpec, register

__all__ = ["JOB_KILL", "JOB_LIST", "JOB_OUTPUT", "JOB_STATUSES", "JobKillArgs", "JobListArgs", "JobOutputArgs"]

# running: still going; exited: ended on its own (see exit_code); killed: by job_kill or its session
# ending; timed_out: past the timeout given to bash; lost: its worker died (every process with it).
JOB_STATUSES = ("running", "exited", "killed", "timed_out", "lost")

_JOB_ID = {"type": "string", "description": "The job_id that bash with run_in_background returned."}

_STATUS_SCHEMA = {
    "type": "object",
    "properties": {
        "job_id": {"type": "string"},
        "status": {"type": "string", "enum": list(JOB_STATUSES)},
        "exit_code": {"type": ["integer", "null"]},
        "next_since": {"type": "integer"},
        "dropped_bytes": {"type": "integer"},
        "total_bytes": {"type": "integer"},
    },
    "required": ["job_id", "status"],
    "additionalProperties": True,
}


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


JOB_OUTPUT = register(
    ToolSpec(
        name="job_output",
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
        output_schema=_STATUS_SCHEMA,
    )
)

JOB_KILL = register(
    ToolSpec(
        name="job_kill",
        description="Kill a background job and every process it started (the whole tree). Returns its final status.",
        input_schema={
            "type": "object",
            "properties": {"job_id": _JOB_ID},
            "required": ["job_id"],
            "additionalProperties": False,
        },
        args_type=JobKillArgs,
        output_schema=_STATUS_SCHEMA,
    )
)

JOB_LIST = register(
    ToolSpec(
        name="job_list",
        description="List this session's background jobs: job_id, command, status, exit code, age.",
        input_schema={"type": "object", "properties": {}, "additionalProperties": False},
        args_type=JobListArgs,
        output_schema={
            "type": "object",
            "properties": {
                "jobs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "job_id": {"type": "string"},
                            "command": {"type": "string"},
                            "status": {"type": "string", "enum": list(JOB_STATUSES)},
                            "exit_code": {"type": ["integer", "null"]},
                            "age_s": {"type": "number"},
                        },
                        "required": ["job_id", "command", "status"],
                    },
                },
            },
            "required": ["jobs"],
        },
    )
)
