"""The OpenAI-compatible provider against its loopback emulator."""

from __future__ import annotations

import socket
import ssl
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from providers.base import Chunk, FinishReason, Message, Provider, Usage
from providers.errors import (
    AuthError,
    BadRequestError,
    CertificateError,
    NetworkError,
    NotFoundError,
    ProtocolError,
    RateLimitError,
)
from providers.openai_compat import DEFAULT_BASE_URL, OpenAICompatible, error_from_body
from providers.registry import provider_class
from providers.retry import RetryPolicy
from tests.servers.openai import OpenAIEmulator, run_openai

HELLO: list[Message] = [
    {"role": "system", "content": "Отвечай по-русски."},
    {"role": "user", "content": "Привет, как дела?"},
]
KEY = "sk-test-0123456789"


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def collect(provider: Provider, *, stream: bool = True, **options: Any) -> list[Chunk]:
    return [c async for c in provider.stream(None, HELLO, stream=stream, options=options)]


async def drain(provider: Provider, shown: list[str]) -> None:
    """Collect text into `shown` so a test can look at it after the stream failed."""
    async for chunk in provider.stream(None, HELLO):
        if isinstance(chunk, str):
            shown.append(chunk)


def text(chunks: list[Chunk]) -> str:
    return "".join(c for c in chunks if isinstance(c, str))


async def test_streams_cyrillic_split_across_chunks(session: aiohttp.ClientSession) -> None:
    emulator = OpenAIEmulator(chunk_bytes=5, chunk_delay=0.001)
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        chunks = await collect(provider)
    assert text(chunks) == emulator.reply
    assert len([c for c in chunks if isinstance(c, str)]) > 1
    assert all("\ufffd" not in c for c in chunks if isinstance(c, str))
    assert chunks[-2:] == [FinishReason("stop"), Usage(5, 5, 10)]
    (request,) = emulator.requests
    assert "Authorization" not in request.headers  # Ollama needs no key: send none
    assert request.headers["Accept"] == "text/event-stream"
    assert request.body == {
        "model": "llama3.2",
        "messages": HELLO,
        "stream": True,
        "stream_options": {"include_usage": True},  # else OpenAI sends no usage
    }


async def test_streams_with_a_key(session: aiohttp.ClientSession) -> None:
    async with run_openai(OpenAIEmulator(api_key=KEY)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url, api_key=KEY)
        chunks = await collect(provider)
    assert text(chunks) == emulator.reply
    assert emulator.requests[0].headers["Authorization"] == f"Bearer {KEY}"


async def test_wrong_key_is_an_auth_error_without_the_key(session: aiohttp.ClientSession) -> None:
    async with run_openai(OpenAIEmulator(api_key=KEY)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url, api_key="sk-bad")
        with pytest.raises(AuthError, match="Incorrect API key") as caught:
            await collect(provider)
        with pytest.raises(AuthError):
            await OpenAICompatible(session=session, base_url=emulator.base_url).list_models()
    assert "sk-bad" not in caught.value.user_message
    assert "sk-bad" not in repr(caught.value)
    assert "sk-bad" not in repr(provider)


async def test_non_streaming_answer(session: aiohttp.ClientSession) -> None:
    async with run_openai() as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        chunks = await collect(provider, stream=False)
    assert chunks == [emulator.reply, FinishReason("stop"), Usage(5, 5, 10)]
    assert emulator.requests[0].body["stream"] is False


async def test_lists_models_with_and_without_a_key(session: aiohttp.ClientSession) -> None:
    async with run_openai() as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        assert await provider.list_models() == ["llama3.2", "qwen2.5:7b"]
        emulator.api_key = KEY
        keyed = OpenAICompatible(session=session, base_url=emulator.base_url + "/", api_key=KEY)
        assert await keyed.list_models() == ["llama3.2", "qwen2.5:7b"]


async def test_any_typed_model_is_sent(session: aiohttp.ClientSession) -> None:
    async with run_openai() as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        chunks = [c async for c in provider.stream("qwen2.5:7b", HELLO)]
        assert text(chunks) == emulator.reply
        with pytest.raises(NotFoundError, match="not found"):
            await anext(aiter(provider.stream("no-such-model", HELLO)))


async def test_options_go_into_the_body_and_unknown_ones_are_refused(
    session: aiohttp.ClientSession,
) -> None:
    async with run_openai() as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        await collect(provider, temperature=0.2, top_p=0.9, max_tokens=64)
        body = emulator.requests[0].body
        assert (body["temperature"], body["top_p"], body["max_tokens"]) == (0.2, 0.9, 64)
        with pytest.raises(BadRequestError, match="repetition_penalty"):
            await collect(provider, repetition_penalty=1.1)
    assert len(emulator.requests) == 1


