"""The chat view's Markdown renderer: hostile model output renders as inert Qt rich text.

No Qt here: the renderer is pure Python, so these tests audit its HTML with a parser and
check what a reader would see (text, links, code blocks, Copy links).
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gui.widgets import markdown
from gui.widgets.markdown import (
    COPY_SCHEME,
    Rendered,
    copy_link,
    parse_copy_link,
    render_markdown,
    render_plain,
)

ALLOWED_TAGS = frozenset(
    {"a", "blockquote", "br", "code", "em", "hr", "li", "ol", "p", "pre", "s", "small", "span"}
    | {"strong", "table", "tbody", "td", "th", "thead", "tr", "ul"}
    | {f"h{level}" for level in range(1, 7)}
)
ALLOWED_ATTRS = frozenset(
    {"href", "style", "align", "start", "border", "cellspacing", "cellpadding"}
)
VOID_TAGS = frozenset({"br", "hr"})
SAFE_HREF = re.compile(r"(https?://|mailto:)", re.IGNORECASE)

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    '<img src="http://evil.example/track.png">',
    "<script>alert(1)</script>",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body { background: url(http://evil.example/x) }</style>",
    '<link rel="stylesheet" href="http://evil.example/x.css">',
    '<a href="javascript:alert(1)">x</a>',
    '<div style="background-image: url(file:///etc/passwd)">',
    "<!-- comment -->",
    "<?php echo 1; ?>",
    "![remote](http://evil.example/pixel.gif)",
    "![local](file:///etc/passwd)",
    "![data](data:image/png;base64,iVBORw0KGgo=)",
    "[js](javascript:alert(1))",
    "[JS](JaVaScRiPt:alert(1))",
    "[entity](&#106;avascript:alert(1))",
    "[file](file:///etc/passwd)",
    "[data](data:text/html,<script>alert(1)</script>)",
    "[forged copy](besedka:copy/1/0)",
    "<javascript:alert(1)>",
    "<file:///etc/passwd>",
    "<besedka:copy/0/0>",
    "[rel](/etc/passwd)",
    "[proto](//evil.example/x)",
    '[quote](https://e.example/"onmouseover="alert(1))',
    "[![inner](http://evil.example/i.png)](https://ok.example/)",
    "[ref]\n\n[ref]: javascript:alert(1)\n",
    "\u202eevil\u202c",
    "\u200b\u200c\u200d\ufeff",
    "\x00",
]
MARKDOWN_BITS = [
    "\n",
    "\n\n",
    "```",
    "```python\n",
    "~~~",
    "    ",
    "> ",
    "- ",
    "1. ",
    "* ",
    "_",
    "**",
    "~~",
    "`",
    "[",
    "]",
    "(",
    ")",
    "!",
    "<",
    ">",
    "&",
    "&amp;",
    "#",
    "|",
    "| a | b |\n|---|:-:|\n",
    "---\n",
    "\\",
    '"',
    "'",
    "Привет 🙂",
    "שלום",
]


class Audit(HTMLParser):
    """Every tag, attribute and text run in a fragment, plus whether tags balance."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text_parts: list[str] = []
        self.stack: list[str] = []
        self.unbalanced: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((name, value or "") for name, value in attrs)
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((name, value or "") for name, value in attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.unbalanced.append(tag)

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    def handle_comment(self, data: str) -> None:
        self.unbalanced.append("<!--")

    def handle_pi(self, data: str) -> None:
        self.unbalanced.append("<?")

    def handle_decl(self, decl: str) -> None:
        self.unbalanced.append("<!")

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    @property
    def hrefs(self) -> list[str]:
        return [value for name, value in self.attrs if name == "href"]


def audit(fragment: str) -> Audit:
    """Parse `fragment` and fail if anything in it could fetch, run or escape the whitelist."""
    # All text is escaped, so every "<" must open one of our tags (catches <img, <!--, <?).
    for match in re.finditer(r"<(/?)([^\s>/]*)", fragment):
        assert match.group(2) in ALLOWED_TAGS, fragment[match.start() : match.start() + 80]
    result = Audit(fragment)
    assert set(result.tags) <= ALLOWED_TAGS
    assert {name for name, _ in result.attrs} <= ALLOWED_ATTRS
    for name, value in result.attrs:
        if name == "href":
            assert SAFE_HREF.match(value) or parse_copy_link(value) is not None, value
        if name == "style":
            assert "url(" not in value.lower()
            assert "@import" not in value.lower()
    assert not result.unbalanced
    assert not result.stack
    return result


def copy_links(rendered: Rendered) -> list[tuple[int, int] | None]:
    hrefs = audit(rendered.html).hrefs
    return [parse_copy_link(h) for h in hrefs if h.startswith(f"{COPY_SCHEME}:")]


def pre_backgrounds(fragment: str) -> list[str]:
    return re.findall(r'<pre style="[^"]*background-color:(#[0-9a-fA-F]{6})', fragment)


def luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


# --- raw HTML, images and links -------------------------------------------------------------


@pytest.mark.parametrize("sample", HOSTILE)
def test_hostile_fragment_is_inert(sample: str) -> None:
    rendered = render_markdown(f"До {sample} после", message_id=5)
    result = audit(rendered.html)
    assert "До" in result.text
    assert "после" in result.text
    assert rendered.code_blocks == ()
    assert not [h for h in result.hrefs if h.lower().startswith(f"{COPY_SCHEME}:")]


def test_raw_html_is_shown_as_text_not_rendered() -> None:
    source = "<img src=x onerror=alert(1)>\n\n<script>alert('x')</script>\n\n<b>жирный?</b>"
    result = audit(render_markdown(source).html)
    assert "<img src=x onerror=alert(1)>" in result.text
    assert "<script>alert('x')</script>" in result.text
    assert "<b>жирный?</b>" in result.text
    assert "img" not in result.tags
    assert "b" not in result.tags


def test_remote_image_becomes_alt_text_and_a_link_to_the_picture() -> None:
    result = audit(render_markdown("Смотри: ![схема сети](https://example.com/net.png)").html)
    assert "img" not in result.tags
    assert "схема сети" in result.text
    assert result.hrefs == ["https://example.com/net.png"]


def test_image_without_alt_text_still_shows_something() -> None:
    result = audit(render_markdown("![](http://example.com/a.png)").html)
    assert result.text.strip() == "[image]"
    assert result.hrefs == ["http://example.com/a.png"]


@pytest.mark.parametrize(
    "src",
    ["data:image/png;base64,iVBORw0KGgo=", "relative/cat.png", "/abs/cat.png", "ftp://x/c.png"],
)
def test_non_http_image_is_only_its_alt_text(src: str) -> None:
    result = audit(render_markdown(f"![котик]({src})").html)
    assert result.text.strip() == "котик"
    assert result.hrefs == []


def test_image_inside_a_link_keeps_the_link_and_no_nested_anchor() -> None:
    rendered = render_markdown("[![лого](https://cdn.example/l.png)](https://example.com/)")
    result = audit(rendered.html)
    assert result.hrefs == ["https://example.com/"]
    assert "лого" in result.text


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "file://C:/Windows/win.ini",
        "data:text/html;base64,PHNjcmlwdD4=",
        "/etc/passwd",
        "../secret",
        "#anchor",
        "//evil.example/x",
        "ftp://files.example/x",
        "besedka:copy/1/0",
        "qrc:/icons/app.png",
        "about:blank",
    ],
)
@pytest.mark.parametrize("form", ["[ссылка]({href})", "[ссылка][r]\n\n[r]: {href}", "<{href}>"])
def test_unsafe_link_is_plain_text(href: str, form: str) -> None:
    result = audit(render_markdown(form.format(href=href), message_id=1).html)
    assert result.hrefs == []
    assert result.text.strip()  # the reader still sees the link text (or the raw source)


