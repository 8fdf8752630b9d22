"""Errors the gateway answers with, and their JSON-RPC codes (one table).

Hierarchy::

    GatewayError                 carries a JSON-RPC code and message
    +-- ParseError               -32700 the message is not JSON
    +-- InvalidRequest           -32600 not a JSON-RPC 2.0 request object (batches too)
    +-- MethodNotFound           -32601
    +-- InvalidParams            -32602 unknown tool, malformed params
    +-- Overloaded               -32000 the dispatch queue is full
    +-- LimitExceeded            -32001 a per-session limit (calls in flight, rate, sessions)
    +-- ShuttingDown             -32002 the gateway is draining
    +-- ResourceNotFound         -32002 MCP's code for resources/read of a missing resource (data: {uri})
    +-- HeaderMismatch           -32020 HTTP headers disagree with the body (2026-07-28)
    +-- UnsupportedProtocolVersion -32022 a _meta envelope names a version the gateway does not speak

``HTTP_STATUS`` is the status a Streamable HTTP answer carrying one of these errors gets where the
status is the error's (requests that cannot be served: 2026-07-28 requests, and requests outside any
session); the rest are answered 200 with the JSON-RPC error in the body.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CODES",
    "HTTP_STATUS",
    "GatewayError",
    "HeaderMismatch",
    "InvalidParams",
    "InvalidRequest",
    "LimitExceeded",
    "MethodNotFound",
    "Overloaded",
    "ParseError",
    "ResourceNotFound",
    "ShuttingDown",
    "UnsupportedProtocolVersion",
]

CODES = {
    "parse_error": -32700,
    "invalid_request": -32600,
    "method_not_found": -32601,
    "invalid_params": -32602,
    "internal_error": -32603,
    "overloaded": -32000,
    "limit_exceeded": -32001,
    "shutting_down": -32002,
    "resource_not_found": -32002,  # MCP's choice; the message and data tell it from shutting_down
    "header_mismatch": -32020,
    "unsupported_protocol_version": -32022,
}

HTTP_STATUS = {
    CODES["parse_error"]: 400,
    CODES["invalid_request"]: 400,
    CODES["invalid_params"]: 400,
    CODES["header_mismatch"]: 400,
    CODES["unsupported_protocol_version"]: 400,
    CODES["method_not_found"]: 404,
}


class GatewayError(Exception):
    code = CODES["internal_error"]

    def __init__(self, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data

    def to_error(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


class ParseError(GatewayError):
    code = CODES["parse_error"]


class InvalidRequest(GatewayError):
    code = CODES["invalid_request"]


class MethodNotFound(GatewayError):
    code = CODES["method_not_found"]


class InvalidParams(GatewayError):
    code = CODES["invalid_params"]


class Overloaded(GatewayError):
    code = CODES["overloaded"]


class LimitExceeded(GatewayError):
    code = CODES["limit_exceeded"]


class ShuttingDown(GatewayError):
    code = CODES["shutting_down"]


class ResourceNotFound(GatewayError):
    code = CODES["resource_not_found"]


class HeaderMismatch(GatewayError):
    code = CODES["header_mismatch"]


class UnsupportedProtocolVersion(GatewayError):
    code = CODES["unsupported_protocol_version"]
