"""The tool loop of one reply (Qt-free): the model asks → the user approves → the tool
runs → its result goes back → the model continues, for at most MAX_ROUNDS rounds.

The window and `besedka ask` plug in an `Approver` (an approval card; a terminal prompt
or `--yes`) and get each call as it starts and ends (`on_call`, `on_result`). A call the
user denies, one with arguments that are not a JSON object, one naming a tool nobody
offered and one that fails all go back to the model as error results: the model can say
so or try again; none of them ends the reply. Stop cancels the reply's task and ends the
loop wherever it is (waiting for approval, a tool running, the model streaming).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from gui.core.store import ToolStep
from gui.core.tools.server import CALL_TIMEOUT_S, ToolResult
from providers.base import Message, ToolCall, ToolSpec

if TYPE_CHECKING:
    from providers.base import Provider

__all__ = [
    "MAX_ROUNDS",
    "Approval",
    "Approver",
    "ToolLoop",
    "ToolRequest",
    "ToolRunner",
    "expand",
]

#: requests that may end in tool calls; the one after them is sent without tools
MAX_ROUNDS = 10


class Approval(StrEnum):
    ONCE = "once"  #: run this call
    ALWAYS = "always"  #: run it and every later call of this tool in this chat
    DENY = "deny"  #: do not run it: the model is told so


@dataclasses.dataclass(frozen=True)
class ToolRequest:
    """A call waiting for approval: what an approval card (or the terminal) shows."""

    call: ToolCall
    name: str  #: the name offered to the model
    server: str
    tool: str  #: the tool's own name on its server
    arguments: dict[str, Any]
    round: int


Approver = Callable[[ToolRequest], Awaitable[Approval]]


class ToolRunner(Protocol):
    """The tools of one reply and what runs them (gui.core.tools.toolbox.ToolOffer)."""

    @property
    def specs(self) -> Sequence[ToolSpec]: ...

    def route(self, exposed: str) -> tuple[str, str] | None: ...

    async def call(self, exposed: str, arguments: dict[str, Any], limit_s: float) -> ToolResult: ...


class RoundStreamer(Protocol):
    """The recorder's side: stream one request into the reply, return its calls."""

    chars: int

    @property
    def text(self) -> str: ...

    async def stream_round(
        self,
        provider: Provider,
        model: str | None,
        history: list[Message],
        options: dict[str, Any],
        tools: Sequence[ToolSpec],
    ) -> list[ToolCall]: ...

    def add_tool_step(self, step: ToolStep) -> None: ...


