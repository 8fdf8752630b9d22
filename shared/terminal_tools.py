"""Argument and result types of the terminal tools: terminal_start, terminal_send, terminal_read,
terminal_resize, terminal_close, terminal_list.

A terminal is a program on a pseudo-terminal (a REPL, an ``ssh``-style prompt, ``top``, an
interactive installer) that lives in a worker like a background job: it belongs to the MCP session
that started it, counts against --max-jobs-per-session while its program runs, and dies with the
session.  The gateway gives it an id (``term-N``) and routes every later call to the worker that holds
it.  Each argument Struct is the tool's ``inputSchema``; the implementation is ``worker.terminals``
(pty, output ring, screen) and ``gateway.mcp`` / ``gateway.pool`` (routing, the limit).
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

import msgspec
from msgspec import UNSET, Meta, UnsetType

from shared.tools import READ_ONLY, ToolAnnotations, ToolSpec, output_schema, register

__all__ = [
    "DEFAULT_COLS",
    "DEFAULT_ROWS",
    "MAX_COLS",
    "MAX_KEYS",
    "MAX_READ_BYTES",
    "MAX_ROWS",
    "MAX_SEND_CHARS",
    "MAX_WAIT_FOR",
    "MIN_COLS",
    "MIN_ROWS",
    "ROUTED_TO_TERMINAL",
    "TERMINAL_CLOSE",
    "TERMINAL_LIST",
    "TERMINAL_READ",
    "TERMINAL_RESIZE",
    "TERMINAL_SEND",
    "TERMINAL_START",
    "TERMINAL_STATUSES",
    "TERMINAL_TOOL_NAMES",
    "TerminalCloseArgs",
    "TerminalEntry",
    "TerminalListArgs",
    "TerminalListResult",
    "TerminalReadArgs",
    "TerminalReadResult",
    "TerminalResizeArgs",
    "TerminalSendArgs",
    "TerminalSendResult",
    "TerminalStartArgs",
    "TerminalStatus",
    "TerminalStatusResult",
]

TERMINAL_TOOL_NAMES = frozenset({"terminal_start", "terminal_send", "terminal_read", "terminal_resize",
                                 "terminal_close", "terminal_list"})
# The tools a terminal's worker answers (terminal_start goes to any worker, terminal_list to none)
ROUTED_TO_TERMINAL = frozenset({"terminal_send", "terminal_read", "terminal_resize", "terminal_close"})

MIN_COLS, MAX_COLS, DEFAULT_COLS = 10, 500, 120
MIN_ROWS, MAX_ROWS, DEFAULT_ROWS = 2, 200, 40
MAX_SEND_CHARS = 64 * 1024  # one terminal_send; the terminal's own input queue holds as much
MAX_KEYS = 256
MAX_READ_BYTES = 256 * 1024
DEFAULT_READ_BYTES = 16 * 1024
MAX_WAIT_FOR = 1024
MAX_SCROLLBACK_LINES = 10_000
MAX_SETTLE_MS = 10_000

TerminalStatus = Literal["running", "exited", "killed", "lost"]
TERMINAL_STATUSES: tuple[str, ...] = get_args(TerminalStatus)
_STATUS_MEANING = ("running: its program is running; exited: the program ended (see exit_code), its last screen "
                   "is still readable; killed: by terminal_close or its session ending; lost: its worker died, "
                   "every process with it.")

_TERMINAL_ID = Annotated[str, Meta(min_length=1, max_length=64, description="The terminal_id terminal_start returned.")]
_COLS = Annotated[int, Meta(ge=MIN_COLS, le=MAX_COLS, description=f"Columns ({MIN_COLS}-{MAX_COLS}).")]
_ROWS = Annotated[int, Meta(ge=MIN_ROWS, le=MAX_ROWS, description=f"Rows ({MIN_ROWS}-{MAX_ROWS}).")]


def _no_nul(field: str, value: str | None) -> None:
    if value is not None and "\0" in value:
        raise ValueError(f"{field} must not contain NUL bytes")


# ---- arguments -----------------------------------------------------------------------------


class TerminalStartArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    command: Annotated[str, Meta(min_length=1, max_length=60_000, description=(
        "The command line to run on the terminal, with /bin/bash -c (e.g. `python3`, `bash`, `top`, "
        "`ssh host`). It starts in the session's working directory with its exported variables, "
        "TERM=xterm-256color."))] = "bash"
    cols: _COLS = DEFAULT_COLS
    rows: _ROWS = DEFAULT_ROWS
    working_dir: Annotated[str | None, Meta(description=(
        "Directory to start in, relative to the workspace (or absolute inside it)."))] = None

    def __post_init__(self) -> None:
        _no_nul("command", self.command)
        _no_nul("working_dir", self.working_dir)


class TerminalSendArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    terminal_id: _TERMINAL_ID
    text: Annotated[str, Meta(max_length=MAX_SEND_CHARS, description=(
        "Text to type, sent as it is (a newline is sent as LF; to press Enter use keys [\"Enter\"] or "
        "end the text with \\r)."))] = ""
    keys: Annotated[list[Annotated[str, Meta(min_length=1, max_length=32)]], Meta(
        max_length=MAX_KEYS, description=(
            "Keys to press after the text, in order: Enter, Tab, BTab, Escape, Backspace, Space, Up, Down, Left, "
            "Right, Home, End, Insert, Delete, PageUp, PageDown, F1-F12, or a single character; prefixes C- "
            "(control), M- (alt) and S- (shift) combine, e.g. C-c, C-d, C-z, M-f, C-Left."))] = []

    def __post_init__(self) -> None:
        _no_nul("terminal_id", self.terminal_id)
        if not self.text and not self.keys:
            raise ValueError("terminal_send needs text or keys")


class TerminalReadArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    terminal_id: _TERMINAL_ID
    since: Annotated[int | None, Meta(description=(
        "Byte offset in the terminal's raw output to read from (next_since of an earlier call); default: "
        "where the previous terminal_read of this terminal stopped."))] = None
    max_bytes: Annotated[int, Meta(ge=0, le=MAX_READ_BYTES, description=(
        f"Most raw output to return (0-{MAX_READ_BYTES}); what is left is read by the next call."))
    ] = DEFAULT_READ_BYTES
    wait_for: Annotated[Annotated[str, Meta(min_length=1, max_length=MAX_WAIT_FOR)] | None, Meta(description=(
        "Wait until this text appears in the output written after the read position (escape sequences "
        "removed), e.g. a prompt such as \">>> \" or \"$ \"."))] = None
    settle_ms: Annotated[int, Meta(ge=0, le=MAX_SETTLE_MS, description=(
        "Wait until the program has written nothing for this many milliseconds (after wait_for, if given)."))
    ] = 0
    timeout: Annotated[Annotated[float, Meta(gt=0)] | None, Meta(description=(
        "Seconds to wait for wait_for and settle_ms at most (default 10, capped by the server); the screen "
        "is returned either way."))] = None
    scrollback: Annotated[int, Meta(ge=0, le=MAX_SCROLLBACK_LINES, description=(
        "Also return up to this many lines that scrolled off the top of the screen."))] = 0

    def __post_init__(self) -> None:
        _no_nul("terminal_id", self.terminal_id)
        if self.since is not None and self.since < 0:
            raise ValueError(f"since must be >= 0, got {self.since}")
        _no_nul("wait_for", self.wait_for)


class TerminalResizeArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    terminal_id: _TERMINAL_ID
    cols: _COLS
    rows: _ROWS

    def __post_init__(self) -> None:
        _no_nul("terminal_id", self.terminal_id)


class TerminalCloseArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    terminal_id: _TERMINAL_ID

    def __post_init__(self) -> None:
        _no_nul("terminal_id", self.terminal_id)


class TerminalListArgs(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pass


# ---- results -------------------------------------------------------------------------------


class TerminalStatusResult(msgspec.Struct, kw_only=True):
    """A terminal's status and size (terminal_start, terminal_resize, terminal_close)."""

    terminal_id: str
    status: Annotated[TerminalStatus, Meta(description=_STATUS_MEANING)]
    exit_code: Annotated[int | None, Meta(description="The program's exit code once it exited; null otherwise.")]
    cols: int | UnsetType = UNSET
    rows: int | UnsetType = UNSET


