"""What tree-sitter extracts from one source file: its symbols, its imports, the identifier at a position
and every identifier with a given name.

The grammars come from ``tree-sitter-language-pack`` (compiled into its wheel) and are all loaded,
with their queries compiled, when this module is imported: the file helper imports it before it
drops to the tool user, who may not be able to read the installed packages afterwards.

Everything here works on bytes already read (through a descriptor, by the caller) and never touches
the file system.  Parsing goes through a read callback so that a progress callback can stop it: a
call that is cancelled or past its time budget raises ``ParseStopped``.  Queries run in C and hand
back only their captures, so a large file costs no Python per syntax node.
"""

from __future__ import annotations

import logging
import posixpath
import re
import threading
from collections.abc import Callable
from typing import Any

import msgspec
import tree_sitter_language_pack
from tree_sitter import Language, Node, Parser, Query, QueryCursor, QueryError, Tree

__all__ = [
    "EXTENSIONS",
    "GRAMMARS",
    "FileFacts",
    "Grammar",
    "ImportRow",
    "ParseStopped",
    "SymbolRow",
    "extract",
    "identifier_at",
    "identifiers_named",
    "language_of",
    "may_contain",
    "parse",
    "words_bloom",
]

logger = logging.getLogger(__name__)

EXTENSIONS: dict[str, str] = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c",
    # headers are parsed as C++, a superset good enough for finding C declarations too
    ".h": "cpp", ".hh": "cpp", ".hpp": "cpp", ".hxx": "cpp", ".h++": "cpp", ".inl": "cpp",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".c++": "cpp",
}

# A definition that holds functions makes them methods.
_CLASSLIKE = frozenset({"class", "struct", "interface", "trait", "impl", "enum"})
# Identifier node types per grammar family, for references and for the name at a position.
_IDENTIFIERS: dict[str, tuple[str, ...]] = {
    "python": ("identifier",),
    "javascript": ("identifier", "property_identifier", "shorthand_property_identifier",
                   "shorthand_property_identifier_pattern", "private_property_identifier"),
    "typescript": ("identifier", "property_identifier", "shorthand_property_identifier",
                   "shorthand_property_identifier_pattern", "private_property_identifier", "type_identifier"),
    "go": ("identifier", "field_identifier", "type_identifier", "package_identifier"),
    "rust": ("identifier", "field_identifier", "type_identifier"),
    "java": ("identifier", "type_identifier"),
    "c": ("identifier", "field_identifier", "type_identifier"),
    "cpp": ("identifier", "field_identifier", "type_identifier", "namespace_identifier"),
}
_IDENTIFIERS["tsx"] = _IDENTIFIERS["typescript"]

