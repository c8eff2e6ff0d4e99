"""SOCKS proxies (providers/socks.py) against a real SOCKS5 server on loopback: GigaChat
and an OpenAI-compatible server reached through the tunnel, TLS still verified inside it,
and every way the proxy can fail said as a proxy error without its password."""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
import aiohttp_socks
import pytest

from providers.base import Message, Timeouts
from providers.errors import CertificateError, NetworkError, TimedOutError
from providers.gigachat import GigaChat
from providers.http import network_errors
from providers.openai_compat import OpenAICompatible
from providers.socks import socks_connector
from tests.servers.gigachat import DEFAULT_REPLY, GigaChatEmulator, run_gigachat
from tests.servers.openai import OpenAIEmulator, run_openai
from tests.servers.socks import Socks5Server, Target

USER, PASSWORD = "traveller", "s3cr3t-p@ss:w/rd"  # a password with URL-special characters
HELLO: list[Message] = [{"role": "user", "content": "Привет"}]


@pytest.fixture
async def proxy() -> AsyncIterator[Socks5Server]:
    async with Socks5Server(username=USER, password=PASSWORD).running() as running:
        yield running


@pytest.fixture
async def gigachat(server_ssl: ssl.SSLContext) -> AsyncIterator[GigaChatEmulator]:
    async with run_gigachat(server_ssl) as emulator:
        yield emulator


@pytest.fixture
async def openai_tls(server_ssl: ssl.SSLContext) -> AsyncIterator[OpenAIEmulator]:
    async with run_openai(ssl_context=server_ssl) as emulator:
        yield emulator


@pytest.fixture
async def tunnel(proxy: Socks5Server) -> AsyncIterator[aiohttp.ClientSession]:
    """A session through the proxy, logged in (socks5://: names resolved here)."""
    async with aiohttp.ClientSession(
        connector=socks_connector(proxy.url_with(USER, PASSWORD))
    ) as s:
        yield s


async def text_of(provider: GigaChat | OpenAICompatible, model: str | None = None) -> str:
    return "".join(
        [piece async for piece in provider.stream(model, HELLO) if isinstance(piece, str)]
    )


def giga(session: aiohttp.ClientSession, emulator: GigaChatEmulator, ca: Path) -> GigaChat:
    return GigaChat(
        session=session,
        api_key=emulator.valid_key,
        base_url=emulator.base_url,
        auth_url=emulator.auth_url,
        ca_bundle=ca,
    )


def login_url(port: int, password: str = PASSWORD, *, scheme: str = "socks5") -> str:
    return f"{scheme}://{USER}:{quote(password, safe='')}@127.0.0.1:{port}"


def port_of(url: str) -> int:
    return int(url.split("/")[2].rsplit(":", 1)[1])


def assert_no_password(error: BaseException) -> None:
    data = error.data() if isinstance(error, NetworkError) else {}
    for text in (str(error), repr(error), str(data)):
        assert PASSWORD not in text
        assert "s3cr3t" not in text


async def test_gigachat_reaches_both_hosts_through_the_tunnel_with_tls_verified(
    tunnel: aiohttp.ClientSession,
    proxy: Socks5Server,
    gigachat: GigaChatEmulator,
    test_ca_file: Path,
) -> None:
    assert await text_of(giga(tunnel, gigachat, test_ca_file), "GigaChat") == DEFAULT_REPLY
    assert proxy.logins and set(proxy.logins) == {(USER, PASSWORD)}
    ports = {target.port for target in proxy.targets}
    assert ports == {port_of(gigachat.auth_url), port_of(gigachat.base_url)}
    assert {target.kind for target in proxy.targets} == {"ipv4"}  # socks5:// resolves here
    assert proxy.received > len(DEFAULT_REPLY.encode())  # the answer came through the proxy
    assert gigachat.oauth_calls == 1


