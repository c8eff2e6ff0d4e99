"""GigaChat's other logins: an access token as is, user and password, a client
certificate; each wrong one has its own reason."""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from providers.base import Chunk, Message
from providers.errors import AuthError, MissingAuthError, ProviderError
from providers.gigachat import DEFAULT_BASE_URL, LEGACY_BASE_URL, GigaChat
from providers.retry import RetryPolicy
from tests.servers.gigachat import DEFAULT_REPLY, GigaChatEmulator, run_gigachat
from tests.servers.loopback import client_certificate_context

HELLO: list[Message] = [{"role": "user", "content": "Привет"}]
VARIABLES = (
    "GIGACHAT_CREDENTIALS",
    "GIGACHAT_ACCESS_TOKEN",
    "GIGACHAT_USER",
    "GIGACHAT_PASSWORD",
    "GIGACHAT_CERT_FILE",
    "GIGACHAT_KEY_FILE",
    "GIGACHAT_KEY_FILE_PASSWORD",
    "GIGACHAT_BASE_URL",
)
PASSWORD = "пароль-0123456789"  # non-ASCII: HTTP Basic auth in UTF-8


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make(session: aiohttp.ClientSession, emulator: GigaChatEmulator, test_ca_file: Path) -> Any:
    def make_provider(**config: Any) -> GigaChat:
        config.setdefault("base_url", emulator.base_url)
        return GigaChat(
            session=session, auth_url=emulator.auth_url, ca_bundle=test_ca_file, **config
        )

    return make_provider


async def text_of(chunks: AsyncIterator[Chunk]) -> str:
    return "".join([c async for c in chunks if isinstance(c, str)])


async def refusal(provider: GigaChat) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        await text_of(provider.stream(None, HELLO))
    return caught.value


# -- access token ----------------------------------------------------------------------


async def test_an_access_token_is_sent_as_given(make: Any, emulator: GigaChatEmulator) -> None:
    giga = make(auth_method="access_token", access_token=f"Bearer {emulator.static_token}")
    assert giga.has_key
    assert await text_of(giga.stream(None, HELLO)) == DEFAULT_REPLY
    assert await giga.list_models()
    assert emulator.oauth_calls == 0
    for record in emulator.requests:
        assert record.headers["Authorization"] == f"Bearer {emulator.static_token}"


async def test_a_refused_access_token_has_its_own_reason(
    make: Any, emulator: GigaChatEmulator
) -> None:
    token = "eyJ-expired-or-made-up-token-0123456789"
    error = await refusal(make(auth_method="access_token", access_token=token))
    assert isinstance(error, AuthError)
    assert (error.reason, error.status, error.detail) == (
        "access_token_refused",
        401,
        "Unauthorized",
    )
    assert token not in repr(error) and token not in error.user_message
    assert len(emulator.chat_requests) == 1  # a given token cannot be renewed: no retry


