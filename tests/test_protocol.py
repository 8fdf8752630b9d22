"""Pure tests of the wire protocol, framing, output buffer and state parsing (no sockets, no processes)."""

from __future__ import annotations

import msgspec
import pytest

from shared import protocol as p
from shared.framing import FrameBuffer, FrameTooLarge, frame
from shared.tools import ToolArgsError, validate_args
from worker.bash import build_script, parse_exports
from worker.procs import OutputBuffer


def test_messages_round_trip_through_frames() -> None:
    msgs = [
        p.Call(id=1, tool="bash", args={"command": "echo hi"}, timeout=5.0,
               state=p.SessionState(cwd="a", env={"X": "1"}), progress=True),
        p.Cancel(id=1),
        p.Shutdown(),
    ]
    data = b"".join(frame(p.encode(m)) for m in msgs)
    buf = FrameBuffer(1 << 20)
    got = []
    for i in range(0, len(data), 3):  # byte dribbles still make whole frames
        got += buf.feed(data[i : i + 3])
    assert [p.decode_to_worker(f) for f in got] == msgs
    assert buf.pending == 0


def test_worker_messages_decode_by_tag() -> None:
    r = p.Result(id=7, text="x", outcome="timeout", is_error=True, structured={"timed_out": True})
    assert p.decode_from_worker(p.encode(r)) == r
    assert p.decode_from_worker(p.encode(p.Heartbeat(seq=1, inflight=2))) == p.Heartbeat(seq=1, inflight=2)


def test_unknown_fields_are_tolerated_for_version_skew() -> None:
    raw = msgspec.msgpack.encode({"op": "cancel", "id": 3, "added_in_a_later_version": True})
    assert p.decode_to_worker(raw) == p.Cancel(id=3)


def test_oversized_frame_rejected_before_body_is_buffered() -> None:
    buf = FrameBuffer(100)
    with pytest.raises(FrameTooLarge, match="exceeds the maximum frame size of 100"):
        buf.feed((101).to_bytes(4, "big"))


def test_output_buffer_keeps_head_and_tail() -> None:
    out = OutputBuffer(10)
    for chunk in (b"abc", b"defgh", b"ijklmnop", b"qrstuvwxyz"):
        out.append(chunk)
    assert out.truncated
    text = out.text()
    assert text.startswith("abcde") and text.endswith("vwxyz")
    assert "16 bytes of output truncated" in text
    small = OutputBuffer(10)
    small.append(b"\xffok")
    assert not small.truncated and small.text() == "\ufffdok"


def test_exports_parsing_round_trips_awkward_values() -> None:
    raw = (b"/ws/sub\0declare -x A=\"plain\"\ndeclare -x B=\"q\\\"uote \\$dollar \\\\ back\"\n"
           b"declare -x C=\"multi\nline\"\ndeclare -x EMPTY\n")
    pwd, env = parse_exports(raw)
    assert pwd == "/ws/sub"
    assert env == {"A": "plain", "B": 'q"uote $dollar \\ back', "C": "multi\nline", "EMPTY": ""}


def test_script_quotes_state() -> None:
    script = build_script("echo hi", "/w s/'x'", {"K": "a'b", "1BAD": "x"}, report_state=False).decode()
    assert "cd -- '/w s/'\"'\"'x'\"'\"''" in script
    assert "export K='a'\"'\"'b'" in script
    assert "1BAD" not in script


def test_tool_argument_errors_name_the_field() -> None:
    with pytest.raises(ToolArgsError, match=r"\$\.command"):
        validate_args("bash", {"command": 5})
    with pytest.raises(ToolArgsError, match="command"):
        validate_args("bash", {})
    with pytest.raises(ToolArgsError, match="unknown field"):
        validate_args("bash", {"command": "x", "bogus": 1})
    with pytest.raises(ToolArgsError, match="timeout must be a positive"):
        validate_args("bash", {"command": "x", "timeout": -1})
    assert validate_args("bash", {"command": "x", "timeout": 2}).timeout == 2
