"""GigaChat against the loopback emulator: text, framing, request shape, config, models."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from providers.base import Chunk, FinishReason, Message, Usage
from providers.errors import BadRequestError, ProviderError
from providers.gigachat import DEFAULT_AUTH_URL, DEFAULT_BASE_URL, GigaChat
from tests.servers.gigachat import DEFAULT_REPLY, GigaChatEmulator

ENV_VARS = (
    "GIGACHAT_CREDENTIALS",
    "GIGACHAT_SCOPE",
    "GIGACHAT_BASE_URL",
    "GIGACHAT_AUTH_URL",
    "GIGACHAT_CA_BUNDLE_FILE",
    "GIGACHAT_ACCESS_TOKEN",
    "GIGACHAT_USER",
    "GIGACHAT_PASSWORD",
    "GIGACHAT_CERT_FILE",
    "GIGACHAT_KEY_FILE",
    "GIGACHAT_KEY_FILE_PASSWORD",
    "GIGACHAT_MODEL",
    "GIGACHAT_TIMEOUT",
)
HELLO: list[Message] = [{"role": "user", "content": "Привет! Как дела? 🙂"}]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


async def collect(chunks: AsyncIterator[Chunk]) -> tuple[list[str], list[Chunk]]:
    texts: list[str] = []
    extras: list[Chunk] = []
    async for chunk in chunks:
        (texts if isinstance(chunk, str) else extras).append(chunk)
    return texts, extras


def expected_usage(emulator: GigaChatEmulator, completion: int | None = None) -> Usage:
    body = emulator.chat_requests[-1].json()
    prompt = sum(-(-len(m["content"]) // 4) for m in body["messages"]) + 1
    completion = len(emulator.chunks()) if completion is None else completion
    return Usage(prompt, completion, prompt + completion)


async def test_stream_yields_the_exact_text_in_pieces(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.split_utf8 = True  # every Cyrillic letter and emoji arrives in two writes
    texts, extras = await collect(giga.stream("GigaChat", HELLO))
    assert "".join(texts) == DEFAULT_REPLY
    assert_whole_deltas(texts, emulator.chunks())
    assert extras == [FinishReason("stop"), expected_usage(emulator)]


def assert_whole_deltas(received: list[str], sent: list[str]) -> None:
    """Each delta received is one or more of the server's deltas, whole and in order (the
    ones one network read brought are joined), however the bytes were split."""
    assert "".join(received) == "".join(sent)
    sent_ends = set(itertools.accumulate(len(piece) for piece in sent))
    assert set(itertools.accumulate(len(piece) for piece in received)) <= sent_ends


async def test_non_stream_yields_the_same_text(giga: GigaChat, emulator: GigaChatEmulator) -> None:
    texts, extras = await collect(giga.stream("GigaChat", HELLO, stream=False))
    assert texts == [DEFAULT_REPLY]
    assert extras == [FinishReason("stop"), expected_usage(emulator)]
    assert "stream" not in emulator.chat_requests[0].json()


async def test_non_stream_body_written_in_pieces(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    emulator.write_size = 16
    emulator.split_utf8 = True
    emulator.split_pause = 0.001
    texts, _ = await collect(giga.stream("GigaChat", HELLO, stream=False))
    assert texts == [DEFAULT_REPLY]


@pytest.mark.parametrize(
    "switch",
    [
        {"no_space": True},
        {"crlf": True},
        {"write_size": 1, "split_pause": 0},
        {"write_size": 7, "crlf": True, "split_utf8": True},
        {"chunk_size": 1},
        {"chunk_size": 1000},
    ],
    ids=["data-without-space", "crlf", "byte-by-byte", "mixed", "tiny-deltas", "one-delta"],
)
async def test_framing_variants_give_the_same_text(
    giga: GigaChat, emulator: GigaChatEmulator, switch: dict[str, Any]
) -> None:
    for name, value in switch.items():
        setattr(emulator, name, value)
    texts, extras = await collect(giga.stream("GigaChat", HELLO))
    assert "".join(texts) == DEFAULT_REPLY
    assert FinishReason("stop") in extras


async def test_request_body_is_utf8_json_with_only_given_fields(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    messages: list[Message] = [
        {"role": "system", "content": "Отвечай кратко."},
        {"role": "user", "content": "Привет"},
        {"role": "assistant", "content": "Здравствуйте! 👋"},
        {"role": "user", "content": "Что такое ёжик?"},
    ]
    await collect(giga.stream("GigaChat-Pro", messages, options={"temperature": 0.3}))
    record = emulator.chat_requests[0]
    assert "Что такое ёжик?".encode() in record.body  # UTF-8, not \u escapes
    assert b"\\u" not in record.body
    assert record.json() == {
        "model": "GigaChat-Pro",
        "messages": messages,
        "stream": True,
        "temperature": 0.3,
    }
    assert record.headers["Content-Type"] == "application/json"


async def test_all_options_are_sent(giga: GigaChat, emulator: GigaChatEmulator) -> None:
    options = {
        "temperature": 0.7,
        "top_p": 0.9,
        "max_tokens": 3,
        "repetition_penalty": 1.1,
        "update_interval": 0,
    }
    texts, extras = await collect(giga.stream("GigaChat", HELLO, options=options))
    body = emulator.chat_requests[0].json()
    assert {k: body[k] for k in options} == options
    assert "".join(texts) == "".join(emulator.chunks()[:3])
    assert FinishReason("length") in extras  # max_tokens reached


async def test_api_request_headers(giga: GigaChat, emulator: GigaChatEmulator) -> None:
    await collect(giga.stream("GigaChat", HELLO))
    headers = emulator.chat_requests[0].headers
    scheme, _, token = headers["Authorization"].partition(" ")
    assert scheme == "Bearer"
    assert token in emulator.tokens  # the token the OAuth host issued
    assert headers["Accept"] == "text/event-stream"
    assert headers["Cache-Control"] == "no-store"
    assert headers["User-Agent"] == "GigaChat-python-lib"


async def test_unknown_model_name_is_sent_as_given_and_default_fills_empty(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    await collect(giga.stream("", HELLO))
    await collect(giga.stream("GigaChat-2-Max", HELLO))
    assert [r.json()["model"] for r in emulator.chat_requests] == ["GigaChat-2", "GigaChat-2-Max"]


async def test_unknown_option_is_an_error_and_nothing_is_sent(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    with pytest.raises(BadRequestError, match="unknown option 'profanity_check'"):
        await collect(giga.stream("GigaChat", HELLO, options={"profanity_check": True}))
    with pytest.raises(BadRequestError, match="wrong type"):
        await collect(giga.stream("GigaChat", HELLO, options={"max_tokens": "10"}))
    assert emulator.requests == []


async def test_the_seeds_door_works_with_its_documented_arguments(
    emulator: GigaChatEmulator, test_ca_file: Path
) -> None:
    chunks = [
        chunk
        async for chunk in GigaChat.create_async_generator(
            "GigaChat",
            HELLO,
            stream=True,
            proxy=None,
            api_key=emulator.valid_key,
            scope="GIGACHAT_API_PERS",
            update_interval=0,
            base_url=emulator.base_url,
            auth_url=emulator.auth_url,
            ca_bundle=str(test_ca_file),
        )
    ]
    assert "".join(c for c in chunks if isinstance(c, str)) == DEFAULT_REPLY
    assert emulator.chat_requests[0].json()["update_interval"] == 0
    assert emulator.oauth_requests[0].form() == {"scope": "GIGACHAT_API_PERS"}


async def test_the_seeds_door_rejects_unknown_keywords(emulator: GigaChatEmulator) -> None:
    with pytest.raises(BadRequestError, match="unknown option 'connector'"):
        await collect(
            GigaChat.create_async_generator(
                "GigaChat", HELLO, api_key=emulator.valid_key, connector=object()
            )
        )
    assert emulator.requests == []


async def test_settings_fall_back_to_the_sdk_environment_variables(
    session: aiohttp.ClientSession,
    emulator: GigaChatEmulator,
    test_ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", emulator.valid_key)
    monkeypatch.setenv("GIGACHAT_SCOPE", "GIGACHAT_API_B2B")
    monkeypatch.setenv("GIGACHAT_BASE_URL", emulator.base_url)
    monkeypatch.setenv("GIGACHAT_AUTH_URL", emulator.auth_url)
    monkeypatch.setenv("GIGACHAT_CA_BUNDLE_FILE", str(test_ca_file))
    texts, _ = await collect(GigaChat(session=session).stream("GigaChat", HELLO))
    assert "".join(texts) == DEFAULT_REPLY
    assert emulator.oauth_requests[0].form() == {"scope": "GIGACHAT_API_B2B"}
    # An argument wins over the environment.
    explicit = GigaChat(session=session, scope="CORP", base_url="https://example.invalid/api/v1")
    assert (explicit.scope, explicit.base_url) == (
        "GIGACHAT_API_CORP",
        "https://example.invalid/api/v1",
    )


def test_defaults_without_arguments_or_environment(session: aiohttp.ClientSession) -> None:
    giga = GigaChat(session=session)
    assert (giga.base_url, giga.auth_url) == (DEFAULT_BASE_URL, DEFAULT_AUTH_URL)
    assert giga.scope == "GIGACHAT_API_PERS"
    assert giga.ca_bundle is None
    assert not giga.has_key


async def test_live_model_list_has_chat_models_only(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    models = await giga.list_models()
    assert "GigaChat-2-Max" in models
    assert "GigaChat-Pro-preview" in models
    assert "Embeddings" not in models
    assert "GigaFilter" not in models
    assert emulator.requests[-1].path == "/api/v1/models"


async def test_model_list_without_key_is_static_and_offline(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator
) -> None:
    giga = GigaChat(session=session, base_url=emulator.base_url, auth_url=emulator.auth_url)
    assert await giga.list_models() == list(GigaChat.models)
    assert emulator.requests == []


async def test_key_never_shows_in_repr_str_or_errors(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator, test_ca_file: Path
) -> None:
    key = emulator.valid_key
    giga = GigaChat(
        session=session,
        api_key=key,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
        ca_bundle=test_ca_file,
    )
    shown = [repr(giga), str(giga), repr(vars(giga)), repr(giga._tokens)]
    # Failures on every path that handles the key: OAuth refusal, API refusal, bad scope.
    emulator.key_scopes[key] = {"GIGACHAT_API_PERS"}
    emulator.fail_next(401, 2)
    for provider in (
        giga,
        GigaChat(
            session=session,
            api_key=key,
            scope="B2B",
            base_url=emulator.base_url,
            auth_url=emulator.auth_url,
            ca_bundle=test_ca_file,
        ),
    ):
        with pytest.raises(ProviderError) as caught:
            await collect(provider.stream("GigaChat", HELLO))
        error = caught.value
        shown += [str(error), repr(error), error.user_message, repr(error.args)]
    other = str(uuid.uuid4())
    with pytest.raises(ProviderError) as caught:
        await collect(
            GigaChat(
                session=session,
                api_key=other,
                base_url=emulator.base_url,
                auth_url=emulator.auth_url,
                ca_bundle=test_ca_file,
            ).stream("GigaChat", HELLO)
        )
    shown += [str(caught.value), repr(caught.value)]
    tokens = list(emulator.tokens)
    for text in shown:
        assert key not in text
        assert other not in text
        assert not any(token in text for token in tokens)


async def test_stopping_mid_stream_closes_cleanly(
    giga: GigaChat, emulator: GigaChatEmulator
) -> None:
    """Stop (or a new send) closes the generator or cancels its task; the next request works."""
    emulator.chunk_delay = 0.02
    chunks = giga.stream("GigaChat", HELLO)
    received = [await anext(chunks), await anext(chunks)]
    await chunks.aclose()
    assert received == emulator.chunks()[:2]

    started = asyncio.Event()

    async def consume() -> None:
        async for _ in giga.stream("GigaChat", HELLO):
            started.set()

    task = asyncio.ensure_future(consume())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    emulator.chunk_delay = 0
    texts, _ = await collect(giga.stream("GigaChat", HELLO))
    assert "".join(texts) == DEFAULT_REPLY
    assert emulator.oauth_calls == 1
