"""The GigaChat client under the chat: settings, TLS, the login and authorized calls.

`GigaChat` (providers/gigachat.py) adds the chat, the model list and the balance; this
base holds what every call needs: which login, which host, which certificates, and the
401 → renew → retry-once rule the SDK follows.
"""

from __future__ import annotations

import contextlib
import os
import ssl
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from yarl import URL

from providers.auth import Secret, TokenCache
from providers.base import Provider, Timeouts, environment_value
from providers.errors import AuthError, NetworkError, ProtocolError, ProviderError
from providers.gigachat_auth import USER_AGENT, normalize_key
from providers.gigachat_login import Transport, choose_method, make_login
from providers.gigachat_settings import (
    DEFAULT_BASE_URL,
    LEGACY_BASE_URL,
    MODEL_VARIABLE,
    environment_timeouts,
    normalize_scope,
)
from providers.http import (
    client_timeout,
    exchange,
    parse_json,
    raise_for_status,
    read_body,
    request_errors,
    russian_ca_pem,
    ssl_context,
)

if TYPE_CHECKING:
    import aiohttp

__all__ = ["MALFORMED", "MAX_BODY", "GigaChatClient"]

#: Largest error or non-stream body read into memory.
MAX_BODY = 4 * 1024 * 1024
#: The reason of the error for data that is not JSON.
MALFORMED = "malformed_answer"
#: Words of the TLS alerts a server sends when it does not accept our client certificate.
_CERT_ALERTS = ("CERTIFICATE_REQUIRED", "BAD_CERTIFICATE", "UNKNOWN_CA", "CERTIFICATE_UNKNOWN")


