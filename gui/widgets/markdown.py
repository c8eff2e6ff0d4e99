"""Markdown → Qt rich-text HTML for the chat view, safe for hostile model output; no Qt here.

Model output is untrusted input shown in a QTextBrowser, which would happily load `<img>`
sources and follow any link. So this is a whitelist renderer over markdown-it tokens rather
than markdown-it's own HTML renderer: every tag and attribute it writes is spelled out below,
all text is escaped, raw HTML is shown as text, only http(s)/mailto links keep an href and
images become text plus a link, so nothing is fetched while rendering.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from gui.widgets.markdown_blocks import BULLETS, mark_task_lists, quote_close, quote_open, task_box
from gui.widgets.markdown_code import HIGHLIGHT_BUDGET, code_html, language
from gui.widgets.markdown_math import BLOCK_TOKENS, INLINE_TOKENS, math_html, use_math

if TYPE_CHECKING:  # markdown-it loads on the first render, not at start-up
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = [
    "COPY_SCHEME",
    "Rendered",
    "copy_link",
    "escape",
    "parse_copy_link",
    "render_markdown",
    "render_plain",
    "split_blocks",
]

COPY_SCHEME = "besedka"


def escape(text: str, quote: bool = True) -> str:
    """`html.escape`, the same replacements, without importing `html`: its entity tables
    cost the first frame 2 ms (tests/gui_render/test_markdown.py holds the two equal)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("'", "&#x27;")
    return text


# Patterns as text: `re` compiles each on first use (and caches it), not at start-up.
_COPY_RE = r"(?i:besedka):copy/(-?[0-9]{1,18})/([0-9]{1,9})"
_SAFE_HREF_RE = r"(?i)(?:https?://|mailto:)"
_IMAGE_HREF_RE = r"(?i)https?://"
_ALIGN_RE = r"text-align:\s*(left|right|center)"
# A space that another space follows, or one that starts a line, would collapse in HTML.
_SPACES_RE = r" (?= )|(?<=\n) |^ "

_INLINE_CODE_BG = {False: "#eff1f3", True: "#343942"}
_TABLE_BORDER = "#8c959f"
_HEADER_BG = {False: "#f6f8fa", True: "#262c36"}

_BLOCK_TAGS = {
    "paragraph": "p",
    "bullet_list": "ul",
    "ordered_list": "ol",
    "list_item": "li",
    "thead": "thead",
    "tbody": "tbody",
    "tr": "tr",
}
#: Qt gives a list's bottom margin to its last item even when a nested list follows that
#: item's text, opening a gap inside the list; the next block's top margin spaces it instead.
_LIST_STYLE = "margin-bottom:0px"
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_INLINE_TAGS = {"em": "em", "strong": "strong", "s": "s"}
_TABLE_OPEN = (
    f'<table border="1" cellspacing="0" cellpadding="4" '
    f'style="border-collapse:collapse;border-color:{_TABLE_BORDER}">'
)


class Rendered(NamedTuple):
    """One message's HTML plus the raw text of its code blocks, which the Copy links index."""

    html: str
    code_blocks: tuple[str, ...]


def copy_link(message_id: int, index: int) -> str:
    """The href of the Copy link for code block `index` of message `message_id`."""
    return f"{COPY_SCHEME}:copy/{message_id}/{index}"


def parse_copy_link(url: str) -> tuple[int, int] | None:
    """(message_id, block index) for a Copy link, None for any other URL."""
    match = re.fullmatch(_COPY_RE, url)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2))


