"""A terminal's screen without I/O: what a program drew, as text, within bounds no program can push.

The screen is pyte's (a VT100/xterm emulator in Python); this module bounds what a hostile or merely
noisy program can make it hold or spend, and renders it for ``terminal_read``.

* ``EscapeFilter`` sits between the program's output and pyte's parser.  pyte keeps every parameter
  of a control sequence and the whole text of an OSC string until its terminator, converts a run of
  digits with ``int()`` (which raises past 4,300 digits and would end its parser), lets combining
  marks pile onto one cell, and draws DCS/APC payloads as text.  The filter passes plain text and
  the sequences pyte understands, and drops: sequences with more than ``MAX_SEQUENCE`` characters of
  parameters, strings other than OSC 0-2 titles (those cut at ``MAX_TITLE``), DECALN (``ESC # 8``
  fills every cell), controls pyte would print, more than ``MAX_MARKS`` combining marks after one
  character, and zero-width characters.  It keeps O(1) state across feeds, so a sequence split between
  two reads is handled like a whole one, and it draws DEC line-drawing characters (``ESC ( 0``), which
  pyte ignores in UTF-8 mode and ncurses programs draw their boxes with.
* ``TerminalScreen`` is the screen: cells hold text only (no attributes: nothing for the garbage
  collector to track), scrollback kept as rendered text lines (``scrollback`` of them),
  at most ``MAX_SAVEPOINTS`` saved cursors, erasing that costs O(lines) rather than O(cells), no
  DECCOLM (it would resize the screen behind the pty's back) nor DECSCNM (it rewrites every cell),
  and answers to the program's status queries (cursor position, device attributes) through
  ``respond``.  Every operation then costs O(lines + columns) at most, so the worker can feed it in
  slices of bounded time (``worker.terminals``).
* ``encode_keys`` turns key names (``Enter``, ``C-c``, ``Up``, ``F5``, ``M-x``) into the bytes a
  terminal sends for them.
"""

from __future__ import annotations

import codecs
import collections
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import pyte
from pyte.screens import Margins, StaticDefaultDict, wcwidth

__all__ = [
    "KEY_NAMES",
    "MAX_COLS",
    "MAX_MARKS",
    "MAX_ROWS",
    "MAX_SAVEPOINTS",
    "MAX_SEQUENCE",
    "MAX_TITLE",
    "EscapeFilter",
    "TerminalScreen",
    "UnknownKey",
    "encode_keys",
    "plain_text",
    "warm_up",
]

MAX_COLS = 500
MAX_ROWS = 200
MAX_SEQUENCE = 64  # characters of parameters and intermediates in one control sequence
MAX_TITLE = 256
MAX_MARKS = 2  # combining marks kept after one character
MAX_SAVEPOINTS = 16

ESC = "\x1b"
# C0 controls pyte acts on (BEL BS HT LF VT FF CR SO SI) and the two that cancel a sequence (CAN SUB)
_PASSED_C0 = "\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x18\x1a"
_DROPPED_C0 = "".join(chr(c) for c in range(0x20) if chr(c) not in _PASSED_C0 + ESC)
_STRING_STARTS = {"P": "dcs", "X": "sos", "^": "pm", "_": "apc", "]": "osc"}  # after ESC
_C1_STRINGS = {"\x90": "dcs", "\x98": "sos", "\x9e": "pm", "\x9f": "apc", "\x9d": "osc"}
_TWO_CHAR_ESCAPES = "#%()*+-./"  # ESC x y: y completes the sequence
_DEC_GRAPHICS = {code: pyte.charsets.VT100_MAP[code] for code in range(0x5F, 0x7F)}
_CSI_PARAMS = frozenset("0123456789;:?<=>")
_CSI_INTERMEDIATES = frozenset(" !\"#$%&'()*+,-./")
# What pyte parses of those: digits, ";" (":" is passed as ";"), "?" (private), and the intermediates " " (which it
# skips) and "$" (after which it skips the final).  Others ("<", "=", ">", "!", ...) mark xterm extensions that it
# would end the sequence at and print the rest of: such sequences are dropped.
_PYTE_CSI = frozenset("0123456789;:? $")


