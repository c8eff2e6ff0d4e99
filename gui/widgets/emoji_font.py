"""Colour emoji on a machine without a colour emoji font (issue #17).

The .deb depends on the system's `fonts-noto-color-emoji`, and a pip install on a desktop
has one as a rule; the PyInstaller bundle carries Noto Color Emoji (OFL-1.1) in `fonts/`
for the machines that have none. Registering the bundled font costs a few milliseconds,
so the app does it after its first frame, and only when the system lacks one.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["BUNDLED_NAME", "COLOUR_FAMILIES", "bundled_font", "ensure_colour_emoji", "register"]

BUNDLED_NAME = "NotoColorEmoji.ttf"
#: families that draw emoji in colour, as the systems name them
COLOUR_FAMILIES = ("Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", "Twemoji")


def bundled_font() -> Path | None:
    """The bundle's emoji font (None when not running from a bundle that has it)."""
    bundle = getattr(sys, "_MEIPASS", None)
    path = Path(bundle) / "fonts" / BUNDLED_NAME if bundle is not None else None
    return path if path is not None and path.is_file() else None


def register(path: Path) -> str | None:
    """Add the font file to the application and make it the emoji fallback; its family,
    or None when Qt cannot read it."""
    from PySide6.QtGui import QFontDatabase

    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    QFontDatabase.addApplicationEmojiFontFamily(families[0])
    return families[0]


def ensure_colour_emoji(
    font: Path | None = None, families: tuple[str, ...] = COLOUR_FAMILIES
) -> str | None:
    """The bundled font registered when the system has none of the colour emoji
    `families`; the family registered, or None (the system has one, or nothing to add)."""
    from PySide6.QtGui import QFontDatabase

    font = font if font is not None else bundled_font()
    if font is None:
        return None
    if any(QFontDatabase.hasFamily(family) for family in families):
        return None
    return register(font)
