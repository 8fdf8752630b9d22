"""Argument and result types of the source-control tools: git_status, git_diff, git_log.

They run the ``git`` binary in each worker's file helper, as the tool user, on a repository found
beneath the workspace descriptor (``worker.tools.git``).  Every user-supplied value goes to git in
a place where git cannot read it as an option: revisions after ``--end-of-options``, paths after
``--`` (literal pathspecs), and the other strings attached to their option (``--author=VALUE``);
``__post_init__`` also refuses revisions that start with ``-`` so the error is clear.  The argument
Structs are the ``inputSchema`` (``shared.tools.output_schema``), so each constraint is written once.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from shared.tools import READ_ONLY, ToolSpec, output_schema, register

__all__ = [
    "DEFAULT_DIFF_BYTES",
    "GIT_DIFF",
    "GIT_LOG",
    "GIT_STATUS",
    "GIT_TOOL_NAMES",
    "MAX_GIT_PATHS",
    "GitCommit",
    "GitDiffArgs",
    "GitDiffFile",
    "GitDiffResult",
    "GitLogArgs",
    "GitLogResult",
    "GitStatusArgs",
    "GitStatusEntry",
    "GitStatusResult",
]

GIT_TOOL_NAMES = frozenset({"git_status", "git_diff", "git_log"})  # this family's tools

MAX_GIT_PATHS = 100
DEFAULT_DIFF_BYTES = 256 * 1024
MAX_DIFF_BYTES = 10 * 1024 * 1024  # the read limit of the file tools
_MAX_VALUE = 1000  # characters of a revision, date, author or message filter

_REPOSITORY = Meta(description=(
    "A directory inside the repository, relative to the workspace or absolute inside it (default: the directory "
    "of the first path, else the workspace). The repository is the nearest one at or above it, up to the "
    "workspace."))
_PATHS = Meta(description=(
    "Only these files or directories (relative to the workspace, or absolute inside it; literal names, no "
    f"wildcards; at most {MAX_GIT_PATHS})."))
_PathList = Annotated[list[str], Meta(max_length=MAX_GIT_PATHS)]


def _check_value(field: str, value: str | None, *, revision: bool = False) -> None:
    if value is None:
        return
    if not value:
        raise ValueError(f"{field} must not be empty")
    if "\0" in value or "\n" in value:
        raise ValueError(f"{field} must not contain NUL bytes or newlines")
    if len(value) > _MAX_VALUE:
        raise ValueError(f"{field} is longer than {_MAX_VALUE} characters")
    if revision and value.startswith("-"):
        raise ValueError(f"{field} {value!r} starts with '-', which git would read as an option; give a revision "
                         "(a commit, branch, tag, HEAD~2, main..topic)")


def _check_paths(paths: list[str] | None) -> None:
    for path in paths or ():
        if not path or "\0" in path:
            raise ValueError("paths must be non-empty and hold no NUL bytes")


# ---- git_status ----------------------------------------------------------------------


class GitStatusArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    repository: Annotated[str | None, _REPOSITORY] = None
    paths: Annotated[_PathList | None, _PATHS] = None
    untracked: Annotated[Literal["normal", "all", "no"], Meta(description=(
        "Untracked files: `normal` lists untracked directories as one entry, `all` every file in them, `no` "
        "none (default normal)."))] = "normal"
    ignored: Annotated[bool, Meta(description="Also list ignored files (default false).")] = False
    max_entries: Annotated[int, Meta(ge=1, le=10_000, description="List at most this many entries (default 1000).")
                           ] = 1000

    def __post_init__(self) -> None:
        _check_value("repository", self.repository)
        _check_paths(self.paths)


class GitStatusEntry(msgspec.Struct, kw_only=True):
    path: Annotated[str, Meta(description="Relative to the workspace.")]
    orig_path: Annotated[str | None, Meta(description="The old path of a rename or copy.")] = None
    kind: Literal["changed", "renamed", "copied", "unmerged", "untracked", "ignored"]
    index: Annotated[str, Meta(description=(
        "The staged change, as in `git status --short`: M modified, A added, D deleted, R renamed, C copied, "
        "T type changed, U unmerged, . none, ? untracked, ! ignored."))]
    worktree: Annotated[str, Meta(description="The unstaged change, same letters.")]


class GitStatusResult(msgspec.Struct, kw_only=True):
    repository: Annotated[str, Meta(description="The repository's top directory, relative to the workspace.")]
    branch: Annotated[str | None, Meta(description="The current branch; null when HEAD is detached.")]
    commit: Annotated[str | None, Meta(description="HEAD's commit; null before the first commit.")]
    upstream: Annotated[str | None, Meta(description="The branch's upstream, if it has one.")] = None
    ahead: Annotated[int | None, Meta(description="Commits on the branch and not on its upstream.")] = None
    behind: Annotated[int | None, Meta(description="Commits on the upstream and not on the branch.")] = None
    clean: Annotated[bool, Meta(description="Nothing staged, changed or untracked (ignored files aside).")]
    entries: list[GitStatusEntry]
    total: Annotated[int, Meta(description="Entries in all (more than listed when truncated).")]
    truncated: bool


GIT_STATUS = register(
    ToolSpec(
        runs_in="helper",
        name="git_status",
        title="Show the git status",
        description=(
            "The state of a git repository in the workspace, as structured data: the branch, its upstream and "
            "how far ahead and behind it is, and every staged, unstaged, unmerged and untracked file (paths "
            "relative to the workspace), with the letters of `git status --short`. Runs git as the tool user "
            "with no user or repository configuration able to run programs; read-only (it does not even "
            "refresh the index)."
        ),
        input_schema=output_schema(GitStatusArgs),
        args_type=GitStatusArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(GitStatusResult),
    )
)


# ---- git_diff ------------------------------------------------------------------------


class GitDiffArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    repository: Annotated[str | None, _REPOSITORY] = None
    paths: Annotated[_PathList | None, _PATHS] = None
    staged: Annotated[bool, Meta(description=(
        "Show what is staged (the index against HEAD, or against base) instead of the unstaged changes."))] = False
    base: Annotated[str | None, Meta(description=(
        "Compare with this revision (a commit, branch, tag, HEAD~1) instead of the index; with target, compare "
        "the two revisions."))] = None
    target: Annotated[str | None, Meta(description="With base: the second revision (git diff base target).")] = None
    context_lines: Annotated[int, Meta(ge=0, le=100, description="Lines of context around each change (default 3).")
                             ] = 3
    stat_only: Annotated[bool, Meta(description="Only the files and their line counts, no patch.")] = False
    max_bytes: Annotated[int, Meta(ge=1024, le=MAX_DIFF_BYTES, description=(
        f"Cut the patch text at this many bytes (default {DEFAULT_DIFF_BYTES}); the file list is always "
        "complete."))] = DEFAULT_DIFF_BYTES

    def __post_init__(self) -> None:
        _check_value("repository", self.repository)
        _check_value("base", self.base, revision=True)
        _check_value("target", self.target, revision=True)
        _check_paths(self.paths)
        if self.target is not None and self.base is None:
            raise ValueError("target needs base (the revision to compare it with)")
        if self.target is not None and self.staged:
            raise ValueError("staged compares the index; it cannot be combined with target")


class GitDiffFile(msgspec.Struct, kw_only=True):
    path: Annotated[str, Meta(description="Relative to the workspace (the new name of a rename).")]
    old_path: Annotated[str | None, Meta(description="The old name of a renamed or copied file.")] = None
    added: Annotated[int | None, Meta(description="Lines added; null for a binary file.")]
    deleted: Annotated[int | None, Meta(description="Lines deleted; null for a binary file.")]
    binary: bool


class GitDiffResult(msgspec.Struct, kw_only=True):
    repository: Annotated[str, Meta(description="The repository's top directory, relative to the workspace.")]
    files: list[GitDiffFile]
    files_changed: int
    insertions: int
    deletions: int
    truncated: Annotated[bool, Meta(description="The patch text was cut at max_bytes.")]


GIT_DIFF = register(
    ToolSpec(
        runs_in="helper",
        name="git_diff",
        title="Show a git diff",
        description=(
            "The changes in a git repository of the workspace: unstaged (default), staged, against a revision "
            "(base), or between two revisions (base and target), optionally for some paths only. Returns a stat "
            "summary (every file with its added and deleted lines) and the unified diff, cut at max_bytes "
            "(the summary stays complete); renames are detected, binary files are summarised. The diff's paths "
            "are relative to the repository: give the repository as `directory` to the patch tool to apply it. "
            "External diff drivers and textconv filters are not run."
        ),
        input_schema=output_schema(GitDiffArgs),
        args_type=GitDiffArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(GitDiffResult),
    )
)


# ---- git_log -------------------------------------------------------------------------


class GitLogArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    repository: Annotated[str | None, _REPOSITORY] = None
    revision: Annotated[str | None, Meta(description=(
        "What to list: a revision or a range (main, v1.2, HEAD~5, main..topic); default HEAD."))] = None
    paths: Annotated[_PathList | None, _PATHS] = None
    max_count: Annotated[int, Meta(ge=1, le=1000, description="List at most this many commits (default 20).")] = 20
    skip: Annotated[int, Meta(ge=0, description="Skip this many commits first (to page; default 0).")] = 0
    author: Annotated[str | None, Meta(description=(
        "Only commits whose author name or email contains this text (case-insensitive)."))] = None
    grep: Annotated[str | None, Meta(description=(
        "Only commits whose message contains this text (case-insensitive, not a pattern)."))] = None
    since: Annotated[str | None, Meta(description="Only commits after this date (2024-01-31, '2 weeks ago').")] = None
    until: Annotated[str | None, Meta(description="Only commits before this date.")] = None

    def __post_init__(self) -> None:
        _check_value("repository", self.repository)
        _check_value("revision", self.revision, revision=True)
        for field in ("author", "grep", "since", "until"):
            _check_value(field, getattr(self, field))
        _check_paths(self.paths)


class GitCommit(msgspec.Struct, kw_only=True):
    hash: str
    parents: list[str]
    author_name: str
    author_email: str
    author_date: Annotated[str, Meta(description="ISO 8601, with the author's time zone.")]
    committer_name: str
    committer_date: str
    subject: Annotated[str, Meta(description="The message's first line.")]
    body: Annotated[str, Meta(description="The rest of the message (cut at 4000 characters).")]


class GitLogResult(msgspec.Struct, kw_only=True):
    repository: Annotated[str, Meta(description="The repository's top directory, relative to the workspace.")]
    commits: list[GitCommit]
    more: Annotated[bool, Meta(description="More commits match; page on with skip.")]


GIT_LOG = register(
    ToolSpec(
        runs_in="helper",
        name="git_log",
        title="Show the git history",
        description=(
            "The commits of a git repository in the workspace, newest first, as structured data (hash, parents, "
            "author, dates, subject and body): from HEAD or a revision or range, optionally only those touching "
            "some paths, by an author, with a text in their message, or in a date range. Pages with max_count "
            "and skip. Does not verify signatures."
        ),
        input_schema=output_schema(GitLogArgs),
        args_type=GitLogArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(GitLogResult),
    )
)
