"""Provider keys in the OS keychain through `keyring`, never in a file.

One keychain entry per provider under the service "besedka" (username = provider name).
An environment variable named by the provider's secret field (e.g. GIGACHAT_CREDENTIALS)
overrides for the session and is never written back; at start-up the app moves these
variables out of its environment into memory (`hold_secret_environment`), so no child
process (xdg-open, a browser) inherits a key. When no secure keychain is usable, the user
may keep a key in memory for this session only; there is no plaintext fallback.

A locked keychain (its unlock prompt dismissed, or impossible to show) is not "no key":
`SecretStore.problem` says "locked", strict lookups raise `KeychainLockedError`, and the
keychain is asked again on the next access rather than given up on.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from gui.values import ProviderInfo

__all__ = [
    "SERVICE",
    "KeychainLockedError",
    "KeychainProblem",
    "KeychainUnavailableError",
    "SecretSource",
    "SecretStore",
    "hold_secret_environment",
    "secret_variables",
]

log = logging.getLogger(__name__)

SERVICE = "besedka"

SecretSource = Literal["environment", "keychain", "session"]
#: Why the keychain gave no key: none usable, locked, or its last call failed otherwise.
KeychainProblem = Literal["unavailable", "locked", "failed"]

_T = TypeVar("_T")
_A = TypeVar("_A")

#: Backends that keep secrets in files we cannot trust (plaintext, base64, app-level crypto).
_INSECURE_PACKAGES = ("keyrings.alt",)


class KeychainUnavailableError(Exception):
    """No secure keychain could take (or give) the key. The text never contains the key.

    `kind` names the failure for the interface to word; `provider` is the provider's name."""

    kind: str = "keychain_unavailable"

    def __init__(self, message: str, *, provider: str = "") -> None:
        super().__init__(message)
        self.provider = provider


class KeychainLockedError(KeychainUnavailableError):
    """The keychain is locked and was not unlocked (the prompt was dismissed or could not
    be shown). Unlocking it and retrying may work: nothing is given up."""

    kind = "keychain_locked"


def _is_locked(error: BaseException) -> bool:
    """Whether a backend's exception means "locked" (keyring's, or secretstorage's own)."""
    from keyring.errors import KeyringLocked

    return isinstance(error, KeyringLocked) or type(error).__name__ == "LockedException"


def _release_connections(error: BaseException) -> None:
    """Close the D-Bus connections a failed keychain call left open. keyring's Secret
    Service backend raises KeyringLocked before it closes its connection, and the garbage
    collector may take a while: with the keychain asked again on every access, a locked
    one would otherwise hold a socket per attempt."""
    traceback = error.__traceback__
    while traceback is not None:
        for value in list(traceback.tb_frame.f_locals.values()):
            if type(value).__module__.startswith("jeepney.") and callable(
                getattr(value, "close", None)
            ):
                with contextlib.suppress(Exception):
                    value.close()
        traceback = traceback.tb_next


def secret_variables() -> list[str]:
    """The environment variables the providers read keys from (`ConfigField.env` of each
    "secret" field), e.g. GIGACHAT_CREDENTIALS."""
    from providers.registry import provider_classes

    return sorted(
        {
            field.env
            for cls in provider_classes()
            for field in cls.config_fields
            if field.kind == "secret" and field.env
        }
    )


