"""Math in a reply as the chat view shows it: LaTeX typeset into images in a real
QTextDocument (offscreen), painted by gui/widgets/markdown_math_images.py; the source in
code style where it does not parse; prices left as text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
)
from PySide6.QtWidgets import QTextBrowser

from gui.widgets.markdown import render_markdown
from gui.widgets.markdown_math import math_url, parse_math_url
from gui.widgets.markdown_math_images import MathImages, ensure_math, selection_text
from tests.gui.widgets.test_markdown import HOSTILE, MARKDOWN_BITS, audit

MATH_RED = "#c0392b"
CODE_BG = "#eff1f3"


class View(QTextBrowser):
    """A view that, like ChatView, loads no resource: the handler paints the math."""

    def loadResource(self, type_: int, name: Any) -> Any:
        return None


def show(qtbot: Any, text: str, *, zoom: float = 1.0, font_px: int = 0) -> tuple[View, MathImages]:
    view = View()
    qtbot.addWidget(view)
    view.resize(640, 360)
    if font_px:
        font = view.document().defaultFont()
        font.setPixelSize(font_px)
        view.document().setDefaultFont(font)
    images = MathImages(view.document(), MATH_RED, zoom=zoom, dpr=1.0)
    view.setHtml(render_markdown(text, math=True).html)
    view.show()
    view.document().size()  # lays out: every formula is asked for
    qtbot.waitUntil(lambda: not images.busy(), timeout=20_000)
    return view, images


def images_in(document: QTextDocument) -> list[tuple[QTextBlock, QTextImageFormat]]:
    found = []
    block = document.begin()
    while block.isValid():
        for item in block:
            fmt = item.fragment().charFormat()
            if fmt.isImageFormat():
                found.append((block, fmt.toImageFormat()))
        block = block.next()
    return found


def coloured_rows(image: QImage, colour: str, tolerance: int = 60) -> list[int]:
    """Rows holding a pixel close to `colour` (anti-aliased edges are lighter)."""
    target = QColor(colour)
    rows = []
    for y in range(image.height()):
        for x in range(0, image.width(), 1):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - target.red())
                + abs(pixel.green() - target.green())
                + abs(pixel.blue() - target.blue())
                < tolerance
            ):
                rows.append(y)
                break
    return rows


def area(image: QImage, colour: str) -> int:
    """How many pixels are exactly `colour`: a filled box, not anti-aliased edges."""
    target = QColor(colour).rgb()
    return sum(
        image.pixel(x, y) == target for y in range(image.height()) for x in range(image.width())
    )


@pytest.mark.parametrize(
    ("source", "latex", "display"),
    [
        ("Энергия $E=mc^2$ здесь.", "E=mc^2", False),
        ("Brackets \\(a^2+b^2\\) inline.", "a^2+b^2", False),
        ("Display:\n\n$$\n\\int_0^1 x\\,dx\n$$\n\nafter", "\\int_0^1 x\\,dx", True),
        ("Display:\n\n\\[\n\\sum_{n=1}^{N} n\n\\]\n\nafter", "\\sum_{n=1}^{N} n", True),
    ],
)
def test_math_shows_as_a_typeset_image_where_it_was(
    qtbot: Any, source: str, latex: str, display: bool
) -> None:
    view, images = show(qtbot, source)
    document = view.document()
    assert "$" not in document.toPlainText()
    assert "\\(" not in document.toPlainText()
    [(block, fmt)] = images_in(document)
    assert parse_math_url(fmt.name()) == (latex, display)
    assert fmt.toolTip() == latex  # the source, for a tooltip
    assert images.state(fmt.name(), document.defaultFont()) == "ready"
    if display:
        assert block.blockFormat().alignment() & Qt.AlignmentFlag.AlignHCenter
        assert block.text() == "\ufffc"  # on its own line
    # Painted in the colour given (the text itself is black).
    assert coloured_rows(view.viewport().grab().toImage(), MATH_RED)


@pytest.mark.parametrize("font_px", [13, 24])
@pytest.mark.parametrize("latex", ["x", "\\pi", "ab", "n^2"])
def test_inline_math_sits_on_the_text_baseline(qtbot: Any, latex: str, font_px: int) -> None:
    """Small formulas, which Qt would centre in the line box, as much as tall ones."""
    view, _ = show(qtbot, f"xxxx ${latex}$ xxxx", font_px=font_px)
    shot = view.viewport().grab().toImage()
    text_rows = coloured_rows(shot, "#000000", tolerance=200)
    math_rows = coloured_rows(shot, MATH_RED)
    assert text_rows and math_rows
    assert abs(max(text_rows) - max(math_rows)) <= 1  # both x's end on the baseline
    assert len(math_rows) <= 2 * len(text_rows)  # and about as tall


def test_math_is_sized_to_the_font_and_the_zoom(qtbot: Any) -> None:
    source = "Formula $a+b+c+d$ here"
    plain, _ = show(qtbot, source)
    zoomed, _ = show(qtbot, source, zoom=2.0)
    height = len(coloured_rows(plain.viewport().grab().toImage(), MATH_RED))
    doubled = len(coloured_rows(zoomed.viewport().grab().toImage(), MATH_RED))
    font_px = plain.fontMetrics().height()
    assert 0.4 * font_px <= height <= 1.5 * font_px
    assert 1.7 * height <= doubled <= 2.3 * height


def test_a_bad_expression_shows_its_source_in_code_style(qtbot: Any) -> None:
    view, images = show(qtbot, "Broken $\\frac{a}{$ here")
    document = view.document()
    [(_, fmt)] = images_in(document)
    assert parse_math_url(fmt.name()) == ("\\frac{a}{", False)
    assert images.state(fmt.name(), document.defaultFont()) == "failed"
    shot = view.viewport().grab().toImage()
    assert area(shot, CODE_BG) > 200  # the code background
    assert coloured_rows(shot, MATH_RED)  # and the source's letters on it


@pytest.mark.parametrize(
    "source",
    [
        "It costs $5 and $10 today.",
        "Between $5 and $ 10",
        "From $3.50 to $4.20, a $ sign alone",
        "Escaped \\$x\\$ stays text",
    ],
)
def test_prices_and_lone_dollars_stay_text(qtbot: Any, source: str) -> None:
    view, _ = show(qtbot, source)
    assert not images_in(view.document())
    assert "$" in view.document().toPlainText()


def test_without_math_the_source_stays_text() -> None:
    html = render_markdown("Inline $x^2$ and \\(y\\)").html
    assert "<img" not in html
    assert "$x^2$" in html


def test_rendered_math_is_cached(qtbot: Any) -> None:
    view, images = show(qtbot, "Again $\\alpha+\\beta$ and again")
    view.setHtml(render_markdown("Again $\\alpha+\\beta$ and again", math=True).html)
    view.document().size()
    assert not images.busy()  # nothing new to typeset
    [(_, fmt)] = images_in(view.document())
    assert images.state(fmt.name(), view.document().defaultFont()) == "ready"


def test_a_theme_change_repaints_in_the_new_colour(qtbot: Any) -> None:
    view, images = show(qtbot, "Colour $y=x$ change")
    images.set_style("#2e86de", dark=True)
    view.document().size()
    qtbot.waitUntil(lambda: not images.busy(), timeout=20_000)
    view.viewport().update()
    shot = view.viewport().grab().toImage()
    assert coloured_rows(shot, "#2e86de")
    assert not coloured_rows(shot, MATH_RED)


@pytest.mark.parametrize("latex", ["x", "a#b?c&d%e", "ё\\text{ж}", "\u202e", "x" * 4000])
def test_the_image_name_round_trips_any_source(latex: str) -> None:
    for display in (False, True):
        url = math_url(latex, display)
        assert url.isascii() and " " not in url
        assert parse_math_url(url) == (latex, display)


@pytest.mark.parametrize("url", ["", "math:", "math:x/YQ", "http://e.example/", "math:i/%%%"])
def test_other_names_are_not_math(url: str) -> None:
    assert parse_math_url(url) is None


def test_typesetting_never_holds_the_view_the_source_shows_meanwhile(qtbot: Any) -> None:
    """ziamath takes up to tens of ms a formula: the view lays out at once with the source
    in its place (code background), and the image replaces it when the worker is done."""
    big = " + ".join(f"\\frac{{x_{{{i}}}^2}}{{\\sqrt{{y_{{{i}}}}}}}" for i in range(24))
    view = View()
    qtbot.addWidget(view)
    view.resize(1800, 360)
    images = MathImages(view.document(), MATH_RED, dpr=1.0)
    view.setHtml(render_markdown(f"Slow:\n\n$${big}$$\n", math=True).html)
    view.show()
    view.document().size()
    [(_, fmt)] = images_in(view.document())
    font = view.document().defaultFont()
    assert images.state(fmt.name(), font) == "waiting"
    assert area(view.viewport().grab().toImage(), CODE_BG) > 2000  # the source's box
    changed: list[bool] = []
    images.changed.connect(lambda: changed.append(True))
    qtbot.waitUntil(lambda: images.state(fmt.name(), font) == "ready", timeout=20_000)
    assert changed
    assert area(view.viewport().grab().toImage(), CODE_BG) == 0
    assert coloured_rows(view.viewport().grab().toImage(), MATH_RED)


class IconView(View):
    """A view with images of its own besides the math, as ChatView has its icons."""

    def loadResource(self, type_: int, name: Any) -> Any:
        if name.toString() == "icon:dot":
            image = QImage(12, 12, QImage.Format.Format_ARGB32)
            image.fill(QColor("#27ae60"))
            return image
        return None


def test_the_views_own_images_still_show_beside_math(qtbot: Any) -> None:
    view = IconView()
    qtbot.addWidget(view)
    view.resize(640, 200)
    images = MathImages(view.document(), MATH_RED, dpr=1.0)
    html = render_markdown("Math $y^2$ here", math=True).html
    view.setHtml(html + '<p><img src="icon:dot" width="12" height="12"> Copy</p>')
    view.show()
    view.document().size()
    qtbot.waitUntil(lambda: not images.busy(), timeout=20_000)
    shot = view.viewport().grab().toImage()
    assert area(shot, "#27ae60") >= 100  # the icon, drawn by Qt's own handler
    assert coloured_rows(shot, MATH_RED)


@pytest.mark.parametrize("terms", [12, 60])
def test_a_formula_wider_than_the_page_never_widens_it(qtbot: Any, terms: int) -> None:
    """Somewhat too wide: shrunk to the page's width; far too wide: its source, wrapped."""
    wide = " + ".join(f"a_{{{i}}} b_{{{i}}}" for i in range(terms))
    view, images = show(qtbot, f"$${wide}$$")
    view.resize(420, 360)
    view.document().size()
    qtbot.waitUntil(lambda: not images.busy(), timeout=20_000)
    [(block, fmt)] = images_in(view.document())
    assert images.state(fmt.name(), view.document().defaultFont()) == "ready"
    assert view.horizontalScrollBar().maximum() == 0
    line = block.layout().lineAt(0)
    assert line.naturalTextWidth() <= view.document().textWidth()
    shot = view.viewport().grab().toImage()
    if terms == 12:
        assert coloured_rows(shot, MATH_RED) and area(shot, CODE_BG) == 0
    else:
        assert block.layout().boundingRect().height() > 3 * view.fontMetrics().height()
        assert area(shot, CODE_BG) > 2000


