"""Managed MCP server states (worker/mcp_host.py): an enum shared with the gateway's metric, one setter
that allows only the table's transitions and logs each one.  In-process, no servers started."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest

from shared.mcp_server_tools import SERVING_STATES, McpServerStartArgs, ServerState
from shared.states import InvalidTransition
from tests.helpers import run
from worker.mcp_host import SERVER_TRANSITIONS, ManagedServer


def test_every_server_state_has_its_transitions_and_stopped_ends_them() -> None:
    assert set(SERVER_TRANSITIONS) == set(ServerState)
    assert SERVER_TRANSITIONS[ServerState.STOPPED] == frozenset()
    for state in ServerState:  # any server can be stopped (mcp_server_stop, the host's shutdown)
        assert state is ServerState.STOPPED or ServerState.STOPPED in SERVER_TRANSITIONS[state]
    assert SERVING_STATES == {ServerState.RUNNING, ServerState.UNHEALTHY}


def test_a_server_changes_state_only_along_the_table_and_logs_each_change(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        host = SimpleNamespace(loop=asyncio.get_running_loop())
        server = ManagedServer(host, McpServerStartArgs(name="demo", transport="stdio", command="true"))  # type: ignore[arg-type]
        assert server.state is ServerState.STARTING
        with caplog.at_level(logging.DEBUG, logger="worker.mcp_host"):
            for state in (ServerState.RUNNING, ServerState.UNHEALTHY, ServerState.RUNNING, ServerState.RESTARTING,
                          ServerState.STARTING, ServerState.FAILED, ServerState.STOPPED):
                server.state = state
        assert "mcp server demo: running -> unhealthy" in caplog.text
        assert "mcp server demo: failed -> stopped" in caplog.text
        with pytest.raises(InvalidTransition, match="stopped -> running"):
            server.state = ServerState.RUNNING
        assert server.state is ServerState.STOPPED
        server.state = ServerState.STOPPED  # stopping twice (stop, then shutdown) is no change

    run(main())