def hold_secret_environment(names: Iterable[str] | None = None) -> dict[str, str]:
    """Move the secret variables (`secret_variables()` by default) out of the process
    environment and return them: a child process (xdg-open for a link, a browser) then
    never inherits a key, while `SecretStore(environment=...)` still reads them."""
    held: dict[str, str] = {}
    for name in secret_variables() if names is None else names:
        value = os.environ.pop(name, None)  # pop unsets it in the C environment too
        if value is not None:
            held[name] = value
    return held


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

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        *,
        service: str = SERVICE,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        chosen: KeyringBackend | None = backend
        if chosen is None:
            try:
                import keyring  # imported on first use: it is slow to load and widgets need not

                chosen = keyring.get_keyring()
            except Exception as error:  # a broken keyring config: no keychain, not a crash
                log.warning("keychain not used: cannot load it (%s)", type(error).__name__)
        if chosen is None:
            self._backend, self._reason = None, "the system keychain could not be loaded"
        else:
            self._backend, self._reason = _secure_backend(chosen)
        self._backend_name = type(chosen).__name__
        self._service = service
        self._session: dict[str, str] = {}
        #: secret variables moved out of os.environ at start-up (hold_secret_environment)
        self._held = dict(environment or {})
        #: what went wrong on the last keychain call (None: it worked)
        self._problem: KeychainProblem | None = None
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
        """Whether there is a secure keychain to use. A locked or failing one still counts:
        it is asked again on every access, since it may be unlocked or back meanwhile."""
        return self._backend is not None

    @property
    def problem(self) -> KeychainProblem | None:
        """Why the keychain gave nothing on its last call ("locked", "failed"), or
        "unavailable" when there is none; None when its last call worked."""
        return "unavailable" if self._backend is None else self._problem

    @staticmethod
    def env_name(provider: str | ProviderInfo) -> str:
        """The environment variable that overrides this provider's key ("" if none).

        Only a description names one: a bare provider name reads no variable.
        """
        if isinstance(provider, str):
            return ""
        field = provider.secret_field
        return field.env if field is not None else ""

    def _failed(self, action: str, name: str, error: BaseException) -> KeychainUnavailableError:
        """Note the failure (the keychain is tried again next time) and the error to raise."""
        problem: KeychainProblem = "locked" if _is_locked(error) else "failed"
        _release_connections(error)
        if problem != self._problem:  # once per change, not on every retry
            # Only the exception type is logged: backend messages are not ours to trust.
            log.warning("keychain %s: could not %s (%s)", problem, action, type(error).__name__)
        self._problem = problem
        if problem == "locked":
            return KeychainLockedError(
                f"cannot {action} for {name}: the keychain is locked", provider=name
            )
        return KeychainUnavailableError(
            f"cannot {action} for {name}: the keychain failed ({type(error).__name__})",
            provider=name,
        )

    def _keychain_get(self, name: str, *, strict: bool = False) -> str | None:
        backend = self._backend
        if backend is None:
            return None
        try:
            value = backend.get_password(self._service, name) or None
        except Exception as error:  # a backend fault is never a crash
            failure = self._failed("read the key", name, error)
            if strict:
                raise failure from None
            return None
        self._problem = None
        return value

    def from_environment(self, provider: str | ProviderInfo) -> str | None:
        """The key from the provider's environment variable (never stored anywhere): the
        process environment, else the value held since start-up."""
        from providers.base import environment_value  # the one reading of the environment

        variable = self.env_name(provider)
        return environment_value(variable) or (self._held.get(variable, "").strip() or None)

    def lookup(
        self, provider: str | ProviderInfo, *, environment: bool = True, strict: bool = False
    ) -> tuple[str | None, SecretSource | None]:
        """The key and where it comes from: environment, then session, then keychain.

        With `environment=False` only what the user saved counts (for the settings dialog).
        With `strict`, a keychain that is locked (KeychainLockedError) or fails
        (KeychainUnavailableError) raises instead of reading as "no key".
        """
        name = _name(provider)
        if environment and (value := self.from_environment(provider)):
            return value, "environment"
        if value := self._session.get(name):
            return value, "session"
        if value := self._keychain_get(name, strict=strict):
            return value, "keychain"
        return None, None

    def get(self, provider: str | ProviderInfo, *, strict: bool = False) -> str | None:
        """The key the app should use now: environment, then session, then keychain."""
        return self.lookup(provider, strict=strict)[0]

    def set(self, provider: str | ProviderInfo, secret: str) -> None:
        """Store the key in the keychain; raise KeychainUnavailableError if there is none."""
        name = _name(provider)
        if not secret:
            raise ValueError("an empty key is removed with delete(), not stored")
        backend = self._backend
        if backend is None:
            raise KeychainUnavailableError(
                f"cannot store the key for {name}: {self._reason}", provider=name
            )
        try:
            backend.set_password(self._service, name, secret)
        except Exception as error:
            raise self._failed("store the key", name, error) from None
        self._problem = None
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
            raise self._failed("remove the key", name, error) from None
        self._problem = None

    def keep_for_session(self, provider: str | ProviderInfo, secret: str) -> None:
        """Hold the key in memory until the app exits; the user agreed, nothing is written."""
        if not secret:
            raise ValueError("an empty key is removed with delete(), not kept")
        self._session[_name(provider)] = secret

    # The a… variants hand keys to and from the worker thread sealed: qasync's executor logs
    # every callback's arguments and result at DEBUG, and futures show their result in repr.

    async def aget(self, provider: str | ProviderInfo, *, strict: bool = False) -> str | None:
        call = functools.partial(self.get, strict=strict)
        return (await asyncio.to_thread(_sealed_call, call, provider)).value

    async def alookup(
        self, provider: str | ProviderInfo, *, environment: bool = True, strict: bool = False
    ) -> tuple[str | None, SecretSource | None]:
        call = functools.partial(self.lookup, environment=environment, strict=strict)
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
