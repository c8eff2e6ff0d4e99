"""Text SQLite can hold: Python strings may carry lone surrogates (JSON's "\\ud800", an
undecodable file name), which UTF-8 cannot encode, so saving them would raise
UnicodeEncodeError in the middle of a reply. They become U+FFFD; pairs become their
character."""

from __future__ import annotations

__all__ = ["clean", "clean_optional"]


def clean(text: str) -> str:
    """`text` as it can be saved; the same object when nothing needs replacing."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def clean_optional(text: str | None) -> str | None:
    return None if text is None else clean(text)
