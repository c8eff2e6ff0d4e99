"""Colour emoji (issue #17): an emoji in a reply is drawn in colour, not as a box or a
black outline — the system's Noto Color Emoji (a dependency of the .deb and installed by
the setup), or the bundle's copy registered when a machine has none."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QFontDatabase
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gui.widgets.emoji_font import COLOUR_FAMILIES, ensure_colour_emoji, register

SYSTEM_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")


def _coloured_pixels(label: QLabel) -> int:
    image = label.grab().toImage()
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            colour = QColor(image.pixel(x, y))
            if colour.hsvSaturationF() > 0.4 and colour.valueF() > 0.3:
                count += 1
    return count


def test_an_emoji_is_drawn_in_colour(qtbot: QtBot) -> None:
    if not any(QFontDatabase.hasFamily(family) for family in COLOUR_FAMILIES):
        pytest.skip("no colour emoji font on this machine (scripts/setup installs one)")
    label = QLabel("😀 🚀 ✅")
    qtbot.addWidget(label)
    font = label.font()
    font.setPixelSize(32)
    label.setFont(font)
    label.resize(240, 60)
    label.show()
    assert _coloured_pixels(label) > 50  # yellow face, red rocket, green tick
    plain = QLabel("abc")
    qtbot.addWidget(plain)
    plain.setFont(font)
    plain.resize(240, 60)
    plain.show()
    assert _coloured_pixels(plain) == 0  # the measure sees colour only where there is


def test_the_bundled_font_registers_as_the_emoji_fallback() -> None:
    if not SYSTEM_FONT.is_file():
        pytest.skip("fonts-noto-color-emoji is not installed")
    assert ensure_colour_emoji(SYSTEM_FONT) is None  # the system has one: nothing added
    assert register(SYSTEM_FONT) == "Noto Color Emoji"
    QFontDatabase.removeApplicationEmojiFontFamily("Noto Color Emoji")
    # A machine whose fonts have none of the families: the bundle's copy is registered
    # and becomes Qt's emoji fallback.
    family = ensure_colour_emoji(SYSTEM_FONT, families=("No Such Emoji Font",))
    assert family == "Noto Color Emoji"
    assert family in QFontDatabase.applicationEmojiFontFamilies()
    QFontDatabase.removeApplicationEmojiFontFamily(family)


def test_nothing_is_registered_outside_a_bundle() -> None:
    assert ensure_colour_emoji() is None
