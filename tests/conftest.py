from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import GatewayProcess

# tests/data holds vendored third-party source (code intelligence test data), with test files of its own
collect_ignore = ["data"]


@pytest.fixture
def start_gateway(tmp_path: Path) -> Iterator:
    """Start real gateways on free ports; every one is stopped (SIGTERM, then SIGKILL) at teardown."""
    started: list[GatewayProcess] = []

    def start(*args: str, workers: int = 2, token: str | None = None) -> GatewayProcess:
        ws = tmp_path / f"ws{len(started)}"
        ws.mkdir()
        gw = GatewayProcess(ws, *args, workers=workers, token=token)
        started.append(gw)
        return gw

    yield start
    for gw in started:
        with contextlib.suppress(Exception):
            gw.stop()


@pytest.fixture
def gateway(start_gateway) -> GatewayProcess:
    return start_gateway()
