"""The workspace resolver (``worker.tools.confine.Workspace``) on its own, both ways it resolves.

``openat2`` (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) where the kernel has it, and the
component-by-component walk with O_NOFOLLOW that replaces it elsewhere: every case runs with both,
and both must accept and refuse the same paths.  These tests run as whoever runs the suite (root
here), so nothing but the resolver stands between a path and a file outside the workspace.
"""

from __future__ import annotations

import ctypes
import errno
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from worker.tools.confine import MAX_SYMLINK_HOPS, PathError, Workspace, openat2_available

MODES = [pytest.param(True, id="openat2", marks=pytest.mark.skipif(not openat2_available(),
                                                                    reason="this kernel has no openat2")),
         pytest.param(False, id="walk")]


@pytest.fixture(params=MODES)
def use_openat2(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/ws (the workspace) and tmp/outside/secret.txt next to it."""
    ws = tmp_path / "ws"
    (ws / "sub/deeper").mkdir(parents=True)
    (ws / "sub/deeper/file.txt").write_text("inside\n")
    (ws / "top.txt").write_text("top\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET\n")
    return ws


@pytest.fixture
def space(tree: Path, use_openat2: bool) -> Iterator[Workspace]:
    ws = Workspace(tree, use_openat2=use_openat2)
    yield ws
    ws.close()


def read(ws: Workspace, path: str) -> str:
    fd = ws.open(path, os.O_RDONLY)
    try:
        return os.read(fd, 100).decode()
    finally:
        os.close(fd)


def test_plain_relative_and_absolute_inside(space: Workspace, tree: Path) -> None:
    assert read(space, "sub/deeper/file.txt") == "inside\n"
    assert read(space, "./sub/../top.txt") == "top\n"
    # absolute paths inside the workspace lose the prefix and work the same
    assert read(space, str(tree / "sub/deeper/file.txt")) == "inside\n"
    assert space.relative(str(tree)) == "."
    assert space.relative(str(tree) + "/") == "."


@pytest.mark.parametrize("path", ["..", "../outside/secret.txt", "sub/../../outside/secret.txt",
                                  "sub/deeper/../../../outside/secret.txt"])
def test_dot_dot_cannot_leave(space: Workspace, tree: Path, path: str) -> None:
    with pytest.raises(PathError, match="outside the workspace"):
        space.open(path, os.O_RDONLY)


def test_absolute_paths_elsewhere_are_refused(space: Workspace, tree: Path) -> None:
    for path in (str(tree.parent / "outside/secret.txt"), "/etc/passwd", "/", str(tree) + "x/file"):
        with pytest.raises(PathError, match=f"is outside the workspace {tree}"):
            space.open(path, os.O_RDONLY)


def test_nul_bytes_are_refused(space: Workspace) -> None:
    with pytest.raises(PathError, match="NUL"):
        space.open("top.txt\0/../../etc/passwd", os.O_RDONLY)


def test_symlinks_that_lead_outside_are_refused(space: Workspace, tree: Path) -> None:
    (tree / "abs_out").symlink_to(tree.parent / "outside")
    (tree / "rel_out").symlink_to("../outside")
    (tree / "sub/rel_out_deep").symlink_to("../../outside/secret.txt")
    for path in ("abs_out/secret.txt", "rel_out/secret.txt", "sub/rel_out_deep", "abs_out"):
        with pytest.raises(PathError, match="outside the workspace"):
            space.open(path, os.O_RDONLY)


def test_relative_symlink_chains_inside_are_followed(space: Workspace, tree: Path) -> None:
    (tree / "a").symlink_to("b")
    (tree / "b").symlink_to("sub/c")
    (tree / "sub/c").symlink_to("deeper/file.txt")
    (tree / "sub/up").symlink_to("..")  # the workspace itself: inside
    assert read(space, "a") == "inside\n"
    assert read(space, "sub/up/sub/up/top.txt") == "top\n"
    # a chain whose last link leaves is refused, however long the inside part
    (tree / "sub/deeper/leave").symlink_to("../../../outside/secret.txt")
    (tree / "x").symlink_to("sub/deeper/leave")
    with pytest.raises(PathError, match="outside the workspace"):
        space.open("x", os.O_RDONLY)


def test_symlink_loops_end_with_eloop(space: Workspace, tree: Path) -> None:
    (tree / "loop1").symlink_to("loop2")
    (tree / "loop2").symlink_to("loop1")
    with pytest.raises(OSError) as info:
        space.open("loop1", os.O_RDONLY)
    assert info.value.errno == errno.ELOOP
    assert MAX_SYMLINK_HOPS == 40


def test_absolute_symlink_inside_is_refused_with_the_relative_form(space: Workspace, tree: Path) -> None:
    (tree / "abs_in").symlink_to(tree / "sub/deeper")
    with pytest.raises(PathError) as info:
        space.open("abs_in/file.txt", os.O_RDONLY)
    text = str(info.value)
    assert "absolute symlink 'abs_in'" in text and "only relative symlinks" in text
    assert str(tree) in text
    assert "ln -sfn sub/deeper abs_in" in text


def test_magic_links_are_refused(space: Workspace, tree: Path, use_openat2: bool) -> None:
    # a symlink in the workspace to /proc/self/root (the root of the resolving process) ...
    (tree / "magic").symlink_to("/proc/self/root")
    with pytest.raises(PathError, match="outside the workspace"):
        space.open("magic/etc/passwd", os.O_RDONLY)
    # ... and magic links met *beneath* the root (/proc/self as the workspace): RESOLVE_NO_MAGICLINKS,
    # and the walk, which reads them as text and refuses the absolute "/" they hold
    proc = Workspace("/proc/self", use_openat2=use_openat2)
    try:
        for path in ("root/etc/passwd", "cwd", "root"):
            with pytest.raises(PathError):
                proc.open(path, os.O_RDONLY)
        fd = os.open(tree / "top.txt", os.O_RDONLY)
        try:
            with pytest.raises(PathError):
                proc.open(f"fd/{fd}", os.O_RDONLY)
        finally:
            os.close(fd)
    finally:
        proc.close()


def test_parent_follows_a_relative_final_symlink_and_makes_directories(space: Workspace, tree: Path) -> None:
    (tree / "link").symlink_to("sub/deeper/file.txt")
    dir_fd, name = space.parent("link")
    try:
        assert name == "file.txt"
        assert space.display(dir_fd, name) == "sub/deeper/file.txt"
    finally:
        os.close(dir_fd)
    dir_fd, name = space.parent("new/dirs/here.txt", create=True)
    try:
        assert name == "here.txt" and space.display(dir_fd) == "new/dirs"
    finally:
        os.close(dir_fd)
    assert (tree / "new/dirs").is_dir()
    # a dangling relative symlink among the parents is followed (and its target made), like mkdir -p
    (tree / "dangling").symlink_to("made/by/link")
    dir_fd, name = space.parent("dangling/f.txt", create=True)
    os.close(dir_fd)
    assert (tree / "made/by/link").is_dir()
    with pytest.raises(IsADirectoryError):
        space.parent("sub/")
    with pytest.raises(PathError, match="outside the workspace"):
        space.parent("..")
    (tree / "abs_file").symlink_to(tree.parent / "outside/secret.txt")
    with pytest.raises(PathError, match="outside the workspace"):
        space.parent("abs_file")
    with pytest.raises(PathError, match="outside the workspace"):
        space.parent("sub/../../outside/new.txt", create=True)
    with pytest.raises(FileNotFoundError):  # "missing/.." is not made: the kernel says ENOENT for it
        space.parent("missing/../../outside/new.txt", create=True)
    assert not (tree / "missing").exists()
    assert sorted(os.listdir(tree.parent / "outside")) == ["secret.txt"]


_libc = ctypes.CDLL(None, use_errno=True)
RENAME_EXCHANGE = 2


def test_a_directory_swapped_with_a_symlink_never_leads_outside(space: Workspace, tree: Path) -> None:
    """A thread exchanges ``d`` (a directory) and ``l`` (a symlink to the outside directory) with
    renameat2(RENAME_EXCHANGE) as fast as it can, while this thread resolves ``d/secret.txt`` and
    ``d``'s parent for a write: every resolution lands inside, or is refused."""
    (tree / "d").mkdir()
    (tree / "d/secret.txt").write_text("decoy\n")
    (tree / "l").symlink_to(tree.parent / "outside")
    outside = os.stat(tree.parent / "outside")
    secret = os.stat(tree.parent / "outside/secret.txt")
    stop = threading.Event()
    swaps = 0

    def swapper() -> None:
        nonlocal swaps
        d, link = os.fsencode(tree / "d"), os.fsencode(tree / "l")
        while not stop.is_set():
            if _libc.renameat2(-100, d, -100, link, RENAME_EXCHANGE) == 0:
                swaps += 1

    thread = threading.Thread(target=swapper)
    thread.start()
    inside = refused = 0
    try:
        for _ in range(3000):
            try:
                fd = space.open("d/secret.txt", os.O_RDONLY)
            except (PathError, OSError):  # refused, or the walk that says why met the other state
                refused += 1
            else:
                st = os.fstat(fd)
                os.close(fd)
                assert (st.st_dev, st.st_ino) != (secret.st_dev, secret.st_ino)
                inside += 1
            try:
                dir_fd, _name = space.parent("d/new.txt", create=True)
            except (PathError, OSError):
                continue
            st = os.fstat(dir_fd)
            os.close(dir_fd)
            assert (st.st_dev, st.st_ino) != (outside.st_dev, outside.st_ino)
    finally:
        stop.set()
        thread.join()
    assert swaps > 100, swaps
    assert inside and refused, (inside, refused)
    assert sorted(os.listdir(tree.parent / "outside")) == ["secret.txt"]
