"""Argument types and JSON Schemas of the code intelligence tools: symbols, definition, references,
imports, outline.

They read the workspace only (all four hints say so) and run in each worker's file helper, as the
tool user, like the file tools (``runs_in="helper"``); the implementation is ``worker.tools.code``.
Positions are 1-based lines and 1-based columns counted in characters, as ``read`` and ``grep -n``
show lines.  ``definition`` and ``references`` take a position (``path`` + ``line`` and ``column``,
or ``name`` to find on that line) or a bare ``name`` searched in the whole index.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from shared.tools import READ_ONLY, ToolSpec, output_schema, register

__all__ = [
    "CODE_TOOL_NAMES",
    "DEFAULT_OUTLINE_BYTES",
    "DEFAULT_REFERENCES",
    "DEFAULT_SYMBOLS",
    "KINDS",
    "LANGUAGES",
    "MAX_OUTLINE_BYTES",
    "MAX_REFERENCES",
    "MAX_SYMBOLS",
    "MIN_OUTLINE_BYTES",
    "DefinitionArgs",
    "DefinitionResult",
    "ImportsArgs",
    "ImportsResult",
    "Location",
    "OutlineArgs",
    "OutlineResult",
    "PositionArgs",
    "ReferencesArgs",
    "ReferencesResult",
    "Symbol",
    "SymbolsArgs",
    "SymbolsResult",
]

CODE_TOOL_NAMES = frozenset({"symbols", "definition", "references", "imports", "outline"})

DEFAULT_SYMBOLS = 500
MAX_SYMBOLS = 5000
DEFAULT_REFERENCES = 200
MAX_REFERENCES = 2000
DEFAULT_OUTLINE_BYTES = 16 * 1024
MIN_OUTLINE_BYTES = 1024
MAX_OUTLINE_BYTES = 256 * 1024

Language = Literal["python", "javascript", "typescript", "tsx", "go", "rust", "java", "c", "cpp"]
LANGUAGES: tuple[str, ...] = Language.__args__  # type: ignore[attr-defined]
Kind = Literal["class", "struct", "interface", "trait", "enum", "type", "module", "impl", "function", "method",
               "constructor", "macro", "declaration"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
Precision = Literal["semantic", "syntactic"]

_PATH_HINT = "relative to the workspace, or absolute inside it"
_SHOWN = Meta(description="The path relative to the workspace.")
_LINE = Meta(ge=1, description="1-based line.")
_COLUMN = Meta(ge=1, description="1-based column, in characters.")
_PRECISION = Meta(description=(
    "semantic: resolved by jedi (Python: scopes, imports, attributes); syntactic: by name in the tree-sitter "
    "index (other languages, or Python code jedi could not resolve), so same-named unrelated symbols appear too."))


def _check_path(field: str, value: str | None) -> None:
    if value is not None and "\0" in value:
        raise ValueError(f"{field} must not contain NUL bytes")


def _check_name(value: str | None) -> None:
    if value is None:
        return
    if not value or len(value) > 256 or not all(c.isalnum() or c in "_$" for c in value):
        raise ValueError(f"name must be an identifier (letters, digits, _ or $, at most 256), got {value[:300]!r}")


# ---- symbols ----------------------------------------------------------------------------------


class SymbolsArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    path: str | None = None
    name: str | None = None
    kinds: list[Kind] | None = None
    max_results: int = DEFAULT_SYMBOLS

    def __post_init__(self) -> None:
        _check_path("path", self.path)
        _check_path("name", self.name)
        if self.name is not None and not self.name:
            raise ValueError("name must not be empty")
        if not 1 <= self.max_results <= MAX_SYMBOLS:
            raise ValueError(f"max_results must be between 1 and {MAX_SYMBOLS}, got {self.max_results}")


class Symbol(msgspec.Struct, kw_only=True):
    name: str
    kind: Kind
    path: Annotated[str, _SHOWN]
    line: Annotated[int, _LINE]
    end_line: Annotated[int, Meta(ge=1, description="Last line of the definition (its body included).")]
    column: Annotated[int, _COLUMN]
    container: Annotated[str | None, Meta(
        description="The enclosing definitions, outermost first, joined by `.` (e.g. the class of a method).")]
    language: Language


class SymbolsResult(msgspec.Struct, kw_only=True):
    path: Annotated[str, _SHOWN]
    symbols: Annotated[list[Symbol], Meta(description="The symbols shown, by path then line.")]
    total: Annotated[int, Meta(description="Symbols that match (more than shown when truncated).")]
    files: Annotated[int, Meta(description="Source files read (or taken from the index) for this answer.")]
    skipped: Annotated[int, Meta(
        description="Source files left out: too large, binary, unreadable or unparsable (the text names some).")]
    truncated: Annotated[bool, Meta(description="More symbols matched than max_results or the output limit.")]
    timed_out: Annotated[bool, Meta(description="The scan stopped at its time limit; results are partial.")]


SYMBOLS = register(
    ToolSpec(
        runs_in="helper",
        name="symbols",
        title="List code symbols",
        description=(
            "List the functions, classes, methods, structs, interfaces, traits, enums and types defined in a "
            "source file, or in every source file of a directory (default: the workspace), with their line "
            "ranges and enclosing definitions. Languages: Python, JavaScript, TypeScript/TSX, Go, Rust, Java, "
            "C, C++ (by file extension; parsed with tree-sitter). `name` keeps symbols whose name contains it "
            "(case-insensitive), `kinds` keeps those kinds. Hidden entries, symlinks, node_modules and "
            "__pycache__ are not searched. Results come from an index kept up to date with the files; "
            "long answers are cut with a note."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "path": {"type": "string",
                         "description": f"Source file or directory, {_PATH_HINT} (default: the workspace)."},
                "name": {"type": "string", "minLength": 1,
                         "description": "Only symbols whose name contains this text (case-insensitive)."},
                "kinds": {"type": "array", "items": {"type": "string", "enum": list(KINDS)},
                          "description": "Only symbols of these kinds."},
                "max_results": {"type": "integer", "minimum": 1, "maximum": MAX_SYMBOLS,
                                "description": f"Symbols to show at most (default {DEFAULT_SYMBOLS})."},
            },
            "additionalProperties": False,
        },
        args_type=SymbolsArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(SymbolsResult),
    )
)


# ---- definition and references ----------------------------------------------------------------


class PositionArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A name at a position (path, line, and column or name), or a name alone (searched in the index,
    below ``path`` when given)."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        _check_path("path", self.path)
        _check_name(self.name)
        if self.line is not None and self.line < 1:
            raise ValueError(f"line must be >= 1, got {self.line}")
        if self.column is not None and self.column < 1:
            raise ValueError(f"column must be >= 1, got {self.column}")
        if self.line is None:
            if self.column is not None:
                raise ValueError("column needs line (and path)")
            if self.name is None:
                raise ValueError("give a position (path, line, and column or name) or a name")
        elif self.path is None:
            raise ValueError("line needs path: the file the position is in")
        elif self.column is None and self.name is None:
            raise ValueError("a position needs column, or name (the first occurrence of it on that line is used)")


class DefinitionArgs(PositionArgs, forbid_unknown_fields=True, frozen=True):
    pass


class ReferencesArgs(PositionArgs, forbid_unknown_fields=True, frozen=True):
    max_results: int = DEFAULT_REFERENCES

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 1 <= self.max_results <= MAX_REFERENCES:
            raise ValueError(f"max_results must be between 1 and {MAX_REFERENCES}, got {self.max_results}")


class Location(msgspec.Struct, kw_only=True):
    path: Annotated[str | None, Meta(
        description="The file, relative to the workspace; null for a definition outside it (see module).")]
    line: Annotated[int | None, Meta(description="1-based line; null when unknown (a compiled module).")]
    column: Annotated[int | None, Meta(description="1-based column, in characters.")]
    end_line: Annotated[int | None, Meta(description="Last line of the definition, when known.")] = None
    kind: Annotated[str | None, Meta(description="function, class, method, module, statement, param, ...")] = None
    name: str
    container: Annotated[str | None, Meta(description="The enclosing definitions, joined by `.`.")] = None
    module: Annotated[str | None, Meta(
        description="The dotted module, for definitions outside the workspace (standard library, builtins).")] = None
    text: Annotated[str | None, Meta(description="The source line, cut at 2000 characters.")] = None


class DefinitionResult(msgspec.Struct, kw_only=True):
    name: str
    precision: Annotated[Precision, _PRECISION]
    definitions: list[Location]
    truncated: Annotated[bool, Meta(description="More definitions exist than shown.")]
    timed_out: Annotated[bool, Meta(description="The search stopped at its time limit; results are partial.")]


class ReferencesResult(msgspec.Struct, kw_only=True):
    name: str
    precision: Annotated[Precision, _PRECISION]
    references: Annotated[list[Location], Meta(description="Uses and definitions, by path then position.")]
    total: Annotated[int, Meta(description="References found (more than shown when truncated).")]
    files: Annotated[int, Meta(description="Files with a reference shown.")]
    truncated: Annotated[bool, Meta(description="Stopped at max_results, or jedi's file limit; see the text.")]
    timed_out: Annotated[bool, Meta(description="The search stopped at its time limit; results are partial.")]


_POSITION_PROPERTIES: dict[str, Any] = {
    "path": {"type": "string", "description": (
        f"The file the position is in, {_PATH_HINT}. With `name` alone: the file or directory to search "
        "(default: the workspace).")},
    "line": {"type": "integer", "minimum": 1, "description": "1-based line of the position."},
    "column": {"type": "integer", "minimum": 1, "description": (
        "1-based column (in characters) of any character of the name. Instead of it, give `name`: its first "
        "occurrence on the line is used.")},
    "name": {"type": "string", "minLength": 1, "maxLength": 256, "description": (
        "The identifier. Alone (no line): searched by name in the index, without scopes.")},
}

DEFINITION = register(
    ToolSpec(
        runs_in="helper",
        name="definition",
        title="Go to definition",
        description=(
            "Find where the name at a position is defined: give path, line and column (or name instead of "
            "column). Python is resolved by jedi through scopes, imports and attributes (precision "
            "`semantic`), following imports into other workspace files; a definition in the standard "
            "library shows its module, not a path. Other languages (and Python jedi cannot resolve) are "
            "looked up by name in the symbol index: definitions in the same file first (precision "
            "`syntactic`). A bare `name` searches the index for definitions with that name."
        ),
        input_schema={
            "type": "object",
            "properties": _POSITION_PROPERTIES,
            "additionalProperties": False,
        },
        args_type=DefinitionArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(DefinitionResult),
    )
)

REFERENCES = register(
    ToolSpec(
        runs_in="helper",
        name="references",
        title="Find references",
        description=(
            "Find the uses of the name at a position (path, line, and column or name), its definitions "
            "included, as `path:line:column: text`. Python: jedi keeps only the uses that resolve to the same "
            "definition (precision `semantic`), across the workspace files that contain the name. Other "
            "languages, or a bare `name`: every identifier with that name in the source files, comments and "
            "strings excluded (precision `syntactic`). Stops at max_results or a time limit and says so."
        ),
        input_schema={
            "type": "object",
            "properties": {
                **_POSITION_PROPERTIES,
                "max_results": {"type": "integer", "minimum": 1, "maximum": MAX_REFERENCES,
                                "description": f"References to show at most (default {DEFAULT_REFERENCES})."},
            },
            "additionalProperties": False,
        },
        args_type=ReferencesArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(ReferencesResult),
    )
)


# ---- imports ----------------------------------------------------------------------------------


class ImportsArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    path: str

    def __post_init__(self) -> None:
        if not self.path:
            raise ValueError("path must not be empty")
        _check_path("path", self.path)


class Import(msgspec.Struct, kw_only=True):
    module: Annotated[str, Meta(description=(
        "What is imported, as written: a dotted module (`os.path`, `.sibling`), a package path (`fmt`, "
        "`./util`), a header (`<stdio.h>`, `\"x.h\"`), a Rust use path (`std::io::Read`)."))]
    line: Annotated[int, _LINE]
    names: Annotated[list[str], Meta(description="The names taken from it (`from m import a, b`), if any.")]
    alias: Annotated[str | None, Meta(description="The local name it is bound to, if renamed.")]
    resolved: Annotated[str | None, Meta(description=(
        "The workspace file or directory it refers to, when found there (relative imports, local headers, "
        "workspace packages); null for the standard library and third-party packages."))]


class ImportsResult(msgspec.Struct, kw_only=True):
    path: Annotated[str, _SHOWN]
    language: Language
    imports: list[Import]
    truncated: Annotated[bool, Meta(description="The list was cut at its limit.")]


IMPORTS = register(
    ToolSpec(
        runs_in="helper",
        name="imports",
        title="List a file's imports",
        description=(
            "List what a source file imports: Python import statements, JavaScript/TypeScript imports, "
            "re-exports and require() calls, Go imports, Rust use/mod/extern crate, Java imports, C/C++ "
            "#include. Each with its line, the names it takes, its alias, and the workspace file it "
            "resolves to when it is in the workspace."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "path": {"type": "string", "minLength": 1, "description": f"Source file, {_PATH_HINT}."},
            },
            "required": ["path"],
            "additionalProperties": False,
        },
        args_type=ImportsArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(ImportsResult),
    )
)


# ---- outline ----------------------------------------------------------------------------------


class OutlineArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    path: str | None = None
    max_bytes: int = DEFAULT_OUTLINE_BYTES

    def __post_init__(self) -> None:
        _check_path("path", self.path)
        if not MIN_OUTLINE_BYTES <= self.max_bytes <= MAX_OUTLINE_BYTES:
            raise ValueError(f"max_bytes must be between {MIN_OUTLINE_BYTES} and {MAX_OUTLINE_BYTES}, "
                             f"got {self.max_bytes}")


class OutlineResult(msgspec.Struct, kw_only=True):
    path: Annotated[str, _SHOWN]
    files: Annotated[int, Meta(description="Source files shown.")]
    files_total: Annotated[int, Meta(description="Source files found (more than shown when truncated).")]
    symbols: Annotated[int, Meta(description="Symbols named in the outline.")]
    bytes: Annotated[int, Meta(description="Size of the outline text, in bytes (at most max_bytes plus the notes).")]
    truncated: Annotated[bool, Meta(description="The outline was cut at max_bytes; the text lists what is left.")]
    timed_out: Annotated[bool, Meta(description="The scan stopped at its time limit; the outline is partial.")]


OUTLINE = register(
    ToolSpec(
        runs_in="helper",
        name="outline",
        title="Outline a repository",
        description=(
            "An overview of a directory's source code (default: the workspace) in at most max_bytes: one line "
            "per source file, by path, with its top-level definitions and the members of its classes, e.g. "
            "`src/app.py: class App(run, stop), function main`. When it does not fit, the rest is summarised by "
            "directory (outline one of them next). Same languages and skipped entries as `symbols`."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "path": {"type": "string",
                         "description": f"Directory (or file), {_PATH_HINT} (default: the workspace)."},
                "max_bytes": {"type": "integer", "minimum": MIN_OUTLINE_BYTES, "maximum": MAX_OUTLINE_BYTES,
                              "description": f"Size of the outline at most (default {DEFAULT_OUTLINE_BYTES})."},
            },
            "additionalProperties": False,
        },
        args_type=OutlineArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(OutlineResult),
    )
)
