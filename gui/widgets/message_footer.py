"""The footer under a message in the conversation view: status notes, the error, the
version switcher "‹ 2/3 ›" and the message's actions (a small muted icon and a word each).
Texts keep the view's translation context, "ChatView"."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from gui.widgets import markdown
from gui.widgets.message_html import MUTED, MessageLike, _link, action_url, icon_url, left_out

translate = QCoreApplication.translate


def can_continue(message: MessageLike) -> bool:
    """A reply that ended before its natural end can be asked to go on."""
    if message.role != "assistant" or message.status == "streaming":
        return False
    return message.status in ("stopped", "failed", "interrupted") or (
        getattr(message, "finish_reason", "") == "length"
    )


#: The icon each message action shows before its word.
ACTION_ICONS = {
    "copy": "copy",
    "regenerate": "regenerate",
    "continue": "continue",
    "edit": "edit",
    "fork": "fork",
    "delete": "delete",
    "delete_branch": "branch",
}


def _action(action: str, message_id: int, label: str, title: str, *, dark: bool) -> str:
    """A message action: a small muted icon and its word, not an underlined link."""
    tip = f' title="{markdown.escape(title or label)}"'
    style = f"color:{MUTED[dark]}; text-decoration:none"
    picture = (
        f'<img src="{icon_url(ACTION_ICONS[action], dark)}" width="14" height="14"'
        ' style="vertical-align:middle">'
    )
    return (
        f'<a href="{action_url(action, message_id)}"{tip} style="{style}">'
        f"{picture}&nbsp;{markdown.escape(label)}</a>"
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
    actions = [
        _action(
            "copy",
            message.id,
            translate("ChatView", "Copy"),
            translate("ChatView", "Copy the message"),
            dark=dark,
        )
    ]
    if message.role == "assistant":
        actions.append(
            _action(
                "regenerate",
                message.id,
                translate("ChatView", "Regenerate"),
                translate("ChatView", "Ask again: the new reply becomes another version"),
                dark=dark,
            )
        )
        if can_continue(message):
            actions.append(
                _action(
                    "continue",
                    message.id,
                    translate("ChatView", "Continue"),
                    translate("ChatView", "Ask the model to go on from where this reply ends"),
                    dark=dark,
                )
            )
    elif message.role == "user":
        actions.append(
            _action(
                "edit",
                message.id,
                translate("ChatView", "Edit"),
                translate("ChatView", "Edit and send again: the old text stays as a version"),
                dark=dark,
            )
        )
    actions.append(
        _action(
            "fork",
            message.id,
            translate("ChatView", "New chat from here"),
            translate("ChatView", "Start a new chat with the messages up to this one"),
            dark=dark,
        )
    )
    actions.append(_action("delete", message.id, translate("ChatView", "Delete"), "", dark=dark))
    switch = switcher(message, dark=dark)
    if switch:
        actions.append(
            _action(
                "delete_branch",
                message.id,
                translate("ChatView", "Delete branch"),
                translate("ChatView", "Delete this version and everything that follows it"),
                dark=dark,
            )
        )
    links = " &nbsp; &nbsp;".join(actions)
    if switch:
        links = f"{switch} &nbsp; {links}"
    parts.append(f'<span style="font-size:small">{links}</span>')
    return "".join(f"<p>{part}</p>" for part in parts)
