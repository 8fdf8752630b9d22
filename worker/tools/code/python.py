"""Precise Python definitions and references with jedi, which sees only what we read through descriptors.

jedi normally reads files by path: the script, the modules it imports (through importlib's
finders, which stat and list directories), stub files, and a pickle cache under ``~/.cache``.  Here
it is given none of that:

- **A virtual root.** Every workspace file is named to jedi as ``/dev/null/workspace/<path>``.  No
  file can exist below ``/dev/null`` (a character device), so anything in jedi that still touches the
  file system by path (``os.path.exists``, ``os.listdir``, ``open``) finds nothing there: it fails
  closed instead of reading the real workspace by a path a symlink could redirect.
- **Sources read by us.** jedi gets the script's text as a string, and its import resolution
  (``get_module_info``, ``iter_module_names``) is answered by ``_ConfinedProcess``, which maps a
  virtual path back to a workspace path, opens it with ``Workspace.open`` (``openat2`` with
  ``RESOLVE_BENEATH``) and hands jedi the bytes it read from that descriptor.  That is jedi's own
  extension point (an ``Environment`` returns the object that answers these calls), not a patch.
- **No code execution.** jedi's in-process environment would ``__import__`` compiled modules found
  on the path; ``_ConfinedProcess.load_module`` allows only the interpreter's built-in modules
  (``sys.builtin_module_names``, already in the binary).  ``auto_import_modules`` is emptied.
- **No pickle cache.** parso would load pickled syntax trees from a cache directory a tool (of the
  same user) could write, and run code in the helper with them; its three file-system cache
  functions are replaced with no-ops, so trees are kept in memory only (and trimmed here).
- **What jedi still reads by path**: its own bundled typeshed stubs and parso's grammar, installed
  package files, not workspace content, as the tool user, the first time a call needs them (about
  2 s of CPU to parse builtins and typing, once per helper: too much to spend at every helper's
  start).  Where the installation is unreadable to the tool user, names in the standard library go
  unresolved and the answer falls back to the syntactic index.

jedi is not thread-safe and holds large trees, so one jedi analysis runs at a time per helper
(``_JEDI_LOCK``); other code tools and file tools run alongside.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import stat
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jedi
import jedi.settings
import parso
import parso.cache
from jedi.api.environment import InterpreterEnvironment
from jedi.file_io import KnownContentFileIO
from jedi.inference.compiled import access
from jedi.inference.compiled.subprocess import InferenceStateSameProcess
from jedi.inference.compiled.subprocess.functions import ImplicitNSInfo

from shared.config import MIB
from worker.tools.code.index import RACY_SECONDS, Budget, read_source
from worker.tools.confine import PathError, Workspace
from worker.tools.files import ToolError

__all__ = [
    "MAX_JEDI_BYTES",
    "VIRTUAL_ROOT",
    "JediAnswer",
    "JediBusy",
    "Resolver",
    "source_roots",
]

VIRTUAL_ROOT = "/dev/null/workspace"
MAX_JEDI_BYTES = 1 * MIB  # larger Python files are answered by the syntactic index instead
# parso's in-memory trees of workspace modules (about 30x their source in memory), kept between calls
MAX_TREE_SOURCE_BYTES = 4 * MIB
_OPEN_READ = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
_JEDI_LOCK = threading.Lock()


def _import_everything() -> None:
    """Import every module of jedi and parso now: jedi imports some inside functions, and once the helper
    runs as the tool user the installed packages may be out of its reach (20 ms more at start)."""
    for package in (jedi, parso):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            # __main__ modules run on import; replstartup installs a REPL completer; third_party is data
            if module.name.endswith(("__main__", ".replstartup")) or ".third_party" in module.name:
                continue
            importlib.import_module(module.name)


_import_everything()


def _no_file_cache(*_args: Any, **_kwargs: Any) -> None:
    return None


parso.cache._load_from_file_system = _no_file_cache
parso.cache._save_to_file_system = _no_file_cache
parso.cache._remove_cache_and_update_lock = _no_file_cache
jedi.settings.auto_import_modules = []
# dynamic parameter search looks for calls in other modules by walking the project directory by path
jedi.settings.dynamic_params_for_other_modules = False


class _WorkspaceSource(KnownContentFileIO):
    """A workspace file's bytes, as read through a descriptor; its change time lets parso keep its tree."""

    def __init__(self, path: str, content: bytes, changed: float | None) -> None:
        super().__init__(path, content)
        self._changed = changed

    def get_last_modified(self) -> float | None:
        return self._changed


def virtual(rel: str) -> str:
    return f"{VIRTUAL_ROOT}/{rel}" if rel else VIRTUAL_ROOT