# Symbol patterns: @def is the definition (its line range), @name its name, the capture's suffix
# (@def.KIND) its kind.  A node matched by several patterns keeps the first.  Patterns a grammar
# version does not know are dropped at import (logged), so a newer grammar loses one pattern, not all.
_JS_SYMBOLS = [
    "(class_declaration name: (_) @name) @def.class",
    "(class name: (_) @name) @def.class",
    "(function_declaration name: (identifier) @name) @def.function",
    "(generator_function_declaration name: (identifier) @name) @def.function",
    "(method_definition name: (_) @name) @def.method",
    "(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @def.function",
    "(assignment_expression left: (member_expression property: (property_identifier) @name)"
    " right: [(arrow_function) (function_expression)]) @def.function",
    "(pair key: (property_identifier) @name value: [(arrow_function) (function_expression)]) @def.function",
]
_TS_SYMBOLS = [
    "(interface_declaration name: (_) @name) @def.interface",
    "(type_alias_declaration name: (_) @name) @def.type",
    "(enum_declaration name: (_) @name) @def.enum",
    "(abstract_class_declaration name: (_) @name) @def.class",
    "(method_signature name: (_) @name) @def.method",
    "(abstract_method_signature name: (_) @name) @def.method",
    "(function_signature name: (identifier) @name) @def.function",
    "(internal_module name: (_) @name) @def.module",
    "(module name: (_) @name) @def.module",
    *_JS_SYMBOLS,
]
_C_SYMBOLS = [
    "(function_definition declarator: (_) @name) @def.function",
    # prototypes: a function declarator, possibly under pointers (`char **f(void);`), not variables
    "(declaration declarator: (function_declarator) @name) @def.declaration",
    "(declaration declarator: (pointer_declarator declarator: (function_declarator)) @name) @def.declaration",
    "(declaration declarator: (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator)))"
    " @name) @def.declaration",
    "(struct_specifier name: (_) @name body: (_)) @def.struct",
    "(union_specifier name: (_) @name body: (_)) @def.struct",
    "(enum_specifier name: (_) @name body: (_)) @def.enum",
    "(type_definition declarator: (type_identifier) @name) @def.type",
    "(preproc_function_def name: (identifier) @name) @def.macro",
]
_SYMBOLS: dict[str, list[str]] = {
    "python": [
        "(class_definition name: (identifier) @name) @def.class",
        "(function_definition name: (identifier) @name) @def.function",
    ],
    "javascript": _JS_SYMBOLS,
    "typescript": _TS_SYMBOLS,
    "tsx": _TS_SYMBOLS,
    "go": [
        "(function_declaration name: (identifier) @name) @def.function",
        "(method_declaration name: (field_identifier) @name) @def.method",
        "(type_spec name: (type_identifier) @name type: (struct_type)) @def.struct",
        "(type_spec name: (type_identifier) @name type: (interface_type)) @def.interface",
        "(type_spec name: (type_identifier) @name) @def.type",
        "(type_alias name: (type_identifier) @name) @def.type",
        "(method_elem name: (field_identifier) @name) @def.method",
    ],
    "rust": [
        "(function_item name: (identifier) @name) @def.function",
        "(function_signature_item name: (identifier) @name) @def.function",
        "(struct_item name: (type_identifier) @name) @def.struct",
        "(union_item name: (type_identifier) @name) @def.struct",
        "(enum_item name: (type_identifier) @name) @def.enum",
        "(trait_item name: (type_identifier) @name) @def.trait",
        "(type_item name: (type_identifier) @name) @def.type",
        "(mod_item name: (identifier) @name body: (_)) @def.module",
        "(impl_item type: (_) @name) @def.impl",
        "(macro_definition name: (identifier) @name) @def.macro",
    ],
    "java": [
        "(class_declaration name: (identifier) @name) @def.class",
        "(record_declaration name: (identifier) @name) @def.class",
        "(interface_declaration name: (identifier) @name) @def.interface",
        "(annotation_type_declaration name: (identifier) @name) @def.interface",
        "(enum_declaration name: (identifier) @name) @def.enum",
        "(method_declaration name: (identifier) @name) @def.method",
        "(constructor_declaration name: (identifier) @name) @def.constructor",
    ],
    "c": _C_SYMBOLS,
    "cpp": [
        "(class_specifier name: (_) @name body: (_)) @def.class",
        "(namespace_definition name: (_) @name) @def.module",
        "(field_declaration declarator: (function_declarator) @name) @def.method",
        "(alias_declaration name: (type_identifier) @name) @def.type",
        *_C_SYMBOLS,
    ],
}

_JS_IMPORTS = [
    "(import_statement source: (string) @source) @import",
    "(export_statement source: (string) @source) @import",
    '(call_expression function: (identifier) @fn arguments: (arguments . (string) @source) (#eq? @fn "require"))'
    " @import",
    "(call_expression function: (import) arguments: (arguments . (string) @source)) @import",
]
_IMPORTS: dict[str, list[str]] = {
    "python": ["(import_statement) @import", "(import_from_statement) @import", "(future_import_statement) @import"],
    "javascript": _JS_IMPORTS,
    "typescript": _JS_IMPORTS,
    "tsx": _JS_IMPORTS,
    "go": ["(import_spec path: (_) @source) @import"],
    "rust": ["(use_declaration argument: (_) @source) @import",
             "(extern_crate_declaration name: (identifier) @source) @import",
             "(mod_item name: (identifier) @source !body) @import"],
    "java": ["(import_declaration) @import"],
    "c": ["(preproc_include path: (_) @source) @import"],
    "cpp": ["(preproc_include path: (_) @source) @import"],
}