class TerminalSendResult(msgspec.Struct, kw_only=True):
    terminal_id: str
    status: Annotated[TerminalStatus, Meta(description=_STATUS_MEANING)]
    exit_code: int | None
    sent_bytes: Annotated[int, Meta(description="Bytes queued for the program's input.")]
    pending_bytes: Annotated[int, Meta(description=(
        "Input the program has not read yet (a program that stops reading fills the terminal's input queue; "
        "sends beyond it are refused)."))]


class TerminalReadResult(msgspec.Struct, kw_only=True):
    """The screen as text, and the raw output since the read position."""

    terminal_id: str
    status: Annotated[TerminalStatus, Meta(description=_STATUS_MEANING)]
    exit_code: int | None
    cols: int
    rows: int
    screen: Annotated[list[str], Meta(description="The screen's rows as text, top first, trailing blanks removed.")]
    cursor_row: Annotated[int, Meta(description="The cursor's row, from 0.")]
    cursor_col: Annotated[int, Meta(description="The cursor's column, from 0.")]
    cursor_visible: bool
    title: Annotated[str, Meta(description="The title the program set (OSC 0/2), if any.")]
    scrollback: Annotated[list[str], Meta(description="Lines that scrolled off the top, oldest first.")] = []
    output: Annotated[str, Meta(description=(
        "Raw output (escape sequences included) from the read position, at most max_bytes, decoded as UTF-8."))]
    next_since: Annotated[int, Meta(description="The byte offset to read on from.")]
    more_bytes: Annotated[int, Meta(description="Output after next_since not returned (max_bytes).")]
    dropped_bytes: Annotated[int, Meta(description="Output that fell out of the terminal's bounded buffer.")]
    total_bytes: Annotated[int, Meta(description="Every byte the program has written.")]
    screen_behind_bytes: Annotated[int, Meta(description=(
        "Output read but not yet drawn on the screen: a program writing faster than the screen is drawn is "
        "slowed down, and the screen lags by at most this much."))] = 0
    matched: Annotated[bool | None, Meta(description="Whether wait_for was seen (null without wait_for).")] = None
    waited_ms: Annotated[float, Meta(description="How long the call waited for wait_for or settle_ms.")] = 0.0


