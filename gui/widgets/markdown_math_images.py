"""Math in the chat view, the Qt half: a text-object handler on the view's document that
paints each `<img src="math:…">` (gui/widgets/markdown_math.py names them) as typeset math.

ziamath takes 1–20 ms an expression and 160 ms for the first (its font loads), more than a
frame, so it runs on one worker thread; the GUI thread only turns the finished SVG into an
image (~1 ms) and re-lays out the lines that hold it. Until then, and for LaTeX that does
not parse, the source is painted in code style in its place. Images take the colour given
and the size of the font at their place (times `zoom`), sit on the text's baseline (inline)
or centred on their own line (display), and stay in an LRU cache by source, colour and size.

The worker is gui/widgets/markdown_math_worker.py.
"""

from __future__ import annotations

import collections
from typing import NamedTuple

from PySide6.QtCore import QCoreApplication, QPointF, QRect, QRectF, QSizeF, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontInfo,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QPyTextObject,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

from gui.widgets.markdown_math import Typeset, parse_math_url
from gui.widgets.markdown_math_worker import MathKey, submit, svg_image

__all__ = ["MATH_SCALE", "MathImages", "ensure_math", "selection_text"]

#: STIX Two Math beside DejaVu Sans at the same pixel size looks a size smaller.
MATH_SCALE = 1.2
_CACHE_SIZE = 512
#: Lines with a finished formula laid out again per loop turn (see MathImages._mark_dirty).
_MARKS_PER_TURN = 2
_CODE_BG = {False: "#eff1f3", True: "#343942"}
#: A formula wider than the page shrinks to fit, but not below this; else its source shows.
_MIN_SCALE = 0.5
#: Text flags for a wrapped source box: Qt.TextFlag.TextWrapAnywhere (plain int, so the
#: module never builds PySide's Qt namespace: that costs start-up ~13 ms).
_WRAP = 0x2000 | 0x0001  # TextWrapAnywhere | AlignLeft


class _Shown(NamedTuple):
    """An image and its box in logical pixels; image None: show the source (it failed)."""

    image: QImage | None
    width: float
    ascent: float
    descent: float


