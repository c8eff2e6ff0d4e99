"""What comes off the wire is valid Unicode and bounded: split surrogate pairs, endless
lines, trickling servers, huge events; what goes on it is raw UTF-8."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from providers import sse
from providers.base import Chunk, Message, Provider, Timeouts
from providers.errors import BadRequestError, ProtocolError, TimedOutError
from providers.gigachat import GigaChat
from providers.gprochat import GPROChat
from providers.gptalk import GPTalk
from providers.openai_compat import OpenAICompatible
from providers.sse import SSEDecoder
from tests.servers.gigachat import GigaChatEmulator
from tests.servers.gprochat import run_gprochat
from tests.servers.gptalk import GPTalkEmulator, run_gptalk
from tests.servers.loopback import serve
from tests.servers.openai import OpenAIEmulator, run_openai

HELLO: list[Message] = [{"role": "user", "content": "Привет, ёжик! Как дела?"}]


async def collect(provider: Provider, *, stream: bool = True) -> list[Chunk]:
    return [c async for c in provider.stream(None, HELLO, stream=stream)]


def text(chunks: list[Chunk]) -> str:
    return "".join(c for c in chunks if isinstance(c, str))


# -- surrogates -------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7])
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_emoji_halves_in_two_events_are_one_emoji(
    giga: GigaChat, emulator: GigaChatEmulator, chunk_size: int, stream: bool
) -> None:
    emulator.reply = "Ракета 🚀, ёж 🦔 и 👋🏽!"
    emulator.utf16_split, emulator.chunk_size = True, chunk_size
    chunks = await collect(giga, stream=stream)
    assert text(chunks) == emulator.reply
    for piece in (c for c in chunks if isinstance(c, str)):
        piece.encode("utf-8")  # what SQLite and the window will do with it


async def test_a_lone_half_becomes_a_replacement_character(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.reply = "сломано: \ud83d и \ude80 конец"
    emulator.utf16_split, emulator.chunk_size = True, 3
    assert text(await collect(giga)) == "сломано: \ufffd и \ufffd конец"
    emulator.reply = "обрыв \ud83d"  # the last piece ends in half a pair
    assert text(await collect(giga)) == "обрыв \ufffd"


async def test_a_lone_half_in_the_question_is_sent_as_a_replacement_character(
    session: aiohttp.ClientSession,
) -> None:
    async with run_openai() as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        broken: list[Message] = [{"role": "user", "content": "вставка \ud83d из буфера"}]
        [c async for c in provider.stream(None, broken)]
    assert emulator.requests[0].body["messages"][0]["content"] == "вставка \ufffd из буфера"


# -- raw UTF-8 requests and the servers' words -------------------------------------------


def assert_raw_utf8(raw: bytes) -> None:
    assert "Привет, ёжик!".encode() in raw
    assert b"\\u" not in raw


async def test_every_provider_sends_raw_utf8_on_a_plain_session(
    session: aiohttp.ClientSession, giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    """A plain aiohttp session serializes `json=` with escapes; providers do not use it."""
    await collect(giga)
    assert_raw_utf8(emulator.chat_requests[0].body)
    async with run_openai() as openai:
        await collect(OpenAICompatible(session=session, base_url=openai.base_url))
        assert_raw_utf8(openai.requests[0].raw)
        assert openai.requests[0].headers["Content-Type"] == "application/json"
    async with run_gptalk() as gptalk:
        await collect(GPTalk(session=session, base_url=gptalk.base_url))
        asked = next(r for r in gptalk.requests if r.path.endswith("/chatapi/text"))
        assert_raw_utf8(asked.raw)
    async with run_gprochat() as gprochat:
        await collect(GPROChat(session=session, base_url=gprochat.base_url))
        assert_raw_utf8(gprochat.requests[0].raw)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"detail": "Model llama9 is not loaded"}, "Model llama9 is not loaded"),
        (
            {
                "detail": [
                    {"loc": ["body", "temperature"], "msg": "Input should be a number"},
                    {"loc": ["body", "x"], "msg": "Extra inputs are not permitted"},
                ]
            },
            "Input should be a number; Extra inputs are not permitted",
        ),
        ({"error": {"message": "Ошибка: нет модели", "code": 400}}, "Ошибка: нет модели"),
        ({"message": "plain message"}, "plain message"),
    ],
)
async def test_error_words_from_openai_compatible_bodies(
    session: aiohttp.ClientSession, body: dict[str, Any], said: str
) -> None:
    async with run_openai(OpenAIEmulator(status=422, error_body=body)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        with pytest.raises(BadRequestError) as caught:
            await collect(provider, stream=False)
    assert caught.value.detail == said


# -- bounded streams -------------------------------------------------------------------


@contextlib.asynccontextmanager
async def sse_server(write: Any) -> AsyncIterator[str]:
    """A one-route server whose stream body `write` produces; yields its `/v1` base."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        with contextlib.suppress(ConnectionResetError, RuntimeError):  # the client gave up
            await write(response)
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handler)
    async with serve(app) as origin:
        yield f"{origin}/v1"


