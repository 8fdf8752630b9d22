"""Argument types and JSON Schemas of the file tools: read, write, edit, list, glob, grep.

The schemas are what ``tools/list`` shows an agent; the Structs are what both
the gateway and the worker validate against (``shared.tools.validate_args``).
Range checks that JSON Schema expresses (``minimum``, ``enum``) are repeated in
``__post_init__`` so a Struct can never hold a value the schema forbids.  The
implementation lives in ``worker.tools.files`` and runs in each worker's file
helper process (``worker.tools.helper``); ``FileToolResult`` is what comes back.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from shared.tools import READ_ONLY, ToolAnnotations, ToolSpec, output_schema, register

__all__ = [
    "DEFAULT_GREP_RESULTS",
    "DEFAULT_READ_LINES",
    "EDIT",
    "FILE_TOOL_NAMES",
    "GLOB",
    "GREP",
    "LIST",
    "MAX_GREP_CONTEXT",
    "MAX_GREP_RESULTS",
    "READ",
    "WRITE",
    "EditArgs",
    "EditResult",
    "FileToolResult",
    "GlobArgs",
    "GlobResult",
    "GrepArgs",
    "GrepResult",
    "ListArgs",
    "ListResult",
    "ReadArgs",
    "ReadResult",
    "WriteArgs",
    "WriteResult",
]

DEFAULT_READ_LINES = 2000
DEFAULT_GREP_RESULTS = 200
MAX_GREP_RESULTS = 10_000
MAX_GREP_CONTEXT = 50

_PATH_HINT = "relative to the workspace, or absolute inside it"
_SHOWN = Meta(description="The path relative to the workspace.")

# write and edit change files in the workspace only. Destructive: write overwrites, edit replaces text.
# Not idempotent: an append adds again, and an edit whose new_string holds old_string applies again.
_CHANGES_FILES = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                                 open_world_hint=False)

FILE_TOOL_NAMES = frozenset({"read", "write", "edit", "list", "glob", "grep"})  # this family's tools


class FileToolResult(msgspec.Struct):
    """What a file tool answers: the text for the agent, whether it is an error, structuredContent,
    and content items to put after the text (MCP JSON: download's embedded resource or resource_link)."""

    text: str
    is_error: bool = False
    structured: dict[str, Any] | None = None
    content: list[dict[str, Any]] | None = None


def _check_path(field: str, value: str | None) -> None:
    if value is not None and "\0" in value:
        raise ValueError(f"{field} must not contain NUL bytes")


def _check_min(field: str, value: int | None, minimum: int) -> None:
    if value is not None and value < minimum:
        raise ValueError(f"{field} must be >= {minimum}, got {value}")


# ---- read ----------------------------------------------------------------------------


class ReadArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    file_path: str
    offset: int | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        if not self.file_path:
            raise ValueError("file_path must not be empty")
        _check_path("file_path", self.file_path)
        _check_min("offset", self.offset, 1)
        _check_min("limit", self.limit, 1)


class ReadResult(msgspec.Struct, kw_only=True):
    """Which lines of the file were shown."""

    path: Annotated[str, _SHOWN]
    size: Annotated[int, Meta(description="The file's size in bytes.")]
    first_line: Annotated[int, Meta(description="First line shown (0 for an empty file).")]
    last_line: Annotated[int, Meta(description="Last line shown (0 for an empty file).")]
    truncated: Annotated[bool, Meta(description="The file goes on past last_line.")]
    next_offset: Annotated[int | None, Meta(description="The offset to continue with; null at the end.")]


READ = register(
    ToolSpec(
        runs_in="helper",
        name="read",
        title="Read a file",
        description=(
            "Read a text file from the workspace. Returns lines numbered like `cat -n` (1-based), "
            f"by default the first {DEFAULT_READ_LINES} lines; use offset and limit to page through "
            "longer files (the result says which offset to continue with). Lines longer than 2000 "
            "characters are cut with a marker. Invalid UTF-8 shows as U+FFFD. Binary files are not "
            "dumped: you get their size and a guessed type. Directories are refused (use `list`)."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "file_path": {
                    "type": "string",
                    "minLength": 1,
                    "description": f"File to read, {_PATH_HINT}.",
                },
                "offset": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "Line number of the first line to show (1-based, default 1).",
                },
                "limit": {
                    "type": "integer",
                    "minimum": 1,
                    "description": f"How many lines to show at most (default {DEFAULT_READ_LINES}).",
                },
            },
            "required": ["file_path"],
            "additionalProperties": False,
        },
        args_type=ReadArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(ReadResult),
    )
)


# ---- write ---------------------------------------------------------------------------


class WriteArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    file_path: str
    content: str
    mode: Literal["overwrite", "append"] = "overwrite"
    encoding: Literal["utf-8", "base64"] = "utf-8"

    def __post_init__(self) -> None:
        if not self.file_path:
            raise ValueError("file_path must not be empty")
        _check_path("file_path", self.file_path)


