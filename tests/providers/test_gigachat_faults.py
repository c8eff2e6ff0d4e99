"""GigaChat failures: each HTTP status and stream fault becomes its typed error, text kept."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from providers.base import Chunk, FinishReason, Message, Timeouts
from providers.errors import (
    AuthError,
    BadRequestError,
    NotFoundError,
    ProtocolError,
    ProviderError,
    RateLimitError,
    ServerError,
    TimedOutError,
)
from providers.gigachat import GigaChat
from providers.retry import RETRY_STATUSES, RetryPolicy
from tests.servers.gigachat import GigaChatEmulator

HELLO: list[Message] = [{"role": "user", "content": "Расскажи сказку"}]


async def drain(chunks: AsyncIterator[Chunk], into: list[str]) -> None:
    """Consume like the controller: text shown as it comes, kept when an error follows."""
    async for chunk in chunks:
        if isinstance(chunk, str):
            into.append(chunk)


@pytest.mark.parametrize(
    ("status", "error_type", "message"),
    [
        (403, AuthError, "Permission denied"),
        (404, NotFoundError, "No such model"),
        (413, BadRequestError, "Payload too large"),
        (422, BadRequestError, "Invalid params"),
        (429, RateLimitError, "Too many requests"),
        (500, ServerError, "Internal Server Error"),
        (503, ServerError, "Service Unavailable"),
    ],
)
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_http_status_becomes_its_typed_error(
    giga: GigaChat,
    emulator: GigaChatEmulator,
    status: int,
    error_type: type[ProviderError],
    message: str,
    stream: bool,
) -> None:
    emulator.fail_next(status, 3)
    giga.retry_policy = RetryPolicy(backoff=(0.0,))
    text: list[str] = []
    with pytest.raises(error_type, match=message) as caught:
        await drain(giga.stream("GigaChat", HELLO, stream=stream), text)
    assert caught.value.status == status
    assert caught.value.provider == "GigaChat"
    assert text == []
    # "Busy" is asked twice more (tests/providers/test_retry.py); the rest is final.
    assert len(emulator.chat_requests) == (3 if status in RETRY_STATUSES else 1)


async def test_rate_limit_carries_retry_after(giga: GigaChat, emulator: GigaChatEmulator) -> None:
    emulator.fail_next(429, retry_after=7)
    giga.retry_policy = RetryPolicy(retries=0)
    with pytest.raises(RateLimitError) as caught:
        await drain(giga.stream("GigaChat", HELLO), [])
    assert caught.value.retry_after == 7.0
    assert "7 s" in caught.value.user_message


async def test_unknown_model_is_not_found(giga: GigaChat, emulator: GigaChatEmulator) -> None:
    with pytest.raises(NotFoundError, match="No such model") as caught:
        await drain(giga.stream("GigaChat-Ultra-9000", HELLO), [])
    assert "Pick another model" in caught.value.user_message


async def test_system_message_not_first_is_rejected_with_the_servers_words(
    giga: GigaChat,
) -> None:
    messages: list[Message] = [
        {"role": "user", "content": "Привет"},
        {"role": "system", "content": "Будь краток"},
    ]
    with pytest.raises(BadRequestError, match="system message must be the first message"):
        await drain(giga.stream("GigaChat", messages), [])


async def test_oversized_request_is_a_bad_request(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.max_body_bytes = 1000
    long: list[Message] = [{"role": "user", "content": "ы" * 1000}]
    with pytest.raises(BadRequestError, match="too large") as caught:
        await drain(giga.stream("GigaChat", long), [])
    assert caught.value.status == 413


@pytest.mark.parametrize("abort", [True, False], ids=["connection-dropped", "body-ended"])
async def test_cut_stream_keeps_the_text_then_fails(
    giga: GigaChat, emulator: GigaChatEmulator, abort: bool
) -> None:
    emulator.cut_after = 3
    emulator.cut_abort = abort
    text: list[str] = []
    with pytest.raises(ProtocolError) as caught:
        await drain(giga.stream("GigaChat", HELLO), text)
    assert "".join(text) == "".join(emulator.chunks()[:3])  # the text before the fault
    assert "text so far is kept" in caught.value.user_message
    if abort:  # the socket closed: our words, as data, and the English sentence as before
        assert (caught.value.kind, caught.value.reason) == ("protocol", "cut")
        assert caught.value.user_message == (
            "GigaChat: the connection closed mid-answer."
            " The answer was cut or malformed; the text so far is kept. Retry."
        )
    else:  # the body ended without `[DONE]` or a finish reason
        assert caught.value.reason == "stopped_early"


async def test_stream_cut_after_all_text_but_before_the_finish_is_still_an_error(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.cut_after = len(emulator.chunks())
    text: list[str] = []
    with pytest.raises(ProtocolError):
        await drain(giga.stream("GigaChat", HELLO), text)
    assert "".join(text) == emulator.reply


async def test_malformed_line_keeps_the_text_then_fails(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.malformed_after = 2
    text: list[str] = []
    with pytest.raises(ProtocolError, match="malformed"):
        await drain(giga.stream("GigaChat", HELLO), text)
    assert "".join(text) == "".join(emulator.chunks()[:2])  # the text before the fault


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(429, RateLimitError), (500, ServerError), (401, AuthError)],
)
async def test_error_object_inside_a_200_stream(
    giga: GigaChat,
    emulator: GigaChatEmulator,
    status: int,
    error_type: type[ProviderError],
) -> None:
    emulator.error_after = 4
    emulator.error_status = status
    emulator.error_message = "Too many requests" if status == 429 else "Stream failed"
    text: list[str] = []
    with pytest.raises(error_type, match=emulator.error_message) as caught:
        await drain(giga.stream("GigaChat", HELLO), text)
    assert caught.value.status == status
    assert caught.value.detail == emulator.error_message  # the server's words, as detail
    assert "".join(text) == "".join(emulator.chunks()[:4])  # the text before the fault
    assert len(emulator.chat_requests) == 1  # never retried once text was shown


@pytest.mark.parametrize(
    ("status", "error_type"), [(429, RateLimitError), (500, ServerError), (404, NotFoundError)]
)
async def test_json_error_instead_of_a_stream(
    giga: GigaChat,
    emulator: GigaChatEmulator,
    status: int,
    error_type: type[ProviderError],
) -> None:
    emulator.json_instead_of_stream = status
    giga.retry_policy = RetryPolicy(backoff=(0.0,))  # a busy 429 is asked twice more
    with pytest.raises(error_type) as caught:
        await drain(giga.stream("GigaChat", HELLO), [])
    assert caught.value.status == status
    assert len(emulator.chat_requests) == (3 if status == 429 else 1)


async def test_finish_reason_without_done_is_complete(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.send_done = False  # the finish chunk arrives, then the body ends
    chunks = [c async for c in giga.stream("GigaChat", HELLO)]
    assert "".join(c for c in chunks if isinstance(c, str)) == emulator.reply
    assert FinishReason("stop") in chunks


async def test_slow_first_byte_is_a_timeout(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator, test_ca_file: Path
) -> None:
    giga = GigaChat(
        session=session,
        api_key=emulator.valid_key,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
        ca_bundle=test_ca_file,
        timeouts=Timeouts(connect=5, read=0.3),
    )
    emulator.first_byte_delay = 3
    with pytest.raises(TimedOutError):
        await drain(giga.stream("GigaChat", HELLO), [])
