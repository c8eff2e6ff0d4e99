"""Thinking arrives as Reasoning items, apart from the answer, and is never sent back."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from providers.base import Chunk, FinishReason, Message, Provider, Reasoning, Usage
from providers.errors import BadRequestError
from providers.gigachat import GigaChat
from providers.openai_compat import OpenAICompatible
from tests.servers.gigachat import DEFAULT_REPLY, GigaChatEmulator
from tests.servers.openai import OpenAIEmulator, run_openai

HELLO: list[Message] = [{"role": "user", "content": "Сколько будет 2 + 2?"}]
THOUGHT = "Пользователь спрашивает про 2 + 2. Это 4; ответить кратко 🧮."


async def collect(
    provider: Provider, model: str | None = None, *, stream: bool = True, **options: Any
) -> list[Chunk]:
    return [c async for c in provider.stream(model, HELLO, stream=stream, options=options)]


def parts(chunks: list[Chunk]) -> tuple[str, str]:
    """The thinking and the answer, each joined."""
    thought = "".join(c.text for c in chunks if isinstance(c, Reasoning))
    return thought, "".join(c for c in chunks if isinstance(c, str))


def thinking_first(chunks: list[Chunk]) -> bool:
    kinds = [isinstance(c, Reasoning) for c in chunks if isinstance(c, str | Reasoning)]
    return kinds == sorted(kinds, reverse=True)


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_gigachat_reasoning_content_is_thinking(
    giga: GigaChat, emulator: GigaChatEmulator, stream: bool
) -> None:
    emulator.reasoning = THOUGHT
    emulator.chunk_size = 5
    chunks = await collect(giga, "GigaChat-2-Max", stream=stream, reasoning_effort="high")
    assert parts(chunks) == (THOUGHT, DEFAULT_REPLY)
    assert thinking_first(chunks)
    assert chunks[-2] == FinishReason("stop")
    assert emulator.chat_requests[0].json()["reasoning_effort"] == "high"


async def test_gigachat_thinking_and_answer_in_one_read_stay_in_order(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.reasoning = THOUGHT
    emulator.chunk_size = 1000  # one event of thinking, one of text: one network read
    chunks = await collect(giga, "GigaChat")
    assert [type(c) for c in chunks[:2]] == [Reasoning, str]
    assert parts(chunks) == (THOUGHT, DEFAULT_REPLY)


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_openai_reasoning_fields_are_thinking(
    session: aiohttp.ClientSession, field: str, stream: bool
) -> None:
    """`reasoning_content` (DeepSeek, llama.cpp) and `reasoning` (OpenRouter, vLLM)."""
    emulator = OpenAIEmulator(reasoning=THOUGHT, reasoning_field=field, chunk_chars=3)
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        chunks = await collect(provider, stream=stream, reasoning_effort="low")
    assert parts(chunks) == (THOUGHT, emulator.reply)
    assert thinking_first(chunks)
    assert emulator.requests[0].body["reasoning_effort"] == "low"


@pytest.mark.parametrize("chunk_chars", [1, 2, 3, 4, 5, 7, 11, 1000])
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_openai_think_tags_at_the_start_are_thinking(
    session: aiohttp.ClientSession, chunk_chars: int, stream: bool
) -> None:
    """What llama.cpp or LM Studio send for DeepSeek-R1: the tags cut anywhere."""
    emulator = OpenAIEmulator(reasoning=THOUGHT, think_tags=True, chunk_chars=chunk_chars)
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        chunks = await collect(provider, stream=stream)
    thought, answer = parts(chunks)
    assert thought.strip() == THOUGHT
    assert answer == emulator.reply
    assert "<think>" not in answer and "</think>" not in thought
    assert thinking_first(chunks)
    assert isinstance(chunks[-1], Usage)


async def test_think_tags_later_in_an_answer_are_the_answer(
    session: aiohttp.ClientSession,
) -> None:
    reply = "Тег <think> пишут так: <think>…</think>."
    async with run_openai(OpenAIEmulator(reply=reply, chunk_chars=2)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        assert parts(await collect(provider)) == ("", reply)


async def test_thinking_is_never_sent_back(
    giga: GigaChat, emulator: GigaChatEmulator, session: aiohttp.ClientSession
) -> None:
    """Even when the caller's messages carry more than role and content."""
    history: list[Any] = [
        {"role": "user", "content": "Привет"},
        {"role": "assistant", "content": "Здравствуйте!", "reasoning": "думаю", "id": 7},
        {"role": "user", "content": "Ещё раз"},
    ]
    await collect_history(giga, history)
    sent = emulator.chat_requests[0].json()["messages"]
    async with run_openai() as openai:
        await collect_history(OpenAICompatible(session=session, base_url=openai.base_url), history)
        sent_openai = openai.requests[0].body["messages"]
    for messages in (sent, sent_openai):
        assert messages == [{"role": m["role"], "content": m["content"]} for m in history]


async def collect_history(provider: Provider, history: list[Any]) -> None:
    async for _chunk in provider.stream(None, history):
        pass


@pytest.mark.parametrize("value", ["extreme", "HIGH", ""])
async def test_unknown_reasoning_effort_is_refused_before_sending(
    giga: GigaChat, emulator: GigaChatEmulator, value: str
) -> None:
    with pytest.raises(BadRequestError) as caught:
        await collect(giga, reasoning_effort=value)
    assert caught.value.reason == "option_value"
    assert caught.value.params == {"option": "reasoning_effort"}
    assert emulator.requests == []
