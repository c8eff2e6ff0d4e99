"""Provider keys in the OS keychain through `keyring`, never in a file.

One keychain entry per secret field under the service "besedka": the username is the
provider's name for its first secret field (the key, as before fields had their own
entries, so a saved key stays found) and "<provider>/<field>" for each other one
(GigaChat's "gigachat/password"). An environment variable named by a secret field
(e.g. GIGACHAT_CREDENTIALS) overrides it for the session and is never written back; at
start-up the app moves these variables out of its environment into memory
(`hold_secret_environment`), so no child process (xdg-open, a browser) inherits a key.
When no secure keychain is usable, the user may keep a key in memory for this session
only; there is no plaintext fallback.

A locked keychain (its unlock prompt dismissed, or impossible to show) is not "no key":
`SecretStore.problem` says "locked", strict lookups raise `KeychainLockedError`, and the
keychain is asked again on the next access rather than given up on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

from gui.core.keychain_backends import is_locked, release_connections, secure_backend

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from gui.values import FieldInfo, ProviderInfo

__all__ = [
    "SERVICE",
    "KeychainLockedError",
    "KeychainProblem",
    "KeychainUnavailableError",
    "SecretSource",
    "SecretStore",
    "entry_name",
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


def secret_variables() -> list[str]:
    """The environment variables the providers read keys from (`ConfigField.env` of each
    "secret" field, e.g. GIGACHAT_CREDENTIALS), and OPENAI_API_KEY (see gui/core/profiles.py)."""
    from gui.core.profiles import KEY_VARIABLE
    from providers.registry import provider_classes

    return sorted(
        {
            KEY_VARIABLE,
            *(
                field.env
                for cls in provider_classes()
                for field in cls.config_fields
                if field.kind == "secret" and field.env
            ),
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
            self._backend, self._reason = secure_backend(chosen)
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
    def env_name(provider: str | ProviderInfo, field: str | None = None) -> str:
        """The environment variable that overrides this secret ("" if none): `field`'s,
        or the first secret field's.

        Only a description names one: a bare provider name reads no variable.
        """
        if isinstance(provider, str):
            return ""
        found = _secret_field(provider, field)
        return found.env if found is not None else ""

    def _failed(self, action: str, name: str, error: BaseException) -> KeychainUnavailableError:
        """Note the failure (the keychain is tried again next time) and the error to raise."""
        problem: KeychainProblem = "locked" if is_locked(error) else "failed"
        release_connections(error)
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

    def from_environment(
        self, provider: str | ProviderInfo, field: str | None = None
    ) -> str | None:
        """The secret from its environment variable (never stored anywhere): the
        process environment, else the value held since start-up."""
        from providers.base import environment_value  # the one reading of the environment

        variable = self.env_name(provider, field)
        if not variable:
            return None
        return environment_value(variable) or (self._held.get(variable, "").strip() or None)

    def lookup(
        self,
        provider: str | ProviderInfo,
        *,
        field: str | None = None,
        environment: bool = True,
        strict: bool = False,
    ) -> tuple[str | None, SecretSource | None]:
        """The secret (`field`, else the key) and where it comes from: environment, then
        session, then keychain.

        With `environment=False` only what the user saved counts (for the settings dialog).
        With `strict`, a keychain that is locked (KeychainLockedError) or fails
        (KeychainUnavailableError) raises instead of reading as "no key".
        """
        name = entry_name(provider, field)
        if environment and (value := self.from_environment(provider, field)):
            return value, "environment"
        if value := self._session.get(name):
            return value, "session"
        if value := self._keychain_get(name, strict=strict):
            return value, "keychain"
        return None, None

    def get(
        self, provider: str | ProviderInfo, *, field: str | None = None, strict: bool = False
    ) -> str | None:
        """The secret the app should use now: environment, then session, then keychain."""
        return self.lookup(provider, field=field, strict=strict)[0]

    def set(self, provider: str | ProviderInfo, secret: str, *, field: str | None = None) -> None:
        """Store the secret in the keychain; raise KeychainUnavailableError if there is none."""
        name = entry_name(provider, field)
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

    def delete(self, provider: str | ProviderInfo, *, field: str | None = None) -> None:
        """Forget the secret in session memory and the keychain (a missing entry is fine)."""
        from keyring.errors import PasswordDeleteError

        name = entry_name(provider, field)
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

    def keep_for_session(
        self, provider: str | ProviderInfo, secret: str, *, field: str | None = None
    ) -> None:
        """Hold the secret in memory until the app exits; the user agreed, nothing is written."""
        if not secret:
            raise ValueError("an empty key is removed with delete(), not kept")
        self._session[entry_name(provider, field)] = secret

    # The a… variants hand keys to and from the worker thread sealed: qasync's executor logs
    # every callback's arguments and result at DEBUG, and futures show their result in repr.

    async def aget(
        self, provider: str | ProviderInfo, *, field: str | None = None, strict: bool = False
    ) -> str | None:
        call = functools.partial(self.get, field=field, strict=strict)
        return (await asyncio.to_thread(_sealed_call, call, provider)).value

    async def alookup(
        self,
        provider: str | ProviderInfo,
        *,
        field: str | None = None,
        environment: bool = True,
        strict: bool = False,
    ) -> tuple[str | None, SecretSource | None]:
        call = functools.partial(self.lookup, field=field, environment=environment, strict=strict)
        return (await asyncio.to_thread(_sealed_call, call, provider)).value

    async def aset(
        self, provider: str | ProviderInfo, secret: str, *, field: str | None = None
    ) -> None:
        await asyncio.to_thread(self._set_sealed, provider, _Sealed(secret), field)

    async def adelete(self, provider: str | ProviderInfo, *, field: str | None = None) -> None:
        await asyncio.to_thread(functools.partial(self.delete, field=field), provider)

    def _set_sealed(
        self, provider: str | ProviderInfo, sealed: _Sealed[str], field: str | None
    ) -> None:
        self.set(provider, sealed.value, field=field)


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


def _secret_field(info: ProviderInfo, field: str | None) -> FieldInfo | None:
    if field is None:
        return info.secret_field
    return next((f for f in info.secret_fields if f.name == field), None)


def entry_name(provider: str | ProviderInfo, field: str | None = None) -> str:
    """The keychain username of a secret: the provider's name for its first secret field
    (or no field), "<provider>/<field>" for any other. A bare name cannot tell which
    field comes first: with it, only `field=None` means the first one."""
    name = _name(provider)
    if field is None:
        return name
    first = provider.secret_field if not isinstance(provider, str) else None
    return name if first is not None and first.name == field else f"{name}/{field}"
