"""A sent attachment taken out again (blocking: run these in a thread).

- its text for the preview (a PDF's through pypdf), only the beginning of a big one;
- a copy to open in the desktop's program: in a private folder (0700) under the temp
  folder, named as the original, never executable (0600); only for kinds that open in a
  viewer (`can_open`) — a script, a program or a .desktop file is only ever saved;
- a copy saved where the person chose.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

__all__ = [
    "OPENABLE",
    "PREVIEW_CHARS",
    "can_open",
    "open_copy",
    "open_root",
    "preview_text",
    "safe_name",
    "save_copy",
    "sweep_open_copies",
]

#: What opens in a viewer, by the name's ending (anything else: Save as… only).
_VIEWED = ".png .jpg .jpeg .gif .webp .bmp .tif .tiff .pdf .txt .md .markdown .csv .tsv .log"
OPENABLE = frozenset(f"{_VIEWED} .rst .docx .pptx .epub".split())
PREVIEW_CHARS = 100_000
_PDF = "application/pdf"


def can_open(name: str) -> bool:
    return Path(safe_name(name, "file")).suffix.lower() in OPENABLE


def safe_name(name: str, fallback: str) -> str:
    """The file's own name without folders, control characters or a leading dot."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".").strip()
    return base[:200] or fallback


def preview_text(path: str, mime: str, limit: int = PREVIEW_CHARS) -> tuple[str, bool]:
    """The beginning of a document's text and whether there is more."""
    if mime == _PDF:
        from pypdf import PdfReader

        pages: list[str] = []
        length = 0
        reader = PdfReader(path)
        for page in reader.pages:
            text = page.extract_text() or ""
            pages.append(text)
            length += len(text) + 2
            if length > limit:
                break
        joined = "\n\n".join(pages)
        return joined[:limit], len(joined) > limit or len(pages) < len(reader.pages)
    with open(path, "rb") as reading:
        data = reading.read(limit * 4 + 1)
    text = data.decode("utf-8", "replace")
    return text[:limit], len(text) > limit or len(data) > limit * 4


def open_root() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"besedka-{uid}-attachments"


def _private(folder: Path) -> Path:
    """A folder only we can enter; refused when someone else made it (or a link)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode) or not mine:
        raise PermissionError(f"{folder} is not ours")
    os.chmod(folder, 0o700)
    return folder


def open_copy(path: str, name: str, sha256: str, root: Path | None = None) -> Path:
    """A read-only copy named as the original, for the desktop to open."""
    top = _private(root or open_root())
    folder = _private(top / sha256[:16])
    target = folder / safe_name(name, sha256[:16])
    if not target.is_file() or target.stat().st_size != os.stat(path).st_size:
        _copy_whole(path, target, 0o600, ".copy-")
    os.chmod(target, 0o400)
    os.utime(target)  # opened today: the sweep leaves it a day
    return target


def save_copy(path: str, target: str) -> None:
    """The file written where the person chose (whole, or not at all)."""
    _copy_whole(path, Path(target), 0o644, ".besedka-")


def _copy_whole(path: str, target: Path, mode: int, prefix: str) -> None:
    """`path` copied to `target` through a temporary file beside it: whole, or not at all."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix)
    try:
        with open(path, "rb") as reading, os.fdopen(handle, "wb") as writing:
            shutil.copyfileobj(reading, writing, 1024 * 1024)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def sweep_open_copies(root: Path | None = None, older_than_s: float = 86_400.0) -> int:
    """Remove copies opened more than a day ago (a viewer may still have today's)."""
    top = root or open_root()
    if not top.is_dir() or top.is_symlink():
        return 0
    removed, now = 0, time.time()
    for folder in top.iterdir():
        if folder.is_symlink() or not folder.is_dir():
            continue
        for copy in folder.iterdir():
            with contextlib.suppress(OSError):
                if now - copy.lstat().st_mtime > older_than_s:
                    copy.unlink()
                    removed += 1
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty
    return removed
