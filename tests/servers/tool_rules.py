"""What the real services check in a request with tools, and how they stream a call.

OpenAI (and the servers that copy it) refuse with 400: a `tools` entry that is not
`{"type": "function", "function": {"name", "parameters": object}}`; a `tool` message that
does not answer a call of the assistant message before it; an assistant message with
`tool_calls` whose calls are not all answered right after it. GigaChat refuses with 422 a
`function` message without `name` or whose content is not a JSON object, a
`function_call` whose arguments are not an object, and `functions` without an object
schema (SDK models/chat.py). Test code only.
"""

from __future__ import annotations

import json
import re
from typing import Any

_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def openai_problem(body: dict[str, Any]) -> str | None:
    """Why OpenAI would refuse this request's tools or tool messages; None: it takes it."""
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list) or not tools:
            return "'tools' must be a non-empty array"
        for index, tool in enumerate(tools):
            function = tool.get("function") if isinstance(tool, dict) else None
            if tool.get("type") != "function" or not isinstance(function, dict):
                return f"tools[{index}]: expected a function tool"
            if not isinstance(function.get("name"), str) or not _NAME.match(function["name"]):
                return f"tools[{index}].function.name is invalid"
            if not isinstance(function.get("parameters", {}), dict):
                return f"tools[{index}].function.parameters must be an object"
    pending: set[str] = set()
    for index, message in enumerate(body.get("messages", [])):
        role = message.get("role")
        if role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in pending:
                return (
                    f"messages[{index}]: messages with role 'tool' must be a response to a"
                    " preceding message with 'tool_calls'"
                )
            pending.discard(call_id)
            if not isinstance(message.get("content"), str):
                return f"messages[{index}].content must be a string"
            continue
        if pending:
            return (
                "An assistant message with 'tool_calls' must be followed by tool messages"
                " responding to each 'tool_call_id'"
            )
        calls = message.get("tool_calls")
        if calls is not None:
            if role != "assistant" or not isinstance(calls, list) or not calls:
                return f"messages[{index}].tool_calls is invalid"
            for call in calls:
                function = call.get("function") if isinstance(call, dict) else None
                if call.get("type") != "function" or not isinstance(function, dict):
                    return f"messages[{index}].tool_calls: expected a function call"
                if not isinstance(function.get("arguments"), str):
                    return f"messages[{index}].tool_calls: arguments must be a string"
                pending.add(call.get("id"))
        elif role == "assistant" and not isinstance(message.get("content"), str):
            return f"messages[{index}].content must be a string"
    if pending:
        return (
            "An assistant message with 'tool_calls' must be followed by tool messages"
            " responding to each 'tool_call_id'"
        )
    return None


def openai_call_deltas(calls: list[dict[str, Any]], step: int) -> list[dict[str, Any]]:
    """Streamed `tool_calls` deltas as OpenAI sends them: the id, type and name first,
    then the arguments text in pieces of `step` characters."""
    deltas: list[dict[str, Any]] = []
    for index, call in enumerate(calls):
        head = {"index": index, "id": call["id"], "type": "function"}
        deltas.append(head | {"function": {"name": call["name"], "arguments": ""}})
        arguments = call["arguments"]
        for start in range(0, len(arguments), max(1, step)):
            piece = arguments[start : start + max(1, step)]
            deltas.append({"index": index, "function": {"arguments": piece}})
    return deltas


def gigachat_problem(body: dict[str, Any]) -> str | None:
    """Why GigaChat would refuse this request's functions or function messages."""
    functions = body.get("functions")
    if functions is not None:
        if not isinstance(functions, list):
            return "Invalid params: functions must be a list"
        for index, function in enumerate(functions):
            if not isinstance(function, dict) or not isinstance(function.get("name"), str):
                return f"Invalid params: functions[{index}].name"
            parameters = function.get("parameters")
            if not isinstance(parameters, dict) or parameters.get("type") != "object":
                return f"Invalid params: functions[{index}].parameters must be an object"
    choice = body.get("function_call")
    if choice is not None and choice not in ("auto", "none") and not isinstance(choice, dict):
        return "Invalid params: function_call"
    for index, message in enumerate(body.get("messages", [])):
        if message.get("role") == "function":
            if not isinstance(message.get("name"), str) or not message["name"]:
                return f"Invalid params: messages[{index}].name is required for a function"
            try:
                content = json.loads(message.get("content", ""))
            except ValueError:
                return f"Invalid params: messages[{index}].content must be a JSON object"
            if not isinstance(content, dict):
                return f"Invalid params: messages[{index}].content must be a JSON object"
        call = message.get("function_call")
        if call is not None and (
            not isinstance(call, dict) or not isinstance(call.get("arguments", {}), dict)
        ):
            return f"Invalid params: messages[{index}].function_call.arguments"
        if "tool_calls" in message or message.get("role") == "tool":
            return f"Invalid params: messages[{index}] has OpenAI's form"
    return None
