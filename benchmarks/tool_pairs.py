"""Every tool next to doing the same through ``bash``: the pairs of ``sandbox-bench tools``.

A pair is a tool call and the ``bash`` command an agent would run instead for the same answer (``cat``
for ``read``, ``git apply`` for ``patch``, ``grep -n 'def '`` for ``symbols``...).  The scenario runs the
two in turn, call after call, on one session, so both see the same machine load; ``i`` is the call's
number (edits alternate forward and back, so every call changes the file).  ``SETUP`` makes the files
they work on, under ``DIR`` in the workspace, through ``bash`` (it works against a remote gateway too).

Data only: no I/O here (``benchmarks.scenarios.ToolsVsBash`` runs them).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["DIR", "PAIRS", "SETUP", "Pair", "heredoc", "patch_text"]

DIR = "sandbox-bench-tools"
FILES = 50
LINES = 400
HUNKS = 20
GIT = "git -c user.name=Bench -c user.email=bench@example.com"
BLOB = bytes(range(256)) * 256  # 64 KiB, every byte value
_BLOB_B64 = base64.b64encode(BLOB).decode()

_PYTHON = '''import os
import sys
from pathlib import Path


class Store:
    def __init__(self, root):
        self.root = Path(root)

    def load(self, name):
        return (self.root / name).read_text()

    def save(self, name, text):
        (self.root / name).write_text(text)


def target_function(values):
    return sum(values) / max(len(values), 1)


def main():
    store = Store(os.getcwd())
    print(target_function([len(store.load(n)) for n in sys.argv[1:]]))
'''


def _module(n: int) -> str:
    return (f"from app import target_function\n\n\ndef use_{n}(values):\n    return target_function(values) + {n}\n\n\n"
            f"class Thing{n}:\n    def run(self):\n        return use_{n}([{n}])\n")


def heredoc(command: str, text: str) -> str:
    return f"{command} <<'SANDBOX_BENCH_EOF'\n{text}SANDBOX_BENCH_EOF"


def patch_text(name: str, reverse: bool) -> str:
    """A diff of ``HUNKS`` one-line changes to ``name`` (or the diff that undoes them)."""
    hunks = []
    for k in range(HUNKS):
        line = 10 + k * 20
        old = [f"line {n} of the file" for n in range(line - 3, line + 4)]
        new = list(old)
        new[3] = new[3].upper()
        before, after = (new, old) if reverse else (old, new)
        body = [f" {x}" for x in before[:3]] + [f"-{before[3]}", f"+{after[3]}"] + [f" {x}" for x in before[4:]]
        hunks.append(f"@@ -{line - 3},7 +{line - 3},7 @@\n" + "\n".join(body) + "\n")
    return f"--- a/{name}\n+++ b/{name}\n" + "".join(hunks)


def _edits(i: int) -> list[dict[str, str]]:
    mark = " (e)"
    plain = [f"line {n} of the file\n" for n in (2, 100, 200, 300, 399)]
    if i % 2 == 0:
        return [{"old_string": p, "new_string": p[:-1] + mark + "\n"} for p in plain]
    return [{"old_string": p[:-1] + mark + "\n", "new_string": p} for p in plain]


def _sed_edits(i: int, name: str) -> str:
    lines = (2, 100, 200, 300, 399)
    forward = i % 2 == 0
    exprs = [f"-e 's/^line {n} of the file$/line {n} of the file (e)/'" if forward else
             f"-e 's/^line {n} of the file (e)$/line {n} of the file/'" for n in lines]
    return "sed -i " + " ".join(exprs) + " " + name


Call = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Pair:
    """``name``: what both sides do; ``tool(i, started)``: the tool calls of one round, timed together
    (``started``: the structuredContent of ``start``); ``bash(i)``: the command.  ``start`` is called once
    before the rounds (a terminal to talk to) and ``finish(started)`` once after them."""

    name: str
    tool: Callable[[int, dict[str, Any]], list[Call]]
    bash: Callable[[int], str]
    why: str = ""  # where the tool is not expected to win, why (shown with the result)
    start: Call | None = None
    finish: Callable[[dict[str, Any]], Call] | None = None


def _one(make: Callable[[int], Call]) -> Callable[[int, dict[str, Any]], list[Call]]:
    return lambda i, _started: [make(i)]


def _terminal_round(i: int, started: dict[str, Any]) -> list[Call]:
    """Type a line into the REPL and read until its answer: the echo of the line does not hold the
    answer's text (``'r7' + 'x'`` is echoed, ``r7x`` printed)."""
    term = started["terminal_id"]
    return [("terminal_send", {"terminal_id": term, "text": f"print('r{i}' + 'x')", "keys": ["Enter"]}),
            ("terminal_read", {"terminal_id": term, "wait_for": f"r{i}x", "max_bytes": 4096})]


