"""Workspace confinement: every path a tool touches must resolve inside the workspace."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PathError", "relative_to_workspace", "resolve_in_workspace"]


class PathError(ValueError):
    """A path that is malformed or lands outside the workspace."""


def resolve_in_workspace(workspace: str | Path, path: str | None, *, cwd: str | Path | None = None) -> Path:
    """Resolve ``path`` (relative to ``cwd`` or the workspace) with symlinks followed.

    Raises PathError for NUL bytes and for anything whose real location is not
    the workspace or below it (``..``, absolute paths elsewhere, symlink escapes).
    The path itself need not exist.
    """
    root = Path(os.path.realpath(workspace))
    if path is None or path == "":
        target = Path(cwd) if cwd is not None else root
    else:
        if "\0" in path:
            raise PathError("path contains a NUL byte")
        target = Path(path)
        if not target.is_absolute():
            target = (Path(cwd) if cwd is not None else root) / target
    resolved = Path(os.path.realpath(target))
    if resolved != root and root not in resolved.parents:
        shown = path if path else str(target)
        raise PathError(f"path {shown!r} resolves to {resolved}, which is outside the workspace {root}")
    return resolved


def relative_to_workspace(workspace: str | Path, path: Path) -> str:
    """The workspace-relative form of a resolved path ("" for the workspace itself)."""
    rel = os.path.relpath(path, os.path.realpath(workspace))
    return "" if rel == "." else rel
