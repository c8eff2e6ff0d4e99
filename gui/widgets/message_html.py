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
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from PySide6.QtCore import QCoreApplication, QLocale, QUrl
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFrame, QTextFrameFormat

from gui.widgets import markdown
from gui.widgets.long_text import has_long_line

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
            message.text,
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
    """Finished replies are shown as Markdown, unless too large to lay out quickly (a
    paragraph is one block: one with a line of 60,000 characters takes 200 ms)."""
    text = message.text
    if message.role != "assistant" or len(text) > MAX_MARKDOWN_CHARS:
        return False
    return not has_long_line(text)


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


def can_continue(message: MessageLike) -> bool:
    """A reply that ended before its natural end can be asked to go on."""
    if message.role != "assistant" or message.status == "streaming":
        return False
    return message.status in ("stopped", "failed", "interrupted") or (
        getattr(message, "finish_reason", "") == "length"
    )


def _link(action: str, message_id: int, label: str, title: str = "", style: str = "") -> str:
    tip = f' title="{markdown.escape(title)}"' if title else ""
    look = f' style="{style}"' if style else ""
    href = action_url(action, message_id)
    return f'<a href="{href}"{tip}{look}>{markdown.escape(label)}</a>'


#: The version arrows: large enough to hit, not underlined (they are symbols).
ARROW_STYLE = "font-size:x-large; font-weight:bold; text-decoration:none"


def switcher(message: MessageLike, *, dark: bool) -> str:
    """ "‹ 2/3 ›" for a message with siblings ("" without): an arrow is a link while
    there is a version that way, dimmed text at the ends."""
    version, versions = getattr(message, "version", 1), getattr(message, "versions", 1)
    if versions <= 1:
        return ""
    dim = "#8c8c8c" if dark else "#8a8a8a"
    previous = translate("ChatView", "Previous version")
    following = translate("ChatView", "Next version")
    count = translate("ChatView", "Version {0} of {1}").format(version, versions)
    left = (
        _link("previous", message.id, "‹", previous, ARROW_STYLE)
        if version > 1
        else f'<span style="color:{dim}; {ARROW_STYLE}">‹</span>'
    )
    right = (
        _link("next", message.id, "›", following, ARROW_STYLE)
        if version < versions
        else f'<span style="color:{dim}; {ARROW_STYLE}">›</span>'
    )
    return f'{left} <span title="{markdown.escape(count)}">{version}/{versions}</span> {right}'


def footer(message: MessageLike, *, dark: bool) -> str:
    """Status notes, the error, the version switcher and the message's action links."""
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
    elif getattr(message, "finish_reason", "") == "length" and message.status == "complete":
        cut = translate("ChatView", "Cut off at the reply length limit.")
        parts.append(f"<i>{markdown.escape(cut)}</i>")
    if message.role == "assistant" and (older := left_out(message)):
        # The count after a colon reads right for every number in both languages (lupdate
        # marks no plural forms in a translate() call).
        not_sent = translate(
            "ChatView",
            "Older messages not sent: {0}. They do not fit the model's context"
            " (the limit is in Parameters).",
        ).format(QLocale().toString(older))
        parts.append(f"<i>{markdown.escape(not_sent)}</i>")
    if message.error is not None:
        from gui.widgets.error_text import error_text  # loads with the first error shown

        colour = "#ff8a80" if dark else "#b3261e"
        error = f'<span style="color:{colour}">{markdown.escape(error_text(message.error))}</span>'
        if message.status == "failed":
            error += " " + _link("retry", message.id, translate("ChatView", "Retry"))
        parts.append(error)
    actions = [_link("copy", message.id, translate("ChatView", "Copy"))]
    if message.role == "assistant":
        actions.append(_link("regenerate", message.id, translate("ChatView", "Regenerate")))
        if can_continue(message):
            actions.append(
                _link(
                    "continue",
                    message.id,
                    translate("ChatView", "Continue"),
                    translate("ChatView", "Ask the model to go on from where this reply ends"),
                )
            )
    elif message.role == "user":
        actions.append(_link("edit", message.id, translate("ChatView", "Edit")))
    actions.append(
        _link(
            "fork",
            message.id,
            translate("ChatView", "New chat from here"),
            translate("ChatView", "Start a new chat with the messages up to this one"),
        )
    )
    actions.append(_link("delete", message.id, translate("ChatView", "Delete")))
    switch = switcher(message, dark=dark)
    if switch:
        actions.append(
            _link(
                "delete_branch",
                message.id,
                translate("ChatView", "Delete branch"),
                translate("ChatView", "Delete this version and everything that follows it"),
            )
        )
    links = " · ".join(actions)
    if switch:
        links = f"{switch} &nbsp; {links}"
    parts.append(f'<span style="font-size:small">{links}</span>')
    return "".join(f"<p>{part}</p>" for part in parts)


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
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                cursor.setPosition(
                    fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                )
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
