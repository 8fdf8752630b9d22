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
from typing import NoReturn

import uvloop

from gateway.config import GatewayConfig, parse_config
from gateway.listener import descriptors_needed
from gateway.logs import setup_logging
from gateway.mcp import SUPPORTED_PROTOCOL_VERSIONS
from gateway.pool import detect_call_isolation, detect_isolation
from gateway.server import Gateway, StartupError, generate_token, is_loopback, metrics_need_token, run
from shared.hygiene import close_inherited_on_exec, make_undumpable, return_large_buffers
from worker.zygote import build_builtin

__all__ = ["main"]


def fail(message: str) -> NoReturn:
    """End the start in one line on stderr (what is wrong and how to fix it), exit status 1."""
    sys.exit(f"sandbox-gateway: {message}")


def prepare_workspace(path: str) -> tuple[Path, bool]:
    """The workspace, made when missing: (its absolute path, whether it was created now)."""
    target = Path(path).expanduser()
    if target.exists() and not target.is_dir():
        fail(f"--workspace {path}: it exists and is not a directory; give a directory")
    existed = target.is_dir()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--workspace {path}: cannot create it: {exc.strerror or exc} (create it with write access for "
             "the gateway's user, or choose another directory)")
    if not os.access(target, os.W_OK | os.X_OK):
        fail(f"--workspace {path}: uid {os.geteuid()} cannot write to it (give the gateway's user write access, "
             "or choose another directory)")
    return target.resolve(), not existed


def resolve_token(cfg: GatewayConfig) -> tuple[str | None, str | None]:
    """The token clients must send, and where it came from when it is the token file's (None for
    --token, SANDBOX_GATEWAY_TOKEN and --no-auth).  The token file's token is kept across restarts:
    clients configured with it go on working; a new one is generated only when there is none, or with
    --rotate-token."""
    if cfg.no_auth:
        return None, None
    if cfg.token:
        return cfg.token, None
    path = Path(cfg.token_file).expanduser()
    if not cfg.rotate_token:
        try:
            text = path.read_text().strip()
        except FileNotFoundError:
            text = ""
        except OSError as exc:
            fail(f"--token-file {path}: cannot read it: {exc.strerror or exc} (give a file the gateway's user can "
                 "read, or pass --rotate-token to write a new token there)")
        if text:
            if any(c.isspace() for c in text) or not text.isascii():
                fail(f"--token-file {path}: does not hold one token (printable ASCII, no spaces); fix it, or pass "
                     "--rotate-token to write a new one there")
            if path.stat().st_mode & 0o077:
                logging.getLogger("gateway").warning(
                    "the token file %s is readable by other users: chmod 600 %s", path, path)
            return text, f"token: the one in {path} (kept across restarts; --rotate-token makes a new one)"
    token = generate_token()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(token + "\n")
        os.chmod(path, 0o600)
    except OSError as exc:
        fail(f"--token-file {path}: cannot write a new token there: {exc.strerror or exc} (choose a writable "
             "--token-file, or set SANDBOX_GATEWAY_TOKEN)")
    why = "rotated (--rotate-token)" if cfg.rotate_token else "generated (there was none)"
    return token, f"token: {why}, written to {path} (mode 0600)"


def resolve_run_as(spec: str, workspace: Path) -> tuple[int, int] | None:
    """The (uid, gid) tools run as, with the workspace made theirs; None keeps the gateway's user."""
    if spec == "-":
        return None
    if os.geteuid() != 0:
        if spec != "auto":
            fail(f"--run-as {spec} needs the gateway to start as root (or pass --run-as - to keep your user)")
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
            fail(f"--run-as: no user {name!r} (give a user name or UID[:GID])")
        uid, gid = entry.pw_uid, entry.pw_gid
    if uid == 0:
        return None
    try:
        reachable = subprocess.run(
            ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "test", "-x", str(workspace)],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=10,
        ).returncode == 0
    except (OSError, subprocess.TimeoutExpired) as exc:
        fail(f"--run-as {name}: cannot check the workspace as that user: setpriv failed ({exc}); install "
             "util-linux, or pass --run-as - to keep the gateway's user")
    if not reachable:
        message = (f"the workspace {workspace} is not reachable for user {name!r} (a parent directory is not "
                   "traversable)")
        if spec == "auto":
            logging.getLogger("gateway").warning("%s: tools run as root; pass --run-as USER with a reachable "
                                                 "workspace for least privilege", message)
            return None
        fail(f"--run-as {name}: {message}")
    try:
        for root, dirs, files in os.walk(workspace):
            for item in (root, *(os.path.join(root, n) for n in dirs + files)):
                os.lchown(item, uid, gid)
    except OSError as exc:
        fail(f"--run-as {name}: cannot give the workspace to uid {uid}: {exc.strerror or exc} ({exc.filename}); "
             "make it writable for the gateway, or pass --run-as - to keep the gateway's user")
    return uid, gid


