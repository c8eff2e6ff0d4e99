"""The window's one icon set: small monochrome line icons in the palette's colours.

Drawn here as 24×24 SVG strokes (our own, in the style of common line icon sets), so they
ship inside the package and the bundle with no file to find, and take any colour:
`icon(name, colour)` for buttons, `image(name, colour, size)` for the conversation
document (its action links). Rendered once per name, colour and size.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QByteArray, QRectF, QSize
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap

#: Path data per icon (stroked, round caps and joins, width 2 on a 24-unit grid).
SHAPES = {
    "send": '<path d="M12 19V5M5 12l7-7 7 7"/>',
    "stop": '<rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor"/>',
    "copy": '<rect x="9" y="9" width="11" height="11" rx="2"/><path d="M5 15V6a2 2 0 0 1 2-2h8"/>',
    "edit": '<path d="M4 20h4L19 9l-4-4L4 16v4z"/><path d="M14 6l4 4"/>',
    "regenerate": '<path d="M20 12a8 8 0 1 1-2.3-5.7"/><path d="M20 4v5h-5"/>',
    "continue": '<path d="M5 12h12M13 6l6 6-6 6"/>',
    "delete": '<path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"/>',
    "fork": (
        '<circle cx="6" cy="5" r="2"/><circle cx="18" cy="5" r="2"/><circle cx="12" cy="19" r="2"/>'
        '<path d="M6 7v2a3 3 0 0 0 3 3h6a3 3 0 0 0 3-3V7M12 12v5"/>'
    ),
    "branch": '<path d="M6 4v16M18 8a4 4 0 0 1-4 4H6"/><circle cx="18" cy="6" r="2"/>',
    "more": (
        '<circle cx="5" cy="12" r="1.2" fill="currentColor"/>'
        '<circle cx="12" cy="12" r="1.2" fill="currentColor"/>'
        '<circle cx="19" cy="12" r="1.2" fill="currentColor"/>'
    ),
    "new": '<path d="M12 5v14M5 12h14"/>',
    "settings": (
        '<path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0"/>'
        '<circle cx="16" cy="6" r="2"/><circle cx="10" cy="12" r="2"/>'
        '<circle cx="18" cy="18" r="2"/>'
    ),
    "parameters": '<path d="M4 20l4-4M14 4l6 6-8 8-6-6z"/>',
    "search": '<circle cx="11" cy="11" r="6"/><path d="M20 20l-4.5-4.5"/>',
    "down": '<path d="M12 5v14M6 13l6 6 6-6"/>',
    "pin": '<path d="M9 4h6l-1 6 3 3H7l3-3zM12 13v7"/>',
    "attach": '<path d="M20 11l-8 8a5 5 0 0 1-7-7l8-8a3.5 3.5 0 0 1 5 5l-8 8a2 2 0 0 1-3-3l7-7"/>',
    "sidebar": '<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M9 4v16"/>',
    "blank": "",  # a message action's place, until its button shows (message_footer)
}


def svg(name: str, colour: str) -> bytes:
    body = SHAPES[name].replace("currentColor", colour)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
        f'stroke="{colour}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'
        f"{body}</svg>"
    ).encode()


@functools.lru_cache(maxsize=256)
def image(name: str, colour: str, size: int, ratio: float = 1.0) -> QImage:
    """The icon drawn at `size` device-independent pixels (sharp at `ratio`)."""
    from PySide6.QtSvg import QSvgRenderer  # loads with the first icon drawn

    pixels = max(1, round(size * ratio))
    picture = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    picture.fill(0)  # transparent (not Qt.GlobalColor: see gui/widgets/theme.py)
    renderer = QSvgRenderer(QByteArray(svg(name, colour)))
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    picture.setDevicePixelRatio(ratio)
    return picture


def icon(name: str, colour: QColor | str, size: int = 18, ratio: float = 2.0) -> QIcon:
    """A button's icon in `colour` (drawn at twice the size, for high-density screens)."""
    name_colour = colour.name() if isinstance(colour, QColor) else colour
    result = QIcon()
    result.addPixmap(QPixmap.fromImage(image(name, name_colour, size, ratio)))
    return result


def icon_size(size: int = 18) -> QSize:
    return QSize(size, size)


#: A provider's badge colours (by a hash of its name): blue, teal, violet, orange, green, rose.
BADGE_COLOURS = ("#2f6fdf", "#0f8b8d", "#7a4fd6", "#d9822b", "#2e9e57", "#d04a78")


def badge_colour(provider: str) -> str:
    return BADGE_COLOURS[sum(map(ord, provider)) % len(BADGE_COLOURS)]


@functools.lru_cache(maxsize=64)
def badge(letter: str, colour: str, size: int, ratio: float = 1.0) -> QImage:
    """A provider's round badge: its label's first letter, white on its colour."""
    from PySide6.QtCore import Qt

    pixels = max(1, round(size * ratio))
    picture = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    picture.fill(0)
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(0, 0, pixels, pixels))
    font = painter.font()
    font.setBold(True)
    font.setPixelSize(max(1, round(pixels * 0.55)))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRectF(0, 0, pixels, pixels), Qt.AlignmentFlag.AlignCenter, letter)
    painter.end()
    picture.setDevicePixelRatio(ratio)
    return picture
