"""A request that fails before any text is made again, after saying so (Retrying)."""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import time
from typing import Any

import aiohttp
import pytest

from providers.base import Chunk, FinishReason, Message, Provider, Reasoning, Retrying
from providers.errors import NetworkError, ProtocolError, RateLimitError, ServerError
from providers.gigachat import GigaChat
from providers.openai_compat import OpenAICompatible
from providers.retry import RetryPolicy
from tests.servers.gigachat import DEFAULT_REPLY, GigaChatEmulator
from tests.servers.openai import OpenAIEmulator, run_openai

HELLO: list[Message] = [{"role": "user", "content": "Привет"}]
FAST = RetryPolicy(backoff=(0.01, 0.02))


async def collect(provider: Provider, *, stream: bool = True) -> list[Chunk]:
    return [c async for c in provider.stream(None, HELLO, stream=stream)]


def text(chunks: list[Chunk]) -> str:
    return "".join(c for c in chunks if isinstance(c, str))


def notices(chunks: list[Chunk]) -> list[Retrying]:
    return [c for c in chunks if isinstance(c, Retrying)]


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_429_with_retry_after_waits_as_told_then_answers(
    giga: GigaChat, emulator: GigaChatEmulator, stream: bool
) -> None:
    emulator.fail_next(429, 2, retry_after=1)
    started = time.monotonic()
    chunks = await collect(giga, stream=stream)
    elapsed = time.monotonic() - started
    assert notices(chunks) == [Retrying(1.0, 1, 429), Retrying(1.0, 2, 429)]
    assert chunks[:2] == notices(chunks)  # announced before anything else
    assert text(chunks) == DEFAULT_REPLY
    assert 2.0 <= elapsed < 4.0
    assert len(emulator.chat_requests) == 3


async def test_retry_after_as_an_http_date(session: aiohttp.ClientSession) -> None:
    when = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=2)
    emulator = OpenAIEmulator(
        status=503, fail_times=1, retry_after=email.utils.format_datetime(when)
    )
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        chunks = await collect(provider)
    (notice,) = notices(chunks)
    assert notice.status == 503 and notice.attempt == 1
    assert 0.0 <= notice.delay <= 2.0  # an HTTP date has whole seconds
    assert text(chunks) == emulator.reply


