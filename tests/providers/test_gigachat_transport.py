"""GigaChat's transport: the shipped CA, certificate failures, proxies, the emulator process."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from providers.base import Chunk, Message
from providers.errors import CertificateError, NetworkError
from providers.gigachat import GigaChat
from providers.http import russian_ca_pem
from tests.servers.gigachat import DEFAULT_REPLY, GigaChatEmulator

HELLO: list[Message] = [{"role": "user", "content": "Привет"}]
ROOT = Path(__file__).resolve().parents[2]
RUSSIAN_CA_SHA256 = (
    "D2:6D:2D:02:31:B7:C3:9F:92:CC:73:85:12:BA:54:10:"
    "35:19:E4:40:5D:68:B5:BD:70:3E:97:88:CA:8E:CF:31"
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIGACHAT_CREDENTIALS", "GIGACHAT_CA_BUNDLE_FILE"):
        monkeypatch.delenv(name, raising=False)


async def text_of(chunks: AsyncIterator[Chunk]) -> str:
    return "".join([c async for c in chunks if isinstance(c, str)])


# -- TLS -----------------------------------------------------------------------------


def test_the_shipped_russian_ca_is_the_authentic_one() -> None:
    der = ssl.PEM_cert_to_DER_cert(russian_ca_pem())
    digest = hashlib.sha256(der).hexdigest().upper()
    assert ":".join(digest[i : i + 2] for i in range(0, 64, 2)) == RUSSIAN_CA_SHA256


def test_context_adds_the_russian_ca_to_the_system_store(
    session: aiohttp.ClientSession,
) -> None:
    giga = GigaChat(session=session, api_key="k")
    context = giga.ssl_context()
    assert context is giga.ssl_context()  # built once per instance
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    subjects = [dict(item[0] for item in ca["subject"]) for ca in context.get_ca_certs()]
    assert {
        "countryName": "RU",
        "organizationName": "The Ministry of Digital Development and Communications",
        "commonName": "Russian Trusted Root CA",
    } in subjects
    system = ssl.create_default_context()
    assert len(context.get_ca_certs()) >= len(system.get_ca_certs())  # added, not replaced


async def test_the_context_is_built_lazily_once(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator, test_ca_file: Path
) -> None:
    giga = GigaChat(
        session=session,
        api_key=emulator.valid_key,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
        ca_bundle=test_ca_file,
    )
    assert giga._ssl is None
    await text_of(giga.stream("GigaChat", HELLO))
    first = giga._ssl
    await text_of(giga.stream("GigaChat", HELLO))
    assert first is not None
    assert giga._ssl is first


async def test_server_not_signed_by_a_trusted_ca_is_a_certificate_error(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator
) -> None:
    giga = GigaChat(
        session=session,
        api_key=emulator.valid_key,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
    )
    with pytest.raises(CertificateError, match="not trusted") as caught:
        await text_of(giga.stream("GigaChat", HELLO))
    assert "CA file" in caught.value.user_message
    assert emulator.requests == []  # the handshake failed; no key left the machine


async def test_unreadable_ca_file_is_a_certificate_error(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator, tmp_path: Path
) -> None:
    bogus = tmp_path / "not-a-ca.pem"
    bogus.write_text("hello")
    for path in (bogus, tmp_path / "missing.pem"):
        giga = GigaChat(
            session=session,
            api_key=emulator.valid_key,
            base_url=emulator.base_url,
            auth_url=emulator.auth_url,
            ca_bundle=path,
        )
        with pytest.raises(CertificateError, match="cannot read the CA file") as caught:
            await text_of(giga.stream("GigaChat", HELLO))
        assert caught.value.provider == "GigaChat"
    assert emulator.requests == []


async def test_ca_file_from_the_environment(
    session: aiohttp.ClientSession,
    emulator: GigaChatEmulator,
    test_ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GIGACHAT_CA_BUNDLE_FILE", str(test_ca_file))
    giga = GigaChat(
        session=session,
        api_key=emulator.valid_key,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
    )
    assert await text_of(giga.stream("GigaChat", HELLO)) == DEFAULT_REPLY


# -- proxy ---------------------------------------------------------------------------


class ConnectProxy:
    """A minimal HTTP CONNECT proxy on loopback that records the tunnels it opened."""

    def __init__(self) -> None:
        self.targets: list[str] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.url = ""

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        upstream: asyncio.StreamWriter | None = None
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            if method != "CONNECT":
                writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            self.targets.append(target)
            host, _, port = target.rpartition(":")
            up_reader, upstream = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await asyncio.gather(self._pipe(reader, upstream), self._pipe(up_reader, writer))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            for stream in (writer, upstream):
                if stream is not None:
                    stream.close()
            self._tasks.discard(task)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[ConnectProxy]:
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        try:
            yield self
        finally:
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await server.wait_closed()


async def test_proxy_carries_both_the_oauth_and_the_api_requests(
    emulator: GigaChatEmulator, test_ca_file: Path
) -> None:
    async with ConnectProxy().running() as proxy, aiohttp.ClientSession() as session:
        giga = GigaChat(
            session=session,
            proxy=proxy.url,
            api_key=emulator.valid_key,
            base_url=emulator.base_url,
            auth_url=emulator.auth_url,
            ca_bundle=test_ca_file,
        )
        assert await text_of(giga.stream("GigaChat", HELLO)) == DEFAULT_REPLY
    oauth_host = emulator.auth_url.split("/")[2]
    api_host = emulator.base_url.split("/")[2]
    assert oauth_host in proxy.targets
    assert api_host in proxy.targets
    assert emulator.oauth_calls == 1


async def test_dead_proxy_is_a_network_error_not_a_direct_connection(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator, test_ca_file: Path
) -> None:
    async with ConnectProxy().running() as proxy:
        dead = proxy.url  # closed when the block ends
    giga = GigaChat(
        session=session,
        proxy=dead,
        api_key=emulator.valid_key,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
        ca_bundle=test_ca_file,
    )
    with pytest.raises(NetworkError):
        await text_of(giga.stream("GigaChat", HELLO))
    assert emulator.requests == []


async def test_unsupported_proxy_kind_is_an_error_not_ignored(
    session: aiohttp.ClientSession, emulator: GigaChatEmulator, test_ca_file: Path
) -> None:
    giga = GigaChat(
        session=session,
        proxy="socks5://127.0.0.1:9",
        api_key=emulator.valid_key,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
        ca_bundle=test_ca_file,
    )
    with pytest.raises(NetworkError, match="socks5"):
        await text_of(giga.stream("GigaChat", HELLO))
    assert emulator.requests == []


# -- the emulator as a process -------------------------------------------------------


async def test_emulator_runs_as_a_standalone_process(tmp_path: Path) -> None:
    ca_out = tmp_path / "ca.pem"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.servers.gigachat",
        "--port",
        "0",
        "--ca-out",
        str(ca_out),
        "--reply",
        "Готово ✅",
        "--chunk-size",
        "2",
        "--tls-names",
        "gigachat.devices.sberbank.ru",
        "ngw.devices.sberbank.ru",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        ready = json.loads(line)
        assert ready["ca_file"] == str(ca_out)
        async with aiohttp.ClientSession() as session:
            giga = GigaChat(
                session=session,
                api_key=ready["key"],
                base_url=ready["base_url"],
                auth_url=ready["auth_url"],
                ca_bundle=ready["ca_file"],
            )
            chunks = [c async for c in giga.stream("GigaChat", HELLO) if isinstance(c, str)]
        assert "".join(chunks) == "Готово ✅"
    finally:
        process.terminate()
        assert await process.wait() == 0  # SIGTERM is a clean shutdown
