"""The web terminal: who may open it, what its WebSocket carries, and a person's view in a real browser.

Without a browser: the page, its cookie and its WebSocket against a real gateway (token, Origin, the
viewer limit, a read-only terminal refusing typed bytes, output acknowledged by the client, the end of
a terminal), and the vendored xterm.js against its pinned hash.  With Debian's chromium and
chromium-driver through Selenium (``scripts/test.sh`` installs them): a person logs in, picks a
terminal, sees an agent's command's output appear, types into a writable terminal and is refused in a
read-only one.  Each browser test saves a screenshot (to $SANDBOX_TEST_SCREENSHOTS when set).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from gateway.terminal_web import COOKIE, XTERM_VERSION
from tests.helpers import ROOT, SCALE, GatewayProcess, McpClient, async_until, run, text_of, wait_for
from tests.helpers import call_tool as call
from worker.terminal_screen import plain_text

TOKEN = "web-terminal-test-token-1234567890"  # the web terminal's (--terminal-token)
MCP_TOKEN = "mcp-token-every-agent-holds-0987654321"
STATIC = Path(__file__).resolve().parent.parent / "gateway" / "static"
XTERM_SHA256 = {  # npm @xterm/xterm 6.0.0: lib/xterm.js, css/xterm.css
    "xterm.js": "14903579ff54664cd72f8e8699e6961a6272c21863ec1c3b118cdc8af5d4a972",
    "xterm.css": "854a7c0fb70e8b1a083c16797ab827299fb18744f5ad34f227b48337e33293c6",
}


def request(gw: GatewayProcess, method: str, path: str, headers: dict[str, str] | None = None,
            body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(gw.host, gw.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def login_cookie(gw: GatewayProcess) -> str:
    status, headers, _ = request(gw, "GET", f"/terminal?token={TOKEN}")
    assert status == 303 and headers["location"] == "/terminal", (status, headers)
    return headers["set-cookie"].split(";")[0]


def ws_url(gw: GatewayProcess) -> str:
    return f"ws://{gw.host}:{gw.port}/terminal/ws"


async def next_event(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        message = await asyncio.wait_for(ws.recv(), 10 * SCALE)
        if isinstance(message, str):
            event = json.loads(message)
            if event["type"] == kind:
                return dict(event)


def test_vendored_xterm_is_the_pinned_release() -> None:
    for name, digest in XTERM_SHA256.items():
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, name
    assert "MIT" in (STATIC / "xterm.LICENSE").read_text() or "Permission is hereby granted" in (
        STATIC / "xterm.LICENSE").read_text()
    assert XTERM_VERSION == "6.0.0"


def test_page_and_websocket_need_the_token_and_an_allowed_origin(start_gateway) -> None:
    gw = start_gateway("--max-terminal-viewers", "2", "--terminal-token", TOKEN, token=MCP_TOKEN)
    # the page without the token: a login form, nothing listed
    status, headers, body = request(gw, "GET", "/terminal")
    assert status == 401 and b"<form" in body and b"term-" not in body
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert request(gw, "GET", "/terminal?token=wrong")[0] == 401
    # ?token= once: a cookie instead, and the token leaves the address
    cookie = login_cookie(gw)
    assert cookie.startswith(f"{COOKIE}=") and TOKEN not in cookie
    status, headers, _ = request(gw, "GET", f"/terminal?token={TOKEN}")
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=Strict" in headers["set-cookie"]
    assert request(gw, "GET", "/terminal", {"Cookie": cookie})[0] == 200
    assert request(gw, "GET", "/terminal", {"Cookie": cookie[:-4] + "AAAA"})[0] == 401  # forged
    assert request(gw, "GET", "/terminal", {"Authorization": f"Bearer {TOKEN}"})[0] == 200
    # the login form posts the token in the body
    status, headers, _ = request(gw, "POST", "/terminal", {"Content-Type": "application/x-www-form-urlencoded"},
                                 f"token={TOKEN}".encode())
    assert status == 303 and headers["set-cookie"].startswith(f"{COOKIE}=")
    assert request(gw, "POST", "/terminal", {}, b"token=wrong")[0] == 401
    # another Origin: refused, even with the cookie
    assert request(gw, "GET", "/terminal", {"Cookie": cookie, "Origin": "https://evil.example"})[0] == 403
    # the static files need nothing (they hold no data)
    status, headers, body = request(gw, "GET", "/terminal/static/xterm.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript") and len(body) > 100_000
    assert request(gw, "GET", "/terminal/static/../config.py")[0] == 404
    assert request(gw, "GET", "/terminal/static/nope.js")[0] == 404

    async def main() -> None:
        for headers_ in ({}, {"Cookie": "sandbox_terminal=bogus"}):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(ws_url(gw), additional_headers=headers_):
                    pass
            assert refused.value.response.status_code == 401
        with pytest.raises(InvalidStatus) as refused:
            async with connect(ws_url(gw), additional_headers={"Cookie": cookie}, origin="https://evil.example"):  # type: ignore[arg-type]
                pass
        assert refused.value.response.status_code == 403
        async with connect(ws_url(gw), additional_headers={"Cookie": cookie}) as one, \
                connect(ws_url(gw), additional_headers={"Authorization": f"Bearer {TOKEN}"}) as two:
            with pytest.raises(InvalidStatus) as refused:
                async with connect(ws_url(gw), additional_headers={"Cookie": cookie}):
                    pass
            assert refused.value.response.status_code == 503  # --max-terminal-viewers
            await one.send(json.dumps({"attach": "term-999"}))
            assert "no such terminal" in (await next_event(one, "error"))["message"]
            del two
        # the viewers left: room again
        async with connect(ws_url(gw), additional_headers={"Cookie": cookie}):
            pass

    run(main())
    assert TOKEN not in gw.log()


def test_the_mcp_token_never_opens_the_web_terminal(start_gateway, tmp_path: Path) -> None:
    """The web terminal shows every session's terminals: an agent, which holds the MCP token, must not
    open it (it would watch, and with --terminal-write type into, other sessions' terminals).  It takes
    its own token; without one it is off; the two may not be the same."""
    gw = start_gateway("--terminal-write", "--terminal-token", TOKEN, token=MCP_TOKEN)

    async def main() -> None:
        async with McpClient.connect(gw.url) as agent:  # another session has a terminal
            started = await call(agent, "terminal_start", command="cat")
            assert not started["isError"], started
        for how in ({"Authorization": f"Bearer {MCP_TOKEN}"}, {}):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(ws_url(gw) + (f"?token={MCP_TOKEN}" if not how else ""), additional_headers=how):
                    pass
            assert refused.value.response.status_code == 401

    run(main())
    with_mcp_token = ((f"/terminal?token={MCP_TOKEN}", {}), ("/terminal", {"Authorization": f"Bearer {MCP_TOKEN}"}))
    for path, headers in with_mcp_token:
        status, _, body = request(gw, "GET", path, headers)
        assert status == 401 and b"term-" not in body, (path, status)
    assert request(gw, "POST", "/terminal", {}, f"token={MCP_TOKEN}".encode())[0] == 401
    assert request(gw, "GET", "/terminal", {"Authorization": f"Bearer {TOKEN}"})[0] == 200

    # without a terminal token: off, for the page, its files and its WebSocket alike
    off = start_gateway(token=MCP_TOKEN)
    for path in ("/terminal", f"/terminal?token={MCP_TOKEN}", "/terminal/static/xterm.js"):
        status, _, body = request(off, "GET", path, {"Authorization": f"Bearer {MCP_TOKEN}"})
        assert status == 404 and b"--terminal-token" in body, (path, status)

    async def upgrade() -> None:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(ws_url(off), additional_headers={"Authorization": f"Bearer {MCP_TOKEN}"}):
                pass
        assert refused.value.response.status_code == 404

    run(upgrade())
    # the variable works like --terminal-token, and the same token as MCP's is refused at start
    env = {**os.environ, "SANDBOX_GATEWAY_TOKEN": MCP_TOKEN, "SANDBOX_TERMINAL_TOKEN": MCP_TOKEN}
    proc = subprocess.run([sys.executable, "-m", "gateway", "--port", "0", "--workers", "1", "--no-mcp-servers",
                           "--workspace", str(tmp_path / "same")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60 * SCALE, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and "--terminal-token is the MCP token" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    # ... also when the MCP token is the token file's
    token_file = tmp_path / "token"
    token_file.write_text(MCP_TOKEN + "\n")
    token_file.chmod(0o600)
    env.pop("SANDBOX_GATEWAY_TOKEN")
    proc = subprocess.run([sys.executable, "-m", "gateway", "--port", "0", "--workers", "1", "--no-mcp-servers",
                           "--workspace", str(tmp_path), "--token-file", str(token_file)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60 * SCALE, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].endswith("give the web terminal a token of its own"), proc.stderr


def test_websocket_streams_output_refuses_typing_when_read_only_and_ends_with_the_terminal(start_gateway) -> None:
    gw = start_gateway("--terminal-token", TOKEN, token=MCP_TOKEN)
    cookie = login_cookie(gw)

    async def main() -> None:
        async with McpClient.connect(gw.url) as agent:
            term = (await call(agent, "terminal_start", command="cat", cols=50, rows=8))["structuredContent"][
                "terminal_id"]
            await call(agent, "terminal_send", terminal_id=term, text="first line", keys=["Enter"])
            assert (await call(agent, "terminal_read", terminal_id=term, wait_for="first line"))
            async with connect(ws_url(gw), additional_headers={"Cookie": cookie}) as ws:
                await ws.send(json.dumps({"attach": term}))
                hello = await next_event(ws, "hello")
                assert hello["terminal_id"] == term and hello["command"] == "cat" and hello["writable"] is False
                size = await next_event(ws, "size")
                assert (size["cols"], size["rows"]) == (50, 8)
                received = b""
                while b"first line" not in received:  # the output so far, replayed
                    message = await asyncio.wait_for(ws.recv(), 10 * SCALE)
                    if isinstance(message, bytes):
                        received += message
                offset = size["offset"] + len(received)
                await ws.send(json.dumps({"ack": offset}))
                # what the agent's program writes now arrives as it is written
                await call(agent, "terminal_send", terminal_id=term, text="second line", keys=["Enter"])
                while b"second line" not in received:
                    message = await asyncio.wait_for(ws.recv(), 10 * SCALE)
                    if isinstance(message, bytes):
                        received += message
                # read-only: typed bytes are refused, and never reach the program
                await ws.send(b"typed by a person\r")
                assert "read-only" in (await next_event(ws, "error"))["message"]
                await asyncio.sleep(0.3)
                screen = (await call(agent, "terminal_read", terminal_id=term, since=0))["structuredContent"]
                assert "typed by a person" not in screen["output"]
                # the agent closes the terminal: the viewer is told, and the connection ends
                await call(agent, "terminal_close", terminal_id=term)
                event = await next_event(ws, "status")
                assert event["status"] == "killed"
                assert "closed" in (await next_event(ws, "ended"))["reason"]

    run(main())


# ---- in a real browser --------------------------------------------------------------------------


CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
_NO_BROWSER = "needs Debian's chromium and chromium-driver (scripts/test.sh installs them)"
# skipped without them, except in CI, where scripts/test.sh installed them: there a missing browser fails
browser = pytest.mark.skipif((CHROMIUM is None or CHROMEDRIVER is None) and not os.environ.get("CI"),
                             reason=_NO_BROWSER)


@pytest.fixture
def chrome() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="sandbox-chrome-")
    options = Options()
    # headless, as root, and never reaching for the network (no component updates, sync or pings)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1100,800", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.fail(_NO_BROWSER)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver: Any, tmp_path: Path, name: str) -> Path:
    target = Path(os.environ.get("SANDBOX_TEST_SCREENSHOTS") or tmp_path) / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(target))
    return target


def screen_text(driver: Any) -> str:
    return str(driver.execute_script(
        "var rows = document.querySelector('#terminal .xterm-rows'); return rows ? rows.innerText : '';"))


def element_text(driver: Any, element_id: str) -> str:
    """The text of the element, "" while the page that has it is not loaded yet."""
    return str(driver.execute_script(
        "var e = document.getElementById(arguments[0]); return e ? e.innerText : '';", element_id))


def status_text(driver: Any) -> str:
    return element_text(driver, "status")


def open_terminal(driver: Any, gw: GatewayProcess, term: str) -> None:
    driver.get(f"http://{gw.host}:{gw.port}/terminal")
    assert "needs its own token" in driver.page_source  # the login form
    driver.find_element("name", "token").send_keys(TOKEN)
    driver.find_element("css selector", "button[type=submit]").click()
    wait_for(lambda: term in element_text(driver, "terminals"), what="the terminal in the list")
    assert TOKEN not in driver.current_url
    driver.find_element("link text", term).click()
    # "connecting to term-N ..." names the terminal before the gateway has answered; its hello adds the session
    wait_for(lambda: f"{term} (session " in status_text(driver), what="the viewer to attach")


async def agent_terminal(gw: GatewayProcess, command: str) -> tuple[McpClient, str, Any]:
    stack = contextlib.AsyncExitStack()
    agent = await stack.enter_async_context(McpClient.connect(gw.url))
    term = (await call(agent, "terminal_start", command=command, cols=80, rows=16))["structuredContent"][
        "terminal_id"]
    return agent, term, stack


@browser
def test_a_person_watches_and_types_into_a_writable_terminal(start_gateway, chrome: Any, tmp_path: Path) -> None:
    gw = start_gateway("--terminal-write", "--terminal-token", TOKEN, token=MCP_TOKEN)

    async def main() -> None:
        agent, term, stack = await agent_terminal(gw, "bash --norc --noprofile")
        async with stack:
            await call(agent, "terminal_send", terminal_id=term,
                       text="PS1='agent$ '; echo agent says $((6 * 7)) hello", keys=["Enter"])
            await call(agent, "terminal_read", terminal_id=term, wait_for="agent says 42")
            await asyncio.to_thread(open_terminal, chrome, gw, term)
            assert "you can type" in status_text(chrome)
            await asyncio.to_thread(wait_for, lambda: "agent says 42 hello" in screen_text(chrome),
                                    10, 0.1, "the agent's output in the browser")
            # output written after the person attached appears as it comes
            await call(agent, "terminal_send", terminal_id=term, text="for i in 1 2 3; do echo live-$i; done",
                       keys=["Enter"])
            await asyncio.to_thread(wait_for, lambda: "live-3" in screen_text(chrome), 10, 0.1, "live output")
            # the person types a command; the agent's terminal runs it
            from selenium.webdriver.common.action_chains import ActionChains

            chrome.find_element("css selector", "#terminal .xterm-helper-textarea").click()
            ActionChains(chrome).send_keys("echo typed by a person: $((7 * 6))\n").perform()

            async def ran() -> bool:
                res = await call(agent, "terminal_read", terminal_id=term, since=0)
                return "typed by a person: 42" in res["structuredContent"]["output"]

            await async_until(ran, what="the person's command to run")
            await asyncio.to_thread(wait_for, lambda: "typed by a person: 42" in screen_text(chrome), 10, 0.1,
                                    "the person's command's output in the browser")
            shot = screenshot(chrome, tmp_path, "web-terminal-writable")
            assert shot.stat().st_size > 10_000

    run(main())


@browser
def test_a_read_only_terminal_refuses_typing(start_gateway, chrome: Any, tmp_path: Path) -> None:
    gw = start_gateway("--terminal-token", TOKEN, token=MCP_TOKEN)

    async def main() -> None:
        agent, term, stack = await agent_terminal(gw, "cat")
        async with stack:
            await call(agent, "terminal_send", terminal_id=term, text="from the agent", keys=["Enter"])
            await asyncio.to_thread(open_terminal, chrome, gw, term)
            assert "read-only" in status_text(chrome)
            await asyncio.to_thread(wait_for, lambda: "from the agent" in screen_text(chrome), 10, 0.1,
                                    "the agent's text in the browser")
            from selenium.webdriver.common.action_chains import ActionChains

            chrome.find_element("css selector", "#terminal .xterm-helper-textarea").click()
            ActionChains(chrome).send_keys("typed by a person\n").perform()
            await asyncio.to_thread(wait_for, lambda: "typing is off" in status_text(chrome), 10, 0.1,
                                    "the read-only notice")
            await asyncio.sleep(0.5)
            res = await call(agent, "terminal_read", terminal_id=term, since=0)
            assert "typed by a person" not in res["structuredContent"]["output"], text_of(res)
            assert "typed by a person" not in screen_text(chrome)
            screenshot(chrome, tmp_path, "web-terminal-read-only")

    run(main())


@browser
def test_a_writable_viewer_does_not_answer_the_programs_queries_twice(start_gateway, chrome: Any) -> None:
    """The worker's screen answers a program's status queries (cursor position, device attributes); a
    writable viewer's xterm.js would answer them too, as typing, and the program would read two answers."""
    gw = start_gateway("--terminal-write", "--terminal-token", TOKEN, token=MCP_TOKEN)
    probe = ("python3 -c 'import os, select, time, tty; tty.setraw(0); os.write(1, b\"\\033[6n\\033[c\"); "
             "time.sleep(1); d = b\"\".join(iter(lambda: os.read(0, 999) if select.select([0], [], [], 0.3)[0] "
             "else b\"\", b\"\")); print(\"answers\" + \"=%d.\" % d.count(b\"\\033[\"))'")

    async def main() -> None:
        agent, term, stack = await agent_terminal(gw, "bash --norc --noprofile")
        async with stack:
            await asyncio.to_thread(open_terminal, chrome, gw, term)
            assert "you can type" in status_text(chrome)
            await call(agent, "terminal_send", terminal_id=term, text=probe, keys=["Enter"])
            res = await call(agent, "terminal_read", terminal_id=term, wait_for="answers=", timeout=10)
            assert res["structuredContent"]["matched"], text_of(res)
            assert "answers=2." in plain_text(res["structuredContent"]["output"]), text_of(res)

    run(main())
