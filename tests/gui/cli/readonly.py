"""Run a child process that sees a folder read-only, as a profile on a read-only disk.

As root, permissions do not stop writes, so the child runs in a private mount namespace
where the folder is bind-mounted read-only (EROFS, the real thing); as anyone else the
folder is made unwritable with chmod (EACCES) until the test ends.
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

#: `sh -c` script: bind-mount $0 onto itself read-only, then run the command.
_REMOUNT = 'mount --bind -o ro "$0" "$0" && exec "$@"'


@functools.cache
def _can_remount() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run(
        [unshare, "--mount", "--propagation", "private", "sh", "-c", _REMOUNT, "/tmp", "true"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return probe.returncode == 0


class ReadOnly:
    """`wrap(argv)` gives the command line that runs `argv` with `folder` read-only."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._modes: dict[Path, int] = {}

    def wrap(self, argv: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return argv
        namespace = ["unshare", "--mount", "--propagation", "private", "sh", "-c", _REMOUNT]
        return [*namespace, str(self.folder), *argv]

    def lock(self) -> None:
        if os.geteuid() == 0:
            if not _can_remount():
                pytest.skip("root without mount namespaces: no way to make a folder read-only")
            return
        for path in [self.folder, *self.folder.rglob("*")]:
            mode = path.stat().st_mode
            self._modes[path] = mode
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))

    def unlock(self) -> None:
        for path, mode in self._modes.items():
            path.chmod(mode)
        self._modes.clear()


def read_only(folder: Path) -> Iterator[ReadOnly]:
    """A fixture body: the folder stays read-only for the child until the test ends."""
    guard = ReadOnly(folder)
    guard.lock()
    try:
        yield guard
    finally:
        guard.unlock()
