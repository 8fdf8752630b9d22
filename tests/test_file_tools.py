"""The file tools against real files in per-test workspaces (``worker.tools.files``, ``shared.file_tools``).

They run in the test process here, with its credentials (in a gateway they run in each worker's
file helper, as the tool user: tests/test_file_confinement.py).  grep runs with both engines: the
Python one (``run=None``) and ripgrep through ``run_rg``, the runner the file helper uses.  The
parity tests need ``rg`` on PATH and are skipped with a message when it is missing.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import stat
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.file_tools import EditArgs, GlobArgs, GrepArgs, ListArgs, ReadArgs, WriteArgs
from shared.tools import TOOLS, ToolArgsError, validate_args
from worker.tools.files import (
    FILE_TOOL_NAMES,
    MAX_GLOB_RESULTS,
    MAX_LINE_CHARS,
    MAX_LIST_ENTRIES,
    FileToolContext,
    FileToolResult,
    run_file_tool,
    run_rg,
)

RG = shutil.which("rg")
needs_rg = pytest.mark.skipif(RG is None, reason="ripgrep (rg) is not on PATH; rg-vs-python parity not tested")
MIB = 1024 * 1024


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return workspace


def make_ctx(ws: Path, *, engine: str = "python", **overrides: Any) -> FileToolContext:
    fields: dict[str, Any] = {"max_read_bytes": 10 * MIB, "max_write_bytes": 10 * MIB}
    fields.update(overrides)
    run = run_rg if engine == "rg" else None
    if engine == "rg":
        fields.setdefault("python_first", 0.0)  # rg from the start, whatever the tree's size
    return FileToolContext(ws, run=run, **fields)


@pytest.fixture
def ctx(ws: Path) -> FileToolContext:
    return make_ctx(ws)


@pytest.fixture(params=["python", pytest.param("rg", marks=needs_rg)])
def grep_ctx(request: pytest.FixtureRequest, ws: Path) -> FileToolContext:
    return make_ctx(ws, engine=request.param)


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


def umask() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    pytest.skip("no Umask line in /proc/self/status")


# ---- schemas and argument validation -------------------------------------------------


ARG_TYPES = {
    "read": ReadArgs,
    "write": WriteArgs,
    "edit": EditArgs,
    "list": ListArgs,
    "glob": GlobArgs,
    "grep": GrepArgs,
}


@pytest.mark.parametrize("name", sorted(ARG_TYPES))
def test_schema_is_strict_and_matches_the_struct(name: str) -> None:
    spec = TOOLS[name]
    schema = spec.input_schema
    assert name in FILE_TOOL_NAMES
    assert spec.args_type is ARG_TYPES[name]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    struct_fields = {f.name: f for f in msgspec.structs.fields(spec.args_type)}
    assert set(schema["properties"]) == set(struct_fields)
    required = {n for n, f in struct_fields.items() if f.required}
    assert set(schema.get("required", [])) == required
    for prop in schema["properties"].values():
        assert prop["type"] in {"string", "integer", "boolean"}
        assert prop["description"]
    assert len(spec.description) > 80


@pytest.mark.parametrize(
    ("name", "args", "complaint"),
    [
        ("read", {"file_path": "a", "bogus": 1}, "bogus"),
        ("read", {"file_path": "a", "offset": 0}, "offset must be >= 1"),
        ("read", {"file_path": "a", "limit": -5}, "limit must be >= 1"),
        ("read", {"file_path": "a", "offset": "3"}, "Expected `int | null`"),
        ("read", {}, "file_path"),
        ("read", {"file_path": "a\0b"}, "NUL"),
        ("write", {"file_path": "a", "content": "x", "mode": "truncate"}, "mode"),
        ("write", {"file_path": "a", "content": "x", "encoding": "latin-1"}, "encoding"),
        ("edit", {"file_path": "a", "old_string": "x", "new_string": "x"}, "identical"),
        ("edit", {"file_path": "a", "old_string": "", "new_string": "x"}, "old_string must not be empty"),
        ("list", {"max_depth": 2}, "max_depth needs recursive=true"),
        ("list", {"recursive": True, "max_depth": 0}, "max_depth must be >= 1"),
        ("glob", {"pattern": "/etc/*"}, "relative"),
        ("glob", {"pattern": "../*"}, ".."),
        ("grep", {"pattern": "x", "context_lines": 51}, "context_lines must be between 0 and 50"),
        ("grep", {"pattern": "x", "max_results": 0}, "max_results must be between 1"),
        ("grep", {"pattern": "x", "glob": "!*.py"}, "exclusion"),
        ("grep", {"pattern": ""}, "pattern must not be empty"),
    ],
)
def test_bad_arguments_are_refused_with_the_reason(name: str, args: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ToolArgsError) as info:
        validate_args(name, args)
    assert complaint in str(info.value)


def test_raw_dict_arguments_are_validated_into_an_error_result(ctx: FileToolContext) -> None:
    result = asyncio.run(run_file_tool("read", {"file_path": "x\0y"}, ctx))
    assert result.is_error
    assert "NUL" in result.text


def test_unknown_tool_is_an_error_result(ctx: FileToolContext) -> None:
    result = asyncio.run(run_file_tool("bash", {}, ctx))
    assert result.is_error
    assert "unknown file tool" in result.text


# ---- read ----------------------------------------------------------------------------


def test_read_numbers_lines_like_cat_n(ws: Path, ctx: FileToolContext) -> None:
    (ws / "a.txt").write_text("alpha\nbeta\n\ngamma\n")
    result = ok(ctx, "read", file_path="a.txt")
    assert result.text == "     1\talpha\n     2\tbeta\n     3\t\n     4\tgamma\n"
    assert result.structured == {
        "path": "a.txt",
        "size": 18,
        "first_line": 1,
        "last_line": 4,
        "truncated": False,
        "next_offset": None,
    }


def test_read_offset_and_limit_say_where_to_continue(ws: Path, ctx: FileToolContext) -> None:
    (ws / "n.txt").write_text("".join(f"line {i}\n" for i in range(1, 11)))
    result = ok(ctx, "read", file_path="n.txt", offset=4, limit=3)
    lines = result.text.splitlines()
    assert lines[:3] == ["     4\tline 4", "     5\tline 5", "     6\tline 6"]
    assert "offset=7" in lines[3]
    assert result.structured is not None and result.structured["next_offset"] == 7
    tail = ok(ctx, "read", file_path="n.txt", offset=9)
    assert tail.text == "     9\tline 9\n    10\tline 10\n"


def test_read_default_limit_is_2000_lines(ws: Path, ctx: FileToolContext) -> None:
    (ws / "long.txt").write_text("x\n" * 2500)
    result = ok(ctx, "read", file_path="long.txt")
    numbered = [line for line in result.text.splitlines() if "\t" in line]
    assert len(numbered) == 2000
    assert "offset=2001" in result.text


def test_read_offset_past_the_end_is_an_error(ws: Path, ctx: FileToolContext) -> None:
    (ws / "short.txt").write_text("a\nb\n")
    text = fails(ctx, "read", file_path="short.txt", offset=5)
    assert "offset 5 is past the end" in text
    assert "2 lines" in text
    (ws / "nonl.txt").write_text("a\nb")  # a last line without a newline is a line
    assert "which has 2 lines" in fails(ctx, "read", file_path="nonl.txt", offset=5)


def test_read_empty_file(ws: Path, ctx: FileToolContext) -> None:
    (ws / "empty").write_bytes(b"")
    result = ok(ctx, "read", file_path="empty")
    assert "empty" in result.text
    assert "\t" not in result.text


def test_read_without_trailing_newline_and_crlf(ws: Path, ctx: FileToolContext) -> None:
    (ws / "nonl.txt").write_bytes(b"one\ntwo")
    assert ok(ctx, "read", file_path="nonl.txt").text == "     1\tone\n     2\ttwo\n"
    (ws / "crlf.txt").write_bytes(b"one\r\ntwo\r\n")
    assert ok(ctx, "read", file_path="crlf.txt").text == "     1\tone\n     2\ttwo\n"


def test_read_invalid_utf8_shows_replacement_characters(ws: Path, ctx: FileToolContext) -> None:
    (ws / "bad.txt").write_bytes(b"caf\xe9 ok\n\xff\xfe\xfd\n")
    text = ok(ctx, "read", file_path="bad.txt").text
    assert "caf\ufffd ok" in text
    assert "\ufffd\ufffd\ufffd" in text


def test_read_cuts_long_lines_and_keeps_counting(ws: Path, ctx: FileToolContext) -> None:
    (ws / "wide.txt").write_text("é" * 5000 + "\nnext\n")
    lines = ok(ctx, "read", file_path="wide.txt").text.splitlines()
    assert lines[0].startswith("     1\t" + "é" * MAX_LINE_CHARS + " [... line cut at 2000 characters]")
    assert "é" * (MAX_LINE_CHARS + 1) not in lines[0]
    assert lines[1] == "     2\tnext"


def test_read_huge_file_streams_instead_of_loading_it(ws: Path, ctx: FileToolContext) -> None:
    # one 40 MB line, then a short one: the read must not hold the long line in memory
    with open(ws / "huge.txt", "wb") as f:
        f.write(b"y" * (40 * MIB) + b"\nlast line\n")
    tracemalloc.start()
    try:
        result = ok(ctx, "read", file_path="huge.txt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MIB, peak
    lines = result.text.splitlines()
    assert lines[0].endswith("[... line cut at 2000 characters]")
    assert lines[1] == "     2\tlast line"


def test_read_deep_offset_in_a_big_file(ws: Path, ctx: FileToolContext) -> None:
    (ws / "many.txt").write_text("".join(f"row {i}\n" for i in range(1, 500_001)))
    result = ok(ctx, "read", file_path="many.txt", offset=400_000, limit=2)
    assert result.text.splitlines()[:2] == ["400000\trow 400000", "400001\trow 400001"]


def test_read_byte_cap_is_stated(ws: Path) -> None:
    (ws / "f.txt").write_text("".join(f"line number {i}\n" for i in range(50)))
    capped = make_ctx(ws, max_read_bytes=100)
    result = ok(capped, "read", file_path="f.txt")
    numbered = [line for line in result.text.splitlines() if "\t" in line]
    assert 0 < len(numbered) < 50
    assert sum(len(line) + 1 for line in numbered) <= 100
    assert "max_read_bytes" in result.text
    assert "100 bytes" in result.text
    assert f"offset={len(numbered) + 1}" in result.text


def test_read_binary_file_reports_size_and_type(ws: Path, ctx: FileToolContext) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
    (ws / "pic.dat").write_bytes(png)
    text = fails(ctx, "read", file_path="pic.dat")
    assert "binary" in text
    assert f"{len(png)} bytes" in text
    assert "PNG image" in text
    assert "IHDR" not in text
    (ws / "blob.tar.gz").write_bytes(b"\x00\x01\x02" * 10)
    assert "gzip" in fails(ctx, "read", file_path="blob.tar.gz")


def test_read_missing_file_directory_and_fifo(ws: Path, ctx: FileToolContext) -> None:
    assert "file not found: nope.txt" in fails(ctx, "read", file_path="nope.txt")
    (ws / "sub").mkdir()
    assert "is a directory" in fails(ctx, "read", file_path="sub")
    os.mkfifo(ws / "pipe")
    assert "not a regular file (fifo)" in fails(ctx, "read", file_path="pipe")


def test_read_unicode_file_name(ws: Path, ctx: FileToolContext) -> None:
    (ws / "naïve 文件.txt").write_text("ünïcödé\n")
    result = ok(ctx, "read", file_path="naïve 文件.txt")
    assert result.text == "     1\tünïcödé\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root bypasses file permission checks")
def test_read_permission_denied(ws: Path, ctx: FileToolContext) -> None:
    secret = ws / "secret.txt"
    secret.write_text("x\n")
    secret.chmod(0)
    assert "permission denied" in fails(ctx, "read", file_path="secret.txt")


def test_read_absolute_path_inside_workspace(ws: Path, ctx: FileToolContext) -> None:
    (ws / "abs.txt").write_text("here\n")
    assert ok(ctx, "read", file_path=str(ws / "abs.txt")).text == "     1\there\n"


@pytest.mark.parametrize("path", ["../outside.txt", "sub/../../outside.txt", "ABSOLUTE", "escape_link"])
def test_paths_outside_the_workspace_are_refused(ws: Path, ctx: FileToolContext, path: str) -> None:
    outside = ws.parent / "outside.txt"
    outside.write_text("secret\n")
    (ws / "sub").mkdir()
    (ws / "escape_link").symlink_to(outside)
    if path == "ABSOLUTE":
        path = str(outside)
    for name, args in [
        ("read", {"file_path": path}),
        ("write", {"file_path": path, "content": "pwned"}),
        ("edit", {"file_path": path, "old_string": "secret", "new_string": "pwned"}),
        ("grep", {"pattern": "secret", "path": path}),
    ]:
        text = fails(ctx, name, **args)
        assert "outside the workspace" in text
        assert "secret" not in text.replace("'secret'", "")
    assert outside.read_text() == "secret\n"


def test_directories_outside_are_refused_for_list_glob_grep(ws: Path, ctx: FileToolContext) -> None:
    (ws / "dir_link").symlink_to(ws.parent)
    for name, args in [
        ("list", {"path": ".."}),
        ("list", {"path": "dir_link"}),
        ("glob", {"pattern": "*", "path": "/"}),
        ("grep", {"pattern": "x", "path": "dir_link"}),
    ]:
        assert "outside the workspace" in fails(ctx, name, **args)


# ---- write ---------------------------------------------------------------------------


def test_write_creates_parent_directories(ws: Path, ctx: FileToolContext) -> None:
    result = ok(ctx, "write", file_path="deep/er/new.txt", content="hi\n")
    assert (ws / "deep/er/new.txt").read_text() == "hi\n"
    assert result.structured == {"path": "deep/er/new.txt", "bytes_written": 3, "created": True, "mode": "overwrite"}
    assert "Created" in result.text


def test_write_new_file_gets_default_mode(ws: Path, ctx: FileToolContext) -> None:
    ok(ctx, "write", file_path="fresh.txt", content="x")
    assert stat.S_IMODE((ws / "fresh.txt").stat().st_mode) == 0o666 & ~umask()


def test_overwrite_is_atomic_and_keeps_the_mode(ws: Path, ctx: FileToolContext) -> None:
    target = ws / "script.sh"
    target.write_text("old\n")
    target.chmod(0o751)
    inode_before = target.stat().st_ino
    result = ok(ctx, "write", file_path="script.sh", content="new content\n")
    assert target.read_text() == "new content\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    # replaced by rename, not rewritten in place; no temporary file left behind
    assert target.stat().st_ino != inode_before
    assert sorted(p.name for p in ws.iterdir()) == ["script.sh"]
    assert "Overwrote" in result.text


def test_append_adds_to_the_end_and_creates(ws: Path, ctx: FileToolContext) -> None:
    ok(ctx, "write", file_path="log.txt", content="one\n", mode="append")
    ok(ctx, "write", file_path="log.txt", content="two\n", mode="append")
    assert (ws / "log.txt").read_text() == "one\ntwo\n"


def test_write_base64_roundtrips_binary(ws: Path, ctx: FileToolContext) -> None:
    payload = bytes(range(256)) * 4
    ok(ctx, "write", file_path="bin/data.bin", content=base64.b64encode(payload).decode(), encoding="base64")
    assert (ws / "bin/data.bin").read_bytes() == payload
    assert "not valid base64" in fails(ctx, "write", file_path="x.bin", content="@@@", encoding="base64")
    assert not (ws / "x.bin").exists()


def test_write_size_cap_is_stated(ws: Path) -> None:
    small = make_ctx(ws, max_write_bytes=10)
    text = fails(small, "write", file_path="big.txt", content="x" * 11)
    assert "11 bytes" in text
    assert "10 bytes" in text
    assert "max_write_bytes" in text
    assert not (ws / "big.txt").exists()
    ok(small, "write", file_path="fits.txt", content="x" * 10)


def test_write_unicode_name_and_content(ws: Path, ctx: FileToolContext) -> None:
    ok(ctx, "write", file_path="données/résumé 📄.md", content="héllo wörld 🌍\n")
    assert (ws / "données/résumé 📄.md").read_text(encoding="utf-8") == "héllo wörld 🌍\n"


def test_write_refuses_directories_and_file_parents(ws: Path, ctx: FileToolContext) -> None:
    (ws / "adir").mkdir()
    assert "is a directory" in fails(ctx, "write", file_path="adir", content="x")
    (ws / "afile").write_text("x")
    assert "is a file" in fails(ctx, "write", file_path="afile/child.txt", content="x")
    assert (ws / "afile").read_text() == "x"


def test_write_through_symlinks(ws: Path, ctx: FileToolContext) -> None:
    outside_dir = ws.parent / "outside_dir"
    outside_dir.mkdir()
    (ws / "out_dir_link").symlink_to(outside_dir)
    (ws / "dangling_out").symlink_to(ws.parent / "not_yet_there.txt")
    assert "outside the workspace" in fails(ctx, "write", file_path="out_dir_link/new.txt", content="x")
    assert "outside the workspace" in fails(ctx, "write", file_path="dangling_out", content="x")
    assert list(outside_dir.iterdir()) == []
    assert not (ws.parent / "not_yet_there.txt").exists()
    # a symlink that stays inside: the target is replaced, the link stays a link
    (ws / "real.txt").write_text("old")
    (ws / "inside_link").symlink_to("real.txt")
    ok(ctx, "write", file_path="inside_link", content="new")
    assert (ws / "inside_link").is_symlink()
    assert (ws / "real.txt").read_text() == "new"


def test_write_refuses_fifo(ws: Path, ctx: FileToolContext) -> None:
    os.mkfifo(ws / "pipe")
    assert "not a regular file" in fails(ctx, "write", file_path="pipe", content="x")
    assert "not a regular file" in fails(ctx, "write", file_path="pipe", content="x", mode="append")


# ---- edit ----------------------------------------------------------------------------


def test_edit_replaces_a_unique_string_and_shows_the_region(ws: Path, ctx: FileToolContext) -> None:
    (ws / "code.py").write_text("".join(f"line{i}\n" for i in range(1, 21)))
    result = ok(ctx, "edit", file_path="code.py", old_string="line10\n", new_string="changed\nadded\n")
    content = (ws / "code.py").read_text()
    assert "line10" not in content
    assert "line9\nchanged\nadded\nline11\n" in content
    assert "    10\tchanged" in result.text
    assert "    11\tadded" in result.text
    assert "     7\tline7" in result.text
    assert result.structured == {"path": "code.py", "replacements": 1}


def test_edit_not_found_and_not_unique(ws: Path, ctx: FileToolContext) -> None:
    (ws / "dup.txt").write_text("foo bar\nfoo baz\nfoo qux\n")
    assert "not found" in fails(ctx, "edit", file_path="dup.txt", old_string="nope", new_string="x")
    text = fails(ctx, "edit", file_path="dup.txt", old_string="foo", new_string="FOO")
    assert "occurs 3 times" in text
    assert "replace_all" in text
    assert (ws / "dup.txt").read_text() == "foo bar\nfoo baz\nfoo qux\n"
    result = ok(ctx, "edit", file_path="dup.txt", old_string="foo", new_string="FOO", replace_all=True)
    assert (ws / "dup.txt").read_text() == "FOO bar\nFOO baz\nFOO qux\n"
    assert result.structured == {"path": "dup.txt", "replacements": 3}


def test_edit_keeps_mode_crlf_and_foreign_bytes(ws: Path, ctx: FileToolContext) -> None:
    target = ws / "win.txt"
    target.write_bytes(b"caf\xe9\r\nfirst\r\nsecond\r\n")
    target.chmod(0o640)
    ok(ctx, "edit", file_path="win.txt", old_string="first\nsecond", new_string="1st\n2nd")
    assert target.read_bytes() == b"caf\xe9\r\n1st\r\n2nd\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_edit_new_lines_in_a_crlf_file_get_crlf(ws: Path, ctx: FileToolContext) -> None:
    target = ws / "win.txt"
    target.write_bytes(b"\xef\xbb\xbfa = 1\r\nb = 2\r\n")
    ok(ctx, "edit", file_path="win.txt", old_string="a = 1", new_string="a = 1\nadded = 3")
    assert target.read_bytes() == b"\xef\xbb\xbfa = 1\r\nadded = 3\r\nb = 2\r\n"


def test_edit_refuses_binary_missing_and_directories(ws: Path, ctx: FileToolContext) -> None:
    (ws / "b.bin").write_bytes(b"\x7fELF\x00\x00abc")
    text = fails(ctx, "edit", file_path="b.bin", old_string="abc", new_string="x")
    assert "binary" in text
    assert "ELF" in text
    assert (ws / "b.bin").read_bytes() == b"\x7fELF\x00\x00abc"
    assert "file not found" in fails(ctx, "edit", file_path="none.txt", old_string="a", new_string="b")
    (ws / "d").mkdir()
    assert "is a directory" in fails(ctx, "edit", file_path="d", old_string="a", new_string="b")


def test_edit_size_caps(ws: Path) -> None:
    small = make_ctx(ws, max_write_bytes=20)
    (ws / "s.txt").write_text("0123456789\n")
    text = fails(small, "edit", file_path="s.txt", old_string="0", new_string="x" * 30)
    assert "20 bytes" in text
    assert "max_write_bytes" in text
    assert (ws / "s.txt").read_text() == "0123456789\n"
    (ws / "big.txt").write_text("y" * 30)
    assert "over the edit limit of 20 bytes" in fails(
        small, "edit", file_path="big.txt", old_string="y", new_string="z"
    )


# ---- list ----------------------------------------------------------------------------


def make_tree(ws: Path) -> None:
    (ws / "src/pkg").mkdir(parents=True)
    (ws / "src/pkg/mod.py").write_text("x = 1\n")
    (ws / "src/main.py").write_text("print()\n")
    (ws / "README.md").write_text("# hi\n")
    (ws / ".hidden").write_text("h")
    (ws / ".git").mkdir()
    (ws / ".git/config").write_text("[core]\n")
    (ws / "docs").mkdir()


def test_list_top_level_sorted_with_markers(ws: Path, ctx: FileToolContext) -> None:
    make_tree(ws)
    (ws / "link").symlink_to("src")
    result = ok(ctx, "list")
    lines = result.text.splitlines()
    assert lines[:4] == ["README.md  (5 bytes)", "docs/", "link -> src", "src/"]
    assert "2 hidden entries not shown" in lines[4]


def test_list_recursive_depth_and_hidden(ws: Path, ctx: FileToolContext) -> None:
    make_tree(ws)
    (ws / "link").symlink_to("src")
    deep = ok(ctx, "list", recursive=True).text.splitlines()
    assert deep[:7] == [
        "README.md  (5 bytes)",
        "docs/",
        "link -> src",
        "src/",
        "src/main.py  (8 bytes)",
        "src/pkg/",
        "src/pkg/mod.py  (6 bytes)",
    ]
    shallow = ok(ctx, "list", path="src", recursive=True, max_depth=1).text.splitlines()
    assert shallow == ["src/main.py  (8 bytes)", "src/pkg/"]
    hidden = ok(ctx, "list", include_hidden=True, recursive=True).text.splitlines()
    assert ".git/config  (7 bytes)" in hidden
    assert ".hidden  (1 bytes)" in hidden


def test_list_empty_file_path_and_missing(ws: Path, ctx: FileToolContext) -> None:
    (ws / "empty").mkdir()
    assert "is empty" in ok(ctx, "list", path="empty").text
    (ws / "f.txt").write_text("x")
    assert "not a directory" in fails(ctx, "list", path="f.txt")
    assert "not found" in fails(ctx, "list", path="missing")


def test_list_entry_cap(ws: Path, ctx: FileToolContext, monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_LIST_ENTRIES == 1000
    # a smaller cap keeps the test fast on slow file systems; the logic is the same
    monkeypatch.setattr("worker.tools.files.MAX_LIST_ENTRIES", 20)
    for i in range(25):
        (ws / f"f{i:05d}").touch()
    result = ok(ctx, "list")
    lines = result.text.splitlines()
    assert lines[:20] == [f"f{i:05d}  (0 bytes)" for i in range(20)]
    assert "cut at 20 entries" in lines[20]
    assert result.structured is not None and result.structured["truncated"] is True


def test_list_unicode_names(ws: Path, ctx: FileToolContext) -> None:
    (ws / "日本").mkdir()
    (ws / "日本/ファイル.txt").write_text("abc")
    assert ok(ctx, "list", recursive=True).text.splitlines() == ["日本/", "日本/ファイル.txt  (3 bytes)"]


def test_list_undecodable_name_is_printable(ws: Path, ctx: FileToolContext) -> None:
    os.close(os.open(os.fsencode(ws) + b"/bad\xffname", os.O_CREAT | os.O_WRONLY, 0o644))
    result = ok(ctx, "list")
    assert result.text.startswith("bad\ufffdname")
    msgspec.json.encode(result)  # the result must be encodable for the wire


# ---- glob ----------------------------------------------------------------------------


def touch(path: Path, mtime: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    os.utime(path, (mtime, mtime))


def test_glob_recursive_newest_first(ws: Path, ctx: FileToolContext) -> None:
    now = time.time()
    touch(ws / "a.py", now - 300)
    touch(ws / "src/b.py", now - 100)
    touch(ws / "src/deep/er/c.py", now - 200)
    touch(ws / "src/notes.txt", now)
    touch(ws / ".venv/lib/d.py", now)
    os.utime(ws / "src/deep", (now - 1000, now - 1000))
    assert ok(ctx, "glob", pattern="**/*.py").text.splitlines() == ["src/b.py", "src/deep/er/c.py", "a.py"]
    assert ok(ctx, "glob", pattern="*.py").text.splitlines() == ["a.py"]
    assert ok(ctx, "glob", pattern="src/*").text.splitlines() == ["src/notes.txt", "src/b.py", "src/deep/"]
    assert ok(ctx, "glob", pattern="**/*.py", path="src/deep").text.splitlines() == ["src/deep/er/c.py"]
    assert ok(ctx, "glob", pattern="**/*.{py,txt}", path="src").text.splitlines() == [
        "src/notes.txt",
        "src/b.py",
        "src/deep/er/c.py",
    ]
    assert ok(ctx, "glob", pattern=".venv/**/*.py").text.splitlines() == [".venv/lib/d.py"]
    assert ok(ctx, "glob", pattern="src/d?ep/**/[a-c].py").text.splitlines() == ["src/deep/er/c.py"]


def test_glob_no_match_and_symlinked_dirs(ws: Path, ctx: FileToolContext) -> None:
    touch(ws / "real/x.py", time.time())
    (ws / "loop").symlink_to(".")
    result = ok(ctx, "glob", pattern="**/*.py")
    assert result.text.splitlines() == ["real/x.py"]
    assert "no files match" in ok(ctx, "glob", pattern="**/*.rs").text
    assert "directory not found" in fails(ctx, "glob", pattern="*", path="nowhere")


def test_glob_result_cap(ws: Path, ctx: FileToolContext, monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_GLOB_RESULTS == 1000
    monkeypatch.setattr("worker.tools.files.MAX_GLOB_RESULTS", 20)
    now = time.time()
    for i in range(27):
        touch(ws / f"{i:05d}.log", now - i)
    result = ok(ctx, "glob", pattern="*.log")
    lines = result.text.splitlines()
    assert lines[:20] == [f"{i:05d}.log" for i in range(20)]
    assert "27 matches, showing the newest 20" in lines[20]
    assert len(lines) == 21


# ---- grep ----------------------------------------------------------------------------


def make_search_tree(ws: Path) -> None:
    files: dict[str, bytes] = {
        "a.txt": b"foo one\nbar\nFOO two\nfoo\n",
        "a-c.txt": b"foo in a-c\n",
        "a/b.txt": b"nothing\nfoo nested\n",
        "src/main.py": b"import os\n\ndef foo():\n    return 'bar'\n\nfoo()\n",
        "src/lib/util.py": b"# foo helper\nx = 1\ny = 2\nz = 3\nfoo = x + y\n",
        "src/lib/data.txt": b"1\n2\n3\nfoo\n5\n6\n7\n8\nfoo\n10\n",
        "crlf.txt": b"foo\r\nbar foo\r\n",
        "nonl.txt": b"last foo",
        "latin1.txt": b"caf\xe9 foo\n",
        "uni/été.md": "été foo ünï\n".encode(),
        "long.txt": b"foo" + b"x" * 10_000 + b"\nfoo short\n",
        "empty.txt": b"",
        "bin.dat": b"\x00\x01foo\n",
        ".hidden.txt": b"foo hidden\n",
        ".git/HEAD": b"foo ref\n",
        "sub/.cache/x.txt": b"foo cached\n",
        "many.txt": b"".join(b"foo %d\n" % i for i in range(30)),
    }
    for name, data in files.items():
        path = ws / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (ws / "link.txt").symlink_to("a.txt")
    (ws / "linkdir").symlink_to("src")


def test_grep_output_format_and_order(ws: Path, grep_ctx: FileToolContext) -> None:
    make_search_tree(ws)
    result = ok(grep_ctx, "grep", pattern="foo", max_results=1000)
    lines = result.text.splitlines()
    paths = [line.split(":", 1)[0] for line in lines]
    assert paths == sorted(paths, key=lambda p: p.split("/"))
    # path order compares components: "a/b.txt" < "a-c.txt" < "a.txt"
    assert lines[:4] == ["a/b.txt:2:foo nested", "a-c.txt:1:foo in a-c", "a.txt:1:foo one", "a.txt:4:foo"]
    assert "crlf.txt:1:foo" in lines
    assert "crlf.txt:2:bar foo" in lines
    assert "nonl.txt:1:last foo" in lines
    assert "latin1.txt:1:caf\ufffd foo" in lines
    assert "uni/été.md:1:été foo ünï" in lines
    assert "long.txt:1:foo" + "x" * (MAX_LINE_CHARS - 3) + " [... line cut at 2000 characters]" in lines
    joined = result.text
    for absent in ("bin.dat", "hidden", ".git", ".cache", "link.txt", "linkdir"):
        assert absent not in joined
    assert result.structured is not None
    assert result.structured["engine"] == ("rg" if grep_ctx.run else "python")
    assert result.structured["matches"] == len(lines)


def test_grep_options(ws: Path, grep_ctx: FileToolContext) -> None:
    make_search_tree(ws)
    ci = ok(grep_ctx, "grep", pattern="foo two", case_insensitive=True).text
    assert ci == "a.txt:3:FOO two\n"
    assert ok(grep_ctx, "grep", pattern="foo$", path="crlf.txt").text == "crlf.txt:1:foo\ncrlf.txt:2:bar foo\n"
    assert (
        ok(grep_ctx, "grep", pattern="^foo", glob="*.py").text == "src/lib/util.py:5:foo = x + y\nsrc/main.py:6:foo()\n"
    )
    assert (
        ok(grep_ctx, "grep", pattern="foo", glob="src/*.py").text == "src/main.py:3:def foo():\nsrc/main.py:6:foo()\n"
    )
    assert ok(grep_ctx, "grep", pattern=r"\bfoo\b", path="src/lib", glob="*.txt").text == (
        "src/lib/data.txt:4:foo\nsrc/lib/data.txt:9:foo\n"
    )


def test_grep_context_lines(ws: Path, grep_ctx: FileToolContext) -> None:
    make_search_tree(ws)
    text = ok(grep_ctx, "grep", pattern="^foo$", path="src/lib", context_lines=1).text
    assert text == (
        "src/lib/data.txt-3-3\n"
        "src/lib/data.txt:4:foo\n"
        "src/lib/data.txt-5-5\n"
        "--\n"
        "src/lib/data.txt-8-8\n"
        "src/lib/data.txt:9:foo\n"
        "src/lib/data.txt-10-10\n"
    )


def test_grep_max_results_note(ws: Path, grep_ctx: FileToolContext) -> None:
    make_search_tree(ws)
    result = ok(grep_ctx, "grep", pattern=r"foo \d+", path="many.txt", max_results=5)
    lines = result.text.splitlines()
    assert lines[:5] == [f"many.txt:{i + 1}:foo {i}" for i in range(5)]
    assert "max_results=5" in lines[5]
    assert result.structured is not None and result.structured["truncated"] is True
    exact = ok(grep_ctx, "grep", pattern=r"foo \d+", path="many.txt", max_results=30)
    assert "max_results" not in exact.text


def test_grep_errors(ws: Path, grep_ctx: FileToolContext) -> None:
    make_search_tree(ws)
    assert "invalid regular expression" in fails(grep_ctx, "grep", pattern="foo(")
    # RE2 syntax (ripgrep's): an invalid range is refused by both engines alike; POSIX classes such
    # as [[:alpha:]] mean the same in both now (a parity case below)
    assert "invalid regular expression" in fails(grep_ctx, "grep", pattern="[z-a]")
    assert "binary" in fails(grep_ctx, "grep", pattern="foo", path="bin.dat")
    assert "not found" in fails(grep_ctx, "grep", pattern="foo", path="missing")
    assert "no matches" in ok(grep_ctx, "grep", pattern="zzz_not_there").text


@needs_rg
@pytest.mark.parametrize("pattern", [r"(?<=bar )foo", r"foo(?!x)", r"(fo)\1"])
def test_grep_look_around_and_backreferences_are_refused_with_the_reason(
    ws: Path, grep_ctx: FileToolContext, pattern: str
) -> None:
    # Both engines use RE2 syntax (linear time), which has neither; the agent is told so up front.
    make_search_tree(ws)
    text = fails(grep_ctx, "grep", pattern=pattern)
    assert text.startswith(f"invalid regular expression {pattern!r}")
    assert "RE2 syntax" in text and "no look-around, no backreferences" in text


PARITY_CASES: list[dict[str, Any]] = [
    {"pattern": "foo"},
    {"pattern": "^foo"},
    {"pattern": "foo$"},
    {"pattern": r"\bfoo\b"},
    {"pattern": "[0-9]+"},
    {"pattern": "[[:alpha:]]+ foo"},
    {"pattern": r"^\s*\w+ = \d"},
    {"pattern": "été|ünï"},
    {"pattern": "FOO", "case_insensitive": True},
    {"pattern": "foo", "context_lines": 2},
    {"pattern": "foo", "glob": "*.py"},
    {"pattern": "foo", "glob": "src/**/*.txt"},
    {"pattern": "foo", "glob": "**/*.{md,txt}"},
    {"pattern": "foo", "max_results": 3},
    {"pattern": "foo", "max_results": 7, "context_lines": 1},
    {"pattern": r"\d", "path": "src"},
    {"pattern": "x+", "path": "long.txt"},
    {"pattern": "foo", "path": ".git"},
    {"pattern": "foo", "path": ".hidden.txt", "glob": "*.py"},
    {"pattern": "foo", "path": "src/lib/data.txt", "context_lines": 3},
]


@needs_rg
@pytest.mark.parametrize("case", PARITY_CASES, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()))
def test_grep_rg_and_python_agree(ws: Path, case: dict[str, Any]) -> None:
    make_search_tree(ws)
    # a bulkier tree too, so rg's parallel walk has something to reorder
    for i in range(40):
        sub = ws / f"bulk/d{i % 7}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i}.txt").write_text("".join(f"line {j} {'foo' if j % 5 == 0 else 'bar'}\n" for j in range(50)))
    by_python = ok(make_ctx(ws), "grep", **case)
    by_rg = ok(make_ctx(ws, engine="rg"), "grep", **case)
    assert by_python.structured is not None and by_rg.structured is not None
    assert by_python.structured["engine"] == "python"
    assert by_rg.structured["engine"] == "rg"

    def matched(result: FileToolResult) -> set[str]:
        return {":".join(line.split(":")[:2]) for line in result.text.splitlines() if line.count(":") >= 2}

    assert matched(by_python), "the case should match something"
    assert matched(by_python) == matched(by_rg)
    assert by_python.text == by_rg.text
    assert {**by_python.structured, "engine": ""} == {**by_rg.structured, "engine": ""}


@needs_rg
def test_grep_answers_small_trees_itself_and_hands_big_ones_to_rg(ws: Path) -> None:
    """rg is a process of its own: a tree the Python engine searches within ``python_first`` is answered
    without it; a bigger one goes to rg, which searches from the start: the same answer either way."""
    for i in range(300):
        sub = ws / f"tree/d{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"f{i}.txt").write_text("".join(f"line {j} {'foo' if j % 7 == 0 else 'bar'}\n" for j in range(400)))
    args = {"pattern": "foo$", "path": "tree/d3", "max_results": 10_000}
    small = ok(make_ctx(ws, engine="rg", python_first=5.0), "grep", **args)
    assert small.structured is not None and small.structured["engine"] == "python"
    args["path"] = "tree"
    handed = ok(make_ctx(ws, engine="rg", python_first=1e-9), "grep", **args)  # spent before the first file
    alone = ok(make_ctx(ws), "grep", **args)
    assert handed.structured is not None and handed.structured["engine"] == "rg"
    assert handed.text == alone.text and handed.structured["timed_out"] is False
    assert handed.text.count("\n") > 10_000 // 2


def test_grep_time_budget_returns_partial_results(ws: Path) -> None:
    make_search_tree(ws)
    result = ok(make_ctx(ws, scan_time_budget=0.0), "grep", pattern="foo")
    assert "time limit of 0 s" in result.text
    assert result.structured is not None and result.structured["timed_out"] is True
    # a budget that runs out inside a big file: the lines found so far come back
    (ws / "big").mkdir()
    (ws / "big/lines.txt").write_text("foo\n" * 2_000_000)
    # 10,000 matching lines take the engine ~50 ms (the cap would end the search within a 50 ms budget on a
    # fast moment): 5 ms runs out first on any machine
    partial = ok(make_ctx(ws, scan_time_budget=0.005), "grep", pattern="^foo$", path="big", max_results=10_000)
    assert partial.structured is not None
    assert partial.structured["timed_out"] is True
    assert "results are partial" in partial.text


def test_grep_rg_timeouts_are_reported(ws: Path) -> None:
    make_search_tree(ws)

    def raises_timeout(argv: list[str], cwd_fd: int | None, stdin_fd: int | None, time_limit: float,
                       stop: threading.Event) -> tuple[int, bytes]:
        raise TimeoutError

    def killed_after_output(argv: list[str], cwd_fd: int | None, stdin_fd: int | None, time_limit: float,
                            stop: threading.Event) -> tuple[int, bytes]:
        return -9, b"./a.txt\x001:foo one\n./a.t"

    ctx = FileToolContext(ws, 10 * MIB, 10 * MIB, raises_timeout, rg_path="rg", scan_time_budget=1.0, python_first=0)
    result = ok(ctx, "grep", pattern="foo")
    assert "time limit of 1 s" in result.text
    ctx = FileToolContext(ws, 10 * MIB, 10 * MIB, killed_after_output, rg_path="rg", python_first=0)
    result = ok(ctx, "grep", pattern="foo")
    assert result.text.splitlines()[0] == "a.txt:1:foo one"
    assert result.structured is not None and result.structured["timed_out"] is True


def test_grep_runner_failure_falls_back_to_python(ws: Path) -> None:
    make_search_tree(ws)
    argv_seen: list[list[str]] = []

    def broken(argv: list[str], cwd_fd: int | None, stdin_fd: int | None, time_limit: float,
               stop: threading.Event) -> tuple[int, bytes]:
        argv_seen.append(argv)
        return 2, b""

    ctx = FileToolContext(ws, 10 * MIB, 10 * MIB, broken, rg_path="/opt/rg", python_first=0)
    result = ok(ctx, "grep", pattern="foo nested")
    assert result.text.startswith("a/b.txt:2:foo nested\n")
    assert argv_seen and argv_seen[0][0] == "/opt/rg"


def test_grep_output_byte_cap(ws: Path) -> None:
    make_search_tree(ws)
    result = ok(make_ctx(ws, max_read_bytes=60), "grep", pattern="foo")
    assert "max_read_bytes" in result.text
    assert len(result.text.split("[output cut")[0].encode()) <= 60


def test_grep_python_engine_does_not_block_the_event_loop(ws: Path) -> None:
    (ws / "big.txt").write_text("no match here\n" * 400_000)
    ctx = make_ctx(ws)
    # \A turns off the search of many lines at once, so every line is matched on its own
    pattern = r"\Azzz\d"

    async def scenario() -> tuple[FileToolResult, int]:
        ticks = 0
        search = asyncio.create_task(run_file_tool("grep", validate_args("grep", {"pattern": pattern}), ctx))
        while not search.done():
            await asyncio.sleep(0.001)
            ticks += 1
        return search.result(), ticks

    result, ticks = asyncio.run(scenario())
    assert "no matches" in result.text
    assert ticks >= 10


def test_results_are_wire_encodable(ws: Path, grep_ctx: FileToolContext) -> None:
    make_search_tree(ws)
    with open(os.fsencode(ws) + b"/odd\xfe.txt", "w") as f:
        f.write("foo odd\n")
    for name, args in [("grep", {"pattern": "odd"}), ("glob", {"pattern": "odd*"}), ("list", {})]:
        result = ok(grep_ctx, name, **args)
        assert "odd\ufffd.txt" in result.text
        msgspec.msgpack.encode(result)


def test_grep_streams_files_over_the_whole_file_limit(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_search_tree(ws)
    cases = [{"pattern": "foo"}, {"pattern": "foo$", "context_lines": 1}, {"pattern": "foo", "max_results": 4}]
    whole = [ok(make_ctx(ws), "grep", **case).text for case in cases]
    monkeypatch.setattr("worker.tools.files.GREP_WHOLE_FILE_LIMIT", 0)
    assert [ok(make_ctx(ws), "grep", **case).text for case in cases] == whole


def test_os_errors_become_error_results(ws: Path, ctx: FileToolContext) -> None:
    text = fails(ctx, "write", file_path="n" * 300, content="x")
    assert text.startswith("write failed: File name too long")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.lists(st.sampled_from([b"a", b"\xc3\xa9", b"\xe9", b"\r", b"\n", b"\r\n", b" ", b"\xf0\x9f\x8c",
                                      b"x" * 700, "é".encode() * 400]), max_size=60).map(b"".join),
    offset=st.integers(1, 8) | st.none(), limit=st.integers(1, 8) | st.none(), cap=st.integers(20, 3000),
)
def test_read_whole_file_path_equals_line_by_line(ws: Path, content: bytes, offset: int | None, limit: int | None,
                                                  cap: int) -> None:
    """read's whole-file path (small files) shows exactly what its line-by-line path shows."""
    import worker.tools.files as files

    path = ws / "p.txt"
    path.write_bytes(content)
    small = make_ctx(ws, max_read_bytes=cap)
    args = {"file_path": "p.txt", "offset": offset, "limit": limit}
    fast = call(small, "read", **args)
    saved = files.FAST_READ_BYTES
    files.FAST_READ_BYTES = -1
    try:
        slow = call(small, "read", **args)
    finally:
        files.FAST_READ_BYTES = saved
    assert (fast.text, fast.is_error, fast.structured) == (slow.text, slow.is_error, slow.structured)
