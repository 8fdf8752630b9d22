"""What the gateway and every worker do to themselves at start, so tools cannot reach into them.

- ``close_inherited_on_exec``: every descriptor the process was started with (above stdio) gets
  close-on-exec.  Python opens its own descriptors that way (PEP 446), but one handed over on
  purpose (the worker's socket to the gateway, ``--fd``) or left open by whoever started the
  gateway is inheritable, and would reach every program started from here.
- ``make_undumpable``: ``PR_SET_DUMPABLE`` 0.  A process of the same user (tools, when the
  gateway does not run as root) can then neither ptrace it nor open its ``/proc/PID/fd``,
  ``environ`` or ``mem``: the kernel requires CAP_SYS_PTRACE for a non-dumpable process.

And one that is about memory, not reach: ``return_large_buffers`` (big freed buffers go back to the
kernel, so a burst of large answers does not leave the gateway holding their pages).
"""

from __future__ import annotations

import ctypes
import os

__all__ = ["close_inherited_on_exec", "make_undumpable", "return_large_buffers"]

PR_SET_DUMPABLE = 4


def close_inherited_on_exec() -> list[int]:
    """Set close-on-exec on every open descriptor above 2; returns the ones that lacked it."""
    changed = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd <= 2:
            continue
        try:
            if os.get_inheritable(fd):
                os.set_inheritable(fd, False)
                changed.append(fd)
        except OSError:  # the directory's own descriptor, closed by now
            continue
    return changed


def make_undumpable() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(PR_SET_DUMPABLE, 0): {os.strerror(err)}")


M_MMAP_THRESHOLD = -3  # mallopt parameters (glibc malloc.h)
M_ARENA_MAX = -8
LARGE_ALLOCATION = 1 << 20


def return_large_buffers() -> bool:
    """Make glibc give big buffers back to the kernel when they are freed.

    By default glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), after
    which blocks of several MiB (a file read for resources/read, its JSON answer) come from heaps that
    keep their pages when freed, one heap per thread that allocated: a gateway that has read many big
    files holds hundreds of MiB it no longer uses.  A fixed threshold (``LARGE_ALLOCATION``) serves every
    block at least that big by its own mmap, unmapped on free; two arenas bound the per-thread heaps.
    False where this is not glibc (nothing changed)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, LARGE_ALLOCATION)) and bool(mallopt(M_ARENA_MAX, 2))
