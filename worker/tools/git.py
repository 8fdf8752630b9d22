"""git_status, git_diff and git_log: the ``git`` binary, run by the file helper as the tool user.

**Which repository.**  The helper finds it itself, beneath the workspace descriptor: from the
directory the call names (or the first path's, or the workspace) up to the workspace, the nearest
directory with a ``.git`` (a directory, or a file saying ``gitdir: ...``, resolved beneath the
workspace too; ``commondir`` and ``objects/info/alternates`` must stay inside it as well).  git is
then started with its working directory set to the top directory's descriptor (``/proc/self/fd/N``,
entered by the child) and ``GIT_DIR`` naming the git directory's descriptor, which git resolves once
at start: no discovery above the workspace, and a ``.git`` file or ``core.worktree`` cannot point it
elsewhere.  Like ``rg``, git then reads below the top directory by path, as the tool user.

git's "dubious ownership" check is skipped when ``GIT_DIR`` is given, so the helper makes it
itself: the top directory and the git directory must belong to the user git runs as (the tool user,
who owns the workspace), else the call is refused with git's reason, as ``git status`` in ``bash``
would refuse it.

**No configuration runs a program.**  Arguments are an argv list (never a shell string); every
user value is attached to its option (``--author=VALUE``), after ``--end-of-options`` (revisions) or
after ``--`` (paths, literal: ``GIT_LITERAL_PATHSPECS``).  The environment holds nothing of the
helper's but PATH and the worker's marker: no system or global configuration (``GIT_CONFIG_NOSYSTEM``,
``GIT_CONFIG_GLOBAL=/dev/null``, a HOME without one), no terminal prompt, no pager, no optional
locks (status does not write the index).  The repository's own configuration is the agent's, so
every setting that could start a program in these commands is overridden with command-line scope
(``GIT_CONFIG_COUNT``, which beats repository config): ``core.fsmonitor``, ``core.hooksPath``,
``core.pager``, ``diff.external`` (and ``--no-ext-diff``, ``--no-textconv``), ``log.showSignature``,
``protocol.allow=never`` (no lazy fetch from a promisor remote), and the clean, smudge and process
commands of every filter driver the configuration names (read with ``git config`` when the
configuration mentions ``filter`` or ``include`` at all).  Submodules are not entered
(``--ignore-submodules=dirty``).  git is killed at GIT_TIME_LIMIT, when the call is cancelled, or
(git_diff) once it has printed more than the call wants.
"""

from __future__ import annotations

import os
import stat
import threading
from typing import Any, NamedTuple

import msgspec

from shared.file_tools import FileToolResult
from shared.git_tools import (
    GitCommit,
    GitDiffArgs,
    GitDiffFile,
    GitDiffResult,
    GitLogArgs,
    GitLogResult,
    GitStatusArgs,
    GitStatusEntry,
    GitStatusResult,
)
from worker.tools.confine import PathError
from worker.tools.files import (
    FileToolContext,
    ProcessOutput,
    ToolError,
    _printable,
    child_env,
    helper_tool,
    run_process,
)

__all__ = ["GIT_OUTPUT_CAP", "GIT_TIME_LIMIT", "git_env", "parse_numstat", "parse_status"]

GIT_TIME_LIMIT = 30.0  # seconds; less than the default call timeout, so the error can say what to narrow
GIT_OUTPUT_CAP = 32 * 1024 * 1024  # status and log output kept (git is killed past it)
_STDERR_CAP = 64 * 1024
_BODY_CHARS = 4000
_CONFIG_PEEK = 1024 * 1024  # bytes of a config file looked at for "filter" and "include"
_SEP = "\x1f"
_LOG_FORMAT = _SEP.join(["%H", "%P", "%an", "%ae", "%aI", "%cn", "%cI", "%B"])

