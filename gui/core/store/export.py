"""Conversation exports: Markdown and HTML for a person to read, JSON to keep and import.

The JSON export is the lossless one: the whole tree, every version of every message. It
names no database ids: messages are listed oldest first, a message's `parent` is the index
of its parent in that list and `active` the index of the end of the path shown, so
exporting, importing and exporting again gives the very same text. Markdown and HTML show
the active path only, as the window does, with a reply's thinking (if any) as a "Thinking
(N s)" section before its answer: a quote in Markdown, a closed <details> in HTML.
Timestamps are kept as they were; a provider is its internal name and an error is data
(`ErrorInfo.to_data()`), as stored. The one change on import is that a message exported
while it was `streaming` comes back `interrupted`, since nothing will finish it (see
`json_import`). No export contains secrets: the store never holds any, and `params` is
numbers only.

Markdown and HTML are made here, without Qt, but read by a person: the caller passes
`label_of` (provider name → its label) and `error_text` (ErrorInfo → a sentence) in the
interface language. Without them, names stay as stored and errors are plain English.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Callable, Sequence

from gui.core.store.attachment_json import exported, html_files
from gui.core.store.models import Conversation, MessageStatus, StoredMessage, ToolStep
from gui.values import ErrorInfo

FORMAT = "besedka-conversation"
#: 2: a message's error is an object (ErrorInfo data) or null, no longer a sentence.
#: 3: the whole tree (every version of a message) and `active`, the end of the path shown;
#: a message's `finish_reason`.
#: 4: a message's `reasoning` (the model's thinking) and `reasoning_ms`.
#: 5: a reply's `tools`: the tool calls it made and their results (ToolStep data), only
#: where it made any.
FORMAT_VERSION = 5

_STATUS_NOTES = {
    MessageStatus.STOPPED: "Stopped before the reply was complete.",
    MessageStatus.INTERRUPTED: "Interrupted: the app closed while this reply was being written.",
    MessageStatus.STREAMING: "Still being written when exported.",
}


LabelOf = Callable[[str], str]
ErrorText = Callable[[ErrorInfo], str]


def same_label(provider: str) -> str:
    """The default `label_of`: the provider's name as stored."""
    return provider


def _status_note(message: StoredMessage, error_text: ErrorText) -> str:
    error = error_text(message.error) if message.error is not None else ""
    if message.status is MessageStatus.FAILED:
        return f"Failed: {error}" if error else "Failed."
    return " ".join(note for note in (_STATUS_NOTES.get(message.status, ""), error) if note)


def _when(timestamp: float) -> str:
    """A date for a person; one the clock cannot show (a history written before imports
    checked their dates) is shown as unknown rather than failing the export."""
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))
    except (OverflowError, OSError, ValueError):
        return "unknown date"


def thinking_heading(message: StoredMessage) -> str:
    """ "Thinking (4 s)": what a reply's thinking is headed with in a document."""
    if message.reasoning_ms <= 0:
        return "Thinking"
    return f"Thinking ({max(1, round(message.reasoning_ms / 1000))} s)"


def _quoted(text: str) -> str:
    """Markdown blockquote lines; an empty line stays inside the quote."""
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def _single_line(text: str) -> str:
    return " ".join(text.split())


def _title(conversation: Conversation) -> str:
    return _single_line(conversation.title) or "Untitled conversation"


def _details(conversation: Conversation, label_of: LabelOf) -> list[str]:
    details = []
    if conversation.provider:
        details.append(f"Provider: {label_of(conversation.provider)}")
    if conversation.model:
        details.append(f"Model: {conversation.model}")
    details.append(f"Started: {_when(conversation.created_at)}")
    if conversation.params:
        values = ", ".join(f"{key}={value}" for key, value in sorted(conversation.params.items()))
        details.append(f"Parameters: {values}")
    return details


def _speaker(message: StoredMessage) -> str:
    name = message.role.capitalize()
    return f"{name} · {message.model}" if message.role == "assistant" and message.model else name


def to_markdown(
    conversation: Conversation,
    messages: Sequence[StoredMessage],
    label_of: LabelOf,
    error_text: ErrorText,
) -> str:
    parts = [f"# {_title(conversation)}", " · ".join(_details(conversation, label_of))]
    if conversation.system_prompt:
        parts += ["## System prompt", conversation.system_prompt]
    for message in messages:
        parts.append(f"## {_speaker(message)}")
        if message.reasoning:
            parts.append(f"> **{thinking_heading(message)}**\n>\n{_quoted(message.reasoning)}")
        parts.append(message.text or "*(empty)*")
        parts += [_tool_markdown(step) for step in message.tools]
        note = _status_note(message, error_text)
        if note:
            parts.append(f"> *{_single_line(note)}*")
    return "\n\n".join(parts) + "\n"


