"""The session core without I/O: messages fed in, what it would send inspected (websockets'
``assertFrameSent`` style).  No sockets, no processes: the worker pool is never reached by these
requests, and the managed-server catalog is a stub."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from gateway.config import GatewayConfig
from gateway.mcp import LATEST_HANDSHAKE_VERSION, McpSession, Phase
from gateway.metrics import Metrics
from gateway.services import Services

MODERN = "2026-07-28"
ENVELOPE = {"io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {}}
INIT_PARAMS = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}


class _Servers:
    def listings(self, protocol_version: str | None = None) -> list[dict[str, Any]]:
        return [{"name": "aaa__first", "inputSchema": {"type": "object"}}]

    def serves(self, name: str) -> bool:
        return False


class Harness:
    def __init__(self, **kwargs: Any) -> None:
        services = Services(GatewayConfig(), Metrics(), pool=None)  # type: ignore[arg-type]
        self.sent: list[tuple[Any, Any, bool]] = []
        self.session = McpSession(services, _Servers(), self.sink, "s1", **kwargs)  # type: ignore[arg-type]

    async def sink(self, data: bytes, origin: Any, final: bool) -> None:
        self.sent.append((json.loads(data) if data else None, origin, final))

    def feed(self, msg: Any, origin: Any = None) -> tuple[bool, list[Any]]:
        before = len(self.sent)
        answers = asyncio.run(self.session.feed_message(msg, origin))
        return answers, [m for m, _, _ in self.sent[before:]]

    def request(self, method: str, params: dict[str, Any] | None = None, req_id: Any = 1) -> dict[str, Any]:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": req_id, "method": method}
        if params is not None:
            msg["params"] = params
        answered, out = self.feed(msg)
        assert answered and len(out) == 1, out
        return out[0]


def test_requests_before_initialize_are_refused_but_ping() -> None:
    h = Harness()
    assert h.request("ping")["result"] == {}
    error = h.request("tools/list")["error"]
    assert error["code"] == -32600 and "initialize" in error["message"]
    assert h.session.phase is Phase.NEW


def test_initialize_once_with_its_required_params() -> None:
    h = Harness()
    error = h.request("initialize", {"protocolVersion": "2025-06-18"})["error"]
    assert error["code"] == -32602 and error["data"]["missing"] == ["capabilities", "clientInfo"]
    assert h.session.phase is Phase.NEW
    result = h.request("initialize", {**INIT_PARAMS, "protocolVersion": "1999-01-01"})["result"]
    assert result["protocolVersion"] == LATEST_HANDSHAKE_VERSION and "resultType" not in result
    assert h.session.phase is Phase.INITIALIZED
    assert h.request("initialize", INIT_PARAMS)["error"]["code"] == -32600


def test_tools_list_is_sorted_and_rejects_any_cursor() -> None:
    h = Harness()
    h.request("initialize", INIT_PARAMS)
    result = h.request("tools/list")["result"]
    names = [t["name"] for t in result["tools"]]
    assert names == sorted(names) and names[0] == "aaa__first" and "bash" in names
    assert set(result) == {"tools"}  # no fields newer than 2025-06-18
    error = h.request("tools/list", {"cursor": "page-2"})["error"]
    assert error["code"] == -32602 and "cursor" in error["message"]


def test_batches_only_after_2025_03_26_and_answered_as_one_array() -> None:
    h = Harness()
    h.request("initialize", {**INIT_PARAMS, "protocolVersion": "2025-06-18"})
    answered, out = h.feed([{"jsonrpc": "2.0", "id": 1, "method": "ping"}])
    assert answered and out[0]["error"]["code"] == -32600
    h = Harness()
    h.request("initialize", {**INIT_PARAMS, "protocolVersion": "2025-03-26"})
    answered, out = h.feed([{"jsonrpc": "2.0", "id": 1, "method": "ping"},
                            {"jsonrpc": "2.0", "method": "notifications/initialized"},
                            {"jsonrpc": "2.0", "id": "two", "method": "nope"}, 17], origin="post-1")
    assert answered and len(out) == 1
    assert sorted(str(a["id"]) for a in out[0]) == ["1", "None", "two"]
    assert h.sent[-1][1:] == ("post-1", True)
    answered, out = h.feed([{"jsonrpc": "2.0", "method": "notifications/initialized"}])
    assert not answered and out == []


def test_stateless_requests_carry_their_envelope() -> None:
    h = Harness()
    discover = h.request("server/discover", {"_meta": ENVELOPE})["result"]
    assert MODERN in discover["supportedVersions"] and discover["resultType"] == "complete"
    assert {"ttlMs", "cacheScope"} <= set(discover)
    assert discover["capabilities"]["tools"]["listChanged"] is False
    assert h.session.phase is Phase.STATELESS
    listed = h.request("tools/list", {"_meta": ENVELOPE})["result"]
    assert listed["resultType"] == "complete" and listed["cacheScope"] == "public"
    # every request carries its own envelope
    assert h.request("tools/list")["error"]["code"] == -32602
    assert h.request("initialize", INIT_PARAMS)["error"]["code"] == -32600


@pytest.mark.parametrize("meta,code", [
    ({"io.modelcontextprotocol/protocolVersion": "2099-01-01", "io.modelcontextprotocol/clientCapabilities": {}},
     -32022),
    ({"io.modelcontextprotocol/protocolVersion": MODERN}, -32602),
    ({"io.modelcontextprotocol/protocolVersion": 7, "io.modelcontextprotocol/clientCapabilities": {}}, -32602),
])
def test_envelope_errors(meta: dict[str, Any], code: int) -> None:
    h = Harness()
    error = h.request("tools/list", {"_meta": meta})["error"]
    assert error["code"] == code
    if code == -32022:
        assert error["data"] == {"supported": [MODERN], "requested": "2099-01-01"}
    assert h.session.phase is Phase.NEW


def test_every_answer_is_tagged_with_its_origin_and_final() -> None:
    h = Harness()
    h.feed({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INIT_PARAMS}, origin="a")
    h.feed({"jsonrpc": "2.0", "id": 2, "method": "ping"}, origin="b")
    assert [(o, f) for _, o, f in h.sent] == [("a", True), ("b", True)]
    answered, out = h.feed({"jsonrpc": "2.0", "method": "notifications/initialized"}, origin="c")
    assert not answered and out == []
    asyncio.run(h.session.feed(b"{not json"))
    assert h.sent[-1][0]["error"]["code"] == -32700 and h.sent[-1][1:] == (None, True)


def _imports(module: str) -> set[str]:
    """The gateway.* and third-party top-level modules ``module`` imports, TYPE_CHECKING blocks included."""
    import ast

    from tests.helpers import ROOT

    tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_session_core_knows_no_transport_and_the_gateway_has_no_import_cycle() -> None:
    from tests.helpers import ROOT

    core = _imports("gateway.mcp")
    assert not {m for m in core if m.split(".")[0] in ("websockets", "uvicorn", "httptools")}, core
    assert not core & {"gateway.server", "gateway.streamable_http", "gateway.http_listener"}, core
    modules = sorted(f"gateway.{p.stem}" for p in (ROOT / "gateway").glob("*.py") if p.stem != "__init__")
    graph = {m: {i for i in _imports(m) if i in modules} for m in modules}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == target or (nxt not in seen and reaches(nxt, target, seen | {nxt})):
                return True
        return False

    cycles = [m for m in modules if reaches(m, m, {m})]
    assert not cycles, {m: graph[m] for m in cycles}


def test_an_unexpected_failure_of_a_call_is_logged_and_still_answered(caplog: pytest.LogCaptureFixture) -> None:
    class BrokenPool:
        async def call(self, call: Any) -> Any:
            raise RuntimeError("a bug")

    async def main() -> list[Any]:
        sent: list[Any] = []

        async def sink(data: bytes, origin: Any, final: bool) -> None:
            sent.append(json.loads(data))

        services = Services(GatewayConfig(), Metrics(), pool=BrokenPool())  # type: ignore[arg-type]
        session = McpSession(services, _Servers(), sink, "s1")  # type: ignore[arg-type]
        await session.feed_message({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INIT_PARAMS})
        await session.feed_message({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                                    "params": {"name": "bash", "arguments": {"command": "true"}}})
        await asyncio.gather(*(t for t in session.inflight.values() if t is not None))
        return sent

    sent = asyncio.run(main())[1:]  # after initialize's answer
    assert len(sent) == 1 and sent[0]["id"] == 9 and sent[0]["error"]["code"] == -32603
    assert "tools/call 'bash' failed" in caplog.text and "RuntimeError: a bug" in caplog.text
