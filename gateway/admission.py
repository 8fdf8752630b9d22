"""Who may open a session: the bearer token and the Origin rules, for both transports.

Pure functions over a request's headers and query string; the WebSocket handshake (websockets'
``Request``) and Streamable HTTP requests (ASGI header lists) both come here, so the two transports
cannot drift apart.  Nothing here quotes a request back: its text would carry the token.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Sequence
from urllib.parse import parse_qs, urlsplit

__all__ = ["BadRequest", "is_loopback", "one_header", "origin_allowed", "supplied_token", "token_ok"]


class BadRequest(Exception):
    """A request the gateway will not interpret (duplicate or non-ASCII credentials or Origin):
    answered 400 with this message, which must not quote the request."""


def is_loopback(host: str) -> bool:
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def one_header(values: Sequence[str], name: str) -> str | None:
    """The value of a header the gateway decides on, given all its values; two values could be read
    differently by a proxy in front and by us, so they are refused, as are non-ASCII bytes."""
    if len(values) > 1:
        raise BadRequest(f"more than one {name} header")
    if values and not values[0].isascii():
        raise BadRequest(f"the {name} header is not ASCII")
    return values[0] if values else None


def supplied_token(authorization: str | None, query: str) -> str:
    """The token the client sent (``Authorization: Bearer T`` first, else ``?token=T``), or ""."""
    auth = authorization or ""
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    tokens = parse_qs(query).get("token") or [""]
    if len(tokens) > 1:
        raise BadRequest("more than one token parameter")
    return tokens[0]


def token_ok(expected: str | None, supplied: str) -> bool:
    if expected is None:
        return True
    return hmac.compare_digest(supplied.encode(), expected.encode())


def origin_allowed(origin: str, allowed: tuple[str, ...]) -> bool:
    """Browsers send Origin; other clients do not.  DNS-rebinding defence: without an allow-list
    only loopback origins may connect."""
    if allowed:
        return origin in allowed
    try:
        host = urlsplit(origin).hostname or ""
    except ValueError:
        return False
    return is_loopback(host)