def _tool_line(step: ToolStep) -> str:
    where = f" ({step.server})" if step.server else ""
    outcome = f"error: {step.kind}" if step.kind else "result"
    return f"Tool {step.tool or step.name}{where}, {outcome}"


def _tool_markdown(step: ToolStep) -> str:
    fence = "`" * max(3, _longest_run(step.arguments + step.result, "`") + 1)
    return (
        f"> **{_single_line(_tool_line(step))}**\n\n"
        f"{fence}json\n{step.arguments}\n{fence}\n\n{fence}\n{step.result}\n{fence}"
    )


def _longest_run(text: str, char: str) -> int:
    longest = run = 0
    for c in text:
        run = run + 1 if c == char else 0
        longest = max(longest, run)
    return longest


def to_json(
    conversation: Conversation, messages: Sequence[StoredMessage], leaf: int | None = None
) -> str:
    """Every message of the tree, oldest first; `active` is the index of the leaf."""
    index = {message.id: position for position, message in enumerate(messages)}
    payload = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "conversation": {
            "title": conversation.title,
            "provider": conversation.provider,
            "model": conversation.model,
            "system_prompt": conversation.system_prompt,
            "params": conversation.params,
            "pinned": conversation.pinned,
            "created_at": conversation.created_at,
            "updated_at": conversation.updated_at,
        },
        "active": index.get(leaf) if leaf is not None else None,
        "messages": [
            {
                "role": message.role,
                "text": message.text,
                "status": str(message.status),
                "error": None if message.error is None else message.error.to_data(),
                "provider": message.provider,
                "model": message.model,
                "usage": message.usage,
                "parent": index.get(message.parent_id) if message.parent_id is not None else None,
                "finish_reason": message.finish_reason,
                "reasoning": message.reasoning,
                "reasoning_ms": message.reasoning_ms,
                "created_at": message.created_at,
                **({"tools": [step.to_data() for step in message.tools]} if message.tools else {}),
                **({"attachments": exported(message.attachments)} if message.attachments else {}),
            }
            for message in messages
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


_CSS = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #6e6e73;
        --user: #eef3fb; --assistant: #f5f5f7; --system: #fbf6e9; --border: #d2d2d7; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #f5f5f7; --bg: #1c1c1e; --muted: #a1a1a6;
          --user: #1f2b3d; --assistant: #2c2c2e; --system: #3a3422; --border: #3a3a3c; }
}
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
       max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
.details { color: var(--muted); margin-top: 0; }
section { border: 1px solid var(--border); border-radius: .5rem; padding: .75rem 1rem;
          margin: 1rem 0; }
section.user { background: var(--user); }
section.assistant { background: var(--assistant); }
section.system { background: var(--system); }
h2 { font-size: .9rem; color: var(--muted); margin: 0 0 .5rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.note { color: var(--muted); font-style: italic; margin: .5rem 0 0; }
.thinking { color: var(--muted); margin: 0 0 .5rem; }
.thinking summary { cursor: pointer; }
.thinking .text { font-style: italic; margin-top: .25rem; }
"""


def to_html(
    conversation: Conversation,
    messages: Sequence[StoredMessage],
    label_of: LabelOf,
    error_text: ErrorText,
) -> str:
    """A standalone page: inline style only, no scripts, no remote resources, all text escaped."""
    escape = html.escape
    title = escape(_title(conversation))
    sections = []
    if conversation.system_prompt:
        sections.append(
            '<section class="system"><h2>System prompt</h2>'
            f'<div class="text">{escape(conversation.system_prompt)}</div></section>'
        )
    for message in messages:
        note = _status_note(message, error_text)
        note_html = f'<p class="note">{escape(note)}</p>' if note else ""
        thinking = (
            f'<details class="thinking"><summary>{escape(thinking_heading(message))}</summary>'
            f'<div class="text">{escape(message.reasoning)}</div></details>'
            if message.reasoning
            else ""
        )
        tools = "".join(
            f'<details class="tool"><summary>{escape(_tool_line(step))}</summary>'
            f'<div class="text">{escape(step.arguments)}</div>'
            f'<div class="text">{escape(step.result)}</div></details>'
            for step in message.tools
        )
        sections.append(
            f'<section class="{escape(message.role)}"><h2>{escape(_speaker(message))}</h2>'
            f"{thinking}{html_files(message.attachments)}"
            f'<div class="text">{escape(message.text)}</div>{tools}{note_html}'
            "</section>"
        )
    details = escape(" · ".join(_details(conversation, label_of)))
    body = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Besedka">
<title>{title}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{title}</h1>
<p class="details">{details}</p>
{body}
</body>
</html>
"""
