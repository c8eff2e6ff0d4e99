"""Math in replies, the Qt-free half: where markdown-it finds it, the `<img>` that names
it, and typesetting LaTeX to SVG with ziamath (run on a worker thread by
gui/widgets/markdown_math_images.py, which paints it for the view).

The image name carries the LaTeX itself (`math:i/<base64url>`, `d/` for display math), so
the HTML stays a pure function of the text, and nothing outside the view's own image
handler can resolve it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = [
    "MATH_SCHEME",
    "MAX_MATH_CHARS",
    "MathError",
    "Typeset",
    "math_html",
    "math_url",
    "parse_math_url",
    "typeset",
    "use_math",
]

MATH_SCHEME = "math"
#: Longer "math" is shown as code (text that wraps): typesetting 1,000 characters takes
#: ziamath about a second, and nobody reads a formula that long as one picture.
MAX_MATH_CHARS = 1000
#: Inline math tokens (in a paragraph) and block math tokens, as mdit-py-plugins names them.
INLINE_TOKENS = frozenset({"math_inline", "math_inline_double"})
BLOCK_TOKENS = frozenset({"math_block", "math_block_label", "math_block_eqno"})


class MathError(Exception):
    """LaTeX that ziamath cannot typeset; the view shows its source instead."""


class Typeset(NamedTuple):
    """An expression as SVG, with its box in pixels: `ascent` above the baseline."""

    svg: str
    width: float
    ascent: float
    descent: float


def use_math(md: MarkdownIt) -> None:
    """`$…$`, `$$…$$`, `\\(…\\)`, `\\[…\\]`. Prices stay text: no space just inside a `$`,
    no digit just after the closing one ("$5 and $10" is not math), no blank line in
    `$$…$$` (LaTeX forbids it, and it keeps split_blocks' cuts valid)."""
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.texmath import texmath_plugin

    dollarmath_plugin(
        md,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    texmath_plugin(md, delimiters="brackets")


def math_url(latex: str, display: bool) -> str:
    """The image name for `latex`: base64url, so no character of it means anything to
    QUrl or to the HTML parser."""
    import base64

    data = base64.urlsafe_b64encode(latex.encode("utf-8", "surrogatepass")).decode("ascii")
    return f"{MATH_SCHEME}:{'d' if display else 'i'}/{data.rstrip('=')}"


def parse_math_url(url: str) -> tuple[str, bool] | None:
    """(latex, display) for a name math_url made, None for anything else."""
    import base64
    import binascii

    head, _, data = url.partition("/")
    if head.lower() not in (f"{MATH_SCHEME}:i", f"{MATH_SCHEME}:d") or not data:
        return None
    try:
        raw = base64.b64decode(data + "=" * (-len(data) % 4), altchars=b"-_", validate=True)
        latex = raw.decode("utf-8", "surrogatepass")
    except (binascii.Error, ValueError):
        return None
    return (latex, head[-1].lower() == "d") if latex else None


def math_html(latex: str, display: bool) -> str:
    """An image the view's handler typesets (centred on its own line for display math),
    or, for empty or oversized math, the source in code style. The title is the source:
    a tooltip, and what a test or a screen reader can read."""
    source = latex.strip()
    if not source or len(source) > MAX_MATH_CHARS:
        delimiter = "$$" if display else "$"
        return f"<code>{_escape(delimiter + latex + delimiter)}</code>"
    image = (
        f'<img src="{math_url(source, display)}" title="{_escape(source)}" '
        'style="vertical-align:middle">'
    )
    return f'<p align="center">{image}</p>\n' if display else image


def typeset(latex: str, display: bool, size: float, colour: str) -> Typeset:
    """LaTeX → SVG at `size` pixels in `colour` (#rrggbb); MathError if it does not parse.
    Pure Python, ~1–20 ms an expression (160 ms for the first: the font loads)."""
    import warnings

    # ziamath loads its font at import through importlib.resources.path (deprecated):
    # a narrow filter, added for good (a catch_warnings on this thread would race the GUI's).
    warnings.filterwarnings(
        "ignore", "path is deprecated", DeprecationWarning, r"ziamath\.zmath|ziafont\.font"
    )
    import re
    from xml.etree import ElementTree

    from ziamath.config import config
    from ziamath.tex import tex2mml
    from ziamath.zmath import Math

    config.svg2 = False  # xlink:href, which QtSvg reads
    try:
        # latex2mathml leaves "<" and "&" of \text{…} raw in the MathML: escape them, as
        # fromlatex would not.
        mathml = tex2mml(latex, inline=not display).replace("\\&", "&")
        mathml = re.sub(r"&(?!#?\w+;)", "&amp;", re.sub(r"<(?![A-Za-z/!?])", "&lt;", mathml))
        element = ElementTree.fromstring(mathml)
        element.attrib["mathcolor"] = colour
        math = Math(element, size=size)
        svg = math.svg()
        bbox = math.node.bbox
    except Exception as error:  # latex2mathml and ziamath raise many kinds; all mean "no"
        raise MathError(type(error).__name__) from None
    margin = math.margin
    return Typeset(
        svg=svg,
        width=bbox.xmax - bbox.xmin + 2 * margin,
        ascent=bbox.ymax + margin,
        descent=-bbox.ymin + margin,
    )


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&#x27;")
