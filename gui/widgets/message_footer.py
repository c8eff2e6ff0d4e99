"""The footer under a message in the conversation view: status notes, the error, the
version switcher "‹ 2/3 ›" and the places of the message's actions (buttons that show
on hover and keyboard focus: gui/widgets/message_hover.py).
Texts keep the view's translation context, "ChatView"."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QLocale

from gui.widgets import markdown
from gui.widgets.message_html import MessageLike, _link, action_url, icon_url, left_out

translate = QCoreApplication.translate


def can_continue(message: MessageLike) -> bool:
    """A reply that ended before its natural end can be asked to go on."""
    if message.role != "assistant" or message.status == "streaming":
        return False
    return message.status in ("stopped", "failed", "interrupted") or (
        getattr(message, "finish_reason", "") == "length"
    )


#: The icon each message action's button shows (gui/widgets/message_hover.py).
ACTION_ICONS = {
    "copy": "copy",
    "regenerate": "regenerate",
    "continue": "continue",
    "edit": "edit",
    "fork": "fork",
    "delete": "delete",
    "delete_branch": "branch",
}

#: The side of an action's place on the footer line, and of the button shown on it.
ACTION_SIZE = 28


#: Each action's name (its button's accessible name) and tooltip ("" for the name).
ACTION_TEXTS: dict[str, Callable[[], tuple[str, str]]] = {
    "copy": lambda: (
        translate("ChatView", "Copy"),
        translate("ChatView", "Copy the message"),
    ),
    "regenerate": lambda: (
        translate("ChatView", "Regenerate"),
        translate("ChatView", "Ask again: the new reply becomes another version"),
    ),
    "continue": lambda: (
        translate("ChatView", "Continue"),
        translate("ChatView", "Ask the model to go on from where this reply ends"),
    ),
    "edit": lambda: (
        translate("ChatView", "Edit"),
        translate("ChatView", "Edit and send again: the old text stays as a version"),
    ),
    "fork": lambda: (
        translate("ChatView", "New chat from here"),
        translate("ChatView", "Start a new chat with the messages up to this one"),
    ),
    "delete": lambda: (translate("ChatView", "Delete"), ""),
    "delete_branch": lambda: (
        translate("ChatView", "Delete branch"),
        translate("ChatView", "Delete this version and everything that follows it"),
    ),
}


def action_texts(action: str) -> tuple[str, str]:
    """(name, tooltip) of a message action, in the interface language."""
    name, tip = ACTION_TEXTS[action]()
    return name, tip or name


def _action(action: str, message_id: int, *, dark: bool) -> str:
    """An action's place on the footer line: a link with a blank picture, over which the
    view lays the action's icon button while the message is under the mouse or holds the
    keyboard (message_hover), so nothing moves when it shows. Its name stays in the
    text, too small to see: what Tab selects reads as the action. (The picture is
    middle-aligned: on the baseline beside text, a page of a long chat took twice as
    long to lay out.)"""
    size = ACTION_SIZE
    blank = f'<img src="{icon_url("blank", dark)}" width="{size}" height="{size}"'
    name = markdown.escape(action_texts(action)[0])
    look = "color:transparent; font-size:1px"
    return (
        f'<a href="{action_url(action, message_id)}" style="text-decoration:none">'
        f'{blank} style="vertical-align:middle"><span style="{look}">{name}</span></a>'
    )


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


#: An error card's (background, border, text) in light and dark: text ≥ 7:1 on it.
ERROR_COLOURS = {False: ("#fdecea", "#f1c0bb", "#8c1d18"), True: ("#3b2426", "#6e3338", "#ffb4ab")}


def error_card(message: MessageLike, *, dark: bool) -> str:
    """Why the reply failed, in the interface language, in a tinted box with the action
    that fixes it (Retry) under the words."""
    from gui.widgets.error_text import error_text  # loads with the first error shown

    if message.error is None:
        return ""
    tint, edge, ink = ERROR_COLOURS[dark]
    words = f'<p style="color:{ink}">{markdown.escape(error_text(message.error))}</p>'
    if message.status == "failed":
        retry = translate("ChatView", "Retry")
        tip = translate("ChatView", "Ask again: the new reply becomes another version")
        words += (
            f'<p style="margin-top:6px"><a href="{action_url("retry", message.id)}"'
            f' title="{markdown.escape(tip)}"'
            f' style="color:{ink}; font-weight:600; text-decoration:none">'
            f'<img src="{icon_url("regenerate", dark)}" width="14" height="14"'
            f' style="vertical-align:middle">&nbsp;{markdown.escape(retry)}</a></p>'
        )
    return (
        f'<table width="100%" cellspacing="0" cellpadding="10" border="1"'
        f' style="border-color:{edge}; border-style:solid; border-collapse:collapse;'
        f' margin-top:4px; margin-bottom:4px"><tr><td bgcolor="{tint}">{words}</td></tr></table>'
    )


def footer(message: MessageLike, *, dark: bool) -> str:
    """Status notes, the error's card, and the line of the version switcher and the
    places of the message's actions."""
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
    card = error_card(message, dark=dark)
    names = ["copy"]
    if message.role == "assistant":
        names += ["regenerate", "continue"] if can_continue(message) else ["regenerate"]
    elif message.role == "user":
        names.append("edit")
    names += ["fork", "delete"]
    switch = switcher(message, dark=dark)
    if switch:
        names.append("delete_branch")
    places = "".join(_action(name, message.id, dark=dark) for name in names)
    if switch:
        places = f'<span style="font-size:small">{switch}</span> &nbsp; {places}'
    notes = "".join(f"<p>{part}</p>" for part in parts)
    return f"{notes}{card}<p>{places}</p>"
