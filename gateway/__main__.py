"""``sandbox-gateway`` / ``python -m gateway``: start the gateway with embedded defaults."""

from __future__ import annotations

import logging
import os
import pwd
import re
import resource
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import uvloop

from gateway.config import GatewayConfig, parse_config
from gateway.listener import descriptors_needed
from gateway.logs import setup_logging
from gateway.mcp import SUPPORTED_PROTOCOL_VERSIONS
from gateway.pool import detect_call_isolation, detect_isolation
from gateway.server import Gateway, StartupError, generate_token, is_loopback, run
from shared.hygiene import close_inherited_on_exec, make_undumpable
from worker.zygote import build_builtin

__all__ = ["main"]


def _write_token(path: str, token: str) -> str:
    target = Path(path).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    os.chmod(target, 0o600)
    return str(target)


def resolve_run_as(spec: str, workspace: Path) -> tuple[int, int] | None:
    """The (uid, gid) tools run as, with the workspace made theirs; None keeps the gateway's user."""
    if spec == "-":
        return None
    if os.geteuid() != 0:
        if spec != "auto":
            sys.exit(f"sandbox-gateway: --run-as {spec} needs the gateway to start as root")
        return None
    name = "nobody" if spec == "auto" else spec
    numeric = re.fullmatch(r"(\d+)(?::(\d+))?", name)
    if numeric is not None:  # UID[:GID], a user with no name (e.g. one uid per gateway)
        uid = int(numeric.group(1))
        gid = int(numeric.group(2)) if numeric.group(2) is not None else uid
    else:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            if spec == "auto":
                logging.getLogger("gateway").warning("no user 'nobody': tools run as root")
                return None
            sys.exit(f"sandbox-gateway: --run-as: no user {name!r} (give a user name or UID[:GID])")
        uid, gid = entry.pw_uid, entry.pw_gid
    if uid == 0:
        return None
    reachable = subprocess.run(
        ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "test", "-x", str(workspace)],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=10,
    ).returncode == 0
    if not reachable:
        message = (f"the workspace {workspace} is not reachable for user {name!r} (a parent directory is not "
                   "traversable)")
        if spec == "auto":
            logging.getLogger("gateway").warning("%s: tools run as root; pass --run-as USER with a reachable "
                                                 "workspace for least privilege", message)
            return None
        sys.exit(f"sandbox-gateway: --run-as {name}: {message}")
    for root, dirs, files in os.walk(workspace):
        for item in (root, *(os.path.join(root, n) for n in dirs + files)):
            os.lchown(item, uid, gid)
    return uid, gid


def shell_builtin(mode: str) -> str:
    """The zygote's builtin for ``--shell-spawn`` (built now, before the loop: it runs the compiler), or ""."""
    if mode == "exec":
        return ""
    path, why = build_builtin()
    if path is None:
        if mode == "fork":
            sys.exit(f"sandbox-gateway: --shell-spawn fork: cannot build the zygote's bash builtin: {why}")
        logging.getLogger("gateway").warning("call shells are exec-ed, not forked from a zygote "
                                             "(~1 ms more CPU per call): cannot build its bash builtin: %s", why)
        return ""
    return path


