"""Text that is valid Unicode, whatever JSON escapes a server sent.

JSON may carry an emoji as two escapes, `"\\ud83d\\ude80"`, and a server that cuts its
deltas by UTF-16 units sends them in two events. Python's `json` then gives two lone
surrogates, which print as garbage and raise UnicodeEncodeError when written to SQLite,
a file or a socket. Here a pair split across pieces is joined into its character and a
surrogate with no partner becomes U+FFFD. Only text that came through the standard
library's JSON parser can hold surrogates (orjson refuses them), so callers run this on
those pieces only.
"""

from __future__ import annotations

import re

__all__ = ["SurrogateJoiner", "has_surrogates", "mend"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def mend(text: str) -> str:
    """Pairs joined into their characters, lone halves replaced by U+FFFD."""
    if not has_surrogates(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _is_high(char: str) -> bool:
    return "\ud800" <= char <= "\udbff"


class SurrogateJoiner:
    """Mends consecutive pieces of one text: a high surrogate at the end of a piece waits
    for the low one at the start of the next."""

    def __init__(self) -> None:
        self._held = ""

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def feed(self, piece: str) -> str:
        if self._held:
            piece, self._held = self._held + piece, ""
        if piece and _is_high(piece[-1]):
            piece, self._held = piece[:-1], piece[-1]
        return mend(piece)

    def close(self) -> str:
        """What is held at the end: a half with no partner."""
        held, self._held = self._held, ""
        return "\ufffd" if held else ""