async def test_socks5h_lets_the_proxy_resolve_the_name(
    proxy: Socks5Server, gigachat: GigaChatEmulator, test_ca_file: Path
) -> None:
    gigachat.base_url = gigachat.base_url.replace("127.0.0.1", "localhost")
    gigachat.auth_url = gigachat.auth_url.replace("127.0.0.1", "localhost")
    url = proxy.url_with(USER, PASSWORD, scheme="socks5h")
    async with aiohttp.ClientSession(connector=socks_connector(url)) as session:
        assert await text_of(giga(session, gigachat, test_ca_file), "GigaChat") == DEFAULT_REPLY
    assert {target.kind for target in proxy.targets} == {"domain"}
    assert {target.host for target in proxy.targets} == {"localhost"}


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
async def test_an_openai_compatible_server_through_the_tunnel(
    proxy: Socks5Server, openai_tls: OpenAIEmulator, test_ca_file: Path, scheme: str
) -> None:
    base_url = openai_tls.base_url.replace("127.0.0.1", "localhost")
    async with aiohttp.ClientSession(
        connector=socks_connector(proxy.url_with(USER, PASSWORD, scheme=scheme))
    ) as session:
        provider = OpenAICompatible(session=session, base_url=base_url, ca_file=str(test_ca_file))
        assert "llama3.2" in await provider.list_models()
        assert await text_of(provider) == openai_tls.reply
    expected = "domain" if scheme == "socks5h" else "ipv4"
    assert [target.kind for target in proxy.targets] == [expected] * len(proxy.targets)
    assert len(openai_tls.requests) == 2


async def test_an_untrusted_certificate_is_refused_inside_the_tunnel(
    tunnel: aiohttp.ClientSession, proxy: Socks5Server, openai_tls: OpenAIEmulator
) -> None:
    provider = OpenAICompatible(session=tunnel, base_url=openai_tls.base_url)  # no test CA
    with pytest.raises(CertificateError) as caught:
        await provider.list_models()
    assert caught.value.reason == "untrusted_certificate"
    assert caught.value.params == {"host": "127.0.0.1"}
    assert proxy.targets  # the tunnel was open: the refusal is ours, not the proxy's
    assert openai_tls.requests == []


async def test_a_wrong_proxy_password_is_a_proxy_error_without_the_password(
    proxy: Socks5Server, gigachat: GigaChatEmulator, test_ca_file: Path
) -> None:
    wrong = proxy.url_with(USER, "not-" + PASSWORD)
    async with aiohttp.ClientSession(connector=socks_connector(wrong)) as session:
        with pytest.raises(NetworkError) as caught:
            await text_of(giga(session, gigachat, test_ca_file), "GigaChat")
    error = caught.value
    assert (error.kind, error.reason) == ("network", "proxy_connect")
    assert error.params == {"host": "127.0.0.1", "port": proxy.port}
    assert "authentication failure" in error.detail  # why, in the proxy library's words
    assert error.provider == "GigaChat"
    assert_no_password(error)
    assert proxy.targets == [] and gigachat.requests == []


async def test_no_login_where_the_proxy_wants_one_is_a_proxy_error(
    proxy: Socks5Server, openai_tls: OpenAIEmulator
) -> None:
    async with aiohttp.ClientSession(connector=socks_connector(proxy.url)) as session:
        provider = OpenAICompatible(session=session, base_url=openai_tls.base_url)
        with pytest.raises(NetworkError) as caught:
            await provider.list_models()
    assert caught.value.reason == "proxy_connect"
    assert caught.value.params["port"] == proxy.port


async def test_a_dead_proxy_port_is_a_proxy_error_and_nothing_goes_direct(
    closed_port: int, gigachat: GigaChatEmulator, test_ca_file: Path
) -> None:
    dead = login_url(closed_port)
    async with aiohttp.ClientSession(connector=socks_connector(dead)) as session:
        with pytest.raises(NetworkError) as caught:
            await text_of(giga(session, gigachat, test_ca_file), "GigaChat")
    error = caught.value
    assert (error.reason, error.params) == (
        "proxy_connect",
        {"host": "127.0.0.1", "port": closed_port},
    )
    assert (
        error.message == f"cannot connect to the proxy 127.0.0.1:{closed_port}: Connection refused"
    )
    assert_no_password(error)
    assert gigachat.requests == []