class TerminalEntry(msgspec.Struct, kw_only=True):
    terminal_id: str
    command: str
    status: Annotated[TerminalStatus, Meta(description=_STATUS_MEANING)]
    exit_code: int | None
    age_s: Annotated[float, Meta(description="Seconds since it started.")]


class TerminalListResult(msgspec.Struct, kw_only=True):
    """This session's terminals."""

    terminals: list[TerminalEntry]


# Runs any program and types anything into it, like bash: it may delete files and reach the network.
_RUNS_ANYTHING = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                                 open_world_hint=True)

TERMINAL_START = register(
    ToolSpec(
        name="terminal_start",
        title="Start a program on a terminal",
        description=(
            "Start a command on a pseudo-terminal of its own, for programs that need one: REPLs, password or "
            "ssh-style prompts, top, less, interactive installers. Returns at once with its terminal_id; type "
            "with terminal_send, read the screen with terminal_read, stop it with terminal_close. The terminal "
            "belongs to this session, counts against its background job limit while its program runs, and is "
            "killed with every process it started when the session ends. For commands that need no terminal, "
            "bash is faster."
        ),
        input_schema=output_schema(TerminalStartArgs),
        args_type=TerminalStartArgs,
        annotations=_RUNS_ANYTHING,
        output_schema=output_schema(TerminalStatusResult),
    )
)

TERMINAL_SEND = register(
    ToolSpec(
        name="terminal_send",
        title="Type into a terminal",
        description=(
            "Type text and press keys on a terminal (its program reads them as a person's typing): e.g. "
            "{\"text\": \"print(6*7)\", \"keys\": [\"Enter\"]}, {\"keys\": [\"C-c\"]}, {\"keys\": [\"Down\", "
            "\"Enter\"]}. Returns once the input is queued; read the result with terminal_read (wait_for a prompt)."
        ),
        input_schema=output_schema(TerminalSendArgs),
        args_type=TerminalSendArgs,
        annotations=_RUNS_ANYTHING,
        output_schema=output_schema(TerminalSendResult),
    )
)

TERMINAL_READ = register(
    ToolSpec(
        name="terminal_read",
        title="Read a terminal's screen",
        description=(
            "The terminal's screen as text (what a person would see), the cursor, and the raw output written "
            "since the previous terminal_read (or since a byte offset). Can first wait until a text appears "
            "(wait_for, e.g. a prompt) and/or until the output settles (settle_ms)."
        ),
        input_schema=output_schema(TerminalReadArgs),
        args_type=TerminalReadArgs,
        # it moves the session's read position of the terminal, nothing its program sees
        annotations=READ_ONLY,
        output_schema=output_schema(TerminalReadResult),
    )
)

TERMINAL_RESIZE = register(
    ToolSpec(
        name="terminal_resize",
        title="Resize a terminal",
        description="Change a terminal's size; its program is told (SIGWINCH) and redraws.",
        input_schema=output_schema(TerminalResizeArgs),
        args_type=TerminalResizeArgs,
        # the same size twice changes nothing; nothing is deleted
        annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                    open_world_hint=False),
        output_schema=output_schema(TerminalStatusResult),
    )
)

TERMINAL_CLOSE = register(
    ToolSpec(
        name="terminal_close",
        title="Close a terminal",
        description=(
            "Kill a terminal's program and every process it started (the whole tree), and forget the terminal. "
            "Returns its final status."
        ),
        input_schema=output_schema(TerminalCloseArgs),
        args_type=TerminalCloseArgs,
        annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                                    open_world_hint=False),
        output_schema=output_schema(TerminalStatusResult),
    )
)

TERMINAL_LIST = register(
    ToolSpec(
        name="terminal_list",
        title="List terminals",
        description="List this session's terminals: terminal_id, command, status, exit code, age.",
        input_schema=output_schema(TerminalListArgs),
        args_type=TerminalListArgs,
        annotations=READ_ONLY,
        output_schema=output_schema(TerminalListResult),
    )
)