# Settings (command-line scope, which beats the repository's) under which status, diff and log
# start no program and reach no network; filter drivers are added per repository.
_OVERRIDES = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", "/dev/null"),
    ("core.pager", "cat"),
    ("diff.external", ""),
    ("log.showSignature", "false"),
    ("protocol.allow", "never"),
    # output the parsers and the patch tool expect, whatever the repository says
    ("core.quotePath", "false"),
    ("color.ui", "false"),
    ("diff.noprefix", "false"),
    ("diff.mnemonicPrefix", "false"),
    ("diff.relative", "false"),
    ("i18n.logOutputEncoding", "UTF-8"),
)


class Repo(NamedTuple):
    top_fd: int  # the work tree's top directory
    git_fd: int  # its git directory
    top: str  # the top directory relative to the workspace ("" for the workspace itself)
    common: str  # the common git directory relative to the workspace (worktrees share one)


def git_env(repo: Repo, filters: list[str]) -> dict[str, str]:
    """The whole environment of a git run on ``repo`` (see the module docstring)."""
    env = child_env()
    env.update({
        "HOME": "/nonexistent",
        "XDG_CONFIG_HOME": "/nonexistent",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_SYSTEM": "/dev/null",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_ATTR_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_PAGER": "cat",
        "PAGER": "cat",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_LITERAL_PATHSPECS": "1",
        "LC_ALL": "C",
        "GIT_DIR": f"/proc/self/fd/{repo.git_fd}",
        "GIT_WORK_TREE": ".",
    })
    overrides = list(_OVERRIDES)
    for name in filters:
        overrides += [(f"filter.{name}.clean", ""), (f"filter.{name}.smudge", ""), (f"filter.{name}.process", ""),
                      (f"filter.{name}.required", "false")]
    env["GIT_CONFIG_COUNT"] = str(len(overrides))
    for i, (key, value) in enumerate(overrides):
        env[f"GIT_CONFIG_KEY_{i}"] = key
        env[f"GIT_CONFIG_VALUE_{i}"] = value
    return env


# ---- finding the repository ------------------------------------------------------------------


def _read_small(dir_fd: int, name: str, limit: int = 4096) -> bytes | None:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, limit)
    finally:
        os.close(fd)


def _join(base: str, path: str) -> str:
    if path.startswith("/"):
        return path
    return f"{base}/{path}" if base else path


def _open_inside(ctx: FileToolContext, path: str, what: str, top: str) -> int:
    """A directory the repository names (its git directory, common directory, alternates), opened
    beneath the workspace; a path leading outside refuses the repository."""
    try:
        return ctx.root.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except PathError:
        raise ToolError(f"the repository at {top or '.'} has its {what} outside the workspace ({path}); the git "
                        "tools work only on repositories inside the workspace") from None
    except OSError as exc:
        raise ToolError(f"the repository at {top or '.'} names a {what} that cannot be opened ({path}: "
                        f"{exc.strerror})") from None


