"""What one message looks like in the conversation view: its frame, heading and footer.

Kept apart from the view (gui/widgets/chat_view.py), which owns the document, the
streaming and the piecewise rendering; this is pure formatting, in the interface
language (the texts keep the view's translation context, "ChatView").
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, NamedTuple, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QTextCharFormat, QTextFrameFormat

from gui.widgets import markdown

if TYPE_CHECKING:  # gui.values (json, dataclasses) costs the first frame 4 ms
    from gui.values import ErrorInfo

#: lupdate reads `translate("ChatView", ...)` calls: the texts keep the ChatView context.
translate = QCoreApplication.translate

ACTION_SCHEME = "besedka"

#: Longer replies stay plain text: parsing and laying out Markdown that large would
#: hold the GUI thread for a noticeable time (hundreds of ms at 200 KB).
MAX_MARKDOWN_CHARS = 60_000


class MessageLike(Protocol):
    """What the view needs of a message (the store's StoredMessage fits)."""

    @property
    def id(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def error(self) -> ErrorInfo | None: ...
    @property
    def provider(self) -> str: ...
    @property
    def model(self) -> str: ...


class Shown(NamedTuple):
    """What a frame was last rendered from, to render it again (theme, language)."""

    id: int
    role: str
    text: str
    status: str
    error: ErrorInfo | None
    provider: str
    model: str

    @classmethod
    def of(cls, message: MessageLike) -> Shown:
        return cls(
            message.id,
            message.role,
            message.text,
            message.status,
            message.error,
            message.provider,
            message.model,
        )


def action_url(action: str, message_id: int) -> str:
    return f"{ACTION_SCHEME}:msg/{action}/{message_id}"


def parse_action(url: str) -> tuple[str, int] | None:
    prefix = f"{ACTION_SCHEME}:msg/"
    if not url.startswith(prefix):
        return None
    action, _, ident = url[len(prefix) :].partition("/")
    return (action, int(ident)) if ident.isdigit() else None


@functools.cache
def streaming_format() -> QTextCharFormat:
    """Text as it streams in: laid out without shaping where the script does not need it
    (Cyrillic, Latin; Arabic and the like are still shaped), which halves the layout
    cost of a fast stream (bench/run item 3) at the price of kerning and ligatures until
    the reply is rendered when it ends."""
    from PySide6.QtGui import QFont

    fmt = QTextCharFormat()
    fmt.setFontStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return fmt


def wants_markdown(message: MessageLike) -> bool:
    """Finished replies are shown as Markdown, unless too large to lay out quickly."""
    return message.role == "assistant" and len(message.text) <= MAX_MARKDOWN_CHARS


def utf16_len(text: str) -> int:
    """How many positions `text` takes in a QTextDocument (characters past U+FFFF, such
    as most emoji, take two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def frame_format(role: str, *, dark: bool) -> QTextFrameFormat:
    fmt = QTextFrameFormat()
    fmt.setPadding(8)
    fmt.setTopMargin(6)
    fmt.setBottomMargin(6)
    if role == "user":
        fmt.setBackground(QColor("#2b3a4a") if dark else QColor("#eef3fb"))
    elif role == "system":
        fmt.setBackground(QColor("#3a3a2b") if dark else QColor("#fbf8e8"))
    return fmt


def heading(message: MessageLike) -> str:
    who = {
        "user": translate("ChatView", "You"),
        "system": translate("ChatView", "System prompt"),
    }.get(message.role)
    if who is None:
        who = message.model or message.provider or translate("ChatView", "Assistant")
    return f"<p><b>{markdown.escape(who)}</b></p>"


def footer(message: MessageLike, *, dark: bool) -> str:
    """Status notes, the error and the message's action links."""
    # Texts are translated outside the f-strings: lupdate does not look inside them.
    parts: list[str] = []
    if message.status == "stopped":
        stopped = translate("ChatView", "Stopped.")
        parts.append(f"<i>{markdown.escape(stopped)}</i>")
    elif message.status == "interrupted":
        interrupted = translate(
            "ChatView", "Interrupted: the app closed while this reply streamed."
        )
        parts.append(f"<i>{markdown.escape(interrupted)}</i>")
    if message.error is not None:
        from gui.widgets.error_text import error_text  # loads with the first error shown

        colour = "#ff8a80" if dark else "#b3261e"
        error = f'<span style="color:{colour}">{markdown.escape(error_text(message.error))}</span>'
        if message.status == "failed":
            retry = translate("ChatView", "Retry")
            error += f' <a href="{action_url("retry", message.id)}">{markdown.escape(retry)}</a>'
        parts.append(error)
    actions = [("copy", translate("ChatView", "Copy"))]
    if message.role == "assistant":
        actions.append(("regenerate", translate("ChatView", "Regenerate")))
    elif message.role == "user":
        actions.append(("edit", translate("ChatView", "Edit")))
    actions.append(("delete", translate("ChatView", "Delete")))
    links = " · ".join(
        f'<a href="{action_url(action, message.id)}">{markdown.escape(label)}</a>'
        for action, label in actions
    )
    parts.append(f'<span style="font-size:small">{links}</span>')
    return "".join(f"<p>{part}</p>" for part in parts)
