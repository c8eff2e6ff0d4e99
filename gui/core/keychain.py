"""Provider keys in the OS keychain through `keyring`, never in a file.

One keychain entry per provider under the service "besedka" (username = provider name).
An environment variable named by the provider's secret field (e.g. GIGACHAT_CREDENTIALS)
overrides for the session and is never written back. When no secure keychain is usable,
the user may keep a key in memory for this session only; there is no plaintext fallback.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from gui.values import ProviderInfo

__all__ = ["SERVICE", "KeychainUnavailableError", "SecretSource", "SecretStore"]

log = logging.getLogger(__name__)

SERVICE = "besedka"

SecretSource = Literal["environment", "keychain", "session"]

_T = TypeVar("_T")
_A = TypeVar("_A")

#: Backends that keep secrets in files we cannot trust (plaintext, base64, app-level crypto).
_INSECURE_PACKAGES = ("keyrings.alt",)


class KeychainUnavailableError(Exception):
    """No secure keychain could take the key. The text never contains the key."""


def _refusal(backend: KeyringBackend) -> str:
    """Why `backend` is not acceptable for keys, or "" when it is."""
    from keyring.backends import fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return "no system keychain is available"
    module = type(backend).__module__
    if any(module == pkg or module.startswith(pkg + ".") for pkg in _INSECURE_PACKAGES):
        return f"{type(backend).__name__} from {module} is not secure"
    return ""


def _secure_backend(backend: KeyringBackend) -> tuple[KeyringBackend | None, str]:
    """The backend to use (None when none is acceptable) and the reason when refused."""
    from keyring.backends import chainer

    if isinstance(backend, chainer.ChainerBackend):
        # The chainer would also read and write insecure backends; use the best secure one.
        candidates: list[KeyringBackend] = list(backend.backends)
        for candidate in candidates:
            if not _refusal(candidate):
                return candidate, ""
        return None, "no secure keychain among " + (
            ", ".join(type(c).__name__ for c in candidates) or "no backends"
        )
    reason = _refusal(backend)
    return (None, reason) if reason else (backend, "")


class SecretStore:
    """Keys per provider: environment first, then this session's memory, then the keychain.

    Keychain calls may block (D-Bus, an unlock prompt): from the GUI thread use the
    `a…` coroutines, which run the call in a worker thread.
    """

    def __init__(self, backend: KeyringBackend | None = None, *, service: str = SERVICE) -> None:
        if backend is None:
            import keyring  # imported on first use: it is slow to load and widgets need not

            backend = keyring.get_keyring()
        chosen = backend
        self._backend, self._reason = _secure_backend(chosen)
        self._backend_name = type(chosen).__name__
        self._service = service
        self._session: dict[str, str] = {}
        if self._reason:
            log.info("keychain not used: %s", self._reason)

    def __repr__(self) -> str:
        # Names only: never a key, not even a length.
        state = "available" if self.available else "unavailable"
        return (
            f"<SecretStore service={self._service!r} backend={self._backend_name} {state}"
            f" session={sorted(self._session)}>"
        )

    @property
    def available(self) -> bool:
        """Whether a secure keychain is usable (False after any keychain call failed)."""
        return self._backend is not None

    @staticmethod
    def env_name(provider: str | ProviderInfo) -> str:
        """The environment variable that overrides this provider's key ("" if none).

        Only a description names one: a bare provider name reads no variable.
        """
        if isinstance(provider, str):
            return ""
        field = provider.secret_field
        return field.env if field is not None else ""

    def _give_up(self, action: str, error: BaseException) -> None:
        # Only the exception type is logged: backend messages are not ours to trust.
        self._reason = f"the keychain failed to {action} ({type(error).__name__})"
        self._backend = None
        log.warning("keychain disabled for this session: %s", self._reason)

    def _keychain_get(self, name: str) -> str | None:
        backend = self._backend
        if backend is None:
            return None
        try:
            return backend.get_password(self._service, name) or None
        except Exception as error:  # any backend fault means "no keychain", never a crash
            self._give_up("read a key", error)
            return None

    def from_environment(self, provider: str | ProviderInfo) -> str | None:
        """The key from the provider's environment variable (never stored anywhere)."""
        from providers.base import environment_value  # the one reading of the environment

        return environment_value(self.env_name(provider))

    def lookup(
        self, provider: str | ProviderInfo, *, environment: bool = True
    ) -> tuple[str | None, SecretSource | None]:
        """The key and where it comes from: environment, then session, then keychain.

        With `environment=False` only what the user saved counts (for the settings dialog).
        """
        name = _name(provider)
        if environment and (value := self.from_environment(provider)):
            return value, "environment"
        if value := self._session.get(name):
            return value, "session"
        if value := self._keychain_get(name):
            return value, "keychain"
        return None, None

    def get(self, provider: str | ProviderInfo) -> str | None:
        """The key the app should use now: environment, then session, then keychain."""
        return self.lookup(provider)[0]

    def set(self, provider: str | ProviderInfo, secret: str) -> None:
        """Store the key in the keychain; raise KeychainUnavailableError if there is none."""
        name = _name(provider)
        if not secret:
            raise ValueError("an empty key is removed with delete(), not stored")
        backend = self._backend
        if backend is None:
            raise KeychainUnavailableError(f"cannot store the key for {name}: {self._reason}")
        try:
            backend.set_password(self._service, name, secret)
        except Exception as error:
            self._give_up("store a key", error)
            raise KeychainUnavailableError(
                f"cannot store the key for {name}: {self._reason}"
            ) from None
        self._session.pop(name, None)

    def delete(self, provider: str | ProviderInfo) -> None:
        """Forget the key in session memory and the keychain (a missing entry is fine)."""
        from keyring.errors import PasswordDeleteError

        name = _name(provider)
        self._session.pop(name, None)
        backend = self._backend
        if backend is None:
            return
        try:
            backend.delete_password(self._service, name)
        except PasswordDeleteError:
            pass  # no entry: nothing to remove
        except Exception as error:
            self._give_up("remove a key", error)
            raise KeychainUnavailableError(
                f"cannot remove the key for {name}: {self._reason}"
            ) from None

    def keep_for_session(self, provider: str | ProviderInfo, secret: str) -> None:
        """Hold the key in memory until the app exits; the user agreed, nothing is written."""
        if not secret:
            raise ValueError("an empty key is removed with delete(), not kept")
        self._session[_name(provider)] = secret

    # The a… variants hand keys to and from the worker thread sealed: qasync's executor logs
    # every callback's arguments and result at DEBUG, and futures show their result in repr.

    async def aget(self, provider: str | ProviderInfo) -> str | None:
        return (await asyncio.to_thread(_sealed_call, self.get, provider)).value

    async def alookup(
        self, provider: str | ProviderInfo, *, environment: bool = True
    ) -> tuple[str | None, SecretSource | None]:
        call = functools.partial(self.lookup, environment=environment)
        return (await asyncio.to_thread(_sealed_call, call, provider)).value

    async def aset(self, provider: str | ProviderInfo, secret: str) -> None:
        await asyncio.to_thread(self._set_sealed, provider, _Sealed(secret))

    async def adelete(self, provider: str | ProviderInfo) -> None:
        await asyncio.to_thread(self.delete, provider)

    def _set_sealed(self, provider: str | ProviderInfo, sealed: _Sealed[str]) -> None:
        self.set(provider, sealed.value)


class _Sealed(Generic[_T]):
    """A value whose repr never shows it, for crossing logged thread boundaries."""

    __slots__ = ("value",)

    def __init__(self, value: _T) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<redacted>"


def _sealed_call(function: Callable[[_A], _T], argument: _A) -> _Sealed[_T]:
    return _Sealed(function(argument))


def _name(provider: str | ProviderInfo) -> str:
    return provider if isinstance(provider, str) else provider.name