@functools.cache
def _mark_classes() -> tuple[str, str]:
    """Regex character classes: (combining marks pyte attaches to the previous cell, zero-width
    characters that are not: pyte's ``draw`` stops at those and loses the rest of its text).

    Computed once per process (~20 ms) from this Python's Unicode tables."""
    combining: list[int] = []
    zero_width: list[int] = []
    for ranges in ((0x300, 0x30000), (0xE0000, 0xE1000)):
        for code in range(*ranges):
            char = chr(code)
            if unicodedata.combining(char):
                combining.append(code)
            elif unicodedata.category(char) in ("Mn", "Me", "Cf"):
                zero_width.append(code)
    zero_width += [0xAD]  # SOFT HYPHEN: Cf below 0x300
    return _char_class(combining), _char_class(zero_width)


def _char_class(codes: Iterable[int]) -> str:
    parts: list[str] = []
    start = prev = -2
    for code in sorted(codes):
        if code == prev + 1:
            prev = code
            continue
        if start >= 0:
            parts.append(_range(start, prev))
        start = prev = code
    if start >= 0:
        parts.append(_range(start, prev))
    return "".join(parts)


def _range(start: int, end: int) -> str:
    return re.escape(chr(start)) if start == end else f"{re.escape(chr(start))}-{re.escape(chr(end))}"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(special: where the filter must look closer, marks: a run of combining marks)."""
    combining, zero_width = _mark_classes()
    dropped = re.escape(_DROPPED_C0)
    special = re.compile(f"[{re.escape(ESC)}\x7f-\x9f{dropped}{combining}{zero_width}]")
    return special, re.compile(f"[{combining}]+")


def warm_up() -> None:
    """Build the filter's tables now (~0.1 s of CPU, once per process) rather than at its first feed."""
    _patterns()