class ToolLoop:
    """The tools offered in one reply, how calls are approved, and the rounds."""

    def __init__(
        self,
        runner: ToolRunner,
        approve: Approver,
        *,
        always: set[str] | None = None,
        on_call: Callable[[ToolRequest], None] = lambda _request: None,
        on_result: Callable[[ToolStep], None] = lambda _step: None,
        max_rounds: int = MAX_ROUNDS,
        timeout: float = CALL_TIMEOUT_S,
    ) -> None:
        self.runner = runner
        self.specs = tuple(runner.specs)
        self.approve = approve
        #: tools allowed for the rest of this chat ("Always allow"); the caller keeps it
        self.always = always if always is not None else set()
        self.on_call = on_call
        self.on_result = on_result
        self.max_rounds = max_rounds
        self.timeout = timeout

    async def drive(
        self,
        recorder: RoundStreamer,
        provider: Provider,
        model: str | None,
        history: list[Message],
        options: dict[str, Any],
    ) -> None:
        """Stream rounds until the model answers without calls (or the rounds run out:
        the last request offers no tools)."""
        messages = list(history)
        for number in range(1, self.max_rounds + 2):
            start = recorder.chars
            offered = self.specs if number <= self.max_rounds else ()
            calls = await recorder.stream_round(provider, model, messages, options, offered)
            if not calls or not offered:
                return
            at = recorder.chars  # the calls come after the round's text ("I'll add…")
            steps = []
            for call in calls:
                try:
                    step = await self._one(call, number, at)
                except asyncio.CancelledError:  # Stop: the card stays, saying so
                    self._stopped(recorder, call, number, at)
                    raise
                recorder.add_tool_step(step)
                self.on_result(step)
                steps.append(dataclasses.replace(step, at=at - start))
            messages += expand(recorder.text[start:], steps)

    def _stopped(self, recorder: RoundStreamer, call: ToolCall, number: int, at: int) -> None:
        """A call Stop ended (waiting for its answer or running), kept in the reply."""
        server, tool = self.runner.route(call.name) or ("", "")
        result = "the user stopped the reply before this call ended"
        step = ToolStep(
            number, at, call.id, call.name, call.arguments, result, "stopped", server, tool,
            call.state_id,
        )  # fmt: skip
        recorder.add_tool_step(step)
        self.on_result(step)

    async def _one(self, call: ToolCall, number: int, at: int) -> ToolStep:
        step = ToolStep(number, at, call.id, call.name, call.arguments, state_id=call.state_id)
        route = self.runner.route(call.name)
        if route is None:
            offered = ", ".join(spec.name for spec in self.specs)
            result = f"there is no tool named {call.name!r}; the tools are: {offered}"
            return dataclasses.replace(step, result=result, kind="unknown_tool")
        server, tool = route
        step = dataclasses.replace(step, server=server, tool=tool)
        arguments = call.parsed()
        if arguments is None:
            result = "the arguments are not a JSON object; call the tool again with valid JSON"
            return dataclasses.replace(step, result=result, kind="malformed_arguments")
        request = ToolRequest(call, call.name, server, tool, arguments, number)
        if call.name not in self.always:
            answer = await self.approve(request)
            if answer == Approval.DENY:
                result = "the user denied this call"
                return dataclasses.replace(step, result=result, kind="denied")
            if answer == Approval.ALWAYS:
                self.always.add(call.name)
        self.on_call(request)
        outcome = await self.runner.call(call.name, arguments, self.timeout)
        return dataclasses.replace(step, result=outcome.text, kind=outcome.kind)


def expand(text: str, steps: Sequence[ToolStep]) -> list[Message]:
    """A reply with tool calls as the history sends it: for each round, the text before
    its calls with the calls, then a result per call; then the text after the last."""
    out: list[Message] = []
    position = 0
    rounds: dict[int, list[ToolStep]] = {}
    for step in steps:
        rounds.setdefault(step.round, []).append(step)
    for group in rounds.values():
        at = max(position, min(group[0].at, len(text)))
        calls = [ToolCall(s.id, s.name, s.arguments, s.state_id) for s in group]
        out.append({"role": "assistant", "content": text[position:at], "tool_calls": calls})
        for step in group:
            result: Message = {
                "role": "tool",
                "content": step.result if not step.kind else _error_text(step),
                "tool_call_id": step.id,
                "name": step.name,
            }
            if step.kind:
                result["is_error"] = True
            out.append(result)
        position = at
    if text[position:] or not out:
        out.append({"role": "assistant", "content": text[position:]})
    return out


def _error_text(step: ToolStep) -> str:
    """What the model is told of a failed call: the kind and the words, as JSON."""
    return json.dumps({"error": step.kind, "message": step.result}, ensure_ascii=False)


def flatten(history: Sequence[Message]) -> list[Message]:
    """The history for a service that takes no tools: calls and results left out, the
    replies' text kept (joined where a reply was cut by its calls)."""
    out: list[Message] = []
    for message in history:
        if message["role"] == "tool":
            continue
        if message.get("tool_calls"):
            message = {"role": "assistant", "content": message["content"]}
        if out and out[-1]["role"] == "assistant" == message["role"]:
            out[-1] = {"role": "assistant", "content": out[-1]["content"] + message["content"]}
        elif message["content"] or message["role"] != "assistant":
            out.append(message)
    return out
