"""git_status, git_diff and git_log on real repositories made in the test (``worker.tools.git``).

They run in the test process, as its user (in a gateway: each worker's file helper, as the tool
user; tests/test_edit_git_gateway.py).  The hostile tests give a repository every configuration we
know that makes git run a program, and check that none ran.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import shared.toolset  # noqa: F401  (registers every tool: git_diff's output is applied with patch below)
import worker.tools.edits  # noqa: F401
from shared.tools import ToolArgsError, validate_args
from worker.tools import git as gitmod
from worker.tools.files import FileToolContext, FileToolResult, child_env, run_file_tool, run_process

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
MIB = 1024 * 1024


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return workspace


@pytest.fixture
def ctx(ws: Path) -> FileToolContext:
    return FileToolContext(ws, max_read_bytes=10 * MIB, max_write_bytes=10 * MIB)


def git(cwd: Path, *argv: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(["git", "-c", "user.name=Tess Ter", "-c", "user.email=tess@example.com",
                           "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always", *argv],
                          cwd=cwd, check=True, capture_output=True, text=True, env={**os.environ, **(env or {})}
                          ).stdout


def call(ctx: FileToolContext, name: str, **args: Any) -> FileToolResult:
    return asyncio.run(run_file_tool(name, validate_args(name, args), ctx))


def ok(ctx: FileToolContext, name: str, **args: Any) -> dict[str, Any]:
    result = call(ctx, name, **args)
    assert not result.is_error, result.text
    assert result.structured is not None
    return result.structured | {"_text": result.text}


def fails(ctx: FileToolContext, name: str, **args: Any) -> str:
    result = call(ctx, name, **args)
    assert result.is_error, result.text
    return result.text


def make_repo(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", ".")
    (root / "a.txt").write_text("one\ntwo\nthree\n")
    (root / "b.txt").write_text("bee\n")
    (root / "old.txt").write_text("".join(f"line {i}\n" for i in range(20)))
    (root / ".gitignore").write_text("*.log\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first commit", "-m", "With a body.")


# ---- status -----------------------------------------------------------------------------------


def test_status_lists_every_kind_of_change(ws: Path, ctx: FileToolContext) -> None:
    make_repo(ws / "proj")
    proj = ws / "proj"
    (proj / "a.txt").write_text("one\nTWO\nthree\n")  # unstaged
    (proj / "b.txt").write_text("staged\n")
    git(proj, "add", "b.txt")
    git(proj, "mv", "old.txt", "new.txt")
    (proj / "fresh dir").mkdir()
    (proj / "fresh dir/u.txt").write_text("untracked\n")
    (proj / "debug.log").write_text("ignored\n")
    s = ok(ctx, "git_status", repository="proj")
    assert (s["repository"], s["branch"], s["clean"], s["total"], s["truncated"]) == ("proj", "main", False, 4, False)
    entries = {e["path"]: e for e in s["entries"]}
    assert entries["proj/a.txt"] == {"path": "proj/a.txt", "orig_path": None, "kind": "changed", "index": ".",
                                     "worktree": "M"}
    assert entries["proj/b.txt"]["index"] == "M"
    assert entries["proj/new.txt"] == {"path": "proj/new.txt", "orig_path": "proj/old.txt", "kind": "renamed",
                                       "index": "R", "worktree": "."}
    assert entries["proj/fresh dir/"]["kind"] == "untracked"
    text = s["_text"]
    assert text.startswith("## main\n(repository: proj)\n")
    assert " M proj/a.txt\n" in text and "R  proj/old.txt -> proj/new.txt\n" in text and "?? proj/fresh dir/\n" in text
    every = ok(ctx, "git_status", repository="proj/fresh dir", untracked="all", ignored=True)  # found from below
    kinds = {e["path"]: e["kind"] for e in every["entries"]}
    assert kinds["proj/fresh dir/u.txt"] == "untracked" and kinds["proj/debug.log"] == "ignored"
    only = ok(ctx, "git_status", paths=["proj/a.txt"])  # the repository from the path
    assert [e["path"] for e in only["entries"]] == ["proj/a.txt"]
    cut = ok(ctx, "git_status", repository="proj", max_entries=2)
    assert len(cut["entries"]) == 2 and cut["total"] == 4 and cut["truncated"]
    assert "[2 entries not listed" in cut["_text"]
    assert ok(ctx, "git_status", repository="proj", untracked="no")["total"] == 3


def test_status_of_branches_upstreams_conflicts_and_empty_repositories(ws: Path, ctx: FileToolContext) -> None:
    make_repo(ws / "origin")
    git(ws, "clone", "-q", "origin", "clone")
    clone = ws / "clone"
    (clone / "a.txt").write_text("local\n")
    git(clone, "commit", "-qam", "local")
    (ws / "origin/b.txt").write_text("remote 1\n")
    git(ws / "origin", "commit", "-qam", "remote 1")
    (ws / "origin/b.txt").write_text("remote 2\n")
    git(ws / "origin", "commit", "-qam", "remote 2")
    git(clone, "fetch", "-q")
    s = ok(ctx, "git_status", repository="clone")
    assert (s["branch"], s["upstream"], s["ahead"], s["behind"], s["clean"]) == ("main", "origin/main", 1, 2, True)
    assert s["_text"].startswith("## main...origin/main [ahead 1, behind 2]\n")
    # a conflict
    (clone / "b.txt").write_text("mine\n")
    git(clone, "commit", "-qam", "mine")
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", "merge", "-q", "origin/main"], cwd=clone,
                   capture_output=True)
    s = ok(ctx, "git_status", repository="clone")
    assert [(e["path"], e["kind"], e["index"], e["worktree"]) for e in s["entries"]] == [
        ("clone/b.txt", "unmerged", "U", "U")]
    # detached, and before the first commit
    git(clone, "merge", "--abort")
    git(clone, "checkout", "-q", "--detach", "HEAD~1")
    assert ok(ctx, "git_status", repository="clone")["branch"] is None
    git(ws, "init", "-q", "empty")
    s = ok(ctx, "git_status", repository="empty")
    assert (s["commit"], s["clean"]) == (None, True) and s["_text"].startswith("## No commits yet on ")
    assert "not a git repository: plain" in fails(ctx, "git_status", repository=str((ws / "plain").mkdir() or "plain"))


# ---- diff -------------------------------------------------------------------------------------


def test_diff_unstaged_staged_revisions_and_the_stat(ws: Path, ctx: FileToolContext) -> None:
    make_repo(ws)
    (ws / "a.txt").write_text("one\nTWO\nthree\nfour\n")
    (ws / "bin.dat").write_bytes(b"\0\1\2")
    git(ws, "add", "bin.dat")
    git(ws, "mv", "old.txt", "renamed.txt")
    d = ok(ctx, "git_diff")
    assert d["files"] == [{"path": "a.txt", "old_path": None, "added": 2, "deleted": 1, "binary": False}]
    assert (d["files_changed"], d["insertions"], d["deletions"], d["truncated"]) == (1, 2, 1, False)
    text = d["_text"]
    assert " a.txt | +2 -1\n 1 file changed, 2 insertions(+), 1 deletion(-)\n\ndiff --git a/a.txt b/a.txt\n" in text
    assert "-two\n+TWO\n" in text
    staged = ok(ctx, "git_diff", staged=True)
    assert {f["path"]: (f["old_path"], f["binary"]) for f in staged["files"]} == {
        "bin.dat": (None, True), "renamed.txt": ("old.txt", False)}
    assert "rename from old.txt" in staged["_text"] and "Binary files" in staged["_text"]
    git(ws, "commit", "-qam", "second")
    between = ok(ctx, "git_diff", base="HEAD~1", target="HEAD", stat_only=True)
    assert {f["path"] for f in between["files"]} == {"a.txt", "bin.dat", "renamed.txt"}
    assert "diff --git" not in between["_text"]
    assert ok(ctx, "git_diff", base="HEAD~1", paths=["a.txt"])["files_changed"] == 1
    assert "U0" not in ok(ctx, "git_diff", base="HEAD~1", paths=["a.txt"], context_lines=0)["_text"]
    assert "bad revision" in fails(ctx, "git_diff", base="no-such-branch")


def test_a_big_diff_is_cut_and_git_does_not_run_on(ws: Path, ctx: FileToolContext) -> None:
    make_repo(ws)
    (ws / "big.txt").write_text("".join(f"row {i} {'x' * 60}\n" for i in range(400_000)))  # ~27 MB of diff
    git(ws, "add", "big.txt")
    started = time.monotonic()
    d = ok(ctx, "git_diff", staged=True, max_bytes=4096)
    assert time.monotonic() - started < 10
    assert d["truncated"] and d["files"] == [{"path": "big.txt", "old_path": None, "added": 400_000, "deleted": 0,
                                               "binary": False}]
    patch = d["_text"].split("\n\n", 1)[1]
    assert 3000 < len(patch.split("[diff cut at")[0]) <= 4096
    assert "[diff cut at 4096 bytes (max_bytes)" in d["_text"]


def test_diff_output_fits_the_patch_tool(ws: Path, ctx: FileToolContext) -> None:
    """What git_diff shows of a repository in a subdirectory applies with patch, directory=<repository>."""
    make_repo(ws / "proj")
    (ws / "proj/a.txt").write_text("one\n2\nthree\n")
    diff = ok(ctx, "git_diff", repository="proj")["_text"].split("\n\n", 1)[1]
    git(ws / "proj", "checkout", "-q", "--", "a.txt")
    result = call(ctx, "patch", patch=diff, directory="proj")
    assert not result.is_error, result.text
    assert (ws / "proj/a.txt").read_text() == "one\n2\nthree\n"


# ---- log --------------------------------------------------------------------------------------


def test_log_pages_filters_and_structures_commits(ws: Path, ctx: FileToolContext) -> None:
    make_repo(ws)
    for i in range(5):
        (ws / "a.txt").write_text(f"v{i}\n")
        author = "Other Person <other@example.com>" if i % 2 else "Tess Ter <tess@example.com>"
        git(ws, "commit", "-qam", f"change {i} [x]", f"--author={author}", env={
            "GIT_AUTHOR_DATE": f"2024-01-0{i + 1}T12:00:00+02:00", "GIT_COMMITTER_DATE": f"2024-01-0{i + 1}T12:00:00Z"})
    log = ok(ctx, "git_log", max_count=2)
    assert [c["subject"] for c in log["commits"]] == ["change 4 [x]", "change 3 [x]"] and log["more"]
    first = log["commits"][0]
    assert first["author_name"] == "Tess Ter" and first["author_date"] == "2024-01-05T12:00:00+02:00"
    assert len(first["hash"]) == 40 and len(first["parents"]) == 1 and first["body"] == ""
    assert "[more commits; continue with skip=2]" in log["_text"]
    rest = ok(ctx, "git_log", skip=2, max_count=10)
    assert [c["subject"] for c in rest["commits"]][-1] == "first commit" and not rest["more"]
    assert rest["commits"][-1]["body"] == "With a body." and rest["commits"][-1]["parents"] == []
    # filters are plain text: "[x]" is not a character class, case does not matter
    assert len(ok(ctx, "git_log", grep="CHANGE 3 [X]")["commits"]) == 1
    assert {c["author_email"] for c in ok(ctx, "git_log", author="other@")["commits"]} == {"other@example.com"}
    assert len(ok(ctx, "git_log", since="2024-01-04 00:00:00 +0000")["commits"]) == 2
    assert len(ok(ctx, "git_log", revision="HEAD~3..HEAD~1")["commits"]) == 2
    assert len(ok(ctx, "git_log", paths=["b.txt"])["commits"]) == 1
    git(ws, "checkout", "-q", "--orphan", "void")
    git(ws, "rm", "-rqf", ".")
    assert ok(ctx, "git_log")["commits"] == []
    assert "bad revision" in fails(ctx, "git_log", revision="nope")


# ---- arguments git could read as options --------------------------------------------------------


@pytest.mark.parametrize(("tool", "args"), [
    ("git_log", {"revision": "--output=/tmp/pwned"}),
    ("git_log", {"revision": "-p"}),
    ("git_diff", {"base": "--output=/tmp/pwned"}),
    ("git_diff", {"base": "HEAD", "target": "--exec=touch /tmp/pwned"}),
    ("git_log", {"author": "x\ny"}),
    ("git_diff", {"target": "HEAD"}),
    ("git_diff", {"base": "HEAD", "target": "HEAD", "staged": True}),
])
def test_option_like_arguments_are_refused(tool: str, args: dict[str, Any]) -> None:
    with pytest.raises(ToolArgsError):
        validate_args(tool, args)


def test_values_and_paths_cannot_become_options(ws: Path, ctx: FileToolContext) -> None:
    make_repo(ws)
    marker = ws.parent / "pwned"
    # attached to their option, or after --end-of-options / --: never an option of their own
    assert ok(ctx, "git_log", author="--output=" + str(marker))["commits"] == []
    assert ok(ctx, "git_log", grep="-c core.pager=touch " + str(marker))["commits"] == []
    assert ok(ctx, "git_status", paths=["--output=x", "-c"])["entries"] == []
    assert ok(ctx, "git_diff", paths=[":(top)*", "*.txt"])["files"] == []  # literal: no pathspec magic
    (ws / "a.txt").write_text("changed\n")
    assert ok(ctx, "git_diff", paths=["a.txt"])["files_changed"] == 1
    assert not marker.exists()
    assert "outside the workspace" in fails(ctx, "git_status", paths=["../x"])
    assert "outside the workspace" in fails(ctx, "git_diff", paths=["/etc/passwd"])
    assert "outside the workspace" in fails(ctx, "git_log", repository="..")


# ---- configuration that would run programs ------------------------------------------------------


def hostile_repo(root: Path, marker_dir: Path) -> None:
    """A repository whose configuration, attributes and hooks try every way we know to make status,
    diff and log run a program (each would create a file in marker_dir)."""
    make_repo(root)

    def cmd(name: str) -> str:
        return f"touch {marker_dir}/{name}; cat"

    git(root, "config", "core.fsmonitor", cmd("fsmonitor"))
    git(root, "config", "core.pager", cmd("pager"))
    git(root, "config", "pager.status", cmd("pager-status"))
    git(root, "config", "diff.external", cmd("diff-external"))
    git(root, "config", "diff.evil.command", cmd("diff-command"))
    git(root, "config", "diff.evil.textconv", cmd("textconv"))
    git(root, "config", "filter.evil.clean", cmd("clean"))
    git(root, "config", "filter.evil.smudge", cmd("smudge"))
    git(root, "config", "filter.evil.process", cmd("process"))
    git(root, "config", "filter.evil.required", "true")
    git(root, "config", "log.showSignature", "true")
    git(root, "config", "gpg.program", cmd("gpg"))
    git(root, "config", "core.worktree", "/")  # would make the whole machine the work tree
    git(root, "config", "diff.noprefix", "true")
    (root / "included.cfg").write_text(f'[filter "inc"]\n\tclean = {cmd("included-clean")}\n')
    git(root, "config", "include.path", "../included.cfg")
    hooks = root / ".git" / "hooks"
    for hook in ("post-index-change", "pre-commit", "post-checkout", "fsmonitor-watchman", "reference-transaction"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {marker_dir}/hook-{hook}\n")
        (hooks / hook).chmod(0o755)
    git(root, "config", "core.hooksPath", str(hooks))
    (root / ".gitattributes").write_text("*.txt filter=evil diff=evil\n*.md filter=inc\n")
    (root / "c.md").write_text("md\n")
    # make every tracked file dirty, and racily clean, so clean filters would be asked for
    for name in ("a.txt", "b.txt", "old.txt"):
        (root / name).write_text((root / name).read_text() + "more\n")


def test_no_repository_configuration_runs_a_program(ws: Path, ctx: FileToolContext, tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    hostile_repo(ws / "repo", markers)
    s = ok(ctx, "git_status", repository="repo", untracked="all")
    assert {e["path"] for e in s["entries"]} == {"repo/a.txt", "repo/b.txt", "repo/old.txt", "repo/.gitattributes",
                                                 "repo/c.md", "repo/included.cfg"}
    d = ok(ctx, "git_diff", repository="repo")
    assert d["files_changed"] == 3 and "diff --git a/a.txt b/a.txt" in d["_text"] and "+more" in d["_text"]
    log = ok(ctx, "git_log", repository="repo")
    assert [c["subject"] for c in log["commits"]] == ["first commit"]
    assert sorted(os.listdir(markers)) == []
    # and git as a shell user would run them: the test is worth something
    subprocess.run(["git", "diff"], cwd=ws / "repo", capture_output=True, env={**os.environ, "GIT_PAGER": "cat"})
    assert os.listdir(markers) != []


def test_nothing_of_the_helpers_environment_reaches_git(ws: Path, ctx: FileToolContext,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    make_repo(ws)
    other = ws.parent / "other"
    make_repo(other)
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'core.pager'='touch /tmp/x'")
    monkeypatch.setenv("GIT_TRACE", str(ws.parent / "trace"))
    (ws / "a.txt").write_text("here\n")
    assert [f["path"] for f in ok(ctx, "git_diff")["files"]] == ["a.txt"]
    assert not (ws.parent / "trace").exists()
    env = gitmod.git_env(gitmod.Repo(5, 6, "", ""), ["x"])
    assert set(env) - {k for k in env if k.startswith("GIT_CONFIG_KEY_") or k.startswith("GIT_CONFIG_VALUE_")} == {
        "PATH", "HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_GLOBAL",
        "GIT_ATTR_NOSYSTEM", "GIT_TERMINAL_PROMPT", "GIT_PAGER", "PAGER", "GIT_OPTIONAL_LOCKS", "GIT_LITERAL_PATHSPECS",
        "LC_ALL", "GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG_COUNT"} | ({"SANDBOX_WORKER"} & set(child_env()))


# ---- confinement --------------------------------------------------------------------------------


def test_repositories_that_reach_outside_the_workspace_are_refused(ws: Path, ctx: FileToolContext) -> None:
    outside = ws.parent / "outside-repo"
    make_repo(outside)
    (ws / "gitfile").mkdir()
    (ws / "gitfile/.git").write_text(f"gitdir: {outside / '.git'}\n")
    assert "git directory outside the workspace" in fails(ctx, "git_status", repository="gitfile")
    (ws / "relfile").mkdir()
    (ws / "relfile/.git").write_text("gitdir: ../../outside-repo/.git\n")
    assert "outside the workspace" in fails(ctx, "git_log", repository="relfile")
    (ws / "link").mkdir()
    (ws / "link/.git").symlink_to(outside / ".git")
    assert "outside the workspace" in fails(ctx, "git_diff", repository="link")
    make_repo(ws / "alt")
    (ws / "alt/.git/objects/info/alternates").write_text(str(outside / ".git/objects") + "\n")
    assert "alternate object store outside the workspace" in fails(ctx, "git_status", repository="alt")
    # the workspace itself is not a repository: discovery stops at it, even inside a repository
    nested = ws.parent / "host"
    make_repo(nested)
    (nested / "inner").mkdir()
    inner_ctx = FileToolContext(nested / "inner", max_read_bytes=MIB, max_write_bytes=MIB)
    assert "not a git repository" in fails(inner_ctx, "git_status")


def test_a_worktree_inside_the_workspace_works(ws: Path, ctx: FileToolContext) -> None:
    make_repo(ws / "main")
    git(ws / "main", "worktree", "add", "-q", "../wt", "-b", "topic")
    (ws / "wt/a.txt").write_text("in the worktree\n")
    s = ok(ctx, "git_status", repository="wt")
    assert s["branch"] == "topic" and [e["path"] for e in s["entries"]] == ["wt/a.txt"]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the repository to another user")
def test_another_users_repository_is_refused_as_git_would(ws: Path, ctx: FileToolContext) -> None:
    make_repo(ws / "theirs")
    subprocess.run(["chown", "-R", "65534:65534", str(ws / "theirs")], check=True)
    text = fails(ctx, "git_status", repository="theirs")
    assert "dubious ownership" in text and "belongs to uid 65534" in text and "uid 0" in text


# ---- the runner -----------------------------------------------------------------------------------


def test_run_process_is_killed_on_stop_and_at_its_time_limit(tmp_path: Path) -> None:
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    out = run_process(["sh", "-c", "sleep 30 & sleep 30"], cwd_fd=None, stdin_fd=None, env=child_env(),
                      time_limit=60, stop=stop, output_cap=100)
    assert out.killed and out.code == -9 and time.monotonic() - started < 5
    out = run_process(["sleep", "30"], cwd_fd=None, stdin_fd=None, env=child_env(), time_limit=0.2,
                      stop=threading.Event(), output_cap=100)
    assert out.killed
    out = run_process(["sh", "-c", "echo err >&2; yes | head -c 1000000"], cwd_fd=None, stdin_fd=None,
                      env=child_env(), time_limit=10, stop=threading.Event(), output_cap=1000, kill_at_cap=True,
                      stderr_cap=100)
    assert out.capped and len(out.out) == 1000 and out.err == b"err\n"


def test_git_at_its_time_limit(ws: Path, ctx: FileToolContext, monkeypatch: pytest.MonkeyPatch) -> None:
    make_repo(ws)
    monkeypatch.setattr(gitmod, "GIT_TIME_LIMIT", 0.0)
    assert "did not finish within 0 s" in fails(ctx, "git_status")