def _can_unshare_net() -> bool:
    try:
        return subprocess.run(["unshare", "--net", "true"], stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def raise_descriptor_limit() -> tuple[int, int]:
    """Raise RLIMIT_NOFILE's soft limit to the hard one (a connection is a descriptor; the soft limit
    is often 1,024 while the hard one is far higher).  Returns (the limit before, the limit now)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            pass  # keep the soft limit; the budget check below says whether it is enough
    return soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def check_descriptor_budget(cfg: GatewayConfig, limit: int) -> None:
    """Refuse to start when a connection flood could run the gateway out of descriptors: then the
    event loop would drop queued connections, legitimate ones included, instead of the gate choosing."""
    workers = cfg.workers + cfg.spare_workers + (0 if cfg.no_mcp_servers else 1)
    needed = descriptors_needed(max_sessions=cfg.max_sessions, max_pending=cfg.max_pending_connections,
                                workers=workers, http_connections=cfg.max_http_connections + cfg.max_transfers)
    if limit != resource.RLIM_INFINITY and needed > limit:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        sys.exit(f"sandbox-gateway: --max-sessions {cfg.max_sessions}, --max-http-connections "
                 f"{cfg.max_http_connections} and --max-pending-connections "
                 f"{cfg.max_pending_connections} with {workers} worker processes need up to {needed} file "
                 f"descriptors, but RLIMIT_NOFILE is {limit} (hard limit {hard}): raise the hard limit "
                 "(ulimit -Hn, systemd LimitNOFILE=, docker --ulimit nofile=) or lower those flags")


def check_listen_backlog(backlog: int) -> None:
    """Say so when the kernel will cut ``--listen-backlog`` down (listen(2) caps it silently)."""
    try:
        somaxconn = int(Path("/proc/sys/net/core/somaxconn").read_text())
    except (OSError, ValueError):
        return
    if backlog > somaxconn:
        logging.getLogger("gateway").warning(
            "--listen-backlog %d is capped to %d by net.core.somaxconn: a burst of connections beyond it makes "
            "the kernel drop SYNs (clients retry after 1 s); raise the sysctl or lower the flag", backlog, somaxconn)


def main(argv: list[str] | None = None) -> None:
    # Nothing of the process that started the gateway reaches a worker or a tool, a tool of the same
    # user cannot trace the gateway or read its /proc, and the token leaves the environment.
    close_inherited_on_exec()
    make_undumpable()
    cfg: GatewayConfig = parse_config(argv)
    os.environ.pop("SANDBOX_GATEWAY_TOKEN", None)
    setup_logging(cfg.log_level, cfg.log_format)
    if cfg.no_auth and not is_loopback(cfg.host):
        sys.exit(f"sandbox-gateway: refusing --no-auth on non-loopback address {cfg.host!r}: anyone who can "
                 "reach it could run commands. Use --token (or SANDBOX_GATEWAY_TOKEN).")
    if 4 * ((cfg.max_upload_bytes + 2) // 3) + 4096 > cfg.max_message_size:
        logging.getLogger("gateway").warning(
            "--max-upload-bytes %d is more than fits --max-message-size %d once base64-encoded: larger uploads are "
            "refused as too large a message (use PUT /files for them)", cfg.max_upload_bytes, cfg.max_message_size)
    fd_before, fd_limit = raise_descriptor_limit()
    check_descriptor_budget(cfg, fd_limit)
    check_listen_backlog(cfg.listen_backlog)
    Path(cfg.workspace).mkdir(parents=True, exist_ok=True)
    # Decided before the event loop starts: this probe spawns a process.
    isolation = detect_isolation(cfg.isolation)
    if cfg.no_network and (isolation != "pidns" or not _can_unshare_net()):
        sys.exit("sandbox-gateway: --no-network needs network namespaces, which this kernel/user cannot create "
                 "here (run as root, or enable unprivileged user namespaces)")
    run_as = resolve_run_as(cfg.run_as, Path(cfg.workspace).resolve())
    cfg = replace(cfg, shell_builtin=shell_builtin(cfg.shell_spawn),
                  call_isolation=detect_call_isolation(cfg.call_isolation, run_as))
    token = None if cfg.no_auth else cfg.token
    generated_path = None
    if not cfg.no_auth and not token:
        token = generate_token()
        generated_path = _write_token(cfg.token_file or "~/.sandbox-gateway/token", token)

    def on_ready(gw: Gateway) -> None:
        host = f"[{cfg.host}]" if ":" in cfg.host else cfg.host
        url = f"ws://{host}:{gw.port}/mcp"
        print(f"sandbox-gateway listening on {url}", flush=True)
        who = f"uid {run_as[0]}" if run_as else f"uid {os.geteuid()} (the gateway's user)"
        spawn = "forked from a zygote" if cfg.shell_builtin else "exec-ed"
        print(f"  workers: {cfg.workers} ({isolation}); tools run as {who}; call shells {spawn}, "
              f"each in {'its own pid namespace' if cfg.call_isolation == 'pidns' else 'a marked tree'}", flush=True)
        print(f"  workspace: {Path(cfg.workspace).resolve()}", flush=True)
        raised = f", raised from {fd_before}" if fd_limit != fd_before else ""
        print(f"  file descriptors: {fd_limit} (RLIMIT_NOFILE{raised}); connections: --max-sessions "
              f"{cfg.max_sessions}, --max-pending-connections {cfg.max_pending_connections}, "
              f"--max-http-connections {cfg.max_http_connections}, --open-timeout {cfg.open_timeout:g}s, "
              f"--listen-backlog {cfg.listen_backlog}", flush=True)
        print(f"  Streamable HTTP: http://{host}:{gw.port}/mcp (MCP {', '.join(SUPPORTED_PROTOCOL_VERSIONS)})",
              flush=True)
        print(f"  metrics: http://{host}:{gw.port}/metrics", flush=True)
        if generated_path is not None:
            print(f"  generated token (written to {generated_path}, mode 0600):", flush=True)
            print(f"  connect: {url}?token={token}", flush=True)

    try:
        uvloop.run(run(cfg, isolation, token, on_ready, run_as))
    except StartupError as exc:
        sys.exit(f"sandbox-gateway: {exc}")


if __name__ == "__main__":
    main()