class EscapeFilter:
    """Program output (decoded text) in, text pyte can parse within bounds out; state across feeds."""

    __slots__ = ("_graphics", "_kind", "_marks", "_seq", "_state", "_too_long")

    def __init__(self) -> None:
        self._state = "ground"  # ground, esc, esc2, csi, string, string_esc
        self._seq: list[str] = []  # the sequence being collected (bounded by MAX_SEQUENCE/MAX_TITLE)
        self._too_long = False
        self._kind = ""  # the string's kind (osc, dcs, ...) or the escape's first character
        self._marks = -1  # combining marks since the last printable character; -1: none may follow
        # G0 is DEC's line-drawing set (ESC ( 0): pyte ignores charsets in UTF-8 mode, but programs drawing
        # boxes through ncurses (top, dialog, mc) use it, so the filter translates their text itself
        self._graphics = False

    def feed(self, text: str) -> str:
        special, marks = _patterns()
        out: list[str] = []
        pos = 0
        end = len(text)
        while pos < end:
            if self._state != "ground":
                pos = self._sequence(text, pos, out)
                continue
            found = special.search(text, pos)
            stop = end if found is None else found.start()
            if stop > pos:
                run = text[pos:stop]
                out.append(run.translate(_DEC_GRAPHICS) if self._graphics else run)
                last = run[-1]
                self._marks = 0 if last >= " " and last != "\x7f" else -1
            if found is None:
                break
            char = text[stop]
            pos = stop + 1
            run_of_marks = marks.match(text, stop)
            if run_of_marks is not None:
                pos = run_of_marks.end()
                if self._marks >= 0:
                    kept = run_of_marks.group()[: MAX_MARKS - self._marks]
                    out.append(kept)
                    self._marks += len(kept)
            elif char == ESC:
                self._start("esc")
            elif char == "\x9b":
                self._start("csi")
            elif char in _C1_STRINGS:
                self._start("string", _C1_STRINGS[char])
            # anything else (other C1 controls, DEL, dropped C0 controls, zero-width characters) goes
        return "".join(out)

    def _start(self, state: str, kind: str = "") -> None:
        self._state = state
        self._kind = kind
        self._seq.clear()
        self._too_long = False
        if state != "ground":
            self._marks = -1

    def _collect(self, char: str, limit: int) -> None:
        if len(self._seq) < limit:
            self._seq.append(char)
        else:
            self._too_long = True

    def _sequence(self, text: str, pos: int, out: list[str]) -> int:
        """Go on with the sequence being collected; returns where ground text resumes."""
        end = len(text)
        while pos < end and self._state != "ground":
            char = text[pos]
            pos += 1
            state = self._state
            if state == "esc":
                if char == "[":
                    self._start("csi")
                elif char in _STRING_STARTS:
                    self._start("string", _STRING_STARTS[char])
                elif char in _TWO_CHAR_ESCAPES:
                    self._start("esc2", char)
                elif char == ESC:
                    self._start("esc")
                elif " " <= char <= "~":
                    out.append(ESC + char)
                    self._graphics = self._graphics and char != "c"  # RIS resets the charsets too
                    self._start("ground")
                else:
                    self._start("ground")
                    pos -= 1  # not an escape after all: the character is ground text
            elif state == "esc2":
                if not (self._kind == "#" and char == "8") and " " <= char <= "~":  # DECALN fills the screen
                    out.append(ESC + self._kind + char)
                if self._kind == "(":
                    self._graphics = char == "0"
                self._start("ground")
            elif state == "csi":
                if char in _CSI_PARAMS or char in _CSI_INTERMEDIATES:
                    self._collect(char, MAX_SEQUENCE)
                elif "@" <= char <= "~":
                    self._csi_done(char, out)
                elif char in _PASSED_C0 and char not in "\x18\x1a":
                    out.append(char)  # executed in the middle of a sequence, as terminals do
                else:  # CAN, SUB, ESC or anything unexpected ends it unfinished
                    self._start("ground")
                    if char == ESC:
                        self._start("esc")
            elif state == "string":
                if char == "\x07" and self._kind == "osc":
                    self._string_done(out)
                elif char == "\x9c":
                    self._string_done(out)
                elif char == ESC:
                    self._state = "string_esc"
                elif char in "\x18\x1a":
                    self._start("ground")
                else:
                    self._collect(char, MAX_TITLE + 2)
            elif state == "string_esc":
                if char == "\\":
                    self._string_done(out)
                else:  # ESC that is not ST: the string is abandoned, the escape starts anew
                    self._start("esc")
                    pos -= 1
        return pos

    def _csi_done(self, final: str, out: list[str]) -> None:
        params, too_long = "".join(self._seq), self._too_long
        self._start("ground")
        if too_long or not _PYTE_CSI.issuperset(params):
            return  # over the bound, or an xterm extension pyte would misparse
        out.append(ESC + "[" + params.replace(":", ";") + final)

    def _string_done(self, out: list[str]) -> None:
        body = "".join(self._seq)
        kind = self._kind
        self._start("ground")
        if kind != "osc":
            return
        code, sep, title = body.partition(";")
        if sep and code in ("0", "1", "2"):
            out.append(f"{ESC}]{code};{title[:MAX_TITLE]}\x07")


def plain_text(text: str) -> str:
    """``text`` without escape sequences and control characters other than newline and tab (what a
    person would read; ``terminal_read``'s ``wait_for`` looks for its text there)."""
    return _PLAIN.sub("", text)


_PLAIN = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|\Z)"  # strings, to BEL or ST (or the end of what was read)
    r"|\x1b[ -/]*[0-~]"  # other escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]", re.S)


class _NoDirty:
    """pyte tracks changed lines for incremental redraws; nothing here redraws, so nothing is kept."""

    __slots__ = ()

    def add(self, _line: int) -> None:
        pass

    def update(self, _lines: Iterable[int]) -> None:
        pass

    def clear(self) -> None:
        pass


_NO_DIRTY = _NoDirty()
_ASCII_RUN = re.compile("[ -~]+")
_DECAWM = pyte.modes.DECAWM
_IRM = pyte.modes.IRM
_DECCOLM = pyte.modes.DECCOLM
_DECSCNM = pyte.modes.DECSCNM
_DECCKM = 1 << 5  # application cursor keys (pyte keeps private modes shifted by 5)


