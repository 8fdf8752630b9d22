"""Tool schemas: the argument types the worker accepts and the JSON Schemas ``tools/list`` shows.

Arguments are validated twice: by the gateway (so a malformed call is answered
at once with the JSON path of the bad field) and again by the worker, which
never trusts its input blindly.  Tool modules register their specs in
``TOOLS`` at import time through ``register``.

A tool's ``structuredContent`` has a msgspec Struct too (``BashResult``,
``ReadResult``, ...), next to its argument Struct; ``output_schema`` derives the
``outputSchema`` from it, so the shape is written once.

What a session is sent depends on the MCP revision it negotiated: ``listing``
and ``call_result_for`` leave out the fields its revision does not define
(``FIELDS_SINCE``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from shared.protocol import Outcome

__all__ = [
    "FIELDS_SINCE",
    "MCP_DEFAULT_ANNOTATIONS",
    "READ_ONLY",
    "TOOLS",
    "BashArgs",
    "BashResult",
    "ToolAnnotations",
    "ToolArgsError",
    "ToolSpec",
    "call_result_for",
    "output_schema",
    "register",
    "tool_listing_for",
    "validate_args",
]


class ToolArgsError(ValueError):
    """Arguments that do not fit a tool's schema; the message names the field (JSON path)."""


class ToolAnnotations(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """MCP's behaviour hints of a tool (``annotations`` in ``tools/list``).

    Every hint is required: where a hint is absent MCP lets a client assume the
    worst (destructive, open world), so each tool says what it does.
    ``destructive_hint`` and ``idempotent_hint`` matter only when the tool is
    not read-only; a read-only tool has no effect to repeat and sets them
    False and True.
    """

    read_only_hint: bool  # does not modify its environment
    destructive_hint: bool  # may delete or overwrite, rather than only add
    idempotent_hint: bool  # a second call with the same arguments has no further effect
    open_world_hint: bool  # may reach entities outside the sandbox (the network, package indexes)


READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
"""A tool that only looks at the workspace or at state the gateway keeps."""

MCP_DEFAULT_ANNOTATIONS = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=True)
"""What MCP tells clients to assume for a hint that is absent (a proxied server's tool may leave some out)."""

# The MCP revision that introduced each field of a Tool (tools/list) and of a CallToolResult.  A
# session that negotiated an older revision is not sent the field; a Tool field missing here (a
# proxied server's, from a later revision) is newer than every revision the gateway speaks.
# Revisions are dates, so they compare as strings.
FIELDS_SINCE: dict[str, dict[str, str]] = {
    "tool": {
        "name": "2024-11-05",
        "description": "2024-11-05",
        "inputSchema": "2024-11-05",
        "annotations": "2025-03-26",
        "title": "2025-06-18",
        "outputSchema": "2025-06-18",
        "_meta": "2025-06-18",
        "icons": "2025-11-25",
        "execution": "2025-11-25",
    },
    "result": {"structuredContent": "2025-06-18"},
    # content item types of a CallToolResult ("text", "image" and "resource" are in every revision)
    "content": {"audio": "2025-03-26", "resource_link": "2025-06-18"},
}


def tool_listing_for(entry: dict[str, Any], protocol_version: str | None) -> dict[str, Any]:
    """``entry`` (a tools/list item) with only the fields ``protocol_version`` defines (None: the latest)."""
    since = FIELDS_SINCE["tool"]
    return {k: v for k, v in entry.items()
            if k in since and (protocol_version is None or since[k] <= protocol_version)}


def call_result_for(result: dict[str, Any], protocol_version: str | None) -> dict[str, Any]:
    """A tools/call result without the fields newer than ``protocol_version`` (None: the latest).

    Unknown fields stay: a result may carry extra fields in every revision.
    """
    if protocol_version is None:
        return result
    since = FIELDS_SINCE["result"]
    if any(k in since and since[k] > protocol_version for k in result):
        result = {k: v for k, v in result.items() if not (k in since and since[k] > protocol_version)}
    content = result.get("content")
    kinds = FIELDS_SINCE["content"]
    if isinstance(content, list) and any(
            isinstance(item, dict) and kinds.get(str(item.get("type")), "") > protocol_version for item in content):
        result = {**result, "content": [
            _as_text(item) if isinstance(item, dict) and kinds.get(str(item.get("type")), "") > protocol_version
            else item for item in content]}
    return result


