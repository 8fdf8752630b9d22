"""``sandbox-gateway`` / ``python -m gateway``: start the gateway with embedded defaults."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import uvloop

from gateway.config import GatewayConfig, parse_config
from gateway.logs import setup_logging
from gateway.pool import detect_isolation
from gateway.server import Gateway, generate_token, is_loopback, run

__all__ = ["main"]


def _write_token(path: str, token: str) -> str:
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    os.chmod(target, 0o600)
    return str(target)


def main(argv: list[str] | None = None) -> None:
    cfg: GatewayConfig = parse_config(argv)
    setup_logging(cfg.log_level, cfg.log_format)
    if cfg.no_auth and not is_loopback(cfg.host):
        sys.exit(f"sandbox-gateway: refusing --no-auth on non-loopback address {cfg.host!r}: anyone who can "
                 "reach it could run commands. Use --token (or SANDBOX_GATEWAY_TOKEN).")
    Path(cfg.workspace).mkdir(parents=True, exist_ok=True)
    # Decided before the event loop starts: this probe spawns a process.
    isolation = detect_isolation(cfg.isolation)
    token = None if cfg.no_auth else cfg.token
    generated_path = None
    if not cfg.no_auth and not token:
        token = generate_token()
        generated_path = _write_token(cfg.token_file or "~/.sandbox-gateway/token", token)

    def on_ready(gw: Gateway) -> None:
        host = f"[{cfg.host}]" if ":" in cfg.host else cfg.host
        url = f"ws://{host}:{gw.port}/mcp"
        print(f"sandbox-gateway listening on {url}", flush=True)
        print(f"  workers: {cfg.workers} ({isolation}), workspace: {Path(cfg.workspace).resolve()}", flush=True)
        print(f"  metrics: http://{host}:{gw.port}/metrics", flush=True)
        if generated_path is not None:
            print(f"  generated token (written to {generated_path}, mode 0600):", flush=True)
            print(f"  connect: {url}?token={token}", flush=True)

    uvloop.run(run(cfg, isolation, token, on_ready))


if __name__ == "__main__":
    main()
