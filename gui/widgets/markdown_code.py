"""Fenced code in a reply: its label line with a Copy link and its Pygments highlighting.

Split from markdown.py; no Qt, and Pygments loads on the first highlighted block, not at
start-up.
"""

from __future__ import annotations

import contextlib
import functools
import unicodedata
from collections.abc import Iterator
from typing import Any

__all__ = ["HIGHLIGHT_BUDGET", "code_html", "language", "reusing", "shebang_language"]

# Highlighting is the costliest step (~1.5 µs per character); past this many characters per
# message code is shown plain, so a huge reply still renders in well under a second.
HIGHLIGHT_BUDGET = 100_000
_MAX_LABEL = 32

_PYGMENTS_STYLE = {False: "default", True: "github-dark"}
_FALLBACK_TEXT = {False: "#1f2328", True: "#e6edf3"}
MUTED = {False: "#6e7781", True: "#9198a1"}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code_html(
    code: str, lang: str, *, dark: bool, href: str, copy_label: str, budget: int
) -> tuple[str, int]:
    """A label line with a Copy link (`copy_label` already escaped), then the highlighted
    block on its own background; and the highlight budget left."""
    if not lang and code.startswith("#!"):
        lang = shebang_language(code)
    body, budget = _highlight(code, lang, dark, budget)
    html = (
        f'<p style="margin-top:8px;margin-bottom:0px"><small>'
        f'<span style="color:{MUTED[dark]}">{_escape(lang or "text")}</span>'
        f'&nbsp;&nbsp;<a href="{href}">{copy_label}</a>'
        "</small></p>\n"
        f'<pre style="{_code_style(dark)}">{body}</pre>\n'
    )
    return html, budget


#: Within `reusing()`: the lines of a code block highlighted last (language, theme,
#: those lines, their HTML), which a block that grows from them reuses.
_reused: list[tuple[str, bool, str, str]] = []
_reusing = [False]


@contextlib.contextmanager
def reusing() -> Iterator[None]:
    """Highlight a streaming reply's open code block: the complete lines highlighted the
    last time are reused, only the new ones are highlighted (each part lexed from its
    start, which a string spanning them may colour differently until the block is
    complete: it is then highlighted whole, outside this)."""
    _reusing[0] = True
    try:
        yield
    finally:
        _reusing[0] = False


def _highlight(code: str, lang: str, dark: bool, budget: int) -> tuple[str, int]:
    lexer = _lexer(lang.lower()) if lang else None
    if lexer is None or len(code) > budget:
        return _escape(code), budget
    try:
        if _reusing[0]:
            return _grown(code, lang, lexer, dark), budget - len(code)
        return _pygments(code, lexer, dark), budget - len(code)
    except Exception:  # a third-party lexer choking on hostile text must not lose the reply
        return _escape(code), budget - len(code)


def _pygments(code: str, lexer: Any, dark: bool) -> str:
    # Imported lazily, like all of pygments here, to keep it off the startup path.
    from pygments import highlight  # type: ignore[import-untyped, unused-ignore]

    html = str(highlight(code, lexer, _formatter(dark)))
    return html[:-1] if html.endswith("\n") else html


def _grown(code: str, lang: str, lexer: Any, dark: bool) -> str:
    """`code` highlighted, reusing the lines highlighted last (see `reusing`)."""
    done, html = "", ""
    if _reused and _reused[0][:2] == (lang, dark) and code.startswith(_reused[0][2]):
        done, html = _reused[0][2], _reused[0][3]
    end = code.rfind("\n") + 1  # the complete lines
    if end > len(done):
        html += ("\n" if done else "") + _pygments(code[len(done) : end], lexer, dark)
        done = code[:end]
        _reused[:] = [(lang, dark, done, html)]
    rest = code[len(done) :]  # the line still coming
    return html + ("\n" if done else "") + _pygments(rest, lexer, dark) if rest else html


def language(info: str) -> str:
    """The fence's language word, without format characters (a bidi override in a label
    would reorder the Copy link beside it) and short enough for a label line."""
    words = info.split(maxsplit=1)
    word = words[0].strip("{}.") if words else ""
    return "".join(c for c in word if unicodedata.category(c)[0] not in "CZ")[:_MAX_LABEL]


def shebang_language(code: str) -> str:
    """`#!/usr/bin/env python3` → "python": the only guess cheap and reliable enough to make."""
    words = code[2 : code.find("\n") if "\n" in code else 200].split()
    if words and words[0].endswith("/env") and len(words) > 1:
        words = words[1:]
    name = words[0].rsplit("/", 1)[-1].rstrip("0123456789.") if words else ""
    return name if name.lower() in _lexer_aliases() else ""


@functools.cache
def _lexer_aliases() -> frozenset[str]:
    """Known lexer names, so an unknown fence language costs a set lookup, not a plugin scan."""
    from pygments.lexers import get_all_lexers  # type: ignore[import-untyped, unused-ignore]

    return frozenset(
        alias for _, aliases, _, _ in get_all_lexers(plugins=False) for alias in aliases
    )


@functools.lru_cache(maxsize=64)
def _lexer(lang: str) -> Any:
    if lang not in _lexer_aliases():
        return None
    from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped, unused-ignore]

    return get_lexer_by_name(lang, stripnl=False)


@functools.cache
def _formatter(dark: bool) -> Any:
    from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped, unused-ignore]

    return HtmlFormatter(noclasses=True, nowrap=True, style=_PYGMENTS_STYLE[dark])


@functools.cache
def _code_style(dark: bool) -> str:
    """The <pre> style: the Pygments style's own background and text colour, wrapped lines."""
    from pygments.styles import get_style_by_name  # type: ignore[import-untyped, unused-ignore]
    from pygments.token import Text  # type: ignore[import-untyped, unused-ignore]

    style = get_style_by_name(_PYGMENTS_STYLE[dark])
    colour = style.style_for_token(Text)["color"]
    foreground = f"#{colour}" if colour else _FALLBACK_TEXT[dark]
    return (
        f"background-color:{style.background_color};color:{foreground};"
        "white-space:pre-wrap;margin-top:2px;margin-bottom:8px"
    )
