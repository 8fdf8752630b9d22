"""State machines with one setter: a transition is checked against a table, then logged.

Worker states (``gateway.supervisor``) and managed MCP server states (``worker.mcp_host``)
are ``StrEnum``s whose values are also the label values of their metrics; each owner changes
its state only through a property setter that calls ``check_transition``, so a transition
nobody planned fails loudly where it happens instead of showing up later as a wrong count.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Set
from enum import StrEnum
from typing import TypeVar

__all__ = ["InvalidTransition", "check_transition"]

S = TypeVar("S", bound=StrEnum)


class InvalidTransition(RuntimeError):
    """A state change the transition table does not allow: a bug in the caller."""


def check_transition(table: Mapping[S, Set[S]], old: S, new: S, subject: str, logger: logging.Logger) -> None:
    """Raise ``InvalidTransition`` unless ``table[old]`` allows ``new``; log the change at DEBUG.

    Setting the state it already has is allowed and not logged."""
    if new is old:
        return
    if new not in table[old]:
        raise InvalidTransition(f"{subject}: {old} -> {new} is not an allowed state change")
    logger.debug("%s: %s -> %s", subject, old, new)