def test_copying_a_selection_gives_the_formulas_source(qtbot: Any) -> None:
    view, _ = show(qtbot, "Энергия $E=mc^2$ и\n\n$$\n\\int_0^1 x\\,dx\n$$\n\nконец")
    cursor = QTextCursor(view.document())
    cursor.select(QTextCursor.SelectionType.Document)
    assert selection_text(cursor).rstrip() == "Энергия $E=mc^2$ и\n$$\\int_0^1 x\\,dx$$\nконец"
    cursor.setPosition(3)
    cursor.setPosition(len("Энергия ") + 1, QTextCursor.MoveMode.KeepAnchor)
    assert selection_text(cursor) == "ргия $E=mc^2$"


MATH_BITS = ["$", "$$", "\\(", "\\)", "\\[", "\\]", "x^2", "\\frac{a}{b}", "$5", "\\text{<b>}"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(st.text(max_size=12), st.sampled_from(HOSTILE + MARKDOWN_BITS + MATH_BITS)),
        max_size=14,
    ).map("".join)
)
def test_with_math_anything_still_renders_inside_the_whitelist(source: str) -> None:
    """The only image the HTML may hold is a formula the view's handler paints."""
    html = render_markdown(source, math=True).html
    for match in re.finditer(r"<img ([^>]*)>", html):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        assert set(attrs) == {"src", "title", "style"}
        assert parse_math_url(attrs["src"]) is not None
    audit(re.sub(r"<img [^>]*>", "", html))


def test_ensure_math_makes_one_painter_per_document(qtbot: Any) -> None:
    view = View()
    qtbot.addWidget(view)
    first = ensure_math(view.document(), MATH_RED, dark=False)
    assert ensure_math(view.document(), MATH_RED, dark=False) is first
    assert ensure_math(view.document(), "#ffffff", dark=True) is first  # restyled
    assert first.state(math_url("x", False), view.document().defaultFont()) == "unknown"
    other = View()
    qtbot.addWidget(other)
    assert ensure_math(other.document(), MATH_RED, dark=False) is not first
