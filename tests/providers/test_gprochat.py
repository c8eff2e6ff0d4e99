"""GPROChat against its loopback emulator: signing, raw-text streaming, quota errors."""

from __future__ import annotations

import hashlib
import json
import socket
import time

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from providers.base import Chunk, Message, Provider
from providers.errors import AuthError, NetworkError, RateLimitError
from providers.gprochat import SECRET, GPROChat, generate_signature, request_body
from providers.prompt import format_prompt
from providers.registry import provider_class
from providers.retry import RetryPolicy
from tests.servers.gprochat import GPROChatEmulator, run_gprochat

HELLO: list[Message] = [{"role": "user", "content": "Привет, как дела?"}]


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def collect(provider: Provider, messages: list[Message], **options: object) -> list[Chunk]:
    return [chunk async for chunk in provider.stream(None, messages, options=options)]


def test_signature_matches_the_published_vector() -> None:
    assert (
        generate_signature(1727000000000, "Hello")
        == "94bf1ff5e9fff35e0e04fc7e44dadd6005df425c3b94c5bf76f48976394233c5"
    )
    assert GPROChat.generate_signature(1727000000000, "Hello") == generate_signature(
        1727000000000, "Hello"
    )


@settings(database=None, max_examples=50)
@given(timestamp=st.integers(min_value=0, max_value=2**53), prompt=st.text())
def test_signature_is_sha256_of_time_prompt_secret(timestamp: int, prompt: str) -> None:
    signature = generate_signature(timestamp, prompt)
    expected = hashlib.sha256(f"{timestamp}:{prompt}:{SECRET}".encode()).hexdigest()
    assert signature == expected
    assert len(signature) == 64
    assert signature == signature.lower()
    assert generate_signature(timestamp, prompt) == signature  # pure: same input, same output


@settings(database=None, max_examples=50)
@given(timestamp=st.integers(min_value=0, max_value=2**53), prompt=st.text())
def test_signature_binds_time_and_prompt(timestamp: int, prompt: str) -> None:
    signature = generate_signature(timestamp, prompt)
    assert generate_signature(timestamp + 1, prompt) != signature
    assert generate_signature(timestamp, prompt + "!") != signature


@settings(database=None, max_examples=50)
@given(timestamp=st.integers(min_value=0, max_value=2**53), prompt=st.text())
def test_body_signs_exactly_the_text_it_sends(timestamp: int, prompt: str) -> None:
    body = request_body(prompt, timestamp)
    decoded = json.loads(json.dumps(body))
    text = decoded["messages"][0]["parts"][0]["text"]
    assert decoded["sign"] == generate_signature(decoded["time"], text)
    assert decoded["pass"] is None


async def test_streams_cyrillic_split_across_chunks(session: aiohttp.ClientSession) -> None:
    emulator = GPROChatEmulator(chunk_bytes=3)  # every other character is cut in half
    async with run_gprochat(emulator):
        provider = GPROChat(session=session, base_url=emulator.base_url)
        chunks = await collect(provider, HELLO)
    assert "".join(str(c) for c in chunks) == emulator.reply
    assert len(chunks) > 1  # it really streamed
    assert all("\ufffd" not in str(c) for c in chunks)


async def test_request_is_signed_and_shaped_like_the_web_app(
    session: aiohttp.ClientSession,
) -> None:
    history: list[Message] = [
        {"role": "system", "content": "Будь краток."},
        {"role": "user", "content": "Привет"},
        {"role": "assistant", "content": "Здравствуйте!"},
        {"role": "user", "content": "Как дела?"},
    ]
    async with run_gprochat() as emulator:
        provider = GPROChat(session=session, base_url=emulator.base_url + "/")
        await collect(provider, history)
    (request,) = emulator.requests
    assert request.headers["Content-Type"] == "text/plain;charset=UTF-8"
    assert request.headers["Origin"] == emulator.base_url
    assert request.body["messages"] == [
        {"role": "user", "parts": [{"text": format_prompt(history)}]}
    ]
    assert abs(request.body["time"] - time.time() * 1000) < 60_000
    assert request.body["pass"] is None


