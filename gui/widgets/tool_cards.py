"""Tool calls in the conversation view: a card per call, inside its reply's frame, with
the tool, its server and its arguments; Allow once / Always allow / Deny while it waits;
its result collapsed under it (a link opens it).

A reply's frame with cards holds its heading, its Thinking block, then the text before
each card rendered for good and the card; while the reply streams, the text after the
last card is a fresh live region (live_markdown) counted from there (`_card_base`). Each
card event renders the frame again: a few per call, not per token. Arguments and results
come from a model or a tool: they are escaped text, nothing in them is a link or fetched.
Texts keep the view's translation context, "ChatView".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument, QTextFrame

from gui.widgets import markdown, thinking, view_markdown
from gui.widgets.live_markdown import LiveState
from gui.widgets.message_fill import append_html
from gui.widgets.message_html import (
    ACTION_SCHEME,
    MUTED,
    MessageLike,
    Shown,
    find_link,
    heading,
)
from gui.widgets.thinking import Thinking

translate = QCoreApplication.translate
T = TypeVar("T")

__all__ = [
    "ToolCard",
    "ToolCardsView",
    "card_html",
    "parse_tool_url",
    "start_words",
    "tool_url",
]

#: The most of a result or of arguments a card shows (the history keeps all of it).
CARD_CHARS = 10_000
#: A card's answers: the link action → what the controller is told.
ANSWERS = ("once", "always", "deny")


class ToolCard(NamedTuple):
    """One call as the view shows it (plain values: widgets import no core)."""

    id: str
    tool: str
    server: str
    arguments: str  #: the JSON text the model wrote
    at: int  #: where in the reply's text the card goes
    state: str  #: "waiting" (for the person), "running", "done"
    result: str = ""
    kind: str = ""  #: "" for a result, else why it is an error

    @classmethod
    def of_step(cls, step: Any) -> ToolCard:
        """A stored step (gui.core.store.ToolStep, read by its fields)."""
        return cls(
            str(step.id),
            str(step.tool or step.name),
            str(step.server),
            str(step.arguments),
            int(step.at),
            "done",
            str(step.result),
            str(step.kind),
        )


def tool_url(action: str, message_id: int, index: int) -> str:
    return f"{ACTION_SCHEME}:tool/{action}/{message_id}/{index}"


def parse_tool_url(url: str) -> tuple[str, int, int] | None:
    prefix = f"{ACTION_SCHEME}:tool/"
    if not url.startswith(prefix):
        return None
    parts = url[len(prefix) :].split("/")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    return parts[0], int(parts[1]), int(parts[2])


def pretty(arguments: str) -> str:
    """The arguments as indented JSON (as written when they are not JSON)."""
    try:
        return json.dumps(json.loads(arguments), indent=2, ensure_ascii=False)
    except ValueError:
        return arguments


def _cut(text: str) -> str:
    return text if len(text) <= CARD_CHARS else text[:CARD_CHARS] + "\n…"


def _block(text: str, dark: bool) -> str:
    """Escaped text in a monospaced block (line breaks and spaces kept)."""
    back = "#26272b" if dark else "#f4f5f7"
    return (
        f'<table width="100%" cellpadding="6" cellspacing="0" bgcolor="{back}"><tr><td>'
        f'<span style="font-family:monospace">{markdown.render_plain(_cut(text))}</span>'
        "</td></tr></table>"
    )


def error_words(kind: str) -> str:
    """Why a call gave no result, in the interface language."""
    words = {
        "denied": translate("ChatView", "You denied this call; the model was told so."),
        "stopped": translate("ChatView", "Stopped before the call ended."),
        "crashed": translate("ChatView", "The tool server stopped during the call."),
        "timeout": translate("ChatView", "The tool did not answer in time."),
        "start_failed": translate("ChatView", "The tool server could not start."),
        "tool_error": translate("ChatView", "The tool reported an error."),
        "unknown_tool": translate("ChatView", "The model called a tool that does not exist."),
        "malformed_arguments": translate("ChatView", "The model's arguments were not valid JSON."),
    }
    return words.get(kind, translate("ChatView", "The call failed."))


def start_words(name: str, reason: str) -> str:
    """Why a chosen server is not offered, in the interface language."""
    why = {
        "not_found": translate("ChatView", "its program was not found"),
        "not_executable": translate("ChatView", "its program may not be run"),
        "cannot_run": translate("ChatView", "its program could not be run"),
        "start_timeout": translate("ChatView", "it did not answer in time"),
    }.get(reason, translate("ChatView", "it did not answer as an MCP server"))
    return translate("ChatView", "Tool server {0} did not start: {1}.").format(name, why)


def _answer_link(action: str, message_id: int, index: int, label: str, dark: bool) -> str:
    accent = "#5b8cff" if dark else "#2f6fed"
    style = f"color:{accent}; font-weight:bold; text-decoration:none"
    href = tool_url(action, message_id, index)
    label = markdown.escape(label)
    return f'<a href="{href}" title="{label}" style="{style}">{label}</a>'


def card_html(card: ToolCard, message_id: int, index: int, *, opened: bool, dark: bool) -> str:
    """One call's card: what runs where with what, then its answers or its outcome."""
    border = "#3a3c42" if dark else "#dfe2e6"
    muted = MUTED[dark]
    title = translate("ChatView", "Tool {0} on {1}").format("\x00", "\x01")
    title = (
        markdown.escape(title)
        .replace("\x00", f"<b>{markdown.escape(card.tool)}</b>")
        .replace("\x01", f"<i>{markdown.escape(card.server or '?')}</i>")
    )
    lines = [f"<p>{title}</p>", _block(pretty(card.arguments), dark)]
    if card.state == "waiting":
        ask = markdown.escape(translate("ChatView", "Run this tool?"))
        links = " &nbsp;·&nbsp; ".join(
            _answer_link(action, message_id, index, label, dark)
            for action, label in zip(
                ANSWERS,
                (
                    translate("ChatView", "Allow once"),
                    translate("ChatView", "Always allow this tool in this chat"),
                    translate("ChatView", "Deny"),
                ),
                strict=True,
            )
        )
        lines.append(f"<p>{ask}&nbsp;&nbsp;{links}</p>")
    elif card.state == "running":
        said = markdown.escape(translate("ChatView", "Running…"))
        lines.append(f'<p style="color:{muted}">{said}</p>')
    else:
        if card.kind:
            bad = "#ff8a80" if dark else "#b3261e"
            lines.append(f'<p style="color:{bad}">{markdown.escape(error_words(card.kind))}</p>')
        label = (
            translate("ChatView", "Hide result") if opened else translate("ChatView", "Show result")
        )
        if card.kind == "denied":
            label = ""
        if label:
            href = tool_url("result", message_id, index)
            style = f"color:{muted}; text-decoration:none"
            label = markdown.escape(label)
            lines.append(f'<p><a href="{href}" title="{label}" style="{style}">{label}</a></p>')
        if opened and card.kind != "denied":
            lines.append(_block(card.result, dark))
    body = "".join(lines)
    return (
        f'<table width="100%" cellpadding="8" cellspacing="0" border="1" '
        f'style="border-color:{border}; border-style:solid; margin-top:6px; margin-bottom:6px">'
        f"<tr><td>{body}</td></tr></table>"
    )


