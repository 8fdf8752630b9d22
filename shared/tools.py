"""Tool schemas: the argument types the worker accepts and the JSON Schemas ``tools/list`` shows.

Arguments are validated twice: by the gateway (so a malformed call is answered
at once with the JSON path of the bad field) and again by the worker, which
never trusts its input blindly.  Tool modules register their specs in
``TOOLS`` at import time through ``register``.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = [
    "TOOLS",
    "BashArgs",
    "ToolArgsError",
    "ToolSpec",
    "register",
    "validate_args",
]


class ToolArgsError(ValueError):
    """Arguments that do not fit a tool's schema; the message names the field (JSON path)."""


class ToolSpec(msgspec.Struct, frozen=True):
    name: str
    description: str
    input_schema: dict[str, Any]
    args_type: type
    output_schema: dict[str, Any] | None = None

    def listing(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "inputSchema": self.input_schema,
        }
        if self.output_schema is not None:
            entry["outputSchema"] = self.output_schema
        return entry


TOOLS: dict[str, ToolSpec] = {}


def register(spec: ToolSpec) -> ToolSpec:
    TOOLS[spec.name] = spec
    return spec


def validate_args(tool: str, arguments: Any) -> Any:
    """Convert raw JSON arguments into the tool's args Struct or raise ToolArgsError."""
    spec = TOOLS.get(tool)
    if spec is None:
        raise KeyError(tool)
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise ToolArgsError(f"arguments of tool {tool!r} must be an object, got {type(arguments).__name__}")
    try:
        return msgspec.convert(arguments, spec.args_type, strict=True)
    except msgspec.ValidationError as exc:
        raise ToolArgsError(f"invalid arguments for tool {tool!r}: {exc}") from None


class BashArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    command: str
    timeout: float | None = None
    working_dir: str | None = None
    run_in_background: bool = False

    def __post_init__(self) -> None:
        if "\0" in self.command:
            raise ValueError("command must not contain NUL bytes")
        if self.timeout is not None and not self.timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")


BASH = register(
    ToolSpec(
        name="bash",
        description=(
            "Run a command with /bin/bash -c in the sandbox workspace, in a fresh process session "
            "(stdin is /dev/null). Returns stdout and stderr interleaved. Every process the command "
            "starts is killed when it returns or times out."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "command": {"type": "string", "description": "The shell command to run."},
                "timeout": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "description": "Seconds before the command and everything it started are killed "
                    "(default and maximum are set by the server).",
                },
                "working_dir": {
                    "type": "string",
                    "description": "Directory to run in, relative to the workspace (or absolute inside it).",
                },
                "run_in_background": {
                    "type": "boolean",
                    "description": "Start as a background job and return its job_id at once.",
                },
            },
            "required": ["command"],
            "additionalProperties": False,
        },
        args_type=BashArgs,
        output_schema={
            "type": "object",
            "properties": {
                "exit_code": {"type": ["integer", "null"]},
                "timed_out": {"type": "boolean"},
                "truncated": {"type": "boolean"},
                "duration_ms": {"type": "number"},
                "outcome": {"type": "string"},
                "job_id": {"type": "string"},
            },
            "additionalProperties": True,
        },
    )
)