def _git_dir_of(ctx: FileToolContext, dir_fd: int, rel: str) -> int | None:
    """The git directory of the work tree ``rel`` (open), None when ``rel`` has no ``.git``."""
    try:
        st = os.stat(".git", dir_fd=dir_fd, follow_symlinks=False)
    except OSError:
        return None
    if stat.S_ISDIR(st.st_mode):
        fd = os.open(".git", os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    elif stat.S_ISREG(st.st_mode):
        data = _read_small(dir_fd, ".git") or b""
        line = data.decode("utf-8", "surrogateescape").strip()
        if not line.startswith("gitdir:"):
            return None
        fd = _open_inside(ctx, _join(rel, line[len("gitdir:"):].strip()), "git directory", rel)
    elif stat.S_ISLNK(st.st_mode):
        fd = _open_inside(ctx, _join(rel, ".git"), "git directory", rel)
    else:
        return None
    try:
        os.stat("HEAD", dir_fd=fd, follow_symlinks=False)
    except OSError:
        os.close(fd)
        return None
    return fd


def _start(ctx: FileToolContext, repository: str | None, paths: list[str] | None) -> int:
    """The directory discovery starts from: ``repository``, else the deepest existing directory of the
    first path, else the workspace."""
    if repository is not None:
        try:
            return ctx.root.open_dir(repository)
        except FileNotFoundError:
            raise ToolError(f"directory not found: {_printable(repository)}") from None
        except NotADirectoryError:
            raise ToolError(f"{_printable(repository)} is not a directory") from None
    if paths:
        candidate = os.path.normpath(ctx.root.relative(paths[0]))
        while True:
            try:
                return ctx.root.open_dir(candidate)
            except (FileNotFoundError, NotADirectoryError):
                if candidate in ("", "."):
                    raise
                candidate = os.path.dirname(candidate) or "."
    return ctx.root.open_dir(None)


def find_repo(ctx: FileToolContext, repository: str | None, paths: list[str] | None) -> Repo:
    """The repository at or above the start directory, up to the workspace; its descriptors are the
    caller's to close (``_close``)."""
    start = _start(ctx, repository, paths)
    try:
        rel = ctx.root.display(start)
    except BaseException:
        os.close(start)
        raise
    candidate = rel
    dir_fd = start
    while True:
        try:
            git_fd = _git_dir_of(ctx, dir_fd, candidate)
        except BaseException:
            os.close(dir_fd)
            raise
        if git_fd is not None:
            break
        os.close(dir_fd)
        if not candidate:
            shown = _printable(rel) or "."
            raise ToolError(f"not a git repository: {shown} (nor any directory above it, up to the workspace); "
                            "use bash to `git init` one")
        candidate = os.path.dirname(candidate)
        dir_fd = ctx.root.open_dir(candidate or None)
    repo = Repo(dir_fd, git_fd, candidate, ctx.root.display(git_fd))
    try:
        repo = _checked(ctx, repo)
    except BaseException:
        _close(repo)
        raise
    return repo


def _checked(ctx: FileToolContext, repo: Repo) -> Repo:
    """Refuse a repository git would refuse (another user's) or whose shared parts lie outside."""
    me = os.geteuid()
    top = _printable(repo.top) or "."
    for fd, what in ((repo.top_fd, "its work tree"), (repo.git_fd, "its git directory")):
        owner = os.fstat(fd).st_uid
        if owner != me:
            raise ToolError(
                f"git refuses the repository at {top}: {what} belongs to uid {owner}, and git runs as the tool user "
                f"(uid {me}). A repository owned by another user is 'dubious ownership' to git (its configuration "
                "could run that user's programs). Make it the tool user's: create or clone it with the bash tool, "
                f"or `chown -R {me}` it as its owner"
            )
    common = repo.common
    data = _read_small(repo.git_fd, "commondir")
    if data is not None:
        common_path = _join(repo.common, data.decode("utf-8", "surrogateescape").strip())
        fd = _open_inside(ctx, common_path, "common git directory", top)
        common = ctx.root.display(fd)
        os.close(fd)
    alternates = None
    try:
        fd = ctx.root.open(_join(common, "objects/info"), os.O_RDONLY | os.O_DIRECTORY)
    except (OSError, PathError):
        fd = -1
    if fd >= 0:
        alternates = _read_small(fd, "alternates", 1 << 20)
        os.close(fd)
    for raw in (alternates or b"").decode("utf-8", "surrogateescape").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            os.close(_open_inside(ctx, _join(_join(common, "objects"), line.strip('"')), "alternate object store",
                                  top))
    return repo._replace(common=common)


def _close(repo: Repo) -> None:
    os.close(repo.git_fd)
    os.close(repo.top_fd)


def _filter_drivers(ctx: FileToolContext, repo: Repo, stop: threading.Event) -> list[str]:
    """The filter drivers the repository's configuration defines (their commands are blanked).

    A driver is defined in a ``[filter "name"]`` section (section names have no escapes, so the word is
    there in the file) or in a file the configuration includes: only then is git asked."""
    mentioned = False
    for rel, name in ((repo.common, "config"), (ctx.root.display(repo.git_fd), "config.worktree")):
        try:
            fd = ctx.root.open(rel or ".", os.O_RDONLY | os.O_DIRECTORY)
        except (OSError, PathError):
            continue
        try:
            data = (_read_small(fd, name, _CONFIG_PEEK) or b"").lower()
        finally:
            os.close(fd)
        mentioned |= b"filter" in data or b"include" in data
    if not mentioned:
        return []
    out = _git(repo, [], ["config", "-z", "--get-regexp", r"^filter\."], stop, output_cap=1 << 20)
    names = []
    for entry in out.out.split(b"\0"):
        key = entry.split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
        if key.startswith("filter.") and key.count(".") >= 2:
            name = key[len("filter."):key.rindex(".")]
            if name not in names:
                names.append(name)
    return names


# ---- running git ------------------------------------------------------------------------------


def _git(repo: Repo, filters: list[str], argv: list[str], stop: threading.Event, *, output_cap: int = GIT_OUTPUT_CAP,
         kill_at_cap: bool = True) -> ProcessOutput:
    try:
        return run_process(["git", *argv], cwd_fd=repo.top_fd, stdin_fd=None, env=git_env(repo, filters),
                           time_limit=GIT_TIME_LIMIT, stop=stop, output_cap=output_cap, kill_at_cap=kill_at_cap,
                           stderr_cap=_STDERR_CAP, pass_fds=(repo.git_fd,))
    except FileNotFoundError:
        raise ToolError("git is not installed where the gateway runs") from None


def _failed(out: ProcessOutput, what: str, stop: threading.Event) -> ToolError | None:
    """The error for a git run that did not succeed (None when it did)."""
    if out.killed and not out.capped:
        if stop.is_set():
            return ToolError(f"{what} was cancelled")
        return ToolError(f"{what} did not finish within {GIT_TIME_LIMIT:g} s; narrow it down (paths, a revision "
                         "range, untracked='no')")
    if out.code != 0 and not out.capped:
        reason = out.err.decode("utf-8", "replace").strip() or f"exit status {out.code}"
        return ToolError(f"{what} failed: {reason}")
    return None


def _pathspecs(ctx: FileToolContext, repo: Repo, paths: list[str] | None) -> list[str]:
    """``paths`` (relative to the workspace) as git wants them: relative to the repository's top."""
    out = []
    for path in paths or ():
        rel = os.path.normpath(ctx.root.relative(path))
        if rel == ".." or rel.startswith("../"):
            raise ToolError(f"path {_printable(path)!r} leads outside the workspace {ctx.root.root}")
        rel = "" if rel == "." else rel
        if repo.top and rel != repo.top and not rel.startswith(repo.top + "/"):
            raise ToolError(f"path {_printable(path)!r} is not in the repository at {_printable(repo.top)}")
        out.append(rel[len(repo.top):].lstrip("/") or ".")
    return out


def _shown(repo: Repo, path: bytes) -> str:
    text = _printable(path.decode("utf-8", "surrogateescape"))
    return f"{_printable(repo.top)}/{text}" if repo.top else text


def _run(ctx: FileToolContext, args: Any, stop: threading.Event,
         body: Any) -> FileToolResult:
    repo = find_repo(ctx, args.repository, args.paths)
    try:
        filters = _filter_drivers(ctx, repo, stop)
        result: FileToolResult = body(repo, filters, _pathspecs(ctx, repo, args.paths))
        return result
    finally:
        _close(repo)


# ---- git_status -------------------------------------------------------------------------------


class Status(NamedTuple):
    branch: str | None
    commit: str | None
    upstream: str | None
    ahead: int | None
    behind: int | None
    entries: list[tuple[str, str, str, bytes, bytes | None]]  # (kind, index, worktree, path, orig path)


_KINDS = {"1": "changed", "2": "renamed", "u": "unmerged", "?": "untracked", "!": "ignored"}


def parse_status(data: bytes, complete: bool = True) -> Status:
    """``git status --porcelain=v2 -z --branch`` output (a last record cut by the output cap is dropped)."""
    records = data.split(b"\0")
    if not complete or records[-1]:
        records.pop()  # cut short, or the empty string after the final NUL
    branch = commit = upstream = None
    ahead = behind = None
    entries: list[tuple[str, str, str, bytes, bytes | None]] = []
    i = 0
    while i < len(records):
        record = records[i]
        i += 1
        if record.startswith(b"# "):
            key, _, value = record[2:].decode("utf-8", "replace").partition(" ")
            if key == "branch.oid":
                commit = None if value == "(initial)" else value
            elif key == "branch.head":
                branch = None if value == "(detached)" else value
            elif key == "branch.upstream":
                upstream = value
            elif key == "branch.ab":
                a, _, b = value.partition(" ")
                ahead, behind = int(a.lstrip("+")), int(b.lstrip("-"))
            continue
        tag = record[:1].decode("ascii", "replace")
        if tag in ("?", "!"):
            entries.append((_KINDS[tag], tag, tag, record[2:], None))
            continue
        fields = {"1": 8, "2": 9, "u": 10}.get(tag)
        if fields is None:
            continue
        parts = record.split(b" ", fields)
        if len(parts) <= fields:
            continue
        xy = parts[1].decode("ascii", "replace")
        kind = _KINDS[tag]
        orig = None
        if tag == "2":
            kind = "copied" if parts[8].startswith(b"C") else "renamed"
            if i >= len(records):
                break  # its original path was cut off
            orig = records[i]
            i += 1
        entries.append((kind, xy[:1], xy[1:2], parts[fields], orig))
    return Status(branch, commit, upstream, ahead, behind, entries)


def _status_line(entry: GitStatusEntry) -> str:
    if entry.kind in ("untracked", "ignored"):
        return f"{entry.index * 2} {entry.path}"
    xy = (entry.index + entry.worktree).replace(".", " ")
    name = f"{entry.orig_path} -> {entry.path}" if entry.orig_path else entry.path
    return f"{xy} {name}"


def git_status(args: GitStatusArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    def body(repo: Repo, filters: list[str], pathspecs: list[str]) -> FileToolResult:
        argv = ["status", "--porcelain=v2", "-z", "--branch", f"--untracked-files={args.untracked}",
                "--ignore-submodules=dirty", "--renames"]
        if args.ignored:
            argv.append("--ignored=matching")
        out = _git(repo, filters, [*argv, "--", *pathspecs], stop)
        failure = _failed(out, "git status", stop)
        if failure is not None:
            raise failure
        parsed = parse_status(out.out, complete=not out.capped)
        entries = [GitStatusEntry(path=_shown(repo, path), orig_path=_shown(repo, orig) if orig is not None else None,
                                  kind=kind, index=x, worktree=y)  # type: ignore[arg-type]
                   for kind, x, y, path, orig in parsed.entries]
        listed = entries[: args.max_entries]
        truncated = len(entries) > len(listed) or out.capped
        result = GitStatusResult(
            repository=_printable(repo.top) or ".", branch=parsed.branch, commit=parsed.commit,
            upstream=parsed.upstream, ahead=parsed.ahead, behind=parsed.behind,
            clean=not any(e.kind != "ignored" for e in entries), entries=listed, total=len(entries),
            truncated=truncated)
        if parsed.branch is None:
            head = "## HEAD (no branch)"
        elif parsed.commit is None:
            head = f"## No commits yet on {parsed.branch}"
        else:
            head = f"## {parsed.branch}"
        if parsed.upstream:
            head += f"...{parsed.upstream}"
            moved = [f"ahead {parsed.ahead}" for _ in (0,) if parsed.ahead] + [
                f"behind {parsed.behind}" for _ in (0,) if parsed.behind]
            if moved:
                head += f" [{', '.join(moved)}]"
        lines = [head, f"(repository: {result.repository})", *(_status_line(e) for e in listed)]
        if result.clean:
            lines.append("nothing to commit, working tree clean")
        if truncated:
            more = "more" if out.capped else str(len(entries) - len(listed))
            lines.append(f"[{more} entries not listed (max_entries={args.max_entries}); narrow with paths or raise "
                         "max_entries]")
        return FileToolResult("\n".join(lines) + "\n", structured=msgspec.to_builtins(result))

    return _run(ctx, args, stop, body)


# ---- git_diff ---------------------------------------------------------------------------------


def parse_numstat(data: bytes) -> tuple[list[tuple[int | None, int | None, bytes, bytes | None]], int | None]:
    """``--numstat -z`` records (added, deleted, path, old path) and where the patch after them starts
    (None when the records were cut off before their end)."""
    files: list[tuple[int | None, int | None, bytes, bytes | None]] = []
    pos = 0
    size = len(data)
    while pos < size:
        if data[pos : pos + 1] in (b"\0", b"d"):  # the separator before the patch, or the patch itself
            return files, pos + 1 if data[pos : pos + 1] == b"\0" else pos
        tab1 = data.find(b"\t", pos)
        tab2 = data.find(b"\t", tab1 + 1) if tab1 >= 0 else -1
        if tab2 < 0:
            return files, None
        added, deleted = data[pos:tab1], data[tab1 + 1 : tab2]
        pos = tab2 + 1
        if data[pos : pos + 1] == b"\0":  # a rename or copy: "\0old\0new\0"
            end_old = data.find(b"\0", pos + 1)
            end_new = data.find(b"\0", end_old + 1) if end_old >= 0 else -1
            if end_new < 0:
                return files, None
            old, path = data[pos + 1 : end_old], data[end_old + 1 : end_new]
            pos = end_new + 1
        else:
            end = data.find(b"\0", pos)
            if end < 0:
                return files, None
            old, path = None, data[pos:end]
            pos = end + 1
        files.append((None if added == b"-" else int(added), None if deleted == b"-" else int(deleted), path, old))
    return files, pos


def git_diff(args: GitDiffArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    def body(repo: Repo, filters: list[str], pathspecs: list[str]) -> FileToolResult:
        argv = ["diff", "--numstat", "-z", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
                "--src-prefix=a/", "--dst-prefix=b/", "--ignore-submodules=dirty"]
        if not args.stat_only:
            argv += ["--patch", f"-U{args.context_lines}"]  # (-U alone implies --patch)
        if args.staged:
            argv.append("--cached")
        argv.append("--end-of-options")
        argv += [rev for rev in (args.base, args.target) if rev is not None]
        # the file list first (complete up to GIT_OUTPUT_CAP), then at most max_bytes of patch
        out = _git(repo, filters, [*argv, "--", *pathspecs], stop, output_cap=GIT_OUTPUT_CAP + args.max_bytes)
        failure = _failed(out, "git diff", stop)
        if failure is not None:
            raise failure
        records, patch_at = parse_numstat(out.out)
        files = [GitDiffFile(path=_shown(repo, path), old_path=_shown(repo, old) if old is not None else None,
                             added=added, deleted=deleted, binary=added is None)
                 for added, deleted, path, old in records]
        patch = out.out[patch_at:] if patch_at is not None else b""
        truncated = len(patch) > args.max_bytes or (out.capped and not args.stat_only)
        if len(patch) > args.max_bytes:
            cut = patch.rfind(b"\n", 0, args.max_bytes)
            patch = patch[: cut + 1 if cut >= 0 else args.max_bytes]
        insertions = sum(f.added or 0 for f in files)
        deletions = sum(f.deleted or 0 for f in files)
        result = GitDiffResult(repository=_printable(repo.top) or ".", files=files, files_changed=len(files),
                               insertions=insertions, deletions=deletions, truncated=truncated)
        lines = [f"(repository: {result.repository}; paths in the diff are relative to it)"]
        for f in files:
            name = f"{f.old_path} -> {f.path}" if f.old_path else f.path
            lines.append(f" {name} | {'binary' if f.binary else f'+{f.added} -{f.deleted}'}")
        lines.append(f" {len(files)} file{'s' if len(files) != 1 else ''} changed, {insertions} insertion"
                     f"{'s' if insertions != 1 else ''}(+), {deletions} deletion{'s' if deletions != 1 else ''}(-)")
        if patch_at is None:
            lines.append("[the file list was cut at the output limit; narrow with paths]")
        text = "\n".join(lines) + "\n"
        if patch:
            text += "\n" + patch.decode("utf-8", "replace")
        if truncated:
            text += (f"[diff cut at {args.max_bytes} bytes (max_bytes); narrow with paths, or raise max_bytes; the "
                     "file list above is complete]\n")
        return FileToolResult(text, structured=msgspec.to_builtins(result))

    return _run(ctx, args, stop, body)


# ---- git_log ----------------------------------------------------------------------------------


def _commit(record: bytes) -> GitCommit | None:
    fields = record.decode("utf-8", "replace").split(_SEP, 7)
    if len(fields) != 8:
        return None
    commit, parents, author, email, date, committer, committed, message = fields
    subject, _, rest = message.strip("\n").partition("\n")
    body = rest.strip("\n")
    if len(body) > _BODY_CHARS:
        body = body[:_BODY_CHARS] + f" [... {len(body) - _BODY_CHARS} more characters]"
    return GitCommit(hash=commit, parents=parents.split(), author_name=author, author_email=email, author_date=date,
                     committer_name=committer, committer_date=committed, subject=subject, body=body)


def git_log(args: GitLogArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    def body(repo: Repo, filters: list[str], pathspecs: list[str]) -> FileToolResult:
        argv = ["log", "-z", f"--format={_LOG_FORMAT}", f"--max-count={args.max_count + 1}", f"--skip={args.skip}",
                "--no-color", "--no-show-signature", "--fixed-strings", "--regexp-ignore-case"]
        for option, value in (("author", args.author), ("grep", args.grep), ("since", args.since),
                              ("until", args.until)):
            if value is not None:
                argv.append(f"--{option}={value}")
        argv.append("--end-of-options")
        if args.revision is not None:
            argv.append(args.revision)
        out = _git(repo, filters, [*argv, "--", *pathspecs], stop)
        if out.code == 128 and b"does not have any commits yet" in out.err:
            commits: list[GitCommit] = []
        else:
            failure = _failed(out, "git log", stop)
            if failure is not None:
                raise failure
            records = [r for r in out.out.split(b"\0") if r]
            if out.capped and records:
                records.pop()  # cut short
            commits = [c for c in map(_commit, records) if c is not None]
        more = len(commits) > args.max_count or out.capped
        commits = commits[: args.max_count]
        result = GitLogResult(repository=_printable(repo.top) or ".", commits=commits, more=more)
        lines = [f"(repository: {result.repository})"]
        lines += [f"{c.hash[:12]} {c.author_date[:10]} {c.author_name}: {c.subject}" for c in commits]
        if not commits:
            lines.append("no commits match" if args.skip == 0 else f"no commits after skipping {args.skip}")
        if more:
            lines.append(f"[more commits; continue with skip={args.skip + len(commits)}]")
        return FileToolResult("\n".join(lines) + "\n", structured=msgspec.to_builtins(result))

    return _run(ctx, args, stop, body)


# ---- the family's handlers -----------------------------------------------------------------

helper_tool("git_status")(git_status)
helper_tool("git_diff")(git_diff)
helper_tool("git_log")(git_log)
