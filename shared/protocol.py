"""The gateway <-> worker wire protocol, and the worker <-> file helper one.

Every message is a msgspec Struct, member of one tagged union per direction
(tag field ``op``).  Messages travel msgpack-encoded inside length-prefixed
frames (see ``shared.framing``).  This module does no I/O.

Schema evolution: new fields always get defaults, and decoders do not forbid
unknown fields, so a gateway and a worker of neighbouring versions still talk.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

__all__ = [
    "BOOT_ERROR",
    "Call",
    "Cancel",
    "CloseTransfer",
    "CommitWrite",
    "Committed",
    "FileCall",
    "FileCancel",
    "FileEntry",
    "FileHelperReady",
    "FileResult",
    "FilesPage",
    "FromFileHelper",
    "FromFiles",
    "FromWorker",
    "Heartbeat",
    "Hello",
    "JobExit",
    "KillJobs",
    "ListFiles",
    "OpenRead",
    "OpenWatch",
    "OpenWrite",
    "Opened",
    "Outcome",
    "Progress",
    "Refused",
    "Result",
    "ServerReport",
    "ServersUpdate",
    "SessionState",
    "Shutdown",
    "TerminalAck",
    "TerminalEnded",
    "TerminalExit",
    "TerminalInput",
    "TerminalOutput",
    "TerminalUnwatch",
    "TerminalWatch",
    "ToFileHelper",
    "ToFiles",
    "ToWorker",
    "TransferDone",
    "decode_from_file_helper",
    "decode_from_files",
    "decode_from_worker",
    "decode_to_file_helper",
    "decode_to_files",
    "decode_to_worker",
    "encode",
]

Outcome = Literal["ok", "error", "timeout", "cancelled", "worker_lost"]

# The exit code of a worker that cannot boot: the gateway counts it as a boot failure (and,
# after --boot-failure-limit of them in a row, stops respawning) rather than as a crash.
BOOT_ERROR = 3


class _Msg(msgspec.Struct, tag_field="op", tag=str.lower, frozen=True, omit_defaults=True):
    """Base of every message: tag field ``op``, tag the lowercased class name."""


# msgspec passes these options on to subclasses, but type checkers (PEP 681
# dataclass_transform) do not inherit ``frozen``: every message repeats
# ``frozen=True`` (msgspec's advice in msgspec issue #657).  Runtime and wire are unchanged.


class SessionState(msgspec.Struct, frozen=True, omit_defaults=True):
    """Shell state an MCP session carries from one bash call to the next.

    Workers are stateless: a call brings the state in, the result brings the
    new state back, and the gateway keeps it per session.
    """

    cwd: str = ""  # relative to the workspace; "" is the workspace itself
    env: dict[str, str] = {}


# ---- gateway -> worker ---------------------------------------------------------------


class Call(_Msg, frozen=True):
    """Run one tool call.  ``timeout``: the seconds the worker gives it (what remains of the call's
    time when it reaches the worker); ``requested_timeout``: the timeout the call asked for, which
    messages name (0: the same as ``timeout``)."""

    id: int
    tool: str
    args: dict[str, Any]
    timeout: float
    session: str = ""
    state: SessionState | None = None
    progress: bool = False
    job_id: str = ""  # bash run_in_background, terminal_start: the id the gateway gave the job or terminal
    requested_timeout: float = 0.0

    @property
    def shown_timeout(self) -> float:
        """The timeout to name in messages: what the call asked for."""
        return self.requested_timeout or self.timeout


class Cancel(_Msg, frozen=True):
    """Cancel call ``id``: kill its process tree; the worker still sends a Result."""

    id: int


class Shutdown(_Msg, frozen=True):
    """Stop taking calls; exit once in-flight calls are done."""


class KillJobs(_Msg, frozen=True):
    """Session ``session`` ended: kill every background job of it (whole trees) and forget them."""

    session: str


class TerminalWatch(_Msg, frozen=True):
    """Stream terminal ``terminal_id``'s raw output as ``TerminalOutput`` messages of watch ``watch`` (an id
    the gateway chose), from byte ``since`` (-1: the newest output kept, enough to redraw the screen), never
    more than ``window`` bytes past the last ``TerminalAck``.  An unknown terminal gets ``TerminalEnded``."""

    watch: int
    terminal_id: str
    since: int = -1
    window: int = 256 * 1024


class TerminalAck(_Msg, frozen=True):
    """Watch ``watch``'s output before byte ``offset`` has been delivered: more may be sent."""

    watch: int
    offset: int


class TerminalInput(_Msg, frozen=True):
    """Typing from the web terminal for watch ``watch``'s terminal (sent only with --terminal-write)."""

    watch: int
    data: bytes


class TerminalUnwatch(_Msg, frozen=True):
    """Stop watch ``watch`` (its viewer left)."""

    watch: int


ToWorker = Call | Cancel | Shutdown | KillJobs | TerminalWatch | TerminalAck | TerminalInput | TerminalUnwatch


# ---- worker -> gateway ---------------------------------------------------------------