def render_plain(text: str) -> str:
    """Escaped text whose line breaks and runs of spaces survive HTML (streaming, user input)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    text = escape(text.replace("\t", "    "), quote=False)
    return re.sub(_SPACES_RE, "&nbsp;", text).replace("\n", "<br>")


def render_markdown(
    text: str,
    *,
    dark: bool = False,
    message_id: int = 0,
    copy_label: str = "Copy",
    first_code_block: int = 0,
    math: bool = False,
) -> Rendered:
    """Render a finished reply; `dark` picks code colours, `message_id` goes into Copy links
    (numbered from `first_code_block`, for a reply rendered in pieces). With `math`, LaTeX
    becomes `<img src="math:…">` for the view's handler (gui/widgets/markdown_math_images.py);
    without it (a view that cannot paint it) it stays text.

    markdown-it stops parsing structure at its maxNesting (20) and drops what lies deeper;
    a reply nested that deep is shown as plain text instead, so no word goes missing.
    """
    parser = _parser(math)
    tokens = parser.parse(text)
    limit = parser.options["maxNesting"] - 1
    if any(token.level >= limit for token in tokens):
        return Rendered(html=f"<p>{render_plain(text)}</p>", code_blocks=())
    mark_task_lists(tokens)
    renderer = _Renderer(dark=dark, message_id=message_id, copy_label=copy_label)
    renderer.first_code_block = first_code_block
    renderer.render(tokens)
    return Rendered(html="".join(renderer.out), code_blocks=tuple(renderer.code_blocks))


#: The last split (a finished reply is split to decide and again to render): its
#: text, size and pieces.
_last_split: list[tuple[str, int, list[str]]] = []


def split_blocks(text: str, size: int) -> list[str]:
    """split_blocks, remembering the last text split (see `_split_blocks`)."""
    if _last_split and _last_split[0][1] == size and _last_split[0][0] is text:
        return list(_last_split[0][2])
    pieces = _split_blocks(text, size)
    _last_split[:] = [(text, size, pieces)]
    return list(pieces)


def _split_blocks(text: str, size: int) -> list[str]:
    """`text` in consecutive pieces of about `size` characters or more, cut only where
    rendering the pieces one by one gives what rendering the whole gives: before a line
    that starts a paragraph or heading at the margin, after a blank line, outside code
    fences. Never inside lists, quotes or tables; not at all when the text holds a link
    reference definition (it may be used anywhere). One exception: a reply nested past
    markdown-it's limit is plain text whole, but only in the piece that holds it."""
    lines = text.splitlines(keepends=True)
    if any(re.match(_REFERENCE_RE, line) for line in lines):
        return [text]
    pieces: list[str] = []
    start = length = 0
    fence = ""
    for index, line in enumerate(lines):
        length += len(line)
        if fence:
            if fence == "\\[" and "\\]" in line:
                fence = ""  # display math closed: it may hold blank lines
            elif re.match(_FENCE_RE, line) and line.strip().startswith(fence):
                fence = ""  # closed
            continue
        if opening := re.match(_FENCE_RE, line):
            fence = opening.group(1)
        elif line.lstrip().startswith("\\[") and "\\]" not in line:
            fence = "\\["
        elif (
            length - len(line) >= size
            and not lines[index - 1].strip()
            and re.match(_PIECE_START_RE, line)
        ):
            pieces.append("".join(lines[start:index]))
            start, length = index, len(line)
    pieces.append("".join(lines[start:]))
    return pieces


#: A link reference definition, `[label]: destination`.
_REFERENCE_RE = r" {0,3}\[[^\]]+\]:"
#: A code fence opening or closing; group 1 is the fence itself.
_FENCE_RE = r" {0,3}(`{3,}|~{3,})"
#: Where a piece may start: a heading, or a paragraph that no list, quote, table, code
#: block or thematic break could claim (a letter, or common punctuation, at the margin).
_PIECE_START_RE = r"#{1,6} |[^\W\d_]|[«\"'(¿¡]"


