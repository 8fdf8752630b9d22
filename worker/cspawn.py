"""``posix_spawn(3)`` called through ctypes, so the calling thread does not hold the GIL meanwhile.

CPython's ``os.posix_spawn`` keeps the GIL for the whole vfork-until-exec (0.2-0.5 ms here, more
on a busy machine), so even a spawn on another thread stops the worker's event loop for that
long.  A ctypes call releases the GIL; the vfork child runs only glibc's spawn code, no Python.

Only what the worker needs: dup2, open and closefrom file actions, a new session, default dispositions for
some signals and an empty signal mask.  The caller's thread credentials are inherited (the
tool-user spawner thread relies on that).  What is the same for every spawn (the argv array, the
attributes, the encoded environment) is built once, in a ``SpawnTemplate``.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence
from typing import Any

__all__ = ["CLOSEFROM", "SpawnTemplate"]

# A file action of ours (not os.posix_spawn's): ``(CLOSEFROM, low)`` closes every descriptor from
# ``low`` up in the child (glibc >= 2.34), so nothing the worker holds reaches a tool process.
CLOSEFROM = -1

_POSIX_SPAWN_SETSIGMASK = 0x08
_POSIX_SPAWN_SETSIGDEF = 0x04
_POSIX_SPAWN_SETSID = 0x80  # glibc >= 2.26
# Opaque glibc structs: 80 and 336 bytes on x86_64 and aarch64; room to spare elsewhere.
_FILE_ACTIONS_SIZE = 1024
_ATTR_SIZE = 1024
_SIGSET_SIZE = 128

_libc: Any = None


def _load_libc() -> Any:
    global _libc
    if _libc is None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.posix_spawn.restype = ctypes.c_int
        libc.posix_spawn.argtypes = [ctypes.POINTER(ctypes.c_int), ctypes.c_char_p, ctypes.c_void_p,
                                     ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        for name in ("posix_spawn_file_actions_addopen", "posix_spawn_file_actions_addclosefrom_np",
                     "posix_spawnattr_setflags", "sigaddset"):
            getattr(libc, name)  # AttributeError when this libc lacks it
        _libc = libc
    return _libc


class SpawnTemplate:
    """Spawns of one program with one base environment; per spawn only file actions and a few
    extra variables differ.  Raises OSError or AttributeError when libc cannot do it."""

    def __init__(self, argv: Sequence[str], base_env: dict[str, str], default_signals: Sequence[int]) -> None:
        libc = _load_libc()
        self._libc = libc
        self._path = os.fsencode(argv[0])
        self._args = [os.fsencode(a) for a in argv]
        self._argv = (ctypes.c_char_p * (len(self._args) + 1))(*self._args, None)
        self._env = [os.fsencode(k) + b"=" + os.fsencode(v) for k, v in base_env.items()]
        self._env_keys = set(base_env)
        self._attr = ctypes.create_string_buffer(_ATTR_SIZE)
        _check(libc.posix_spawnattr_init(self._attr), "posix_spawnattr_init")
        sigdef = ctypes.create_string_buffer(_SIGSET_SIZE)
        empty = ctypes.create_string_buffer(_SIGSET_SIZE)
        libc.sigemptyset(sigdef)
        libc.sigemptyset(empty)
        for sig in default_signals:
            libc.sigaddset(sigdef, sig)
        _check(libc.posix_spawnattr_setsigdefault(self._attr, sigdef), "setsigdefault")
        _check(libc.posix_spawnattr_setsigmask(self._attr, empty), "setsigmask")
        flags = _POSIX_SPAWN_SETSID | _POSIX_SPAWN_SETSIGDEF | _POSIX_SPAWN_SETSIGMASK
        _check(libc.posix_spawnattr_setflags(self._attr, ctypes.c_short(flags)), "setflags")

    def prepare(self, extra_env: dict[str, str], actions: Sequence[tuple[Any, ...]]) -> PreparedSpawn:
        """The C arguments of one spawn (with the GIL, a few tens of microseconds).

        ``actions`` are ``os.posix_spawn`` file actions (``POSIX_SPAWN_DUP2`` and ``POSIX_SPAWN_OPEN``)
        and ``(CLOSEFROM, low)``.
        """
        return PreparedSpawn(self, extra_env, actions)

    def run(self, prepared: PreparedSpawn) -> int:
        """Spawn; returns the pid.  The GIL is released for the spawn itself."""
        pid = ctypes.c_int(0)
        try:
            err = self._libc.posix_spawn(ctypes.byref(pid), self._path, prepared.file_actions, self._attr,
                                         self._argv, prepared.envp)
        finally:
            prepared.free()
        if err != 0:
            raise OSError(err, f"posix_spawn {self._path!r}: {os.strerror(err)}")
        return pid.value


class PreparedSpawn:
    """File actions and environment of one spawn; they live until ``SpawnTemplate.run`` returns."""

    __slots__ = ("_libc", "envp", "file_actions")

    def __init__(self, template: SpawnTemplate, extra_env: dict[str, str],
                 actions: Sequence[tuple[Any, ...]]) -> None:
        libc = self._libc = template._libc
        extra = [os.fsencode(k) + b"=" + os.fsencode(v) for k, v in extra_env.items()]
        if template._env_keys.isdisjoint(extra_env):
            entries = template._env + extra
        else:  # an extra variable replaces the base one
            keep = tuple(os.fsencode(k) + b"=" for k in template._env_keys - set(extra_env))
            entries = [e for e in template._env if e.startswith(keep)] + extra
        self.envp = (ctypes.c_char_p * (len(entries) + 1))(*entries, None)  # holds the bytes alive
        self.file_actions: Any = ctypes.create_string_buffer(_FILE_ACTIONS_SIZE)
        _check(libc.posix_spawn_file_actions_init(self.file_actions), "posix_spawn_file_actions_init")
        try:
            for action in actions:
                if action[0] == os.POSIX_SPAWN_DUP2:
                    _, fd, target = action
                    _check(libc.posix_spawn_file_actions_adddup2(self.file_actions, fd, target), "adddup2")
                elif action[0] == CLOSEFROM:
                    _check(libc.posix_spawn_file_actions_addclosefrom_np(self.file_actions, action[1]), "closefrom")
                elif action[0] == os.POSIX_SPAWN_OPEN:
                    _, target, path, flags, mode = action
                    _check(libc.posix_spawn_file_actions_addopen(self.file_actions, target, os.fsencode(path),
                                                                 flags, mode), "addopen")
                else:
                    raise ValueError(f"unknown file action {action[0]!r}")
        except BaseException:
            self.free()
            raise

    def free(self) -> None:
        if self.file_actions is not None:
            self._libc.posix_spawn_file_actions_destroy(self.file_actions)
            self.file_actions = None


def _check(err: int, what: str) -> None:
    if err != 0:
        raise OSError(err, f"{what}: {os.strerror(err)}")