class Hello(_Msg, frozen=True):
    """First message of a worker: it is booted and ready for calls."""

    pid: int  # pid in the worker's own pid namespace (1 under pidns isolation)
    isolation: str
    tree_kill: str = "subreaper"
    forking: bool = False  # call shells are forked from a zygote (else exec-ed)


class Heartbeat(_Msg, frozen=True):
    """Sent from the worker's event loop, so a blocked loop stops them."""

    seq: int
    inflight: int
    forking: bool = False  # still forking call shells (a worker gives up after zygotes keep failing)
    zygote_restarts: int = 0  # zygotes replaced so far (killed, stopped, crashed), cumulative


class Progress(_Msg, frozen=True):
    """New output of a running call (only for calls sent with ``progress``)."""

    id: int
    text: str


class Result(_Msg, frozen=True):
    """The one answer to a Call."""

    id: int
    text: str
    outcome: Outcome = "ok"
    is_error: bool = False
    structured: dict[str, Any] | None = None
    state: SessionState | None = None
    raw: dict[str, Any] | None = None  # a proxied MCP server's CallToolResult, passed through unchanged
    # content items after the text one (download's embedded resource or resource_link), as MCP JSON
    content: list[dict[str, Any]] = []


class JobExit(_Msg, frozen=True):
    """Background job ``job_id`` ended (status: exited, killed or timed_out; exit_code for exited)."""

    job_id: str
    status: str
    exit_code: int | None = None


class ServerReport(msgspec.Struct, frozen=True, omit_defaults=True):
    """One managed MCP server as the MCP host sees it."""

    name: str
    state: str  # starting, running, unhealthy, restarting, failed, stopped
    restarts: int = 0
    tools: list[dict[str, Any]] = []  # its tools/list entries (only while running or unhealthy)
    restart_policy: str = "never"
    spec: dict[str, Any] = {}  # the mcp_server_start arguments, so the gateway can restore it


class ServersUpdate(_Msg, frozen=True):
    """From the MCP host: every managed server, sent whenever one of them changes."""

    servers: list[ServerReport]


class TerminalExit(_Msg, frozen=True):
    """Terminal ``terminal_id``'s program ended (status: exited, or killed by terminal_close or its session)."""

    terminal_id: str
    status: str
    exit_code: int | None = None


class TerminalOutput(_Msg, frozen=True):
    """Raw output of watch ``watch``'s terminal from byte ``offset`` (``dropped`` bytes before it fell out of
    the terminal's buffer before they could be sent), with the terminal's size and status."""

    watch: int
    offset: int
    data: bytes = b""
    dropped: int = 0
    cols: int = 0
    rows: int = 0
    status: str = "running"
    exit_code: int | None = None


class TerminalEnded(_Msg, frozen=True):
    """Watch ``watch`` is over: its terminal was closed or forgotten, or never existed here."""

    watch: int
    reason: str


FromWorker = (Hello | Heartbeat | Progress | Result | JobExit | ServersUpdate | TerminalExit | TerminalOutput
              | TerminalEnded)


# ---- worker <-> its file helper (worker/tools/helper.py) ---------------------------------
# The file tools run in a helper process per worker, with the tool user's credentials; the
# worker forwards each file tool call and its cancellation, and the helper answers each id once.


class FileCall(_Msg, frozen=True):
    """Run file tool ``tool`` (read, write, edit, list, glob, grep); ``args`` are its raw JSON arguments."""

    id: int
    tool: str
    args: dict[str, Any]


class FileCancel(_Msg, frozen=True):
    """Stop call ``id`` (a scan stops at its next check, a running ``rg`` is killed); it is still answered."""

    id: int


class FileHelperReady(_Msg, frozen=True):
    """First message of a file helper: credentials dropped, workspace open, taking calls; or, with
    ``error``, why it could not start (it exits next)."""

    pid: int
    uid: int
    gid: int
    rg: str = ""  # the ripgrep grep uses ("" : grep's Python engine only)
    error: str = ""


class FileResult(_Msg, frozen=True):
    """The one answer to a FileCall (the fields of a ``FileToolResult``)."""

    id: int
    text: str
    is_error: bool = False
    structured: dict[str, Any] | None = None
    content: list[dict[str, Any]] = []


# ---- the files channel: gateway <-> worker <-> file helper, with descriptors -------------------
# /files transfers, MCP resources and their subscriptions.  The gateway sends a request on a socket
# of its own to a worker (not the calls' socket: descriptors travel beside these frames as SCM_RIGHTS,
# which an asyncio transport would drop), the worker forwards it unchanged to its file helper, and
# the helper's answer comes back the same way.  Ids are the gateway's.  ``Opened`` carries exactly
# one descriptor, opened by the helper as the tool user beneath the workspace; no other message
# carries any.  Every request is answered once (``Refused`` on failure) except ``CloseTransfer``;
# an archive's ``OpenRead`` is answered by ``Opened`` and later by ``TransferDone``.


