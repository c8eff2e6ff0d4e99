"""SecretStore: keychain entries per provider, environment override, no plaintext fallback."""

from __future__ import annotations

import logging
import os

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, KeyringLocked

from gui.core.keychain import (
    KeychainLockedError,
    KeychainUnavailableError,
    SecretStore,
    hold_secret_environment,
    secret_variables,
)
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


def test_a_locked_keychain_is_not_no_key_and_is_asked_again() -> None:
    backend = BrokenKeyring()
    store = SecretStore(backend)

    assert store.get("gigachat") is None  # the app still starts and runs
    assert store.problem == "locked"  # ... but knows why there is no key
    assert store.available  # not given up on: it may be unlocked meanwhile
    with pytest.raises(KeychainLockedError) as raised:
        store.get("gigachat", strict=True)
    assert raised.value.kind == "keychain_locked"
    assert raised.value.provider == "gigachat"
    with pytest.raises(KeychainUnavailableError) as refused:
        store.set("gigachat", KEY)
    assert KEY not in str(refused.value)

    backend.get_password = lambda service, username: KEY  # type: ignore[method-assign]
    assert store.lookup("gigachat") == (KEY, "keychain")  # unlocked: read on the next access
    assert store.problem is None


def test_a_failing_keychain_is_failed_not_locked_and_retried(
    memory_keyring: MemoryKeyring,
) -> None:
    calls = 0

    def flaky(service: str, username: str) -> str | None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise KeyringError("D-Bus went away")
        return memory_keyring.entries.get((service, username))

    memory_keyring.entries[("besedka", "gigachat")] = KEY
    memory_keyring.get_password = flaky  # type: ignore[method-assign]
    store = SecretStore(memory_keyring)
    assert store.get("gigachat") is None
    assert store.problem == "failed"
    assert store.get("gigachat") == KEY
    assert store.problem is None


def test_strict_lookups_raise_only_for_a_keychain_that_failed(
    memory_keyring: MemoryKeyring,
) -> None:
    assert SecretStore(memory_keyring).get("gigachat", strict=True) is None  # just no key
    assert SecretStore(fail.Keyring()).get("gigachat", strict=True) is None  # no keychain
    store = SecretStore(BrokenKeyring())
    store.keep_for_session("gigachat", KEY)
    assert store.get("gigachat", strict=True) == KEY  # the keychain is not even asked


async def test_async_strict_lookup_raises_locked() -> None:
    with pytest.raises(KeychainLockedError):
        await SecretStore(BrokenKeyring()).aget("gigachat", strict=True)


def test_a_failing_store_reports_unavailable_and_hides_the_backend_message() -> None:
    backend = BrokenKeyring()
    backend.get_password = lambda service, username: None  # type: ignore[method-assign]
    store = SecretStore(backend)

    with pytest.raises(KeychainUnavailableError) as raised:
        store.set("gigachat", KEY)

    assert KEY not in str(raised.value)
    assert not isinstance(raised.value, KeychainLockedError)
    # The backend's own text (which here quotes the key) is not chained on.
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__
    assert store.problem == "failed"
    assert store.available


def test_secret_variables_are_moved_out_of_the_environment_into_memory(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "GIGACHAT_CREDENTIALS" in secret_variables()
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", KEY)
    monkeypatch.setenv("GIGACHAT_BASE_URL", "https://example.invalid/api")  # not a secret

    held = hold_secret_environment()

    assert held == {"GIGACHAT_CREDENTIALS": KEY}
    assert "GIGACHAT_CREDENTIALS" not in os.environ
    assert os.environ["GIGACHAT_BASE_URL"] == "https://example.invalid/api"
    store = SecretStore(memory_keyring, environment=held)
    assert store.lookup(GIGACHAT) == (KEY, "environment")
    assert store.from_environment(GIGACHAT) == KEY
    assert KEY not in repr(store)
    assert SecretStore(memory_keyring).get(GIGACHAT) is None  # only the holder has it


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