class MathImages(QPyTextObject):
    """Registered on `document`'s layout as the handler of its images: math it paints,
    any other image it hands to Qt's own handler. Its parent is the document."""

    #: an expression finished (drawn or failed); its lines are already re-laid out
    changed = Signal()

    def __init__(
        self,
        document: QTextDocument,
        colour: QColor | str = "#1f2328",
        *,
        dark: bool = False,
        zoom: float = 1.0,
        dpr: float | None = None,
    ) -> None:
        super().__init__(document)
        self.setObjectName("mathImages")  # the view finds it to copy formulas as LaTeX
        self._document = document
        self._colour = QColor(colour).name()
        self._dark = dark
        self._zoom = zoom
        self._dpr = dpr if dpr is not None else _screen_dpr()
        self._cache: collections.OrderedDict[MathKey, _Shown] = collections.OrderedDict()
        #: expressions on the worker, with cursors at the places that wait for them
        self._waiting: dict[MathKey, list[QTextCursor]] = {}
        #: places of finished expressions whose lines wait to be laid out again
        self._dirty: list[QTextCursor] = []
        layout = document.documentLayout()
        kind = int(QTextFormat.ObjectTypes.ImageObject)
        #: Qt's own image handler, for every image that is not math (the view's icons)
        self._images = layout.handlerForObject(kind)
        layout.registerHandler(kind, self)

    # -- what the view sets --------------------------------------------------------
    def set_style(
        self, colour: QColor | str, *, dark: bool, zoom: float = 1.0, dpr: float | None = None
    ) -> None:
        """New palette, theme or zoom: every formula is drawn anew (the cache keeps both)."""
        style = (QColor(colour).name(), dark, zoom, dpr if dpr is not None else self._dpr)
        if style == (self._colour, self._dark, self._zoom, self._dpr):
            return
        self._colour, self._dark, self._zoom, self._dpr = style
        self._document.markContentsDirty(0, self._document.characterCount())

    def state(self, url: str, font: QFont) -> str:
        """ "ready", "failed", "waiting" or "unknown" for the image `url` shown in `font`."""
        parsed = parse_math_url(url)
        if parsed is None:
            return "unknown"
        key = self._key(parsed[0], parsed[1], font)
        if key in self._cache:
            return "failed" if self._cache[key].image is None else "ready"
        return "waiting" if key in self._waiting else "unknown"

    def busy(self) -> bool:
        """Whether any expression is still being typeset (or its lines laid out)."""
        return bool(self._waiting or self._dirty)

    # -- QTextObjectInterface ------------------------------------------------------
    def intrinsicSize(self, doc: QTextDocument, pos: int, fmt: QTextFormat) -> QSizeF:
        shown = self._shown(fmt, pos)
        if shown is None:
            return self._images.intrinsicSize(doc, pos, fmt) if self._images else QSizeF(0, 0)
        top, bottom = _pads(shown, _facts(fmt.toCharFormat().font()))
        return QSizeF(shown.width, top + shown.ascent + shown.descent + bottom)

    def drawObject(
        self,
        painter: QPainter,
        rect: QRectF | QRect,
        doc: QTextDocument,
        pos: int,
        fmt: QTextFormat,
    ) -> None:
        rect = QRectF(rect)
        font = fmt.toCharFormat().font()
        shown = self._shown(fmt, None)
        if shown is None:
            if self._images is not None:
                self._images.drawObject(painter, rect, doc, pos, fmt)
            return
        top, _ = _pads(shown, _facts(font))
        box = QRectF(rect.x(), rect.y() + top, shown.width, shown.ascent + shown.descent)
        if shown.image is not None:
            if shown.width < shown.image.deviceIndependentSize().width() - 0.5:
                painter.save()  # scaled down to the page's width
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(box, shown.image)
                painter.restore()
            else:
                painter.drawImage(box.topLeft(), shown.image)
            return
        source = parse_math_url(fmt.toImageFormat().name())
        text = (source[0] if source else "").replace("\n", " ")
        facts = _facts(font)
        painter.save()
        painter.fillRect(box, QColor(_CODE_BG[self._dark]))
        painter.setFont(facts.code)
        painter.setPen(QColor(self._colour))
        if shown.ascent + shown.descent > facts.code_metrics.height() + 3:  # wrapped
            painter.drawText(box.adjusted(3, 1, -3, 0), _WRAP, text)
        else:
            painter.drawText(QPointF(box.x() + 3, box.y() + shown.ascent), text)
        painter.restore()

    # -- internals -----------------------------------------------------------------
    def _key(self, latex: str, display: bool, font: QFont) -> MathKey:
        size = round(_facts(font).pixels * self._zoom * MATH_SCALE * 2) / 2
        return MathKey(latex, display, self._colour, size, self._dpr)

    def _shown(self, fmt: QTextFormat, pos: int | None) -> _Shown | None:
        """What to paint for the image `fmt`; at `pos` (layout), typesetting it if new."""
        parsed = parse_math_url(fmt.toImageFormat().name())
        if parsed is None:
            return None  # not ours: Qt's handler shows it (the view's loadResource decides)
        font = fmt.toCharFormat().font()
        key = self._key(parsed[0], parsed[1], font)
        limit = self._document.textWidth() * 0.9
        limit = limit if limit > 0 else float("inf")
        shown = self._cache.get(key)
        if shown is not None and shown.image is not None:
            self._cache.move_to_end(key)
            if shown.width <= limit:
                return shown
            scale = limit / shown.width
            if scale >= _MIN_SCALE:  # a long equation shrinks to the page's width
                return _Shown(shown.image, limit, shown.ascent * scale, shown.descent * scale)
        if shown is None and pos is not None:
            self._wait(key, pos)
        return _source_box(parsed[0], font, limit)

    def _wait(self, key: MathKey, pos: int) -> None:
        places = self._waiting.get(key)
        if places is None:
            places = self._waiting[key] = []
            submit(self, key)
        if len(places) < 64 and all(place.position() != pos for place in places):
            place = QTextCursor(self._document)
            place.setPosition(min(pos, self._document.characterCount() - 1))
            places.append(place)

    def finish(self, key: MathKey, result: Typeset | None) -> None:
        """On the GUI thread: the worker's result becomes an image, its lines re-laid out."""
        image = None if result is None else svg_image(result.svg, key.dpr)
        if result is None or image is None:
            self._cache[key] = _Shown(None, 0, 0, 0)
        else:
            self._cache[key] = _Shown(image, result.width, result.ascent, result.descent)
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        marking = bool(self._dirty)
        self._dirty += self._waiting.pop(key, ())
        if not marking:
            self._mark_dirty()

    def _mark_dirty(self) -> None:
        """Re-lay out the lines of a few finished formulas a loop turn: each mark lays out
        the message's frame again (~1-2 ms in an 80,000-character reply, and a formula a
        reply repeats waits in as many places)."""
        for place in self._dirty[:_MARKS_PER_TURN]:
            self._document.markContentsDirty(place.position(), 1)
        del self._dirty[:_MARKS_PER_TURN]
        if self._dirty:
            QTimer.singleShot(1, self, self._mark_dirty)
        else:
            self.changed.emit()


