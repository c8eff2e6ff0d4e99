"""Block structure Qt's rich text has no direct form for: quotes with a bar, bullets that
change per level, task lists with check boxes. Split from markdown.py; no Qt.

What QTextDocument's HTML does (checked in tests/gui/widgets/test_markdown_blocks.py):
`border-left` works on a table cell but not on a block, so a quote is a one-cell table;
nested `<ul>` all get discs unless told, so each level names its bullet; `<ol start>` and
`list-style-type:none` are honoured.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = [
    "BULLETS",
    "CHECKED",
    "UNCHECKED",
    "mark_task_lists",
    "quote_close",
    "quote_open",
    "task_box",
]

#: Bullets by nesting level, as CSS names Qt knows; the deepest repeats.
BULLETS = ("disc", "circle", "square")
UNCHECKED = "\u2610"  # ☐ (DejaVu Sans has both)
CHECKED = "\u2611"  # ☑
_BAR = {False: "#afb8c1", True: "#656c76"}
#: What mdit-py-plugins' tasklists writes for a check box. Raw HTML is off in the parser,
#: so an html_inline token only ever comes from a plugin, never from the model's text.
_CHECKBOX = '<input class="task-list-item-checkbox"'


def quote_open(dark: bool) -> str:
    """A one-cell table whose left border is the quote's bar."""
    return (
        '<table cellspacing="0" cellpadding="0" '
        'style="margin-top:10px;margin-bottom:10px;margin-left:2px">'
        f'<tr><td style="border-left:3px solid {_BAR[dark]};padding-left:10px">'
    )


def quote_close() -> str:
    return "</td></tr></table>\n"


def task_box(token: Token) -> str | None:
    """☐ or ☑ for the tasklists plugin's check box (the item's text keeps its space after
    it), None for anything else."""
    if token.type != "html_inline" or not token.content.startswith(_CHECKBOX):
        return None
    return CHECKED if 'checked="checked"' in token.content else UNCHECKED


def mark_task_lists(tokens: Sequence[Token]) -> None:
    """Set meta["tasks"] on each bullet list all of whose items are tasks: those lose their
    bullets (the box is the bullet); a list mixing both keeps them. One pass, no recursion."""
    stack: list[tuple[Token, list[bool]]] = []
    for token in tokens:
        if token.type == "bullet_list_open":
            stack.append((token, []))
        elif token.type == "ordered_list_open":
            stack.append((token, [False]))
        elif token.type == "list_item_open" and stack:
            classes = str(token.attrs.get("class", ""))
            stack[-1][1].append("task-list-item" in classes.split())
        elif token.type in ("bullet_list_close", "ordered_list_close") and stack:
            opening, items = stack.pop()
            if items and all(items):
                opening.meta["tasks"] = True
