"""Flattening a chat history into one prompt, for services that take a single text."""

from __future__ import annotations

from providers.base import Messages

__all__ = ["format_prompt"]


def format_prompt(messages: Messages, *, add_special_tokens: bool = False) -> str:
    """gpt4free's format: a lone message as is; else `Role: content` lines and `Assistant:`."""
    if not add_special_tokens and len(messages) <= 1:
        return messages[0]["content"] if messages else ""
    lines = [
        f"{message['role'].capitalize()}: {message['content']}"
        for message in messages
        if message["content"]
    ]
    return "\n".join([*lines, "Assistant:"])
