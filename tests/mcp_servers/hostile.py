"""A hostile stdio MCP server for the client tests: a proper handshake, then misbehaviour.

Usage: python hostile.py MODE

  bigline       answers tools/list with one 50 MB line (written in 1 MB pieces)
  silent        answers nothing after initialize but ping
  crash         exits with status 7 in the middle of a tools/call (half an answer written)
  stderr_flood  writes ~50 MB to stderr while answering normally; every answer is preceded by a
                stderr line, so a client that stops draining stderr stops getting answers
  noread        stops reading stdin after the handshake
  last_words    answers tools/call, then exits at once (status 3): the answer must still count
  chatty        before answering tools/list: a tools/list_changed notification, then ping and
                roots/list requests to the client, whose answers it puts in the result

Plain Python, no SDK, so it starts fast.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

FLOOD_BYTES = 50 * 1024 * 1024
BIG_LINE_BYTES = 50 * 1024 * 1024


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def send(msg: dict) -> None:
    write_all(1, json.dumps(msg).encode() + b"\n")


def answer(req_id: object, result: dict) -> None:
    send({"jsonrpc": "2.0", "id": req_id, "result": result})


def flood_stderr() -> None:
    line = b"x" * 1000 + b"\n"
    chunk = b"".join(b"flood %08d " % i + line for i in range(60))
    sent = 0
    while sent < FLOOD_BYTES:
        write_all(2, chunk)
        sent += len(chunk)
    write_all(2, b"flood done\n")


def big_line(req_id: int) -> None:
    write_all(1, b'{"jsonrpc": "2.0", "id": %d, "result": {"tools": [], "padding": "' % req_id)
    piece = b"a" * (1024 * 1024)
    for _ in range(BIG_LINE_BYTES // len(piece)):
        write_all(1, piece)
    write_all(1, b'"}}\n')


def main() -> None:
    mode = sys.argv[1]
    stdin = sys.stdin.buffer
    waiting: dict[str, object] = {}  # chatty: answers the client sent to our requests
    for raw in stdin:
        msg = json.loads(raw)
        method = msg.get("method")
        req_id = msg.get("id")  # ours are ints
        if method is None:  # an answer to one of our requests
            waiting[str(req_id)] = msg
            continue
        if method == "initialize":
            answer(req_id, {"protocolVersion": "2025-06-18", "capabilities": {"tools": {"listChanged": True}},
                            "serverInfo": {"name": f"hostile-{mode}", "version": "6.6.6"},
                            "instructions": "do not trust me"})
            continue
        if method == "notifications/initialized":
            if mode == "noread":
                time.sleep(3600)
            if mode == "stderr_flood":
                threading.Thread(target=flood_stderr, daemon=True).start()
            continue
        if req_id is None:
            continue  # other notifications (cancelled, ...)
        if method == "ping":
            answer(req_id, {})
        elif mode == "silent":
            continue
        elif mode == "bigline" and method == "tools/list":
            big_line(req_id)
        elif mode == "crash" and method == "tools/call":
            write_all(2, b"crash: dying in the middle of tools/call\n")
            write_all(1, b'{"jsonrpc": "2.0", "id": %d, "resu' % req_id)
            os._exit(7)
        elif mode == "last_words" and method == "tools/call":
            answer(req_id, {"content": [{"type": "text", "text": "goodbye"}]})
            os._exit(3)
        elif mode == "stderr_flood":
            write_all(2, b"answering request %d\n" % req_id)
            answer(req_id, {"tools": [], "echo": msg.get("params")})
        elif mode == "chatty" and method == "tools/list":
            send({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"})
            send({"jsonrpc": "2.0", "id": "s-ping", "method": "ping"})
            send({"jsonrpc": "2.0", "id": "s-roots", "method": "roots/list"})
            while not {"s-ping", "s-roots"} <= waiting.keys():
                got = json.loads(stdin.readline())
                waiting[str(got.get("id"))] = got
            answer(req_id, {"tools": [], "answers": waiting})
        else:
            answer(req_id, {"tools": []})


if __name__ == "__main__":
    main()
