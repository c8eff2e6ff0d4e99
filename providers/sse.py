"""Incremental server-sent-events decoder.

Network chunks split lines, `\\r\\n` pairs and UTF-8 characters anywhere; the decoder
keeps what it has not finished and returns complete events only. Follows the WHATWG
event-stream rules: `field: value` (one optional space), `:` comments, blank line
dispatches, `data` lines of one event joined by `\\n`.

Linear in the input however it is cut: an unfinished line is kept as a list of pieces
and joined once, when its end arrives (a 50 MB event in 16 KB reads must not be copied
3,000 times). A line or an event longer than `max_line` characters is an error rather
than memory without bound.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from providers.errors import ProtocolError

__all__ = ["DONE", "MAX_LINE", "SSEDecoder", "SSEEvent"]

DONE = "[DONE]"
#: Longest line (and event) accepted, in characters: far above any real reply.
MAX_LINE = 64 * 1024 * 1024


class SSEEvent(NamedTuple):
    """One dispatched event (a tuple: one is built for every token of a fast stream)."""

    data: str
    event: str = "message"
    id: str | None = None

    @property
    def is_done(self) -> bool:
        """OpenAI-style terminator `data: [DONE]`."""
        return self.data.strip() == DONE


class SSEDecoder:
    """Feed bytes, get complete events; call `close()` at end of stream."""

    def __init__(self, *, max_line: int | None = None) -> None:
        # utf-8-sig drops one byte-order mark at the start of the stream, as WHATWG says;
        # plain utf-8 would glue it to the first field name and lose the first event.
        self._utf8 = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self._max_line = max_line or MAX_LINE
        self._pieces: list[str] = []  # text after the last line break, not joined yet
        self._pending_size = 0
        self._skip_lf = False  # last chunk ended in \r: a leading \n belongs to it
        self._data: list[str] = []
        self._data_size = 0  # characters of `_data` counted by earlier feeds
        self._mark = 0
        self._event = ""
        self._id: str | None = None
        self._seen_field = False
        #: Complete lines seen so far (comments and blank lines too): stream progress.
        self.lines = 0

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        return self._feed_text(self._utf8.decode(chunk))

    def close(self) -> list[SSEEvent]:
        """Finish: an event not ended by a blank line is still delivered."""
        events = self._feed_text(self._utf8.decode(b"", final=True))
        if self._pieces:
            self._line(self._take_pending(), events)
        self._dispatch(events)
        return events

    @property
    def has_partial(self) -> bool:
        """True when bytes of an unfinished event are held (a cut stream)."""
        return bool(self._pieces or self._seen_field or self._utf8.getstate()[0])

    def _take_pending(self) -> str:
        pending = "".join(self._pieces)
        self._pieces = []
        self._pending_size = 0
        return pending

    def _too_long(self) -> ProtocolError:
        return ProtocolError(
            reason="line_too_long", params={"limit_mb": self._max_line // (1024 * 1024)}
        )

    def _feed_text(self, text: str) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        if not text:  # an empty chunk (or half a character) must not forget a pending \r
            return events
        if self._skip_lf and text.startswith("\n"):
            text = text[1:]
        self._skip_lf = False
        if not text:
            return events
        if "\n" not in text and "\r" not in text:  # still inside one line: keep the piece
            self._pending_size += len(text)
            if self._pending_size > self._max_line:
                raise self._too_long()
            self._pieces.append(text)
            return events
        buffer = self._take_pending() + text if self._pieces else text
        if "\r" in buffer:  # normalise \r\n and lone \r to \n, in linear time
            ends_in_cr = buffer.endswith("\r")
            if ends_in_cr:  # its \n may come in the next chunk
                buffer = buffer[:-1]
            buffer = buffer.replace("\r\n", "\n").replace("\r", "\n")
            if ends_in_cr:
                buffer += "\n"
                self._skip_lf = True
        self._mark = len(self._data)  # the lines this feed adds to an open event
        *lines, pending = buffer.split("\n")
        if pending:
            if len(pending) > self._max_line:
                raise self._too_long()
            self._pieces.append(pending)
            self._pending_size = len(pending)
        self.lines += len(lines)
        for line in lines:
            if line.startswith("data:"):  # nearly every line: inline
                value = line[5:]
                self._data.append(value[1:] if value.startswith(" ") else value)
                self._seen_field = True
            elif line:
                self._line(line, events)
            else:
                self._dispatch(events)
        if self._data:  # an event still open: count what this feed added, once
            self._data_size += sum(map(len, self._data[self._mark :]))
            if self._data_size > self._max_line:
                raise self._too_long()
        return events

    def _line(self, line: str, events: list[SSEEvent]) -> None:
        if not line:
            self._dispatch(events)
            return
        if line.startswith(":"):
            return
        field, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        self._seen_field = True
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id" and "\0" not in value:
            self._id = value

    def _dispatch(self, events: list[SSEEvent]) -> None:
        if self._data:
            events.append(SSEEvent("\n".join(self._data), self._event or "message", self._id))
        self._data = []
        self._data_size = 0
        self._mark = 0
        self._event = ""
        self._seen_field = False
