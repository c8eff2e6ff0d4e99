"""What a provider is sent of a path: the system prompt, then the user's questions and
the replies, a reply that called tools expanded into its calls and their results
(gui.core.tool_loop.expand). Other branches never."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gui.core.store import Conversation, Store, ToolStep
from providers.base import Message

__all__ = ["build_history", "history_for"]


def history_for(
    store: Store, conversation: Conversation | int, until: int | None = None
) -> list[Message]:
    """The active path (or the path up to message `until`) as the provider is sent it.

    One query for the turns (none when the store kept them), one indexed look-up for tool
    calls; the conversation is read only when the caller has not."""
    if isinstance(conversation, int):
        conversation = store.get_conversation(conversation)
    turns = (
        store.turns(conversation.id)
        if until is None
        else store.path_turns(conversation.id, until=until)
    )
    return build_history(conversation, turns, store.path_tools(conversation.id, until))


def build_history(
    conversation: Conversation,
    turns: Sequence[tuple[str, str]],
    tools: Mapping[int, tuple[ToolStep, ...]] | None = None,
    offset: int = 0,
) -> list[Message]:
    """`turns` (from position `offset` of the path) with the system prompt first; `tools`
    are the path's tool calls by position."""
    history: list[Message] = []
    if conversation.system_prompt.strip():
        history.append({"role": "system", "content": conversation.system_prompt})
    if not tools:
        history.extend(
            {"role": role, "content": text}  # type: ignore[typeddict-item]
            for role, text in turns
            if text and (role == "user" or role == "assistant")
        )
        return history
    from gui.core.tool_loop import expand

    for position, (role, text) in enumerate(turns, offset):
        steps = tools.get(position) if role == "assistant" else None
        if steps:
            history.extend(expand(text, steps))
        elif text and (role == "user" or role == "assistant"):
            history.append({"role": role, "content": text})  # type: ignore[typeddict-item]
    return history
