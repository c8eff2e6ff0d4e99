"""GigaChat's loopback emulator and a provider pointed at it (over TLS, test CA trusted)."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from providers.gigachat import GigaChat
from tests.servers.gigachat import GigaChatEmulator, run_gigachat


@pytest.fixture
async def emulator(server_ssl: ssl.SSLContext) -> AsyncIterator[GigaChatEmulator]:
    async with run_gigachat(server_ssl) as running:
        yield running


@pytest.fixture
def giga(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator, test_ca_file: Path
) -> GigaChat:
    return GigaChat(
        session=session,
        api_key=emulator.valid_key,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
        ca_bundle=test_ca_file,
    )
