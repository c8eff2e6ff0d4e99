"""First start and empty chats: a way in instead of a blank page.

`WelcomePanel` is shown in the conversation column while no provider is ready: three
cards (GigaChat, an OpenAI-compatible service, a server on this computer), each a click
away from a first reply. `EmptyChatPanel` stands in for an empty chat: the model's name
and a few sentence-starters that go into the message box. Both only emit intents; the
welcome controller (gui/welcome_controller.py) opens Settings, adds profiles and probes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.i18n import provider_text
from gui.widgets.style_sheet import colours
from gui.widgets.theme import is_dark_palette

__all__ = [
    "GRID",
    "KEY_HELP_URL",
    "LocalServerLike",
    "Page",
    "WelcomePanel",
    "push_button",
    "text_label",
]

#: Where a GigaChat authorization key is made (a personal account is free).
KEY_HELP_URL = "https://developers.sber.ru/studio/workspaces"
#: The OpenAI-compatible presets the panel offers (keys of gui/core/profiles.py PRESETS).
PRESET_KEYS = (("openai", "OpenAI"), ("deepseek", "DeepSeek"), ("openrouter", "OpenRouter"))
GRID = 8  # every distance is a multiple of it


class LocalServerLike(Protocol):
    """A server the probe found (gui/core/local_servers.py LocalServer)."""

    @property
    def kind(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def models(self) -> tuple[str, ...]: ...


def _mix(a: QColor, b: QColor, share: float) -> str:
    """`share` of `b` over `a`, as #rrggbb."""
    pairs = ((a.red(), b.red()), (a.green(), b.green()), (a.blue(), b.blue()))
    red, green, blue = (round(x + (y - x) * share) for x, y in pairs)
    return QColor(red, green, blue).name()


def style_sheet(dark: bool) -> str:
    """The panels' look in the window's colours (gui/widgets/style_sheet.py): cards a
    shade off the page, its one accent."""
    c = colours(dark)
    base, text, accent = QColor(c.window), QColor(c.text), QColor(c.accent)
    card = _mix(base, text, 0.04 if dark else 0.025)
    tint = _mix(base, accent, 0.22 if dark else 0.12)
    border, muted, hover, accent_hover = c.border, c.muted, c.hover, c.accent_hover
    link = c.accent
    return f"""
#welcomePage, #emptyChatPage {{ background: {base.name()}; }}
QLabel {{ background: transparent; }}
QLabel#welcomeTitle {{ font-size: 26px; font-weight: 600; color: {text.name()}; }}
QLabel#welcomeSubtitle, QLabel#muted {{ color: {muted}; }}
QLabel#cardTitle {{ font-size: 16px; font-weight: 600; color: {text.name()}; }}
QLabel#starterTitle {{ font-weight: 600; color: {text.name()}; }}
QLabel#cardBadge {{ background: {tint}; color: {accent.name()}; border-radius: 12px;
    font-size: 18px; font-weight: 700; }}
QFrame#welcomeCard {{ background: {card}; border: 1px solid {border}; border-radius: 16px; }}
QPushButton {{ border-radius: 8px; padding: 8px 16px; }}
QPushButton#primaryButton {{ background: {accent.name()}; color: {c.on_accent}; border: 2px solid
    {accent.name()}; font-weight: 600; }}
QPushButton#primaryButton:hover {{ background: {accent_hover}; border-color: {accent_hover}; }}
QPushButton#primaryButton:focus {{ border: 2px solid {text.name()}; }}
QPushButton#secondaryButton, QPushButton#starterButton {{ background: transparent;
    color: {text.name()}; border: 1px solid {border}; }}
QPushButton#secondaryButton:hover, QPushButton#starterButton:hover {{ background: {hover};
    border-color: {accent.name()}; }}
QPushButton#secondaryButton:focus, QPushButton#starterButton:focus {{
    border: 2px solid {accent.name()}; }}
QPushButton#starterButton {{ background: {card}; border-radius: 12px; padding: 16px;
    text-align: left; }}
QPushButton#linkButton {{ background: transparent; color: {link}; border: none; padding: 0;
    text-align: left; text-decoration: underline; }}
QPushButton#linkButton:focus {{ border: 1px dotted {link}; }}
"""


