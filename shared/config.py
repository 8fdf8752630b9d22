"""Configuration types.  ``WorkerConfig`` travels to each worker as JSON on its command line."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["MIB", "Isolation", "WorkerConfig"]

MIB = 1024 * 1024

Isolation = Literal["auto", "pidns", "subreaper"]


class WorkerConfig(msgspec.Struct, frozen=True, omit_defaults=True):
    """What a worker needs to know; every field has a default so versions can differ."""

    worker_id: int = 0
    workspace: str = "."
    heartbeat_interval: float = 1.0
    max_frame_size: int = 64 * MIB
    max_output_bytes: int = 1 * MIB
    # after a shell exits: how long to keep reading output its leftovers may still write
    drain_timeout: float = 0.05
    isolation: str = "subreaper"  # what the gateway actually set up for this worker
    # "pidns": every call's shell is the init of a pid and mount namespace of its own (tree kill and
    # isolation by the kernel); "marker": trees by parent links and environment markers (fallback)
    call_isolation: str = "marker"
    warm_shells: int = 0  # pre-started shells kept when idle (0: none, every call spawns)
    max_warm_shells: int = 0  # the pool grows toward the calls in flight up to this (<= warm_shells: fixed)
    shell_builtin: str = ""  # the zygote's compiled builtin (worker/zygote.py); "": every shell is exec-ed
    # per-call resource limits (0 = leave unlimited / inherited)
    limit_address_space: int = 0
    limit_cpu_seconds: int = 0
    limit_file_size: int = 0
    limit_open_files: int = 0
    limit_processes: int = 0
    no_network: bool = False  # the worker is in its own network namespace: bring loopback up
    run_as_uid: int = -1  # -1: shells keep the worker's user
    run_as_gid: int = -1
    max_read_bytes: int = 10 * MIB
    max_write_bytes: int = 50 * MIB
    max_pattern_bytes: int = 64 * 1024  # grep/glob patterns (--max-pattern-bytes)
    max_upload_bytes: int = 8 * MIB  # the upload tool's decoded content (--max-upload-bytes)
    max_download_bytes: int = 8 * MIB  # download's embedded blob (--max-download-bytes)
    max_jobs_per_session: int = 16
    job_output_bytes: int = 1 * MIB  # and per terminal (its raw output)
    terminal_scrollback: int = 1000  # lines kept per terminal that scrolled off its screen
    role: str = "tools"  # "tools": bash and file tools; "mcp-host": managed MCP servers (worker.mcp_host)
    mcp_max_servers: int = 16
    mcp_health_interval: float = 30.0
    mcp_max_line_bytes: int = 16 * MIB
    mcp_start_timeout: float = 30.0


def dump_worker_config(cfg: WorkerConfig) -> str:
    return msgspec.json.encode(cfg).decode()


def load_worker_config(text: str) -> WorkerConfig:
    return msgspec.json.decode(text, type=WorkerConfig)
