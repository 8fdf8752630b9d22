"""What an operator meets in the first hour: start-up, shutdown and what the gateway logs about them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gateway.config import GatewayConfig, build_parser, format_bytes, parse_bytes, parse_config
from tests.helpers import ROOT, SCALE, McpClient, run, text_of, wait_for


def test_an_expected_stop_does_not_warn(start_gateway) -> None:
    gw = start_gateway(workers=2)

    async def main() -> None:
        async with McpClient.connect(gw.url) as c:
            assert text_of(await c.bash("echo up")) == "up\n"  # the zygotes have forked shells

    run(main())
    assert gw.stop(signal.SIGINT) == 0  # Ctrl-C
    log = gw.stderr_path.read_text()
    stopping = log[log.index("draining:"):]
    assert "zygote exited" not in stopping, stopping
    assert " WARNING " not in stopping and " ERROR " not in stopping, stopping


# ---- /status names the right process; shutdown leaves none behind ------------------------------------


def _proc_status(pid: int) -> dict[str, str]:
    try:
        with open(f"/proc/{pid}/status") as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    except OSError:
        return {}


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie (a zombie holds nothing but its pid)."""
    state = _proc_status(pid).get("State", "Z")
    return not state.startswith(("Z", "X"))


def _assert_is_the_worker(pid: int, gateway_pid: int, isolation: str) -> None:
    status = _proc_status(pid)
    assert _cmdline(pid)[1:3] == ["-m", "worker"], (pid, _cmdline(pid))
    parent = int(status["PPid"])
    if isolation == "pidns":
        assert status["NSpid"].split()[-1] == "1", status["NSpid"]  # the init of its own pid namespace
        assert _cmdline(parent)[:1] == ["unshare"] and int(_proc_status(parent)["PPid"]) == gateway_pid
    else:
        assert status["NSpid"].split() == [str(pid)] and parent == gateway_pid


@pytest.mark.parametrize(("isolation", "spares"), [("pidns", 1), ("pidns", 0), ("subreaper", 1)])
def test_status_names_each_workers_own_process(start_gateway, isolation: str, spares: int) -> None:
    if isolation == "pidns" and os.geteuid() != 0:
        pytest.skip("pid namespaces need root here")
    gw = start_gateway("--isolation", isolation, "--spare-workers", str(spares), workers=3)
    samples = 0
    for round_no in range(6):  # with a spare, each round one takes a slot: spares are checked in one
        gw.wait_ready()
        wait_for(lambda: gw.status()["spare_workers"] == spares, what="the spares booted")
        workers = gw.status()["workers"]
        for w in workers:
            _assert_is_the_worker(w["pid"], gw.proc.pid, isolation)
        victim = workers[round_no % len(workers)]["pid"]
        os.kill(victim, signal.SIGKILL)
        # While the slot is refilled, a pid shown is the old worker (dead by now), none (a worker that
        # has not said hello), or a new worker: never its wrapper, nor anything else.
        deadline = time.monotonic() + 30 * SCALE
        while time.monotonic() < deadline:
            states = [(w["pid"], w["state"]) for w in gw.status()["workers"]]
            for pid, state in states:
                if pid is not None and pid != victim:
                    samples += 1
                    _assert_is_the_worker(pid, gw.proc.pid, isolation)
                elif pid is None:
                    assert state in ("starting", "dead"), states
            if all(pid not in (victim, None) and state == "ready" for pid, state in states):
                break
        else:
            raise AssertionError(f"the killed worker's slot was not refilled: {gw.status()}")
    assert samples > 0
    took = re.findall(r"spare worker \(pid (\d+)\) took worker slot", gw.log())
    assert len(took) == (6 if spares else 0), gw.log()


