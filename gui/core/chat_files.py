"""A chat written to a file (Markdown, JSON or HTML) and a JSON export read back.

Qt-free, for the window and the command line alike. An export replaces its file in one
step (a temporary file beside it, synced, then `os.replace`): a full disk leaves the old
file as it was, never half of each. Only regular files are written or read: a pipe would
hold the window until something opened its other end, a device would take the text
anywhere.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gui.core.errors import english
from gui.core.store.json_import import too_big

if TYPE_CHECKING:
    from gui.core.store import Conversation, Store
    from gui.values import ErrorInfo

__all__ = ["export_file", "import_file", "write_atomically"]


def export_file(
    store: Store,
    conversation_id: int,
    path: Path,
    kind: str,
    *,
    label_of: Callable[[str], str],
    error_text: Callable[[ErrorInfo], str] | None = None,
) -> None:
    """Write a chat as Markdown ("md"), JSON or HTML; OSError when the file cannot be
    (the file that was there is then unchanged).

    Markdown and HTML are documents for a person: providers by label (`label_of`), failures
    worded by `error_text` (else plain English, `gui.core.errors.english`), the active path
    only. JSON keeps the whole tree and both as data, for import."""
    if kind == "json":
        text = store.export_json(conversation_id)
    else:
        export = store.export_html if kind == "html" else store.export_markdown
        text = export(conversation_id, label_of=label_of, error_text=error_text or english)
    write_atomically(Path(path), text.encode("utf-8"))


def import_file(store: Store, path: Path) -> Conversation:
    """Add a chat exported as JSON: OSError, UnicodeDecodeError or StoreError if not (a
    file above `json_import.MAX_IMPORT_BYTES` is refused before it is read)."""
    path = Path(path)
    found = os.stat(path)
    _refuse_special(path, found)
    refusal = too_big(found.st_size)
    if refusal is not None:
        raise refusal
    return store.import_json(path.read_text(encoding="utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step; a symbolic link is written through to its
    target. OSError for a target that is not a regular file, or when writing fails (then
    nothing changed and no temporary file is left)."""
    target = Path(os.path.realpath(path))
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None:
        _refuse_special(path, existing)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            if existing is not None:
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


def _refuse_special(path: Path, found: os.stat_result) -> None:
    """OSError unless `found` is a regular file."""
    if stat.S_ISREG(found.st_mode):
        return
    if stat.S_ISDIR(found.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    kind = "a pipe" if stat.S_ISFIFO(found.st_mode) else "a device or socket"
    raise OSError(errno.EINVAL, f"not a regular file ({kind})", str(path))


def _sync_folder(folder: Path) -> None:
    """The rename itself survives a power cut too (where the system allows it)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
