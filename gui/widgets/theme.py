"""Light and dark themes: follow the system, or the override from the settings.

Qt 6.8+ can ask the platform for a colour scheme (`QStyleHints.setColorScheme`); where
the platform cannot switch (Fusion on a bare X server, older desktops), an explicit
palette does it. In dark mode the link colours are raised so links stay readable, and
`dark_changed` tells the chat view to re-render its code blocks with the dark style.

Before the first paint only the palette is consulted: the platform's colour-scheme hint
is a `Qt.ColorScheme`, and the first use of the `Qt` namespace builds its ~130 Python
enums (13 ms, a tenth of the start-up). `follow_platform()` reads the hint afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from PySide6 import QtCore
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

__all__ = ["ThemeManager", "dark_palette", "is_dark_palette"]

ThemeChoice = Literal["system", "light", "dark"]

#: Links on dark backgrounds: light blue and violet, contrast ≥ 7:1 on #1e1e1e.
DARK_LINK = "#8ab4f8"
DARK_LINK_VISITED = "#c58af9"
LIGHT_LINK = "#0b57d0"
LIGHT_LINK_VISITED = "#6b3fa0"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup


def is_dark_palette(palette: QPalette) -> bool:
    """Whether text is lighter than the window behind it."""
    return palette.color(Role.WindowText).lightness() > palette.color(Role.Window).lightness()


def dark_palette() -> QPalette:
    """A dark palette for Fusion, for platforms that cannot switch by themselves."""
    palette = QPalette()
    colours = {
        Role.Window: "#2b2b2e",
        Role.WindowText: "#e8e8e8",
        Role.Base: "#1e1e1e",
        Role.AlternateBase: "#262629",
        Role.ToolTipBase: "#3a3a3e",
        Role.ToolTipText: "#f0f0f0",
        Role.PlaceholderText: "#9a9a9a",
        Role.Text: "#e8e8e8",
        Role.Button: "#36363a",
        Role.ButtonText: "#e8e8e8",
        Role.BrightText: "#ff8080",
        Role.Light: "#4a4a4f",
        Role.Midlight: "#404045",
        Role.Mid: "#2a2a2d",
        Role.Dark: "#1c1c1e",
        Role.Shadow: "#111112",
        Role.Highlight: "#3d74c6",
        Role.HighlightedText: "#ffffff",
        Role.Link: DARK_LINK,
        Role.LinkVisited: DARK_LINK_VISITED,
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (Role.WindowText, Role.Text, Role.ButtonText, Role.HighlightedText):
        palette.setColor(Group.Disabled, role, QColor("#7d7d80"))
    palette.setColor(Group.Disabled, Role.Highlight, QColor("#4a4a4f"))
    palette.setColor(Group.Disabled, Role.Button, QColor("#2f2f32"))
    return palette


class ThemeManager(QObject):
    """Applies a theme choice to the application and reports whether it ended up dark."""

    #: the effective scheme changed (or was applied): True for dark
    dark_changed = Signal(bool)

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.theme: ThemeChoice = "system"
        self.dark = is_dark_palette(app.palette())
        self._applying = False
        #: whether we asked the platform for a scheme (so "system" must take it back)
        self._overriding = False
        #: whether the platform's colour-scheme hint is read (see the module's docstring)
        self._following = False

    def follow_platform(self) -> None:
        """Take the platform's colour-scheme hint into account, now and when it changes."""
        self._following = True
        self.app.styleHints().colorSchemeChanged.connect(self._on_system_scheme_changed)
        if self.theme == "system" and self._wants_dark("system", self.dark) != self.dark:
            self.apply("system")

    def apply(self, theme: str) -> bool:
        """Use `theme` ("system", "light" or "dark"); returns True when the result is dark."""
        choice: ThemeChoice = (
            "light" if theme == "light" else "dark" if theme == "dark" else "system"
        )
        self._applying = True
        try:
            self.theme = choice
            if choice != "system" or self._overriding:
                self.app.styleHints().setColorScheme(_scheme(choice))
                self._overriding = choice != "system"
            self.app.setPalette(QPalette())  # back to the platform's own palette
            native = self.app.palette()  # a copy
            dark = self._wants_dark(choice, is_dark_palette(native))
            if dark == is_dark_palette(native):
                palette = native
            elif dark:
                palette = dark_palette()
            else:
                palette = self.app.style().standardPalette()  # a copy
            links = (DARK_LINK, DARK_LINK_VISITED) if dark else (LIGHT_LINK, LIGHT_LINK_VISITED)
            palette.setColor(Role.Link, QColor(links[0]))
            palette.setColor(Role.LinkVisited, QColor(links[1]))
            self.app.setPalette(palette)
        finally:
            self._applying = False
        self.dark = dark
        self.dark_changed.emit(dark)
        return dark

    def _wants_dark(self, choice: ThemeChoice, native_dark: bool) -> bool:
        if choice != "system":
            return choice == "dark"
        if not self._following:
            return native_dark
        schemes = QtCore.Qt.ColorScheme
        scheme = self.app.styleHints().colorScheme()
        if scheme == schemes.Unknown:
            return native_dark
        return scheme == schemes.Dark

    def _on_system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.theme == "system" and not self._applying:
            self.apply("system")


def _scheme(choice: ThemeChoice) -> Qt.ColorScheme:
    schemes = QtCore.Qt.ColorScheme
    if choice == "light":
        return schemes.Light
    if choice == "dark":
        return schemes.Dark
    return schemes.Unknown  # no override: the platform decides