MAX_SYMBOLS_PER_FILE = 20_000
MAX_IMPORTS_PER_FILE = 5_000
_READ_CHUNK = 64 * 1024


class SymbolRow(msgspec.Struct, array_like=True, frozen=True):
    """One definition: compact, because the index keeps many of them (msgpack as an array)."""

    name: str
    kind: str
    line: int  # 1-based
    end_line: int
    column: int  # 1-based, characters
    container: str | None


class ImportRow(msgspec.Struct, array_like=True, frozen=True):
    module: str
    line: int
    names: list[str]
    alias: str | None


class FileFacts(msgspec.Struct, array_like=True, frozen=True):
    """What the index keeps of one file."""

    language: str
    symbols: list[SymbolRow]
    imports: list[ImportRow]
    cut: bool = False  # more than MAX_SYMBOLS_PER_FILE or MAX_IMPORTS_PER_FILE
    # A Bloom filter of every identifier-like word in the file (``words_bloom``): a search for a name
    # reads only the files that may contain it.  Empty: unknown, read the file.
    words: bytes = b""


_WORD = re.compile(rb"[A-Za-z_$\x80-\xff][\w$\x80-\xff]*")
MIN_BLOOM_BITS = 512
MAX_BLOOM_BITS = 1 << 19  # 64 KiB: a file with more words than that fits is simply always read


def _bloom_bits(word: bytes, bits: int) -> tuple[int, int, int]:
    h = hash(word) & 0xFFFFFFFFFFFFFFFF  # randomised per process: the index lives in one process
    return h % bits, (h >> 21) % bits, (h >> 42) % bits


