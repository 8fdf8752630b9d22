from __future__ import annotations

import contextlib
import shutil
import tempfile
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


@pytest.fixture
def base() -> Iterator[Path]:
    """A directory the tool user can traverse (mode 0755, outside root's private temp directory),
    holding the workspace ``ws``: tests put root-only things beside it."""
    path = Path(tempfile.mkdtemp(prefix="sandbox-test-"))
    try:
        path.chmod(0o755)
        (path / "ws").mkdir()
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
