"""Every tool family's specs, registered in ``shared.tools.TOOLS`` by importing this module.

One place to add a family: its spec module (argument and result Structs, schemas, ``register``
calls) goes in ``FAMILIES``.  The gateway imports this for ``tools/list`` and validation, the
workers to route and check calls; neither imports the other's internals.
"""

from __future__ import annotations

import importlib

from shared.tools import TOOLS

__all__ = ["FAMILIES", "TOOLS", "helper_tool_names"]

FAMILIES = (  # bash itself is in shared.tools
    "shared.file_tools",
    "shared.code_tools",
    "shared.edit_tools",
    "shared.git_tools",
    "shared.job_tools",
    "shared.mcp_server_tools",
    "shared.transfer_tools",
    "shared.terminal_tools",
)

for _family in FAMILIES:
    importlib.import_module(_family)


def helper_tool_names() -> frozenset[str]:
    """The tools a worker's file helper runs (as the tool user, off the worker's loop)."""
    return frozenset(name for name, spec in TOOLS.items() if spec.runs_in == "helper")
