"""The code intelligence tools (``worker.tools.code``, ``shared.code_tools``) on a real repository.

``tests/data/code_repo`` is JPype 1.5.2 (Python, Java, C++) plus small real Go, Rust, JavaScript,
TypeScript and C projects (see its README).  Most tests run the tools in this process with a
``FileToolContext``, as the file helper does; the ones at the end go through a real gateway whose
file helpers run as ``nobody`` (root only).  The 50 ms warm target for ``symbols`` is measured by
``benchmarks/code_calls.py``, not asserted here.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import shared.toolset  # noqa: F401  (registers every tool family's specs)
from shared.config import MIB
from tests.helpers import SCALE, GatewayProcess, McpClient, async_wait_for, run, text_of
from tests.helpers import call_tool as call_remote
from worker.tools.code import index as code_index
from worker.tools.code import python as code_python
from worker.tools.files import FileToolContext, FileToolResult, call_file_tool

REPO = Path(__file__).resolve().parent / "data" / "code_repo"
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the helper runs as the tool user nobody")


@pytest.fixture(scope="module")
def repo_ctx() -> FileToolContext:
    """The vendored repository, read only, one index for the module's tests."""
    return FileToolContext(REPO, 10 * MIB, 10 * MIB)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return workspace


def make_ctx(ws: Path, **overrides: Any) -> FileToolContext:
    return FileToolContext(ws, 10 * MIB, 10 * MIB, **overrides)


def call(ctx: FileToolContext, tool: str, stop: threading.Event | None = None, **args: Any) -> FileToolResult:
    return call_file_tool(tool, args, ctx, stop)


def ok(ctx: FileToolContext, tool: str, **args: Any) -> dict[str, Any]:
    result = call(ctx, tool, **args)
    assert not result.is_error, result.text
    assert result.structured is not None
    return result.structured


def fails(ctx: FileToolContext, tool: str, **args: Any) -> str:
    result = call(ctx, tool, **args)
    assert result.is_error, result.text
    return result.text


def settle() -> None:
    """Let files just written age past the index's racy window (a file changed within it is parsed
    but not kept, see worker/tools/code/index.py), so the next call can fill the index."""
    time.sleep(code_index.RACY_SECONDS * 1.5)


def brief(symbols: list[dict[str, Any]]) -> list[tuple[str, str, int, int, str | None]]:
    return [(s["name"], s["kind"], s["line"], s["end_line"], s["container"]) for s in symbols]


# ---- symbols on the vendored repository, one language at a time ---------------------------------


def test_symbols_of_a_python_file(repo_ctx: FileToolContext) -> None:
    out = ok(repo_ctx, "symbols", path="jpype/jpype/_core.py")
    found = brief(out["symbols"])
    assert ("isJVMStarted", "function", 103, 109, None) in found
    assert ("JVMNotRunning", "class", 49, 50, None) in found
    assert ("_JRuntime", "class", 590, 596, None) in found
    assert ("addShutdownHook", "method", 592, 593, "_JRuntime") in found
    assert out["files"] == 1 and not out["truncated"] and not out["timed_out"]
    assert {s["language"] for s in out["symbols"]} == {"python"}


