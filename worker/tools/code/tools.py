"""The code intelligence tools: symbols, definition, references, imports, outline (see
``shared.code_tools`` for their arguments and results).

Each handler runs on a thread of the file helper, as the tool user, with a ``FileToolContext``
(the workspace descriptor and the caps) and the call's stop flag.  Every answer is bounded: in
symbols and references by ``max_results``, in outline by ``max_bytes``, everywhere by the helper's
scan time budget (``ctx.scan_time_budget``, grep's), after which partial results come back with a
note; a cancelled call stops the same way.  Mistakes of the caller are ``ToolError``s.
"""

from __future__ import annotations

import os
import posixpath
import stat
import threading
from collections.abc import Callable
from typing import Any

from shared.code_tools import (
    DefinitionArgs,
    ImportsArgs,
    OutlineArgs,
    PositionArgs,
    ReferencesArgs,
    SymbolsArgs,
)
from shared.file_tools import FileToolResult
from worker.tools.code import python as py
from worker.tools.code.index import (
    Budget,
    CodeIndex,
    cached,
    cached_or_parsed,
    facts_of,
    index_for,
    read_source,
    walk_code_files,
)
from worker.tools.code.languages import (
    EXTENSIONS,
    GRAMMARS,
    FileFacts,
    ParseStopped,
    SymbolRow,
    identifier_at,
    identifiers_named,
    language_of,
    may_contain,
    parse,
    resolve_relative,
)
from worker.tools.confine import PathError
from worker.tools.files import MAX_LINE_CHARS, FileToolContext, ToolError, helper_tool

__all__ = ["MAX_DEFINITIONS", "MAX_JEDI_FILES", "MAX_SKIP_NOTES"]

MAX_DEFINITIONS = 50  # definitions of one name shown (a syntactic lookup of `init` can find hundreds)
MAX_JEDI_FILES = 300  # files jedi analyses for one references call (those that contain the name)
MAX_SKIP_NOTES = 5  # files named in the note about skipped files
MAX_MEMBERS = 20  # members of one class named in an outline line
_OPEN_READ = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
_FAMILY = {"typescript": "javascript", "tsx": "javascript", "cpp": "c"}


# ---- opening ---------------------------------------------------------------------------------


