"""Function calling against the emulators: tools offered, calls streamed and assembled,
results sent back in each service's form (the emulators refuse what the services refuse)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from providers.base import Chunk, FinishReason, Message, Provider, ToolCall, ToolSpec
from providers.errors import BadRequestError
from providers.gigachat import GigaChat
from providers.gptalk import GPTalk
from providers.openai_compat import OpenAICompatible
from providers.tools import ToolCallAssembler, result_json
from tests.servers.gigachat import GigaChatEmulator
from tests.servers.openai import OpenAIEmulator, run_openai

ADD = ToolSpec(
    "add",
    "Add two integers.",
    {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}},
)
QUESTION: list[Message] = [{"role": "user", "content": "Сколько будет 2 + 3?"}]


async def collect(provider: Provider, history: list[Message], **kw: Any) -> list[Chunk]:
    return [chunk async for chunk in provider.stream(None, history, tools=(ADD,), **kw)]


def answered(history: list[Message], call: ToolCall, result: str) -> list[Message]:
    """The history with the model's call and its result, as the tool loop sends it."""
    return [
        *history,
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "content": result, "tool_call_id": call.id, "name": call.name},
    ]


@pytest.mark.parametrize("stream", [True, False])
async def test_openai_call_is_assembled_and_its_result_goes_back(
    session: aiohttp.ClientSession, stream: bool
) -> None:
    emulator = OpenAIEmulator(
        chunk_chars=3,
        tool_rounds=[[{"id": "call_1", "name": "add", "arguments": '{"a": 2, "b": 3}'}]],
    )
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        chunks = await collect(provider, QUESTION, stream=stream)
        calls = [chunk for chunk in chunks if isinstance(chunk, ToolCall)]
        assert calls == [ToolCall("call_1", "add", '{"a": 2, "b": 3}')]
        assert calls[0].parsed() == {"a": 2, "b": 3}
        assert FinishReason("tool_calls") in chunks
        sent = emulator.requests[-1].body
        assert sent["tools"][0]["function"]["name"] == "add"
        chunks = await collect(provider, answered(QUESTION, calls[0], "5"), stream=stream)
        assert "".join(c for c in chunks if isinstance(c, str)) == emulator.reply
        second = emulator.requests[-1].body["messages"]
        assert second[1]["tool_calls"][0]["function"]["arguments"] == '{"a": 2, "b": 3}'
        assert second[1]["content"] is None
        assert second[2] == {"role": "tool", "tool_call_id": "call_1", "content": "5"}


async def test_openai_malformed_arguments_are_data(session: aiohttp.ClientSession) -> None:
    emulator = OpenAIEmulator(
        tool_rounds=[[{"id": "c", "name": "nope", "arguments": '{"a": 2,'}]], chunk_chars=2
    )
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        chunks = await collect(provider, QUESTION)
    (call,) = [chunk for chunk in chunks if isinstance(chunk, ToolCall)]
    assert call.name == "nope" and call.arguments == '{"a": 2,' and call.parsed() is None


async def test_the_emulator_refuses_an_unanswered_call(session: aiohttp.ClientSession) -> None:
    """The emulator checks as OpenAI does: a call without its result is a 400."""
    async with run_openai() as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        call = ToolCall("x", "add", "{}")
        history: list[Message] = [
            *QUESTION,
            {"role": "assistant", "content": "", "tool_calls": [call]},
        ]
        with pytest.raises(BadRequestError) as caught:
            await collect(provider, history)
    assert "tool_call_id" in caught.value.detail


@pytest.mark.parametrize("stream", [True, False])
async def test_gigachat_function_call_and_result(
    giga: GigaChat, emulator: GigaChatEmulator, stream: bool
) -> None:
    emulator.function_calls = [{"name": "add", "arguments": {"a": 2, "b": 3}}]
    chunks = await collect(giga, QUESTION, stream=stream)
    (call,) = [chunk for chunk in chunks if isinstance(chunk, ToolCall)]
    assert call.name == "add" and call.parsed() == {"a": 2, "b": 3}
    assert call.state_id == "state-1"
    assert FinishReason("function_call") in chunks
    first = emulator.chat_requests[-1].json()
    assert first["function_call"] == "auto"
    assert first["functions"][0]["parameters"]["type"] == "object"
    chunks = await collect(giga, answered(QUESTION, call, "5"), stream=stream)
    assert "".join(c for c in chunks if isinstance(c, str)) == emulator.reply
    sent = emulator.chat_requests[-1].json()["messages"]
    assert sent[1] == {
        "role": "assistant",
        "content": "",
        "function_call": {"name": "add", "arguments": {"a": 2, "b": 3}},
        "functions_state_id": "state-1",
    }
    assert sent[2] == {"role": "function", "name": "add", "content": '{"result": "5"}'}


async def test_gigachat_malformed_arguments_go_back_as_an_object(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.function_calls = [{"name": "add", "arguments": "{not json"}]
    chunks = await collect(giga, QUESTION)
    (call,) = [chunk for chunk in chunks if isinstance(chunk, ToolCall)]
    assert call.parsed() is None
    error: list[Message] = [
        *QUESTION,
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "content": "bad arguments", "tool_call_id": call.id, "is_error": True},
    ]
    await collect(giga, error)  # the emulator takes it: arguments `{}`, content an object
    sent = emulator.chat_requests[-1].json()["messages"]
    assert sent[1]["function_call"]["arguments"] == {}
    assert json.loads(sent[2]["content"]) == {"error": "bad arguments"}


async def test_a_provider_without_tools_refuses_them(session: aiohttp.ClientSession) -> None:
    with pytest.raises(BadRequestError) as caught:
        await collect(GPTalk(session=session), QUESTION)
    assert (caught.value.reason, caught.value.params) == ("bad_option", {"option": "tools"})


def test_assembler_takes_what_servers_send() -> None:
    calls = ToolCallAssembler()
    calls.feed([{"index": 0, "id": "a", "function": {"name": "add", "arguments": '{"a"'}}])
    calls.feed([{"index": 0, "function": {"arguments": ": 1}"}}])
    calls.feed([{"id": "b", "function": {"name": "echo", "arguments": {"x": 1}}}])  # no index
    calls.feed("garbage")
    calls.feed([None, {"index": 5}])
    assert calls.calls() == [
        ToolCall("a", "add", '{"a": 1}'),
        ToolCall("b", "echo", '{"x": 1}'),
        ToolCall("call_2", "", ""),
    ]


def test_result_json_wraps_what_is_not_an_object() -> None:
    assert result_json('{"t": 1}') == '{"t": 1}'
    assert result_json("[1]") == '{"result": "[1]"}'
    assert result_json("oops", error=True) == '{"error": "oops"}'
