"""Text edits without I/O: how edit, multi_edit and patch change a file's text and keep its form.

A file's bytes are decoded as UTF-8 with ``surrogateescape`` (bytes that are not UTF-8 come back
exactly as they were) after its BOM is set aside (``decode``), and encoded the same way
(``encode``).  Line endings are the file's: ``newline_of`` says which one a file mostly uses, and new
lines get it, so a CRLF file stays CRLF whatever the agent sends.

``find_edit`` is the matching rule of edit and multi_edit; ``apply_hunks`` applies a file's hunks
(already parsed, see ``worker.tools.edits``) and, when one does not fit, ``HunkFailed`` carries the
nearest place it might have been meant for (``nearest``), so the error can show it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Literal, NamedTuple

__all__ = [
    "BOM",
    "Decoded",
    "Hunk",
    "HunkFailed",
    "Nearest",
    "apply_hunks",
    "decode",
    "encode",
    "find_edit",
    "join_lines",
    "nearest",
    "newline_of",
    "split_lines",
]

BOM = b"\xef\xbb\xbf"
# Lines of a file that occur this often are not used to find where a failed hunk was meant to go
# ("}", blank lines): they would cost a vote per occurrence and point nowhere in particular.
_COMMON_LINE = 64


class Decoded(NamedTuple):
    text: str  # without the BOM; bytes that are not UTF-8 as surrogate escapes
    bom: bool


def decode(data: bytes) -> Decoded:
    if data.startswith(BOM):
        return Decoded(data[len(BOM):].decode("utf-8", "surrogateescape"), True)
    return Decoded(data.decode("utf-8", "surrogateescape"), False)


def encode(text: str, bom: bool) -> bytes:
    """The bytes of ``text``; raises UnicodeEncodeError for a lone surrogate that no byte stands for."""
    data = text.encode("utf-8", "surrogateescape")
    return BOM + data if bom else data


def newline_of(text: str) -> str:
    """"\\r\\n" when most of ``text``'s line ends are CRLF, else "\\n"."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and 2 * crlf > text.count("\n") else "\n"


def find_edit(text: str, old: str, new: str) -> tuple[str, str, int]:
    """How to apply "replace ``old`` with ``new``" to ``text``: (old, new as they apply, occurrences).

    Agents send "\\n".  In a file with CRLF line ends, an ``old`` that is not found as sent is looked
    for with CRLF; and ``new`` is written with the line ends of the text it replaces: CRLF when
    ``old`` matched with CRLF, or when ``old`` is one line and the file is mostly CRLF.  Text that
    matched with bare "\\n" (an LF region of a mixed file) keeps bare "\\n".
    """
    count = text.count(old)
    if count:
        if "\n" not in old and "\n" in new and "\r\n" not in new and newline_of(text) == "\r\n":
            new = new.replace("\n", "\r\n")
        return old, new, count
    if "\n" in old and "\r\n" not in old and "\r\n" in text:
        crlf_old = old.replace("\n", "\r\n")
        count = text.count(crlf_old)
        if count:
            return crlf_old, new if "\r\n" in new else new.replace("\n", "\r\n"), count
    return old, new, 0


# ---- lines ------------------------------------------------------------------------------------


def split_lines(text: str) -> tuple[list[str], list[str]]:
    """``text`` as line bodies and their ends ("\\n", "\\r\\n", or "" for a last line without one).

    Only "\\n" ends a line (not the other characters ``str.splitlines`` takes)."""
    parts = text.split("\n")
    last = parts.pop()
    bodies: list[str] = []
    ends: list[str] = []
    for part in parts:
        if part.endswith("\r"):
            bodies.append(part[:-1])
            ends.append("\r\n")
        else:
            bodies.append(part)
            ends.append("\n")
    if last:
        bodies.append(last)
        ends.append("")
    return bodies, ends


def join_lines(bodies: Sequence[str], ends: Sequence[str]) -> str:
    return "".join(body + end for body, end in zip(bodies, ends, strict=True))


# ---- hunks ------------------------------------------------------------------------------------


class Hunk(NamedTuple):
    """One hunk of a unified diff, as line bodies (no line ends)."""

    header: str  # "@@ -40,7 +40,8 @@ def name", for messages
    source_start: int  # the header's first old line (for an empty source: the line to insert after)
    lines: list[tuple[Literal[" ", "-", "+"], str]]  # in order: context, removed and added lines
    source_no_newline: bool = False  # "\ No newline at end of file" after the last old line
    target_no_newline: bool = False  # ... after the last new line

    @property
    def source(self) -> list[str]:
        return [body for kind, body in self.lines if kind != "+"]

    @property
    def added(self) -> int:
        return sum(kind == "+" for kind, _ in self.lines)

    @property
    def removed(self) -> int:
        return sum(kind == "-" for kind, _ in self.lines)


class Nearest(NamedTuple):
    """Where a hunk's old lines best match a file: ``start`` (0-based) and how many of them are equal
    there, ignoring whitespace (``equal``) and exactly (``exact``)."""

    start: int
    equal: int
    exact: int


