"""A SOCKS proxy in a provider's settings: the factory gives that provider a session
tunnelling through it (aiohttp takes only http(s) proxies per request), one per proxy,
closed with the factory; "System proxy" takes one from ALL_PROXY as well."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest

from gui.core.keychain import SecretStore
from gui.core.provider_factory import ConfigSource, ProviderFactory
from gui.core.settings import Proxy, Settings
from gui.values import ProviderInfo
from providers.base import Message, Provider
from providers.errors import NetworkError
from tests.servers.gigachat import DEFAULT_REPLY, GigaChatEmulator, run_gigachat
from tests.servers.openai import OpenAIEmulator, run_openai
from tests.servers.socks import Socks5Server

USER, PASSWORD = "traveller", "pr0xy-p@ss"
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
async def openai() -> AsyncIterator[OpenAIEmulator]:
    async with run_openai() as emulator:
        yield emulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def login_url(port: int, password: str = PASSWORD, scheme: str = "socks5h") -> str:
    return f"{scheme}://{USER}:{quote(password, safe='')}@127.0.0.1:{port}"


def giga_config(emulator: GigaChatEmulator, ca: Path, proxy: str) -> dict[str, str]:
    return {
        "api_key": emulator.valid_key,
        "base_url": emulator.base_url,
        "auth_url": emulator.auth_url,
        "ca_bundle": str(ca),
        "proxy": proxy,
    }


def fixed(configs: Mapping[str, Mapping[str, str]]) -> ConfigSource:
    """Each provider's settings as given; the dict may change between calls."""

    async def source(info: ProviderInfo) -> Mapping[str, str | None]:
        return configs.get(info.name, {})

    return source


async def text_of(provider: Provider, model: str | None = None) -> str:
    return "".join([p async for p in provider.stream(model, HELLO) if isinstance(p, str)])


async def test_providers_behind_a_socks_proxy_chat_through_it(
    http: aiohttp.ClientSession,
    proxy: Socks5Server,
    gigachat: GigaChatEmulator,
    openai: OpenAIEmulator,
    test_ca_file: Path,
) -> None:
    url = login_url(proxy.port)
    for emulator in (gigachat, openai):  # by name, for the proxy to resolve
        emulator.base_url = emulator.base_url.replace("127.0.0.1", "localhost")
    gigachat.auth_url = gigachat.auth_url.replace("127.0.0.1", "localhost")
    configs = {
        "gigachat": giga_config(gigachat, test_ca_file, url),
        "openai": {"base_url": openai.base_url, "proxy": url},
    }
    async with ProviderFactory(http, fixed(configs)) as factory:
        giga, local = await factory.get("gigachat"), await factory.get("openai")
        assert await text_of(giga, "GigaChat") == DEFAULT_REPLY
        assert await text_of(local) == openai.reply
        # One tunnel session for one proxy, not the shared one, and no per-request proxy.
        assert giga.session is local.session is not http
        assert giga.proxy is None and local.proxy is None
        tunnel = giga.session
    assert tunnel.closed  # closed with the factory
    assert not http.closed  # the shared session is the app's to close
    assert {target.kind for target in proxy.targets} == {"domain"}  # socks5h://
    ports = {target.port for target in proxy.targets}
    assert len(ports) == 3  # GigaChat's two hosts and the local server, all tunnelled
    assert len(openai.requests) == 1 and gigachat.oauth_calls == 1


async def test_each_proxy_has_its_own_session_and_http_proxies_stay_per_request(
    http: aiohttp.ClientSession, proxy: Socks5Server, openai: OpenAIEmulator
) -> None:
    configs: dict[str, dict[str, str]] = {
        "gigachat": {"proxy": login_url(proxy.port, scheme="socks5")},
        "openai": {"base_url": openai.base_url, "proxy": login_url(proxy.port)},
        "gptalk": {"proxy": "http://127.0.0.1:3128"},
    }
    async with ProviderFactory(http, fixed(configs)) as factory:
        first, second = await factory.get("gigachat"), await factory.get("openai")
        assert first.session is not second.session  # socks5:// and socks5h:// differ
        plain = await factory.get("gptalk")
        assert (plain.session, plain.proxy) == (http, "http://127.0.0.1:3128")
        configs["openai"] = {"base_url": openai.base_url + "/", "proxy": login_url(proxy.port)}
        assert (await factory.get("openai")).session is second.session  # same proxy, reused
    assert first.session.closed and second.session.closed