class OpenRead(_Msg, frozen=True):
    """Open ``path`` for reading: a regular file (its descriptor comes with ``Opened``), or with
    ``archive`` a directory as a tar.gz stream (the read end of a pipe the helper writes it into,
    then ``TransferDone``)."""

    id: int
    path: bytes  # as given (a name need not be UTF-8)
    archive: bool = False


class OpenWrite(_Msg, frozen=True):
    """Start an upload to ``path``: an unnamed file beside it (``O_TMPFILE``) whose descriptor comes
    with ``Opened``; nothing is visible under any name until ``CommitWrite``.  ``create_only``: refuse
    when ``path`` exists."""

    id: int
    path: bytes  # as given (a name need not be UTF-8)
    create_only: bool = False


class CommitWrite(_Msg, frozen=True):
    """Upload ``id`` is complete (``size`` bytes written): fsync it and rename it over its path."""

    id: int
    size: int


class CloseTransfer(_Msg, frozen=True):
    """Transfer ``id`` ends without a commit: an upload is discarded, an archive stopped.  Unanswered."""

    id: int


class OpenWatch(_Msg, frozen=True):
    """The directory that holds ``path`` (an ``O_PATH`` descriptor with ``Opened``, ``name`` the
    file's name in it), for the gateway's inotify watch of a subscribed resource."""

    id: int
    path: bytes  # as given (a name need not be UTF-8)


class ListFiles(_Msg, frozen=True):
    """A page of the workspace's files, depth first in name order, after the one whose path
    components are ``after`` (a position compared with names, never opened)."""

    id: int
    after: list[bytes] = []
    limit: int = 100


ToFiles = OpenRead | OpenWrite | CommitWrite | CloseTransfer | OpenWatch | ListFiles


class Opened(_Msg, frozen=True):
    """Carries one descriptor: a file to read (``kind`` file), a pipe (archive), an unnamed file to
    write (upload), a directory (watch).  ``path`` is workspace-relative as the kernel names it."""

    id: int
    kind: Literal["file", "archive", "upload", "watch"]
    path: str
    size: int = 0
    mtime_ns: int = 0
    mime: str = ""
    existed: bool = False  # upload: the target exists now (it would be replaced)
    name: str = ""  # watch: the file's name in the directory


class Committed(_Msg, frozen=True):
    """Upload ``id`` is in place under ``path``."""

    id: int
    path: str
    size: int
    created: bool


class FileEntry(msgspec.Struct, frozen=True, array_like=True):
    """One file of a ``FilesPage``."""

    path: list[bytes]  # its components (a name may hold any byte but "/" and NUL)
    size: int
    mime: str


class FilesPage(_Msg, frozen=True):
    id: int
    entries: list[FileEntry]
    more: bool  # files follow the last entry
    timed_out: bool = False  # the walk stopped at its time budget: ``more`` continues it


class TransferDone(_Msg, frozen=True):
    """An archive's stream is complete (``ok``) or was cut short (``error``)."""

    id: int
    ok: bool
    error: str = ""
    entries: int = 0
    skipped: int = 0  # entries the tool user could not read, or that are not files, dirs or symlinks


class Refused(_Msg, frozen=True):
    """Request ``id`` failed; ``status`` is an HTTP status that says how (404 missing, 403 outside the
    workspace or permission denied, 409 a directory or special file, 412 exists, 503 no helper, ...)."""

    id: int
    status: int
    error: str


FromFiles = Opened | Committed | FilesPage | TransferDone | Refused

# The file helper takes calls and the files channel's requests; it answers both.
ToFileHelper = FileCall | FileCancel | OpenRead | OpenWrite | CommitWrite | CloseTransfer | OpenWatch | ListFiles
FromFileHelper = FileHelperReady | FileResult | Opened | Committed | FilesPage | TransferDone | Refused


_encoder = msgspec.msgpack.Encoder()
_to_worker = msgspec.msgpack.Decoder(ToWorker)
_from_worker = msgspec.msgpack.Decoder(FromWorker)
_to_file_helper = msgspec.msgpack.Decoder(ToFileHelper)
_from_file_helper = msgspec.msgpack.Decoder(FromFileHelper)
_to_files = msgspec.msgpack.Decoder(ToFiles)
_from_files = msgspec.msgpack.Decoder(FromFiles)


def encode(msg: _Msg) -> bytes:
    return _encoder.encode(msg)


def decode_to_worker(data: bytes | memoryview) -> ToWorker:
    return _to_worker.decode(data)


def decode_from_worker(data: bytes | memoryview) -> FromWorker:
    return _from_worker.decode(data)


def decode_to_file_helper(data: bytes | memoryview) -> ToFileHelper:
    return _to_file_helper.decode(data)


def decode_from_file_helper(data: bytes | memoryview) -> FromFileHelper:
    return _from_file_helper.decode(data)


def decode_to_files(data: bytes | memoryview) -> ToFiles:
    return _to_files.decode(data)


def decode_from_files(data: bytes | memoryview) -> FromFiles:
    return _from_files.decode(data)