def text_label(object_name: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel()
    if object_name:
        label.setObjectName(object_name)
    label.setWordWrap(wrap)
    return label


def push_button(object_name: str, clicked: Callable[[], None]) -> QPushButton:
    button = QPushButton()
    button.setObjectName(object_name)
    button.setCursor(QtCore.Qt.CursorShape.PointingHandCursor)
    button.clicked.connect(clicked)
    return button


class Page(QWidget):
    """A centred column in the conversation column, styled from the palette."""

    def __init__(self, object_name: str, width: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        # A style sheet's background on a plain QWidget needs this to be painted.
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_StyledBackground)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(4 * GRID, 4 * GRID, 4 * GRID, 4 * GRID)
        self.column = QVBoxLayout()
        self.column.setSpacing(2 * GRID)
        holder = QWidget()
        holder.setMaximumWidth(width)
        holder.setLayout(self.column)
        outer.addStretch(1)
        outer.addWidget(holder, 100)
        outer.addStretch(1)
        self._restyle()

    def _restyle(self) -> None:
        sheet = style_sheet(is_dark_palette(QGuiApplication.palette()))
        if sheet != self.styleSheet():  # setting it sends a PaletteChange itself
            self.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Subclasses set their texts here (again when the language changes)."""


class WelcomePanel(Page):
    """Three ways to a first reply; each emits what the person chose."""

    #: open Settings on this provider's page with its key field focused ("gigachat")
    settings_requested = Signal(str)
    #: add an OpenAI-compatible profile from this preset and open it in Settings
    preset_requested = Signal(str)
    #: use a server the probe found: its kind (a preset key), base URL, models
    local_server_chosen = Signal(str, str, list)
    #: look for local servers again
    probe_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("welcomePage", 1000, parent)
        self.title = text_label("welcomeTitle")
        self.subtitle = text_label("welcomeSubtitle")
        self.column.addStretch(1)
        self.column.addWidget(self.title)
        self.column.addWidget(self.subtitle)
        self.column.addSpacing(GRID)
        cards = QHBoxLayout()
        cards.setSpacing(2 * GRID)
        self.column.addLayout(cards)

        gigachat, self._gigachat = self._card("G")
        self.gigachat_button = push_button(
            "primaryButton", lambda: self.settings_requested.emit("gigachat")
        )
        self.key_help = push_button("linkButton", self._open_key_help)
        gigachat.addWidget(self.gigachat_button)
        gigachat.addWidget(self.key_help)

        openai, self._openai = self._card("AI")
        self.preset_buttons: dict[str, QPushButton] = {}
        for key, _label_text in PRESET_KEYS:
            button = push_button(
                "secondaryButton", functools.partial(self.preset_requested.emit, key)
            )
            self.preset_buttons[key] = button
            openai.addWidget(button)

        local, self._local = self._card("⌂")
        self.servers = QVBoxLayout()
        self.servers.setSpacing(GRID)
        local.addLayout(self.servers)
        self.probe_button = push_button("secondaryButton", self.probe_requested.emit)
        local.addWidget(self.probe_button)
        self.use_buttons: dict[str, QPushButton] = {}
        self._found: list[LocalServerLike] = []
        self._probing = True
        for card in (self._gigachat, self._openai, self._local):
            cards.addWidget(card[0], 1)
        self.footer = text_label("muted")
        self.column.addWidget(self.footer)
        self.column.addStretch(2)
        self.retranslate()

    def _card(self, badge: str) -> tuple[QVBoxLayout, tuple[QFrame, QLabel, QLabel]]:
        """A rounded card: a badge, a title, a line of text, then its actions at the foot."""
        frame = QFrame()
        frame.setObjectName("welcomeCard")
        # Equal widths whatever their texts: the layout's stretch alone shares the row.
        frame.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        frame.setMinimumWidth(25 * GRID)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(3 * GRID, 3 * GRID, 3 * GRID, 3 * GRID)
        layout.setSpacing(GRID)
        mark = text_label("cardBadge", wrap=False)
        mark.setText(badge)
        mark.setFixedSize(5 * GRID, 5 * GRID)
        mark.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        mark.setAccessibleName("")
        title, text = text_label("cardTitle"), text_label("muted")
        layout.addWidget(mark)
        layout.addSpacing(GRID)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addStretch(1)
        actions = QVBoxLayout()
        actions.setSpacing(GRID)
        layout.addLayout(actions)
        return actions, (frame, title, text)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Welcome to Besedka"))
        self.subtitle.setText(
            self.tr("Choose a model to talk to. You can add others and switch at any time.")
        )
        for (frame, title, text), (name, body) in zip(
            (self._gigachat, self._openai, self._local),
            (
                (
                    "GigaChat",
                    self.tr("Sber's models, in Russian and English. A personal key is free."),
                ),
                (
                    self.tr("An online service"),
                    self.tr("OpenAI, DeepSeek, OpenRouter or any OpenAI-compatible API."),
                ),
                (
                    self.tr("On this computer"),
                    self.tr("Ollama or LM Studio: no key, and nothing leaves your machine."),
                ),
            ),
            strict=True,
        ):
            title.setText(name)
            text.setText(body)
            frame.setAccessibleName(name)
        self.gigachat_button.setText(self.tr("Add GigaChat key"))
        self.gigachat_button.setAccessibleName(self.tr("Add your GigaChat authorization key"))
        self.key_help.setText(self.tr("Where do I get a key?"))
        self.key_help.setAccessibleName(self.tr("Where do I get a GigaChat key?"))
        self.key_help.setAccessibleDescription(self.tr("Opens developers.sber.ru in the browser"))
        for key, label in PRESET_KEYS:
            button = self.preset_buttons[key]
            button.setText(label)
            button.setAccessibleName(self.tr("Use {0}").format(label))
            button.setAccessibleDescription(self.tr("Opens Settings to paste the API key"))
        self.probe_button.setText(self.tr("Look again"))
        self.probe_button.setAccessibleName(self.tr("Look for local servers again"))
        self.footer.setText(self.tr("Keys are kept in the system keychain, never in a file."))
        self._show_servers()

    def focus_chain(self) -> list[QWidget]:
        """The panel's controls in reading order, for the window's Tab order."""
        chain: list[QWidget] = [self.gigachat_button, self.key_help]
        chain += self.preset_buttons.values()
        return [*chain, *self.use_buttons.values(), self.probe_button]

    def _open_key_help(self) -> None:
        QDesktopServices.openUrl(QUrl(KEY_HELP_URL))

    # -- local servers ---------------------------------------------------------------

    def set_probing(self) -> None:
        """The probe has started: say so until `set_local_servers`."""
        self._probing = True
        self._show_servers()

    def set_local_servers(self, servers: Sequence[LocalServerLike]) -> None:
        """What the probe found; a "Use" button for each."""
        self._probing = False
        self._found = list(servers)
        self._show_servers()

    def _show_servers(self) -> None:
        while (item := self.servers.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self.use_buttons = {}
        self.probe_button.setEnabled(not self._probing)
        if self._probing or not self._found:
            note = text_label("muted")
            note.setText(
                self.tr("Looking for Ollama and LM Studio…")
                if self._probing
                else self.tr("Nothing answered on port 11434 (Ollama) or 1234 (LM Studio).")
            )
            self.servers.addWidget(note)
            return
        for server in self._found:
            row = QWidget()
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            name = text_label(wrap=False)
            name.setText(f"<b>{_escape(provider_text(server.label))}</b>")
            where = server.base_url.split("//", 1)[-1].split("/", 1)[0]
            detail = text_label("muted", wrap=False)
            detail.setText(self.tr("%n model(s)", "", len(server.models)))
            detail.setToolTip(where)
            lines = QVBoxLayout()
            lines.setSpacing(0)
            lines.addWidget(name)
            lines.addWidget(detail)
            chosen = (server.kind, server.base_url, list(server.models))
            use = push_button(
                "primaryButton", functools.partial(self.local_server_chosen.emit, *chosen)
            )
            use.setText(self.tr("Use"))
            use.setAccessibleName(self.tr("Use {0}").format(provider_text(server.label)))
            layout.addLayout(lines, 1)
            layout.addWidget(use)
            self.use_buttons[server.kind] = use
            self.servers.addWidget(row)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