@pytest.mark.parametrize(
    ("source", "href", "text"),
    [
        ("[сайт](https://example.com/путь?a=1&b=2)", "https://example.com/", "сайт"),
        ("[plain](http://example.com)", "http://example.com", "plain"),
        ("<https://example.com/x>", "https://example.com/x", "https://example.com/x"),
        ("[почта](mailto:me@example.com)", "mailto:me@example.com", "почта"),
        ("<me@example.com>", "mailto:me@example.com", "me@example.com"),
    ],
)
def test_web_and_mail_links_keep_their_href(source: str, href: str, text: str) -> None:
    result = audit(render_markdown(source).html)
    assert len(result.hrefs) == 1
    assert result.hrefs[0].startswith(href)
    assert result.text.strip() == text


def test_quote_in_url_cannot_break_out_of_the_attribute() -> None:
    result = audit(render_markdown('[x](https://e.example/"onmouseover="alert(1))').html)
    assert {name for name, _ in result.attrs} <= {"href"}


# --- hostile sizes and shapes --------------------------------------------------------------


def test_huge_table_renders_every_row() -> None:
    source = "| № | имя | 🙂 |\n|---:|:---|:-:|\n" + "".join(
        f"| {i} | строка {i} | <img src=x> |\n" for i in range(2000)
    )
    rendered = render_markdown(source)
    result = audit(rendered.html)
    assert result.tags.count("tr") == 2001
    assert result.tags.count("table") == 1
    assert '<table border="1" cellspacing="0" cellpadding="4"' in rendered.html
    assert ("align", "right") in result.attrs
    assert ("align", "center") in result.attrs
    assert "строка 1999" in result.text
    assert "img" not in result.tags