class HunkFailed(Exception):
    """Hunk ``index`` (0-based) does not apply; ``nearest`` is the best guess, None if no line matched."""

    def __init__(self, index: int, hunk: Hunk, expected: int, nearest: Nearest | None) -> None:
        super().__init__(f"hunk {index + 1} does not apply")
        self.index = index
        self.hunk = hunk
        self.expected = expected  # 0-based line where the header says it goes (offset by earlier hunks)
        self.nearest = nearest


def _squeezed(line: str) -> str:
    return " ".join(line.split())


def nearest(lines: Sequence[str], source: Sequence[str], expected: int) -> Nearest | None:
    """The start in ``lines`` where most lines of ``source`` are equal when whitespace is ignored
    (ties: nearest to ``expected``).  One pass over the file; lines that recur more than
    _COMMON_LINE times in the file do not vote."""
    if not source:
        return None
    wanted: dict[str, list[int]] = {}
    for i, line in enumerate(source):
        wanted.setdefault(_squeezed(line), []).append(i)
    hits: dict[str, list[int]] = {}
    for q, line in enumerate(lines):
        key = _squeezed(line)
        if key in wanted:
            hits.setdefault(key, []).append(q)
    votes: Counter[int] = Counter()
    for key, positions in hits.items():
        if len(positions) > _COMMON_LINE and key.strip("{}()[];,") == "":
            continue
        for q in positions[: _COMMON_LINE * 4]:
            for i in wanted[key]:
                votes[q - i] += 1
    if not votes:
        return None
    start = max(votes, key=lambda p: (votes[p], -abs(p - expected)))
    start = max(start, 0)
    equal = exact = 0
    for i, want in enumerate(source):
        if start + i >= len(lines):
            break
        have = lines[start + i]
        exact += have == want
        equal += _squeezed(have) == _squeezed(want)
    return Nearest(start, equal, exact)


def _find(lines: Sequence[str], source: list[str], expected: int, lowest: int) -> int | None:
    """The start nearest ``expected``, at ``lowest`` or later, where ``source`` matches exactly."""
    size = len(source)
    highest = len(lines) - size
    if highest < lowest:
        return None
    expected = min(max(expected, lowest), highest)
    first = source[0]
    for distance in range(max(expected - lowest, highest - expected) + 1):
        for at in (expected - distance, expected + distance) if distance else (expected,):
            if lowest <= at <= highest and lines[at] == first and list(lines[at : at + size]) == source:
                return at
    return None


def apply_hunks(bodies: list[str], ends: list[str], hunks: Sequence[Hunk], newline: str
                ) -> tuple[list[str], list[str], list[int]]:
    """The file's lines after ``hunks`` (in order, not overlapping), and each hunk's offset in lines
    from where its header put it.  Raises HunkFailed.

    Context lines keep the file's own line end, added lines get ``newline``.  Every line but the last
    ends with a line end.  The last line's end, when the last hunk reaches the end of the file, is
    what the diff says (``\\ No newline at end of file`` on the new side: none; on the old side only:
    one), and otherwise what the file had: a patch that does not mention the end keeps it as it was.
    """
    out_bodies: list[str] = []
    out_ends: list[str] = []
    offsets: list[int] = []
    cursor = 0  # the next line of the file not yet copied
    shift = 0  # how far the previous hunk was from where its header put it
    reached_end: Hunk | None = None
    for index, hunk in enumerate(hunks):
        source = hunk.source
        if source:
            expected = hunk.source_start - 1 + shift
            at = _find(bodies, source, expected, cursor)
            if at is None:
                raise HunkFailed(index, hunk, max(expected, 0), nearest(bodies, source, max(expected, 0)))
            offsets.append(at - (hunk.source_start - 1))
        else:
            # nothing to match: an insertion after line source_start (0: at the top)
            at = min(max(hunk.source_start + shift, cursor), len(bodies))
            offsets.append(at - hunk.source_start)
        shift = offsets[-1]
        out_bodies += bodies[cursor:at]
        out_ends += ends[cursor:at]
        line = at
        for kind, body in hunk.lines:
            if kind == " ":
                out_bodies.append(bodies[line])
                out_ends.append(ends[line])
                line += 1
            elif kind == "-":
                line += 1
            else:
                out_bodies.append(body)
                out_ends.append(newline)
        cursor = line
        reached_end = hunk if cursor == len(bodies) else None
    out_bodies += bodies[cursor:]
    out_ends += ends[cursor:]
    for i in range(len(out_ends) - 1):
        if not out_ends[i]:
            out_ends[i] = newline  # a last line that lines were added after
    if out_ends and reached_end is not None:
        if reached_end.target_no_newline:
            out_ends[-1] = ""
        elif reached_end.source_no_newline:
            out_ends[-1] = out_ends[-1] or newline
        elif bodies and not ends[-1]:
            out_ends[-1] = ""
        else:
            out_ends[-1] = out_ends[-1] or newline
    return out_bodies, out_ends, offsets
