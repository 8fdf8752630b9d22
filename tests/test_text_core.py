"""The text rules of edit, multi_edit and patch (``worker.tools.text``), without files or processes."""

from __future__ import annotations

import pytest

from worker.tools import text as tx
from worker.tools.text import Hunk, HunkFailed, apply_hunks, find_edit, join_lines, newline_of, split_lines


def hunk(start: int, body: str, *, src_nonl: bool = False, tgt_nonl: bool = False) -> Hunk:
    lines = [(line[0], line[1:]) for line in body.splitlines()]
    return Hunk(f"@@ -{start} @@", start, lines, src_nonl, tgt_nonl)  # type: ignore[arg-type]


def apply(text: str, *hunks: Hunk) -> str:
    bodies, ends = split_lines(text)
    out_bodies, out_ends, _ = apply_hunks(bodies, ends, hunks, newline_of(text) if "\n" in text else "\n")
    return join_lines(out_bodies, out_ends)


def test_decode_keeps_bom_and_foreign_bytes() -> None:
    data = tx.BOM + b"caf\xe9\r\nok\n"
    decoded = tx.decode(data)
    assert decoded.bom and decoded.text == "caf\udce9\r\nok\n"
    assert tx.encode(decoded.text, decoded.bom) == data
    with pytest.raises(UnicodeEncodeError):
        tx.encode("\ud800", False)  # a lone surrogate no byte stands for


@pytest.mark.parametrize(("text", "expected"), [
    ("a\nb\n", "\n"), ("a\r\nb\r\n", "\r\n"), ("a\r\nb\nc\n", "\n"), ("a\r\nb\r\nc\n", "\r\n"), ("", "\n")])
def test_newline_of_is_the_majority(text: str, expected: str) -> None:
    assert newline_of(text) == expected


def test_split_lines_only_at_newlines() -> None:
    assert split_lines("a\r\nb\x0bc\u2028d\ne") == (["a", "b\x0bc\u2028d", "e"], ["\r\n", "\n", ""])
    assert split_lines("") == ([], [])
    assert split_lines("x\n") == (["x"], ["\n"])


def test_find_edit_follows_the_files_line_ends() -> None:
    crlf = "one\r\ntwo\r\nthree\r\n"
    # multi-line old sent with \n matches the CRLF text, new gets CRLF
    assert find_edit(crlf, "one\ntwo", "1\n2") == ("one\r\ntwo", "1\r\n2", 1)
    # one-line old: new's line ends follow the file (the bug this fixes: "x\ny" went in with a bare \n)
    assert find_edit(crlf, "two", "2a\n2b") == ("two", "2a\r\n2b", 1)
    # an LF region of a mixed file keeps LF
    mixed = "a\r\nb\nc\nd\r\ne\r\n"
    assert find_edit(mixed, "b\nc", "B\nC") == ("b\nc", "B\nC", 1)
    assert find_edit("a\nb\n", "a", "x\ny") == ("a", "x\ny", 1)
    assert find_edit("abc", "zz", "y")[2] == 0


def test_hunks_apply_with_offsets_and_keep_line_ends() -> None:
    text = "".join(f"l{i}\r\n" for i in range(1, 11))
    bodies, ends = split_lines(text)
    out, out_ends, offsets = apply_hunks(bodies, ends, [hunk(2, " l4\n-l5\n+five\n+FIVE\n l6"),
                                                        hunk(9, " l9\n-l10")], "\r\n")
    assert offsets == [2, 0]  # the first hunk's header said line 2; it fitted at line 4
    assert join_lines(out, out_ends) == "l1\r\nl2\r\nl3\r\nl4\r\nfive\r\nFIVE\r\nl6\r\nl7\r\nl8\r\nl9\r\n"


def test_trailing_newline_is_kept_unless_the_diff_says() -> None:
    # the last line changes; the diff says nothing about the end: the file keeps having none
    assert apply("a\nb", hunk(1, " a\n-b\n+B")) == "a\nB"
    assert apply("a\nb\n", hunk(1, " a\n-b\n+B")) == "a\nB\n"
    # lines added after a last line without newline: it gets one, the new last line does not
    assert apply("a\nb", hunk(1, " a\n b\n+c")) == "a\nb\nc"
    # the diff says it: "\ No newline" on the new side removes it, on the old side only adds it
    assert apply("a\nb\n", hunk(1, " a\n-b\n+B", tgt_nonl=True)) == "a\nB"
    assert apply("a\nb", hunk(1, " a\n-b\n+b", src_nonl=True)) == "a\nb\n"
    # a hunk away from the end leaves the end alone
    assert apply("a\nb\nc", hunk(1, "-a\n+A")) == "A\nb\nc"


def test_insertions_without_context() -> None:
    assert apply("a\nb\n", hunk(1, "+x")) == "a\nx\nb\n"  # -U0: after line 1
    assert apply("a\nb\n", hunk(0, "+top")) == "top\na\nb\n"
    assert apply("", hunk(0, "+new\n+file")) == "new\nfile\n"


def test_a_hunk_that_does_not_fit_names_the_nearest_lines() -> None:
    lines = [f"line {i}" for i in range(100)]
    lines[51] = "line  51"  # differs only in whitespace
    lines[52] = "line 52 changed"
    bodies, ends = split_lines("\n".join(lines) + "\n")
    with pytest.raises(HunkFailed) as info:
        apply_hunks(bodies, ends, [hunk(20, " line 50\n line 51\n-line 52\n+x\n line 53")], "\n")
    failed = info.value
    assert failed.index == 0 and failed.expected == 19
    assert failed.nearest == tx.Nearest(start=50, equal=3, exact=2)
    # nothing in common: no guess
    with pytest.raises(HunkFailed) as info:
        apply_hunks(bodies, ends, [hunk(1, "-zzz\n+y")], "\n")
    assert info.value.nearest is None


def test_hunks_do_not_match_before_the_previous_one() -> None:
    bodies, ends = split_lines("x\ny\nx\ny\n")
    out, out_ends, offsets = apply_hunks(bodies, ends, [hunk(1, "-x\n+X"), hunk(1, "-x\n+Z")], "\n")
    assert join_lines(out, out_ends) == "X\ny\nZ\ny\n" and offsets == [0, 2]


def test_nearest_ignores_very_common_lines() -> None:
    lines = ["}"] * 5000 + ["def f():", "    return 1", "}"]
    near = tx.nearest(lines, ["def f():", "    return 2", "}"], 0)
    assert near is not None and near.start == 5000 and near.exact == 2
