"""The terminal's screen without I/O: the escape filter, the bounded pyte screen, key names.

Pure tests: bytes in, text and state out.  The bounds are checked against the attacks they exist for
(sequences that grow pyte's parser or screen without end, or make one operation cost every cell),
each with a time limit far below what the unbounded screen takes.
"""

from __future__ import annotations

import gc
import random
import time

import pyte
import pytest

from tests.helpers import SCALE
from worker.terminal_screen import (
    MAX_MARKS,
    MAX_SAVEPOINTS,
    MAX_TITLE,
    EscapeFilter,
    TerminalScreen,
    UnknownKey,
    encode_keys,
    plain_text,
)


def screen(cols: int = 40, rows: int = 5, scrollback: int = 100) -> tuple[TerminalScreen, list[bytes]]:
    answers: list[bytes] = []
    return TerminalScreen(cols, rows, scrollback=scrollback, respond=answers.append), answers


# ---- the filter ----------------------------------------------------------------------------


def test_filter_passes_text_and_what_pyte_understands() -> None:
    f = EscapeFilter()
    text = "plain\r\n\x1b[1;31mred\x1b[0m\ttab\x08\x07 \x1b[?25l\x1b[2J\x1b[5;10H\x1b7\x1b8\x1bc\x1b(B"
    assert f.feed(text) == text


def test_filter_keeps_state_across_feeds() -> None:
    f = EscapeFilter()
    pieces = [f.feed("ab\x1b[3"), f.feed("1mcd\x1b]0;ti"), f.feed("tle\x07ef\x1b"), f.feed("Pxx\x1b\\gh\x9b2J")]
    assert pieces == ["ab", "\x1b[31mcd", "\x1b]0;title\x07ef", "gh\x1b[2J"]


def test_filter_drops_strings_titles_bounded_and_unknown_controls() -> None:
    f = EscapeFilter()
    # DCS, APC, PM, SOS payloads are not drawn; OSC other than 0-2 goes; titles are cut
    assert f.feed("a\x1bPsixel\x1b\\b\x1b_apc\x1b\\c\x1b^pm\x1b\\d\x1bXsos\x1b\\e") == "abcde"
    assert f.feed("\x1b]52;c;bm90aGluZw==\x07x") == "x"
    assert f.feed("\x1b]8;;http://x\x1b\\link") == "link"
    assert f.feed("\x1b]2;" + "t" * 10_000 + "\x07") == "\x1b]2;" + "t" * MAX_TITLE + "\x07"
    # NUL, DEL, C1 controls and other C0 controls pyte would print are dropped
    assert f.feed("a\x00b\x7fc\x85d\x01e\x1ff") == "abcdef"
    # DECALN (fills every cell) and xterm extensions pyte misparses
    assert f.feed("x\x1b#8y\x1b[>4;1mz\x1b[=1u\x1b[!p.") == "xyz."
    # colon sub-parameters reach pyte as semicolons
    assert f.feed("\x1b[38:2:1:2:3m") == "\x1b[38;2;1;2;3m"


def test_filter_bounds_sequences_and_strings_however_long() -> None:
    f = EscapeFilter()
    started = time.perf_counter()
    assert f.feed("\x1b[" + "1;" * 500_000 + "m" + "after") == "after"
    assert f.feed("\x1b[" + "9" * 500_000 + "m" + "after") == "after"
    for _ in range(100):  # an OSC string that never ends, in 100 reads of 10,000 characters
        assert f.feed("A" * 10_000) == "" or True
    assert len(f._seq) <= MAX_TITLE + 2
    assert time.perf_counter() - started < 2 * SCALE


def test_filter_bounds_combining_marks() -> None:
    f = EscapeFilter()
    mark = "\u0301"
    assert f.feed("e" + mark * 1000 + "x") == "e" + mark * MAX_MARKS + "x"
    # marks after a control or a sequence would pile onto a cell the cursor moved back to: dropped
    assert f.feed("ab\x08" + mark) == "ab\x08"
    assert f.feed("ab\x1b[D" + mark) == "ab\x1b[D"
    assert f.feed("e") == "e" and f.feed(mark * 5) == mark * MAX_MARKS  # across feeds too
    # zero-width characters that are not combining marks would stop pyte's draw: dropped
    assert f.feed("a\u200bb\u200dc\ufe0fd") == "abcd"


def test_plain_text() -> None:
    assert plain_text("\x1b[1m>>> \x1b[0mhi\x1b]0;t\x07\r\n$ \x1b(B") == ">>> hi\n$ "


# ---- the screen ------------------------------------------------------------------------------


def test_screen_renders_text_cursor_title_and_scrollback() -> None:
    s, answers = screen(20, 3, scrollback=2)
    s.feed(b"\x1b]0;my title\x07one\r\ntwo\r\nthree\r\nfour\r\nfive")
    assert s.lines() == ["three", "four", "five"]
    assert s.scrollback(10) == ["one", "two"][-2:]
    assert s.cursor == (2, 4) and s.cursor_visible and s.title == "my title"
    s.feed(b"\x1b[?25l\x1b[6n")
    assert not s.cursor_visible and answers == [b"\x1b[3;5R"]
    s.feed("\r\n\u00e9t\u00e9 \u4e2d\u6587 e\u0301".encode())  # UTF-8, wide characters, a combining mark
    assert s.lines()[-1] == "\u00e9t\u00e9 \u4e2d\u6587 \u00e9"
    s.resize(10, 2)
    assert (s.cols, s.rows) == (10, 2)


def test_screen_keeps_a_utf8_character_split_between_reads() -> None:
    s, _ = screen()
    data = "h\u00e9llo".encode()
    s.feed(data[:2])
    s.feed(data[2:])
    assert s.lines()[0] == "h\u00e9llo"


