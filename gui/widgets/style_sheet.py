"""The main window's look: one accent colour, an 8 px grid, rounded cards and inputs.

A Qt style sheet over Fusion, made from the palette (light or dark) so both themes are
designed rather than inverted; text colours keep a contrast of at least 4.5:1 on their
backgrounds. Set once per theme change (setting a sheet restyles every widget).
"""

from __future__ import annotations

from typing import NamedTuple


class Colours(NamedTuple):
    window: str  # the conversation column
    side: str  # the sidebar
    text: str
    muted: str  # secondary text: ≥ 4.5:1 on window and side
    border: str
    hover: str  # rows and flat buttons under the mouse
    selected: str  # the open chat's row
    accent: str
    accent_hover: str
    on_accent: str
    input: str  # the composer's box and the search field


LIGHT = Colours(
    window="#ffffff",
    side="#f4f5f7",
    text="#1f2328",
    muted="#5f6670",
    border="#dfe2e6",
    hover="#e8eaee",
    selected="#dde6fb",
    accent="#2f6fed",
    accent_hover="#2258c9",
    on_accent="#ffffff",
    input="#ffffff",
)
DARK = Colours(
    window="#1e1f22",
    side="#26272b",
    text="#e6e7e9",
    muted="#a2a7ae",
    border="#3a3c42",
    hover="#303237",
    selected="#2f3b55",
    accent="#5b8cff",
    accent_hover="#7aa2ff",
    on_accent="#0b1020",
    input="#2a2b30",
)


def colours(dark: bool) -> Colours:
    return DARK if dark else LIGHT


def window_style_sheet(dark: bool) -> str:
    """The sheet for the main window and everything in it."""
    c = colours(dark)
    return f"""
QMainWindow#mainWindow, QWidget#conversationColumn {{ background: {c.window}; }}
QWidget#sidebar {{ background: {c.side}; }}
QSplitter::handle {{ background: {c.border}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QStatusBar {{ background: {c.window}; color: {c.muted}; }}
QStatusBar QLabel {{ color: {c.muted}; padding: 0 8px; }}

QPushButton#newChatButton {{
    background: {c.accent}; color: {c.on_accent}; border: none; border-radius: 8px;
    padding: 8px 12px; font-weight: 600; text-align: left;
}}
QPushButton#newChatButton:hover {{ background: {c.accent_hover}; }}
QPushButton#newChatButton:focus {{ border: 2px solid {c.text}; }}
QLineEdit#searchField {{
    background: {c.input}; color: {c.text}; border: 1px solid {c.border};
    border-radius: 8px; padding: 6px 8px;
}}
QLineEdit#searchField:focus {{ border: 2px solid {c.accent}; padding: 5px 7px; }}
QListWidget#conversationList {{
    background: transparent; border: none; outline: none; color: {c.text};
}}
QListWidget#conversationList:focus {{ border: 1px solid {c.accent}; border-radius: 8px; }}
QListWidget#conversationList::item {{
    border-radius: 6px; padding: 6px 8px; margin: 1px 0px; color: {c.text};
}}
QListWidget#conversationList::item:hover {{ background: {c.hover}; }}
QListWidget#conversationList::item:selected {{ background: {c.selected}; color: {c.text}; }}

QWidget#chatHeader {{ background: {c.window}; border-bottom: 1px solid {c.border}; }}
QWidget#chatHeader QLabel {{ color: {c.muted}; }}
QPushButton#headerButton, QToolButton#headerButton {{
    background: transparent; color: {c.text}; border: 1px solid transparent;
    border-radius: 8px; padding: 4px 8px;
}}
QPushButton#headerButton:hover, QToolButton#headerButton:hover {{ background: {c.hover}; }}
QPushButton#headerButton:focus, QToolButton#headerButton:focus {{ border: 2px solid {c.accent}; }}

QTextBrowser#chatView {{ background: {c.window}; border: none; }}
QTextBrowser#chatView:focus {{ border: 2px solid {c.accent}; border-radius: 4px; }}
QToolButton#toEndButton {{
    background: {c.input}; color: {c.text}; border: 1px solid {c.border};
    border-radius: 18px; font-size: 16px;
}}
QToolButton#toEndButton:hover {{ background: {c.hover}; }}

QFrame#composerBox {{
    background: {c.input}; border: 1px solid {c.border}; border-radius: 12px;
}}
QPlainTextEdit#composer {{
    background: transparent; color: {c.text}; border: none; padding: 2px;
}}
QLabel#composerHint {{ color: {c.muted}; font-size: 11px; }}
QPushButton#sendButton, QPushButton#stopButton {{
    border: none; border-radius: 16px; min-width: 32px; max-width: 32px;
    min-height: 32px; max-height: 32px; padding: 0px;
}}
QPushButton#sendButton {{ background: {c.accent}; }}
QPushButton#sendButton:hover {{ background: {c.accent_hover}; }}
QPushButton#sendButton:disabled {{ background: {c.border}; }}
QPushButton#stopButton {{ background: {c.text}; }}
QPushButton#sendButton:focus, QPushButton#stopButton:focus {{ border: 2px solid {c.text}; }}

QDialog {{ background: {c.window}; }}
QDialog QPushButton {{
    background: {c.input}; color: {c.text}; border: 1px solid {c.border};
    border-radius: 8px; padding: 6px 14px;
}}
QDialog QPushButton:hover {{ background: {c.hover}; }}
QDialog QPushButton:default {{
    background: {c.accent}; color: {c.on_accent}; border: 1px solid {c.accent};
}}
QDialog QPushButton:default:hover {{ background: {c.accent_hover}; }}
QDialog QPushButton:focus {{ border: 2px solid {c.text}; }}
QDialog QPushButton:disabled {{ color: {c.muted}; }}
QDialog QLineEdit, QDialog QPlainTextEdit {{
    background: {c.input}; color: {c.text}; border: 1px solid {c.border};
    border-radius: 8px; padding: 5px 8px;
}}
QDialog QLineEdit:focus, QDialog QPlainTextEdit:focus {{ border: 2px solid {c.accent}; }}
QDialog QListWidget {{ background: {c.side}; border: none; border-radius: 8px; outline: none; }}
QDialog QListWidget::item {{ padding: 6px 10px; border-radius: 6px; color: {c.text}; }}
QDialog QListWidget::item:hover {{ background: {c.hover}; }}
QDialog QListWidget::item:selected {{ background: {c.selected}; color: {c.text}; }}
"""
