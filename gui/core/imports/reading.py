"""Reading a big JSON export a value at a time.

A ChatGPT export is one array of hundreds of megabytes. `json.loads` on it would hold
the interpreter lock for seconds (the window would freeze even though the import runs
on another thread) and keep every parsed object at once. Here the file is read in
pieces and each element of the top-level array (or each member of the top-level
object) is parsed on its own: a short step each, memory bounded by one element.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from gui.core.imports.report import ImportRefused

#: the largest export read as a stream: a heavy user's ChatGPT history, not a disk image
MAX_STREAM_BYTES = 1024 * 1024 * 1024
#: the largest single conversation (one element) held at once
MAX_ELEMENT_CHARS = 128 * 1024 * 1024
_CHUNK = 1 << 20
_WHITESPACE = " \t\r\n"
_DECODER = json.JSONDecoder()


class Export:
    """The bytes of an export, read in pieces; closing it closes what it was read from."""

    def __init__(self, file: IO[bytes], *also: IO[bytes] | zipfile.ZipFile) -> None:
        self._file = file
        self._also = also

    def read(self, size: int) -> bytes:
        """The next bytes; a damaged archive member is a refusal, not a crash."""
        try:
            return self._file.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise ImportRefused("damaged", f"the archive is damaged ({error}).") from None

    def close(self) -> None:
        for closing in (self._file, *self._also):
            closing.close()

    def __enter__(self) -> Export:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_export(path: Path) -> tuple[Export, int]:
    """The export's bytes and their size: the file itself, or `conversations.json`
    inside a ChatGPT export .zip. OSError for a missing or special file."""
    found = os.stat(path)
    if stat.S_ISDIR(found.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(path))
    if not stat.S_ISREG(found.st_mode):
        kind = "a pipe" if stat.S_ISFIFO(found.st_mode) else "a device or socket"
        raise OSError(errno.EINVAL, f"not a regular file ({kind})", str(path))
    _limit(found.st_size)
    file = path.open("rb")
    try:
        if not zipfile.is_zipfile(file):
            file.seek(0)
            return Export(file), found.st_size
        archive = zipfile.ZipFile(file)
        try:
            members = [
                i for i in archive.infolist() if Path(i.filename).name == "conversations.json"
            ]
            if not members and "manifest.json" in archive.namelist():
                # A Besedka backup (gui/core/backup.py): its chats are the library inside.
                members = [i for i in archive.infolist() if i.filename == "library.json"]
            if not members:
                raise ImportRefused(
                    "no_conversations_json", "the archive holds no conversations.json."
                )
            member = min(members, key=lambda info: info.filename.count("/"))
            _limit(member.file_size)  # as the archive says; the reader counts what comes
            return Export(archive.open(member), archive, file), member.file_size
        except BaseException:
            archive.close()
            raise
    except BaseException:
        file.close()
        raise


def _limit(size: int) -> None:
    if size > MAX_STREAM_BYTES:
        raise ImportRefused(
            "too_big",
            f"the file is {size / 1_048_576:.0f} MB; Besedka imports exports of up to"
            f" {MAX_STREAM_BYTES // 1_048_576} MB.",
            size=size,
            limit=MAX_STREAM_BYTES,
        )


class JsonStream:
    """A JSON document read in pieces; `values` walks its top level."""

    def __init__(self, file: Export) -> None:
        self._file = file
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._text = ""
        self._pos = 0
        self._eof = False
        #: bytes read so far (for progress)
        self.bytes_read = 0
        self._first = True

    def _more(self, at_least: int = _CHUNK) -> bool:
        """Read another piece; False at the end of the file."""
        if self._eof:
            return False
        data = self._file.read(max(at_least, _CHUNK))  # an Export: refuses damage
        self.bytes_read += len(data)
        _limit(self.bytes_read)
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise ImportRefused("not_json", "the file is not UTF-8 text.") from None
        if self._first:
            text = text.removeprefix("\ufeff")  # a byte-order mark some tools write
            self._first = False
        self._text = self._text[self._pos :] + text
        self._pos = 0
        if not data:
            self._eof = True
        return True

    def _skip_space(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            text, pos = self._text, self._pos
            while pos < len(text) and text[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(text):
                return text[pos]
            if not self._more():
                return ""

    def _expect(self, char: str) -> None:
        if self._skip_space() != char:
            raise _broken()
        self._pos += 1

    def value(self) -> Any:
        """The next JSON value, parsed on its own."""
        self._skip_space()
        wanted = _CHUNK
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._pos)
            except json.JSONDecodeError:
                end = -1
            except RecursionError:
                raise _broken() from None
            if end >= 0 and (end < len(self._text) or self._eof):
                self._pos = end
                return value
            if len(self._text) - self._pos > MAX_ELEMENT_CHARS:
                raise ImportRefused(
                    "too_big", "one conversation is too big.", limit=MAX_ELEMENT_CHARS
                )
            if not self._more(wanted):
                raise _broken()
            wanted *= 2  # a big element: fewer retries of its parse

    def start(self) -> str:
        """ "[" or "{": what the document is; ImportRefused if neither."""
        char = self._skip_space()
        if char not in ("[", "{"):
            raise _broken()
        return char

    def values(self, spread: frozenset[str] = frozenset()) -> Iterator[tuple[str | None, Any]]:
        """(None, element) for each element of a top-level array; (key, value) for each
        member of a top-level object, and (key, element) for each element of a member
        named in `spread` that is an array (a library's list of chats)."""
        if self.start() == "[":
            for element in self._items("]"):
                yield None, element
        else:
            for key in self._items("}", keys=True):
                assert isinstance(key, str)
                if key in spread and self._skip_space() == "[":
                    for element in self._items("]"):
                        yield key, element
                else:
                    yield key, self.value()
        if self._skip_space() != "":
            raise _broken()

    def _items(self, closing: str, *, keys: bool = False) -> Iterator[Any]:
        """Inside an array (or an object, `keys`): each element (or each member's key, the
        caller reading its value) until `closing`."""
        self._pos += 1
        if self._skip_space() == closing:
            self._pos += 1
            return
        while True:
            if keys:
                key = self.value()
                if not isinstance(key, str):
                    raise _broken()
                self._expect(":")
                yield key
            else:
                yield self.value()
            char = self._skip_space()
            self._pos += 1
            if char == closing:
                return
            if char != ",":
                raise _broken()


def _broken() -> ImportRefused:
    return ImportRefused("not_json", "the file is not valid JSON.")
