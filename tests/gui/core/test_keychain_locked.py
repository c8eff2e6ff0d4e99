"""A locked keychain against the real gnome-keyring: "locked" is not "no key", and the
keychain is asked again once it is unlocked.

Each test gets a collection of its own, created and unlocked with a password through
gnome-keyring's prompt-free interface (the session has no display for a prompt), so
locking it touches no other test and no real keys. Locking works as a person's screen
lock does; unlocking then needs the prompt, which cannot show here: keyring's unlock
attempt is dismissed, exactly the case of a person who dismisses it.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.cli.ask import ask
from gui.cli.parser import FAILED, OK
from gui.core.keychain import KeychainLockedError, SecretStore
from gui.core.paths import AppPaths
from tests.gui.core.conftest import GIGACHAT
from tests.servers.gigachat import GigaChatEmulator, run_gigachat

pytestmark = pytest.mark.keyring

_GUILTY = "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"


class Collection:
    """A private gnome-keyring collection that a test can lock and unlock."""

    def __init__(self) -> None:
        secretstorage = pytest.importorskip("secretstorage")
        from jeepney import DBusAddress, new_method_call

        try:
            self.bus = secretstorage.dbus_init()
        except Exception as error:  # no session bus
            pytest.skip(f"no Secret Service: {error}")
        self._call = new_method_call
        secrets = DBusAddress("/org/freedesktop/secrets", bus_name="org.freedesktop.secrets")
        self._service = secrets.with_interface("org.freedesktop.Secret.Service")
        self._guilty = secrets.with_interface(_GUILTY)
        # A plain (unencrypted) session: the master password crosses the private bus only.
        reply = self._send(self._service, "OpenSession", "sv", ("plain", ("s", "")))
        self._master = (reply[1], b"", uuid.uuid4().hex.encode(), "text/plain")
        label = {"org.freedesktop.Secret.Collection.Label": ("s", f"besedka-{uuid.uuid4().hex}")}
        try:
            (self.path,) = self._send(
                self._guilty, "CreateWithMasterPassword", "a{sv}(oayays)", (label, self._master)
            )
        except Exception as error:  # not gnome-keyring: no prompt-free way to make one
            pytest.skip(f"cannot create a keyring collection without a prompt: {error}")
        self.collection = secretstorage.Collection(self.bus, self.path)

    def _send(self, address: Any, method: str, signature: str, body: tuple[Any, ...]) -> Any:
        reply = self.bus.send_and_get_reply(self._call(address, method, signature, body))
        if reply.header.message_type.name == "error":
            raise RuntimeError(f"{method}: {reply.body}")
        return reply.body

    def backend(self) -> Any:
        """keyring's Secret Service backend, keeping its entries in this collection."""
        from keyring.backends import SecretService

        backend = SecretService.Keyring()
        backend.preferred_collection = self.path
        return backend

    def lock(self) -> None:
        self.collection.lock()
        assert self.collection.is_locked()

    def unlock(self) -> None:
        self._send(self._guilty, "UnlockWithMasterPassword", "o(oayays)", (self.path, self._master))
        assert not self.collection.is_locked()

    def delete(self) -> None:
        self.unlock()
        self.collection.delete()
        self.bus.close()


@pytest.fixture
def collection() -> Iterator[Collection]:
    made = Collection()
    try:
        yield made
    finally:
        made.delete()


KEY = "Locked-Keychain-Key-0001"


def test_locked_is_told_apart_from_no_key_and_retried_after_unlock(
    collection: Collection,
) -> None:
    store = SecretStore(collection.backend())
    store.set(GIGACHAT, KEY)
    assert store.get(GIGACHAT) == KEY

    collection.lock()
    assert store.lookup(GIGACHAT) == (None, None)
    assert store.problem == "locked"  # not "no key"
    with pytest.raises(KeychainLockedError) as raised:
        store.lookup(GIGACHAT, strict=True)
    assert KEY not in str(raised.value)
    with pytest.raises(KeychainLockedError):
        store.set(GIGACHAT, "another key")

    collection.unlock()  # the person unlocks it: the same session reads the key again
    assert store.lookup(GIGACHAT) == (KEY, "keychain")
    assert store.problem is None
    assert store.available


async def test_ask_says_the_keychain_is_locked_then_works_once_unlocked(
    collection: Collection,
    server_ssl: Any,
    test_ca_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with run_gigachat(server_ssl, emulator=GigaChatEmulator(reply="Ключ найден.")) as emu:
        monkeypatch.setenv("GIGACHAT_BASE_URL", emu.base_url)
        monkeypatch.setenv("GIGACHAT_AUTH_URL", emu.auth_url)
        monkeypatch.setenv("GIGACHAT_CA_BUNDLE_FILE", str(test_ca_file))
        paths = AppPaths.under(tmp_path / "profile").ensure()
        store = SecretStore(collection.backend())
        await store.aset(GIGACHAT, emu.valid_key)
        collection.lock()

        out, err = io.StringIO(), io.StringIO()
        code = await ask("Привет", paths, provider="gigachat", out=out, err=err, secrets=store)
        assert code == FAILED
        lines = err.getvalue().splitlines()
        assert "the keychain is locked" in lines[-1], lines  # not "no key"
        assert emu.oauth_calls == 0  # no request without a key

        collection.unlock()
        out, err = io.StringIO(), io.StringIO()
        code = await ask("Привет", paths, provider="gigachat", out=out, err=err, secrets=store)
        assert code == OK, err.getvalue()
        assert out.getvalue() == "Ключ найден.\n"