async def test_an_endless_line_is_an_error_not_memory(
    session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sse, "MAX_LINE", 1024 * 1024)
    sent = 0

    async def endless(response: web.StreamResponse) -> None:
        nonlocal sent
        await response.write(b'data: {"choices": [{"delta": {"content": "')
        while sent < 64 * 1024 * 1024:  # a guard: the client stops long before
            await response.write(b"x" * 65536)
            sent += 65536

    async with sse_server(endless) as base_url:
        provider = OpenAICompatible(session=session, base_url=base_url)
        with pytest.raises(ProtocolError) as caught:
            await collect(provider)
    assert (caught.value.reason, caught.value.params) == ("line_too_long", {"limit_mb": 1})
    assert sent < 8 * 1024 * 1024


async def test_a_trickling_server_times_out(session: aiohttp.ClientSession) -> None:
    """One byte every 50 ms never trips the 0.3 s socket timeout; no line completes."""

    async def trickle(response: web.StreamResponse) -> None:
        await response.write(b'data: {"choices": [{"delta": {"content": "Hi"}}]}\n\n')
        for _ in range(200):
            await response.write(b"x")
            await asyncio.sleep(0.05)

    async with sse_server(trickle) as base_url:
        provider = OpenAICompatible(
            session=session, base_url=base_url, timeouts=Timeouts(connect=1, read=0.3)
        )
        shown: list[Chunk] = []
        started = time.monotonic()
        with pytest.raises(TimedOutError) as caught:
            async for chunk in provider.stream(None, HELLO):
                shown.append(chunk)
    assert caught.value.reason == "stalled"
    assert time.monotonic() - started < 2.0
    assert text(shown) == "Hi"  # what came before is kept


async def test_keep_alive_comments_are_not_a_stall(session: aiohttp.ClientSession) -> None:
    """A thinking model's server sends `: ping` lines for a while: that is progress."""

    async def patient(response: web.StreamResponse) -> None:
        for _ in range(12):
            await response.write(b": keep-alive\n\n")
            await asyncio.sleep(0.05)
        await response.write('data: {"choices": [{"delta": {"content": "Готово"}}]}\n\n'.encode())
        await response.write(b'data: {"choices": [{"delta": {}, "finish_reason": "stop"}]}\n\n')
        await response.write(b"data: [DONE]\n\n")

    async with sse_server(patient) as base_url:
        provider = OpenAICompatible(
            session=session, base_url=base_url, timeouts=Timeouts(connect=1, read=0.3)
        )
        assert text(await collect(provider)) == "Готово"


def test_a_50_mb_event_decodes_in_linear_time() -> None:
    body = b"data: " + b"\xd0\xb6" * (25 * 1024 * 1024) + b"\n\n"  # 50 MB of "ж"
    decoder = SSEDecoder()
    started = time.perf_counter()
    events = []
    for start in range(0, len(body), 16 * 1024):
        events += decoder.feed(body[start : start + 16 * 1024])
    elapsed = time.perf_counter() - started
    assert len(events) == 1 and len(events[0].data) == 25 * 1024 * 1024
    assert elapsed < 5.0  # quadratic joining took minutes


async def test_a_50_mb_reply_in_one_event(session: aiohttp.ClientSession) -> None:
    emulator = OpenAIEmulator(reply="z" * (50 * 1024 * 1024), chunk_chars=100 * 1024 * 1024)
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        started = time.perf_counter()
        chunks = await collect(provider)
        elapsed = time.perf_counter() - started
    assert len(text(chunks)) == 50 * 1024 * 1024
    assert elapsed < 20.0


def test_decoder_limits_lines_and_events() -> None:
    decoder = SSEDecoder(max_line=1024 * 1024)
    decoder.feed(b"data: " + b"a" * (1024 * 1024 - 16))
    with pytest.raises(ProtocolError, match="longer than 1 MB"):
        decoder.feed(b"a" * 64)
    lines = SSEDecoder(max_line=1024 * 1024)
    with pytest.raises(ProtocolError):  # many short data lines of one event add up
        for _ in range(40):
            lines.feed(b"data: " + b"b" * 32 * 1024 + b"\n")
    counted = SSEDecoder()
    counted.feed(b": ping\n\ndata: x\n")
    assert counted.lines == 3


async def test_gptalk_lines_are_bounded_too(
    session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GPTalk's own line reader: a 3 MB cumulative line against a 1 MB limit."""
    monkeypatch.setattr(sse, "MAX_LINE", 1024 * 1024)
    emulator = GPTalkEmulator(reply="ж" * (1536 * 1024), step=2 * 1024 * 1024, chunk_bytes=65536)
    async with run_gptalk(emulator):
        provider = GPTalk(session=session, base_url=emulator.base_url)
        with pytest.raises(ProtocolError) as caught:
            await collect(provider)
    assert caught.value.reason == "line_too_long"
    monkeypatch.setattr(sse, "MAX_LINE", 4 * 1024 * 1024)  # under the limit: read whole
    async with run_gptalk(emulator):
        provider = GPTalk(session=session, base_url=emulator.base_url)
        assert text(await collect(provider)) == emulator.reply