def test_screen_bounds_savepoints_and_refuses_resizing_sequences() -> None:
    s, _ = screen(40, 5)
    s.feed(b"\x1b7" * 10_000)
    assert len(s._screen.savepoints) == MAX_SAVEPOINTS
    s.feed(b"\x1b[?3h\x1b[?5h")  # DECCOLM would resize to 132 columns; DECSCNM rewrites every cell
    assert (s.cols, s.rows) == (40, 5)


@pytest.mark.parametrize("attack", [
    b"\x1b[1;1H" + b"\x1b[P" * 2000,  # delete characters
    b"\x1b[1;1H" + b"\x1b[@" * 2000,  # insert characters
    b"\x1b[1;1H" + b"\x1b[L" * 2000,  # insert lines
    b"\x1b[2J" * 2000,  # erase the display
    b"\x1b#8" * 2000,  # fill the screen (dropped)
    b"\x1b[?5h\x1b[?5l" * 1000,  # reverse the screen (dropped)
    b"\x1b[200;1H" + b"\n" * 8000,  # scroll
    b"\x1bc" * 4000,  # reset
], ids=["DCH", "ICH", "IL", "ED", "DECALN", "DECSCNM", "scroll", "RIS"])
def test_no_sequence_costs_every_cell(attack: bytes) -> None:
    """On the largest screen, full of text, each attack's bytes cost what plain text costs within a
    small factor: no operation walks every cell."""
    s, _ = screen(500, 200, scrollback=1000)
    s.feed(b"x" * (500 * 200))
    started = time.perf_counter()
    s.feed(attack)
    per_kib = (time.perf_counter() - started) / (len(attack) / 1024)
    assert per_kib < 0.1 * SCALE, f"{per_kib * 1000:.1f} ms per KiB"


# ---- keys ------------------------------------------------------------------------------------


def test_keys() -> None:
    assert encode_keys(["Enter", "Tab", "BTab", "S-Tab", "Escape", "Backspace", "Space"]) == \
        b"\r\t\x1b[Z\x1b[Z\x1b\x7f "
    assert encode_keys(["C-c", "C-d", "C-z", "c-A", "C-[", "C-@", "C-Space", "M-x", "M-Enter", "a", "S-a"]) == \
        b"\x03\x04\x1a\x01\x1b\x00\x00\x1bx\x1b\ra" + b"A"
    assert encode_keys(["Up", "down", "Left", "Right", "Home", "End"]) == b"\x1b[A\x1b[B\x1b[D\x1b[C\x1b[H\x1b[F"
    assert encode_keys(["Up"], application_cursor=True) == b"\x1bOA"
    assert encode_keys(["C-Left", "S-Up", "M-Right"]) == b"\x1b[1;5D\x1b[1;2A\x1b[1;3C"
    assert encode_keys(["F1", "F5", "F12", "S-F5", "PageUp", "PgDn", "Delete", "Insert"]) == \
        b"\x1bOP\x1b[15~\x1b[24~\x1b[15;2~\x1b[5~\x1b[6~\x1b[3~\x1b[2~"
    for bad in ("Enterr", "C-1", "F13", "C-"):
        with pytest.raises(UnknownKey, match="unknown key"):
            encode_keys([bad])


def test_draw_wraps_overwrites_inserts_and_keeps_no_tracked_objects() -> None:
    s, _ = screen(10, 3)
    s.feed(b"0123456789abc")  # wraps at the last column
    assert s.lines()[:2] == ["0123456789", "abc"]
    s.feed(b"\x1b[?7l\x1b[3;1H0123456789XYZ")  # no wrap: further characters overwrite the last column
    assert s.lines()[2] == "012345678Z" and s.cursor == (2, 10)
    s.feed(b"\x1b[4h\x1b[1;1H>>\x1b[4l")  # insert mode shifts the line right
    assert s.lines()[0] == ">>01234567"
    s.feed("\x1b[2;1H\x1b[2K\u4e2d\u6587x\x1b(0lqk\x1b(B".encode())  # wide characters; line drawing
    assert s.lines()[1] == "\u4e2d\u6587x\u250c\u2500\u2510"
    cells = [cell for line in s._screen.buffer.values() for cell in line.values()]
    assert cells and not any(gc.is_tracked(cell) for cell in cells)  # text only, nothing for the collector


def test_draw_stores_what_pyte_stores() -> None:
    """The drawing fast path against stock pyte on random text, cursor moves, erases, wrap and insert
    mode.  Left out: zero-width characters (pyte drops the rest of the text after one; the filter
    removes them before they reach the screen) and delete-characters (after pyte's insert-characters it
    brings back a cell that pyte kept beyond the last column, where this screen keeps none)."""
    pieces = [*"abcdefghij XYZ~", "\u4e2d", "e\u0301", "\u0301", "\r\n", "\x1b[4h", "\x1b[4l", "\x1b[?7l",
              "\x1b[?7h", "\x1b[2;5H", "\x1b[K", "\x1b[1K", "\x1b[3X", "\x1b[2@", "\x1b[J", "\x1b[1J"]
    rng = random.Random(7)
    for _ in range(2000):
        cols, rows = rng.randint(2, 12), rng.randint(2, 5)
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 60)))
        ours, _ = screen(cols, rows)
        ours._stream.feed(text)  # past the filter: the screen is what is compared
        reference = pyte.Screen(cols, rows)
        pyte.Stream(reference).feed(text)
        expected = ["".join(reference.buffer[y][x].data for x in range(cols)).rstrip() for y in range(rows)]
        assert ours.lines() == expected, text
        assert ours.cursor == (reference.cursor.y, reference.cursor.x), text
