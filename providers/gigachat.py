"""GigaChat (Sber) over its REST API v1, the way the official Python SDK speaks it.

The authorization key is traded for a 30-minute access token at a separate OAuth host
(providers/gigachat_auth.py); tokens live in a TokenCache shared by requests. Both
hosts chain to the Russian Trusted Root CA, which ships with the package and is added
to (never replaces) the system trust store.
"""

from __future__ import annotations

import contextlib
import json
import os
import ssl
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from yarl import URL

from providers.auth import Secret, Token, TokenCache
from providers.base import (
    ChatOptions,
    Chunk,
    ConfigField,
    FinishReason,
    Messages,
    Provider,
    Timeouts,
    Usage,
    environment_value,
)
from providers.delta_stream import read_deltas
from providers.errors import (
    MissingAuthError,
    NetworkError,
    ProtocolError,
    ProviderError,
    error_for_status,
)
from providers.gigachat_auth import USER_AGENT, fetch_token, normalize_key
from providers.http import (
    client_timeout,
    parse_json,
    raise_for_status,
    read_body,
    request_errors,
    russian_ca_pem,
    server_message,
    ssl_context,
)

if TYPE_CHECKING:
    import aiohttp

__all__ = ["DEFAULT_AUTH_URL", "DEFAULT_BASE_URL", "SCOPES", "USER_AGENT", "GigaChat"]

DEFAULT_BASE_URL = "https://gigachat.devices.sberbank.ru/api/v1"
DEFAULT_AUTH_URL = "https://ngw.devices.sberbank.ru:9443/api/v2/oauth"
SCOPES = ("GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP")
#: The official SDK's variable for the authorization key.
KEY_VARIABLE = "GIGACHAT_CREDENTIALS"
#: Largest error or non-stream body read into memory.
_MAX_BODY = 4 * 1024 * 1024


def _normalize_scope(scope: str) -> str:
    """Accept `PERS`/`b2b` as shorthands of `GIGACHAT_API_PERS`/`GIGACHAT_API_B2B`."""
    scope = scope.strip().upper()
    return f"GIGACHAT_API_{scope}" if scope in ("PERS", "B2B", "CORP") else scope


def _error_object(data: Mapping[str, Any]) -> ProviderError:
    """A `{"status", "message"}` object where an answer was expected."""
    status = data.get("status")
    message = data.get("message")
    text = message if isinstance(message, str) else json.dumps(data, ensure_ascii=False)[:200]
    if isinstance(status, int) and not isinstance(status, bool) and status >= 400:
        return error_for_status(status, text)
    return ProtocolError(reason="error_instead_of_answer", detail=text)


#: The reason of the error for an event's data that is not JSON.
_MALFORMED = "malformed_answer"


