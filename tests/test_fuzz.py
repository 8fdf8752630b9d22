"""Property-based fuzzing of the JSON-RPC layer against one real gateway over one WebSocket.

Whatever arrives, the gateway must keep the connection open, answer every well-formed request id
exactly once, never answer a notification, and keep serving real calls afterwards.
"""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.protocol import State
from websockets.sync.client import ClientConnection, connect

from shared.tools import TOOLS
from tests.helpers import SCALE

# Well past the ~1000 levels where the JSON decoder gives up with RecursionError (must be a parse error).
MAX_FUZZ_DEPTH = 5000

METHODS = ["initialize", "ping", "tools/list", "tools/call", "notifications/initialized",
           "notifications/cancelled", "resources/list", "", "x" * 300]

json_scalars = (st.none() | st.booleans() | st.integers() | st.integers(-(2**70), 2**70)
                | st.floats(allow_nan=False, allow_infinity=False) | st.text(st.characters(codec="utf-8"), max_size=40))
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=10), children, max_size=5),
    max_leaves=20,
)
ids = st.integers() | st.text(st.characters(codec="utf-8"), max_size=30) | json_values
# tools/call only ever names tools that do not exist: a fuzzer must not start real commands.
not_a_tool = st.text(st.characters(codec="utf-8"), max_size=20).filter(lambda s: s not in TOOLS)
params = (json_values
          | st.fixed_dictionaries({}, optional={"name": not_a_tool | json_scalars, "arguments": json_values,
                                                "_meta": json_values, "requestId": ids,
                                                "protocolVersion": json_scalars, "clientInfo": json_values}))


@st.composite
def rpc_objects(draw: st.DrawFn) -> dict[str, Any]:
    """Objects that look like JSON-RPC: each key present or not, with a plausible or random value."""
    msg: dict[str, Any] = {}
    if draw(st.booleans()):
        msg["jsonrpc"] = draw(st.sampled_from(["2.0", "2.0", "1.0", "2"]) | json_scalars)
    if draw(st.booleans()):
        msg["id"] = draw(ids)
    if draw(st.integers(0, 4)):
        msg["method"] = draw(st.sampled_from(METHODS) | json_scalars)
    if draw(st.booleans()):
        msg["params"] = draw(params)
    for key in draw(st.lists(st.sampled_from(["result", "error", "extra"]), max_size=2, unique=True)):
        msg[key] = draw(json_values)
    return msg


@st.composite
def nested_text(draw: st.DrawFn) -> str:
    depth = draw(st.integers(1, MAX_FUZZ_DEPTH))
    open_, close = draw(st.sampled_from([("[", "]"), ('{"a":', "}"), ('{"params":', "}")]))
    inner = draw(st.sampled_from(["1", '"x"', "null", "{}"]))
    closed = draw(st.booleans())
    return open_ * depth + inner + (close * depth if closed else "")