class WriteResult(msgspec.Struct, kw_only=True):
    path: Annotated[str, _SHOWN]
    bytes_written: int
    created: Annotated[bool, Meta(description="The file did not exist before.")]
    mode: Literal["overwrite", "append"]


WRITE = register(
    ToolSpec(
        runs_in="helper",
        name="write",
        title="Write a file",
        description=(
            "Write a file in the workspace, creating missing parent directories. `overwrite` (default) "
            "replaces the file atomically (readers see the old or the new content, never a mix) and keeps "
            "an existing file's permissions; `append` adds to the end. Use encoding `base64` for binary "
            "content. The size of one write is limited by the server; the error states the limit."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "file_path": {
                    "type": "string",
                    "minLength": 1,
                    "description": f"File to write, {_PATH_HINT}.",
                },
                "content": {"type": "string", "description": "The content to write."},
                "mode": {
                    "type": "string",
                    "enum": ["overwrite", "append"],
                    "description": "overwrite (default) or append.",
                },
                "encoding": {
                    "type": "string",
                    "enum": ["utf-8", "base64"],
                    "description": "How `content` is encoded: utf-8 text (default) or base64 bytes.",
                },
            },
            "required": ["file_path", "content"],
            "additionalProperties": False,
        },
        args_type=WriteArgs,
        annotations=_CHANGES_FILES,
        output_schema=output_schema(WriteResult),
    )
)


# ---- edit ----------------------------------------------------------------------------


class EditArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    file_path: str
    old_string: str
    new_string: str
    replace_all: bool = False

    def __post_init__(self) -> None:
        if not self.file_path:
            raise ValueError("file_path must not be empty")
        _check_path("file_path", self.file_path)
        if not self.old_string:
            raise ValueError("old_string must not be empty (use `write` to create or fill a file)")
        if self.old_string == self.new_string:
            raise ValueError("old_string and new_string are identical; nothing would change")


class EditResult(msgspec.Struct, kw_only=True):
    path: Annotated[str, _SHOWN]
    replacements: Annotated[int, Meta(description="How many occurrences were replaced.")]


EDIT = register(
    ToolSpec(
        runs_in="helper",
        name="edit",
        title="Edit a file",
        description=(
            "Replace an exact string in a text file. old_string must occur exactly once (include enough "
            "surrounding lines to make it unique) unless replace_all is true; the error says how many "
            "times it occurs. Whitespace and indentation must match exactly. The file is rewritten "
            "atomically and keeps its permissions. The result shows the edited region with line numbers."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "file_path": {
                    "type": "string",
                    "minLength": 1,
                    "description": f"File to edit, {_PATH_HINT}.",
                },
                "old_string": {"type": "string", "minLength": 1, "description": "Exact text to replace."},
                "new_string": {
                    "type": "string",
                    "description": "Replacement text (must differ from old_string).",
                },
                "replace_all": {
                    "type": "boolean",
                    "description": "Replace every occurrence rather than exactly one (default false).",
                },
            },
            "required": ["file_path", "old_string", "new_string"],
            "additionalProperties": False,
        },
        args_type=EditArgs,
        annotations=_CHANGES_FILES,
        output_schema=output_schema(EditResult),
    )
)


# ---- list ----------------------------------------------------------------------------


class ListArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    path: str | None = None
    recursive: bool = False
    max_depth: int | None = None
    include_hidden: bool = False

    def __post_init__(self) -> None:
        _check_path("path", self.path)
        _check_min("max_depth", self.max_depth, 1)
        if self.max_depth is not None and not self.recursive:
            raise ValueError("max_depth needs recursive=true")


class ListResult(msgspec.Struct, kw_only=True):
    path: Annotated[str, _SHOWN]
    entries: Annotated[int, Meta(description="Entries shown.")]
    truncated: Annotated[bool, Meta(description="The listing was cut; more entries exist.")]
    hidden: Annotated[int, Meta(description="Entries left out because their name starts with `.`.")]


LIST = register(
    ToolSpec(
        runs_in="helper",
        name="list",
        title="List a directory",
        description=(
            "List a directory of the workspace, sorted by name. Directories end with `/`, files show their "
            "size in bytes, symlinks show `-> target` (symlinked directories are not descended into). "
            "Paths are relative to the workspace. Hidden entries (names starting with `.`) are left out "
            "unless include_hidden is true. Long listings are cut with a note."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "path": {
                    "type": "string",
                    "description": f"Directory to list, {_PATH_HINT} (default: the workspace).",
                },
                "recursive": {
                    "type": "boolean",
                    "description": "Descend into subdirectories (default false).",
                },
                "max_depth": {
                    "type": "integer",
                    "minimum": 1,
                    "description": "With recursive: how many levels to show (1 = direct children only).",
                },
                "include_hidden": {
                    "type": "boolean",
                    "description": "Also show entries whose name starts with `.` (default false).",
                },
            },
            "additionalProperties": False,
        },
        args_type=ListArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(ListResult),
    )
)


