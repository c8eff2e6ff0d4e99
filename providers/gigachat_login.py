"""GigaChat's four ways to log in, as the official SDK offers them.

- authorization key → OAuth token (the common one; tokens shared through a TokenCache),
- user name and password → `POST {base}/token` (tokens shared the same way),
- an access token given as is (it cannot be renewed),
- a client certificate (mTLS): no token at all, the TLS handshake is the login.

Each login is an object holding its own credential: `token()` before a request,
`forget()` after a 401 (may a fresh token help?), `refused()` for the final 401. A wrong
login of each kind has its own reason code, so the window can say which one to fix.
"""

from __future__ import annotations

import abc
import dataclasses
import ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from providers.auth import Secret, Token, TokenCache
from providers.base import Timeouts, environment_value
from providers.errors import AuthError, MissingAuthError, ProviderError
from providers.gigachat_auth import fetch_password_token, fetch_token

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "ENVIRONMENT",
    "LOGIN_METHODS",
    "Login",
    "Transport",
    "choose_method",
    "make_login",
]

#: The choices of the "Login method" setting, in the SDK's words.
LOGIN_METHODS = ("authorization_key", "access_token", "password", "certificate")
#: Constructor keyword → the official SDK's environment variable.
ENVIRONMENT: Mapping[str, str] = {
    "api_key": "GIGACHAT_CREDENTIALS",
    "access_token": "GIGACHAT_ACCESS_TOKEN",
    "user": "GIGACHAT_USER",
    "password": "GIGACHAT_PASSWORD",
    "cert_file": "GIGACHAT_CERT_FILE",
    "key_file": "GIGACHAT_KEY_FILE",
    "key_file_password": "GIGACHAT_KEY_FILE_PASSWORD",
}


@dataclasses.dataclass(frozen=True)
class Transport:
    """How a login reaches its token endpoint: the provider's session and settings."""

    session: aiohttp.ClientSession
    oauth_ssl: ssl.SSLContext
    api_ssl: ssl.SSLContext
    proxy: str | None
    timeouts: Timeouts


def infer_method(values: Mapping[str, str]) -> str | None:
    """The SDK's order when several credentials are given: an access token, then the
    authorization key, then user and password; a client certificate alone last."""
    if values.get("access_token"):
        return "access_token"
    if values.get("api_key"):
        return "authorization_key"
    if values.get("user") and values.get("password"):
        return "password"
    if values.get("cert_file"):
        return "certificate"
    return None


def choose_method(method: str | None, values: Mapping[str, str]) -> tuple[str, bool]:
    """The login to use and whether it was inferred rather than chosen.

    Credentials in the SDK's environment variables decide first (they override Settings
    for the session, as the key's variable always did); then the chosen method; then
    what the given values allow; else the authorization key (which will say it is
    missing)."""
    environment = {
        name: value
        for name, variable in ENVIRONMENT.items()
        if (value := environment_value(variable))
    }
    from_environment = infer_method(environment)
    if from_environment is not None:
        return from_environment, True
    if method in LOGIN_METHODS:
        return method, False
    inferred = infer_method(values)
    return (inferred, True) if inferred is not None else ("authorization_key", False)


class Login(abc.ABC):
    method: ClassVar[str]

    @property
    @abc.abstractmethod
    def ready(self) -> bool:
        """Whether the credential this login needs is set."""

    @abc.abstractmethod
    def missing(self) -> MissingAuthError:
        """The error for a login whose credential is not set."""

    @abc.abstractmethod
    async def token(self, transport: Transport) -> str | None:
        """The bearer token for the next request; None: send no Authorization."""

    def forget(self, token: str | None) -> bool:
        """The API refused `token` (401): drop it; True when a new one may be fetched."""
        return False

    def refused(self, error: ProviderError) -> ProviderError:
        """The error to raise for a 401 that forgetting did not cure."""
        return error

    def secrets(self) -> tuple[str, ...]:
        """What to blank out of error texts."""
        return ()


