"""Admission control for the listening socket: which connections that have not authenticated yet
the gateway holds, which it drops, when a handshake has taken too long, and how refusals are counted
and logged.

A core without I/O (websockets' ``Protocol`` and ``Connection`` split): the server's adapter reports
what happens to each connection, with the time, and carries out what the gate decides (drop these
connections, wake me at that time).  The gate knows nothing of sockets, HTTP or event loops, so the
HTTP stack under it can change without touching these rules.

What it promises:

* At most ``max_pending`` connections are held between accept and authentication.  When one more
  arrives, the *oldest* connection that has not sent a complete request yet is dropped (reason
  ``limit``) and the newcomer is kept.  Refusing newcomers instead would let anyone who holds
  ``max_pending`` idle connections lock every legitimate client out for the whole handshake timeout.
  Dropping the oldest keeps the door open: a client that sends its request as soon as it is connected
  is answered long before ``max_pending`` newer connections push it to the front.  A connection whose
  request has arrived (it is being answered) is never dropped for a newcomer; when every pending
  connection is being answered, the newcomer itself is refused.
* Each pending connection has one deadline, fixed when it is accepted: accept time +
  ``handshake_timeout``.  Connections accepted in order expire in order, so one timer at
  ``next_wakeup()`` serves them all.
* A connection that authenticated leaves the gate for good: the gate never drops it (sessions are
  bounded by ``--max-sessions`` instead).
* Every refusal is counted by reason (``on_refusal``) and logged at INFO, at most one line per reason
  per ``log_interval`` seconds, then one line saying how many more were refused.  A line names the
  peer, the reason and the limit, never a request's path, query or headers: the token travels there.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, Literal, TypeVar

__all__ = ["REFUSAL_REASONS", "ListenerGate", "Reason", "descriptors_needed"]

logger = logging.getLogger(__name__)

Reason = Literal["auth", "origin", "limit", "handshake_timeout", "bad_request"]
REFUSAL_REASONS: tuple[Reason, ...] = ("auth", "origin", "limit", "handshake_timeout", "bad_request")

C = TypeVar("C", bound=Hashable)

# Descriptors the gateway holds besides client connections: stdio, the event loop's own (epoll,
# eventfd, io_uring), the listening socket, log files, and per worker process (a socket pair end, its
# pidfd, pipes while it boots).  Measured: 19 with 2 workers and a spare; this leaves room.
_BASE_DESCRIPTORS = 64
_DESCRIPTORS_PER_WORKER = 4
# Connections dropped or refused in one loop iteration are closed in the next one.  The event loop
# (libuv) accepts one connection per iteration, so this is a handful: measured, a flood of 8,000
# connections never held more than --max-pending-connections + 1.
_CLOSING_SLACK = 16


def descriptors_needed(*, max_sessions: int, max_pending: int, workers: int, http_connections: int = 0) -> int:
    """File descriptors the gateway may hold at once under a connection flood: one per session (a
    WebSocket connection), per authenticated Streamable HTTP connection and per pending connection, a
    few being closed, and its own (``workers`` counts every worker process, spares and the MCP host
    included).  Connections waiting in the kernel's listen queue hold none of the gateway's."""
    return (max_sessions + http_connections + max_pending + _CLOSING_SLACK + _BASE_DESCRIPTORS
            + _DESCRIPTORS_PER_WORKER * workers)


def _ignore(reason: Reason) -> None:
    pass


class _Pending:
    __slots__ = ("deadline", "waiting")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.waiting = True  # no complete request yet: it may be dropped for a newcomer


class _Window:
    __slots__ = ("suppressed", "until")

    def __init__(self, until: float) -> None:
        self.until = until
        self.suppressed = 0


class ListenerGate(Generic[C]):
    """Pending (accepted, not yet authenticated) connections, their deadlines, and refusal accounting.

    ``C`` is whatever the adapter uses to name a connection (its connection object).  Every method
    takes the current time from the caller; the gate never reads a clock.
    """

    def __init__(self, *, max_pending: int, handshake_timeout: float | None,
                 on_refusal: Callable[[Reason], None] = _ignore,
                 describe: Callable[[C], str] = repr,
                 log_interval: float = 5.0) -> None:
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, got {max_pending}")
        self.max_pending = max_pending
        self.handshake_timeout = handshake_timeout
        self.log_interval = log_interval
        self._on_refusal = on_refusal
        self._describe = describe
        # Oldest first.  Deadlines grow with insertion order (one timeout for all), so the front is
        # both the first to expire and the first candidate to drop.
        self._pending: OrderedDict[C, _Pending] = OrderedDict()
        self._windows: dict[Reason, _Window] = {}

    @property
    def pending(self) -> int:
        """Connections held that have not authenticated (nor been refused or closed) yet."""
        return len(self._pending)

    def __contains__(self, conn: object) -> bool:
        return conn in self._pending

    # ---- events from the adapter -----------------------------------------------------------

    def accepted(self, conn: C, now: float) -> list[C]:
        """A new connection.  Returns the connections to drop now (counted and logged as ``limit``):
        none while there is room; else the oldest that has not sent a request, or ``conn`` itself
        when every pending connection is being answered."""
        dropped: list[C] = []
        if len(self._pending) >= self.max_pending:
            victim = self._oldest_waiting()
            if victim is None:
                self._refuse(conn, "limit", now, self._limit_detail("every one is being answered; "
                                                                    "this one is refused"))
                return [conn]
            del self._pending[victim]
            self._refuse(victim, "limit", now, self._limit_detail("the oldest is dropped"))
            dropped.append(victim)
        deadline = now + self.handshake_timeout if self.handshake_timeout is not None else float("inf")
        self._pending[conn] = _Pending(deadline)
        return dropped

    def request_received(self, conn: C) -> None:
        """The connection's request has arrived and is being answered: no longer dropped for a
        newcomer (its deadline still holds)."""
        entry = self._pending.get(conn)
        if entry is not None:
            entry.waiting = False

    def admitted(self, conn: C) -> None:
        """The connection authenticated: it leaves the gate and is never dropped by it."""
        self._pending.pop(conn, None)

    def refused(self, conn: C, reason: Reason, now: float, detail: str) -> None:
        """The server refused the connection (it answers and closes it): counted and logged.
        ``detail`` must not contain anything from the request but the peer's own address."""
        self._pending.pop(conn, None)
        self._refuse(conn, reason, now, detail)

    def closed(self, conn: C) -> None:
        """The connection is gone (the client left, or it was answered and closed): forgotten
        without counting."""
        self._pending.pop(conn, None)

    def tick(self, now: float) -> list[C]:
        """Time passes: returns the connections past their deadline (removed, counted and logged as
        ``handshake_timeout``) for the adapter to close, and logs due summaries of suppressed lines."""
        expired: list[C] = []
        while self._pending:
            conn, entry = next(iter(self._pending.items()))
            if entry.deadline > now:
                break
            del self._pending[conn]
            expired.append(conn)
            self._refuse(conn, "handshake_timeout", now,
                         f"no complete request within --open-timeout={self.handshake_timeout:g}s")
        for reason, window in list(self._windows.items()):
            if window.until <= now:
                if window.suppressed:
                    self._summarize(reason, window)
                    # A new window, so a steady stream of refusals gives one line per interval.
                    self._windows[reason] = _Window(now + self.log_interval)
                else:
                    del self._windows[reason]
        return expired

    def next_wakeup(self) -> float | None:
        """When ``tick`` has work next: the earliest deadline or the end of a log window that
        suppressed lines; None when there is nothing to wait for."""
        when = float("inf")
        if self._pending:
            when = next(iter(self._pending.values())).deadline
        for window in self._windows.values():
            if window.suppressed and window.until < when:
                when = window.until
        return None if when == float("inf") else when

    def drain(self) -> list[C]:
        """Every pending connection, removed without counting (the gateway is shutting down)."""
        conns = list(self._pending)
        self._pending.clear()
        return conns

    # ---- internals -------------------------------------------------------------------------

    def _oldest_waiting(self) -> C | None:
        # Connections being answered are few and leave within a loop iteration, so this stops at
        # the first entry or close to it.
        for conn, entry in self._pending.items():
            if entry.waiting:
                return conn
        return None

    def _limit_detail(self, outcome: str) -> str:
        return (f"{self.max_pending} connections are waiting to authenticate "
                f"(--max-pending-connections={self.max_pending}); {outcome}")

    def _refuse(self, conn: C, reason: Reason, now: float, detail: str) -> None:
        self._on_refusal(reason)
        window = self._windows.get(reason)
        if window is not None and now < window.until:
            window.suppressed += 1
            return
        if window is not None and window.suppressed:
            self._summarize(reason, window)
        self._windows[reason] = _Window(now + self.log_interval)
        logger.info("refused %s (%s): %s", self._describe(conn), reason, detail)

    def _summarize(self, reason: Reason, window: _Window) -> None:
        logger.info("refused %d more connection%s (%s) in the last %g s", window.suppressed,
                    "" if window.suppressed == 1 else "s", reason, self.log_interval)
        window.suppressed = 0
