"""What one message looks like in the conversation view: its frame, heading and footer.

Kept apart from the view (gui/widgets/message_document.py), which owns the document, the
streaming and the piecewise rendering; this is formatting, in the interface language
(the texts keep the view's translation context, "ChatView"), and finding a footer's
links again in a rendered frame.

A message is one version among its siblings (the history is a tree): when it has
others, its footer starts with a switcher "‹ 2/3 ›" whose arrows are links while there
is a version that way, and dimmed text at the ends.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from PySide6.QtCore import QCoreApplication, QLocale, QUrl
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFrame, QTextFrameFormat

from gui.widgets import markdown
from gui.widgets.long_text import SHOWN_CHARS, has_long_line, lf

if TYPE_CHECKING:  # gui.values (json, dataclasses) costs the first frame 4 ms
    from gui.values import ErrorInfo

#: lupdate reads `translate("ChatView", ...)` calls: the texts keep the ChatView context.
translate = QCoreApplication.translate

ACTION_SCHEME = "besedka"

#: Longer replies stay plain text: parsing and laying out Markdown that large would
#: hold the GUI thread for a noticeable time (hundreds of ms at 200 KB).
MAX_MARKDOWN_CHARS = 60_000
#: Longer Markdown renders in pieces of about PIECE_CHARS (message_fill); one that cannot
#: be cut into pieces of at most MAX_PIECE_CHARS stays plain.
PIECE_CHARS = 1_500
MAX_PIECE_CHARS = 6_000


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

    # Also read, with getattr and a default, so values without them still render:
    # version (1-based among its siblings), versions (siblings with itself),
    # finish_reason ("" or the server's reason; "length" = cut by the token limit),
    # reasoning (the model's thinking, shown in a Thinking block) and reasoning_ms,
    # usage (a reply's: "left_out" counts older messages its request did not carry).


class Shown(NamedTuple):
    """What a frame was last rendered from, to render it again (theme, language)."""

    id: int
    role: str
    text: str
    status: str
    error: ErrorInfo | None
    provider: str
    model: str
    version: int = 1
    versions: int = 1
    finish_reason: str = ""
    reasoning: str = ""
    reasoning_ms: int = 0
    left_out: int = 0

    @classmethod
    def of(cls, message: MessageLike) -> Shown:
        return cls(
            message.id,
            message.role,
            lf(message.text),
            message.status,
            message.error,
            message.provider,
            message.model,
            getattr(message, "version", 1),
            getattr(message, "versions", 1),
            getattr(message, "finish_reason", "") or "",
            getattr(message, "reasoning", "") or "",
            getattr(message, "reasoning_ms", 0) or 0,
            left_out(message),
        )


def left_out(message: MessageLike) -> int:
    """How many older messages a reply's request left out (they did not fit the model's
    context): a Shown's own count, or the one its usage keeps."""
    count = getattr(message, "left_out", None)
    if count is None:
        usage = getattr(message, "usage", None)
        count = usage.get("left_out", 0) if isinstance(usage, dict) else 0
    return count if isinstance(count, int) and count > 0 else 0


#: The message actions the window passes on: the MainWindow signal each one emits with
#: the message's id ("edit", "previous" and "next" it handles itself, "copy" the view).
MESSAGE_INTENTS = {
    "regenerate": "retry_requested",
    "retry": "retry_requested",
    "continue": "continue_requested",
    "fork": "fork_requested",
    "delete": "message_delete_requested",
    "delete_branch": "branch_delete_requested",
}


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
    """Finished replies are shown as Markdown, unless too large to lay out quickly: over
    MAX_MARKDOWN_CHARS only when it renders in pieces of at most MAX_PIECE_CHARS (a
    paragraph is one block: one with a line of 60,000 characters takes 200 ms), and never
    past SHOWN_CHARS, where a message is shown cut."""
    text = message.text
    if message.role not in ("assistant", "user"):
        return False
    if len(text) > SHOWN_CHARS or has_long_line(text):
        return False
    if len(text) <= MAX_MARKDOWN_CHARS:
        return True
    return max(map(len, markdown.split_blocks(text, PIECE_CHARS))) <= MAX_PIECE_CHARS


_FENCE_LINE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")


def typed_markdown(text: str) -> str:
    """A person's message as Markdown that keeps what they typed: each line break a line
    break, leading spaces kept (no-break spaces), outside code fences; within them, as is.
    What they marked up (code, lists, emphasis, links, tables) still renders."""
    out: list[str] = []
    fence = ""
    for line in text.split("\n"):
        opening = _FENCE_LINE_RE.match(line)
        if fence:
            if opening and line.strip().startswith(fence):
                fence = ""
            out.append(line + "\n")
            continue
        if opening:
            fence = opening.group(1)
            out.append(line + "\n")
            continue
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if indent and not re.match(r"([-*+]|\d+[.)]) ", stripped):  # a list keeps its nesting
            line = "\u00a0" * indent + stripped
        out.append(line + ("  \n" if line.strip() else "\n"))
    return "".join(out)[:-1] if out else ""


