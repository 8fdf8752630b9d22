"""patch, multi_edit and batch_read against real files (``worker.tools.edits``, ``shared.edit_tools``).

They run in the test process, with its credentials (in a gateway they run in each worker's file
helper as the tool user: tests/test_edit_git_gateway.py).  Diffs come from the real ``git diff``
where the point is to apply what git produces, and are written by hand where the point is a case
git would not produce.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import itertools
import os
import stat
import subprocess
import threading
import tracemalloc
from pathlib import Path
from typing import Any

import msgspec
import pytest

from shared.edit_tools import MAX_PATCH_BYTES, MAX_PATCH_FILES
from shared.tools import TOOLS, ToolArgsError, validate_args
from worker.tools import edits
from worker.tools.files import FileToolContext, FileToolResult, call_file_tool, run_file_tool

MIB = 1024 * 1024
NAMES = ("patch", "multi_edit", "batch_read")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return workspace


@pytest.fixture
def ctx(ws: Path) -> FileToolContext:
    return FileToolContext(ws, max_read_bytes=10 * MIB, max_write_bytes=10 * MIB)


def call(ctx: FileToolContext, name: str, **args: Any) -> FileToolResult:
    return asyncio.run(run_file_tool(name, validate_args(name, args), ctx))


def ok(ctx: FileToolContext, name: str, **args: Any) -> FileToolResult:
    result = call(ctx, name, **args)
    assert not result.is_error, result.text
    return result


def fails(ctx: FileToolContext, name: str, **args: Any) -> str:
    result = call(ctx, name, **args)
    assert result.is_error, result.text
    return result.text


def git(cwd: Path, *argv: str) -> str:
    # surrogateescape: a diff of a Latin-1 file holds bytes that are not UTF-8, as the file does
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *argv], cwd=cwd, check=True,
                          capture_output=True, text=True, errors="surrogateescape").stdout


def snapshot(root: Path) -> dict[str, tuple[bytes, int] | str]:
    """Every entry below root but .git: file bytes and mode, directories and symlinks by kind."""
    out: dict[str, tuple[bytes, int] | str] = {}
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in dirs + files:
            path = Path(dirpath, name)
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = f"-> {os.readlink(path)}"
            elif path.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = (path.read_bytes(), stat.S_IMODE(path.stat().st_mode))
    return out


def leftovers(root: Path) -> list[str]:
    return [str(Path(d, n)) for d, _, files in os.walk(root) for n in files if ".patch-" in n]


# ---- schemas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_input_schemas_come_from_the_structs(name: str) -> None:
    spec = TOOLS[name]
    assert spec.runs_in == "helper"
    schema = spec.input_schema
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    fields = {f.name: f for f in msgspec.structs.fields(spec.args_type)}
    assert set(schema["properties"]) == set(fields)
    assert set(schema.get("required", [])) == {n for n, f in fields.items() if f.required}
    for prop in schema["properties"].values():
        assert prop["description"]


@pytest.mark.parametrize(("name", "args", "complaint"), [
    ("patch", {"patch": ""}, "length >= 1"),
    ("patch", {"patch": "x", "strip": -1}, ">= 0"),
    ("patch", {"patch": "x", "bogus": 1}, "bogus"),
    ("multi_edit", {"file_path": "a", "edits": []}, "length >= 1"),
    ("multi_edit", {"file_path": "a", "edits": [{"old_string": "x", "new_string": "y"}] * 101}, "length <= 100"),
    ("multi_edit", {"file_path": "a", "edits": [{"old_string": "x", "new_string": "x"}]}, "edit 1: old_string and"),
    ("multi_edit", {"file_path": "a", "edits": [{"old_string": "", "new_string": "x"}]}, "$.edits[0].old_string"),
    ("batch_read", {"files": []}, "length >= 1"),
    ("batch_read", {"files": [{"file_path": "a", "offset": 0}]}, ">= 1"),
    ("batch_read", {"files": [{"file_path": "a\0b"}]}, "NUL"),
])
def test_bad_arguments_are_refused_with_the_reason(name: str, args: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ToolArgsError) as info:
        validate_args(name, args)
    assert complaint in str(info.value)


# ---- multi_edit -------------------------------------------------------------------------------


def test_multi_edit_applies_in_order_and_shows_each_region(ws: Path, ctx: FileToolContext) -> None:
    (ws / "m.py").write_text("".join(f"line {i}\n" for i in range(1, 41)))
    result = ok(ctx, "multi_edit", file_path="m.py", edits=[
        {"old_string": "line 5\n", "new_string": "five\nFIVE\n"},
        {"old_string": "five", "new_string": "5"},  # sees the first edit's text
        {"old_string": "line 3", "new_string": "L3", "replace_all": True},  # line 3 and line 30-39
    ])
    text = (ws / "m.py").read_text()
    assert "5\nFIVE\nline 6" in text and "L3\nline 4" in text and "L30\n" in text and "L39\n" in text
    assert result.structured == {"path": "m.py", "edits": 3, "replacements": [1, 1, 11]}
    assert "     3\tL3\n     4\tline 4\n     5\t5\n     6\tFIVE\n     7\tline 6\n" in result.text


def test_multi_edit_failure_names_the_edit_and_changes_nothing(ws: Path, ctx: FileToolContext) -> None:
    target = ws / "f.txt"
    target.write_text("alpha\nbeta\nbeta\n")
    before = target.stat().st_ino
    text = fails(ctx, "multi_edit", file_path="f.txt", edits=[
        {"old_string": "alpha", "new_string": "ALPHA"}, {"old_string": "beta", "new_string": "B"}])
    assert "edit 2 of 2" in text and "occurs 2 times" in text and "nothing was changed" in text
    text = fails(ctx, "multi_edit", file_path="f.txt", edits=[
        {"old_string": "alpha", "new_string": "gamma"}, {"old_string": "alpha", "new_string": "x"}])
    assert "edit 2 of 2: (after the edits before it) old_string was not found" in text
    assert target.read_text() == "alpha\nbeta\nbeta\n" and target.stat().st_ino == before
    (ws / "b.bin").write_bytes(b"\0\1\2abc")
    assert "binary" in fails(ctx, "multi_edit", file_path="b.bin", edits=[{"old_string": "abc", "new_string": "x"}])
    assert "file not found" in fails(ctx, "multi_edit", file_path="no.txt",
                                     edits=[{"old_string": "a", "new_string": "b"}])


def test_multi_edit_keeps_encoding_line_ends_trailing_newline_and_mode(ws: Path, ctx: FileToolContext) -> None:
    target = ws / "w.txt"
    target.write_bytes(b"\xef\xbb\xbfcaf\xe9\r\nfirst\r\nsecond")  # BOM, Latin-1 byte, CRLF, no final newline
    target.chmod(0o751)
    ok(ctx, "multi_edit", file_path="w.txt", edits=[
        {"old_string": "first\nsecond", "new_string": "1st\n2nd"}, {"old_string": "2nd", "new_string": "2nd\n3rd"}])
    assert target.read_bytes() == b"\xef\xbb\xbfcaf\xe9\r\n1st\r\n2nd\r\n3rd"
    assert stat.S_IMODE(target.stat().st_mode) == 0o751


# ---- batch_read -------------------------------------------------------------------------------


def test_batch_read_many_files_each_with_its_own_error(ws: Path, ctx: FileToolContext) -> None:
    for i in range(50):
        (ws / f"f{i}.txt").write_text(f"file {i}\nsecond\n")
    (ws / "bin.dat").write_bytes(b"\x89PNG\r\n\x1a\n\0\0")
    (ws / "dir").mkdir()
    files: list[dict[str, Any]] = [{"file_path": f"f{i}.txt"} for i in range(50)]
    files += [{"file_path": "missing.txt"}, {"file_path": "bin.dat"}, {"file_path": "dir"},
              {"file_path": "../outside.txt"}, {"file_path": "f1.txt", "offset": 2, "limit": 1}]
    result = ok(ctx, "batch_read", files=files)
    s = result.structured
    assert s is not None and (s["read"], s["failed"], s["skipped"], s["truncated"]) == (51, 4, 0, False)
    assert result.text.startswith("==> f0.txt <==\n     1\tfile 0\n     2\tsecond\n==> f1.txt <==\n")
    errors = {f["path"]: f["error"] for f in s["files"] if f["error"]}
    assert "file not found" in errors["missing.txt"] and "PNG" in errors["bin.dat"]
    assert "directory" in errors["dir"] and "outside the workspace" in errors["../outside.txt"]
    assert s["files"][-1] == {"path": "f1.txt", "error": None, "size": 14, "first_line": 2, "last_line": 2,
                              "truncated": False, "next_offset": None}
    assert "==> f1.txt <==\n     2\tsecond\n[55 files: 51 read, 4 failed]\n" in result.text
    every_missing = call(ctx, "batch_read", files=[{"file_path": "x"}, {"file_path": "y"}])
    assert every_missing.is_error and every_missing.structured is not None


def test_batch_read_output_is_bounded_by_the_read_limit(ws: Path) -> None:
    ctx = FileToolContext(ws, max_read_bytes=4000, max_write_bytes=MIB)
    for i in range(10):
        (ws / f"f{i}.txt").write_text("".join(f"line {n} of file {i}\n" for n in range(300)))
    result = ok(ctx, "batch_read", files=[{"file_path": f"f{i}.txt"} for i in range(10)])
    assert len(result.text.encode()) <= 4000 + 400  # the skipped files' line and the summary past the budget
    s = result.structured
    assert s is not None and s["truncated"] and s["skipped"] >= 7
    first = s["files"][0]
    assert first["truncated"] and first["next_offset"] == first["last_line"] + 1
    assert "batch's output limit (4000 bytes in all, max_read_bytes)" in result.text
    assert "files not read: the batch reached its output limit of 4000 bytes (max_read_bytes)" in result.text
    assert "f9.txt]" in result.text


# ---- patch: what git produces -----------------------------------------------------------------


def make_repo(root: Path) -> None:
    git(root, "init", "-q", ".")
    (root / "a.txt").write_text("one\ntwo\nthree\nfour\nfive\nsix\nseven\n")
    (root / "crlf.txt").write_bytes(b"x\r\ny\r\nz\r\n")
    (root / "nonl.txt").write_bytes(b"keep\nlast")
    (root / "del.txt").write_text("gone\n")
    (root / "old.txt").write_text("moving\ncontent\nmore\nlines\nhere\n")
    (root / "bom.txt").write_bytes(b"\xef\xbb\xbfbom line\nsecond\n")
    (root / "latin1.txt").write_bytes(b"caf\xe9\nbar\n")
    (root / "caf\u00e9 \u00fc.txt").write_text("unicode name\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")


def change_repo(root: Path) -> None:
    (root / "a.txt").write_text("one\ntwo\nTHREE\nfour\nfive\nSIX\nseven\n")
    (root / "a.txt").chmod(0o755)
    (root / "crlf.txt").write_bytes(b"x\r\nY\r\nz\r\nw\r\n")
    (root / "nonl.txt").write_bytes(b"keep\nLAST")
    (root / "del.txt").unlink()
    (root / "sub").mkdir()
    (root / "old.txt").rename(root / "sub/new.txt")
    (root / "sub/new.txt").write_text("moving\ncontent!\nmore\nlines\nhere\n")
    (root / "newdir/deeper").mkdir(parents=True)
    (root / "newdir/deeper/n.txt").write_text("brand\nnew\n")
    (root / "bom.txt").write_bytes(b"\xef\xbb\xbfbom line\nSECOND\n")
    (root / "latin1.txt").write_bytes(b"caf\xe9\nBAR\n")
    (root / "caf\u00e9 \u00fc.txt").write_text("unicode name, changed\n")


def git_patch(ws: Path, *extra: str) -> tuple[str, dict[str, Any]]:
    """The staged diff of change_repo against make_repo (git's own output, ``extra`` options and
    pathspecs added), the state it leads to (every path's), and the workspace put back as before."""
    make_repo(ws)
    change_repo(ws)
    git(ws, "add", "-A")
    diff = git(ws, "diff", "--cached", "-M", *extra)
    after = snapshot(ws)
    git(ws, "reset", "-q", "--hard")
    git(ws, "clean", "-fdq")
    return diff, after


def test_a_git_diff_applies_to_exactly_what_git_had(ws: Path, ctx: FileToolContext) -> None:
    """Modify, create (in new directories), delete, rename with changes, a mode change, CRLF, a BOM,
    Latin-1 bytes, a file without a final newline and a name git quotes: byte for byte and mode for mode."""
    diff, after = git_patch(ws)
    assert '"a/caf\\303\\251 \\303\\274.txt"' in diff  # git quoted the name
    result = ok(ctx, "patch", patch=diff)
    assert snapshot(ws) == after
    git(ws, "add", "-A")
    assert git(ws, "diff", "--cached", "-M") == diff  # git sees exactly the change it described
    s = result.structured
    assert s is not None and s["applied"] and not s["dry_run"] and s["strip"] == 1
    by_path = {f["path"]: f for f in s["files"]}
    assert by_path["sub/new.txt"]["action"] == "rename" and by_path["sub/new.txt"]["old_path"] == "old.txt"
    assert by_path["del.txt"]["action"] == "delete" and by_path["newdir/deeper/n.txt"]["action"] == "create"
    assert by_path["a.txt"]["mode"] == "100755"
    assert leftovers(ws) == []


def test_p0_diffs_and_a_directory(ws: Path, ctx: FileToolContext) -> None:
    # (a `diff --git` line without a/ and b/ cannot be split where a name has a space: not that file)
    diff, after = git_patch(ws, "--no-prefix", "--", ".", ":(exclude)caf*")
    assert "--- a/" not in diff and "caf\u00e9" not in diff
    ok(ctx, "patch", patch=diff, strip=0)
    unicode = "caf\u00e9 \u00fc.txt"
    assert snapshot(ws) == {**after, unicode: (b"unicode name\n", after[unicode][1])}
    # the same diff from a directory above, with -p1 taking the repository's name off
    git(ws, "reset", "-q", "--hard")
    git(ws, "clean", "-fdq")
    (ws / "proj").mkdir()
    (ws / "proj/f.txt").write_text("a\nb\n")
    plain = "--- proj/f.txt\t2024-01-01 00:00:00\n+++ proj/f.txt\t2024-01-02 00:00:00\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n"
    result = ok(ctx, "patch", patch=plain)  # auto: 0 (the same first component on both sides)
    assert result.structured is not None and result.structured["strip"] == 0
    assert (ws / "proj/f.txt").read_text() == "a\nB\n"
    ok(ctx, "patch", patch=plain.replace("proj/", "x/").replace("+B", "+C").replace("-b", "-B"), strip=1,
       directory="proj")
    assert (ws / "proj/f.txt").read_text() == "a\nC\n"
    assert "cannot strip 5 leading components" in fails(ctx, "patch", patch=plain, strip=5)


def test_dry_run_changes_nothing_and_its_digest_guards_the_apply(ws: Path, ctx: FileToolContext) -> None:
    diff, _ = git_patch(ws)
    before = snapshot(ws)
    dry = ok(ctx, "patch", patch=diff, dry_run=True)
    assert snapshot(ws) == before and leftovers(ws) == []
    assert dry.structured is not None and dry.structured["dry_run"] and not dry.structured["applied"]
    assert dry.text.startswith("Dry run: the patch applies cleanly; nothing was changed.")
    digest = dry.structured["digest"]
    assert ok(ctx, "patch", patch=diff, dry_run=True).structured["digest"] == digest  # type: ignore[index]
    # a file changes between the dry run and the apply, in a way the hunks still fit: the digest stops it
    (ws / "a.txt").write_text((ws / "a.txt").read_text() + "eight\n")
    text = fails(ctx, "patch", patch=diff, expect_digest=digest)
    assert "changed since the dry run" in text and "nothing was changed" in text
    assert (ws / "a.txt").read_text().endswith("seven\neight\n") and not (ws / "newdir").exists()
    # without the digest the hunks still fit and it applies
    ok(ctx, "patch", patch=diff)
    assert (ws / "a.txt").read_text() == "one\ntwo\nTHREE\nfour\nfive\nSIX\nseven\neight\n"


# ---- patch: all or nothing --------------------------------------------------------------------


def three_files(ws: Path) -> str:
    (ws / "one.txt").write_text("a\nb\nc\n")
    (ws / "two.py").write_text("".join(f"line {i}\n" for i in range(1, 60)).replace("line 30\n", "line 30 x\n"))
    return ("--- a/one.txt\n+++ b/one.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
            "--- /dev/null\n+++ b/made/new.txt\n@@ -0,0 +1 @@\n+new\n"
            "--- a/two.py\n+++ b/two.py\n@@ -2,3 +2,3 @@\n line 2\n-line 3\n+line three\n line 4\n"
            "@@ -28,5 +28,5 @@\n line 28\n line 29\n-line 30\n+line thirty\n line 31\n line 32\n")


def test_a_failed_hunk_changes_nothing_and_names_file_hunk_and_nearest_lines(ws: Path, ctx: FileToolContext
                                                                             ) -> None:
    diff = three_files(ws)
    before = snapshot(ws)
    text = fails(ctx, "patch", patch=diff)
    assert snapshot(ws) == before and leftovers(ws) == [] and not (ws / "made").exists()
    lines = text.splitlines()
    assert lines[0] == ("patch failed, nothing was changed: hunk 2 of 2 for two.py (file 3 of 3 in the patch) does "
                        "not apply: @@ -28,5 +28,5 @@")
    assert "nearest matching lines of two.py are 28-32: 4 of 5 equal" in text
    assert "!     30  line 30 x" in lines and "    hunk  line 30" in lines and "      29  line 29" in lines
    # whitespace-only differences are shown as such
    (ws / "two.py").write_text((ws / "two.py").read_text().replace("line 29\n", "line\t29\n"))
    assert "~     29  'line\\t29'" in fails(ctx, "patch", patch=diff).splitlines()


@pytest.mark.parametrize("no_links", [False, True], ids=["hard-links", "no-hard-links"])
def test_a_failed_commit_is_rolled_back(ws: Path, ctx: FileToolContext, monkeypatch: pytest.MonkeyPatch,
                                        no_links: bool) -> None:
    """A rename of the commit fails (as a full disk or a vanished directory would make it): every file
    is put back, the new directories and temporary files are gone."""
    diff, after = git_patch(ws)
    before = snapshot(ws)
    inodes = {p: os.stat(ws / p).st_ino for p in ("a.txt", "crlf.txt", "del.txt", "old.txt")}
    real_rename, real_link = edits._rename, edits._link
    if no_links:  # a filesystem without hard links: the old files move aside instead

        def real_link(*a: Any, **kw: Any) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")

    for fail_at in itertools.count(1):
        calls = 0

        def flaky(real: Any, *a: Any, fail_at: int = fail_at, **kw: Any) -> None:
            nonlocal calls
            calls += 1
            if calls == fail_at:
                raise OSError(5, "Input/output error", "injected")
            real(*a, **kw)

        monkeypatch.setattr(edits, "_rename", functools.partial(flaky, real_rename))
        monkeypatch.setattr(edits, "_link", functools.partial(flaky, real_link))
        result = call(ctx, "patch", patch=diff)
        if not result.is_error:
            break
        assert "every file was put back as it was, nothing was changed" in result.text, (fail_at, result.text)
        assert snapshot(ws) == before, fail_at
        assert leftovers(ws) == [], fail_at
        assert {p: os.stat(ws / p).st_ino for p in inodes} == inodes  # the very same files, not copies
    # 6 modified files (a link, or a failed link, and a rename or two each), a delete, a rename (two renames), a
    # create: every step failed once
    assert fail_at == (6 * 3 if no_links else 6 * 2) + 1 + 2 + 1 + 1
    assert snapshot(ws) == after and leftovers(ws) == []


def test_a_file_changed_during_the_patch_stops_the_commit(ws: Path, ctx: FileToolContext,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    diff = three_files(ws).split("--- a/two.py")[0]
    real = edits._commit

    def meddle(*a: Any) -> None:
        (ws / "one.txt").write_text("a\nb\nc\nmore\n")
        real(*a)

    monkeypatch.setattr(edits, "_commit", meddle)
    text = fails(ctx, "patch", patch=diff)
    assert "one.txt changed while the patch was being applied; nothing was changed" in text
    assert (ws / "one.txt").read_text() == "a\nb\nc\nmore\n" and not (ws / "made").exists() and leftovers(ws) == []


def test_a_directory_swapped_for_a_symlink_during_the_patch_redirects_nothing(
        ws: Path, ctx: FileToolContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between resolving and committing, ``d`` becomes a symlink to a directory outside: the patch's
    renames happen in the directory it resolved (now ``d.real``), never outside."""
    outside = ws.parent / "outside"
    outside.mkdir()
    (outside / "f.txt").write_text("secret\n")
    (ws / "d").mkdir()
    (ws / "d/f.txt").write_text("secret\n")
    real = edits._commit

    def swap(*a: Any) -> None:
        (ws / "d").rename(ws / "d.real")
        (ws / "d").symlink_to(outside)
        real(*a)

    monkeypatch.setattr(edits, "_commit", swap)
    ok(ctx, "patch", patch="--- a/d/f.txt\n+++ b/d/f.txt\n@@ -1 +1 @@\n-secret\n+patched\n")
    assert (outside / "f.txt").read_text() == "secret\n" and sorted(os.listdir(outside)) == ["f.txt"]
    assert (ws / "d.real/f.txt").read_text() == "patched\n"


def test_renames_may_swap_names_and_copies_keep_the_source(ws: Path, ctx: FileToolContext) -> None:
    (ws / "x.txt").write_text("x\n")
    (ws / "y.txt").write_text("y\n")
    swap = ("diff --git a/x.txt b/y.txt\nsimilarity index 100%\nrename from x.txt\nrename to y.txt\n"
            "diff --git a/y.txt b/x.txt\nsimilarity index 100%\nrename from y.txt\nrename to x.txt\n")
    ok(ctx, "patch", patch=swap)
    assert (ws / "x.txt").read_text() == "y\n" and (ws / "y.txt").read_text() == "x\n"
    copy = ("diff --git a/x.txt b/z.txt\nsimilarity index 50%\ncopy from x.txt\ncopy to z.txt\n"
            "--- a/x.txt\n+++ b/z.txt\n@@ -1 +1 @@\n-y\n+z\n")
    result = ok(ctx, "patch", patch=copy)
    assert (ws / "x.txt").read_text() == "y\n" and (ws / "z.txt").read_text() == "z\n"
    assert result.structured is not None and result.structured["files"][0]["action"] == "copy"


# ---- patch: hostile input ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "sub/../../x", "escape/f.txt", "link.txt"])
def test_path_tricks_in_diff_headers_are_refused(ws: Path, ctx: FileToolContext, name: str) -> None:
    outside = ws.parent / "outside"
    outside.mkdir()
    (outside / "f.txt").write_text("root\n")
    (ws / "sub").mkdir()
    (ws / "escape").symlink_to(outside)
    (ws / "link.txt").symlink_to(outside / "f.txt")
    before = snapshot(ws.parent)
    for diff in (f"--- {name}\n+++ {name}\n@@ -1 +1 @@\n-root\n+pwned\n",
                 f"--- /dev/null\n+++ {name}\n@@ -0,0 +1 @@\n+pwned\n",
                 f"diff --git a/{name} b/{name}\ndeleted file mode 100644\n--- a/{name}\n+++ /dev/null\n"
                 "@@ -1 +0,0 @@\n-root\n"):
        text = fails(ctx, "patch", patch=diff, strip=0 if "diff --git" not in diff else 1)
        assert "outside the workspace" in text or "file not found" in text or "symlink" in text, text
        assert "nothing was changed" in text
    assert snapshot(ws.parent) == before


def test_binary_garbage_and_impossible_patches_are_refused(ws: Path, ctx: FileToolContext) -> None:
    (ws / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    (ws / "t.txt").write_text("t\n")
    binary = ("diff --git a/img.png b/img.png\nindex 1111111..2222222 100644\nGIT binary patch\nliteral 4\n"
              "LcmZQzU|<9Q00jU8\n\nliteral 0\nHcmV?d00001\n\n")
    assert "binary patch" in fails(ctx, "patch", patch=binary)
    assert "Binary files" not in fails(ctx, "patch", patch="Binary files a/img.png and b/img.png differ\n")
    assert "binary file" in fails(ctx, "patch", patch="--- a/img.png\n+++ b/img.png\n@@ -1 +1 @@\n-x\n+y\n")
    assert "no file changes found" in fails(ctx, "patch", patch="just some text\nnot a diff\n")
    short = "--- a/t.txt\n+++ b/t.txt\n@@ -1,3 +1,3 @@\n-t\n+u\n"
    assert "not a valid unified diff" in fails(ctx, "patch", patch=short)
    assert "already exists" in fails(ctx, "patch", patch="--- /dev/null\n+++ b/t.txt\n@@ -0,0 +1 @@\n+t\n")
    delete_other = ("diff --git a/t.txt b/t.txt\ndeleted file mode 100644\n--- a/t.txt\n+++ /dev/null\n"
                    "@@ -1 +0,0 @@\n-x\n")
    assert "does not apply" in fails(ctx, "patch", patch=delete_other)
    symlink = "diff --git a/l b/l\nnew file mode 120000\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+/etc\n"
    assert "symlink" in fails(ctx, "patch", patch=symlink)
    twice = "--- a/t.txt\n+++ b/t.txt\n@@ -1 +1 @@\n-t\n+u\n" * 2
    assert "changes t.txt twice" in fails(ctx, "patch", patch=twice)
    assert (ws / "t.txt").read_text() == "t\n" and leftovers(ws) == []


def test_size_limits(ws: Path, ctx: FileToolContext) -> None:
    huge = "--- a/t.txt\n+++ b/t.txt\n@@ -1 +1 @@\n-t\n+" + "x" * MAX_PATCH_BYTES + "\n"
    assert f"over the limit of {MAX_PATCH_BYTES} bytes" in fails(ctx, "patch", patch=huge)
    many = "".join(f"--- /dev/null\n+++ b/f{i}\n@@ -0,0 +1 @@\n+x\n" for i in range(MAX_PATCH_FILES + 1))
    assert f"over the limit of {MAX_PATCH_FILES}" in fails(ctx, "patch", patch=many)
    assert os.listdir(ws) == []


def test_a_thousand_small_files_in_one_patch(ws: Path, ctx: FileToolContext) -> None:
    for i in range(500):
        (ws / f"m{i}.txt").write_text(f"old {i}\n")
    diff = "".join(f"--- a/m{i}.txt\n+++ b/m{i}.txt\n@@ -1 +1 @@\n-old {i}\n+new {i}\n" for i in range(500))
    diff += "".join(f"--- /dev/null\n+++ b/new/d{i % 10}/c{i}.txt\n@@ -0,0 +1 @@\n+c {i}\n" for i in range(500))
    result = ok(ctx, "patch", patch=diff)
    assert result.structured is not None and len(result.structured["files"]) == 1000
    assert (ws / "m499.txt").read_text() == "new 499\n" and (ws / "new/d9/c499.txt").read_text() == "c 499\n"
    assert leftovers(ws) == []


def test_parsing_a_large_patch_is_bounded_in_memory(ws: Path, ctx: FileToolContext) -> None:
    """About 25 bytes of memory per byte of diff while it is parsed (MAX_PATCH_BYTES: ~100 MiB at most)."""
    (ws / "big.txt").write_text("".join(f"row {i}\n" for i in range(60_000)))
    diff = "--- a/big.txt\n+++ b/big.txt\n" + "".join(
        f"@@ -{i},1 +{i},1 @@\n-row {i - 1}\n+ROW {i - 1}\n" for i in range(1, 60_000, 3))
    assert MIB // 2 < len(diff) < MIB
    tracemalloc.start()
    try:
        ok(ctx, "patch", patch=diff)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * len(diff), peak
    assert (ws / "big.txt").read_text().startswith("ROW 0\nrow 1\nrow 2\nROW 3\n")


def test_binary_files_are_renamed_copied_chmodded_and_deleted_as_git_describes_them(
        ws: Path, ctx: FileToolContext) -> None:
    """git describes these without content (no hunks): the file is taken as it is, whatever it holds."""
    git(ws, "init", "-q", ".")
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 8
    (ws / "img.png").write_bytes(png)
    (ws / "tool.bin").write_bytes(b"\x7fELF\0\0\0" + bytes(100))
    (ws / "gone.bin").write_bytes(b"\0\1\2\3" * 100)
    (ws / "copied.bin").write_bytes(b"\0copy me\0")
    git(ws, "add", "-A")
    git(ws, "commit", "-qm", "binaries")
    (ws / "assets").mkdir()
    (ws / "img.png").rename(ws / "assets/img.png")
    (ws / "tool.bin").chmod(0o755)
    (ws / "gone.bin").unlink()
    (ws / "copy2.bin").write_bytes(b"\0copy me\0")
    git(ws, "add", "-A")
    diff = git(ws, "diff", "--cached", "-M", "-C", "--find-copies-harder")
    after = snapshot(ws)
    assert "Binary files a/gone.bin and /dev/null differ" in diff and "rename to assets/img.png" in diff
    git(ws, "reset", "-q", "--hard")
    git(ws, "clean", "-fdq")
    inode = (ws / "img.png").stat().st_ino
    before = snapshot(ws)
    real = edits._rename
    for fail_at in range(1, 6):  # the move rolled back at each of its steps, like the rest
        calls = 0

        def flaky(*a: Any, fail_at: int = fail_at, **kw: Any) -> None:
            nonlocal calls
            calls += 1
            if calls == fail_at:
                raise OSError(5, "Input/output error", "injected")
            real(*a, **kw)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(edits, "_rename", flaky)
            assert "every file was put back" in fails(ctx, "patch", patch=diff)
        assert snapshot(ws) == before and leftovers(ws) == [] and (ws / "img.png").stat().st_ino == inode
    result = ok(ctx, "patch", patch=diff)
    assert snapshot(ws) == after
    assert (ws / "assets/img.png").stat().st_ino == inode  # moved, not copied
    actions = {f["path"]: f["action"] for f in result.structured["files"]}  # type: ignore[index]
    assert actions == {"assets/img.png": "rename", "tool.bin": "modify", "gone.bin": "delete", "copy2.bin": "copy"}
    # a deleted binary file that is not the one the diff names (its blob id) is not deleted
    git(ws, "reset", "-q", "--hard")
    git(ws, "clean", "-fdq")
    (ws / "gone.bin").write_bytes(b"something else")
    text = fails(ctx, "patch", patch=diff)
    assert "gone.bin, but the file is not the one the diff names" in text
    assert (ws / "img.png").exists() and not (ws / "assets").exists()
    # and a binary patch with content is still refused
    git(ws, "checkout", "-q", "--", "gone.bin")
    (ws / "img.png").write_bytes(png + b"more")
    git(ws, "add", "img.png")
    binary = git(ws, "diff", "--cached", "--binary")
    assert "GIT binary patch" in binary and "binary patch" in fails(ctx, "patch", patch=binary)


def test_new_files_of_one_name_in_new_directories(ws: Path, ctx: FileToolContext) -> None:
    """Their new contents wait in the same (deepest existing) directory: their temporary names differ."""
    diff = "".join(f"--- /dev/null\n+++ b/new/{d}/same.txt\n@@ -0,0 +1 @@\n+{d}\n" for d in "abc")
    ok(ctx, "patch", patch=diff)
    assert [(ws / f"new/{d}/same.txt").read_text() for d in "abc"] == ["a\n", "b\n", "c\n"]
    assert leftovers(ws) == []


def test_concurrent_writers_leave_whole_states(ws: Path, ctx: FileToolContext) -> None:
    """patch and multi_edit on one file from 8 threads at once: every call applies whole or is refused
    because the file changed under it (then changes nothing), and no update is lost: each checks the
    file under its lock just before its rename."""
    (ws / "f.txt").write_text("decoy\n")
    patch = validate_args("patch", {"patch": "--- a/f.txt\n+++ b/f.txt\n@@ -1 +1,2 @@\n decoy\n+#\n"})
    edit = validate_args("multi_edit", {"file_path": "f.txt", "edits": [{"old_string": "decoy\n",
                                                                        "new_string": "decoy\n!\n"}]})
    applied = {"patch": 0, "multi_edit": 0}
    refusals: list[str] = []
    lock = threading.Lock()

    def work(tool: str, args: Any) -> None:
        for _ in range(150):
            result = call_file_tool(tool, args, ctx)
            with lock:
                if result.is_error:
                    refusals.append(result.text)
                else:
                    applied[tool] += 1

    threads = [threading.Thread(target=work, args=("patch", patch)) for _ in range(4)]
    threads += [threading.Thread(target=work, args=("multi_edit", edit)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = (ws / "f.txt").read_text().splitlines()
    assert lines[0] == "decoy" and set(lines[1:]) <= {"#", "!"}
    assert (lines.count("#"), lines.count("!")) == (applied["patch"], applied["multi_edit"])
    assert all("changed while" in r or "replaced while" in r for r in refusals), {r[:80] for r in refusals}
    assert leftovers(ws) == [] and [n for n in os.listdir(ws) if n != "f.txt"] == []


def test_a_file_locked_by_another_process_is_not_replaced(ws: Path, ctx: FileToolContext,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    import worker.tools.files as files

    monkeypatch.setattr(files, "LOCK_WAIT", 0.2)
    (ws / "f.txt").write_text("a\nb\n")
    with open(ws / "f.txt") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        for tool, args in [("multi_edit", {"file_path": "f.txt", "edits": [{"old_string": "a", "new_string": "A"}]}),
                           ("edit", {"file_path": "f.txt", "old_string": "a", "new_string": "A"}),
                           ("patch", {"patch": "--- a/f.txt\n+++ b/f.txt\n@@ -1 +1 @@\n-a\n+A\n"})]:
            assert "f.txt is locked (flock) by another process; nothing was changed" in fails(ctx, tool, **args)
    assert (ws / "f.txt").read_text() == "a\nb\n" and leftovers(ws) == [] and os.listdir(ws) == ["f.txt"]
    ok(ctx, "multi_edit", file_path="f.txt", edits=[{"old_string": "a", "new_string": "A"}])


def test_a_new_file_named_on_both_sides(ws: Path, ctx: FileToolContext) -> None:
    """diff -N, and many hand-written diffs, create a file with its own name on the old side."""
    diff = "--- a/pkg/new.py\n+++ b/pkg/new.py\n@@ -0,0 +1,2 @@\n+def f():\n+    return 1\n"
    result = ok(ctx, "patch", patch=diff)
    assert (ws / "pkg/new.py").read_text() == "def f():\n    return 1\n"
    assert result.structured is not None and result.structured["files"][0]["action"] == "create"
    (ws / "empty.txt").write_text("")  # an existing empty file gets the lines instead
    ok(ctx, "patch", patch=diff.replace("pkg/new.py", "empty.txt"))
    assert (ws / "empty.txt").read_text() == "def f():\n    return 1\n"
    assert "file not found" in fails(ctx, "patch", patch="--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-a\n+b\n")
