"""Function calling, the same for every service: what tools a request offers, the calls a
reply makes, and the assembly of a call streamed in pieces.

A model's call is data, never trusted: its arguments are kept as the JSON text it wrote
(`ToolCall.arguments`), and `ToolCall.parsed()` says whether that text is an object. A
malformed call or one naming a tool nobody offered is answered by the tool loop with an
error result, so the model can correct itself; nothing here raises on what a model says.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "ToolCall",
    "ToolCallAssembler",
    "ToolSpec",
    "arguments_object",
    "gigachat_functions",
    "openai_tools",
    "result_json",
]


@dataclasses.dataclass(frozen=True)
class ToolSpec:
    """A tool offered to the model: its name, what it does, and a JSON Schema object for
    its arguments (MCP's `inputSchema`)."""

    name: str
    description: str = ""
    parameters: Mapping[str, Any] = dataclasses.field(
        default_factory=lambda: {"type": "object", "properties": {}}
    )


@dataclasses.dataclass(frozen=True)
class ToolCall:
    """One call the model asked for, yielded after the reply's text. `arguments` is the
    JSON text as the model sent it (maybe not JSON at all); `state_id` is GigaChat's
    `functions_state_id`, sent back with the call in later requests."""

    id: str
    name: str
    arguments: str
    state_id: str = ""

    def parsed(self) -> dict[str, Any] | None:
        """The arguments as an object; None when they are not a JSON object."""
        return arguments_object(self.arguments)


def arguments_object(text: str) -> dict[str, Any] | None:
    """`text` as a JSON object (an empty text is `{}`: a call without arguments); None
    when it is anything else."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def result_json(text: str, *, error: bool = False) -> str:
    """A tool's result as a JSON object's text, for services that take only objects
    (GigaChat's `function` messages): an object stays as it is, anything else is
    wrapped as `{"result": …}` (or `{"error": …}`)."""
    if not error and arguments_object(text) is not None and text.strip():
        return text
    return json.dumps({"error" if error else "result": text}, ensure_ascii=False)


class ToolCallAssembler:
    """OpenAI's streamed `tool_calls` deltas joined into calls: each delta names its call
    by `index` (some servers leave it out: then by `id`, else the last call), brings the
    id and name once and the arguments in fragments."""

    def __init__(self) -> None:
        self._calls: dict[int, dict[str, Any]] = {}
        self._by_id: dict[str, int] = {}

    def __bool__(self) -> bool:
        return bool(self._calls)

    def feed(self, deltas: Any) -> None:
        """One event's `delta.tool_calls`; anything that is not a list of objects is
        ignored (a model's call is not a reason to drop its reply)."""
        if not isinstance(deltas, list):
            return
        for delta in deltas:
            if isinstance(delta, dict):
                self._one(delta)

    def _one(self, delta: dict[str, Any]) -> None:
        index = delta.get("index")
        ident = delta.get("id")
        if not isinstance(index, int) or isinstance(index, bool):
            if isinstance(ident, str) and ident in self._by_id:
                index = self._by_id[ident]
            elif (isinstance(ident, str) and ident) or not self._calls:
                index = len(self._calls)
            else:
                index = max(self._calls)
        call = self._calls.setdefault(index, {"id": "", "name": "", "arguments": []})
        if isinstance(ident, str) and ident and not call["id"]:
            call["id"] = ident
            self._by_id[ident] = index
        function = delta.get("function")
        if not isinstance(function, dict):
            return
        name = function.get("name")
        if isinstance(name, str) and name:
            call["name"] += name if not call["name"] or name != call["name"] else ""
        arguments = function.get("arguments")
        if isinstance(arguments, str):
            call["arguments"].append(arguments)
        elif isinstance(arguments, dict):  # a server that sends the object itself
            call["arguments"].append(json.dumps(arguments, ensure_ascii=False))

    def calls(self) -> list[ToolCall]:
        """The calls so far, in index order; a call without an id gets one."""
        return [
            ToolCall(
                id=call["id"] or f"call_{position}",
                name=call["name"],
                arguments="".join(call["arguments"]),
            )
            for position, (_index, call) in enumerate(sorted(self._calls.items()))
        ]


def openai_tools(tools: Sequence[ToolSpec]) -> list[dict[str, Any]]:
    """`tools` of an OpenAI chat request."""
    return [
        {
            "type": "function",
            "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": dict(tool.parameters),
            },
        }
        for tool in tools
    ]


def gigachat_functions(tools: Sequence[ToolSpec]) -> list[dict[str, Any]]:
    """`functions` of a GigaChat request (SDK models/chat.py `Function`): the schema must
    be an object with `properties`."""
    functions = []
    for tool in tools:
        parameters = dict(tool.parameters)
        parameters.setdefault("type", "object")
        parameters.setdefault("properties", {})
        functions.append(
            {"name": tool.name, "description": tool.description, "parameters": parameters}
        )
    return functions