def _as_text(item: dict[str, Any]) -> dict[str, Any]:
    """A content item of a type the session's revision lacks, told as text (a resource_link's URI, size
    and description survive; audio is only named)."""
    if item.get("type") == "resource_link":
        details = ", ".join(str(x) for x in (item.get("mimeType"), f"{item['size']} bytes" if "size" in item else None,
                                             item.get("description")) if x)
        return {"type": "text", "text": f"[resource {item.get('uri')}{f': {details}' if details else ''}]"}
    return {"type": "text", "text": f"[{item.get('type')} content, which this MCP revision cannot carry]"}


def output_schema(result_type: type) -> dict[str, Any]:
    """The ``outputSchema`` of a tool whose ``structuredContent`` is ``result_type`` (a Struct).

    Self-contained like ``inputSchema``: every ``$ref`` is replaced by its
    definition, so a client needs no resolver.
    """
    (schema,), components = msgspec.json.schema_components([result_type])

    def inline(node: Any, inside: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [inline(item, inside) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in inside:
                raise TypeError(f"{result_type.__name__} is recursive through {name}; it cannot be inlined")
            definition = dict(components[name])
            definition.pop("title", None)  # the Struct's class name: nothing a client needs
            definition.update((k, v) for k, v in node.items() if k != "$ref")  # e.g. a Meta's extra_json_schema
            return inline(definition, (*inside, name))
        return {key: inline(value, inside) for key, value in node.items()}

    out: dict[str, Any] = inline(schema, ())
    if out.get("type") != "object":
        raise TypeError(f"an outputSchema must describe an object, {result_type.__name__} does not")
    return out


class ToolSpec(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    title: str  # for people: a client shows it instead of the name
    description: str
    input_schema: dict[str, Any]
    args_type: type
    annotations: ToolAnnotations
    output_schema: dict[str, Any] | None = None  # from ``output_schema(ResultStruct)``
    # Where a worker runs it: "worker" (its own code: bash, jobs) or "helper" (the file helper process,
    # as the tool user and off the worker's event loop: every tool that touches workspace files).
    runs_in: Literal["worker", "helper"] = "worker"

    def listing(self, protocol_version: str | None = None) -> dict[str, Any]:
        """This tool's tools/list entry as ``protocol_version`` defines it (None: the latest revision)."""
        entry: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "inputSchema": self.input_schema,
            # annotations.title is where a 2025-03-26 client looks for the title
            "annotations": {"title": self.title, **msgspec.to_builtins(self.annotations)},
        }
        if self.output_schema is not None:
            entry["outputSchema"] = self.output_schema
        return tool_listing_for(entry, protocol_version)


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


class BashResult(msgspec.Struct, kw_only=True):
    """What a bash call did: exit_code, timed_out, truncated and duration_ms for a command that ran;
    job_id, status and outcome for one started with run_in_background."""

    exit_code: Annotated[int | None, Meta(
        description="The shell's exit code; null when it was killed (timeout, lost worker).")] | UnsetType = UNSET
    timed_out: Annotated[bool, Meta(description="Killed at its timeout.")] | UnsetType = UNSET
    truncated: Annotated[bool, Meta(description="Output was cut at the server's output limit.")] | UnsetType = UNSET
    duration_ms: Annotated[float, Meta(
        description="How long the command ran in its worker, in milliseconds.")] | UnsetType = UNSET
    queued_ms: Annotated[float, Meta(
        description="How long the call waited for a free worker before it ran, in milliseconds (its timeout "
                    "counts from its arrival, so queueing spends it).")] | UnsetType = UNSET
    outcome: Annotated[Outcome, Meta(
        description="worker_lost when the worker running it died; ok when a background job started.")
    ] | UnsetType = UNSET
    job_id: Annotated[str, Meta(
        description="The background job's id, for job_output and job_kill.")] | UnsetType = UNSET
    status: Annotated[Literal["running"], Meta(description="The background job's status.")] | UnsetType = UNSET


BASH = register(
    ToolSpec(
        name="bash",
        title="Run a shell command",
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
        # it runs anything: deletes files, reaches the network (unless --no-network)
        annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                                    open_world_hint=True),
        output_schema=output_schema(BashResult),
    )
)