class KeyLogin(Login):
    """The authorization key → OAuth, tokens shared by every request with this key."""

    method = "authorization_key"

    def __init__(self, key: str, scope: str, auth_url: str, cache: TokenCache) -> None:
        self._key = Secret(key)
        self.scope = scope
        self.auth_url = auth_url
        self._cache = cache
        self._slot = TokenCache.key(key, scope, auth_url)

    @property
    def ready(self) -> bool:
        return bool(self._key)

    def missing(self) -> MissingAuthError:
        return MissingAuthError(reason="no_key_env", params={"variable": ENVIRONMENT["api_key"]})

    async def token(self, transport: Transport) -> str | None:
        async def fetch() -> Token:
            return await fetch_token(
                transport.session,
                self.auth_url,
                self._key.reveal(),
                self.scope,
                ssl_context=transport.oauth_ssl,
                proxy=transport.proxy,
                timeouts=transport.timeouts,
            )

        return await self._cache.get(self._slot, fetch)

    def forget(self, token: str | None) -> bool:
        self._cache.invalidate(self._slot, token)
        return True

    def secrets(self) -> tuple[str, ...]:
        return (self._key.reveal(),)


class PasswordLogin(Login):
    """User name and password → `POST {base}/token`; concurrent requests share one."""

    method = "password"

    def __init__(self, user: str, password: str, base_url: str, cache: TokenCache) -> None:
        self.user = user
        self._password = Secret(password)
        self.base_url = base_url
        self._cache = cache
        self._slot = TokenCache.key("password", user, password, base_url)

    @property
    def ready(self) -> bool:
        return bool(self.user and self._password)

    def missing(self) -> MissingAuthError:
        return MissingAuthError(
            reason="no_password_env",
            params={
                "user_variable": ENVIRONMENT["user"],
                "password_variable": ENVIRONMENT["password"],
            },
        )

    async def token(self, transport: Transport) -> str | None:
        async def fetch() -> Token:
            return await fetch_password_token(
                transport.session,
                self.base_url,
                self.user,
                self._password.reveal(),
                ssl_context=transport.api_ssl,
                proxy=transport.proxy,
                timeouts=transport.timeouts,
            )

        return await self._cache.get(self._slot, fetch)

    def forget(self, token: str | None) -> bool:
        self._cache.invalidate(self._slot, token)
        return True

    def secrets(self) -> tuple[str, ...]:
        return (self._password.reveal(),)


class TokenLogin(Login):
    """An access token used as given. It cannot be renewed; as in the SDK, a login of
    another kind configured beside it (`then`) takes over after the first 401."""

    method = "access_token"

    def __init__(self, token: str, then: Login | None = None) -> None:
        self._token = Secret(token)
        self._then = then if then is not None and then.ready else None
        self._spent = False

    @property
    def ready(self) -> bool:
        return bool(self._token)

    def missing(self) -> MissingAuthError:
        return MissingAuthError(
            reason="no_access_token_env", params={"variable": ENVIRONMENT["access_token"]}
        )

    async def token(self, transport: Transport) -> str | None:
        if self._spent and self._then is not None:
            return await self._then.token(transport)
        return self._token.reveal()

    def forget(self, token: str | None) -> bool:
        if self._then is None:
            return False
        if not self._spent:
            self._spent = True
            return True
        return self._then.forget(token)

    def refused(self, error: ProviderError) -> ProviderError:
        if self._spent and self._then is not None:
            return self._then.refused(error)
        return AuthError(reason="access_token_refused", detail=error.detail, status=error.status)

    def secrets(self) -> tuple[str, ...]:
        return (self._token.reveal(), *(self._then.secrets() if self._then else ()))


class CertificateLogin(Login):
    """A client certificate: the TLS handshake proves who we are; no token is sent."""

    method = "certificate"

    def __init__(self, cert_file: str) -> None:
        self.cert_file = cert_file

    @property
    def ready(self) -> bool:
        return bool(self.cert_file)

    def missing(self) -> MissingAuthError:
        return MissingAuthError(
            reason="no_certificate_env", params={"variable": ENVIRONMENT["cert_file"]}
        )

    async def token(self, transport: Transport) -> str | None:
        return None

    def refused(self, error: ProviderError) -> ProviderError:
        return AuthError(reason="certificate_refused", detail=error.detail, status=error.status)


def make_login(
    method: str,
    values: Mapping[str, str],
    *,
    inferred: bool,
    scope: str,
    auth_url: str,
    base_url: str,
    cache: TokenCache,
) -> Login:
    """The login object for `method` from the credential values (constructor keywords
    or their environment variables)."""
    key = KeyLogin(values.get("api_key", ""), scope, auth_url, cache)
    password = PasswordLogin(values.get("user", ""), values.get("password", ""), base_url, cache)
    if method == "access_token":
        # Only an inferred token falls back: a chosen one must fail as itself.
        then = (key if key.ready else password) if inferred else None
        return TokenLogin(values.get("access_token", ""), then)
    if method == "password":
        return password
    if method == "certificate":
        return CertificateLogin(values.get("cert_file", ""))
    return key
