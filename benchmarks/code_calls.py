"""The code tools against ``bash`` + grep through a real gateway: ``python -m benchmarks.code_calls``.

Generates a repository of ``--files`` source files (default 10,000, 100 per directory: Python mostly,
with Go, TypeScript, Rust, Java and C; 8 to 13 definitions each, and a ``target_function`` defined
once and imported and called by one file per directory), starts a gateway with one worker
(``--spare-workers 0``; started as root, tools run as ``nobody``), and measures, call by call and
interleaved with the ``bash`` command an agent would run instead (so both see the same machine load):

- ``symbols`` of one file, warm (the 50 ms target), and cold (a file never asked for before);
- ``definition`` of a bare name and at a position (jedi), and ``references`` of a bare name, over the
  whole repository, warm;
- ``imports`` of a file, ``outline`` of the repository (16 KiB), warm;
- the first tree-wide call (the cold index of the whole repository), and the file helper's memory
  before and after the index holds it.

It prints p50 and p99 per scenario, tool beside bash, with the load average; ``--json`` writes the rows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.client import McpSession
from benchmarks.procs import GatewayProcess, descendants, proc_status_kb, tree_cpu_seconds
from benchmarks.stats import percentile

__all__ = ["SCENARIOS", "generate", "main", "measure"]

TARGET = "target_function"


def targets(files: int) -> tuple[str, str]:
    """The file that defines TARGET and one that imports and calls it (on line 4)."""
    last = max(0, (files - 2) // 100 - 1)
    return f"pkg{min(42, last)}/mod17.py", f"pkg{min(7, last)}/mod50.py"


def scenarios(files: int) -> list[tuple[str, tuple[str, dict[str, Any]], str | None]]:
    """(name, tool call, the bash command doing the job the way an agent would with grep; None: no twin)."""
    target_file, user = targets(files)
    return [
        ("symbols, one file (warm)", ("symbols", {"path": target_file}),
         f"grep -nE '^[[:space:]]*(def|class) ' {target_file}"),
        ("imports, one file", ("imports", {"path": target_file}), f"grep -nE '^(import|from) ' {target_file}"),
        ("definition, bare name (index)", ("definition", {"name": TARGET}),
         f"grep -rnE '(def|func|fn|function) {TARGET}' ."),
        ("definition at a position (jedi)", ("definition", {"path": user, "line": 4, "name": TARGET}),
         f"grep -rnE 'def {TARGET}' --include='*.py' ."),
        ("references, bare name", ("references", {"name": TARGET}), f"grep -rnw {TARGET} ."),
        ("references at a position (jedi)", ("references", {"path": user, "line": 4, "name": TARGET}),
         f"grep -rnw {TARGET} --include='*.py' ."),
        ("outline, 16 KiB", ("outline", {}), None),
    ]


SCENARIOS = scenarios(10_000)


def _python(d: int, f: int, target: tuple[int, int]) -> str:
    lines = ["from pkg0.common import helper_0, helper_1\n"]
    if f == 50:
        lines.append(f"from pkg{target[0]}.mod17 import {TARGET}\n\n{TARGET}()\n")
    if (d, f) == target:
        lines.append(f"\n\ndef {TARGET}(x=1):\n    return helper_0(x)\n")
    for k in range(4):
        lines.append(f"\n\nclass Model{d}_{f}_{k}:\n    \"\"\"Model {k}.\"\"\"\n\n"
                     f"    def load(self, key):\n        return helper_1(key)\n\n"
                     f"    def save(self, key, value):\n        self.value = value\n        return key\n")
    lines += [f"\n\ndef function_{d}_{f}_{k}(a, b):\n    total = a + b\n    return total * {k}\n" for k in range(4)]
    return "".join(lines)


def _other(ext: str, d: int, f: int) -> str:
    if ext == "go":
        return f"package p{d}\n\n" + "".join(f"type T{f}_{k} struct{{ v int }}\n\nfunc (t *T{f}_{k}) Get() int {{ "
                                             f"return t.v }}\n\nfunc F{f}_{k}() int {{ return {k} }}\n\n"
                                             for k in range(4))
    if ext == "ts":
        return "".join(f"export interface I{f}_{k} {{ get(): number }}\n\nexport class C{f}_{k} implements "
                       f"I{f}_{k} {{\n  get(): number {{ return {k}; }}\n}}\n\nexport function f{f}_{k}(): "
                       f"number {{ return {k}; }}\n\n" for k in range(4))
    if ext == "rs":
        return "".join(f"pub struct S{f}_{k} {{ v: i32 }}\n\nimpl S{f}_{k} {{\n    pub fn get(&self) -> i32 "
                       f"{{ self.v }}\n}}\n\npub fn f{f}_{k}() -> i32 {{ {k} }}\n\n" for k in range(4))
    if ext == "java":
        return (f"package p{d};\n\npublic class C{f} {{\n"
                + "".join(f"    public int m{k}() {{ return {k}; }}\n" for k in range(8)) + "}\n")
    return "".join(f"struct s{f}_{k} {{ int v; }};\n\nint f{f}_{k}(int a) {{\n    return a + {k};\n}}\n\n"
                   for k in range(4))


def generate(root: str | os.PathLike[str], files: int) -> int:
    """Write a repository of ``files`` source files under ``root`` (100 per directory); returns bytes."""
    base = Path(root)
    target = (int(targets(files)[0].split("/")[0][3:]), 17)
    total = 0
    others = ("go", "ts", "rs", "java", "c")
    (base / "pkg0").mkdir(parents=True, exist_ok=True)
    common = "def helper_0(x):\n    return x\n\n\ndef helper_1(x):\n    return x\n"
    (base / "pkg0" / "common.py").write_text(common)
    (base / "pkg0" / "__init__.py").write_text("")
    made = 2
    for n in range(files):
        if made >= files:
            break
        d, f = divmod(n, 100)
        directory = base / f"pkg{d}"
        if f == 0:
            directory.mkdir(exist_ok=True)
            (directory / "__init__.py").write_text("")
            made += 1
        ext = "py" if f % 10 < 7 or f in (17, 50) else others[f % 5]
        text = _python(d, f, target) if ext == "py" else _other(ext, d, f)
        (directory / f"mod{f}.{ext}").write_text(text)
        total += len(text)
        made += 1
    return total


async def _timed(session: McpSession, tool: str, args: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    answer = await session.request("tools/call", {"name": tool, "arguments": args})
    elapsed = (time.perf_counter() - started) * 1000
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, dict) or result.get("isError"):
        raise SystemExit(f"{tool} {args} failed: {answer}")
    return elapsed, result


def _helper_rss_kb(gateway_pid: int) -> int | None:
    for pid in descendants(gateway_pid):
        try:
            if b"worker.tools.helper" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return proc_status_kb(pid, "VmRSS")
        except OSError:
            continue
    return None


def _row(name: str, samples: list[float], bash: list[float] | None = None, **extra: Any) -> dict[str, Any]:
    samples.sort()
    row: dict[str, Any] = {"scenario": name, "calls": len(samples), "p50_ms": percentile(samples, 50),
                           "p99_ms": percentile(samples, 99), **extra}
    if bash:
        bash.sort()
        row["bash_p50_ms"] = percentile(bash, 50)
        row["bash_p99_ms"] = percentile(bash, 99)
    return row


async def measure(files: int, calls: int, extra_args: list[str]) -> dict[str, Any]:
    gateway = GatewayProcess(1, ["--spare-workers", "0", "--no-mcp-servers", *extra_args])
    started = time.perf_counter()
    size = generate(gateway.workspace, files)
    generated_s = time.perf_counter() - started
    url = await gateway.start()
    rows: list[dict[str, Any]] = []
    load = [os.getloadavg()[0]]
    try:
        async with await McpSession.open(url) as session:
            await _timed(session, "list", {"path": "pkg0"})  # the helper is up: its memory before any parse
            rss_before = _helper_rss_kb(gateway.pid)
            # first, files no call has parsed yet: what an agent's first look at a file costs
            dirs = max(1, (files - 2) // 100)
            paths = [f"pkg{d}/mod{f}.py" for d in range(dirs) for f in range(100) if f % 10 < 7]
            cold: list[float] = []
            for path in random.Random(7).sample(paths, min(calls, len(paths))):
                cold.append((await _timed(session, "symbols", {"path": path}))[0])
            rows.append(_row("symbols, one file never parsed before (cold)", cold))
            cold_ms, first = await _timed(session, "symbols", {"max_results": 1})
            warm_ms, _ = await _timed(session, "symbols", {"max_results": 1})
            rss_after = _helper_rss_kb(gateway.pid)
            rows.insert(0, {"scenario": f"index {first['structuredContent']['files']} files, first tree-wide call",
                            "cold_ms": cold_ms, "warm_ms": warm_ms, "symbols": first["structuredContent"]["total"],
                            "helper_rss_kb_before": rss_before, "helper_rss_kb_after": rss_after})
            for name, (tool, args), command in scenarios(files):
                tool_ms: list[float] = []
                bash_ms: list[float] = []
                await _timed(session, tool, args)  # warm
                cpu_before = tree_cpu_seconds(gateway.pid)
                for _ in range(calls):
                    tool_ms.append((await _timed(session, tool, args))[0])
                    if command is not None:
                        bash_ms.append((await _timed(session, "bash", {"command": command}))[0])
                cpu = (tree_cpu_seconds(gateway.pid) - cpu_before) / calls * 1000
                rows.append(_row(name, tool_ms, bash_ms or None, cpu_ms_per_pair=cpu))
                load.append(os.getloadavg()[0])
    finally:
        await gateway.stop()
    return {"files": files, "bytes": size, "generate_s": generated_s, "load_1min": load, "rows": rows}


def _fmt(value: Any) -> str:
    return f"{value:8.2f}" if isinstance(value, int | float) else f"{'-':>8}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.code_calls", description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="source files to generate (default 10000)")
    parser.add_argument("--calls", type=int, default=50, help="timed calls per scenario (default 50)")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    parser.add_argument("gateway_args", nargs="*", help="extra gateway flags (after --)")
    opts = parser.parse_args(argv)
    result = asyncio.run(measure(opts.files, opts.calls, opts.gateway_args))
    print(f"{result['files']} files, {result['bytes'] / 1e6:.1f} MB; load (1 min) "
          f"{', '.join(f'{x:.1f}' for x in result['load_1min'])}")
    first = result["rows"][0]
    print(f"{first['scenario']}: cold {first['cold_ms']:.0f} ms, then {first['warm_ms']:.1f} ms; "
          f"{first['symbols']} symbols; helper RSS {first['helper_rss_kb_before']} -> "
          f"{first['helper_rss_kb_after']} KiB")
    print(f"{'scenario':<62} {'p50':>8} {'p99':>8} {'bash p50':>8} {'bash p99':>8}  (ms)")
    for row in result["rows"][1:]:
        print(f"{row['scenario']:<62} {_fmt(row['p50_ms'])} {_fmt(row['p99_ms'])} "
              f"{_fmt(row.get('bash_p50_ms'))} {_fmt(row.get('bash_p99_ms'))}")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