async def test_retry_after_is_capped(giga: GigaChat, emulator: GigaChatEmulator) -> None:
    emulator.fail_next(429, 1, retry_after=3600)
    giga.retry_policy = RetryPolicy(cap=0.05)
    chunks = await collect(giga)
    assert notices(chunks) == [Retrying(0.05, 1, 429)]
    assert text(chunks) == DEFAULT_REPLY
    assert RetryPolicy().cap == 30.0


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_busy_server_gets_backoff_then_answers(
    session: aiohttp.ClientSession, status: int
) -> None:
    async with run_openai(OpenAIEmulator(status=status, fail_times=2)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        provider.retry_policy = FAST
        chunks = await collect(provider)
    assert notices(chunks) == [Retrying(0.01, 1, status), Retrying(0.02, 2, status)]
    assert text(chunks) == emulator.reply
    assert RetryPolicy().backoff == (1.0, 2.0)


async def test_two_retries_at_most_then_the_error(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.fail_next(503, 5)
    giga.retry_policy = FAST
    seen: list[Chunk] = []
    with pytest.raises(ServerError) as caught:
        async for chunk in giga.stream(None, HELLO):
            seen.append(chunk)
    assert caught.value.status == 503
    assert caught.value.provider == "GigaChat"
    assert [n.attempt for n in notices(seen)] == [1, 2]
    assert len(emulator.chat_requests) == 3


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 413, 422, 500])
async def test_other_statuses_are_not_retried(session: aiohttp.ClientSession, status: int) -> None:
    """(Whole answers: a stream's 400 is asked once more without `stream_options`,
    tests/providers/test_usage.py.)"""
    async with run_openai(OpenAIEmulator(status=status)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        provider.retry_policy = FAST
        seen: list[Chunk] = []
        with pytest.raises(Exception):  # noqa: B017, PT011 - each status has its own type
            async for chunk in provider.stream(None, HELLO, stream=False):
                seen.append(chunk)
    assert seen == []
    chats = [r for r in emulator.requests if r.path.endswith("/chat/completions")]
    assert len(chats) == 1


@pytest.mark.parametrize("server", ["gigachat", "openai"])
async def test_connection_reset_before_the_reply_is_retried(
    session: aiohttp.ClientSession, giga: GigaChat, emulator: GigaChatEmulator, server: str
) -> None:
    if server == "gigachat":
        emulator.reset_next(1)
        giga.retry_policy = FAST
        chunks = await collect(giga)
        assert text(chunks) == DEFAULT_REPLY
        assert len(emulator.chat_requests) == 2
    else:
        async with run_openai(OpenAIEmulator(reset_times=1)) as openai:
            provider = OpenAICompatible(session=session, base_url=openai.base_url)
            provider.retry_policy = FAST
            chunks = await collect(provider)
        assert text(chunks) == openai.reply
    assert notices(chunks) == [Retrying(0.01, 1, None)]


async def test_resets_every_time_end_as_a_reset_error(
    session: aiohttp.ClientSession,
) -> None:
    async with run_openai(OpenAIEmulator(reset_times=9)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        provider.retry_policy = FAST
        with pytest.raises(NetworkError) as caught:
            await collect(provider)
    assert caught.value.reason == "reset"
    assert len(emulator.requests) == 3


async def test_nothing_is_retried_once_text_was_shown(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    giga.retry_policy = FAST
    emulator.error_after = 2  # `data: {"status": 429}` after two chunks of text
    shown: list[Chunk] = []
    with pytest.raises(RateLimitError):
        async for chunk in giga.stream(None, HELLO):
            shown.append(chunk)
    assert text(shown) == "".join(emulator.chunks()[:2])
    assert notices(shown) == []
    emulator.error_after = None
    emulator.cut_after = 1
    with pytest.raises(ProtocolError):
        await collect(giga)
    assert len(emulator.chat_requests) == 2


async def test_nothing_is_retried_once_thinking_was_shown(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    giga.retry_policy = FAST
    emulator.reasoning = "Думаю…"
    emulator.error_after = 0  # the error right after the thinking, before any text
    emulator.error_status = 503
    shown: list[Chunk] = []
    with pytest.raises(ServerError):
        async for chunk in giga.stream(None, HELLO):
            shown.append(chunk)
    assert [type(c) for c in shown] == [Reasoning]
    assert len(emulator.chat_requests) == 1


async def test_an_error_object_before_any_text_is_retried(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    """`data: {"status": 429}` as the first event: nothing was shown, so ask again."""
    giga.retry_policy = FAST
    emulator.error_after = 0
    chunks: list[Chunk] = []
    async for chunk in giga.stream(None, HELLO):
        chunks.append(chunk)
        if isinstance(chunk, Retrying):  # said before the wait: the server is fine again
            emulator.error_after = None
    assert notices(chunks)[0] == Retrying(0.01, 1, 429)
    assert text(chunks) == DEFAULT_REPLY
    assert chunks[-2] == FinishReason("stop")


async def test_stop_during_the_wait_cancels_at_once(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.fail_next(429, 1, retry_after=30)
    waiting = asyncio.Event()
    seen: list[Any] = []

    async def consume() -> None:
        async for chunk in giga.stream(None, HELLO):
            seen.append(chunk)
            if isinstance(chunk, Retrying):
                waiting.set()

    task = asyncio.ensure_future(consume())
    await asyncio.wait_for(waiting.wait(), 5)
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 0.5
    assert seen == [Retrying(30.0, 1, 429)]
    await asyncio.sleep(0.05)
    assert len(emulator.chat_requests) == 1  # no second request after Stop
    assert text(await collect(giga)) == DEFAULT_REPLY  # and the provider still works


async def test_closing_the_stream_during_the_wait(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.fail_next(503, 1, retry_after=30)
    chunks = giga.stream(None, HELLO)
    assert await anext(chunks) == Retrying(30.0, 1, 503)
    await chunks.aclose()  # what the window's Stop does to a stream it iterates
    assert len(emulator.chat_requests) == 1


async def test_no_retries_when_the_policy_says_none(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.fail_next(503, 1)
    giga.retry_policy = RetryPolicy(retries=0)
    with pytest.raises(ServerError):
        await collect(giga)
    assert len(emulator.chat_requests) == 1