def test_symbols_of_go_rust_java_cpp_c_javascript_typescript(repo_ctx: FileToolContext) -> None:
    go = brief(ok(repo_ctx, "symbols", path="thirdparty/pkg-errors/errors.go")["symbols"])
    assert ("Wrap", "function", 184, 196, None) in go
    assert ("withStack", "struct", 155, 158, None) in go
    assert ("Cause", "method", 160, 160, "withStack") in go  # the receiver's type is the container
    rust = brief(ok(repo_ctx, "symbols", path="thirdparty/itoa/src/lib.rs")["symbols"])
    assert ("Buffer", "struct", 57, 59, None) in rust
    assert ("format", "method", 86, 91, "Buffer") in rust
    assert ("Integer", "trait", 97, 97, None) in rust
    java = brief(ok(repo_ctx, "symbols", path="jpype/native/java/org/jpype/JPypeContext.java")["symbols"])
    assert ("JPypeContext", "class", 70, 656, None) in java
    assert ("getInstance", "method", 87, 90, "JPypeContext") in java
    assert ("JPypeContext", "constructor", 134, 136, "JPypeContext") in java
    cpp = ok(repo_ctx, "symbols", path="jpype/native/common/include/jp_context.h", name="startjvm")
    assert brief(cpp["symbols"]) == [("startJVM", "method", 127, 128, "JPContext")]
    assert cpp["total"] == 1
    c = brief(ok(repo_ctx, "symbols", path="thirdparty/markupsafe/src/markupsafe/_speedups.c")["symbols"])
    assert ("escape_unicode", "function", 151, 171, None) in c
    assert ("PyInit__speedups", "function", 190, 204, None) in c
    assert all(kind != "declaration" for _, kind, *_ in c)  # local variables are not symbols
    js = brief(ok(repo_ctx, "symbols", path="thirdparty/yocto-queue/index.js")["symbols"])
    assert ("Queue", "class", 15, 78, None) in js and ("enqueue", "method", 24, 36, "Queue") in js
    ts = brief(ok(repo_ctx, "symbols", path="thirdparty/tiny-invariant/src/tiny-invariant.ts")["symbols"])
    assert ts == [("invariant", "function", 19, 48, None)]
    minified = ok(repo_ctx, "symbols", path="thirdparty/mitt/dist/mitt.mjs")  # one long line
    assert [s["name"] for s in minified["symbols"]] == ["on", "off", "emit"]


def test_symbols_of_the_tree_filter_by_name_and_kind_and_stop_at_max_results(repo_ctx: FileToolContext) -> None:
    everything = ok(repo_ctx, "symbols", max_results=5000)
    assert everything["files"] == 362 and everything["skipped"] == 0
    assert everything["total"] > 6000 and len(everything["symbols"]) == 5000 and everything["truncated"]
    assert {s["language"] for s in everything["symbols"]} >= {"python", "java", "cpp"}
    named = ok(repo_ctx, "symbols", name="isjvmstarted")
    assert [(s["path"], s["line"]) for s in named["symbols"]] == [("jpype/jpype/_core.py", 103)]
    structs = ok(repo_ctx, "symbols", path="thirdparty", kinds=["struct"])
    assert {s["name"] for s in structs["symbols"]} == {"fundamental", "withStack", "withMessage", "nilError", "Buffer"}
    few = call(repo_ctx, "symbols", path="jpype/jpype", max_results=3)
    assert few.structured is not None and len(few.structured["symbols"]) == 3 and few.structured["truncated"]
    assert "[showing 3 of" in few.text


# ---- definition and references ---------------------------------------------------------------


def test_python_definition_follows_imports_into_another_file(repo_ctx: FileToolContext) -> None:
    # jpype/test/jpypetest/common.py:97 `if not jpype.isJVMStarted():` -> `import jpype` -> the package
    # (found from the project's setup.py) -> `from ._core import *` -> _core.py
    out = ok(repo_ctx, "definition", path="jpype/test/jpypetest/common.py", line=97, name="isJVMStarted")
    assert out["precision"] == "semantic"
    (found,) = out["definitions"]
    where = (found["path"], found["line"], found["column"], found["kind"])
    assert where == ("jpype/jpype/_core.py", 103, 5, "function")
    assert found["text"] == "def isJVMStarted():"
    by_column = ok(repo_ctx, "definition", path="jpype/test/jpypetest/common.py", line=97, column=26)
    assert by_column["definitions"] == out["definitions"]


def test_python_definition_in_the_standard_library_names_the_module(ws: Path) -> None:
    (ws / "m.py").write_text("import os\n\n\ndef f(p):\n    return os.getcwd()\n")
    out = ok(make_ctx(ws), "definition", path="m.py", line=5, name="getcwd")
    assert out["precision"] == "semantic"
    (found,) = out["definitions"]
    assert found["path"] is None and found["module"] == "os" and found["line"] is None


def test_syntactic_definition_for_other_languages_and_a_bare_name(repo_ctx: FileToolContext) -> None:
    out = ok(repo_ctx, "definition", path="thirdparty/pkg-errors/errors.go", line=149, name="withStack")
    assert out["precision"] == "syntactic"
    assert [(d["path"], d["line"], d["kind"]) for d in out["definitions"]] == [
        ("thirdparty/pkg-errors/errors.go", 155, "struct")]
    bare = ok(repo_ctx, "definition", name="JPContext")
    assert ("jpype/native/common/include/jp_context.h", 114, "class") in [
        (d["path"], d["line"], d["kind"]) for d in bare["definitions"]]
    assert ok(repo_ctx, "definition", name="NoSuchNameAnywhere")["definitions"] == []