def body_html(
    view: ToolCardsView,
    shown: Shown,
    cards: Sequence[ToolCard],
    opened: set[tuple[int, int]],
    upto: int,
) -> tuple[str, tuple[str, ...]]:
    """The text up to `upto` with the cards where they go, and its code blocks."""
    html: list[str] = []
    blocks: tuple[str, ...] = ()
    position = 0
    text = shown.text[:upto]
    places = sorted(range(len(cards)), key=lambda i: cards[i].at)
    pieces: list[tuple[str, int | None]] = []
    for index in places:
        at = max(position, min(cards[index].at, len(text)))
        pieces.append((text[position:at], index))
        position = at
    pieces.append((text[position:], None))
    for piece, place in pieces:
        if piece.strip():
            rendered = view_markdown.render(
                view.document(),
                piece,
                dark=view.dark,
                message_id=shown.id,
                copy_label=translate("ChatView", "Copy"),
                first_code_block=len(blocks),
            )
            html.append(rendered.html.rstrip())
            blocks += rendered.code_blocks
        if place is not None:
            is_open = (shown.id, place) in opened
            html.append(card_html(cards[place], shown.id, place, opened=is_open, dark=view.dark))
    return "".join(html), blocks


class ToolCardsView:
    """The cards of MessageDocument's frames (a mixin, as LiveView is)."""

    _frames: dict[int, QTextFrame]
    _texts: dict[int, str]
    _shown: dict[int, Shown]
    _code_blocks: dict[int, tuple[str, ...]]
    _streaming: set[int]
    _live: dict[int, LiveState]
    _backlog: dict[int, list[str]]
    _breakers: dict[int, Any]
    _thinking: dict[int, Thinking]
    _cards: dict[int, list[ToolCard]]
    _card_base: dict[int, int]
    _open_results: set[tuple[int, int]]
    dark: bool
    #: provider name → label, for the headings (ChatView.set_labels; none until then)
    labels: Mapping[str, str] = MappingProxyType({})

    tool_answered: Any  # ChatView's Signal(int, str, str)
    anchorClicked: Any  # QTextBrowser's

    if TYPE_CHECKING:  # MessageDocument's, ReasoningBlocks' and QTextBrowser's

        def _grow(self, position: int, change: Callable[[], T]) -> T: ...
        def setTextCursor(self, cursor: QTextCursor) -> None: ...
        def document(self) -> QTextDocument: ...
        def _footer(self, message: MessageLike) -> str: ...
        def _thinking_for(self, shown: Shown) -> Thinking | None: ...

    def _init_cards(self) -> None:
        """The cards' state. It outlives a render again (theme, language) and a page
        shown again: a stored message's steps replace its cards when it is filled."""
        self._cards = {}
        self._card_base = {}
        self._open_results = set()
        self.anchorClicked.connect(self._on_card_link)

    def _on_card_link(self, url: QUrl) -> None:
        self._follow_tool(url.toString())

    def _remember_cards(self, message: MessageLike) -> None:
        """Cards from a stored message's steps, results folded; a streaming one keeps the
        cards still coming."""
        steps = getattr(message, "tools", None)
        if steps is None:
            return  # a Shown (render again): the cards held are the ones
        cards = [ToolCard.of_step(step) for step in steps]
        self._open_results -= {key for key in self._open_results if key[0] == message.id}
        if message.status == "streaming":
            known = {card.id for card in cards}
            cards += [card for card in self._cards.get(message.id, ()) if card.id not in known]
        if cards:
            self._cards[message.id] = cards
        else:
            self._cards.pop(message.id, None)

    def show_tool_card(self, message_id: int, card: ToolCard) -> None:
        """A call of a reply (new, or one whose state changed): its frame shows it."""
        cards = self._cards.setdefault(message_id, [])
        for index, held in enumerate(cards):
            if held.id == card.id:
                cards[index] = card._replace(at=held.at)  # it stays where it was
                break
        else:
            cards.append(card)
        self._render_cards(message_id)

    def tool_cards(self, message_id: int) -> list[ToolCard]:
        return list(self._cards.get(message_id, ()))

    def toggle_tool_result(self, message_id: int, index: int) -> None:
        key = (message_id, index)
        self._open_results.symmetric_difference_update({key})
        self._render_cards(message_id)

    def _render_cards(self, message_id: int) -> None:
        frame, shown = self._frames.get(message_id), self._shown.get(message_id)
        if frame is None or shown is None:
            return
        shown = shown._replace(text=self._texts.get(message_id, shown.text))

        def again() -> None:
            cursor = frame.firstCursorPosition()
            cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            self._fill_cards(cursor, shown, self._thinking_for(shown))

        self._grow(frame.firstPosition(), again)

    def _fill_cards(self, cursor: QTextCursor, shown: Shown, think: Thinking | None) -> bool:
        """Fill a frame that has cards (False: it has none, the usual fill does it)."""
        ident = shown.id
        cards = self._cards.get(ident)
        if not cards:
            return False
        frame = self._frames[ident]
        streaming = shown.status == "streaming"
        if ident in self._thinking:
            self._thinking[ident].frame = None
        cursor.insertHtml(heading(shown, dark=self.dark, labels=self.labels))
        if think is not None:
            cursor.insertBlock()
            thinking.insert(cursor, ident, think, dark=self.dark)
        text = shown.text
        html, blocks = body_html(self, shown, cards, self._open_results, len(text))
        if not streaming:
            html += self._footer(shown)
        append_html(frame, html)
        self._code_blocks[ident] = blocks
        if streaming:  # what streams next renders live after the last card
            end = frame.lastCursorPosition()
            if end.block().length() > 1:
                end.insertBlock()
            self._streaming.add(ident)
            self._card_base[ident] = len(text)
            live = self._live[ident] = LiveState()
            live.code_blocks = blocks  # the live part's Copy links are numbered after these
            self._backlog.pop(ident, None)
            self._breakers.pop(ident, None)
        else:
            self._card_base.pop(ident, None)
        return True

    def _follow_tool(self, url: str) -> bool:
        """A card's link: open or close its result, or answer it (ChatView's signal);
        False when `url` is no card's."""
        parsed = parse_tool_url(url)
        if parsed is None:
            return False
        action, message_id, index = parsed
        cards = self._cards.get(message_id, [])
        if index >= len(cards):
            return True
        if action == "result":
            self.toggle_tool_result(message_id, index)
            frame = self._frames.get(message_id)
            link = find_link(frame, tool_url(action, message_id, index)) if frame else None
            if link is not None:  # Tab had selected it: Enter toggles it again
                self.setTextCursor(link)
        elif action in ANSWERS and cards[index].state == "waiting":
            self.tool_answered.emit(message_id, cards[index].id, action)
        return True
