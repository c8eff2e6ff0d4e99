"""Settings and keychain fixtures: a private profile, hand-built providers, keychains.

Nothing here touches the real keychain: tests get an in-memory backend or the fail
backend. Only tests marked `keyring` use a real Secret Service (see test_keyring.py).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import qasync
from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError
from PySide6.QtWidgets import QApplication

from gui.core.keychain import SecretStore
from gui.core.paths import AppPaths
from gui.core.settings import Settings
from gui.values import ConnectionResult, FieldInfo, ProviderInfo

ENV_NAMES = (
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
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
)
PROXY_ENV = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Callable[[], Any]]:
    return {"qasync": _qasync_loop}


def _qasync_loop() -> qasync.QEventLoop:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    # As in the app: hiding the last window (a closing dialog) must not stop the loop.
    app.setQuitOnLastWindowClosed(False)
    return qasync.QEventLoop(app)


class MemoryKeyring(KeyringBackend):
    """A keychain in a dict, so tests can see exactly what was stored."""

    @properties.classproperty
    def priority(cls) -> float:
        # Never viable for keyring's own backend detection: only used when passed in.
        raise RuntimeError("test backend; pass it to SecretStore explicitly")

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.writes = 0

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes += 1
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


GIGACHAT = ProviderInfo(
    name="gigachat",
    label="GigaChat",
    working=True,
    needs_auth=True,
    supports_system_message=True,
    default_model="GigaChat",
    models=("GigaChat", "GigaChat-Pro"),
    fields=(
        FieldInfo("api_key", "Authorization key", "secret", env="GIGACHAT_CREDENTIALS"),
        FieldInfo(
            "scope",
            "Scope",
            "choice",
            choices=("GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP"),
            default="GIGACHAT_API_PERS",
            env="GIGACHAT_SCOPE",
        ),
        FieldInfo(
            "base_url", "API base URL", "url", default="https://gigachat.devices.sberbank.ru/api/v1"
        ),
        FieldInfo(
            "auth_url",
            "OAuth URL",
            "url",
            default="https://ngw.devices.sberbank.ru:9443/api/v2/oauth",
            advanced=True,
        ),
        FieldInfo("ca_bundle", "Extra CA file", "file"),
    ),
    options=frozenset({"temperature"}),
)

OPENAI = ProviderInfo(
    name="openai",
    label="OpenAI-compatible",
    working=True,
    needs_auth=False,
    supports_system_message=True,
    default_model="gpt-4o-mini",
    models=("gpt-4o-mini",),
    fields=(
        FieldInfo("base_url", "Base URL", "url", default="https://api.openai.com/v1"),
        FieldInfo("api_key", "API key (optional)", "secret"),
    ),
    options=frozenset(),
)

GPTALK = ProviderInfo(
    name="gptalk",
    label="GPTalk",
    working=False,
    needs_auth=False,
    supports_system_message=False,
    default_model="gpt-3.5-turbo",
    models=("gpt-3.5-turbo",),
    fields=(),
    options=frozenset(),
)

PROVIDERS = (GIGACHAT, OPENAI, GPTALK)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own keys or proxy must not leak into (or change) the tests."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name in PROXY_ENV:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def providers() -> list[ProviderInfo]:
    return list(PROVIDERS)


@pytest.fixture
def basedir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
def paths(basedir: Path) -> AppPaths:
    return AppPaths.under(basedir).ensure()


@pytest.fixture
def settings(paths: AppPaths) -> Settings:
    return Settings(paths.settings_file)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def secrets(memory_keyring: MemoryKeyring) -> SecretStore:
    return SecretStore(memory_keyring)


class FakeTest:
    """A connection test that records what the dialog passed and answers as told."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.answer = ConnectionResult(ok=True, provider="GigaChat", models=None, error=None)
        self.error: Exception | None = None
        self.release: asyncio.Event | None = None

    async def __call__(self, name: str, config: dict[str, str]) -> ConnectionResult:
        self.calls.append((name, dict(config)))
        if self.release is not None:
            await self.release.wait()
        await asyncio.sleep(0)
        if self.error is not None:
            raise self.error
        return self.answer


@pytest.fixture
def fake_test() -> FakeTest:
    return FakeTest()


def profile_bytes(basedir: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file under the profile with its content."""
    for path in sorted(basedir.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes()


def files_containing(basedir: Path, secret: str) -> list[Path]:
    """Files under `basedir` holding `secret` as UTF-8, UTF-16 or base64 (a plaintext 'keyring')."""
    import base64

    needles = [
        secret.encode(),
        secret.encode("utf-16-le"),
        base64.b64encode(secret.encode()),
    ]
    return [path for path, data in profile_bytes(basedir) if any(n in data for n in needles)]


async def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll on the running qasync loop (qtbot.waitUntil hangs inside async tests)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)