def _printable(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _lexical(ctx: FileToolContext, path: str | None) -> str:
    return _printable(os.path.normpath(ctx.root.relative(path)))


def _open(ctx: FileToolContext, path: str | None) -> tuple[int, str, os.stat_result]:
    """Open what ``path`` names beneath the workspace: (descriptor, workspace path to show, fstat)."""
    try:
        fd = ctx.root.open(path, _OPEN_READ)
    except FileNotFoundError:
        raise ToolError(f"path not found: {_lexical(ctx, path)}") from None
    except PermissionError:
        raise ToolError(f"permission denied: cannot read {_lexical(ctx, path)}") from None
    st = os.fstat(fd)
    shown = _printable(ctx.root.display(fd, fallback=ctx.root.relative(path)))
    # replaced or removed since it was opened: the kernel says "name (deleted)"; what we read is the file
    # as it was when opened, named as it was
    shown = shown.removesuffix(" (deleted)")
    if stat.S_ISREG(st.st_mode):
        os.set_blocking(fd, True)
    elif not stat.S_ISDIR(st.st_mode):
        os.close(fd)
        raise ToolError(f"{shown or '.'} is not a regular file or directory")
    return fd, shown, st


def _language(shown: str) -> str:
    language = language_of(shown.rpartition("/")[2])
    if language is None:
        known = " ".join(sorted(EXTENSIONS))
        raise ToolError(f"{shown} is not a source file the code tools parse (by extension: {known})")
    return language


def _open_source(ctx: FileToolContext, path: str | None) -> tuple[int, str, os.stat_result, str]:
    fd, shown, st = _open(ctx, path)
    if stat.S_ISDIR(st.st_mode):
        os.close(fd)
        raise ToolError(f"{shown or '.'} is a directory; give a source file")
    try:
        return fd, shown, st, _language(shown)
    except BaseException:
        os.close(fd)
        raise


def _budget(ctx: FileToolContext, stop: threading.Event) -> Budget:
    return Budget(ctx.scan_time_budget, stop)


def _time_note(ctx: FileToolContext) -> str:
    return (f"[stopped after the time limit of {ctx.scan_time_budget:g} s (or the call was cancelled); "
            "results are partial]\n")


def _cut(text: str) -> str:
    if len(text) <= MAX_LINE_CHARS:
        return text
    return f"{text[:MAX_LINE_CHARS]} [... line cut at {MAX_LINE_CHARS} characters]"


def _line_text(source: bytes, line: int) -> str:
    start = 0
    for _ in range(line - 1):
        start = source.find(b"\n", start) + 1
        if start == 0:
            return ""
    end = source.find(b"\n", start)
    raw = source[start: len(source) if end < 0 else end]
    return _cut(raw.decode("utf-8", "replace").rstrip("\r"))


def _lines_of(source: bytes) -> list[bytes]:
    return source.split(b"\n")


class _Skips:
    """Files left out of a tree-wide answer, with the first few reasons for the note."""

    def __init__(self) -> None:
        self.count = 0
        self.examples: list[str] = []

    def add(self, path: str, reason: str) -> None:
        self.count += 1
        if len(self.examples) < MAX_SKIP_NOTES:
            self.examples.append(f"{path}: {reason}" if not reason.startswith(path) else reason)

    def note(self) -> str:
        if not self.count:
            return ""
        more = f" (and {self.count - len(self.examples)} more)" if self.count > len(self.examples) else ""
        return f"[{self.count} source files skipped: {'; '.join(self.examples)}{more}]\n"


def _each_facts(ctx: FileToolContext, index: CodeIndex, fd: int, base: str, budget: Budget, skips: _Skips,
                needle: bytes | None = None) -> Any:
    """(path, facts) of every source file below the open directory ``fd``."""
    for item in walk_code_files(fd, base, budget):
        facts = cached_or_parsed(index, item, budget, needle)
        if facts is None:
            continue
        if isinstance(facts, str):
            if not budget.ran_out:
                skips.add(item.path, facts)
            continue
        yield item.path, facts


# ---- symbols ---------------------------------------------------------------------------------


def _symbol(path: str, language: str, row: SymbolRow) -> dict[str, Any]:
    return {"name": row.name, "kind": row.kind, "path": path, "line": row.line, "end_line": row.end_line,
            "column": row.column, "container": row.container, "language": language}


def _symbols(args: SymbolsArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    index = index_for(ctx)
    budget = _budget(ctx, stop)
    wanted_name = args.name.casefold() if args.name else None
    kinds = set(args.kinds) if args.kinds else None

    def keep(row: SymbolRow) -> bool:
        return (wanted_name is None or wanted_name in row.name.casefold()) and (kinds is None or row.kind in kinds)

    fd, base, st = _open(ctx, args.path)
    shown = base or "."
    found: list[dict[str, Any]] = []
    total = files = 0
    skips = _Skips()
    cut_files: list[str] = []
    try:
        if stat.S_ISREG(st.st_mode):
            language = _language(base)
            try:
                per_file = [(base, facts_of(index, fd, st, language, base, budget))]
            except ParseStopped:
                per_file = []
        else:
            per_file = _each_facts(ctx, index, fd, base, budget, skips)
        for path, facts in per_file:
            files += 1
            if facts.cut:
                cut_files.append(path)
            for row in facts.symbols:
                if keep(row):
                    total += 1
                    if len(found) < args.max_results:
                        found.append(_symbol(path, facts.language, row))
    finally:
        os.close(fd)
    lines: list[str] = []
    current = None
    for sym in found:
        if sym["path"] != current:
            current = sym["path"]
            lines.append(f"{current} ({sym['language']})")
        depth = 1 + (sym["container"].count(".") + 1 if sym["container"] else 0)
        lines.append(f"{'  ' * depth}{sym['line']}-{sym['end_line']} {sym['kind']} {sym['name']}")
    filtered = " matching the filter" if wanted_name or kinds else ""
    text = "\n".join(lines) + "\n" if lines else f"no symbols{filtered} in {shown}\n"
    if total > len(found):
        text += (f"[showing {len(found)} of {total} symbols (max_results={args.max_results}); "
                 "narrow path, name or kinds]\n")
    if cut_files:
        text += f"[more symbols than the per-file limit in {', '.join(cut_files[:MAX_SKIP_NOTES])}]\n"
    text += skips.note()
    if budget.ran_out:
        text += _time_note(ctx)
    return FileToolResult(text, structured={
        "path": shown, "symbols": found, "total": total, "files": files, "skipped": skips.count,
        "truncated": total > len(found) or bool(cut_files), "timed_out": budget.ran_out,
    })


# ---- positions -------------------------------------------------------------------------------


class _Position:
    """The name at a position of a source file, with the file's bytes and syntax tree."""

    def __init__(self, ctx: FileToolContext, args: PositionArgs, budget: Budget) -> None:
        assert args.line is not None
        fd, shown, st, language = _open_source(ctx, args.path)
        try:
            self.source = read_source(fd, shown)
            self.facts = facts_of(index_for(ctx), fd, st, language, shown, budget, self.source)
        except ParseStopped:
            raise ToolError(f"parsing {shown} stopped at the time limit") from None
        finally:
            os.close(fd)
        self.path = shown
        self.language = language
        try:
            self.tree = parse(GRAMMARS[language], self.source, budget.spent)
        except ParseStopped:
            raise ToolError(f"parsing {shown} stopped at the time limit") from None
        lines = self.source.count(b"\n") + (0 if self.source.endswith(b"\n") or not self.source else 1)
        if args.line > max(lines, 1):
            raise ToolError(f"line {args.line} is past the end of {shown}, which has {lines} lines")
        self.line = args.line
        text = _line_text(self.source, args.line)
        if args.column is not None:
            found = identifier_at(language, self.tree, self.source, args.line, args.column)
            if found is None:
                raise ToolError(f"no identifier at line {args.line}, column {args.column} of {shown}; the line "
                                f"reads: {text!r} (columns count characters from 1)")
            if args.name is not None and found[0] != args.name:
                raise ToolError(f"the identifier at line {args.line}, column {args.column} of {shown} is "
                                f"{found[0]!r}, not {args.name!r}; give one of column and name")
            self.name, self.column = found
        else:
            assert args.name is not None
            on_line = [c for line, c in identifiers_named(language, self.tree, self.source, args.name, 1_000_000)
                       if line == args.line]
            if not on_line:
                raise ToolError(f"{args.name!r} is not an identifier on line {args.line} of {shown}; the line "
                                f"reads: {text!r}")
            self.name, self.column = args.name, on_line[0]


def _location(path: str | None, line: int | None, column: int | None, name: str, **extra: Any) -> dict[str, Any]:
    out = {"path": path, "line": line, "column": column, "name": name}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def _jedi_location(name: Any, texts: Callable[[str], bytes | None]) -> dict[str, Any]:
    rel = py.workspace_path(name.module_path)
    end = None
    try:
        end_position = name.get_definition_end_position()
        end = end_position[0] if end_position else None
    except Exception:  # jedi raises on some compiled names; the end line is only a nicety
        end = None
    if rel is None:
        description = _cut(name.description or "")
        return _location(None, None, None, name.name, kind=name.type, module=name.module_name or None,
                         text=description or None)
    source = texts(rel)
    return _location(rel, name.line, (name.column or 0) + 1 if name.line else None, name.name, kind=name.type,
                     end_line=end, container=py.container_of(name),
                     text=_line_text(source, name.line) if source is not None and name.line else None)


def _definition_lines(definitions: list[dict[str, Any]]) -> list[str]:
    lines = []
    for d in definitions:
        container = f" (in {d['container']})" if d.get("container") else ""
        kind = f"{d['kind']} " if d.get("kind") else ""
        if d["path"] is None:
            lines.append(f"{kind}{d['name']}: outside the workspace, in module {d.get('module') or '?'}"
                         + (f": {d['text']}" if d.get("text") else ""))
        else:
            lines.append(f"{d['path']}:{d['line']}:{d['column']}: {kind}{d['name']}{container}")
            if d.get("text"):
                lines.append(f"    {d['text']}")
    return lines


def _syntactic_definitions(ctx: FileToolContext, name: str, scope: str | None, first: tuple[str, FileFacts] | None,
                           budget: Budget, family: str | None) -> tuple[list[dict[str, Any]], int]:
    """Symbols called ``name``: those of ``first`` (the file of the position) first, then the scope's."""
    index = index_for(ctx)
    found: list[dict[str, Any]] = []
    total = 0
    seen_path = first[0] if first else None

    def add(path: str, facts: FileFacts) -> None:
        nonlocal total
        for row in facts.symbols:
            if row.name == name:
                total += 1
                if len(found) < MAX_DEFINITIONS:
                    found.append(_location(path, row.line, row.column, row.name, kind=row.kind, end_line=row.end_line,
                                           container=row.container))

    if first is not None:
        add(*first)
    fd, base, st = _open(ctx, scope)
    try:
        if stat.S_ISREG(st.st_mode):
            if base != seen_path:
                add(base, facts_of(index, fd, st, _language(base), base, budget))
        else:
            skips = _Skips()
            for path, facts in _each_facts(ctx, index, fd, base, budget, skips, needle=name.encode("utf-8")):
                if path == seen_path or (family is not None and _FAMILY.get(facts.language, facts.language) != family):
                    continue
                add(path, facts)
    finally:
        os.close(fd)
    return found, total


def _workspace_texts(ctx: FileToolContext) -> Callable[[str], bytes | None]:
    cache: dict[str, bytes | None] = {}

    def text(rel: str) -> bytes | None:
        if rel not in cache:
            try:
                fd = ctx.root.open(rel, _OPEN_READ)
            except (OSError, PathError):
                cache[rel] = None
                return None
            try:
                os.set_blocking(fd, True)
                cache[rel] = read_source(fd, rel)
            except (ToolError, OSError):
                cache[rel] = None
            finally:
                os.close(fd)
        return cache[rel]

    return text


def _definition(args: DefinitionArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    budget = _budget(ctx, stop)
    notes: list[str] = []
    if args.line is None:
        assert args.name is not None
        name = args.name
        definitions, total = _syntactic_definitions(ctx, name, args.path, None, budget, None)
        precision = "syntactic"
    else:
        pos = _Position(ctx, args, budget)
        name = pos.name
        definitions = []
        total = 0
        precision = "syntactic"
        if pos.language == "python" and len(pos.source) <= py.MAX_JEDI_BYTES:
            try:
                with py.JediAnswer(ctx.root, budget) as jedi_answer:
                    script = jedi_answer.script(pos.path, pos.source)
                    found = script.goto(pos.line, pos.column - 1, follow_imports=True)
                    texts = _workspace_texts(ctx)
                    texts_seed = {pos.path: pos.source}
                    definitions = [_jedi_location(d, lambda rel: texts_seed.get(rel) or texts(rel)) for d in found]
            except RecursionError:
                notes.append("jedi gave up on this file (nested too deeply); the index answered instead")
                definitions = []
            except py.JediBusy as exc:
                notes.append(f"{exc}; the index answered instead")
                definitions = []
            except Exception as exc:  # jedi's own failures on odd code: the syntactic index still answers
                notes.append(f"jedi could not resolve it ({type(exc).__name__}); the index answered instead")
                definitions = []
            if definitions:
                precision = "semantic"
                total = len(definitions)
        if not definitions:
            family = _FAMILY.get(pos.language, pos.language)
            definitions, total = _syntactic_definitions(ctx, name, None, (pos.path, pos.facts), budget, family)
    lines = _definition_lines(definitions)
    text = "\n".join(lines) + "\n" if lines else f"no definition of {name!r} found\n"
    if total > len(definitions):
        text += f"[showing {len(definitions)} of {total} definitions named {name!r}]\n"
    text += "".join(f"[{n}]\n" for n in notes)
    if budget.ran_out:
        text += _time_note(ctx)
    return FileToolResult(text, structured={
        "name": name, "precision": precision, "definitions": definitions, "truncated": total > len(definitions),
        "timed_out": budget.ran_out,
    })


# ---- references ------------------------------------------------------------------------------


def _python_references(ctx: FileToolContext, pos: _Position, max_results: int, budget: Budget
                       ) -> tuple[list[dict[str, Any]], int, list[str], bool] | None:
    """jedi's references: the uses that resolve to the definition the position resolves to, in the
    files containing the name; None when jedi cannot resolve the position."""
    notes: list[str] = []
    needle = pos.name.encode("utf-8")
    found: list[dict[str, Any]] = []
    total = 0
    cut = False
    with py.JediAnswer(ctx.root, budget) as jedi_answer:
        targets = jedi_answer.script(pos.path, pos.source).goto(pos.line, pos.column - 1, follow_imports=True)
        keys = {py.definition_key(t) for t in targets}
        if not keys:
            return None
        candidates: list[tuple[str, bytes]] = [(pos.path, pos.source)]
        fd = ctx.root.open(None, os.O_RDONLY | os.O_DIRECTORY)
        try:
            index = index_for(ctx)
            for item in walk_code_files(fd, "", budget):
                if item.language != "python" or item.path == pos.path:
                    continue
                known = cached(index, item)
                if known is not None and not may_contain(known.words, pos.name):
                    continue  # the index knows every word of the file as it is now: not this one
                try:
                    file_fd = item.open()
                except OSError:
                    continue
                try:
                    source = read_source(file_fd, item.path, py.MAX_JEDI_BYTES)
                except (ToolError, OSError):
                    continue
                finally:
                    os.close(file_fd)
                if needle in source:
                    candidates.append((item.path, source))
                    if len(candidates) > MAX_JEDI_FILES:
                        cut = True
                        notes.append(f"jedi analysed the first {MAX_JEDI_FILES} files that contain {pos.name!r} "
                                     "(by path); narrow with the bare-name search for the rest")
                        candidates.pop()
                        break
        finally:
            os.close(fd)
        for path, source in candidates:
            if budget.spent():
                break
            try:
                script = jedi_answer.script(path, source)
                for occurrence in py.names_in(script, pos.name, budget):
                    try:
                        resolved = occurrence.goto(follow_imports=True)
                    except Exception:  # an occurrence jedi cannot follow is not shown as a reference
                        continue
                    if not any(py.definition_key(r) in keys for r in resolved):
                        continue
                    total += 1
                    if len(found) < max_results:
                        found.append(_location(path, occurrence.line, occurrence.column + 1, pos.name,
                                               text=_line_text(source, occurrence.line)))
            except RecursionError:
                notes.append(f"jedi gave up on {path} (nested too deeply)")
    return found, total, notes, cut


def _syntactic_references(ctx: FileToolContext, name: str, scope: str | None, family: str | None, max_results: int,
                          budget: Budget, skips: _Skips) -> tuple[list[dict[str, Any]], int]:
    needle = name.encode("utf-8")
    found: list[dict[str, Any]] = []
    total = 0
    index = index_for(ctx)
    fd, base, st = _open(ctx, scope)
    try:
        if stat.S_ISREG(st.st_mode):
            language = _language(base)
            items: Any = [(base, language, fd)]
        else:
            # files the index knows to lack the word are not even opened
            items = ((i.path, i.language, i) for i in walk_code_files(fd, base, budget)
                     if (family is None or _FAMILY.get(i.language, i.language) == family)
                     and may_contain(getattr(cached(index, i), "words", b""), name))
        for path, language, opener in items:
            if budget.spent():
                break
            try:
                file_fd = opener if isinstance(opener, int) else opener.open()
            except OSError as exc:
                skips.add(path, f"cannot open: {exc.strerror or exc}")
                continue
            try:
                source = read_source(file_fd, path)
            except (ToolError, OSError) as exc:
                skips.add(path, str(exc))
                continue
            finally:
                if file_fd != fd:
                    os.close(file_fd)
            if needle not in source:
                continue
            try:
                tree = parse(GRAMMARS[language], source, budget.spent)
            except ParseStopped:
                break
            hits = identifiers_named(language, tree, source, name, max_results + 1)
            lines = _lines_of(source)
            for line, column in hits:
                total += 1
                if len(found) < max_results:
                    text = lines[line - 1].decode("utf-8", "replace").rstrip("\r") if line <= len(lines) else ""
                    found.append(_location(path, line, column, name, text=_cut(text)))
    finally:
        os.close(fd)
    return found, total


def _references(args: ReferencesArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    budget = _budget(ctx, stop)
    notes: list[str] = []
    skips = _Skips()
    precision = "syntactic"
    jedi_cut = False
    if args.line is None:
        assert args.name is not None
        name = args.name
        found, total = _syntactic_references(ctx, name, args.path, None, args.max_results, budget, skips)
    else:
        pos = _Position(ctx, args, budget)
        name = pos.name
        answer = None
        if pos.language == "python" and len(pos.source) <= py.MAX_JEDI_BYTES:
            try:
                answer = _python_references(ctx, pos, args.max_results, budget)
            except RecursionError:
                notes.append("jedi gave up on this file (nested too deeply); the index answered instead")
            except py.JediBusy as exc:
                notes.append(f"{exc}; the syntactic search answered")
            except Exception as exc:  # jedi's own failures on odd code: the syntactic search still answers
                notes.append(f"jedi could not resolve it ({type(exc).__name__}); the syntactic search answered")
        if answer is not None:
            found, total, jedi_notes, jedi_cut = answer
            notes.extend(jedi_notes)
            precision = "semantic"
        else:
            found, total = _syntactic_references(ctx, name, None, _FAMILY.get(pos.language, pos.language),
                                                 args.max_results, budget, skips)
    found.sort(key=lambda r: (r["path"].split("/"), r["line"], r["column"]))
    lines = [f"{r['path']}:{r['line']}:{r['column']}: {r.get('text', '')}" for r in found]
    text = "\n".join(lines) + "\n" if lines else f"no references to {name!r} found\n"
    if total > len(found):
        text += f"[showing {len(found)} of {total} references (max_results={args.max_results})]\n"
    text += "".join(f"[{n}]\n" for n in notes)
    text += skips.note()
    if budget.ran_out:
        text += _time_note(ctx)
    return FileToolResult(text, structured={
        "name": name, "precision": precision, "references": found, "total": total,
        "files": len({r["path"] for r in found}), "truncated": total > len(found) or jedi_cut,
        "timed_out": budget.ran_out,
    })


# ---- imports ---------------------------------------------------------------------------------


class _Probe:
    """Whether workspace paths exist, through the workspace descriptor (``O_PATH``: nothing is read)."""

    def __init__(self, ctx: FileToolContext) -> None:
        self.resolver = py.Resolver(ctx.root)

    def kind(self, rel: str | None) -> str | None:
        if rel is None:
            return None
        if self.resolver.is_file(rel):
            return "file"
        return "dir" if self.resolver.is_dir(rel) else None

    def first_file(self, candidates: list[str | None]) -> str | None:
        for candidate in candidates:
            if candidate is not None and self.resolver.is_file(candidate):
                return candidate
        return None


def _resolve_python(probe: _Probe, directory: str, module: str, roots: list[str]) -> str | None:
    level = len(module) - len(module.lstrip("."))
    dotted = module[level:]
    parts = [p for p in dotted.split(".") if p]
    if level:
        base: str | None = directory
        for _ in range(level - 1):
            base = resolve_relative(base or "", "..") if base is not None else None
        bases = [base] if base is not None else []
    else:
        bases = roots
    for base in bases:
        target = resolve_relative(base or "", "/".join(parts)) if parts else base
        if target is None:
            continue
        package = f"{target}/__init__.py" if target else "__init__.py"
        found = probe.first_file([f"{target}.py" if parts else None, package, f"{target}.pyi" if parts else None])
        if found is not None:
            return found
        if parts and probe.kind(target) == "dir":
            return target
    return None


_JS_SUFFIXES = ("", ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", "/index.ts", "/index.tsx", "/index.js",
                "/index.mjs")


def _resolve(probe: _Probe, path: str, language: str, module: str, go_module: Callable[[], str | None]) -> str | None:
    directory = posixpath.dirname(path)
    if language == "python":
        return _resolve_python(probe, directory, module, py.source_roots(probe.resolver, path))
    if language in ("javascript", "typescript", "tsx"):
        if not module.startswith((".", "/")) or module.startswith("/"):
            return None
        target = resolve_relative(directory, module)
        if target is None:
            return None
        return probe.first_file([target + suffix for suffix in _JS_SUFFIXES])
    if language in ("c", "cpp"):
        if not module.startswith('"'):
            return None
        header = module.strip('"')
        parent = posixpath.dirname(directory)
        return probe.first_file([resolve_relative(base, header) for base in (
            directory, posixpath.join(directory, "include"), posixpath.join(parent, "include") if parent else "include",
            "", "include")])
    if language == "rust" and module.startswith("mod "):
        name = module[4:]
        stem = posixpath.basename(path).rsplit(".", 1)[0]
        own = directory if stem in ("mod", "lib", "main") else posixpath.join(directory, stem)
        return probe.first_file([resolve_relative(own, f"{name}.rs"), resolve_relative(own, f"{name}/mod.rs")])
    if language == "java":
        # the source root is an ancestor of the file (the one its own package path hangs from)
        rel = module.removesuffix(".*").replace(".", "/")
        ancestor: str | None = directory
        for _ in range(32):
            if ancestor is None:
                break
            target = resolve_relative(ancestor, rel)
            if module.endswith(".*"):
                if probe.kind(target) == "dir":
                    return target
            elif target is not None and probe.kind(f"{target}.java") == "file":
                return f"{target}.java"
            ancestor = posixpath.dirname(ancestor) if ancestor else None
        return None
    if language == "go":
        prefix = go_module()
        if prefix and (module == prefix or module.startswith(prefix + "/")):
            target = resolve_relative("", module[len(prefix) + 1:] or ".")
            return target if probe.kind(target) == "dir" else None
    return None


def _go_module(ctx: FileToolContext) -> Callable[[], str | None]:
    found: list[str | None] = []

    def module() -> str | None:
        if not found:
            found.append(None)
            try:
                fd = ctx.root.open("go.mod", _OPEN_READ)
            except (OSError, PathError):
                return None
            try:
                os.set_blocking(fd, True)
                for line in os.pread(fd, 64 * 1024, 0).decode("utf-8", "replace").splitlines():
                    if line.startswith("module "):
                        found[0] = line.split()[1].strip('"')
                        break
            except OSError:
                pass
            finally:
                os.close(fd)
        return found[0]

    return module


def _imports(args: ImportsArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    budget = _budget(ctx, stop)
    fd, shown, st, language = _open_source(ctx, args.path)
    try:
        facts = facts_of(index_for(ctx), fd, st, language, shown, budget)
    except ParseStopped:
        raise ToolError(f"parsing {shown} stopped at the time limit") from None
    finally:
        os.close(fd)
    probe = _Probe(ctx)
    go_module = _go_module(ctx)
    imports: list[dict[str, Any]] = []
    lines = []
    for row in facts.imports:
        resolved = _resolve(probe, shown, language, row.module, go_module)
        imports.append({"module": row.module, "line": row.line, "names": row.names, "alias": row.alias,
                        "resolved": resolved})
        names = f" [{', '.join(row.names)}]" if row.names else ""
        alias = f" as {row.alias}" if row.alias else ""
        lines.append(f"{row.line}: {row.module}{alias}{names}{f' -> {resolved}' if resolved else ''}")
    text = "\n".join(lines) + "\n" if lines else f"{shown} imports nothing\n"
    if facts.cut:
        text += "[more imports than the per-file limit; the list is cut]\n"
    return FileToolResult(text, structured={"path": shown, "language": language, "imports": imports,
                                            "truncated": facts.cut})


# ---- outline ---------------------------------------------------------------------------------


def _outline_line(path: str, facts: FileFacts) -> tuple[str, int]:
    """``path: class A(m1, m2), function f``: top-level definitions, and the members of class-likes."""
    members: dict[str, list[str]] = {}
    top: list[SymbolRow] = []
    for row in facts.symbols:
        if row.container is None:
            top.append(row)
        elif "." not in row.container:
            members.setdefault(row.container, []).append(row.name)
    parts = []
    count = 0
    for row in top:
        inner = members.get(row.name, []) if row.kind not in ("function", "method", "macro", "declaration") else []
        shown_members = inner[:MAX_MEMBERS]
        more = f", +{len(inner) - MAX_MEMBERS}" if len(inner) > MAX_MEMBERS else ""
        parts.append(f"{row.kind} {row.name}" + (f"({', '.join(shown_members)}{more})" if inner else ""))
        count += 1 + len(shown_members)
    return f"{path}: {', '.join(parts)}" if parts else f"{path}: (no definitions)", count


def _outline(args: OutlineArgs, ctx: FileToolContext, stop: threading.Event) -> FileToolResult:
    index = index_for(ctx)
    budget = _budget(ctx, stop)
    fd, base, st = _open(ctx, args.path)
    shown = base or "."
    lines: list[str] = []
    used = 0
    files = files_total = symbols = 0
    left: dict[str, int] = {}
    skips = _Skips()
    try:
        if stat.S_ISREG(st.st_mode):
            language = _language(base)
            try:
                entries: Any = [(base, facts_of(index, fd, st, language, base, budget))]
            except ParseStopped:
                entries = []
            for path, facts in entries:
                files_total += 1
                line, count = _outline_line(path, facts)
                lines.append(line)
                files += 1
                symbols += count
        else:
            for item in walk_code_files(fd, base, budget):
                files_total += 1
                if left:  # past the budget: only count what is left, by directory (no parsing)
                    _count_left(left, item.path, base)
                    continue
                facts = cached_or_parsed(index, item, budget)
                if not isinstance(facts, FileFacts):
                    if isinstance(facts, str) and not budget.ran_out:
                        skips.add(item.path, facts)
                    continue
                line, count = _outline_line(item.path, facts)
                cost = len(line.encode("utf-8")) + 1
                if used + cost > args.max_bytes:
                    _count_left(left, item.path, base)
                    continue
                lines.append(line)
                used += cost
                files += 1
                symbols += count
    finally:
        os.close(fd)
    text = "\n".join(lines) + "\n" if lines else f"no source files in {shown}\n"
    if left:
        summary = sorted(left.items())
        shown_dirs = ", ".join(f"{d or '.'}/ ({n})" for d, n in summary[:20])
        more = f" and {len(summary) - 20} more directories" if len(summary) > 20 else ""
        text += (f"[outline cut at max_bytes={args.max_bytes}: {sum(left.values())} more source files in "
                 f"{shown_dirs}{more}; outline one of them with path]\n")
    text += skips.note()
    if budget.ran_out:
        text += _time_note(ctx)
    return FileToolResult(text, structured={
        "path": shown, "files": files, "files_total": files_total, "symbols": symbols,
        "bytes": len(text.encode("utf-8")), "truncated": bool(left), "timed_out": budget.ran_out,
    })


def _count_left(left: dict[str, int], path: str, base: str) -> None:
    """Count a file left out of the outline under the directory just below ``base`` that holds it."""
    rel = path[len(base) + 1:] if base and path.startswith(base + "/") else path
    head = rel.split("/", 1)[0] if "/" in rel else ""
    key = f"{base}/{head}" if base and head else (head or base)
    left[key] = left.get(key, 0) + 1


# ---- the family's handlers -----------------------------------------------------------------

helper_tool("symbols")(_symbols)
helper_tool("definition")(_definition)
helper_tool("references")(_references)
helper_tool("imports")(_imports)
helper_tool("outline")(_outline)