def ensure_math(
    document: QTextDocument, colour: QColor | str, *, dark: bool, zoom: float = 1.0
) -> MathImages:
    """The document's MathImages, made on first use and restyled if the theme changed:
    call it before inserting HTML that holds `src="math:` (importing this module costs
    ~8 ms, too much for start-up)."""
    images = document.findChild(MathImages)
    if images is None:
        return MathImages(document, colour, dark=dark, zoom=zoom)
    images.set_style(colour, dark=dark, zoom=zoom)
    return images


def selection_text(cursor: QTextCursor) -> str:
    """The selected text with each formula as its LaTeX source ($…$, display $$…$$),
    for Copy: as plain text an image would be U+FFFC."""
    start, end = cursor.selectionStart(), cursor.selectionEnd()
    lines: list[str] = []
    block = cursor.document().findBlock(start)
    while block.isValid() and block.position() <= end:
        line: list[str] = []
        item = block.begin()
        while not item.atEnd():
            fragment = item.fragment()
            item += 1
            first = max(start, fragment.position())
            last = min(end, fragment.position() + fragment.length())
            if first >= last:
                continue
            text = fragment.text()[first - fragment.position() : last - fragment.position()]
            fmt = fragment.charFormat()
            math = parse_math_url(fmt.toImageFormat().name()) if fmt.isImageFormat() else None
            if math is not None:
                fence = "$$" if math[1] else "$"
                text = text.replace("\ufffc", f"{fence}{math[0]}{fence}")
            line.append(text)
        lines.append("".join(line))
        block = block.next()
    return "\n".join(lines).replace("\u2028", "\n").replace("\xa0", " ")


def _pads(shown: _Shown, facts: _Facts) -> tuple[float, float]:
    """Transparent space above and below the formula, so that its baseline lands on the
    text's. Qt lays an AlignMiddle object out with an ascent of (height + x-height / 2) / 2,
    then draws it centred in the line's box, whose ascent and descent are the larger of the
    text's and the object's (measured: tests/gui/widgets/test_markdown_math.py). The pad is
    found by bisection: the error falls by at least half of each pixel added below."""
    half = facts.x_height / 2

    def error(top: float, bottom: float) -> float:
        above, below = shown.ascent + top, shown.descent + bottom
        height = above + below
        ascent = (height + half) / 2
        return (above - below) - (max(facts.ascent, ascent) - max(facts.descent, height - ascent))

    if abs(error(0.0, 0.0)) < 0.05:
        return 0.0, 0.0
    grow_below = error(0.0, 0.0) > 0
    low, high = 0.0, 4 * (shown.ascent + shown.descent + facts.ascent + facts.descent)
    for _ in range(24):
        middle = (low + high) / 2
        miss = error(0.0, middle) if grow_below else -error(middle, 0.0)
        low, high = (middle, high) if miss > 0 else (low, middle)
    return (0.0, high) if grow_below else (high, 0.0)


def _source_box(latex: str, font: QFont, limit: float) -> _Shown:
    """The source in code style, wrapped to `limit` (the page's width) when longer."""
    metrics = _facts(font).code_metrics
    text = latex.replace("\n", " ")
    width = metrics.horizontalAdvance(text) + 6
    if width <= limit:
        return _Shown(None, width, metrics.ascent() + 1, metrics.descent() + 1)
    height = metrics.boundingRect(QRectF(0, 0, limit - 6, 1e9), _WRAP, text).height() + 2
    return _Shown(None, limit, height - metrics.descent() - 1, metrics.descent() + 1)


class _Facts(NamedTuple):
    """What the handler needs of the font at an image's place, measured once per font:
    Qt asks for each image's size several times per layout."""

    pixels: int
    x_height: float
    ascent: float
    descent: float
    code: QFont
    code_metrics: QFontMetricsF


_FACTS: dict[str, _Facts] = {}


def _facts(font: QFont) -> _Facts:
    key = font.key()
    facts = _FACTS.get(key)
    if facts is None:
        if len(_FACTS) > 64:
            _FACTS.clear()
        pixels = QFontInfo(font).pixelSize()
        code = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        code.setPixelSize(max(1, pixels))  # as <code> is: the glyphs are cached already
        metrics = QFontMetricsF(font)
        facts = _FACTS[key] = _Facts(
            pixels,
            metrics.xHeight(),
            metrics.ascent(),
            metrics.descent(),
            code,
            QFontMetricsF(code),
        )
    return facts


def _screen_dpr() -> float:
    app = QCoreApplication.instance()
    return app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