async def test_429_carries_retry_after(session: aiohttp.ClientSession) -> None:
    async with run_openai(OpenAIEmulator(status=429, retry_after="7")) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        provider.retry_policy = RetryPolicy(retries=0)
        with pytest.raises(RateLimitError) as caught:
            await collect(provider)
    assert caught.value.retry_after == 7
    assert "Retry in 7 s" in caught.value.user_message


@pytest.mark.parametrize("abort", [False, True])
async def test_cut_stream_fails_after_the_text_so_far(
    session: aiohttp.ClientSession, abort: bool
) -> None:
    async with run_openai(OpenAIEmulator(cut_after=3, abort=abort)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        shown: list[str] = []
        with pytest.raises(ProtocolError):
            await drain(provider, shown)
    assert "".join(shown) == emulator.reply[:12]


async def test_error_object_in_stream_fails_after_the_text_so_far(
    session: aiohttp.ClientSession,
) -> None:
    fault = {"error": {"message": "Too many requests", "type": "rate_limit_error", "code": 429}}
    async with run_openai(OpenAIEmulator(stream_error=fault)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        shown: list[str] = []
        with pytest.raises(RateLimitError, match="Too many requests"):
            await drain(provider, shown)
    assert "".join(shown) == emulator.reply[:4]


async def test_malformed_line_is_a_protocol_error(session: aiohttp.ClientSession) -> None:
    async with run_openai(OpenAIEmulator(malformed=True)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        shown: list[str] = []
        with pytest.raises(ProtocolError, match="malformed"):
            await drain(provider, shown)
    assert "".join(shown) == emulator.reply[:4]


def test_error_bodies_map_to_typed_errors() -> None:
    assert error_from_body({"choices": []}) is None
    assert isinstance(error_from_body({"error": {"message": "x", "code": 401}}), AuthError)
    limited = error_from_body({"error": {"message": "slow", "code": "rate_limit_exceeded"}})
    assert isinstance(limited, RateLimitError)
    assert isinstance(error_from_body({"error": "model not loaded", "status": 404}), NotFoundError)


async def test_unreachable_server_is_a_network_error(
    session: aiohttp.ClientSession, closed_port: int
) -> None:
    provider = OpenAICompatible(session=session, base_url=f"http://127.0.0.1:{closed_port}/v1")
    with pytest.raises(NetworkError, match="cannot connect") as listing:
        await provider.list_models()
    with pytest.raises(NetworkError, match="cannot connect") as chatting:
        await collect(provider)
    # Both doors stamp the label and say the same thing, as data.
    for caught in (listing, chatting):
        assert caught.value.data() == {
            "kind": "network",
            "reason": "connect",
            "provider": "OpenAI-compatible",
            "status": None,
            "detail": "",
            "params": {"host": "127.0.0.1", "port": closed_port},
        }


async def test_requests_go_through_the_proxy(
    session: aiohttp.ClientSession, closed_port: int
) -> None:
    async with run_openai() as emulator:
        proxy = f"http://127.0.0.1:{closed_port}"
        provider = OpenAICompatible(session=session, base_url=emulator.base_url, proxy=proxy)
        with pytest.raises(NetworkError):
            await provider.list_models()
        with pytest.raises(NetworkError):
            await collect(provider)
    assert emulator.requests == []


async def test_private_ca_is_trusted_only_when_given(
    session: aiohttp.ClientSession, server_ssl: ssl.SSLContext, test_ca_file: Path
) -> None:
    async with run_openai(ssl_context=server_ssl) as emulator:
        assert emulator.base_url.startswith("https://")
        trusting = OpenAICompatible(
            session=session, base_url=emulator.base_url, ca_file=str(test_ca_file)
        )
        assert text(await collect(trusting)) == emulator.reply
        plain = OpenAICompatible(session=session, base_url=emulator.base_url)
        with pytest.raises(CertificateError):
            await plain.list_models()


async def test_seeds_door_works_with_its_own_session() -> None:
    async with run_openai() as emulator:
        chunks = [
            chunk
            async for chunk in OpenAICompatible.create_async_generator(
                "llama3.2", HELLO, base_url=emulator.base_url, temperature=0.5
            )
        ]
    assert text(chunks) == emulator.reply
    assert emulator.requests[0].body["temperature"] == 0.5


def test_registry_and_declared_shape() -> None:
    assert provider_class("openai") is OpenAICompatible
    assert OpenAICompatible.label == "OpenAI-compatible"
    assert OpenAICompatible.working is True
    assert OpenAICompatible.needs_auth is False
    fields = {field.name: field for field in OpenAICompatible.config_fields}
    assert fields["base_url"].default == DEFAULT_BASE_URL == "http://127.0.0.1:11434/v1"
    assert fields["api_key"].kind == "secret"
    assert OpenAICompatible.supported_options == {
        "temperature",
        "top_p",
        "max_tokens",
        "reasoning_effort",
    }