class _BoundedScreen(pyte.Screen):
    """pyte's screen with the bounds described in the module docstring.

    A cell holds its text only (a ``str``), not pyte's ``Char`` (text and attributes): nothing here shows
    colours, and a ``Char`` is a tuple subclass the garbage collector tracks for ever, so a few full screens
    of them (100,000 cells each) made every full collection of the worker a pause of tens of milliseconds.
    So every method that stores cells is this class's own (``draw``, the erases, insert and delete)."""

    def __init__(self, columns: int, lines: int, scrollback: int, respond: Callable[[str], None]) -> None:
        super().__init__(columns, lines)
        self.dirty = _NO_DIRTY  # type: ignore[assignment]
        self.buffer = collections.defaultdict(_blank_line)
        self.scrollback: collections.deque[str] = collections.deque(maxlen=scrollback)
        self._respond = respond

    def render_line(self, y: int) -> str:
        line = self.buffer.get(y)
        if not line:
            return ""
        width = min(max(line) + 1, self.columns)
        # a wide character's second cell holds "", so joining the cells renders it once
        return "".join([line[x] for x in range(width)]).rstrip()  # type: ignore[misc]

    def draw(self, data: str) -> None:
        """pyte's ``draw`` (wrap, insert mode, wide characters, combining marks), storing text, with runs of
        ASCII stored at once, and an unprintable character skipped where pyte drops the rest of ``data``."""
        data = data.translate(self.g1_charset if self.charset else self.g0_charset)
        buffer: Any = self.buffer  # of str cells (pyte's type says Char)
        cursor, columns = self.cursor, self.columns
        wrap = _DECAWM in self.mode
        insert = _IRM in self.mode
        pos, end = 0, len(data)
        while pos < end:
            run = None if insert else _ASCII_RUN.match(data, pos)
            if run is not None:
                stop = run.end()
                while pos < stop:
                    if cursor.x >= columns:
                        if not wrap:  # each further character overwrites the last column
                            buffer[cursor.y][columns - 1] = data[stop - 1]
                            pos = stop
                            break
                        self.carriage_return()
                        self.linefeed()
                    take = min(columns - cursor.x, stop - pos)
                    buffer[cursor.y].update(zip(range(cursor.x, cursor.x + take), data[pos : pos + take], strict=True))
                    cursor.x += take
                    pos += take
                continue
            char = data[pos]
            pos += 1
            width = wcwidth(char)
            if cursor.x == columns:
                if wrap:
                    self.carriage_return()
                    self.linefeed()
                elif width > 0:
                    cursor.x -= width
            if insert and width > 0:
                self.insert_characters(width)
            line = buffer[cursor.y]
            if width == 1:
                line[cursor.x] = char
            elif width == 2:
                line[cursor.x] = char
                if cursor.x + 1 < columns:
                    line[cursor.x + 1] = ""
            elif width == 0 and unicodedata.combining(char):
                if cursor.x:
                    line[cursor.x - 1] = unicodedata.normalize("NFC", line[cursor.x - 1] + char)
                elif cursor.y:
                    above = buffer[cursor.y - 1]
                    above[columns - 1] = unicodedata.normalize("NFC", above[columns - 1] + char)
                continue
            else:
                continue
            cursor.x = min(cursor.x + width, columns)

    def erase_in_line(self, how: int = 0, private: bool = False) -> None:
        line = self.buffer[self.cursor.y]
        x = self.cursor.x
        if how == 2:
            line.clear()
            return
        for column in [c for c in line if (c >= x if how == 0 else c <= x)]:
            del line[column]

    def erase_characters(self, count: int | None = None) -> None:
        line = self.buffer[self.cursor.y]
        for column in range(self.cursor.x, min(self.cursor.x + (count or 1), self.columns)):
            line.pop(column, None)

    def index(self) -> None:
        top, bottom = self.margins or Margins(0, self.lines - 1)
        if self.cursor.y != bottom or top != 0 or bottom != self.lines - 1:
            super().index()  # not a scroll of the whole screen (pyte's loop is bounded by the margins)
            return
        if self.scrollback.maxlen:
            self.scrollback.append(self.render_line(0))
        # What pyte does line by line in Python (the hot path of every program that prints lines), as
        # one dict comprehension: every line moves up one, the top one goes.
        buffer = self.buffer
        shifted = {y - 1: line for y, line in buffer.items() if y > 0}
        buffer.clear()
        buffer.update(shifted)

    def insert_characters(self, count: int | None = None) -> None:
        # pyte walks every column and stores a blank in each; moving only the stored cells renders
        # the same and costs O(cells in the line) in C rather than O(columns) in Python.
        count = count or 1
        start, line = self.cursor.x, self.buffer[self.cursor.y]
        moved = {x + count: char for x, char in line.items() if x >= start and x + count < self.columns}
        for x in [x for x in line if x >= start]:
            del line[x]
        line.update(moved)

    def delete_characters(self, count: int | None = None) -> None:
        count = count or 1
        start, line = self.cursor.x, self.buffer[self.cursor.y]
        moved = {x - count: char for x, char in line.items() if x >= start + count}
        for x in [x for x in line if x >= start]:
            del line[x]
        line.update(moved)

    def save_cursor(self) -> None:
        super().save_cursor()
        if len(self.savepoints) > MAX_SAVEPOINTS:
            del self.savepoints[0]

    def alignment_display(self) -> None:
        pass  # the filter drops DECALN; this keeps a direct call cheap too

    def erase_in_display(self, how: int = 0, *args: Any, **kwargs: Any) -> None:
        # Erased cells are dropped instead of being rewritten one by one: they render the same (this
        # screen keeps no colours), and a program cannot make each erase cost every cell.
        if how == 0:
            doomed = range(self.cursor.y + 1, self.lines)
        elif how == 1:
            doomed = range(self.cursor.y)
        else:
            doomed = range(self.lines)
        for y in doomed:
            self.buffer.pop(y, None)
        if how in (0, 1):
            self.erase_in_line(how)

    def set_mode(self, *modes: int, **kwargs: Any) -> None:
        super().set_mode(*_kept_modes(modes, kwargs), **kwargs)

    def reset_mode(self, *modes: int, **kwargs: Any) -> None:
        super().reset_mode(*_kept_modes(modes, kwargs), **kwargs)

    def write_process_input(self, data: str) -> None:
        self._respond(data)


