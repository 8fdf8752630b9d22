"""The code stays mypy-clean and ruff-clean (STYLE.md), checked with the pinned versions of the ``test`` extra.

mypy keeps its usual cache, ``.mypy_cache`` in the repository root (git-ignored, created on the
first run): a cold run takes seconds, a warm one well under a second.  Only one test here runs
mypy, so pytest-xdist workers never share the cache within a run, and mypy's SQLite cache
copes with a mypy started by hand at the same time.
"""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT, SCALE

MYPY_TARGETS = ("gateway", "worker", "shared", "benchmarks")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=240 * SCALE)


def test_mypy_is_clean() -> None:
    proc = _run("mypy", *MYPY_TARGETS)
    assert proc.returncode == 0, f"mypy {' '.join(MYPY_TARGETS)} failed:\n{proc.stdout}{proc.stderr}"


def test_ruff_is_clean() -> None:
    proc = _run("ruff", "check", ".")
    assert proc.returncode == 0, f"ruff check . failed:\n{proc.stdout}{proc.stderr}"
