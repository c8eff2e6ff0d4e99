"""Importing other clients' exports, and Besedka's own library, into the history.

Qt-free: the window runs `import_path` on a worker thread, `besedka import` in its own
process. The format is found from the content, never the file name: Besedka's chat
JSON (`store.json_import`), Besedka's library (`library`), ChatGPT's
`conversations.json` or its export .zip (`chatgpt`), Chatbox's export (`chatbox`). The
result is a `Report` of counts; a file that cannot be read raises ImportRefused (a
reason code), StoreError or OSError, and then nothing was added.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from gui.core.imports import chatbox, chatgpt, library
from gui.core.imports.library import LIBRARY_FORMAT, export_library
from gui.core.imports.reading import JsonStream, open_export
from gui.core.imports.report import (
    BESEDKA,
    CHATBOX,
    CHATGPT,
    LIBRARY,
    SKIP_REASONS,
    Cancelled,
    Draft,
    ImportRefused,
    Report,
)
from gui.core.imports.writer import Progress, Writer
from gui.core.store import Store
from gui.core.store.export import FORMAT
from gui.core.store.json_import import from_data, too_big

__all__ = [
    "BESEDKA",
    "CHATBOX",
    "CHATGPT",
    "LIBRARY",
    "SKIP_REASONS",
    "Cancelled",
    "ImportRefused",
    "Report",
    "detect",
    "export_library",
    "import_path",
]


def import_path(
    store: Store,
    path: Path,
    *,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> Report:
    """Import one file, whatever it is. A cancelled import (`cancel` set) returns a
    report with `cancelled` and nothing added; a failure raises, nothing added."""
    report = Report(str(path))
    writer = Writer(store, report, cancel=cancel, progress=progress)
    try:
        for draft in _drafts(Path(path), report):
            writer.add(draft)
        writer.flush()
    except Cancelled:
        writer.undo()
        report.cancelled = True
    except BaseException:
        writer.undo()
        raise
    report.done_bytes = report.total_bytes
    return report


def detect(path: Path) -> str:
    """The format of a file, from its first values (ImportRefused when it is none of ours)."""
    report = Report(str(path))
    drafts = _drafts(Path(path), report)
    try:
        next(drafts, None)
    finally:
        drafts.close()
    if not report.format:
        raise _unknown()
    return report.format


def _drafts(path: Path, report: Report) -> Generator[Draft, None, None]:
    """Each conversation of the file as it is read; `report` learns the format, how far
    the reading is and what was left out."""
    file, size = open_export(path)
    report.total_bytes = size
    with file:
        stream = JsonStream(file)
        values = stream.values(spread=frozenset({"conversations", "chat-sessions", "messages"}))
        position = 0
        for key, value in values:
            report.done_bytes = stream.bytes_read
            if not position and not report.format:
                _first(report, key, value, size)
                if report.format == BESEDKA:
                    yield _single_chat(values, report, stream)
                    return
                if report.format == LIBRARY:
                    continue
            yield from _from_value(report, key, value, position)
            position += 1
        if not report.format:
            raise _unknown()


def _first(report: Report, key: str | None, value: Any, size: int) -> None:
    """What the file is, from its first value: a chat or a library names its format
    first, ChatGPT's export is a list of conversations; anything else may be Chatbox's."""
    if key == "format":
        if value == FORMAT:
            refusal = too_big(size)  # a chat file's own limit, as it always had
            if refusal is not None:
                raise refusal
            report.format = BESEDKA
        elif value == LIBRARY_FORMAT:
            report.format = LIBRARY
        else:
            raise _unknown()
    elif key is None:
        if not chatgpt.looks_like(value):
            raise _unknown()
        report.format = CHATGPT


def _single_chat(
    values: Iterator[tuple[str | None, Any]], report: Report, stream: JsonStream
) -> Draft:
    """A Besedka chat file, read a message at a time, then checked as a whole."""
    whole: dict[str, Any] = {"format": FORMAT, "messages": []}
    for key, value in values:
        report.done_bytes = stream.bytes_read
        if key == "messages":
            whole["messages"].append(value)
        elif key is not None:
            whole[key] = value
    return Draft(None, from_data(whole))


def _from_value(report: Report, key: str | None, value: Any, position: int) -> Iterator[Draft]:
    skipped: Counter[str] = report.skipped
    if report.format == CHATGPT:
        made = chatgpt.draft(value, skipped)
        if made is not None:
            yield made
    elif report.format == LIBRARY:
        if key == "version":
            library.check_version(value)
        elif key == "conversations":
            yield library.draft(value, position)
    elif chatbox.is_marker(key) or report.format == CHATBOX:
        report.format = CHATBOX
        yield from chatbox.drafts(key, value, skipped)


def _unknown() -> ImportRefused:
    return ImportRefused(
        "unknown_format",
        "this is not a Besedka, ChatGPT or Chatbox export.",
    )
