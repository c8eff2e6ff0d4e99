"""GigaChat's function calling, as the official SDK models it (models/chat.py).

The model asks for one function per reply: `delta.function_call` (`name`, `arguments` as
an object, not a JSON text as OpenAI has it) with `finish_reason: "function_call"`, and
a `functions_state_id` that goes back with the call. A result is a `function` message
with the function's `name` and a JSON object as its content. The history's tool calls
and results (providers.base.Message) are turned into that form here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from providers.base import Messages
from providers.tools import ToolCall, arguments_object, result_json

__all__ = ["FunctionCalls", "wire_messages"]


class FunctionCalls:
    """The calls of one reply, gathered from its deltas (or its whole message)."""

    def __init__(self) -> None:
        self._name = ""
        self._arguments: list[str] = []
        self._state_id = ""
        self._seen = False

    def feed(self, part: dict[str, Any]) -> None:
        """A delta or message that has `function_call` or `functions_state_id`."""
        state = part.get("functions_state_id")
        if isinstance(state, str) and state:
            self._state_id = state
        call = part.get("function_call")
        if not isinstance(call, dict):
            return
        self._seen = True
        name = call.get("name")
        if isinstance(name, str) and name and name != self._name:
            self._name += name
        arguments = call.get("arguments")
        if isinstance(arguments, dict | list):  # the object itself, as the SDK has it
            self._arguments.append(json.dumps(arguments, ensure_ascii=False))
        elif isinstance(arguments, str):  # a text: kept as it came, maybe malformed
            self._arguments.append(arguments)
        elif arguments is not None:
            self._arguments.append(json.dumps(arguments))

    def calls(self) -> list[ToolCall]:
        if not self._seen:
            return []
        ident = self._state_id or "function_call"
        return [ToolCall(ident, self._name, "".join(self._arguments), self._state_id)]


def wire_messages(
    messages: Messages, files: Mapping[int, list[str]] | None = None
) -> list[dict[str, Any]]:
    """The history in GigaChat's form. A reply with several calls (another service's, in
    the same chat) becomes one assistant message per call, each followed by its result;
    results are matched to calls by id, else in order."""
    wire: list[dict[str, Any]] = []
    index = 0
    while index < len(messages):
        message = messages[index]
        index += 1
        calls = list(message.get("tool_calls") or ())
        if message["role"] == "tool":  # a result whose call is not right above it
            wire.append(_result(message, message.get("name", "")))
            continue
        if not calls:
            plain: dict[str, Any] = {"role": message["role"], "content": message["content"]}
            if files and files.get(index - 1):
                plain["attachments"] = files[index - 1]  # the SDK's Messages.attachments
            wire.append(plain)
            continue
        results: list[Any] = []
        while index < len(messages) and messages[index]["role"] == "tool":
            results.append(messages[index])
            index += 1
        by_id = {result.get("tool_call_id", ""): result for result in results}
        for position, call in enumerate(calls):
            item: dict[str, Any] = {
                "role": "assistant",
                "content": message["content"] if position == 0 else "",
                "function_call": {"name": call.name, "arguments": _object(call)},
            }
            if call.state_id:
                item["functions_state_id"] = call.state_id
            wire.append(item)
            result = by_id.get(call.id)
            if result is None and position < len(results):
                result = results[position]
            if result is not None:
                wire.append(_result(result, call.name))
    return wire


def _object(call: ToolCall) -> dict[str, Any]:
    """The call's arguments as the object GigaChat takes; `{}` for what was not one."""
    return arguments_object(call.arguments) or {}


def _result(message: Any, name: str) -> dict[str, Any]:
    content = str(message.get("content", ""))
    error = bool(message.get("is_error"))
    return {
        "role": "function",
        "name": name or str(message.get("name", "")),
        "content": result_json(content, error=error),
    }