async def test_a_hung_proxy_times_out_within_the_connect_timeout(
    tunnel: aiohttp.ClientSession, proxy: Socks5Server, openai_tls: OpenAIEmulator
) -> None:
    proxy.silent = True
    provider = OpenAICompatible(
        session=tunnel, base_url=openai_tls.base_url, timeouts=Timeouts(connect=0.3, read=30)
    )
    started = time.monotonic()
    with pytest.raises(TimedOutError) as caught:
        await provider.list_models()
    assert time.monotonic() - started < 5
    assert caught.value.reason == "timeout"
    assert openai_tls.requests == []


async def test_a_target_the_proxy_cannot_reach_is_named_not_the_proxy(
    tunnel: aiohttp.ClientSession, proxy: Socks5Server, closed_port: int
) -> None:
    provider = OpenAICompatible(session=tunnel, base_url=f"http://127.0.0.1:{closed_port}/v1")
    with pytest.raises(NetworkError) as caught:
        await provider.list_models()
    assert (caught.value.reason, caught.value.params) == (
        "connect",
        {"host": "127.0.0.1", "port": closed_port},
    )
    assert proxy.targets == [Target("ipv4", "127.0.0.1", closed_port)]


@pytest.mark.parametrize(("scheme", "reason"), [("socks5", "dns"), ("socks5h", "connect")])
async def test_a_name_that_does_not_resolve_is_named_by_whoever_resolves_it(
    proxy: Socks5Server, scheme: str, reason: str
) -> None:
    url = proxy.url_with(USER, PASSWORD, scheme=scheme)
    async with aiohttp.ClientSession(connector=socks_connector(url)) as session:
        provider = OpenAICompatible(session=session, base_url="https://nonexistent.invalid/v1")
        with pytest.raises(NetworkError) as caught:
            await provider.list_models()
    assert caught.value.reason == reason
    assert caught.value.params["host"] == "nonexistent.invalid"
    # socks5:// asks our resolver and never sends the name; socks5h:// leaves it to the proxy.
    sent = [Target("domain", "nonexistent.invalid", 443)] if scheme == "socks5h" else []
    assert proxy.targets == sent


async def test_the_password_is_in_no_log_record(
    proxy: Socks5Server,
    gigachat: GigaChatEmulator,
    test_ca_file: Path,
    closed_port: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for url in (
        proxy.url_with(USER, PASSWORD),
        proxy.url_with(USER, PASSWORD + "x"),
        login_url(closed_port),
    ):
        async with aiohttp.ClientSession(connector=socks_connector(url)) as session:
            try:
                await text_of(giga(session, gigachat, test_ca_file), "GigaChat")
            except NetworkError as error:
                logging.getLogger("test").warning("failed: %s (%r)", error, error)
    assert caplog.records  # something was logged
    assert PASSWORD not in caplog.text
    assert quote(PASSWORD, safe="") not in caplog.text
    assert gigachat.valid_key not in caplog.text


def test_a_socks_url_the_connector_cannot_use_is_a_typed_error() -> None:
    with pytest.raises(NetworkError) as caught:
        socks_connector("socks6://127.0.0.1:1080")
    assert (caught.value.reason, caught.value.params) == ("proxy_scheme", {"scheme": "socks6"})
    with pytest.raises(NetworkError) as caught:
        socks_connector(login_url(1080).replace("127.0.0.1", ""))
    assert caught.value.reason == "invalid_url"
    assert_no_password(caught.value)
    with pytest.raises(NetworkError) as caught:  # RFC 1929 bytes the library cannot send
        socks_connector(login_url(1080, "пароль"))
    assert caught.value.reason == "invalid_url"
    assert caught.value.params == {"url": "socks5://127.0.0.1:1080"}
    assert "пароль" not in str(caught.value)


async def test_aiohttp_socks_errors_from_a_session_of_ones_own_are_typed(
    closed_port: int,
) -> None:
    """A session made with aiohttp-socks directly, not through providers/socks.py."""
    connector = aiohttp_socks.ProxyConnector.from_url(f"socks5://127.0.0.1:{closed_port}")
    async with aiohttp.ClientSession(connector=connector) as session:
        with pytest.raises(NetworkError) as caught, network_errors("Mine"):
            async with session.get("http://127.0.0.1:9/"):
                pass
    assert (caught.value.reason, caught.value.provider) == ("network_error", "Mine")
    assert str(closed_port) in caught.value.detail