def workspace_path(path: str | os.PathLike[str] | None) -> str | None:
    """The workspace-relative path of a virtual path; None when it is not one (a stub, a builtin)."""
    if path is None:
        return None
    text = os.fspath(path)
    if text == VIRTUAL_ROOT:
        return ""
    if not text.startswith(VIRTUAL_ROOT + "/"):
        return None
    rel = os.path.normpath(text[len(VIRTUAL_ROOT) + 1:])
    if rel == "." or rel.startswith("..") or rel.startswith("/"):
        return None if rel != "." else ""
    return rel


class Resolver:
    """Reads the workspace for jedi: files and directories by workspace path, through ``Workspace``."""

    def __init__(self, root: Workspace) -> None:
        self.root = root
        self.files_read = 0

    def _open(self, rel: str, flags: int) -> int | None:
        try:
            return self.root.open(rel or ".", flags)
        except (OSError, PathError):
            return None

    def is_dir(self, rel: str) -> bool:
        fd = self._open(rel, os.O_PATH | os.O_DIRECTORY)
        if fd is None:
            return False
        os.close(fd)
        return True

    def is_file(self, rel: str) -> bool:
        fd = self._open(rel, os.O_PATH)
        if fd is None:
            return False
        try:
            return stat.S_ISREG(os.fstat(fd).st_mode)
        finally:
            os.close(fd)

    def source(self, rel: str) -> tuple[bytes, float | None] | None:
        """A regular file's bytes and the change time parso may cache it by (None: do not cache)."""
        fd = self._open(rel, _OPEN_READ)
        if fd is None:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None
            os.set_blocking(fd, True)
            try:
                data = read_source(fd, rel, MAX_JEDI_BYTES)
            except (ToolError, OSError):
                return None
            after = os.fstat(fd)
        finally:
            os.close(fd)
        self.files_read += 1
        changed = max(after.st_mtime_ns, after.st_ctime_ns)
        steady = (after.st_size, after.st_mtime_ns, after.st_ctime_ns) == (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        racy = time.time_ns() - changed < RACY_SECONDS * 1e9
        return data, (changed / 1e9 if steady and not racy else None)

    def entries(self, rel: str) -> list[tuple[str, bool]]:
        fd = self._open(rel, os.O_RDONLY | os.O_DIRECTORY)
        if fd is None:
            return []
        try:
            with os.scandir(fd) as it:
                return [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
        except OSError:
            return []
        finally:
            os.close(fd)


class _ConfinedProcess(InferenceStateSameProcess):
    """Answers jedi's questions about modules from the workspace descriptor, never by path."""

    def __init__(self, inference_state: Any, resolver: Resolver) -> None:
        super().__init__(inference_state)
        self._resolver = resolver

    def get_sys_path(self) -> list[str]:
        return []

    def get_module_info(self, string: str, full_name: str | None = None, sys_path: list[str] | None = None,
                        path: list[str] | None = None, is_global_search: bool = True) -> tuple[Any, bool | None]:
        if path is None and string in sys.builtin_module_names:
            return None, False  # jedi then asks load_module for the built-in module
        namespace: list[str] = []
        for directory in (path if path is not None else sys_path or []):
            rel = workspace_path(directory)
            if rel is None:
                continue
            package = f"{rel}/{string}" if rel else string
            if self._resolver.is_dir(package):
                for init in ("__init__.py", "__init__.pyi"):
                    found = self._resolver.source(f"{package}/{init}")
                    if found is not None:
                        return _WorkspaceSource(virtual(f"{package}/{init}"), *found), True
            for suffix in (".py", ".pyi"):
                found = self._resolver.source(package + suffix)
                if found is not None:
                    return _WorkspaceSource(virtual(package + suffix), *found), False
            if self._resolver.is_dir(package):
                namespace.append(virtual(package))
        if namespace:
            return ImplicitNSInfo(string if not path else (full_name or string), namespace), True
        return None, None

    def iter_module_names(self, paths: list[str]) -> list[str]:
        names: list[str] = []
        for directory in paths:
            rel = workspace_path(directory)
            if rel is None:
                continue
            for name, is_dir in self._resolver.entries(rel):
                if is_dir:
                    if name != "__pycache__" and name.isidentifier():
                        names.append(name)
                elif name.endswith((".py", ".pyi")):
                    module = name.rsplit(".", 1)[0]
                    if module.isidentifier() and module != "__init__":
                        names.append(module)
        return names

    def load_module(self, dotted_name: str, sys_path: list[str] | None = None) -> Any:
        if dotted_name not in sys.builtin_module_names:
            return None  # importing anything else would run its code in the helper
        module = sys.modules.get(dotted_name)
        if module is None:
            return None
        return access.create_access_path(self._inference_state_weakref(), module)

    def get_builtin_module_names(self) -> tuple[str, ...]:
        return tuple(sys.builtin_module_names)


class _ConfinedEnvironment(InterpreterEnvironment):
    def __init__(self, resolver: Resolver) -> None:
        super().__init__()
        self._resolver = resolver

    def get_inference_state_subprocess(self, inference_state: Any) -> _ConfinedProcess:
        return _ConfinedProcess(inference_state, self._resolver)

    def get_sys_path(self) -> list[str]:
        return []


_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def source_roots(resolver: Resolver, rel: str) -> list[str]:
    """Where absolute imports in the workspace file ``rel`` may start, first first: the directory above
    the file's outermost package (a chain of directories with ``__init__.py``), the nearest directory
    above it with a project file (``pyproject.toml``, ``setup.py``, ``setup.cfg``) and its ``src/``,
    then the workspace and its ``src/``.  jedi's own "smart" sys.path guesses the same, by path."""
    roots: list[str] = []
    directory = os.path.dirname(rel)
    while directory and resolver.is_file(f"{directory}/__init__.py"):
        directory = os.path.dirname(directory)
    roots.append(directory)
    project = directory
    while project:
        if any(resolver.is_file(f"{project}/{marker}") for marker in _PROJECT_MARKERS):
            roots += [project, f"{project}/src"]
            break
        project = os.path.dirname(project)
    roots += ["", "src"]
    return [r for r in dict.fromkeys(roots) if r == "" or resolver.is_dir(r)]


def _trim_parser_cache() -> None:
    """Keep parso's trees of workspace modules within MAX_TREE_SOURCE_BYTES of source, newest used first."""
    items: list[tuple[float, int, dict[Any, Any], Any]] = []
    total = 0
    for by_path in parso.cache.parser_cache.values():
        for path, item in by_path.items():
            if workspace_path(path) is None:
                continue  # typeshed stubs stay: they are read once, before the credentials drop
            size = sum(len(line) for line in item.lines)
            total += size
            items.append((item.last_used, size, by_path, path))
    if total <= MAX_TREE_SOURCE_BYTES:
        return
    items.sort(key=lambda i: i[0])
    for _, size, by_path, path in items:
        if total <= MAX_TREE_SOURCE_BYTES:
            break
        by_path.pop(path, None)
        total -= size


class JediBusy(Exception):
    """Another call held jedi for all of this call's time (or this call was cancelled while waiting)."""


class JediAnswer:
    """One jedi analysis: a project over the virtual root, scripts made from sources read by us.

    Entering waits for jedi (one analysis at a time per helper) at most until ``budget`` runs out,
    checking its stop flag as it waits, and raises JediBusy then."""

    def __init__(self, root: Workspace, budget: Budget) -> None:
        self.resolver = Resolver(root)
        self.environment = _ConfinedEnvironment(self.resolver)
        self.budget = budget

    def __enter__(self) -> JediAnswer:
        while not _JEDI_LOCK.acquire(timeout=0.05):
            if self.budget.spent():
                raise JediBusy("jedi was busy with another call for all of this call's time")
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            _trim_parser_cache()
        finally:
            _JEDI_LOCK.release()

    def script(self, rel: str, source: bytes) -> jedi.Script:
        roots = [virtual(r) for r in source_roots(self.resolver, rel)]
        project = jedi.Project(VIRTUAL_ROOT, sys_path=roots, smart_sys_path=False,
                               load_unsafe_extensions=False)
        return jedi.Script(source.decode("utf-8", "replace"), path=Path(virtual(rel)), project=project,
                           environment=self.environment)


def definition_key(name: Any) -> tuple[str, int | None, int | None]:
    return str(name.module_path) if name.module_path is not None else (name.module_name or ""), name.line, name.column


def container_of(name: Any) -> str | None:
    """``Cls`` of ``pkg.mod.Cls.meth`` (jedi's full name minus its module and own name)."""
    full = name.full_name or ""
    module = name.module_name or ""
    if module and full.startswith(module + "."):
        middle = full[len(module) + 1:]
        head, _, _ = middle.rpartition(".")
        return head or None
    return None


def names_in(script: jedi.Script, name: str, budget: Budget) -> Iterator[Any]:
    """Every occurrence of ``name`` in a script (definitions, uses, attributes), in order."""
    for found in script.get_names(all_scopes=True, definitions=True, references=True):
        if budget.spent():
            return
        if found.name == name:
            yield found