def test_a_stopped_wrapper_with_a_zombie_worker_leaves_nothing_after_shutdown(start_gateway) -> None:
    if os.geteuid() != 0:
        pytest.skip("pid namespaces need root here")
    gw = start_gateway("--isolation", "pidns", "--spare-workers", "0", "--heartbeat-timeout", "60", workers=2)
    workers = gw.worker_pids()
    wrappers = [int(_proc_status(pid)["PPid"]) for pid in workers]
    marker = next(e for e in Path(f"/proc/{workers[0]}/environ").read_bytes().split(b"\0")
                  if e.startswith(b"SANDBOX_WORKER="))
    nonce = marker.split(b"=", 1)[1].split(b".")[0]
    os.kill(wrappers[0], signal.SIGSTOP)
    # stopped for real before its child dies: a wrapper that still runs reaps it before it stops
    wait_for(lambda: _proc_status(wrappers[0]).get("State", "").startswith("T"), what="the wrapper stopped")
    os.kill(workers[0], signal.SIGKILL)  # nobody reaps it: its parent is stopped
    wait_for(lambda: _proc_status(workers[0]).get("State", "").startswith("Z"), what="a zombie worker")
    assert gw.stop() == 0

    def ours_alive() -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit() and _alive(int(entry)):
                try:
                    env = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
                except OSError:
                    continue
                if any(e.startswith(b"SANDBOX_WORKER=" + nonce + b".") for e in env):
                    found.append(int(entry))
        return found

    wait_for(lambda: not any(_alive(pid) for pid in wrappers + workers), 10, what="wrappers and workers gone")
    assert ours_alive() == []


# ---- drain: the last answer reaches the official SDK clients --------------------------------------------

TOKEN = "drain-test-token-5e1f"


def _drain_round(start_gateway, run_client) -> None:  # type: ignore[no-untyped-def]
    """One real SDK client, one call; the gateway gets SIGTERM while it runs and lets it finish: the client
    returns the call's result (it lists the tools after the answer to validate it), and the gateway exits 0."""
    gw = start_gateway("--shutdown-grace", "60", workers=1, token=TOKEN)
    started, go = gw.workspace / "started", gw.workspace / "go"
    # relative paths: a call runs in the workspace (as the tool user, who owns it)
    command = "touch started; while [ ! -e go ]; do sleep 0.01; done; echo done"
    finish = run_client(gw, command)
    wait_for(started.exists, 30, what="the call running")
    gw.proc.send_signal(signal.SIGTERM)
    wait_for(lambda: "draining: 1 calls in flight" in gw.log(), 10, what="the gateway draining")
    go.touch()
    assert finish() == "done\n"
    assert gw.proc.wait(30 * SCALE) == 0
    log = gw.log()
    assert " ERROR " not in log and "Traceback" not in log, log


