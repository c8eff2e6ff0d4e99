"""ProviderFactory.test_connection: a retry notice is no answer; GigaChat's balance."""

from __future__ import annotations

import ssl
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from gui.core.provider_factory import ProviderFactory
from gui.values import BalanceLine, ProviderInfo
from providers.base import ChatOptions, Chunk, Messages, Provider
from providers.errors import ServerError
from providers.gigachat import GigaChat
from providers.retry import RetryPolicy
from tests.servers.gigachat import GigaChatEmulator, run_gigachat


class Busy(Provider):
    """A service that is busy every time (503): the stream announces its retries, then fails."""

    name = "busy"
    label = "Busy"
    working = True
    retry_policy = RetryPolicy(retries=2, backoff=(0.0,))

    async def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:
        raise ServerError(status=503, detail="overloaded")
        yield ""  # an async generator


async def no_config(info: ProviderInfo) -> dict[str, str]:
    return {}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_a_retry_notice_is_not_taken_for_an_answer(http: aiohttp.ClientSession) -> None:
    factory = ProviderFactory(http, no_config, classes={"busy": Busy})
    result = await factory.test_connection("busy", {})
    assert not result.ok
    assert result.error is not None
    assert (result.error.kind, result.error.status) == ("server", 503)
    assert result.error.provider == "Busy"


@pytest.fixture
async def gigachat(server_ssl: ssl.SSLContext) -> AsyncIterator[GigaChatEmulator]:
    async with run_gigachat(server_ssl) as emulator:
        yield emulator


def config_for(emulator: GigaChatEmulator, ca: Path) -> dict[str, str]:
    return {
        "api_key": emulator.valid_key,
        "base_url": emulator.base_url,
        "auth_url": emulator.auth_url,
        "ca_bundle": str(ca),
    }


async def test_the_balance_comes_with_a_connection_where_the_service_keeps_one(
    http: aiohttp.ClientSession, gigachat: GigaChatEmulator, test_ca_file: Path
) -> None:
    factory = ProviderFactory(http, no_config, classes={"gigachat": GigaChat})
    result = await factory.test_connection("gigachat", config_for(gigachat, test_ca_file))
    assert result.ok and result.models == 13
    assert result.balance == (
        BalanceLine("GigaChat", 900000.0),
        BalanceLine("embeddings", 9999967.0),
    )

    gigachat.balance_status = 403  # pay as you go: no packages, still connected
    result = await factory.test_connection("gigachat", config_for(gigachat, test_ca_file))
    assert result.ok and result.balance is None

    gigachat.balance_status = 500  # a broken balance does not make the connection fail
    result = await factory.test_connection("gigachat", config_for(gigachat, test_ca_file))
    assert result.ok and result.balance is None


async def test_what_a_server_takes_outlives_a_settings_change(
    http: aiohttp.ClientSession,
) -> None:
    """A server that refused `stream_options` is not asked again by the instance a
    settings change makes (a new key, say): the factory keeps what was learned."""
    from providers.openai_compat import OpenAICompatible
    from tests.servers.openai import OpenAIEmulator, run_openai

    refusal = "Unrecognized request argument supplied: stream_options"
    async with run_openai(OpenAIEmulator(refuse_stream_options=refusal)) as emulator:
        settings = {"base_url": emulator.base_url, "api_key": "sk-old"}

        async def config(info: ProviderInfo) -> dict[str, str]:
            return dict(settings)

        factory = ProviderFactory(http, config)
        first = await factory.get("openai")
        async for _chunk in first.stream("llama3.2", [{"role": "user", "content": "hi"}]):
            pass
        settings["api_key"] = "sk-new"
        second = await factory.get("openai")
        assert isinstance(second, OpenAICompatible) and second is not first
        async for _chunk in second.stream("llama3.2", [{"role": "user", "content": "hi"}]):
            pass
    asked = [("stream_options" in r.body) for r in emulator.requests if r.body]
    assert asked == [True, False, False]