def test_python_references_are_semantic_and_cross_files(repo_ctx: FileToolContext) -> None:
    out = ok(repo_ctx, "references", path="jpype/jpype/_core.py", line=103, name="isJVMStarted")
    assert out["precision"] == "semantic"
    assert [(r["path"], r["line"], r["column"]) for r in out["references"]] == [
        ("jpype/jpype/_core.py", 103, 5), ("jpype/test/jpypetest/common.py", 97, 22)]
    assert out["total"] == 2 and out["files"] == 2


def test_python_references_tell_same_named_methods_apart(ws: Path) -> None:
    (ws / "a.py").write_text(textwrap.dedent("""\
        class Engine:
            def run(self):
                return 1

        class Other:
            def run(self):
                return 2

        def go(e: Engine, o: Other):
            e.run()
            o.run()
        """))
    (ws / "b.py").write_text("from a import Engine\n\nEngine().run()\n# run in a comment\n")
    ctx = make_ctx(ws)
    out = ok(ctx, "references", path="a.py", line=2, name="run")
    assert [(r["path"], r["line"]) for r in out["references"]] == [("a.py", 2), ("a.py", 10), ("b.py", 3)]
    syntactic = ok(ctx, "references", name="run")  # a bare name: every identifier, comments excluded
    assert [(r["path"], r["line"]) for r in syntactic["references"]] == [
        ("a.py", 2), ("a.py", 6), ("a.py", 10), ("a.py", 11), ("b.py", 3)]
    assert syntactic["precision"] == "syntactic"


def test_syntactic_references_skip_comments_and_strings(repo_ctx: FileToolContext) -> None:
    out = ok(repo_ctx, "references", path="thirdparty/pkg-errors/errors.go", line=184, name="Wrap")
    assert out["precision"] == "syntactic"
    assert [(r["path"], r["line"]) for r in out["references"]] == [
        ("thirdparty/pkg-errors/errors.go", 184), ("thirdparty/pkg-errors/errors_test.go", 31),
        ("thirdparty/pkg-errors/errors_test.go", 44), ("thirdparty/pkg-errors/errors_test.go", 48),
        ("thirdparty/pkg-errors/errors_test.go", 82), ("thirdparty/pkg-errors/errors_test.go", 238)]
    limited = ok(repo_ctx, "references", name="JPypeContext", max_results=5)
    assert len(limited["references"]) == 5 and limited["total"] > 5 and limited["truncated"]


def test_imports_with_what_they_resolve_to(repo_ctx: FileToolContext) -> None:
    py = {i["module"]: i for i in ok(repo_ctx, "imports", path="jpype/test/jpypetest/common.py")["imports"]}
    assert py["jpype"]["resolved"] == "jpype/jpype/__init__.py" and py["jpype"]["line"] == 22
    assert py["os"]["names"] == ["path"] and py["os"]["resolved"] is None
    rel = ok(repo_ctx, "imports", path="jpype/jpype/__init__.py")["imports"]
    assert {"module": "._core", "line": 22, "names": ["*"], "alias": None, "resolved": "jpype/jpype/_core.py"} in rel
    go = ok(repo_ctx, "imports", path="thirdparty/pkg-errors/errors.go")
    assert [(i["module"], i["line"]) for i in go["imports"]] == [("fmt", 96), ("io", 97)] and go["language"] == "go"
    cpp_imports = ok(repo_ctx, "imports", path="jpype/native/common/jp_context.cpp")["imports"]
    cpp = {i["module"]: i["resolved"] for i in cpp_imports}
    assert cpp['"jpype.h"'] == "jpype/native/common/include/jpype.h" and cpp["<dlfcn.h>"] is None
    rust = {i["module"]: i["resolved"] for i in ok(repo_ctx, "imports", path="thirdparty/itoa/src/lib.rs")["imports"]}
    assert rust["mod udiv128"] == "thirdparty/itoa/src/udiv128.rs"
    java = {i["module"]: i["resolved"] for i in
            ok(repo_ctx, "imports", path="jpype/native/java/org/jpype/JPypeContext.java")["imports"]}
    assert java["org.jpype.manager.TypeManager"] == "jpype/native/java/org/jpype/manager/TypeManager.java"
    assert java["java.util.List"] is None


