"""Every MCP session of the gateway, of every transport, in one registry.

WebSocket connections, Streamable HTTP sessions (``Mcp-Session-Id``) and the stateless revision's
session handles are one kind of session: they count against --max-sessions together, the one sweeper
expires them by the same rules (--session-idle-timeout, --session-max-age), /status and the
``sandbox_sessions`` gauge count them, and ``notifications/tools/list_changed`` reaches each.  How a
session ends is its transport's business: each is registered with an ``end(reason)`` callback (close
the WebSocket; end the HTTP session, its calls and jobs).

HTTP session ids and handles are 192-bit random strings (``secrets.token_urlsafe``): knowing one is
being the session's client, so they are never logged.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

from gateway.mcp import McpSession
from gateway.services import Services

__all__ = ["Sessions"]

End = Callable[[str], None]


class Sessions:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._ends: dict[McpSession, End] = {}
        self._by_handle: dict[str, McpSession] = {}

    def __len__(self) -> int:
        return len(self._ends)

    def __iter__(self) -> Iterator[McpSession]:
        return iter(self._ends)

    def __contains__(self, session: object) -> bool:
        return session in self._ends

    @property
    def full(self) -> bool:
        return len(self._ends) >= self.services.cfg.max_sessions

    def limit_text(self) -> str:
        n, limit = len(self._ends), self.services.cfg.max_sessions
        return f"{n} open (--max-sessions={limit})"

    def add(self, session: McpSession, end: End, *, with_handle: bool = False) -> None:
        """Register ``session``; ``with_handle`` gives it a random handle (``session.handle``) to be
        found by."""
        self._ends[session] = end
        if with_handle:
            handle = secrets.token_urlsafe(24)
            session.handle = handle
            self._by_handle[handle] = session
        self.services.metrics.sessions.set(len(self._ends))

    def remove(self, session: McpSession) -> None:
        self._ends.pop(session, None)
        if session.handle is not None:
            self._by_handle.pop(session.handle, None)
        self.services.metrics.sessions.set(len(self._ends))

    def find(self, handle: str) -> McpSession | None:
        return self._by_handle.get(handle)

    def end(self, session: McpSession, reason: str) -> None:
        """End ``session`` through its transport (it removes the session when it is done)."""
        end = self._ends.get(session)
        if end is not None:
            end(reason)

    def broadcast(self, data: bytes) -> None:
        """Send a notification to every session that has negotiated a revision."""
        for session in list(self._ends):
            session.notify(data)

    def expired(self, now: float) -> list[tuple[McpSession, str]]:
        """Sessions past --session-max-age or idle past --session-idle-timeout, with the reason."""
        cfg = self.services.cfg
        out = []
        for session in self._ends:
            if now - session.created > cfg.session_max_age:
                out.append((session, f"session expired: older than --session-max-age={cfg.session_max_age:g}s"))
            elif session.idle_for(now) > cfg.session_idle_timeout:
                out.append((session, "session expired: idle for more than "
                                     f"--session-idle-timeout={cfg.session_idle_timeout:g}s"))
        return out

    def counts(self) -> dict[str, int]:
        """Sessions by transport ("websocket", "http", "stateless")."""
        out = {"websocket": 0, "http": 0, "stateless": 0}
        for session in self._ends:
            out[session.transport] = out.get(session.transport, 0) + 1
        return out
