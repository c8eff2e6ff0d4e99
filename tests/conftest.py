"""Shared fixtures: isolated homes, a test CA, one aiohttp session per test."""

from __future__ import annotations

import gc
import socket
import ssl
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import hypothesis
import pytest
import trustme

# No test writes into the work tree: Hypothesis keeps no example database (.hypothesis/).
hypothesis.settings.register_profile("besedka", database=None)
hypothesis.settings.load_profile("besedka")


@pytest.fixture(scope="session")
def test_ca() -> trustme.CA:
    """A throwaway CA; emulators serve certificates it signed for 127.0.0.1/localhost."""
    return trustme.CA()


@pytest.fixture(scope="session")
def server_ssl(test_ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    test_ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture(scope="session")
def test_ca_file(test_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test CA as a PEM file, as a user would pick it in Settings."""
    path = tmp_path_factory.mktemp("ca") / "test-ca.pem"
    test_ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port nothing listens on: connecting to it is refused. The port stays
    bound (without listening) for the whole test, so no server started meanwhile, here
    or in another process, can be given it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield int(probe.getsockname()[1])


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture(autouse=True)
def collect_on_the_main_thread() -> Iterator[None]:
    """Collect a test's cyclic garbage on the main thread when it ends: left for later,
    the collector may run on a worker thread (a keychain or store call) and delete Qt
    objects there, which crashes Qt."""
    yield
    gc.collect()