async def test_the_access_token_variable_overrides_the_chosen_method(
    make: Any, emulator: GigaChatEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGACHAT_ACCESS_TOKEN", emulator.static_token)
    giga = make(auth_method="password", user="user", password=PASSWORD)
    assert giga.auth_method == "access_token"
    assert await text_of(giga.stream(None, HELLO)) == DEFAULT_REPLY
    assert [r.path for r in emulator.requests] == ["/api/v1/chat/completions"]


async def test_an_inferred_token_falls_back_to_the_key_as_the_sdk_does(
    make: Any, emulator: GigaChatEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIGACHAT_ACCESS_TOKEN beside a key: the token first, the key after its 401."""
    monkeypatch.setenv("GIGACHAT_ACCESS_TOKEN", "expired-token-0123456789")
    giga = make(api_key=emulator.valid_key)
    assert await text_of(giga.stream(None, HELLO)) == DEFAULT_REPLY
    assert await text_of(giga.stream(None, HELLO)) == DEFAULT_REPLY
    assert emulator.oauth_calls == 1
    assert len(emulator.chat_requests) == 3


# -- user and password -------------------------------------------------------------------


async def test_password_login_asks_token_with_basic_auth_once(
    make: Any, emulator: GigaChatEmulator
) -> None:
    emulator.users["besedka"] = PASSWORD
    giga = make(auth_method="password", user="besedka", password=PASSWORD)
    for _ in range(2):
        assert await text_of(giga.stream(None, HELLO)) == DEFAULT_REPLY
    login, *chats = emulator.requests
    assert (login.method, login.path) == ("POST", "/api/v1/token")
    expected = base64.b64encode(f"besedka:{PASSWORD}".encode()).decode()
    assert login.headers["Authorization"] == f"Basic {expected}"
    assert login.headers["User-Agent"] == "GigaChat-python-lib"
    assert [r.path for r in chats] == ["/api/v1/chat/completions"] * 2
    assert emulator.oauth_calls == 0


async def test_concurrent_password_streams_share_one_token(
    make: Any, emulator: GigaChatEmulator
) -> None:
    emulator.users["besedka"] = PASSWORD
    giga = make(auth_method="password", user="besedka", password=PASSWORD)
    texts = await asyncio.gather(*(text_of(giga.stream(None, HELLO)) for _ in range(20)))
    assert texts == [DEFAULT_REPLY] * 20
    assert sum(r.path.endswith("/token") for r in emulator.requests) == 1
    emulator.revoke_tokens()  # all stale at once: still one renewal
    texts = await asyncio.gather(*(text_of(giga.stream(None, HELLO)) for _ in range(20)))
    assert texts == [DEFAULT_REPLY] * 20
    assert sum(r.path.endswith("/token") for r in emulator.requests) == 2


async def test_a_wrong_password_has_its_own_reason(make: Any, emulator: GigaChatEmulator) -> None:
    error = await refusal(make(auth_method="password", user="user", password=PASSWORD))
    assert isinstance(error, AuthError)
    assert (error.reason, error.status) == ("password_refused", 401)
    assert PASSWORD not in repr(error)
    assert emulator.chat_requests == []


async def test_user_and_password_from_the_environment(
    make: Any, emulator: GigaChatEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIGACHAT_USER", "user")
    monkeypatch.setenv("GIGACHAT_PASSWORD", "password")
    giga = make()
    assert giga.auth_method == "password"
    assert await text_of(giga.stream(None, HELLO)) == DEFAULT_REPLY


def test_hosts_per_login(session: aiohttp.ClientSession) -> None:
    """The key follows the SDK's new default host; the password and certificate logins
    need the old one (the new host has no `/token`), unless another one is set."""
    key = GigaChat(session=session, api_key="a2V5OnNlY3JldA==")
    assert key.base_url == DEFAULT_BASE_URL == "https://api.giga.chat/v1"
    for method in ("password", "certificate"):
        assert GigaChat(session=session, auth_method=method).base_url == LEGACY_BASE_URL
        moved = GigaChat(session=session, auth_method=method, base_url=DEFAULT_BASE_URL)
        assert moved.base_url == LEGACY_BASE_URL
        own = GigaChat(session=session, auth_method=method, base_url="https://giga.corp/api/v1/")
        assert own.base_url == "https://giga.corp/api/v1"


@pytest.mark.parametrize(
    ("method", "reason", "variable"),
    [
        ("authorization_key", "no_key_env", "GIGACHAT_CREDENTIALS"),
        ("access_token", "no_access_token_env", "GIGACHAT_ACCESS_TOKEN"),
        ("password", "no_password_env", "GIGACHAT_PASSWORD"),
        ("certificate", "no_certificate_env", "GIGACHAT_CERT_FILE"),
    ],
)
async def test_a_login_without_its_credential_fails_before_any_network(
    make: Any, emulator: GigaChatEmulator, method: str, reason: str, variable: str
) -> None:
    giga = make(auth_method=method, user="only-a-user")
    assert not giga.has_key
    error = await refusal(giga)
    assert isinstance(error, MissingAuthError)
    assert error.reason == reason
    assert variable in str(error)
    assert emulator.requests == []


# -- client certificate (mTLS) -------------------------------------------------------------


@pytest.fixture(scope="module")
def client_ca() -> trustme.CA:
    return trustme.CA(organization_name="Besedka test clients")


def mtls_context(test_ca: trustme.CA, client_ca: trustme.CA) -> ssl.SSLContext:
    """The API host's context: it takes only clients with a certificate of `client_ca`."""
    return client_certificate_context(test_ca.issue_cert("127.0.0.1", "localhost"), client_ca)


def client_files(ca: trustme.CA, folder: Path, *, password: str = "") -> tuple[Path, Path]:
    leaf = ca.issue_cert("besedka@example.test")
    cert, key = folder / "client.pem", folder / "client.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    if password:
        private = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), None)
        key.write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(password.encode()),
            )
        )
    else:
        leaf.private_key_pem.write_to_path(str(key))
    return cert, key


@pytest.fixture
async def mtls(
    server_ssl: ssl.SSLContext, test_ca: trustme.CA, client_ca: trustme.CA
) -> AsyncIterator[GigaChatEmulator]:
    api = mtls_context(test_ca, client_ca)
    async with run_gigachat(server_ssl, api_ssl=api) as running:
        yield running