class GigaChat(Provider):
    """Sber's GigaChat: OAuth key → access token → chat completions (SSE or JSON)."""

    name: ClassVar[str] = "gigachat"
    label: ClassVar[str] = "GigaChat"
    url: ClassVar[str] = "https://developers.sber.ru/gigachat"
    working: ClassVar[bool] = True
    needs_auth: ClassVar[bool] = True
    supports_system_message: ClassVar[bool] = True
    default_model: ClassVar[str] = "GigaChat"
    models: ClassVar[tuple[str, ...]] = (
        "GigaChat",
        "GigaChat-Pro",
        "GigaChat-Max",
        "GigaChat-2",
        "GigaChat-2-Pro",
        "GigaChat-2-Max",
    )
    supported_options: ClassVar[frozenset[str]] = frozenset(
        {"temperature", "top_p", "max_tokens", "repetition_penalty", "update_interval"}
    )
    config_fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField("api_key", "Authorization key", kind="secret", env=KEY_VARIABLE),
        ConfigField(
            "scope",
            "Scope",
            kind="choice",
            choices=SCOPES,
            default=SCOPES[0],
            env="GIGACHAT_SCOPE",
        ),
        ConfigField(
            "base_url",
            "API base URL",
            kind="url",
            default=DEFAULT_BASE_URL,
            env="GIGACHAT_BASE_URL",
            advanced=True,
        ),
        ConfigField(
            "auth_url",
            "OAuth URL",
            kind="url",
            default=DEFAULT_AUTH_URL,
            env="GIGACHAT_AUTH_URL",
            advanced=True,
        ),
        ConfigField("ca_bundle", "Extra CA file", kind="file", env="GIGACHAT_CA_BUNDLE_FILE"),
    )

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        proxy: str | None = None,
        timeouts: Timeouts | None = None,
        api_key: str | None = None,
        scope: str | None = None,
        base_url: str | None = None,
        auth_url: str | None = None,
        ca_bundle: str | os.PathLike[str] | None = None,
        token_cache: TokenCache | None = None,
    ) -> None:
        super().__init__(session=session, proxy=proxy, timeouts=timeouts)
        self._api_key = Secret(normalize_key(api_key or self._setting("api_key")))
        self.scope = _normalize_scope(scope or self._setting("scope"))
        self.base_url = (base_url or self._setting("base_url")).rstrip("/")
        self.auth_url = auth_url or self._setting("auth_url")
        self.ca_bundle = os.fspath(ca_bundle) if ca_bundle else (self._setting("ca_bundle") or None)
        self._tokens = token_cache if token_cache is not None else TokenCache()
        self._token_key = TokenCache.key(self._api_key.reveal(), self.scope, self.auth_url)
        self._ssl: ssl.SSLContext | None = None

    @classmethod
    def _setting(cls, name: str) -> str:
        """A config field's environment variable, else its default (the SDK's order)."""
        field = next(f for f in cls.config_fields if f.name == name)
        return environment_value(field.env) or field.default

    @property
    def has_key(self) -> bool:
        return bool(self._api_key)

    def ssl_context(self) -> ssl.SSLContext:
        """System store + Russian Trusted Root CA + `ca_bundle`; built once, on first use."""
        if self._ssl is None:
            self._ssl = ssl_context(extra_ca_pem=russian_ca_pem(), extra_ca_file=self.ca_bundle)
        return self._ssl

    # -- the chat --------------------------------------------------------------------

    async def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:
        self._require_key()
        body = self._chat_body(model, messages, stream, options)
        headers = {"Content-Type": "application/json"}
        if stream:
            headers.update({"Accept": "text/event-stream", "Cache-Control": "no-store"})
        else:
            headers["Accept"] = "application/json"
        with request_errors(self._api_key.reveal()):
            async with self._request(
                "POST", "/chat/completions", data=body, headers=headers
            ) as response:
                if stream:
                    async with contextlib.aclosing(self._read_stream(response)) as chunks:
                        async for chunk in chunks:
                            yield chunk
                else:
                    for chunk in await self._read_whole(response):
                        yield chunk

    @staticmethod
    def _chat_body(model: str, messages: Messages, stream: bool, options: ChatOptions) -> bytes:
        """The request JSON: only non-null fields, non-ASCII kept as UTF-8 (as the SDK)."""
        payload: dict[str, Any] = {
            "model": model,
            "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
        }
        if stream:
            payload["stream"] = True
        payload.update({k: v for k, v in options.items() if v is not None})
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    async def _read_stream(self, response: aiohttp.ClientResponse) -> AsyncGenerator[Chunk, None]:
        if response.content_type != "text/event-stream":
            raise await self._not_a_stream(response)
        async for chunk in read_deltas(
            response, self._read_event, cut="stopped_early", malformed=_MALFORMED
        ):
            yield chunk

    def _read_event(self, value: Any, data: str) -> tuple[str, str | None, Usage | None]:
        return self._choice(self._object(value, data), "delta")

    async def _read_whole(self, response: aiohttp.ClientResponse) -> list[Chunk]:
        data = self._parse((await read_body(response, _MAX_BODY)).decode("utf-8", "replace"))
        content, finish, usage = self._choice(data, "message")
        chunks: list[Chunk] = []
        if content:
            chunks.append(content)
        if finish:
            chunks.append(FinishReason(finish))
        if usage:
            chunks.append(usage)
        return chunks

    async def _not_a_stream(self, response: aiohttp.ClientResponse) -> ProviderError:
        """A 200 that should have been an event stream: usually a JSON error object."""
        body = await read_body(response, 64 * 1024)
        with contextlib.suppress(ValueError):
            data = json.loads(body)
            if isinstance(data, dict) and ("status" in data or "message" in data):
                return _error_object(data)
        detail = server_message(body, response.content_type)
        if not response.content_type:
            return ProtocolError(reason="no_content_type", detail=detail)
        return ProtocolError(
            reason="not_event_stream", params={"content_type": response.content_type}, detail=detail
        )

    def _parse(self, text: str) -> dict[str, Any]:
        return self._object(parse_json(text, reason=_MALFORMED), text)

    def _object(self, value: Any, text: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ProtocolError(reason="unexpected_data", detail=text[:60])
        return value

    def _choice(self, data: dict[str, Any], part: str) -> tuple[str, str | None, Usage | None]:
        """Text, finish reason and usage of `choices[0]` (`delta` in streams, else `message`)."""
        choices = data.get("choices")
        if not isinstance(choices, list):
            if "status" in data or "message" in data:
                raise _error_object(data)
            raise ProtocolError(reason="no_choices")
        text = ""
        reason: str | None = None
        if choices and isinstance(choices[0], dict):
            body = choices[0].get(part)
            content = body.get("content") if isinstance(body, dict) else None
            text = content if isinstance(content, str) else ""
            finish = choices[0].get("finish_reason")
            reason = finish if isinstance(finish, str) and finish else None
        return text, reason, Usage.from_json(data.get("usage"))

    # -- models ----------------------------------------------------------------------

    async def _list_models(self) -> list[str]:
        """Chat models from `GET /models` when a key is set, else the static list.

        With a key, failures are raised (typed) so Settings can say what is wrong.
        """
        if not self.has_key:
            return list(self.models)
        with request_errors(self._api_key.reveal()):
            async with self._request(
                "GET", "/models", headers={"Accept": "application/json"}
            ) as response:
                body = await read_body(response, _MAX_BODY)
            data = self._parse(body.decode("utf-8", "replace"))
        items = data.get("data")
        if not isinstance(items, list):
            raise ProtocolError(reason="no_model_data")
        return [
            item["id"]
            for item in items
            if isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and item.get("type", "chat") == "chat"
        ]

    # -- plumbing --------------------------------------------------------------------

    def _require_key(self) -> None:
        if not self.has_key:
            raise MissingAuthError(reason="no_key_env", params={"variable": KEY_VARIABLE})

    def _proxy(self) -> str | None:
        """The proxy for both hosts; a kind aiohttp cannot use is an error, not ignored."""
        if self.proxy is None:
            return None
        scheme = URL(self.proxy).scheme
        if scheme not in ("http", "https"):
            raise NetworkError(reason="proxy_scheme", params={"scheme": scheme or "?"})
        return self.proxy

    @contextlib.asynccontextmanager
    async def _request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str],
        data: bytes | None = None,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """An authorized API call; a 401 drops the token, refreshes it and retries once.

        The retry happens before any body is read, so no text can be duplicated.
        """
        self._require_key()
        for attempt in (1, 2):
            token = await self._tokens.get(self._token_key, self._fetch_token)
            async with self.session.request(
                method,
                f"{self.base_url}{path}",
                data=data,
                headers={**headers, "Authorization": f"Bearer {token}", "User-Agent": USER_AGENT},
                ssl=self.ssl_context(),
                proxy=self._proxy(),
                timeout=client_timeout(self.timeouts),
            ) as response:
                if response.status == 401 and attempt == 1:
                    self._tokens.invalidate(self._token_key, token)
                    continue
                await raise_for_status(response)
                yield response
                return

    async def _fetch_token(self) -> Token:
        return await fetch_token(
            self.session,
            self.auth_url,
            self._api_key.reveal(),
            self.scope,
            ssl_context=self.ssl_context(),
            proxy=self._proxy(),
            timeouts=self.timeouts,
        )