def test_outline_is_bounded_and_says_what_is_left(repo_ctx: FileToolContext) -> None:
    small = call(repo_ctx, "outline", max_bytes=2048)
    out = small.structured
    assert out is not None and out["truncated"] and out["files_total"] == 362 and 0 < out["files"] < 362
    body = small.text.split("[outline cut")[0]
    assert len(body.encode()) <= 2048
    assert "[outline cut at max_bytes=2048:" in small.text and "jpype/ (" in small.text
    sub = ok(repo_ctx, "outline", path="thirdparty/pkg-errors")
    assert not sub["truncated"] and sub["files"] == sub["files_total"] == 4
    text = call(repo_ctx, "outline", path="thirdparty/pkg-errors").text
    assert "thirdparty/pkg-errors/errors.go: function New, function Errorf, struct fundamental(Error, Format)" in text


# ---- the index: lazy, cached, invalidated by changes --------------------------------------------


def test_an_edit_a_replacement_and_a_touch_back_in_time_are_seen(ws: Path) -> None:
    ctx = make_ctx(ws)
    src = ws / "mod.py"
    src.write_text("def one():\n    pass\n")
    settle()
    names = lambda: [s["name"] for s in ok(ctx, "symbols", path="mod.py")["symbols"]]  # noqa: E731
    assert names() == ["one"]
    index = code_index.index_for(ctx)
    hits = index.hits
    assert names() == ["one"] and index.hits == hits + 1  # served from the index
    with src.open("a") as f:  # in place: same inode, new size and mtime
        f.write("def two():\n    pass\n")
    assert names() == ["one", "two"]
    new = ws / "new.py"
    new.write_text("def three():\n    pass\n")
    os.replace(new, src)  # a new inode under the old name
    assert names() == ["three"]
    before = src.stat()
    src.write_text("def thre3():\n    pass\n")  # same size
    os.utime(src, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime: only ctime moved
    assert names() == ["thre3"]


def test_the_index_is_an_lru_bounded_by_bytes(ws: Path) -> None:
    for i in range(40):
        (ws / f"m{i}.py").write_text("".join(f"def function_{i}_{n}():\n    pass\n" for n in range(50)))
    settle()
    ctx = make_ctx(ws)
    index = code_index.index_for(ctx)
    index.max_bytes = 20_000
    out = ok(ctx, "symbols", max_results=5000)
    assert out["total"] == 2000
    assert index.bytes <= 20_000 and 0 < len(index) < 40


def test_a_file_changing_while_it_is_indexed_never_leaves_a_stale_entry(ws: Path) -> None:
    ctx = make_ctx(ws)
    versions = {tuple(f"f{v}_{n}" for n in range(200)): v for v in range(2)}
    texts = ["".join(f"def f{v}_{n}():\n    return {n}\n" for n in range(200)) for v in range(2)]
    target = ws / "hot.py"
    target.write_text(texts[0])
    done = threading.Event()

    def rewrite() -> None:
        i = 0
        while not done.is_set():
            i += 1
            tmp = ws / ".hot.tmp"
            tmp.write_text(texts[i % 2])
            os.replace(tmp, target)
            with target.open("r+") as f:  # and in place, truncating first, so a read can see half a file
                f.truncate(0)
                f.write(texts[(i + 1) % 2])

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        for _ in range(200):
            result = call(ctx, "symbols", path="hot.py")
            assert not result.is_error or "not found" in result.text, result.text
    finally:
        done.set()
        writer.join()
    final = tuple(s["name"] for s in ok(ctx, "symbols", path="hot.py")["symbols"])
    assert versions.get(final) == (0 if target.read_text() == texts[0] else 1)
    time.sleep(code_index.RACY_SECONDS * 2)
    assert tuple(s["name"] for s in ok(ctx, "symbols", path="hot.py")["symbols"]) == final


# ---- hostile input ---------------------------------------------------------------------------


def test_huge_binary_and_unknown_files_get_clear_errors_and_are_skipped_in_trees(ws: Path) -> None:
    ctx = make_ctx(ws)
    (ws / "huge.py").write_text("x = 1\n" * (code_index.MAX_PARSE_BYTES // 6 + 10))
    (ws / "blob.c").write_bytes(b"int main(){}\0\1\2" * 100)
    (ws / "notes.txt").write_text("def not_code(): pass\n")
    (ws / "fine.go").write_text("package x\nfunc Fine() {}\n")
    assert "over the 2097152-byte limit of the code tools" in fails(ctx, "symbols", path="huge.py")
    assert "is a binary file" in fails(ctx, "symbols", path="blob.c")
    assert "not a source file the code tools parse" in fails(ctx, "symbols", path="notes.txt")
    tree = call(ctx, "symbols")
    assert tree.structured is not None
    assert [s["name"] for s in tree.structured["symbols"]] == ["Fine"] and tree.structured["skipped"] == 2
    assert "2 source files skipped: blob.c is a binary file" in tree.text


def test_deeply_nested_code_is_answered_in_bounded_time(ws: Path) -> None:
    depth = 20_000
    (ws / "deep.py").write_text("x = " + "(" * depth + "1" + ")" * depth + "\n\ndef after():\n    return x\n")
    (ws / "deep.js").write_text("function f() {" * 3000 + "}" * 3000 + "\n")
    ctx = make_ctx(ws)
    started = time.monotonic()
    assert [s["name"] for s in ok(ctx, "symbols", path="deep.py")["symbols"]] == ["after"]
    js = ok(ctx, "symbols", path="deep.js")
    assert js["total"] == 3000 and js["symbols"][-1]["container"].startswith("f.f.f.f")
    # jedi gives up on the nesting (a RecursionError inside it): the index answers, and says so
    out = call(ctx, "definition", path="deep.py", line=4, name="x")
    assert not out.is_error and out.structured is not None, out.text
    assert time.monotonic() - started < 60 * SCALE


def test_positions_outside_the_file_and_names_that_do_not_exist(repo_ctx: FileToolContext) -> None:
    path = "thirdparty/pkg-errors/errors.go"
    assert "line 10000 is past the end of thirdparty/pkg-errors/errors.go, which has 288 lines" in fails(
        repo_ctx, "definition", path=path, line=10000, column=1)
    assert "no identifier at line 184, column 500" in fails(repo_ctx, "definition", path=path, line=184, column=500)
    assert "'Nope' is not an identifier on line 184" in fails(repo_ctx, "references", path=path, line=184, name="Nope")
    assert "is 'Wrap', not 'Other'" in fails(repo_ctx, "definition", path=path, line=184, column=6, name="Other")
    assert "path not found: missing.py" in fails(repo_ctx, "definition", path="missing.py", line=1, column=1)
    assert ok(repo_ctx, "references", name="NoSuchIdentifierAnywhere")["references"] == []
    for bad in ({"line": 3}, {"path": "a.py", "line": 1}, {"column": 2, "name": "x"}, {"name": "a b"},
                {"name": "x", "line": 0, "path": "a.py"}):
        result = call(repo_ctx, "definition", **bad)
        assert result.is_error and "invalid arguments" in result.text, (bad, result.text)


def test_symlinks_never_lead_outside_and_are_not_walked(tmp_path: Path, ws: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("def LEAKED_SECRET():\n    pass\n")
    (ws / "pkg").mkdir()
    (ws / "pkg" / "__init__.py").write_text("")
    (ws / "pkg" / "leak.py").symlink_to("../../outside/secret.py")  # relative, but out of the workspace
    (ws / "pkg" / "abs.py").symlink_to(outside / "secret.py")
    (ws / "out").symlink_to("../outside")
    (ws / "main.py").write_text("from pkg.leak import LEAKED_SECRET\nfrom pkg.abs import LEAKED_SECRET as B\n"
                                "LEAKED_SECRET()\nB()\n")
    (ws / "inside.py").symlink_to("main.py")
    ctx = make_ctx(ws)
    for path in ("pkg/leak.py", "pkg/abs.py", "out/secret.py", "out"):
        assert "outside the workspace" in fails(ctx, "symbols", path=path) or "absolute symlink" in fails(
            ctx, "symbols", path=path)
    tree = ok(ctx, "symbols")
    assert tree["total"] == 0 and tree["files"] == 2  # main.py and pkg/__init__.py; symlinks are not walked
    definition = ok(ctx, "definition", path="main.py", line=3, name="LEAKED_SECRET")
    assert all(d["path"] in (None, "main.py") for d in definition["definitions"]), definition
    references = ok(ctx, "references", path="main.py", line=3, name="LEAKED_SECRET")
    assert {r["path"] for r in references["references"]} == {"main.py"}
    assert "LEAKED" not in str(ok(ctx, "outline"))
    assert ok(ctx, "symbols", path="inside.py")["total"] == 0  # a relative symlink inside is followed


def test_a_cancelled_or_timed_out_scan_returns_partial_results(ws: Path) -> None:
    for d in range(30):
        (ws / f"d{d}").mkdir()
        for f in range(20):
            (ws / f"d{d}" / f"f{f}.py").write_text(f"def f_{d}_{f}():\n    pass\n" * 30)
    stop = threading.Event()
    stop.set()
    cancelled = call(make_ctx(ws), "symbols", stop=stop)
    assert cancelled.structured is not None and cancelled.structured["timed_out"] and "[stopped after" in cancelled.text
    slow = make_ctx(ws, scan_time_budget=0.0)  # spent before it starts: no race with a fast machine
    outline = ok(slow, "outline")
    assert outline["timed_out"] and outline["files_total"] < 600


def test_a_call_waits_for_jedi_no_longer_than_its_budget(ws: Path) -> None:
    """jedi runs one analysis at a time per helper: a call that cannot have it within its time answers
    from the index instead of waiting behind another session's long references call."""
    (ws / "a.py").write_text("def f():\n    pass\n\nf()\n")
    ctx = make_ctx(ws, scan_time_budget=0.3)
    with code_python._JEDI_LOCK:
        started = time.monotonic()
        result = call(ctx, "definition", path="a.py", line=4, name="f")
        waited = time.monotonic() - started
    assert result.structured is not None and result.structured["precision"] == "syntactic", result.text
    assert "jedi was busy" in result.text and waited < 5 * SCALE
    assert ok(make_ctx(ws), "definition", path="a.py", line=4, name="f")["precision"] == "semantic"


# ---- jedi sees only what we read ------------------------------------------------------------------

_AUDIT = r"""
import os, sys, json
ws, out = sys.argv[1], sys.argv[2]
seen = []
def hook(event, args):
    if event in ("open", "os.listdir", "os.scandir", "os.mkdir", "os.rename", "os.remove") and args:
        path = args[0]
        if isinstance(path, (str, bytes)):
            seen.append((event, os.fsdecode(path)))
sys.addaudithook(hook)
import shared.toolset
import worker.tools.code
from worker.tools.files import FileToolContext, call_file_tool
ctx = FileToolContext(ws, 10 << 20, 10 << 20)
os.chdir("/")
results = [call_file_tool(tool, args, ctx).structured for tool, args in [
    ("definition", {"path": "app/main.py", "line": 4, "name": "helper"}),
    ("references", {"path": "lib/util.py", "line": 1, "name": "helper"}),
    ("definition", {"path": "app/main.py", "line": 5, "name": "getcwd"}),
]]
json.dump({"seen": seen, "results": results}, open(out, "w"))
"""


def test_jedi_never_opens_or_lists_a_workspace_path_by_name(ws: Path, tmp_path: Path) -> None:
    (ws / "lib").mkdir()
    (ws / "app").mkdir()
    (ws / "lib" / "__init__.py").write_text("")
    (ws / "lib" / "util.py").write_text("def helper():\n    return 1\n")
    (ws / "app" / "main.py").write_text("import os\nfrom lib.util import helper\n\nhelper()\nos.getcwd()\n")
    out = tmp_path / "audit.json"
    subprocess.run([sys.executable, "-c", _AUDIT, str(ws), str(out)], check=True, cwd=Path(__file__).parent.parent,
                   timeout=120 * SCALE)
    import json
    report = json.loads(out.read_text())
    first, refs, stdlib = report["results"]
    assert first["precision"] == "semantic" and first["definitions"][0]["path"] == "lib/util.py"
    assert [(r["path"], r["line"]) for r in refs["references"]] == [("app/main.py", 2), ("app/main.py", 4),
                                                                   ("lib/util.py", 1)]
    assert stdlib["definitions"][0]["module"] == "os"
    real = os.path.realpath(ws)
    # The workspace itself is opened once, by path, when the context starts; everything below it only
    # relative to descriptors (os.open(name, dir_fd=...) shows a bare name; openat2 is a raw syscall).
    below = [(e, p) for e, p in report["seen"] if p.startswith((real + "/", str(ws) + "/")) or "/.cache/" in p]
    assert below == [], below
    # jedi still looks beside modules for stubs and lists package directories by path: under the virtual
    # root, where nothing can exist (/dev/null is no directory), so each of those fails closed
    virtual = [p for _, p in report["seen"] if p.startswith(code_python.VIRTUAL_ROOT)]
    assert virtual, "the virtual root is what jedi sees"
    for path in virtual:
        with pytest.raises(NotADirectoryError):
            os.stat(path)
    jedi_dir = os.path.dirname(code_python.jedi.__file__)
    opened = {p for e, p in report["seen"] if e == "open" and os.path.isabs(p)}
    assert any(p.startswith(jedi_dir) for p in opened)  # typeshed stubs: installed files, read by path


# ---- through a real gateway, as the tool user ------------------------------------------------------


@pytest.fixture
def shared_repo() -> Iterator[Path]:
    """A copy of the vendored repository in a workspace the tool user can read."""
    base = Path(tempfile.mkdtemp(prefix="sandbox-code-"))
    try:
        base.chmod(0o755)
        ws = base / "ws"
        shutil.copytree(REPO, ws)
        subprocess.run(["chmod", "-R", "a+rX", str(ws)], check=True)
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "65534:65534", str(ws)], check=True)
        yield ws
    finally:
        shutil.rmtree(base, ignore_errors=True)


@ROOT_ONLY
def test_every_code_tool_through_the_gateway_as_the_tool_user(shared_repo: Path) -> None:
    gw = GatewayProcess(shared_repo, "--no-mcp-servers", "--run-as", "nobody", workers=1)
    try:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                sym = await call_remote(c, "symbols", path="thirdparty/pkg-errors/errors.go", kinds=["struct"])
                assert [s["name"] for s in sym["structuredContent"]["symbols"]] == [
                    "fundamental", "withStack", "withMessage"], sym
                d = await call_remote(c, "definition", path="jpype/test/jpypetest/common.py", line=97,
                                      name="isJVMStarted")
                assert d["structuredContent"]["precision"] == "semantic", d
                assert [(x["path"], x["line"]) for x in d["structuredContent"]["definitions"]] == [
                    ("jpype/jpype/_core.py", 103)]
                # _jpype is the package's C extension, not in the workspace: jedi cannot tell, the index
                # has no definition of it either, and that is an answer, not an error
                ext = await call_remote(c, "definition", path="jpype/jpype/_core.py", line=109, name="_jpype")
                assert not ext["isError"] and ext["structuredContent"]["definitions"] == [], ext
                r = await call_remote(c, "references", path="jpype/jpype/_core.py", line=103, column=5)
                assert r["structuredContent"]["total"] == 2, r
                i = await call_remote(c, "imports", path="jpype/jpype/__init__.py")
                assert "-> jpype/jpype/_core.py" in text_of(i), text_of(i)
                o = await call_remote(c, "outline", path="thirdparty", max_bytes=1024)
                assert o["structuredContent"]["files"] >= 1 and "thirdparty/itoa/src/lib.rs" in text_of(o), o
                # what the helper runs as: the index and jedi read as nobody (the write tool creates as nobody)
                made = await call_remote(c, "write", file_path="added.py", content="def added():\n    pass\n")
                assert not made["isError"]
                assert (shared_repo / "added.py").stat().st_uid == 65534
                after = await call_remote(c, "symbols", path="added.py")
                assert [s["name"] for s in after["structuredContent"]["symbols"]] == ["added"]
                edited = await call_remote(c, "edit", file_path="added.py", old_string="def added",
                                           new_string="def renamed")
                assert not edited["isError"]
                again = await call_remote(c, "symbols", path="added.py")
                assert [s["name"] for s in again["structuredContent"]["symbols"]] == ["renamed"]

        run(main())
    finally:
        gw.stop()


@ROOT_ONLY
def test_a_root_only_file_is_not_indexed_for_the_tool_user(shared_repo: Path) -> None:
    gw = GatewayProcess(shared_repo, "--no-mcp-servers", "--run-as", "nobody", workers=1)
    # made after the gateway started: at start it gives the whole workspace to the tool user
    secret = shared_repo / "secret_module.py"
    secret.write_text("def TOP_SECRET_FUNCTION():\n    pass\n")
    secret.chmod(0o600)
    try:
        async def main() -> None:
            async with McpClient.connect(gw.url) as c:
                denied = await call_remote(c, "symbols", path="secret_module.py")
                assert denied["isError"] and "permission denied" in text_of(denied), denied
                tree = await call_remote(c, "symbols", name="TOP_SECRET")
                assert tree["structuredContent"]["total"] == 0, tree
                assert "secret_module.py: cannot open" in text_of(tree)
                refs = await call_remote(c, "references", name="TOP_SECRET_FUNCTION")
                assert refs["structuredContent"]["references"] == []

        run(main())
    finally:
        gw.stop()


@ROOT_ONLY
def test_a_big_indexing_run_does_not_stall_another_sessions_echoes(tmp_path: Path) -> None:
    """4,000 files (about 60,000 symbols) indexed cold, and references over all of them, while another
    session runs echo after echo: the echoes keep their pace (the helper is a process of its own)."""
    base = Path(tempfile.mkdtemp(prefix="sandbox-code-stall-"))
    try:
        base.chmod(0o755)
        ws = base / "ws"
        for d in range(40):
            (ws / f"pkg{d}").mkdir(parents=True)
            for f in range(100):
                body = "".join(f"class C{d}_{f}_{k}:\n    def m{k}(self):\n        return helper_{k % 7}()\n\n"
                               for k in range(8))
                (ws / f"pkg{d}" / f"mod{f}.py").write_text(body)
        subprocess.run(["chown", "-R", "65534:65534", str(ws)], check=True)
        gw = GatewayProcess(ws, "--no-mcp-servers", "--run-as", "nobody", workers=2)
        try:
            async def main() -> tuple[list[float], list[float], list[dict[str, Any]]]:
                async with McpClient.connect(gw.url) as agent, McpClient.connect(gw.url) as other:
                    baseline: list[float] = []
                    for _ in range(20):
                        started = time.monotonic()
                        await other.bash("echo hi")
                        baseline.append(time.monotonic() - started)
                    latencies: list[float] = []
                    stop = asyncio.Event()

                    async def echoes() -> None:
                        while not stop.is_set():
                            started = time.monotonic()
                            res = await other.bash("echo hi")
                            latencies.append(time.monotonic() - started)
                            assert text_of(res) == "hi\n", res

                    task = asyncio.create_task(echoes())
                    try:
                        results = await asyncio.gather(
                            call_remote(agent, "symbols", max_results=5000),
                            call_remote(agent, "outline", max_bytes=256 * 1024),
                            call_remote(agent, "references", name="helper_3", max_results=2000),
                        )
                        await async_wait_for(lambda: len(latencies) >= 10, 30, "a few echoes")
                    finally:
                        stop.set()
                        await task
                    return baseline, latencies, list(results)

            baseline, latencies, results = run(main())
        finally:
            gw.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    symbols, outline, references = (r["structuredContent"] for r in results)
    assert symbols["files"] == 4000 or symbols["timed_out"], symbols["files"]
    assert symbols["total"] == 64_000 or symbols["timed_out"]
    assert outline["files_total"] == 4000 or outline["timed_out"]
    assert references["total"] > 0
    print(f"echo p50 {statistics.median(baseline) * 1000:.1f} ms idle, "
          f"{statistics.median(latencies) * 1000:.1f} ms (max {max(latencies) * 1000:.1f} ms) "
          f"during {len(latencies)} echoes of indexing")
    assert statistics.median(latencies) < max(0.1 * SCALE, 3 * statistics.median(baseline)), sorted(latencies)
    assert max(latencies) < 1.0 * SCALE, sorted(latencies)[-5:]


def test_the_code_benchmark_runs(tmp_path: Path) -> None:
    """benchmarks/code_calls.py end to end on a small generated repository (no timing assertions)."""
    out = tmp_path / "code.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.code_calls", "--files", "300", "--calls", "2",
                           "--json", str(out)], cwd=Path(__file__).resolve().parent.parent, capture_output=True,
                          text=True, timeout=300 * SCALE)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    import json
    result = json.loads(out.read_text())
    first, *rows = result["rows"]
    assert first["symbols"] > 3000 and first["cold_ms"] > 0
    assert {r["scenario"] for r in rows} >= {"symbols, one file (warm)", "references, bare name", "outline, 16 KiB"}
    assert all(r["p50_ms"] > 0 for r in rows)
    assert all(r["bash_p50_ms"] > 0 for r in rows if "bash_p50_ms" in r)