# ---- glob ----------------------------------------------------------------------------


class GlobArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pattern: str
    path: str | None = None

    def __post_init__(self) -> None:
        if not self.pattern:
            raise ValueError("pattern must not be empty")
        _check_path("pattern", self.pattern)
        _check_path("path", self.path)
        if self.pattern.startswith("/"):
            raise ValueError("pattern must be relative (use `path` to choose the directory to search)")
        if ".." in self.pattern.split("/"):
            raise ValueError("pattern must not contain `..` components")


class GlobResult(msgspec.Struct, kw_only=True):
    matches: Annotated[int, Meta(description="Paths that match (more than shown when truncated).")]
    truncated: Annotated[bool, Meta(description="Only the newest matches are shown.")]
    timed_out: Annotated[bool, Meta(description="The scan stopped at its time limit; results are partial.")]


GLOB = register(
    ToolSpec(
        runs_in="helper",
        name="glob",
        title="Find files by name",
        description=(
            "Find files by name pattern, e.g. `**/*.py` or `src/**/test_*.js`. `*` and `?` do not cross `/`, "
            "`**` matches any number of directories, `[abc]` is a character class. Results are relative to "
            "the workspace, newest first (by modification time); directories end with `/`. Hidden entries "
            "are only matched by patterns that name a component starting with `.`. Symlinked directories "
            "are not followed. Long result lists are cut with a note."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "pattern": {
                    "type": "string",
                    "minLength": 1,
                    "description": "Glob pattern, relative to `path`.",
                },
                "path": {
                    "type": "string",
                    "description": f"Directory to search in, {_PATH_HINT} (default: the workspace).",
                },
            },
            "required": ["pattern"],
            "additionalProperties": False,
        },
        args_type=GlobArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(GlobResult),
    )
)


# ---- grep ----------------------------------------------------------------------------


class GrepArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pattern: str
    path: str | None = None
    glob: str | None = None
    case_insensitive: bool = False
    context_lines: int = 0
    max_results: int = DEFAULT_GREP_RESULTS

    def __post_init__(self) -> None:
        if not self.pattern:
            raise ValueError("pattern must not be empty")
        _check_path("pattern", self.pattern)
        _check_path("path", self.path)
        _check_path("glob", self.glob)
        if self.glob is not None and not self.glob:
            raise ValueError("glob must not be empty")
        if self.glob is not None and self.glob.startswith("!"):
            raise ValueError("glob must not start with `!` (exclusion globs are not supported)")
        if not 0 <= self.context_lines <= MAX_GREP_CONTEXT:
            raise ValueError(f"context_lines must be between 0 and {MAX_GREP_CONTEXT}, got {self.context_lines}")
        if not 1 <= self.max_results <= MAX_GREP_RESULTS:
            raise ValueError(f"max_results must be between 1 and {MAX_GREP_RESULTS}, got {self.max_results}")


class GrepResult(msgspec.Struct, kw_only=True):
    engine: Annotated[Literal["rg", "python"], Meta(description="ripgrep, or the built-in Python engine.")]
    matches: Annotated[int, Meta(description="Matching lines shown.")]
    files: Annotated[int, Meta(description="Files with a matching line shown.")]
    truncated: Annotated[bool, Meta(description="Stopped at max_results or the output limit.")]
    timed_out: Annotated[bool, Meta(description="The search stopped at its time limit; results are partial.")]


GREP = register(
    ToolSpec(
        runs_in="helper",
        name="grep",
        title="Search file contents",
        description=(
            "Search file contents with a regular expression (RE2 syntax, which ripgrep shares: classes, "
            "[[:alpha:]]-style classes, groups, alternation, anchors, \\b; no look-around or backreferences). "
            "Prints `path:line:text` for matching lines (context lines as `path-line-text`), relative to the "
            "workspace, sorted by path then line. Matches never span lines. Skips binary files, hidden "
            "files and directories (like .git) and symlinks; .gitignore is not consulted. `glob` filters "
            "files: without `/` it matches the file name (`*.py`), with `/` the path below `path` "
            "(`src/**/*.ts`). Stops at max_results matching lines or a time limit and says so."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "pattern": {
                    "type": "string",
                    "minLength": 1,
                    "description": "Regular expression to search for.",
                },
                "path": {
                    "type": "string",
                    "description": f"File or directory to search, {_PATH_HINT} (default: the workspace).",
                },
                "glob": {
                    "type": "string",
                    "minLength": 1,
                    "description": "Only search files matching this glob.",
                },
                "case_insensitive": {"type": "boolean", "description": "Ignore case (default false)."},
                "context_lines": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": MAX_GREP_CONTEXT,
                    "description": "Lines of context to show before and after each match (default 0).",
                },
                "max_results": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_GREP_RESULTS,
                    "description": f"Stop after this many matching lines (default {DEFAULT_GREP_RESULTS}).",
                },
            },
            "required": ["pattern"],
            "additionalProperties": False,
        },
        args_type=GrepArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(GrepResult),
    )
)