def test_drain_delivers_the_last_answer_to_the_python_sdk_websocket_client(start_gateway) -> None:
    import threading

    from mcp import ClientSession
    from mcp.client.websocket import websocket_client

    def run_client(gw, command: str):  # type: ignore[no-untyped-def]
        outcome: list[str | BaseException] = []

        async def main() -> str:
            async with websocket_client(gw.url) as (r, w), ClientSession(r, w) as session:
                await session.initialize()
                result = await session.call_tool("bash", {"command": command})
                return result.content[0].text  # type: ignore[union-attr]

        def thread() -> None:
            try:
                outcome.append(run(main()))
            except BaseException as exc:
                outcome.append(exc)

        client = threading.Thread(target=thread, daemon=True)
        client.start()

        def finish() -> str | BaseException:
            client.join(60 * SCALE)
            assert outcome, "the client did not end"
            return outcome[0]

        return finish

    for _ in range(3):
        _drain_round(start_gateway, run_client)


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_drain_delivers_the_last_answer_to_the_python_sdk_2_http_client(start_gateway, mode: str) -> None:
    """Streamable HTTP: a session of 2025-11-25 (``legacy``) and stateless 2026-07-28 (``auto``)."""
    from tests.test_http_clients import SDK2_PYTHON, need

    need(SDK2_PYTHON, "the Python SDK 2.x virtualenv")

    def run_client(gw, command: str):  # type: ignore[no-untyped-def]
        url = f"http://{gw.host}:{gw.port}/mcp"
        proc = subprocess.Popen([str(SDK2_PYTHON), "tests/clients/sdk2_client.py", f"drain-{mode}", url, TOKEN,
                                 command], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

        def finish() -> str:
            out, err = proc.communicate(timeout=60 * SCALE)
            assert proc.returncode == 0, err[-3000:]
            report = json.loads(out.strip().splitlines()[-1])
            assert "error" not in report, report
            return report["text"]

        return finish

    for _ in range(3):
        _drain_round(start_gateway, run_client)


# ---- start-up and flags -----------------------------------------------------------------------------------

# The groups --help has, one per concern, and the placeholders values are written with.
GROUPS = ("network and connections", "authentication and access", "worker pool", "deadlines and shutdown",
          "sessions", "tools: where and how calls run", "per-call resource limits", "background jobs",
          "managed MCP servers", "terminals (terminal_* tools, and the web terminal at /terminal)",
          "files in and out (upload, download, /files, resources)", "logging")
PLACEHOLDERS = {"HOST", "PORT", "N", "S", "BYTES", "PER_S", "TOKEN", "FILE", "ORIGIN", "DIR", "USER"}


def _help_text() -> str:
    env = {k: v for k, v in os.environ.items() if k != "SANDBOX_GATEWAY_TOKEN"} | {"COLUMNS": "400"}
    proc = subprocess.run([sys.executable, "-m", "gateway", "--help"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_help_puts_every_flag_in_a_group_with_its_default_and_a_placeholder() -> None:
    text = _help_text()
    # sections start at column 0 and end with ":"; an option's entry starts with "  -" and goes on in more
    # indented lines (its help)
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":") and not line.startswith("usage"):
            current = line[:-1]
            sections[current] = []
        elif line.startswith("  -") and current:
            sections[current].append(line.strip())
        elif line.startswith("   ") and current and sections[current]:
            sections[current][-1] += "  " + line.strip()
    assert [entry.split()[:2] for entry in sections.pop("options")] == [["-h,", "--help"]]
    for group in GROUPS:
        assert any(name.startswith(group) for name in sections), (group, list(sections))
    assert len(sections) == len(GROUPS), list(sections)
    seen = set()
    for group, lines in sections.items():
        assert lines, f"empty group {group}"
        for line in lines:
            m = re.match(r"(--[a-z-]+)(?: (\S+))?\s{2,}(.*)", line)
            assert m, line
            flag, placeholder, help_text = m.groups()
            seen.add(flag)
            assert re.search(r"\(default: [^)]+\)$", help_text), f"{flag}: no default shown: {help_text}"
            if placeholder is not None:
                assert placeholder in PLACEHOLDERS or re.fullmatch(r"\{[a-z]+(,[a-z]+)+\}", placeholder), \
                    f"{flag}: placeholder {placeholder}"
    # every option of the parser is in the help, so in a group
    options = {s for a in build_parser()._actions for s in a.option_strings if s.startswith("--")} - {"--help"}
    assert seen == options


def test_every_flag_default_is_the_configurations_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANDBOX_GATEWAY_TOKEN", raising=False)
    monkeypatch.delenv("SANDBOX_GATEWAY_PORT", raising=False)
    parsed = parse_config([])
    computed = {"workers"}  # the CPU count
    for name in GatewayConfig.__dataclass_fields__:
        if name in computed or name in ("shell_builtin",):
            continue
        assert getattr(parsed, name) == getattr(GatewayConfig(), name), name
    assert parsed.workers >= 2


def _numeric_flags() -> list[tuple[str, str]]:
    out = []
    for action in build_parser()._actions:
        kind = getattr(action.type, "__name__", "")
        if kind in ("integer", "number", "size"):
            out.append((action.option_strings[0], kind))
    return out


def _parse_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        parse_config(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sandbox-gateway: "), err
    return err


def test_every_numeric_flag_is_range_checked(capsys: pytest.CaptureFixture[str]) -> None:
    flags = _numeric_flags()
    assert len(flags) >= 35, flags
    for flag, kind in flags:
        for bad in ("-1", "abc", *(("nan", "inf") if kind == "number" else ())):
            err = _parse_error([flag, bad], capsys)
            assert flag in err and bad in err, (flag, bad, err)
    for argv in (["--port", "99999"], ["--port", "65536"], ["--deadline-grace", "-5"], ["--deadline-grace", "0"],
                 ["--workers", "0"], ["--heartbeat-timeout", "0.5"], ["--default-timeout", "601"],
                 ["--max-message-size", "10"]):
        assert argv[0] in _parse_error(argv, capsys)
    assert parse_config(["--port", "0"]).port == 0 and parse_config(["--port", "65535"]).port == 65535
    assert parse_config(["--shutdown-grace", "0", "--spare-workers", "0"]).shutdown_grace == 0


def test_the_port_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The container image sets SANDBOX_GATEWAY_PORT, which its HEALTHCHECK reads too; --port wins."""
    monkeypatch.setenv("SANDBOX_GATEWAY_PORT", "9100")
    assert parse_config([]).port == 9100 and parse_config(["--port", "9200"]).port == 9200
    monkeypatch.setenv("SANDBOX_GATEWAY_PORT", "99999")
    assert "SANDBOX_GATEWAY_PORT: must be 0-65535" in _parse_error([], capsys)


def test_sizes_take_the_units_the_help_uses(capsys: pytest.CaptureFixture[str]) -> None:
    for text, value in (("512", 512), ("512K", 512 << 10), ("64KiB", 64 << 10), ("1M", 1 << 20), ("1 MiB", 1 << 20),
                        ("2GiB", 2 << 30), ("2g", 2 << 30), ("1.5G", 3 << 29), ("4TiB", 4 << 40), ("10MB", 10**7),
                        ("1kB", 1000), ("0", 0)):
        assert parse_bytes(text) == value, text
    for bad in ("", "1Q", "-1M", "M", "1.2.3K", "1 M B"):
        with pytest.raises(ValueError):
            parse_bytes(bad)
    assert format_bytes(2 << 30) == "2 GiB" and format_bytes(1000) == "1000"
    cfg = parse_config(["--limit-address-space", "1M", "--limit-file-size", "2GiB", "--max-output-bytes", "512K",
                        "--job-output-bytes", "64KiB", "--mcp-max-line-bytes", "1MB", "--max-message-size", "1M",
                        "--max-pattern-bytes", "4K", "--limit-address-space", "1M"])
    assert (cfg.limit_address_space, cfg.limit_file_size, cfg.max_output_bytes, cfg.job_output_bytes,
            cfg.mcp_max_line_bytes, cfg.max_message_size, cfg.max_pattern_bytes) == (
        1 << 20, 2 << 30, 512 << 10, 64 << 10, 10**6, 1 << 20, 4 << 10)
    # every BYTES flag goes through the one parser
    sizes = [flag for flag, kind in _numeric_flags() if kind == "size"]
    assert len(sizes) == 12, sizes
    for flag in sizes:
        assert "not a size" in _parse_error([flag, "1Q"], capsys)


def test_origins_and_levels_are_checked_and_normalized(capsys: pytest.CaptureFixture[str]) -> None:
    cfg = parse_config(["--allowed-origin", "HTTPS://App.Example.com:443", "--allowed-origin", "http://x:8080/",
                        "--log-level", "warning"])
    assert cfg.allowed_origins == ("https://app.example.com", "http://x:8080") and cfg.log_level == "WARNING"
    for bad in ("app.example.com", "https://x.com/path", "https://x.com?q=1", "*", "https://u:p@x.com"):
        assert "--allowed-origin" in _parse_error(["--allowed-origin", bad], capsys)
    assert "--log-level" in _parse_error(["--log-level", "verbose"], capsys)
    assert "--token" in _parse_error(["--token", "two words"], capsys)


@pytest.mark.parametrize("case", [
    "port-too-large", "port-negative", "negative-grace", "log-level", "origin", "workspace-under-a-file",
    "workspace-is-a-file", "no-auth-public", "port-in-use", "token-file-is-a-directory", "run-as-unknown",
    "rotate-with-token", "host-unresolvable",
])
def test_a_startup_failure_is_one_line_with_a_nonzero_exit(tmp_path: Path, case: str) -> None:
    import socket

    afile = tmp_path / "afile"
    afile.write_text("x")
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    busy = holder.getsockname()[1]
    argv, expect = {
        "port-too-large": (["--port", "99999"], "--port"),
        "port-negative": (["--port", "-1"], "--port"),
        "negative-grace": (["--deadline-grace", "-5"], "--deadline-grace"),
        "log-level": (["--log-level", "verbose"], "--log-level"),
        "origin": (["--allowed-origin", "example.com"], "--allowed-origin"),
        "workspace-under-a-file": (["--workspace", str(afile / "ws")], "--workspace"),
        "workspace-is-a-file": (["--workspace", str(afile)], "--workspace"),
        "no-auth-public": (["--host", "0.0.0.0"], "--no-auth"),
        "port-in-use": (["--port", str(busy)], "--port"),
        "token-file-is-a-directory": (["--token-file", str(tmp_path)], "--token-file"),
        "run-as-unknown": (["--run-as", "no-such-user-3f1"], "--run-as"),
        "rotate-with-token": (["--rotate-token", "--token", "abc"], "--rotate-token"),
        "host-unresolvable": (["--host", "no-such-host.invalid", "--token", "abc"], "--host"),
    }[case]
    auth = [] if any(a in ("--token", "--token-file", "--rotate-token") for a in argv) else ["--no-auth"]
    env = {k: v for k, v in os.environ.items() if k != "SANDBOX_GATEWAY_TOKEN"}
    if case == "no-auth-public":
        auth = ["--no-auth"]
    ws = [] if "--workspace" in argv else ["--workspace", str(tmp_path / "ws")]
    try:
        proc = subprocess.run([sys.executable, "-m", "gateway", "--workers", "1", *ws, *auth, *argv], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=60 * SCALE, stdin=subprocess.DEVNULL)
    finally:
        holder.close()
    # log lines before it (INFO: the workspace was created; WARNING: it is not reachable for 'nobody') aside
    lines = [line for line in proc.stderr.splitlines() if not re.match(r"\d{4}-\d\d-\d\d ", line)]
    assert proc.returncode != 0 and "listening" not in proc.stdout, (proc.returncode, proc.stdout)
    assert len(lines) == 1 and lines[0].startswith("sandbox-gateway: "), proc.stderr
    assert expect in lines[0] and "Traceback" not in proc.stderr, lines[0]


def _start_for_banner(tmp_path: Path, *args: str, env_token: str | None = None) -> tuple[list[str], str]:
    """Start a gateway, read its start-up banner, stop it: (banner lines, stderr)."""
    env = {k: v for k, v in os.environ.items() if k != "SANDBOX_GATEWAY_TOKEN"}
    if env_token is not None:
        env["SANDBOX_GATEWAY_TOKEN"] = env_token
    err_path = tmp_path / f"stderr-{time.monotonic_ns()}"
    with err_path.open("w") as err_file:
        proc = subprocess.Popen([sys.executable, "-m", "gateway", "--port", "0", "--workers", "1", "--spare-workers",
                                 "0", "--no-mcp-servers", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=err_file, text=True, stdin=subprocess.DEVNULL)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the banner is written at once, the metrics line before the token's
            lines.append(line.rstrip("\n"))
            if line.lstrip().startswith("metrics:"):
                break
    finally:
        proc.terminate()
        rest = proc.stdout.read() if proc.stdout is not None else ""  # what the line iterator holds too
        proc.wait(30 * SCALE)
        if proc.stdout is not None:
            proc.stdout.close()
    err = err_path.read_text()
    assert proc.returncode == 0, err
    return lines + rest.splitlines(), err


def test_the_token_file_is_kept_across_restarts_and_rotated_on_request(tmp_path: Path) -> None:
    token_file = tmp_path / "state" / "token"
    workspace = tmp_path / "new" / "ws"
    args = ("--workspace", str(workspace), "--token-file", str(token_file))

    def token_of(lines: list[str]) -> str:
        return next(x for x in lines if "connect:" in x).rsplit("token=", 1)[1]

    first, err = _start_for_banner(tmp_path, *args)
    assert any(f"workspace: {workspace} (did not exist: created)" in x for x in first), first
    assert f"the workspace {workspace} did not exist: created it" in err
    assert any("token: generated (there was none)" in x for x in first), first
    token = token_of(first)
    assert token_file.read_text().strip() == token and token_file.stat().st_mode & 0o777 == 0o600
    assert token not in err  # where it is, never what it is

    second, err = _start_for_banner(tmp_path, *args)
    assert token_of(second) == token and any(f"token: the one in {token_file}" in x for x in second), second
    assert not any("created" in x for x in second)

    third, _ = _start_for_banner(tmp_path, *args, "--rotate-token")
    rotated = token_of(third)
    assert rotated != token and token_file.read_text().strip() == rotated
    assert any("token: rotated (--rotate-token)" in x for x in third), third

    # a token given by the environment leaves the file alone and is not printed
    fourth, _ = _start_for_banner(tmp_path, *args, env_token="env-token-9c1")
    assert not any(x.lstrip().startswith(("token:", "connect:")) for x in fourth), fourth
    assert token_file.read_text().strip() == rotated


# ---- /metrics ---------------------------------------------------------------------------------------------


def _get(gw, path: str, token: str | None = None) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    import urllib.error
    import urllib.request

    req = urllib.request.Request(f"http://127.0.0.1:{gw.port}{path}")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_metrics_need_the_token_off_loopback_unless_public(start_gateway) -> None:
    from gateway.metrics import CALL_DURATION_BUCKETS, QUEUE_WAIT_BUCKETS

    # Listening on every address (reached here through loopback) is what a container does.
    public = start_gateway("--host", "0.0.0.0", workers=1, token=TOKEN)

    async def one_call() -> None:
        async with McpClient.connect(f"ws://127.0.0.1:{public.port}/mcp?token={TOKEN}") as c:
            assert text_of(await c.bash("echo hi")) == "hi\n"

    run(one_call())
    status, body = _get(public, "/metrics")
    assert status == 401 and "Bearer" in body
    assert _get(public, "/metrics", "wrong")[0] == 401
    status, body = _get(public, "/metrics", TOKEN)
    assert status == 200
    # sub-millisecond buckets for both histograms, and no *_created series
    for metric, buckets in (("sandbox_tool_call_duration_seconds", CALL_DURATION_BUCKETS),
                            ("sandbox_queue_wait_seconds", QUEUE_WAIT_BUCKETS)):
        found = {float(le) for le in re.findall(rf'^{metric}_bucket{{[^}}]*le="([^"]+)"', body, re.M)}
        assert found == {*map(float, buckets), float("inf")}, (metric, sorted(found))
        assert min(buckets) < 0.001 and 0.0005 in buckets
    assert "_created" not in body
    assert 'sandbox_tool_call_duration_seconds_count{outcome="ok",tool="bash"} 1.0' in body
    assert _get(public, "/healthz")[0] == 200 and _get(public, "/readyz")[0] == 200  # probes need no token

    opened = start_gateway("--host", "0.0.0.0", "--metrics-public", workers=1, token=TOKEN)
    assert _get(opened, "/metrics")[0] == 200
    loopback = start_gateway(workers=1, token=TOKEN)
    assert _get(loopback, "/metrics")[0] == 200
    assert _get(loopback, "/status")[0] == 401  # /status always needs it