@pytest.mark.parametrize("key_password", ["", "ключ-от-ключа"])
async def test_a_client_certificate_is_the_login(
    session: aiohttp.ClientSession,
    mtls: GigaChatEmulator,
    client_ca: trustme.CA,
    test_ca_file: Path,
    tmp_path: Path,
    key_password: str,
) -> None:
    cert, key = client_files(client_ca, tmp_path, password=key_password)
    giga = GigaChat(
        session=session,
        auth_method="certificate",
        cert_file=cert,
        key_file=key,
        key_file_password=key_password or None,
        base_url=mtls.base_url,
        ca_bundle=test_ca_file,
    )
    assert await text_of(giga.stream(None, HELLO)) == DEFAULT_REPLY
    assert await giga.list_models()
    assert mtls.cert_requests == 2
    assert all("Authorization" not in r.headers for r in mtls.requests)
    assert mtls.oauth_calls == 0


async def test_certificate_from_the_environment(
    session: aiohttp.ClientSession,
    mtls: GigaChatEmulator,
    client_ca: trustme.CA,
    test_ca_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cert, key = client_files(client_ca, tmp_path)
    monkeypatch.setenv("GIGACHAT_CERT_FILE", str(cert))
    monkeypatch.setenv("GIGACHAT_KEY_FILE", str(key))
    giga = GigaChat(session=session, base_url=mtls.base_url, ca_bundle=test_ca_file)
    assert giga.auth_method == "certificate"
    assert await text_of(giga.stream(None, HELLO)) == DEFAULT_REPLY


@pytest.mark.parametrize("whose", ["stranger", "none"])
async def test_a_certificate_the_server_does_not_take_has_its_own_reason(
    session: aiohttp.ClientSession,
    server_ssl: ssl.SSLContext,
    test_ca: trustme.CA,
    client_ca: trustme.CA,
    test_ca_file: Path,
    tmp_path: Path,
    whose: str,
) -> None:
    """Signed by a CA the server does not know, or none at all (a token login against an
    mTLS host): the TLS handshake fails, the server sends an alert or resets the
    connection. Our certificate's refusal is not retried: it would fail the same."""
    api = mtls_context(test_ca, client_ca)
    async with run_gigachat(server_ssl, api_ssl=api) as emulator:
        if whose == "stranger":
            stranger = trustme.CA(organization_name="Nobody the server knows")
            cert, key = client_files(stranger, tmp_path)
            config: dict[str, Any] = {"auth_method": "certificate", "cert_file": cert}
            config["key_file"] = key
        else:
            config = {"access_token": emulator.static_token}
        giga = GigaChat(
            session=session, base_url=emulator.base_url, ca_bundle=test_ca_file, **config
        )
        giga.retry_policy = RetryPolicy(backoff=(0.0,))
        error = await refusal(giga)
    # Without a certificate of ours a reset looks like any other: retried, then "reset".
    assert error.reason == ("certificate_refused" if whose == "stranger" else "reset")
    assert emulator.requests == []


async def test_a_missing_certificate_file_is_said_before_any_request(
    session: aiohttp.ClientSession, mtls: GigaChatEmulator, test_ca_file: Path, tmp_path: Path
) -> None:
    cert = tmp_path / "not-sent.pem"
    giga = GigaChat(
        session=session,
        auth_method="certificate",
        cert_file=cert,
        base_url=mtls.base_url,
        ca_bundle=test_ca_file,
    )
    error = await refusal(giga)
    assert (error.reason, error.params) == ("client_cert_unreadable", {"path": str(cert)})
    assert mtls.requests == []


async def test_unusable_certificate_files(
    session: aiohttp.ClientSession,
    mtls: GigaChatEmulator,
    client_ca: trustme.CA,
    test_ca_file: Path,
    tmp_path: Path,
) -> None:
    cert, key = client_files(client_ca, tmp_path, password="right")
    for config, reason in (
        ({"key_file": key, "key_file_password": "wrong"}, "client_cert_invalid"),
        ({"key_file": tmp_path / "missing.key"}, "client_cert_unreadable"),
        ({"key_file": cert}, "client_cert_invalid"),  # a certificate where the key goes
    ):
        giga = GigaChat(
            session=session,
            auth_method="certificate",
            cert_file=cert,
            base_url=mtls.base_url,
            ca_bundle=test_ca_file,
            **config,
        )
        error = await refusal(giga)
        assert isinstance(error, AuthError)
        assert error.reason == reason
        assert "wrong" not in repr(error)
    assert mtls.requests == []