async def test_a_wrong_proxy_password_fails_the_connection_test_as_a_proxy_error(
    http: aiohttp.ClientSession, proxy: Socks5Server, gigachat: GigaChatEmulator, test_ca_file: Path
) -> None:
    wrong = login_url(proxy.port, "wrong-" + PASSWORD)
    async with ProviderFactory(http, fixed({})) as factory:
        result = await factory.test_connection(
            "gigachat", giga_config(gigachat, test_ca_file, wrong)
        )
    assert not result.ok and result.error is not None
    assert (result.error.kind, result.error.reason) == ("network", "proxy_connect")
    assert result.error.params == {"host": "127.0.0.1", "port": proxy.port}
    assert result.error.provider == "GigaChat"
    assert PASSWORD not in repr(result)
    assert gigachat.requests == []


async def test_a_dead_socks_proxy_is_named_in_the_connection_test(
    http: aiohttp.ClientSession, closed_port: int, openai: OpenAIEmulator
) -> None:
    async with ProviderFactory(http, fixed({})) as factory:
        result = await factory.test_connection(
            "openai", {"base_url": openai.base_url, "proxy": login_url(closed_port)}
        )
    assert result.error is not None
    assert (result.error.reason, result.error.params) == (
        "proxy_connect",
        {"host": "127.0.0.1", "port": closed_port},
    )
    assert PASSWORD not in repr(result)
    assert openai.requests == []


async def test_an_unknown_socks_kind_is_said_not_sent_direct(
    http: aiohttp.ClientSession, openai: OpenAIEmulator
) -> None:
    configs = {"openai": {"base_url": openai.base_url, "proxy": "socks6://127.0.0.1:1080"}}
    async with ProviderFactory(http, fixed(configs)) as factory:
        with pytest.raises(NetworkError) as caught:
            await factory.get("openai")
        result = await factory.test_connection("openai", configs["openai"])
    assert caught.value.reason == "proxy_scheme"
    assert result.error is not None and result.error.reason == "proxy_scheme"
    assert openai.requests == []


async def test_the_system_proxy_from_all_proxy_with_its_password_in_the_environment(
    http: aiohttp.ClientSession,
    proxy: Socks5Server,
    gigachat: GigaChatEmulator,
    test_ca_file: Path,
    settings: Settings,
    secrets: SecretStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("all_proxy", login_url(proxy.port))
    async with ProviderFactory(
        http, lambda info: settings.aprovider_config(info, secrets)
    ) as factory:
        info = factory.info("gigachat")
        for name, value in (
            ("base_url", gigachat.base_url),
            ("auth_url", gigachat.auth_url),
            ("ca_bundle", str(test_ca_file)),
        ):
            settings.set_field(info, name, value)
        secrets.set(info, gigachat.valid_key)
        settings.set_proxy("gigachat", Proxy("system"))
        settings.save()
        assert await text_of(await factory.get("gigachat"), "GigaChat") == DEFAULT_REPLY
    assert proxy.logins == [(USER, PASSWORD)] * len(proxy.logins) and len(proxy.targets) == 2
    assert PASSWORD not in settings.path.read_text(encoding="utf-8")


def test_the_socks_library_is_not_loaded_until_a_socks_proxy_is_used() -> None:
    """Start-up time: the app and every provider import without aiohttp-socks."""
    probe = (
        "import sys, gui.app, gui.cli.ask, gui.core.provider_factory\n"
        "from providers.registry import provider_class, provider_names\n"
        "[provider_class(name) for name in provider_names()]\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('aiohttp_socks', 'python_socks', 'providers') and 'socks' in m))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},  # nothing into the work tree
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == "[]"
