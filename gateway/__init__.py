"""The gateway: MCP over WebSocket, worker pool supervision, deadlines, metrics, HTTP endpoints."""

__version__ = "0.1.0"