class GigaChatClient(Provider):
    """GigaChat's settings and authorized requests; `GigaChat` is the provider."""

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        proxy: str | None = None,
        timeouts: Timeouts | None = None,
        auth_method: str | None = None,
        api_key: str | None = None,
        scope: str | None = None,
        access_token: str | None = None,
        user: str | None = None,
        password: str | None = None,
        cert_file: str | os.PathLike[str] | None = None,
        key_file: str | os.PathLike[str] | None = None,
        key_file_password: str | None = None,
        base_url: str | None = None,
        auth_url: str | None = None,
        ca_bundle: str | os.PathLike[str] | None = None,
        token_cache: TokenCache | None = None,
    ) -> None:
        super().__init__(session=session, proxy=proxy, timeouts=environment_timeouts(timeouts))
        token = (access_token or self._setting("access_token")).strip()
        values = {
            "api_key": normalize_key(api_key or self._setting("api_key")),
            "access_token": token[7:].strip() if token[:7].lower() == "bearer " else token,
            "user": (user or self._setting("user")).strip(),
            "password": password or self._setting("password"),
            "cert_file": os.fspath(cert_file) if cert_file else self._setting("cert_file"),
        }
        self.auth_method, inferred = choose_method(auth_method, values)
        self.scope = normalize_scope(scope or self._setting("scope"))
        self.base_url = (base_url or self._setting("base_url")).rstrip("/")
        if self.base_url == DEFAULT_BASE_URL and self.auth_method in ("password", "certificate"):
            self.base_url = LEGACY_BASE_URL  # the new host has no `/token` (SDK README)
        self.auth_url = auth_url or self._setting("auth_url")
        self.ca_bundle = os.fspath(ca_bundle) if ca_bundle else (self._setting("ca_bundle") or None)
        self.cert_file = values["cert_file"] or None
        self.key_file = os.fspath(key_file) if key_file else (self._setting("key_file") or None)
        self._key_password = Secret(key_file_password or self._setting("key_file_password"))
        self._tokens = token_cache if token_cache is not None else TokenCache()
        self._login = make_login(
            self.auth_method,
            values,
            inferred=inferred,
            scope=self.scope,
            auth_url=self.auth_url,
            base_url=self.base_url,
            cache=self._tokens,
        )
        self._ssl: ssl.SSLContext | None = None
        self._api_ssl: ssl.SSLContext | None = None

    @classmethod
    def _setting(cls, name: str) -> str:
        """A config field's environment variable, else its default (the SDK's order)."""
        field = next(f for f in cls.config_fields if f.name == name)
        return environment_value(field.env) or field.default

    @classmethod
    def get_model(cls, model: str | None) -> str:
        """The chosen model, else GIGACHAT_MODEL (as the SDK), else the default."""
        return model or environment_value(MODEL_VARIABLE) or cls.default_model

    @property
    def has_key(self) -> bool:
        return self._login.ready

    def ssl_context(self) -> ssl.SSLContext:
        """System store + Russian Trusted Root CA + `ca_bundle`; built once, on first use."""
        if self._ssl is None:
            self._ssl = ssl_context(extra_ca_pem=russian_ca_pem(), extra_ca_file=self.ca_bundle)
        return self._ssl

    def api_ssl_context(self) -> ssl.SSLContext:
        """The API host's context: the same trust, plus the client certificate if one is
        set (the SDK presents it on the API host only, never to the OAuth host)."""
        if self.cert_file is None:
            return self.ssl_context()
        if self._api_ssl is None:
            context = ssl_context(extra_ca_pem=russian_ca_pem(), extra_ca_file=self.ca_bundle)
            try:
                context.load_cert_chain(
                    self.cert_file, self.key_file, self._key_password.reveal() or None
                )
            except OSError as error:
                if isinstance(error, ssl.SSLError):
                    raise AuthError(reason="client_cert_invalid", detail=str(error)) from None
                path = error.filename or self.cert_file
                raise AuthError(
                    reason="client_cert_unreadable", params={"path": str(path)}
                ) from None
            self._api_ssl = context
        return self._api_ssl

    # -- answers -----------------------------------------------------------------------

    def _parse(self, text: str) -> dict[str, Any]:
        return self._object(parse_json(text, reason=MALFORMED), text)

    def _object(self, value: Any, text: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ProtocolError(reason="unexpected_data", detail=text[:60])
        return value

    async def _get_json(self, path: str) -> dict[str, Any]:
        with request_errors(*self._secrets()):
            async with self._request(
                "GET", path, headers={"Accept": "application/json"}
            ) as response:
                body = await read_body(response, MAX_BODY)
            return self._parse(body.decode("utf-8", "replace"))

    # -- plumbing --------------------------------------------------------------------

    def _require_login(self) -> None:
        if not self.has_key:
            raise self._login.missing()

    def _secrets(self) -> tuple[str, ...]:
        return (*self._login.secrets(), self._key_password.reveal())

    def _proxy(self) -> str | None:
        """The proxy for both hosts; a kind aiohttp cannot use is an error, not ignored."""
        if self.proxy is None:
            return None
        scheme = URL(self.proxy).scheme
        if scheme not in ("http", "https"):
            raise NetworkError(reason="proxy_scheme", params={"scheme": scheme or "?"})
        return self.proxy

    def _transport(self) -> Transport:
        return Transport(
            self.session, self.ssl_context(), self.api_ssl_context(), self._proxy(), self.timeouts
        )

    @contextlib.contextmanager
    def _certificate_refusals(self) -> Iterator[None]:
        """A server that does not take our client certificate says so with a TLS alert
        or, as often, by resetting the connection before it answers."""
        import aiohttp

        try:
            yield
        except NetworkError as error:
            if error.reason != "reset" or self.cert_file is None:
                raise
            raise AuthError(reason="certificate_refused", detail="connection reset") from None
        except (aiohttp.ClientError, ssl.SSLError) as error:
            said = str(error).upper()
            if not any(alert in said for alert in _CERT_ALERTS):
                raise
            raise AuthError(reason="certificate_refused", detail=str(error)) from None

    @contextlib.asynccontextmanager
    async def _request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str],
        data: bytes | Callable[[], Any] | None = None,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """An authorized API call; a 401 drops the token, refreshes it and retries once
        (where the login can get another one).

        The retry happens before any body is read, so no text can be duplicated.
        """
        self._require_login()
        login = self._login
        transport = self._transport()
        for attempt in (1, 2):
            token = await login.token(transport)
            sent = {**headers, "User-Agent": USER_AGENT}
            if token:
                sent["Authorization"] = f"Bearer {token}"
            with self._certificate_refusals():
                async with exchange(
                    self.session.request(
                        method,
                        f"{self.base_url}{path}",
                        data=data() if callable(data) else data,
                        headers=sent,
                        ssl=transport.api_ssl,
                        proxy=transport.proxy,
                        timeout=client_timeout(self.timeouts),
                    )
                ) as response:
                    if response.status == 401:
                        if attempt == 1 and login.forget(token):
                            continue
                        try:
                            await raise_for_status(response)
                        except ProviderError as error:
                            raise login.refused(error) from None
                    await raise_for_status(response)
                    yield response
                    return