def shell_builtin(mode: str) -> str:
    """The zygote's builtin for ``--shell-spawn`` (built now, before the loop: it runs the compiler), or ""."""
    if mode == "exec":
        return ""
    path, why = build_builtin()
    if path is None:
        if mode == "fork":
            fail(f"--shell-spawn fork: cannot build the zygote's bash builtin: {why} (install a C compiler, or "
                 "use --shell-spawn auto)")
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
        fail(f"--max-sessions {cfg.max_sessions}, --max-http-connections "
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
    """Start the gateway.  Every start-up failure ends in one line on stderr, what and how to fix it,
    with a non-zero exit status (2 for a bad flag, 1 otherwise)."""
    # Nothing of the process that started the gateway reaches a worker or a tool, a tool of the same
    # user cannot trace the gateway or read its /proc, and the token leaves the environment.
    close_inherited_on_exec()
    make_undumpable()
    return_large_buffers()
    cfg: GatewayConfig = parse_config(argv)
    os.environ.pop("SANDBOX_GATEWAY_TOKEN", None)
    os.environ.pop("SANDBOX_TERMINAL_TOKEN", None)
    setup_logging(cfg.log_level, cfg.log_format)
    log = logging.getLogger("gateway")
    if cfg.no_auth and not is_loopback(cfg.host):
        fail(f"refusing --no-auth on non-loopback address {cfg.host!r}: anyone who can reach it could run "
             "commands. Use --token (or SANDBOX_GATEWAY_TOKEN), or listen on 127.0.0.1.")
    if 4 * ((cfg.max_upload_bytes + 2) // 3) + 4096 > cfg.max_message_size:
        logging.getLogger("gateway").warning(
            "--max-upload-bytes %d is more than fits --max-message-size %d once base64-encoded: larger uploads are "
            "refused as too large a message (use PUT /files for them)", cfg.max_upload_bytes, cfg.max_message_size)
    fd_before, fd_limit = raise_descriptor_limit()
    check_descriptor_budget(cfg, fd_limit)
    check_listen_backlog(cfg.listen_backlog)
    workspace, created = prepare_workspace(cfg.workspace)
    if created:
        log.info("the workspace %s did not exist: created it", workspace)
    # Decided before the event loop starts: this probe spawns a process.
    isolation = detect_isolation(cfg.isolation)
    if cfg.no_network and (isolation != "pidns" or not _can_unshare_net()):
        fail("--no-network needs network namespaces, which this kernel/user cannot create here (run as root, "
             "or enable unprivileged user namespaces)")
    run_as = resolve_run_as(cfg.run_as, workspace)
    cfg = replace(cfg, shell_builtin=shell_builtin(cfg.shell_spawn),
                  call_isolation=detect_call_isolation(cfg.call_isolation, run_as))
    token, token_origin = resolve_token(cfg)
    if token_origin is not None:
        log.info("%s", token_origin)  # where the token is, never the token

    def on_ready(gw: Gateway) -> None:
        host = f"[{cfg.host}]" if ":" in cfg.host else cfg.host
        url = f"ws://{host}:{gw.port}/mcp"
        print(f"sandbox-gateway listening on {url}", flush=True)
        who = f"uid {run_as[0]}" if run_as else f"uid {os.geteuid()} (the gateway's user)"
        spawn = "forked from a zygote" if cfg.shell_builtin else "exec-ed"
        print(f"  workers: {cfg.workers} ({isolation}); tools run as {who}; call shells {spawn}, "
              f"each in {'its own pid namespace' if cfg.call_isolation == 'pidns' else 'a marked tree'}", flush=True)
        print(f"  workspace: {workspace}{' (did not exist: created)' if created else ''}", flush=True)
        raised = f", raised from {fd_before}" if fd_limit != fd_before else ""
        print(f"  file descriptors: {fd_limit} (RLIMIT_NOFILE{raised}); connections: --max-sessions "
              f"{cfg.max_sessions}, --max-pending-connections {cfg.max_pending_connections}, "
              f"--max-http-connections {cfg.max_http_connections}, --open-timeout {cfg.open_timeout:g}s, "
              f"--listen-backlog {cfg.listen_backlog}", flush=True)
        print(f"  Streamable HTTP: http://{host}:{gw.port}/mcp (MCP {', '.join(SUPPORTED_PROTOCOL_VERSIONS)})",
              flush=True)
        print(f"  metrics: http://{host}:{gw.port}/metrics ({metrics_access(cfg)})", flush=True)
        web = ("its own token (--terminal-token)" if cfg.terminal_token is not None else "open (--no-auth)"
               if cfg.no_auth else "off: give it a token of its own with --terminal-token")
        write = ", typing allowed (--terminal-write)" if cfg.terminal_write else ""
        print(f"  web terminal: http://{host}:{gw.port}/terminal ({web}{write})", flush=True)
        if token_origin is not None:
            print(f"  {token_origin}", flush=True)
            print(f"  connect: {url}?token={token}", flush=True)

    try:
        uvloop.run(run(cfg, isolation, token, on_ready, run_as))
    except StartupError as exc:
        fail(str(exc))


def metrics_access(cfg: GatewayConfig) -> str:
    if metrics_need_token(cfg):
        return "needs the token: the address is not loopback; --metrics-public opens it"
    return "open" if is_loopback(cfg.host) or cfg.no_auth else "open: --metrics-public"


if __name__ == "__main__":
    main()