@functools.cache
def _parser(math: bool = False) -> MarkdownIt:
    """CommonMark + tables + strikethrough + task lists (+ math); raw HTML off, so it
    arrives as text."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.tasklists import tasklists_plugin

    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    parser.use(tasklists_plugin)
    if math:
        use_math(parser)
    return parser


class _Renderer:
    """Walks the flat token stream once (no recursion, so depth never costs stack)."""

    def __init__(self, *, dark: bool, message_id: int, copy_label: str = "Copy") -> None:
        self.dark = dark
        self.message_id = message_id
        self.copy_label = escape(copy_label)
        self.out: list[str] = []
        self.code_blocks: list[str] = []
        self.first_code_block = 0
        self.budget = HIGHLIGHT_BUDGET
        self.links: list[bool] = []  # one entry per open link: whether it became an <a>
        self.bullets = 0  # bullet lists open around the current token

    def render(self, tokens: Sequence[Token]) -> None:
        out = self.out
        for token in tokens:
            kind = token.type
            if kind == "inline":
                self.inline(token.children or ())
            elif kind in ("fence", "code_block"):
                self.code(token.content, token.info if kind == "fence" else "")
            elif kind == "hr":
                out.append("<hr>\n")
            elif kind in BLOCK_TOKENS:
                out.append(math_html(token.content, display=True))
            elif kind.endswith(("_open", "_close")):
                self.block_tag(token)
            elif token.content:  # html_block (html is off) or anything unforeseen: as text
                out.append(f"<p>{render_plain(token.content)}</p>\n")

    def block_tag(self, token: Token) -> None:
        opening = token.nesting == 1
        base = token.type.rsplit("_", 1)[0]
        if base == "paragraph" and token.hidden:  # tight list items
            return
        if base == "heading":
            tag = token.tag if token.tag in _HEADINGS else "p"
        elif base in ("th", "td"):
            tag = base
            if opening:
                align = re.fullmatch(_ALIGN_RE, str(token.attrs.get("style", "")))
                attrs = f' align="{align.group(1)}"' if align else ""
                if base == "th":
                    attrs += f' style="background-color:{_HEADER_BG[self.dark]}"'
                self.out.append(f"<{tag}{attrs}>")
                return
        elif base == "table":
            self.out.append(_TABLE_OPEN if opening else "</table>\n")
            return
        elif base == "blockquote":
            self.out.append(quote_open(self.dark) if opening else quote_close())
            return
        elif base == "bullet_list":
            self.bullet_list(token)
            return
        elif base in _BLOCK_TAGS:
            tag = _BLOCK_TAGS[base]
        else:
            return
        if not opening:
            self.out.append(f"</{tag}>\n")
        elif base == "ordered_list":
            start = _int_attr(token.attrs.get("start"))
            number = f' start="{start}"' if start not in (None, 1) else ""
            self.out.append(f'<ol{number} style="{_LIST_STYLE}">')
        else:
            self.out.append(f"<{tag}>")

    def bullet_list(self, token: Token) -> None:
        """Each level its own bullet (Qt gives every level a disc); none for a task list."""
        if token.nesting != 1:
            self.bullets -= 1
            self.out.append("</ul>\n")
            return
        bullet = BULLETS[min(self.bullets, len(BULLETS) - 1)]
        self.bullets += 1
        bullet = "none" if token.meta.get("tasks") else bullet
        self.out.append(f'<ul style="list-style-type:{bullet};{_LIST_STYLE}">')

    def inline(self, tokens: Sequence[Token]) -> None:
        out = self.out
        for token in tokens:
            kind = token.type
            if kind == "text":
                out.append(escape(token.content))
            elif kind in INLINE_TOKENS:
                out.append(math_html(token.content, display=False))
            elif kind == "softbreak":
                out.append("\n")
            elif kind == "hardbreak":
                out.append("<br>\n")
            elif kind == "code_inline":
                bg = _INLINE_CODE_BG[self.dark]
                out.append(f'<code style="background-color:{bg}">{escape(token.content)}</code>')
            elif kind == "link_open":
                href = str(token.attrs.get("href", ""))
                safe = re.match(_SAFE_HREF_RE, href) is not None
                self.links.append(safe)
                if safe:
                    out.append(f'<a href="{escape(href)}">')
            elif kind == "link_close":
                if self.links and self.links.pop():
                    out.append("</a>")
            elif kind == "image":
                self.image(token)
            elif kind.endswith(("_open", "_close")):
                tag = _INLINE_TAGS.get(kind.rsplit("_", 1)[0])
                if tag is not None:
                    out.append(f"<{tag}>" if token.nesting == 1 else f"</{tag}>")
            elif (box := task_box(token)) is not None:
                out.append(box)
            else:  # text_special, html_inline (html is off) and anything unforeseen: as text
                out.append(escape(token.content))

    def image(self, token: Token) -> None:
        """Alt text plus a link to the picture: never an <img>, so nothing is fetched."""
        alt = escape(_plain_text(token.children or ()))
        src = str(token.attrs.get("src", ""))
        if any(self.links) or re.match(_IMAGE_HREF_RE, src) is None:
            self.out.append(alt or "[image]")
        elif alt:
            self.out.append(f'{alt} (<a href="{escape(src)}">image</a>)')
        else:
            self.out.append(f'<a href="{escape(src)}">[image]</a>')

    def code(self, content: str, info: str) -> None:
        """A label line with a Copy link, then the highlighted block on its own background."""
        index = self.first_code_block + len(self.code_blocks)
        # Without its final newline, so pasting a copied command into a shell doesn't run it.
        code = content[:-1] if content.endswith("\n") else content
        self.code_blocks.append(code)
        html, self.budget = code_html(
            code,
            language(info),
            dark=self.dark,
            href=copy_link(self.message_id, index),
            copy_label=self.copy_label,
            budget=self.budget,
        )
        self.out.append(html)


def _plain_text(tokens: Sequence[Token]) -> str:
    """The text of inline tokens (an image's alt), flattening nested images without recursion."""
    parts: list[str] = []
    stack = [iter(tokens)]
    while stack:
        token = next(stack[-1], None)
        if token is None:
            stack.pop()
        elif token.type == "image" and token.children:
            stack.append(iter(token.children))
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        else:
            parts.append(token.content)
    return "".join(parts)


def _int_attr(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