def test_100_kb_single_line_survives_intact() -> None:
    line = ("слово🙂 " * 12_500).strip()
    result = audit(render_markdown(line).html)
    assert result.tags == ["p"]
    assert result.text.strip() == line


@pytest.mark.parametrize(
    "source",
    [
        "\n".join(">" * depth + " цитата" for depth in range(1, 501)),
        "> " * 500 + "глубоко",
        "\n".join("  " * depth + "- пункт" for depth in range(500)),
        "\n".join("   " * depth + "1. пункт" for depth in range(500)),
        "- " * 500 + "глубоко",
        "\n".join("  " * d + ("- " if d % 2 else "> ") + "x" for d in range(500)),
        "*" * 500 + "x" + "*" * 500,
        "[" * 500 + "x" + "](https://example.com)" * 500,
        "![" * 500 + "x" + "](https://example.com/i.png)" * 500,
    ],
    ids=[
        "quotes",
        "quotes-1-line",
        "lists",
        "ordered",
        "lists-1-line",
        "mixed",
        "em",
        "links",
        "img",
    ],
)
def test_500_levels_of_nesting_stay_bounded(source: str) -> None:
    rendered = render_markdown(source)
    result = audit(rendered.html)
    for tag in ("blockquote", "ul", "ol"):
        assert result.tags.count(tag) <= 20


def test_rtl_and_zero_width_characters_are_preserved() -> None:
    source = "שלום עולם مرحبا\u200f and \u202eevil\u202c zero\u200bwidth\u200d\ufeff join"
    result = audit(render_markdown(source).html)
    assert result.text.strip() == source


def test_cyrillic_and_emoji_everywhere() -> None:
    source = (
        "# Заголовок 🚀\n\n"
        "Текст с **жирным**, _курсивом_, ~~зачёркнутым~~ и `кодом` 👩‍💻🇷🇺.\n\n"
        "| Ключ | Значение |\n|---|---|\n| ёжик | 🦔 |\n\n"
        "[Ссылка 🔗](https://пример.рф/)\n"
    )
    result = audit(render_markdown(source).html)
    for fragment in ("Заголовок 🚀", "жирным", "курсивом", "зачёркнутым", "кодом", "👩‍💻🇷🇺"):
        assert fragment in result.text
    for fragment in ("ёжик", "🦔", "Ссылка 🔗"):
        assert fragment in result.text
    assert {"h1", "strong", "em", "s", "code", "table", "a"} <= set(result.tags)