def utf16_len(text: str) -> int:
    """How many positions `text` takes in a QTextDocument (characters past U+FFFF, such
    as most emoji, take two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def frame_format(role: str, *, dark: bool) -> QTextFrameFormat:
    fmt = QTextFrameFormat()
    fmt.setPadding(8)
    fmt.setTopMargin(6)
    fmt.setBottomMargin(6)
    if role == "user":  # a tinted card set in from the left, as people's messages are
        fmt.setBackground(QColor("#2b3a4a") if dark else QColor("#eef3fb"))
        fmt.setLeftMargin(64)
        fmt.setPadding(12)
    elif role == "system":
        fmt.setBackground(QColor("#3a3a2b") if dark else QColor("#fbf8e8"))
    return fmt


def heading(message: MessageLike, *, dark: bool = False, labels: Labels = None) -> str:
    """Who wrote it (you, or the model: its provider's badge, the model, the provider's
    label from `labels`, by provider name) and, dimmed, when."""
    who = {
        "user": translate("ChatView", "You"),
        "system": translate("ChatView", "System prompt"),
    }.get(message.role)
    details: list[str] = []
    badge = ""
    if who is None:
        who = message.model or message.provider or translate("ChatView", "Assistant")
        label = (labels or {}).get(message.provider, "")
        if label and label != who:
            details.append(label)
        if mark := (label or message.provider)[:1].upper():
            url = icon_url(f"badge-{ord(mark):x}-{message.provider}", dark)
            picture = f'<img src="{markdown.escape(url)}" width="18" height="18"'
            badge = picture + ' style="vertical-align:middle">&nbsp;'
    when = getattr(message, "created_at", None)
    if isinstance(when, (int, float)) and when > 0:
        details.append(_time(float(when)))
    line = f"{badge}<b>{markdown.escape(who)}</b>"
    if details:
        said = " · ".join(markdown.escape(detail) for detail in details)
        line += f'&nbsp;&nbsp;<span style="color:{MUTED[dark]}; font-size:small">{said}</span>'
    return f"<p>{line}</p>"


#: Secondary text (times, actions): at least 4.5:1 on the view's backgrounds.
MUTED = {False: "#5f6670", True: "#a2a7ae"}
#: Icons in the document are drawn by the view (ChatView.loadResource): never fetched.
ICON_SCHEME = "besedka-icon"


def _time(when: float) -> str:
    """ "14:05" today, else the date and time, in the interface language's format."""
    import time as clock

    from PySide6.QtCore import QDateTime

    moment = QDateTime.fromSecsSinceEpoch(int(when))
    locale = QLocale()
    if clock.localtime(when)[:3] == clock.localtime()[:3]:
        return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


def icon_url(name: str, dark: bool) -> str:
    return f"{ICON_SCHEME}:{name}/{'dark' if dark else 'light'}"


#: provider name → its label in the interface language (None: no labels known)
Labels = Mapping[str, str] | None


def parse_icon_url(url: str) -> tuple[str, bool] | None:
    prefix = f"{ICON_SCHEME}:"
    if not url.startswith(prefix):
        return None
    name, _, theme = url[len(prefix) :].partition("/")
    return name, theme == "dark"


def _link(action: str, message_id: int, label: str, title: str = "", style: str = "") -> str:
    tip = f' title="{markdown.escape(title)}"' if title else ""
    look = f' style="{style}"' if style else ""
    href = action_url(action, message_id)
    return f'<a href="{href}"{tip}{look}>{markdown.escape(label)}</a>'


def find_link(frame: QTextFrame, href: str) -> QTextCursor | None:
    """A cursor selecting the link to `href` in a message's frame (its footer is last, so
    the search runs from the end), as Tab would select it; None when it is not a link."""
    document = frame.document()
    block = document.findBlock(frame.lastPosition())
    first = frame.firstPosition()
    while block.isValid() and block.position() + block.length() > first:
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                start = end = fragment.position()
                while not it.atEnd() and it.fragment().charFormat().anchorHref() == href:
                    end = it.fragment().position() + it.fragment().length()  # icon, word
                    it += 1
                cursor = QTextCursor(document)
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                return cursor
            it += 1
        block = block.previous()
    return None


def find_arrow(frame: QTextFrame, message_id: int, action: str) -> QTextCursor | None:
    """The version arrow `action` ("previous", "next") of a frame, or the other one when
    that end is reached: after a switch, Enter on the arrow goes on switching."""
    other = "next" if action == "previous" else "previous"
    for name in (action, other):
        cursor = find_link(frame, action_url(name, message_id))
        if cursor is not None:
            return cursor
    return None


def with_versions_at(
    frames: Sequence[tuple[int, QTextFrame]],
    shown: Mapping[int, Shown],
    focused: int | None,
    bottom: int,
) -> int | None:
    """The message the version commands act on: the one holding the focused position if
    it has other versions, else the lowest with other versions that starts before the
    document position `bottom` (the view's bottom edge). `frames` in document order."""
    target = None
    for ident, frame in frames:
        start = frame.firstPosition()
        switchable = shown[ident].versions > 1
        if switchable and focused is not None and start <= focused <= frame.lastPosition():
            return ident
        if start <= bottom:
            target = ident if switchable else target
        elif focused is None or start > focused:
            break
    return target


def follow_link(
    url: QUrl,
    code_block: Callable[[int, int], str | None],
    message_text: Callable[[int], str],
) -> tuple[str, int] | None:
    """Do what a clicked link in the view does by itself (copy code or a message, open a
    web link in the browser); a message action for the window is returned instead."""
    from PySide6.QtGui import QGuiApplication

    text = url.toString()
    copy = markdown.parse_copy_link(text)
    if copy is not None:
        block = code_block(*copy)
        if block is not None:
            QGuiApplication.clipboard().setText(block)
        return None
    action = parse_action(text)
    if action is not None and action[0] == "copy":
        QGuiApplication.clipboard().setText(message_text(action[1]))
        return None
    if action is None and url.scheme() in ("http", "https", "mailto"):
        from PySide6.QtGui import QDesktopServices  # the first click loads it

        QDesktopServices.openUrl(url)
    return action