# bash commands, run in order; the first in a subshell (a bash call's cd would stay with the session)
SETUP: list[str] = [
    f"(rm -rf {DIR} && mkdir -p {DIR}/many {DIR}/code && cd {DIR} && "
    f"for n in $(seq 0 {FILES - 1}); do for k in $(seq 0 49); do echo \"file $n line $k\"; done > many/f$n.txt; "
    "done && "
    f"for k in $(seq 1 {LINES}); do echo \"line $k of the file\"; done > tool.txt && cp tool.txt bash.txt && "
    "cp tool.txt edit-tool.txt && cp tool.txt edit-bash.txt && "
    f"mkdir repo && cd repo && git init -q && for k in $(seq 30); do seq $k 100 > f$((k % 5)).txt; "
    f"{GIT} add -A; {GIT} commit -qm \"commit $k\"; done && "
    "for k in 1 2 3; do echo changed >> f$k.txt; done && echo new > untracked.txt && cd .. && "
    f"printf %s '{_BLOB_B64}' | base64 -d > blob.bin)",
    heredoc(f"cat > {DIR}/code/app.py", _PYTHON),
    *(heredoc(f"cat > {DIR}/code/mod{n}.py", _module(n)) for n in range(20)),
]

_D = DIR
_EDIT = ("line 200 of the file\n", "line 200 of the file (e)\n")  # and back
PAIRS: list[Pair] = [
    Pair("read 50 lines | cat -n",
         _one(lambda i: ("read", {"file_path": f"{_D}/many/f1.txt"})), lambda i: f"cat -n {_D}/many/f1.txt"),
    Pair("write 4 KiB | cat > (heredoc)",
         _one(lambda i: ("write", {"file_path": f"{_D}/out-tool.txt", "content": f"{i}\n" + "x" * 4094 + "\n"})),
         lambda i: heredoc(f"cat > {_D}/out-bash.txt", f"{i}\n" + "x" * 4094 + "\n")),
    Pair("edit one line | sed -i",
         _one(lambda i: ("edit", {"file_path": f"{_D}/edit-tool.txt", "old_string": _EDIT[i % 2],
                             "new_string": _EDIT[1 - i % 2]})),
         lambda i: f"sed -i 's/^{_EDIT[i % 2][:-1]}$/{_EDIT[1 - i % 2][:-1]}/' {_D}/edit-bash.txt",
         why="edit checks the string occurs exactly once and writes a new file atomically; sed edits blindly"),
    Pair("multi_edit 5 edits | sed -i (5)",
         _one(lambda i: ("multi_edit", {"file_path": f"{_D}/tool.txt", "edits": _edits(i)})),
         lambda i: _sed_edits(i, f"{_D}/bash.txt")),
    Pair("patch 20 hunks | git apply",
         _one(lambda i: ("patch", {"patch": patch_text("tool.txt", reverse=i % 2 == 1), "directory": _D})),
         lambda i: heredoc(f"git -C {_D} apply", patch_text("bash.txt", reverse=i % 2 == 1))),
    Pair("batch_read 50 files | cat 50 files",
         _one(lambda i: ("batch_read", {"files": [{"file_path": f"{_D}/many/f{n}.txt"} for n in range(FILES)]})),
         lambda i: "cat " + " ".join(f"{_D}/many/f{n}.txt" for n in range(FILES))),
    Pair("list 50 entries | ls -la",
         _one(lambda i: ("list", {"path": f"{_D}/many"})), lambda i: f"ls -la {_D}/many"),
    Pair("glob **/*.py | find -name",
         _one(lambda i: ("glob", {"pattern": "**/*.py", "path": _D})), lambda i: f"find {_D} -name '*.py'"),
    Pair("grep 71 files, 500 matches | grep -rn",
         _one(lambda i: ("grep", {"pattern": "line 4[0-9]$", "path": _D, "max_results": 1000})),
         lambda i: f"grep -rnE 'line 4[0-9]$' {_D}/many {_D}/code {_D}/tool.txt | head -1000",
         why="the file helper's RE2 engine spends about 5 us of Python a matching line (rg would cost a process "
             "of 4 ms); with few matches, or a result cap reached early in a big tree, the tool wins"),
    Pair("grep 71 files, 21 matches | grep -rn",
         _one(lambda i: ("grep", {"pattern": "def target_function|import target_function", "path": _D})),
         lambda i: f"grep -rnE 'def target_function|import target_function' {_D}/many {_D}/code {_D}/tool.txt"),
    Pair("symbols of a file | grep -n def/class",
         _one(lambda i: ("symbols", {"path": f"{_D}/code/app.py"})),
         lambda i: f"grep -nE '^\\s*(def|class) ' {_D}/code/app.py"),
    Pair("definition by name | grep -rn 'def name'",
         _one(lambda i: ("definition", {"path": f"{_D}/code", "name": "target_function"})),
         lambda i: f"grep -rn 'def target_function' {_D}/code"),
    Pair("definition at a position (jedi) | grep -rn 'def name'",
         _one(lambda i: ("definition", {"path": f"{_D}/code/mod3.py", "line": 5, "name": "target_function"})),
         lambda i: f"grep -rn 'def target_function' {_D}/code",
         why="jedi resolves the import to the one definition it refers to; grep finds every def of the name"),
    Pair("references | grep -rnw",
         _one(lambda i: ("references", {"path": f"{_D}/code", "name": "target_function"})),
         lambda i: f"grep -rnw target_function {_D}/code",
         why="references tells each use's kind (definition, import, call) and enclosing symbol from the syntax "
             "tree; grep only finds the word"),
    Pair("imports | grep -n import",
         _one(lambda i: ("imports", {"path": f"{_D}/code/app.py"})),
         lambda i: f"grep -nE '^(import|from) ' {_D}/code/app.py"),
    Pair("outline 21 files | grep -rn def/class",
         _one(lambda i: ("outline", {"path": f"{_D}/code"})),
         lambda i: f"grep -rnE '^\\s*(def|class) ' {_D}/code | head -c 16384"),
    Pair("git_status | git status --porcelain",
         _one(lambda i: ("git_status", {"repository": f"{_D}/repo"})),
         lambda i: f"git -C {_D}/repo status --porcelain",
         why="both run the git binary (a process either way); the tool also parses its porcelain v2 output"),
    Pair("git_diff | git diff --stat -p",
         _one(lambda i: ("git_diff", {"repository": f"{_D}/repo"})), lambda i: f"git -C {_D}/repo diff --stat -p",
         why="both run the git binary (a process either way); the tool also parses the numstat into files"),
    Pair("git_log 20 | git log -n 20",
         _one(lambda i: ("git_log", {"repository": f"{_D}/repo", "max_count": 20})),
         lambda i: f"git -C {_D}/repo log -n 20 --format='%H %an %ad %s'",
         why="git_log parses every commit into fields (hash, parents, author, committer, dates, subject) for its "
             "structuredContent"),
    Pair("upload 64 KiB | base64 -d > (heredoc)",
         _one(lambda i: ("upload", {"file_path": f"{_D}/up-tool.bin", "content": _BLOB_B64})),
         lambda i: heredoc(f"base64 -d > {_D}/up-bash.bin", _BLOB_B64 + "\n")),
    Pair("download 64 KiB | base64",
         _one(lambda i: ("download", {"file_path": f"{_D}/blob.bin", "mode": "embed"})),
         lambda i: f"base64 -w0 {_D}/blob.bin",
         why="download also hashes the file (sha256 in the result)"),
    Pair("terminal: send + read on a running python3 REPL | python3 -c",
         _terminal_round, lambda i: f"python3 -c \"print('r{i}' + 'x')\"",
         start=("terminal_start", {"command": "python3 -q", "cols": 80, "rows": 24}),
         finish=lambda started: ("terminal_close", {"terminal_id": started["terminal_id"]}),
         why="two calls (send, then read with wait_for) against one; the REPL is already running"),
]