def test_one_megabyte_reply_completes() -> None:
    chunk = (
        "## Раздел\n\nАбзац с **жирным** словом, `кодом` и [ссылкой](https://example.com). "
        "Ещё немного текста, чтобы абзац был похож на настоящий ответ модели.\n\n"
        "- пункт один\n- пункт два\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```python\nprint('привет')\n```\n\n"
    )
    source = chunk * (1_000_000 // len(chunk) + 1)
    rendered = render_markdown(source)
    assert len(rendered.code_blocks) == source.count("```python")
    assert rendered.html.count("<table") == source.count("|---|---|")


@pytest.mark.parametrize(
    "source",
    [
        "[" * 100_000,
        "![" * 50_000,
        "*a" * 50_000,
        "[a](" * 25_000,
        "~~a" * 33_000,
        "<a" * 50_000,
        "`" * 100_000,
        "|" + "a|" * 2_000 + "\n|" + "-|" * 2_000 + "\n" + ("|" + "x|" * 2_000 + "\n") * 10,
    ],
    ids=["brackets", "images", "emphasis", "open-links", "strike", "angles", "backticks", "wide"],
)
def test_pathological_100_kb_inputs_complete(source: str) -> None:
    audit(render_markdown(source).html)


# --- code blocks ----------------------------------------------------------------------------


CODE_SOURCE = """Вот код:

```python
def привет(имя: str) -> str:
    # Комментарий по-русски: вернуть приветствие
    return f"Привет, {имя}! <b>&amp;</b>"
```

И ещё:

    $ indented --block
    <not a tag>

~~~
без языка
	с табом   и пробелами<3 spaces>
~~~

> ```sh
> echo "в цитате"
> ```

- пункт

  ```js
  console.log("в списке")
  ```
""".replace("<3 spaces>", "   ")
CODE_BLOCKS = (
    "def привет(имя: str) -> str:\n    # Комментарий по-русски: вернуть приветствие\n"
    '    return f"Привет, {имя}! <b>&amp;</b>"',
    "$ indented --block\n<not a tag>",
    "без языка\n\tс табом   и пробелами   ",
    'echo "в цитате"',
    'console.log("в списке")',
)


def test_code_blocks_are_listed_exactly_and_in_order() -> None:
    rendered = render_markdown(CODE_SOURCE, message_id=42)
    assert rendered.code_blocks == CODE_BLOCKS


def test_each_code_block_has_a_copy_link_with_its_index() -> None:
    rendered = render_markdown(CODE_SOURCE, message_id=42)
    assert copy_links(rendered) == [(42, index) for index in range(len(CODE_BLOCKS))]
    assert audit(rendered.html).text.count("Copy") == len(CODE_BLOCKS)


def test_code_is_shown_verbatim_and_highlighted() -> None:
    rendered = render_markdown(CODE_SOURCE)
    result = audit(rendered.html)
    for block in CODE_BLOCKS:
        assert block in result.text
    first_pre = rendered.html.split("<pre", 2)[1]
    assert '<span style="color' in first_pre  # Pygments inline styles
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in first_pre
    assert "Комментарий по-русски" in first_pre


def test_language_label_sits_above_the_block() -> None:
    result = audit(render_markdown(CODE_SOURCE).html)
    text = result.text
    assert text.index("python") < text.index("def привет")
    assert text.index("sh") < text.index('echo "в цитате"')


@pytest.mark.parametrize("info", ["", "klingon", "<script>alert(1)</script>", "\u202eypoC"])
def test_unknown_or_missing_language_is_plain_text(info: str) -> None:
    rendered = render_markdown(f"```{info}\nx = <1>\n```")
    result = audit(rendered.html)
    assert rendered.code_blocks == ("x = <1>",)
    pre = rendered.html.split("<pre", 1)[1]
    assert "<span" not in pre
    assert "x = <1>" in result.text
    assert "\u202e" not in result.text


def test_shebang_is_enough_to_pick_a_lexer() -> None:
    rendered = render_markdown("```\n#!/usr/bin/env python3\nimport sys\n```")
    result = audit(rendered.html)
    assert "python" in result.text.split("#!")[0]
    assert "<span" in rendered.html.split("<pre", 1)[1]


def test_huge_code_block_is_listed_and_shown_even_past_the_highlight_budget() -> None:
    code = "x = 'строка'  # комментарий\n" * 20_000
    rendered = render_markdown(f"```python\n{code}```\n\n```python\nprint(1)\n```")
    assert rendered.code_blocks == (code[:-1], "print(1)")
    result = audit(rendered.html)
    assert code[:-1] in result.text
    assert len(copy_links(rendered)) == 2


def test_unterminated_fence_still_counts_as_a_block() -> None:
    rendered = render_markdown("Начало\n```python\nprint('оборвалось')")
    assert rendered.code_blocks == ("print('оборвалось')",)


@pytest.mark.parametrize("dark", [False, True])
def test_code_has_a_background_in_both_themes(dark: bool) -> None:
    rendered = render_markdown("```python\nprint(1)\n```\n\n    plain", dark=dark)
    backgrounds = pre_backgrounds(rendered.html)
    assert len(backgrounds) == 2
    assert (luminance(backgrounds[0]) < 100) is dark


def test_dark_and_light_code_colours_differ() -> None:
    source = "```python\nprint('x')\n```"
    light = render_markdown(source, dark=False).html
    dark = render_markdown(source, dark=True).html
    assert pre_backgrounds(light) != pre_backgrounds(dark)
    assert light != dark


# --- copy links and plain rendering ---------------------------------------------------------


@given(
    message_id=st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1),
    index=st.integers(min_value=0, max_value=10**9 - 1),
)
def test_copy_link_round_trip(message_id: int, index: int) -> None:
    link = copy_link(message_id, index)
    assert link == f"besedka:copy/{message_id}/{index}"
    assert parse_copy_link(link) == (message_id, index)


