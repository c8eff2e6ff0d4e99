"""Light and dark themes: the override works, text, links and code stay readable in both."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from gui.widgets import markdown
from gui.widgets.main_window import MainWindow
from gui.widgets.theme import ThemeManager, is_dark_palette
from tests.gui.conftest import Script, wait_for

Role = QPalette.ColorRole

CODE = "```python\ndef greet(name):\n    return f'привет, {name}'  # comment\n```\n"


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio: 4.5 is the minimum for body text."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def code_colours(dark: bool) -> tuple[QColor, QColor]:
    """Background and text colour of a rendered code block."""
    html = markdown.render_markdown(CODE, dark=dark).html
    style = re.search(r'<pre style="([^"]*)"', html)
    assert style is not None
    background = re.search(r"background-color:\s*(#[0-9a-fA-F]{3,6})", style[1])
    text = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{3,6})", style[1])
    assert background is not None and text is not None
    return QColor(background[1]), QColor(text[1])


def is_dark_palette_colour(colour: QColor) -> bool:
    return colour.lightness() < 128


def test_code_blocks_are_readable_in_both_themes() -> None:
    for dark in (False, True):
        background, text = code_colours(dark)
        assert is_dark_palette_colour(background) == dark
        assert contrast(background, text) >= 7, dark


async def test_dark_override_darkens_the_app_and_re_renders_the_view(
    window: MainWindow, theme: ThemeManager, script: Script
) -> None:
    theme.dark_changed.connect(window.set_dark)
    script.pieces = ["See [docs](https://example.org).\n\n", CODE]
    window.composer.setPlainText("code please")
    window.composer.submit()
    await wait_for(lambda: not window.stop_button.isEnabled() and "greet" in window.view.toHtml())
    light_code_bg, _ = code_colours(False)
    dark_code_bg, _ = code_colours(True)
    assert light_code_bg.name() in window.view.toHtml()

    assert theme.apply("dark") is True
    palette = QGuiApplication.palette()
    assert is_dark_palette(palette)
    assert window.view.dark
    html = window.view.toHtml()
    assert dark_code_bg.name() in html and light_code_bg.name() not in html
    assert "greet" in window.view.toPlainText() and "code please" in window.view.toPlainText()
    for role in (Role.Text, Role.Link, Role.LinkVisited):
        assert contrast(palette.color(role), palette.color(Role.Base)) >= 4.5, role
    assert contrast(palette.color(Role.WindowText), palette.color(Role.Window)) >= 7
    assert contrast(palette.color(Role.ButtonText), palette.color(Role.Button)) >= 7

    assert theme.apply("light") is False
    palette = QGuiApplication.palette()
    assert not is_dark_palette(palette)
    assert not window.view.dark
    assert light_code_bg.name() in window.view.toHtml()
    for role in (Role.Text, Role.Link):
        assert contrast(palette.color(role), palette.color(Role.Base)) >= 4.5, role


async def test_system_theme_follows_the_platform(theme: ThemeManager) -> None:
    assert theme.apply("system") == is_dark_palette(QGuiApplication.palette())
    assert theme.theme == "system"


async def test_a_streaming_reply_survives_a_theme_switch(
    window: MainWindow, theme: ThemeManager, script: Script
) -> None:
    theme.dark_changed.connect(window.set_dark)
    script.pieces = [f"w{i} " for i in range(60)]
    script.delay = 0.01
    window.composer.setPlainText("stream")
    window.composer.submit()
    await wait_for(lambda: "w5" in window.view.toPlainText())
    theme.apply("dark")
    await wait_for(lambda: not window.stop_button.isEnabled())
    assert "w0 w1 w2" in window.view.toPlainText()
    assert "w59" in window.view.toPlainText()
    assert window.view.toPlainText().count("w10 ") == 1


async def test_following_the_platform_hint_keeps_an_override(theme: ThemeManager) -> None:
    theme.apply("dark")
    theme.follow_platform()  # the platform says nothing here (offscreen): no change
    assert theme.dark and is_dark_palette(QGuiApplication.palette())
    theme.app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert theme.dark, "a platform change does not undo the person's choice"
    assert theme.apply("system") == is_dark_palette(QGuiApplication.palette())


def test_the_window_sheet_keeps_its_text_readable_in_both_themes() -> None:
    """Issue #17: the designed themes keep text at 4.5:1 or more on what it sits on."""
    from gui.widgets.message_html import MUTED
    from gui.widgets.style_sheet import colours

    for dark in (False, True):
        c = colours(dark)
        pairs = {
            "text on the conversation": (c.text, c.window),
            "text on the sidebar": (c.text, c.side),
            "secondary text on the conversation": (c.muted, c.window),
            "secondary text on the sidebar": (c.muted, c.side),
            "text of the open chat's row": (c.text, c.selected),
            "text of a hovered row": (c.text, c.hover),
            "New chat on the accent": (c.on_accent, c.accent),
            "text in the composer": (c.text, c.input),
            "message actions": (MUTED[dark], c.window),
        }
        for name, (front, back) in pairs.items():
            assert contrast(QColor(front), QColor(back)) >= 4.5, (dark, name)