frames = st.one_of(
    rpc_objects().map(json.dumps),
    st.builds(lambda v, a: json.dumps(v, ensure_ascii=a), json_values, st.booleans()),
    st.text(max_size=200),  # mostly not JSON at all
    st.binary(max_size=200),  # binary frames, mostly invalid UTF-8
    nested_text(),
    st.sampled_from(["", " ", "{", "}", "[]", "[{}]", "null", "NaN", '{"jsonrpc":"2.0","id":1,"method":"ping"',
                     '{"jsonrpc":"2.0","id":1,"method":"ping"}garbage', "\ufeff{}", '{"id":1e999}']),
)


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def expected_id(frame: str | bytes) -> tuple[bool, Any]:
    """(True, id) when ``frame`` is a request that must get exactly one answer with that id."""
    try:
        msg = json.loads(frame, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return False, None
    if not isinstance(msg, dict) or msg.get("jsonrpc") != "2.0" or not isinstance(msg.get("method"), str):
        return False, None
    rid = msg.get("id", None)
    if isinstance(rid, bool) or not isinstance(rid, (str, int)):
        return False, None
    if any(isinstance(x, float) and not math.isfinite(x) for x in _walk(msg)):
        return False, None
    return True, rid


def _walk(value: Any) -> Any:
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def _same_id(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


class Exchanger:
    """Sends one frame, then a sentinel ping; collects every answer until both are in."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.counter = itertools.count()

    def exchange(self, frame: str | bytes) -> None:
        must_answer, rid = expected_id(frame)
        sentinel = f"\x00sentinel-{next(self.counter)}"
        self.ws.send(frame)
        self.ws.send(json.dumps({"jsonrpc": "2.0", "id": sentinel, "method": "ping"}))
        answers: list[dict[str, Any]] = []
        sentinel_seen = False
        while not sentinel_seen or (must_answer and not any(_same_id(a.get("id"), rid) for a in answers)):
            msg = json.loads(self.ws.recv(timeout=10 * SCALE))
            assert isinstance(msg, dict) and msg.get("jsonrpc") == "2.0", msg
            if msg.get("id") == sentinel:
                assert msg.get("result") == {}, msg
                sentinel_seen = True
            elif "id" in msg:
                assert ("result" in msg) != ("error" in msg), msg
                answers.append(msg)
            # notifications from the server (none are expected here) are ignored
        if must_answer:
            mine = [a for a in answers if _same_id(a["id"], rid)]
            assert len(mine) == 1, (frame, answers)
            assert all(a["id"] is None for a in answers if a not in mine), (frame, answers)
        else:
            # Invalid input gets at most one error, addressed to null or to the id it carried.
            assert len(answers) <= 1, (frame, answers)
            for a in answers:
                assert "error" in a, (frame, a)
        assert self.ws.protocol.state is State.OPEN


def test_fuzz_jsonrpc_one_connection(start_gateway) -> None:
    gw = start_gateway(workers=1)
    with connect(gw.url, subprotocols=["mcp"], max_size=None) as ws:  # type: ignore[list-item]
        # Requests other than ping before initialize are refused (MCP lifecycle): one tools/call first
        # shows it, then the session is initialized and the fuzzing starts.
        ws.send(json.dumps({"jsonrpc": "2.0", "id": "early", "method": "tools/list"}))
        early = json.loads(ws.recv(timeout=10 * SCALE))
        assert early["id"] == "early" and early["error"]["code"] == -32600, early
        ws.send(json.dumps({"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "fuzz", "version": "0"}}}))
        assert "result" in json.loads(ws.recv(timeout=10 * SCALE))
        ex = Exchanger(ws)

        @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow],
                  database=None)
        @given(frame=frames)
        def fuzz(frame: str | bytes) -> None:
            ex.exchange(frame)

        fuzz()

        ws.send(json.dumps({"jsonrpc": "2.0", "id": "final-ping", "method": "ping"}))
        assert json.loads(ws.recv(timeout=10 * SCALE)) == {"jsonrpc": "2.0", "id": "final-ping", "result": {}}
        ws.send(json.dumps({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
                            "params": {"name": "bash", "arguments": {"command": "echo ok"}}}))
        answer = json.loads(ws.recv(timeout=60 * SCALE))
        assert answer["id"] == 7 and answer["result"]["content"][0]["text"] == "ok\n", answer
        assert ws.protocol.state is State.OPEN
    assert gw.http("/healthz")[0] == 200


def test_deeply_nested_json_is_a_parse_error(gateway) -> None:
    with connect(gateway.url, subprotocols=["mcp"]) as ws:  # type: ignore[list-item]
        ws.send("[" * 100_000 + "]" * 100_000)
        answer = json.loads(ws.recv(timeout=10 * SCALE))
        assert answer["id"] is None and answer["error"]["code"] in (-32700, -32600), answer
        ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}))
        assert json.loads(ws.recv(timeout=10 * SCALE))["result"] == {}