def test_copy_link_scheme_is_case_insensitive_like_qurl() -> None:
    assert parse_copy_link("BESEDKA:copy/3/4") == (3, 4)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://example.com/",
        "besedka:copy/1",
        "besedka:copy/1/",
        "besedka:copy/a/1",
        "besedka:copy/1/2/3",
        "besedka:copy/1/-2",
        "besedka:copy/١/٢",
        " besedka:copy/1/2",
        "besedka:copy/1/2 ",
        "besedka:paste/1/2",
        "besedka://copy/1/2",
        "besedka:copy/" + "9" * 5000 + "/1",
    ],
)
def test_other_urls_are_not_copy_links(url: str) -> None:
    assert parse_copy_link(url) is None


def test_render_plain_escapes_and_keeps_layout() -> None:
    out = render_plain("a <b> & c\r\n  отступ\n\tтаб\n")
    assert out == "a &lt;b&gt; &amp; c<br>&nbsp; отступ<br>&nbsp;&nbsp;&nbsp; таб<br>"
    assert render_plain("") == ""


@settings(max_examples=200)
@given(st.text())
def test_render_plain_round_trips_any_text(text: str) -> None:
    out = render_plain(text)
    assert set(re.findall(r"<[^>]*>", out)) <= {"<br>"}
    expected = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    expected = expected.replace("\t", "    ").replace("\xa0", " ")
    assert html.unescape(out.replace("<br>", "\n")).replace("\xa0", " ") == expected


# --- property: anything at all stays inside the whitelist -----------------------------------


hostile_markdown = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(HOSTILE), st.sampled_from(MARKDOWN_BITS)),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=hostile_markdown, dark=st.booleans(), message_id=st.integers(0, 10**6))
def test_any_input_renders_inside_the_whitelist(source: str, dark: bool, message_id: int) -> None:
    rendered = render_markdown(source, dark=dark, message_id=message_id)
    assert copy_links(rendered) == [(message_id, i) for i in range(len(rendered.code_blocks))]
    assert len(pre_backgrounds(rendered.html)) == len(rendered.code_blocks)


def test_empty_input_renders_nothing() -> None:
    assert render_markdown("") == Rendered(html="", code_blocks=())


def test_importing_the_renderer_loads_no_qt_and_no_pygments() -> None:
    code = (
        "import sys, gui.widgets.markdown; "
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pygments'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@given(st.text())
def test_escape_is_html_escape(text: str) -> None:
    assert markdown.escape(text) == html.escape(text)
    assert markdown.escape(text, quote=False) == html.escape(text, quote=False)


_BLOCKS = st.sampled_from(
    [
        "Абзац **жирный** и `код` со [ссылкой](https://example.com).",
        "Paragraph with *emphasis*\ncontinued on a second line.",
        "# Заголовок",
        "## Heading two",
        "- пункт\n- ещё пункт",
        "- loose item\n\n- another loose item",
        "1. first\n2. second",
        "3. starts at three\n\n4. loose",
        "> цитата\n> дальше",
        "> quote\n\nlazy paragraph after it",
        "```python\nx = 1\n\nFoo at the margin inside a fence\n```",
        "~~~\nplain fence\n~~~",
        "    indented code",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "---",
        "Setext heading\n===",
        "Line with trailing spaces  \nand a hard break.",
        "«Кавычки» в начале абзаца.",
        "(parenthesis) at the start.",
        "[ref]: https://example.com/ref",
        "Uses a [reference][ref] link.",
        "",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_BLOCKS, max_size=14), st.sampled_from(["\n\n", "\n", "\n\n\n"]), st.integers(1, 80)
)
def test_pieces_render_as_the_whole_does(blocks: list[str], gap: str, size: int) -> None:
    """The chat view renders a long reply a piece at a time (split_blocks): the pieces
    together must be the text, and their renderings together the rendering of the text."""
    text = gap.join(blocks)
    pieces = markdown.split_blocks(text, size)
    assert "".join(pieces) == text
    assert all(pieces[:-1])
    whole = render_markdown(text, message_id=7)
    parts = []
    code_blocks: tuple[str, ...] = ()
    for piece in pieces:
        rendered = render_markdown(piece, message_id=7, first_code_block=len(code_blocks))
        parts.append(rendered.html)
        code_blocks += rendered.code_blocks
    assert "".join(parts) == whole.html
    assert code_blocks == whole.code_blocks