def _blank_line() -> StaticDefaultDict[int, Any]:
    return StaticDefaultDict(" ")


def _kept_modes(modes: tuple[int, ...], kwargs: dict[str, Any]) -> tuple[int, ...]:
    if not kwargs.get("private"):
        return modes
    return tuple(m for m in modes if (m << 5) not in (_DECCOLM, _DECSCNM))


class TerminalScreen:
    """One terminal's screen: bytes of program output in (``feed``), text out (``lines``, ``cursor``).

    ``respond(bytes)`` is called with what the terminal answers the program (status reports); the
    caller queues it as input.  ``feed`` costs O(len(data) * (lines + columns)) at worst."""

    def __init__(self, cols: int, rows: int, *, scrollback: int, respond: Callable[[bytes], None]) -> None:
        self._screen = _BoundedScreen(cols, rows, scrollback, lambda text: respond(text.encode()))
        self._stream = pyte.Stream(self._screen)
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._filter = EscapeFilter()

    @property
    def cols(self) -> int:
        return int(self._screen.columns)

    @property
    def rows(self) -> int:
        return int(self._screen.lines)

    def feed(self, data: bytes) -> None:
        text = self._filter.feed(self._decoder.decode(data))
        if text:
            self._stream.feed(text)

    def resize(self, cols: int, rows: int) -> None:
        self._screen.resize(rows, cols)

    def lines(self) -> list[str]:
        """The screen's rows as text, trailing blanks removed (the rows themselves are all there)."""
        return [self._screen.render_line(y) for y in range(self._screen.lines)]

    def scrollback(self, count: int) -> list[str]:
        """The last ``count`` lines that scrolled off the top, oldest first."""
        kept = self._screen.scrollback
        if count <= 0 or not kept:
            return []
        return list(kept)[-count:]

    @property
    def cursor(self) -> tuple[int, int]:
        """(row, column), from 0."""
        return int(self._screen.cursor.y), int(self._screen.cursor.x)

    @property
    def cursor_visible(self) -> bool:
        return not self._screen.cursor.hidden

    @property
    def title(self) -> str:
        return str(self._screen.title)

    @property
    def application_cursor_keys(self) -> bool:
        return _DECCKM in self._screen.mode


# ---- keys ----------------------------------------------------------------------------------


class UnknownKey(ValueError):
    """A key name ``encode_keys`` does not know; the message lists the names it does."""