def words_bloom(source: bytes) -> bytes:
    """A Bloom filter of the identifier-like words of ``source``: about 16 bits a distinct word, three
    probes, so a name that is not there passes about one time in four hundred."""
    words = set(_WORD.findall(source))
    bits = MIN_BLOOM_BITS
    while bits < 16 * len(words) and bits < MAX_BLOOM_BITS:
        bits *= 2
    if 16 * len(words) > MAX_BLOOM_BITS:
        return b""
    table = bytearray(bits // 8)
    for word in words:
        for bit in _bloom_bits(word, bits):
            table[bit >> 3] |= 1 << (bit & 7)
    return bytes(table)


def may_contain(bloom: bytes, name: str) -> bool:
    """False only when the file whose ``words_bloom`` this is certainly lacks the word ``name``."""
    if not bloom:
        return True
    bits = len(bloom) * 8
    return all(bloom[bit >> 3] & (1 << (bit & 7)) for bit in _bloom_bits(name.encode("utf-8"), bits))


class ParseStopped(Exception):
    """Parsing was stopped: the call was cancelled or ran out of time."""


class Grammar:
    """One language: its tree-sitter Language, and the queries compiled for it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.language: Language = tree_sitter_language_pack.get_language(name)  # type: ignore[arg-type]
        self.family = name if name in _IDENTIFIERS else "c"
        self.identifiers = frozenset(_IDENTIFIERS[name])
        self._lock = threading.Lock()
        self._symbols: Query | None = None
        self._imports: Query | None = None

    # Queries are compiled on first use, not at import: compiling needs no file (the grammar is
    # loaded) but costs up to ~0.2 s of CPU for C++, which every file helper would pay at start.
    @property
    def symbols(self) -> Query:
        with self._lock:
            if self._symbols is None:
                self._symbols = self._query(_SYMBOLS[self.name])
            return self._symbols

    @property
    def imports(self) -> Query:
        with self._lock:
            if self._imports is None:
                self._imports = self._query(_IMPORTS[self.name])
            return self._imports

    def _query(self, patterns: list[str]) -> Query:
        try:
            return Query(self.language, "\n".join(patterns))
        except QueryError:
            pass
        # a grammar version without some node type: keep the patterns it knows (compiling one costs
        # milliseconds, up to ~150 ms for C++, so this is only the fallback)
        usable = []
        for pattern in patterns:
            try:
                Query(self.language, pattern)
            except QueryError:
                logger.debug("%s: the grammar does not know the pattern %s", self.name, pattern)
                continue
            usable.append(pattern)
        return Query(self.language, "\n".join(usable))

    def kind(self, captures: dict[str, list[Node]]) -> tuple[str, Node] | None:
        for capture, nodes in captures.items():
            if capture.startswith("def.") and nodes:
                return capture[4:], nodes[0]
        return None


GRAMMARS: dict[str, Grammar] = {name: Grammar(name) for name in dict.fromkeys(EXTENSIONS.values())}


def language_of(name: str) -> str | None:
    """The language of a file, by its name's extension (None: not a source file we parse)."""
    dot = name.rfind(".")
    if dot <= 0:
        return None
    return EXTENSIONS.get(name[dot:].lower())


def parse(grammar: Grammar, source: bytes, stop: Callable[[], bool]) -> Tree:
    """Parse ``source``; ``stop`` is asked as parsing goes on and ends it (ParseStopped) when true."""
    parser = Parser(grammar.language)
    view = memoryview(source)

    def read(offset: int, _point: Any) -> bytes:
        return bytes(view[offset: offset + _READ_CHUNK])

    def progress(*_state: Any) -> bool:
        return stop()

    try:
        tree = parser.parse(read, progress_callback=progress)
    except ValueError as exc:  # what py-tree-sitter raises when the progress callback ends a parse
        raise ParseStopped(str(exc)) from None
    if tree is None:
        raise ParseStopped("parsing stopped")
    return tree


def _text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def _column(source: bytes, node: Node) -> int:
    """1-based column of ``node`` in characters (tree-sitter counts bytes)."""
    start = node.start_byte
    byte_column = node.start_point[1]
    if byte_column == 0:
        return 1
    return len(source[start - byte_column: start].decode("utf-8", "replace")) + 1


def _declared_name(node: Node) -> tuple[Node | None, str | None]:
    """C/C++: the name node inside a declarator (through pointers, references, parentheses and
    function declarators), and its qualifying scope (``ns::Cls`` of ``ns::Cls::m``)."""
    seen = 0
    while node is not None and seen < 64:
        seen += 1
        kind = node.type
        if kind in ("identifier", "field_identifier", "type_identifier", "destructor_name", "operator_name"):
            return node, None
        if kind == "qualified_identifier":
            scope = node.child_by_field_name("scope")
            inner = node.child_by_field_name("name")
            name_node, deeper = _declared_name(inner) if inner is not None else (None, None)
            prefix = _text(scope)
            return name_node, f"{prefix}::{deeper}" if deeper else prefix
        inner = node.child_by_field_name("declarator")
        if inner is None:
            named = [c for c in node.named_children if c.type != "parameter_list"]
            inner = named[0] if named else None
        node = inner  # type: ignore[assignment]
    return None, None


def _go_receiver(node: Node) -> str | None:
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return None
    stack = [receiver]
    while stack:
        current = stack.pop()
        if current.type == "type_identifier":
            return _text(current)
        stack.extend(reversed(current.named_children))
    return None


def _impl_name(node: Node) -> str:
    if node.type == "generic_type":
        inner = node.child_by_field_name("type")
        if inner is not None:
            return _text(inner)
    return _text(node)


def _symbols(grammar: Grammar, tree: Tree, source: bytes) -> tuple[list[SymbolRow], bool]:
    found: dict[tuple[int, int], tuple[int, str, Node, Node, str, str | None]] = {}
    for pattern, captures in QueryCursor(grammar.symbols).matches(tree.root_node):
        picked = grammar.kind(captures)
        names = captures.get("name")
        if picked is None or not names:
            continue
        kind, node = picked
        name_node: Node | None = names[0]
        scope: str | None = None
        if grammar.family in ("c", "cpp") and name_node is not None and name_node.type not in (
                "identifier", "type_identifier", "field_identifier", "namespace_identifier"):
            name_node, scope = _declared_name(name_node)
        if name_node is None:
            continue
        name = _impl_name(name_node) if kind == "impl" else _text(name_node)
        if not name:
            continue
        if kind == "method" and grammar.name == "go":
            scope = _go_receiver(node)
        key = (node.start_byte, node.end_byte)
        if key in found and found[key][0] <= pattern:
            continue
        found[key] = (pattern, kind, node, name_node, name, scope)
        if len(found) > MAX_SYMBOLS_PER_FILE:
            break
    cut = len(found) > MAX_SYMBOLS_PER_FILE
    rows: list[SymbolRow] = []
    stack: list[tuple[int, str, str]] = []  # (end byte, name, kind) of the definitions enclosing the next
    ordered = sorted(found.items(), key=lambda i: (i[0][0], -i[0][1]))
    for (start, end), (_pattern, kind, node, name_node, name, scope) in ordered:
        while stack and stack[-1][0] <= start:
            stack.pop()
        if stack and stack[-1][2] in _CLASSLIKE and kind == "function":
            kind = "method"
        container = ".".join(s[1] for s in stack) or None
        if scope:
            container = f"{container}.{scope}" if container else scope
        rows.append(SymbolRow(name=name, kind=kind, line=node.start_point[0] + 1, end_line=node.end_point[0] + 1,
                              column=_column(source, name_node), container=container))
        stack.append((end, name, kind))
        if len(rows) >= MAX_SYMBOLS_PER_FILE:
            break
    return rows, cut


def _string_content(node: Node) -> str:
    text = _text(node)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        return text[1:-1]
    return text


def _python_import(node: Node) -> ImportRow | list[ImportRow]:
    line = node.start_point[0] + 1
    if node.type == "import_statement":
        rows = []
        for child in node.children_by_field_name("name"):
            if child.type == "aliased_import":
                rows.append(ImportRow(_text(child.child_by_field_name("name")), line, [],
                                      _text(child.child_by_field_name("alias")) or None))
            else:
                rows.append(ImportRow(_text(child), line, [], None))
        return rows
    if node.type == "future_import_statement":
        return ImportRow("__future__", line, [_text(c) for c in node.children_by_field_name("name")], None)
    module = _text(node.child_by_field_name("module_name"))
    names: list[str] = []
    for child in node.children_by_field_name("name"):
        if child.type == "aliased_import":
            names.append(f"{_text(child.child_by_field_name('name'))} as {_text(child.child_by_field_name('alias'))}")
        else:
            names.append(_text(child))
    if any(c.type == "wildcard_import" for c in node.named_children):
        names.append("*")
    return ImportRow(module, line, names, None)


def _js_names(node: Node) -> tuple[list[str], str | None]:
    clause = next((c for c in node.named_children if c.type == "import_clause"), None)
    names: list[str] = []
    alias = None
    if clause is None:
        if node.type == "export_statement":
            names = ["*"] if any(c.type == "*" for c in node.children) else []
            exports = next((c for c in node.named_children if c.type == "export_clause"), None)
            if exports is not None:
                names = [_text(s.child_by_field_name("name")) for s in exports.named_children
                         if s.type == "export_specifier"]
        return names, alias
    for part in clause.named_children:
        if part.type == "identifier":
            alias = _text(part)  # the default import's local name
            names.append("default")
        elif part.type == "namespace_import":
            names.append("*")
            alias = _text(part.named_children[0]) if part.named_children else None
        elif part.type == "named_imports":
            for spec in part.named_children:
                if spec.type == "import_specifier":
                    name = _text(spec.child_by_field_name("name"))
                    renamed = spec.child_by_field_name("alias")
                    names.append(f"{name} as {_text(renamed)}" if renamed is not None else name)
    return names, alias


def _imports(grammar: Grammar, tree: Tree) -> tuple[list[ImportRow], bool]:
    rows: list[ImportRow] = []
    seen: set[tuple[int, int]] = set()
    for _pattern, captures in QueryCursor(grammar.imports).matches(tree.root_node):
        node = captures["import"][0]
        source = captures.get("source", [None])[0]
        key = (node.start_byte, node.end_byte)
        if key in seen:
            continue
        seen.add(key)
        line = node.start_point[0] + 1
        family = grammar.name
        if family == "python":
            made = _python_import(node)
            rows.extend(made if isinstance(made, list) else [made])
        elif family in ("javascript", "typescript", "tsx"):
            names, alias = _js_names(node) if node.type in ("import_statement", "export_statement") else ([], None)
            rows.append(ImportRow(_string_content(source) if source is not None else "", line, names, alias))
        elif family == "go":
            alias_node = node.child_by_field_name("name")
            rows.append(ImportRow(_string_content(source) if source is not None else "", line, [],
                                  _text(alias_node) or None))
        elif family == "rust":
            if node.type == "mod_item":
                rows.append(ImportRow(f"mod {_text(source)}", line, [], None))
            elif node.type == "extern_crate_declaration":
                alias_node = node.child_by_field_name("alias")
                rows.append(ImportRow(f"crate {_text(source)}", line, [], _text(alias_node) or None))
            else:
                rows.append(ImportRow(_text(source), line, [], None))
        elif family == "java":
            parts = [c for c in node.named_children if c.type in ("scoped_identifier", "identifier")]
            module = _text(parts[0]) if parts else ""
            if any(c.type == "asterisk" for c in node.named_children):
                module += ".*"
            static = any(c.type == "static" for c in node.children)
            rows.append(ImportRow(module, line, ["static"] if static else [], None))
        else:  # C, C++
            rows.append(ImportRow(_text(source), line, [], None))
        if len(rows) >= MAX_IMPORTS_PER_FILE:
            return rows, True
    return rows, False


def extract(language: str, source: bytes, stop: Callable[[], bool]) -> FileFacts:
    """Parse ``source`` and return its symbols and imports (ParseStopped when ``stop`` said so)."""
    grammar = GRAMMARS[language]
    tree = parse(grammar, source, stop)
    symbols, cut_symbols = _symbols(grammar, tree, source)
    imports, cut_imports = _imports(grammar, tree)
    return FileFacts(language=language, symbols=symbols, imports=imports, cut=cut_symbols or cut_imports,
                     words=words_bloom(source))


def identifier_at(language: str, tree: Tree, source: bytes, line: int, column: int) -> tuple[str, int] | None:
    """The identifier covering 1-based ``line``, ``column`` (characters): (its text, its 1-based column);
    None when there is none there."""
    lines_start = 0
    for _ in range(line - 1):
        lines_start = source.find(b"\n", lines_start) + 1
        if lines_start == 0:
            return None
    line_end = source.find(b"\n", lines_start)
    line_bytes = source[lines_start: len(source) if line_end < 0 else line_end]
    text = line_bytes.decode("utf-8", "replace")
    if column > len(text) + 1:
        return None
    byte_column = len(text[: column - 1].encode("utf-8"))
    grammar = GRAMMARS[language]
    point = (line - 1, byte_column)
    node = tree.root_node.named_descendant_for_point_range(point, point)
    # the position may be just past the name (an editor's cursor after it): look one to the left too
    candidates = [node]
    if byte_column > 0:
        candidates.append(tree.root_node.named_descendant_for_point_range((line - 1, byte_column - 1),
                                                                          (line - 1, byte_column - 1)))
    for found in candidates:
        if found is not None and found.type in grammar.identifiers and found.start_point[0] == line - 1:
            return _text(found), _column(source, found)
    return None


def identifiers_named(language: str, tree: Tree, source: bytes, name: str, limit: int) -> list[tuple[int, int]]:
    """(1-based line, 1-based column) of every identifier called ``name``, at most ``limit``, in order.

    The text is searched for the name (a C-speed scan), and each hit kept only when the syntax tree
    has an identifier node exactly there: names in comments and strings are not identifiers.  A query
    with the name in an ``#eq?`` predicate would do the same in C, but compiling a query per call
    costs up to 0.2 s for some grammars."""
    grammar = GRAMMARS[language]
    raw = name.encode("utf-8")
    out: list[tuple[int, int]] = []
    for match in re.finditer(rb"(?<![\w$])" + re.escape(raw) + rb"(?![\w$])", source):
        node = tree.root_node.descendant_for_byte_range(match.start(), match.end())
        if (node is not None and node.type in grammar.identifiers and node.start_byte == match.start()
                and node.end_byte == match.end()):
            out.append((node.start_point[0] + 1, _column(source, node)))
            if len(out) >= limit:
                break
    return out


def resolve_relative(base_dir: str, target: str) -> str | None:
    """``target`` joined to ``base_dir`` (both workspace-relative), or None when it climbs out."""
    joined = posixpath.normpath(posixpath.join(base_dir, target)) if base_dir else posixpath.normpath(target)
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None
    return "" if joined == "." else joined
