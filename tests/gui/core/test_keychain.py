"""SecretStore: keychain entries per provider, environment override, no plaintext fallback."""

from __future__ import annotations

import logging

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, KeyringLocked

from gui.core.keychain import KeychainUnavailableError, SecretStore
from tests.gui.core.conftest import GIGACHAT, OPENAI, MemoryKeyring

KEY = "S3cr3t-Key-Value-0001"


class BrokenKeyring(MemoryKeyring):
    """A keychain whose daemon went away: every call fails."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked(f"cannot unlock (was asked for {username})")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError(f"failed to store {password}")  # a careless backend message


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's file backends, which a user may have installed."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


def test_one_entry_per_provider_under_the_besedka_service(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore(memory_keyring)
    assert store.available

    store.set("gigachat", KEY)
    store.set(OPENAI, "sk-other")

    assert memory_keyring.entries == {
        ("besedka", "gigachat"): KEY,
        ("besedka", "openai"): "sk-other",
    }
    assert store.get("gigachat") == KEY
    assert store.lookup(GIGACHAT) == (KEY, "keychain")
    assert store.lookup("openai", environment=False) == ("sk-other", "keychain")


def test_delete_removes_the_entry_and_tolerates_a_missing_one(
    memory_keyring: MemoryKeyring,
) -> None:
    store = SecretStore(memory_keyring)
    store.set("gigachat", KEY)

    store.delete("gigachat")
    store.delete("gigachat")

    assert memory_keyring.entries == {}
    assert store.lookup("gigachat") == (None, None)
    assert store.available


def test_environment_overrides_and_is_never_written_back(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SecretStore(memory_keyring)
    store.set(GIGACHAT, KEY)
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", "env-key-from-shell")

    assert store.get(GIGACHAT) == "env-key-from-shell"
    assert store.lookup(GIGACHAT) == ("env-key-from-shell", "environment")
    assert store.lookup(GIGACHAT, environment=False) == (KEY, "keychain")  # untouched
    assert "env-key-from-shell" not in memory_keyring.entries.values()


def test_only_the_declared_variable_is_read(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SecretStore(memory_keyring)
    store.set("gigachat", KEY)
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", "  env-key  ")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-shell")

    assert store.env_name(GIGACHAT) == "GIGACHAT_CREDENTIALS"
    assert store.env_name(OPENAI) == ""  # no variable declared: none is read
    assert store.get(GIGACHAT) == "env-key"  # read as every setting's variable is: stripped
    assert store.get(OPENAI) is None
    assert store.get("gigachat") == KEY  # a bare name declares no variable
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", "   ")
    assert store.lookup(GIGACHAT) == (KEY, "keychain")  # a blank variable is unset


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_no_keychain_means_unavailable_and_session_only(backend: object) -> None:
    store = SecretStore(backend)  # type: ignore[arg-type]

    assert not store.available
    with pytest.raises(KeychainUnavailableError) as raised:
        store.set("gigachat", KEY)
    assert "no system keychain" in str(raised.value)
    assert KEY not in str(raised.value)
    assert store.get("gigachat") is None

    store.keep_for_session("gigachat", KEY)

    assert store.lookup("gigachat") == (KEY, "session")
    store.delete("gigachat")
    assert store.get("gigachat") is None


def test_plaintext_backends_are_refused_as_not_secure() -> None:
    backend = PlaintextKeyring()
    store = SecretStore(backend)

    assert not store.available
    with pytest.raises(KeychainUnavailableError, match="not secure"):
        store.set("gigachat", KEY)
    assert backend.writes == 0
    assert backend.entries == {}


def make_chainer(*backends: KeyringBackend) -> KeyringBackend:
    """keyring's chainer (what get_keyring() gives when several backends are installed)."""

    class Chainer(chainer.ChainerBackend):
        viable = False  # never picked by keyring's own detection in this process

    Chainer.backends = list(backends)  # type: ignore[assignment,misc]
    return Chainer()


def test_a_chain_uses_its_secure_backend_only(memory_keyring: MemoryKeyring) -> None:
    plaintext = PlaintextKeyring()
    store = SecretStore(make_chainer(plaintext, memory_keyring))

    assert store.available
    store.set("gigachat", KEY)

    assert memory_keyring.entries == {("besedka", "gigachat"): KEY}
    assert plaintext.writes == 0


def test_a_chain_of_insecure_backends_is_unavailable() -> None:
    store = SecretStore(make_chainer(PlaintextKeyring()))
    assert not store.available
    with pytest.raises(KeychainUnavailableError, match="PlaintextKeyring"):
        store.set("gigachat", KEY)


def test_a_failing_keychain_turns_unavailable_without_leaking_the_key() -> None:
    store = SecretStore(BrokenKeyring())
    assert store.available

    assert store.get("gigachat") is None  # a locked keychain reads as "no key"
    assert not store.available
    with pytest.raises(KeychainUnavailableError) as raised:
        store.set("gigachat", KEY)
    assert KEY not in str(raised.value)


def test_a_failing_store_reports_unavailable_and_hides_the_backend_message() -> None:
    backend = BrokenKeyring()
    backend.get_password = lambda service, username: None  # type: ignore[method-assign]
    store = SecretStore(backend)

    with pytest.raises(KeychainUnavailableError) as raised:
        store.set("gigachat", KEY)

    assert KEY not in str(raised.value)
    # The backend's own text (which here quotes the key) is not chained on.
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__
    assert not store.available


def test_a_successful_save_replaces_a_session_key(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore(memory_keyring)
    store.keep_for_session("gigachat", "old-session-key")
    store.set("gigachat", KEY)

    assert store.lookup("gigachat") == (KEY, "keychain")


def test_empty_keys_are_not_stored(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore(memory_keyring)
    with pytest.raises(ValueError, match="empty"):
        store.set("gigachat", "")
    with pytest.raises(ValueError, match="empty"):
        store.keep_for_session("gigachat", "")
    assert memory_keyring.writes == 0


def test_repr_never_shows_a_key(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SecretStore(memory_keyring)
    store.set("openai", KEY)
    store.keep_for_session("gigachat", "session-only-key")
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", "env-only-key")
    assert store.get(GIGACHAT) == "env-only-key"

    for text in (repr(store), str(store), f"{store!r}"):
        assert "SecretStore" in text
        for secret in (KEY, "session-only-key", "env-only-key"):
            assert secret not in text


async def test_async_variants_run_the_keychain_off_the_loop(
    memory_keyring: MemoryKeyring,
) -> None:
    store = SecretStore(memory_keyring)

    await store.aset("gigachat", KEY)
    assert await store.aget("gigachat") == KEY
    assert await store.alookup("gigachat", environment=False) == (KEY, "keychain")
    await store.adelete("gigachat")
    assert await store.aget("gigachat") is None


async def test_async_set_without_keychain_raises_the_same_error() -> None:
    store = SecretStore(fail.Keyring())
    with pytest.raises(KeychainUnavailableError):
        await store.aset("gigachat", KEY)


async def test_async_calls_keep_the_key_out_of_debug_logs(
    memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    """qasync's executor logs each callback's arguments and result at DEBUG."""
    store = SecretStore(memory_keyring)
    caplog.set_level(logging.DEBUG)

    await store.aset("gigachat", KEY)
    assert await store.aget("gigachat") == KEY
    assert await store.alookup("gigachat") == (KEY, "keychain")

    assert any(record.name.startswith("qasync") for record in caplog.records)
    assert KEY not in caplog.text