_CSI_KEYS = {"Up": "A", "Down": "B", "Right": "C", "Left": "D", "Home": "H", "End": "F"}
_TILDE_KEYS = {"Insert": 2, "Delete": 3, "PageUp": 5, "PageDown": 6, "F5": 15, "F6": 17, "F7": 18, "F8": 19,
               "F9": 20, "F10": 21, "F11": 23, "F12": 24}
_SS3_KEYS = {"F1": "P", "F2": "Q", "F3": "R", "F4": "S"}
_PLAIN_KEYS = {"Enter": "\r", "Tab": "\t", "BTab": "\x1b[Z", "Escape": "\x1b", "Backspace": "\x7f", "Space": " "}
_ALIASES = {"Return": "Enter", "Esc": "Escape", "BSpace": "Backspace", "Del": "Delete", "PgUp": "PageUp",
            "PgDn": "PageDown", "PPage": "PageUp", "NPage": "PageDown", "IC": "Insert", "DC": "Delete"}
KEY_NAMES: tuple[str, ...] = (*_PLAIN_KEYS, *_CSI_KEYS, *_TILDE_KEYS, *_SS3_KEYS)
_CANONICAL = {name.lower(): name for name in (*KEY_NAMES, *_ALIASES)}
_CONTROL_PUNCT = {"@": "\x00", " ": "\x00", "[": "\x1b", "\\": "\x1c", "]": "\x1d", "^": "\x1e", "_": "\x1f",
                  "?": "\x7f"}


def encode_keys(names: Iterable[str], *, application_cursor: bool = False) -> bytes:
    """The bytes for each named key, in order.  Names (case-insensitive): Enter, Tab, BTab, Escape,
    Backspace, Space, Up, Down, Left, Right, Home, End, Insert, Delete, PageUp, PageDown, F1-F12; a
    single character; with prefixes ``C-`` (Control), ``M-`` (Meta/Alt: ESC first) and ``S-`` (Shift,
    for the named keys), e.g. ``C-c``, ``M-f``, ``C-Left``, ``S-F5``."""
    return b"".join(_encode_key(name, application_cursor).encode() for name in names)


def _encode_key(name: str, application_cursor: bool) -> str:
    rest = name
    ctrl = meta = shift = False
    while len(rest) > 2 and rest[1] == "-" and rest[0] in "CMScms":
        prefix = rest[0].upper()
        ctrl |= prefix == "C"
        meta |= prefix == "M"
        shift |= prefix == "S"
        rest = rest[2:]
    if len(rest) == 1:
        char = rest
        if ctrl:
            if char.isalpha() and char.isascii():
                char = chr(ord(char.lower()) - ord("a") + 1)
            elif char in _CONTROL_PUNCT:
                char = _CONTROL_PUNCT[char]
            else:
                raise UnknownKey(f"unknown key {name!r}: C- combines with a letter or one of @[\\]^_? and space")
        elif shift:
            char = char.upper()
        return ("\x1b" if meta else "") + char
    key = _CANONICAL.get(rest.lower())
    if key is None:
        raise UnknownKey(f"unknown key {name!r}; keys: {', '.join(KEY_NAMES)}, a single character, "
                         "with prefixes C- (control), M- (alt) and S- (shift), e.g. C-c, M-f, C-Left")
    key = _ALIASES.get(key, key)
    modifier = 1 + shift + 2 * meta + 4 * ctrl  # xterm's modifier parameter
    if key == "BTab" or (key == "Tab" and shift):
        return "\x1b[Z"
    if key in _PLAIN_KEYS:
        text = _PLAIN_KEYS[key]
        if ctrl and key == "Space":
            text = "\x00"
        return ("\x1b" if meta else "") + text
    if key in _CSI_KEYS:
        if modifier > 1:
            return f"\x1b[1;{modifier}{_CSI_KEYS[key]}"
        return ("\x1bO" if application_cursor else "\x1b[") + _CSI_KEYS[key]
    if key in _SS3_KEYS:
        return f"\x1b[1;{modifier}{_SS3_KEYS[key]}" if modifier > 1 else "\x1bO" + _SS3_KEYS[key]
    number = _TILDE_KEYS[key]
    return f"\x1b[{number};{modifier}~" if modifier > 1 else f"\x1b[{number}~"