async def test_emulator_rejects_a_tampered_signature(session: aiohttp.ClientSession) -> None:
    async with run_gprochat() as emulator:
        body = request_body("Hello", int(time.time() * 1000))
        body["messages"][0]["parts"][0]["text"] = "Hello!"  # signed text was "Hello"
        async with session.post(f"{emulator.base_url}/api/generate", data=json.dumps(body)) as r:
            assert r.status == 403
            assert "signature" in (await r.text()).lower()
        body = request_body("Hello", int(time.time() * 1000))
        async with session.post(f"{emulator.base_url}/api/generate", data=json.dumps(body)) as r:
            assert r.status == 200


async def test_wrong_secret_surfaces_as_access_denied(session: aiohttp.ClientSession) -> None:
    async with run_gprochat(GPROChatEmulator(secret="another-secret")) as emulator:
        provider = GPROChat(session=session, base_url=emulator.base_url)
        with pytest.raises(AuthError, match="Invalid signature") as caught:
            await collect(provider, HELLO)
    assert caught.value.provider == "GPROChat"


async def test_stale_clock_is_rejected(session: aiohttp.ClientSession) -> None:
    async with run_gprochat(GPROChatEmulator(max_age_ms=60_000)) as emulator:
        provider = GPROChat(session=session, base_url=emulator.base_url)
        assert "".join(map(str, await collect(provider, HELLO))) == emulator.reply
        provider.clock = lambda: time.time() - 3600
        with pytest.raises(AuthError, match="expired"):
            await collect(provider, HELLO)


@pytest.mark.parametrize("fault", ["rate_limited", "quota_exceeded"])
async def test_quota_faults_are_rate_limits(session: aiohttp.ClientSession, fault: str) -> None:
    emulator = GPROChatEmulator()
    setattr(emulator, fault, True)
    async with run_gprochat(emulator):
        provider = GPROChat(session=session, base_url=emulator.base_url)
        provider.retry_policy = RetryPolicy(backoff=(0.0,))  # a 429 is asked twice more
        with pytest.raises(RateLimitError) as caught:
            await collect(provider, HELLO)
    assert caught.value.status == (429 if fault == "rate_limited" else 500)
    assert len(emulator.requests) == (3 if fault == "rate_limited" else 1)
    assert "GPROChat" in caught.value.user_message


async def test_seeds_door_works_with_its_own_session() -> None:
    async with run_gprochat() as emulator:
        chunks = [
            chunk
            async for chunk in GPROChat.create_async_generator(
                "gemini-1.5-pro", HELLO, base_url=emulator.base_url
            )
        ]
    assert "".join(map(str, chunks)) == emulator.reply


async def test_seeds_door_rejects_unknown_options(session: aiohttp.ClientSession) -> None:
    from providers.errors import BadRequestError

    with pytest.raises(BadRequestError, match="temperature"):
        async for _ in GPROChat.create_async_generator(
            "", HELLO, session=session, base_url="http://127.0.0.1:9", temperature=0.5
        ):
            pass


async def test_unreachable_host_is_a_network_error(
    session: aiohttp.ClientSession, closed_port: int
) -> None:
    provider = GPROChat(session=session, base_url=f"http://127.0.0.1:{closed_port}")
    with pytest.raises(NetworkError):
        await collect(provider, HELLO)


async def test_requests_go_through_the_proxy(
    session: aiohttp.ClientSession, closed_port: int
) -> None:
    async with run_gprochat() as emulator:
        proxy = f"http://127.0.0.1:{closed_port}"
        provider = GPROChat(session=session, base_url=emulator.base_url, proxy=proxy)
        with pytest.raises(NetworkError):
            await collect(provider, HELLO)
    assert emulator.requests == []


def test_registry_and_declared_shape() -> None:
    assert provider_class("gprochat") is GPROChat
    assert GPROChat.working is False
    assert not GPROChat.lists_live_models()
    assert GPROChat.default_model == "gemini-1.5-pro"
    (field,) = GPROChat.config_fields
    assert (field.name, field.kind, field.default) == ("base_url", "url", "https://gprochat.com")
