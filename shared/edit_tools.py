"""Argument and result types of the editing-at-scale tools: patch, multi_edit, batch_read.

Each argument Struct is the tool's ``inputSchema`` (derived with ``shared.tools.output_schema``,
which inlines every nested Struct), so a constraint is written once: msgspec enforces
``Meta(ge=..., max_length=...)`` when the gateway and the helper validate the arguments, and the
schema shows it.  ``__post_init__`` adds the rules a schema cannot express (NUL bytes, an edit that
changes nothing).  The implementation is ``worker.tools.edits``, run by each worker's file helper
as the tool user, on descriptors beneath the workspace, like the file tools.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from shared.tools import READ_ONLY, ToolAnnotations, ToolSpec, output_schema, register

__all__ = [
    "BATCH_READ",
    "EDIT_TOOL_NAMES",
    "MAX_BATCH_FILES",
    "MAX_MULTI_EDITS",
    "MAX_PATCH_BYTES",
    "MAX_PATCH_FILES",
    "MAX_STRIP",
    "MULTI_EDIT",
    "PATCH",
    "BatchReadArgs",
    "BatchReadFile",
    "BatchReadItem",
    "BatchReadResult",
    "EditItem",
    "MultiEditArgs",
    "MultiEditResult",
    "PatchArgs",
    "PatchFile",
    "PatchResult",
]

EDIT_TOOL_NAMES = frozenset({"patch", "multi_edit", "batch_read"})  # this family's tools

MAX_MULTI_EDITS = 100
MAX_BATCH_FILES = 200
# A diff is parsed whole (unidiff builds an object per line: ~25 bytes of memory per byte of diff, so
# 4 MiB of diff is ~100 MiB while it is parsed, and only one patch that large is parsed at a time).
# 4 MiB is ~100,000 diff lines, far beyond a patch anyone reviews.
MAX_PATCH_BYTES = 4 * 1024 * 1024
MAX_PATCH_FILES = 1000
MAX_STRIP = 32

_PATH_HINT = "relative to the workspace, or absolute inside it"
_SHOWN = Meta(description="The path relative to the workspace.")

# They change files in the workspace only. Destructive: they replace and (patch) delete files. Not
# idempotent: an edit whose new text holds the old applies again, and so can a hunk whose context recurs.
_CHANGES_FILES = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                                 open_world_hint=False)


def _no_nul(field: str, value: str | None) -> None:
    if value is not None and "\0" in value:
        raise ValueError(f"{field} must not contain NUL bytes")


# ---- patch ---------------------------------------------------------------------------


class PatchArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    patch: Annotated[str, Meta(min_length=1, description=(
        "A unified diff: `git diff` output (several files, new, deleted and renamed files, mode changes) "
        "or `diff -u` output. Line endings and encoding are the files' own, whatever the diff uses."))]
    strip: Annotated[Annotated[int, Meta(ge=0, le=MAX_STRIP)] | None, Meta(description=(
        "Leading path components to remove from the diff's file names, like `patch -pN` "
        "(default: 1 when every name starts with a/ or b/ as in git diffs, else 0)."))] = None
    directory: Annotated[str | None, Meta(description=(
        f"Directory the diff's paths are relative to, {_PATH_HINT} (default: the workspace)."))] = None
    dry_run: Annotated[bool, Meta(description=(
        "Check that every hunk applies and report what would change, without changing anything."))] = False
    expect_digest: Annotated[str | None, Meta(description=(
        "The `digest` a dry run returned: apply only if every file the patch touches is still as it was "
        "then (otherwise nothing changes and the error says which file moved on)."))] = None

    def __post_init__(self) -> None:
        _no_nul("directory", self.directory)


class PatchFile(msgspec.Struct, kw_only=True):
    path: Annotated[str, Meta(description="The file's path relative to the workspace (the new name of a rename).")]
    action: Literal["modify", "create", "delete", "rename", "copy"]
    old_path: Annotated[str | None, Meta(description="The old name of a renamed or copied file.")] = None
    hunks: int
    added: Annotated[int, Meta(description="Lines added.")]
    removed: Annotated[int, Meta(description="Lines removed.")]
    mode: Annotated[str | None, Meta(description="The git mode set by the patch (100644 or 100755), if any.")] = None


class PatchResult(msgspec.Struct, kw_only=True):
    dry_run: bool
    applied: Annotated[bool, Meta(description="The files were changed (false for a dry run).")]
    strip: Annotated[int, Meta(description="Path components removed from the diff's names (-pN).")]
    files: list[PatchFile]
    added: int
    removed: int
    digest: Annotated[str, Meta(description=(
        "sha256 over the touched files' contents before the patch; give it back as expect_digest."))]


PATCH = register(
    ToolSpec(
        runs_in="helper",
        name="patch",
        title="Apply a patch",
        description=(
            "Apply a unified diff to files of the workspace, all or nothing: if any hunk of any file does "
            "not apply, no file changes and the error names the file, the hunk and the nearest matching lines. "
            "Handles git diffs with several files, new, deleted, renamed and copied files and mode changes "
            "(binary files only renamed, copied, chmodded or deleted, as git describes them without content; no "
            "symlinks). Hunks must match exactly (whitespace included) but may have "
            "moved (the result says by how many lines). Each file keeps its encoding (UTF-8, a BOM, bytes that "
            "are not UTF-8), its line endings (CRLF stays CRLF) and, unless the diff says otherwise with "
            "`\\ No newline at end of file`, its trailing newline or lack of one. Use dry_run to check first."
        ),
        input_schema=output_schema(PatchArgs),
        args_type=PatchArgs,
        annotations=_CHANGES_FILES,
        output_schema=output_schema(PatchResult),
    )
)


# ---- multi_edit ----------------------------------------------------------------------


class EditItem(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """One exact-string replacement, with the rules of the edit tool."""

    old_string: Annotated[str, Meta(min_length=1, description="Exact text to replace.")]
    new_string: Annotated[str, Meta(description="Replacement text (must differ from old_string).")]
    replace_all: Annotated[bool, Meta(description=(
        "Replace every occurrence rather than exactly one (default false)."))] = False


class MultiEditArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    file_path: Annotated[str, Meta(min_length=1, description=f"File to edit, {_PATH_HINT}.")]
    edits: Annotated[list[EditItem], Meta(min_length=1, max_length=MAX_MULTI_EDITS, description=(
        "Applied in order, each to the text the previous ones left."))]

    def __post_init__(self) -> None:
        _no_nul("file_path", self.file_path)
        for number, item in enumerate(self.edits, 1):
            if item.old_string == item.new_string:
                raise ValueError(f"edit {number}: old_string and new_string are identical; nothing would change")


class MultiEditResult(msgspec.Struct, kw_only=True):
    path: Annotated[str, _SHOWN]
    edits: Annotated[int, Meta(description="Edits applied.")]
    replacements: Annotated[list[int], Meta(description="Occurrences each edit replaced, in order.")]


MULTI_EDIT = register(
    ToolSpec(
        runs_in="helper",
        name="multi_edit",
        title="Edit a file in several places",
        description=(
            "Make several exact-string replacements in one text file, in order, atomically: each edit "
            "follows the rules of `edit` (old_string must occur exactly once unless replace_all, whitespace "
            "must match) and applies to the text the previous edits left; if any edit fails, the file is "
            "not changed and the error says which edit and why. The file keeps its encoding, line endings "
            "(new lines in a CRLF file get CRLF) and permissions. The result shows each edited region."
        ),
        input_schema=output_schema(MultiEditArgs),
        args_type=MultiEditArgs,
        annotations=_CHANGES_FILES,
        output_schema=output_schema(MultiEditResult),
    )
)


# ---- batch_read ----------------------------------------------------------------------


class BatchReadItem(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A file, or a range of its lines, as the read tool takes them."""

    file_path: Annotated[str, Meta(min_length=1, description=f"File to read, {_PATH_HINT}.")]
    offset: Annotated[Annotated[int, Meta(ge=1)] | None, Meta(
        description="Line number to start at (1-based; default 1).")] = None
    limit: Annotated[Annotated[int, Meta(ge=1)] | None, Meta(
        description="How many lines to show at most (default 2000).")] = None

    def __post_init__(self) -> None:
        _no_nul("file_path", self.file_path)


class BatchReadArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    files: Annotated[list[BatchReadItem], Meta(min_length=1, max_length=MAX_BATCH_FILES, description=(
        "Files or line ranges to read, in this order (a file may appear more than once)."))]


class BatchReadFile(msgspec.Struct, kw_only=True):
    path: Annotated[str, Meta(description="The path relative to the workspace (as given, for a file that failed).")]
    error: Annotated[str | None, Meta(description="Why this file was not read; null when it was.")] = None
    size: Annotated[int | None, Meta(description="The file's size in bytes.")] = None
    first_line: int | None = None
    last_line: int | None = None
    truncated: Annotated[bool, Meta(description="The file goes on past last_line.")] = False
    next_offset: Annotated[int | None, Meta(description="The offset to continue with; null at the end.")] = None


class BatchReadResult(msgspec.Struct, kw_only=True):
    files: list[BatchReadFile]
    read: Annotated[int, Meta(description="Files read.")]
    failed: Annotated[int, Meta(description="Files with an error (missing, binary, outside the workspace...).")]
    skipped: Annotated[int, Meta(description="Files not read because the output limit was reached.")]
    truncated: Annotated[bool, Meta(description="The output limit cut the batch; read the rest in another call.")]


BATCH_READ = register(
    ToolSpec(
        runs_in="helper",
        name="batch_read",
        title="Read several files",
        description=(
            "Read many text files, or line ranges of them, in one call. Each is shown like `read` shows it "
            "(lines numbered like `cat -n`, long lines cut, binary files refused) under a `==> path <==` "
            "header, and each has its own error (a missing file does not fail the others). The whole output "
            "is bounded by the server's read limit (the same as one `read`); files past it are listed as "
            "skipped with the offset to continue from."
        ),
        input_schema=output_schema(BatchReadArgs),
        args_type=BatchReadArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(BatchReadResult),
    )
)
