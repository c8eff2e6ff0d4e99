"""Builds configured provider instances on the app's shared session.

Instances are cached per configuration, so a GigaChat token survives between requests
and is refreshed once for all concurrent ones; a settings change yields a new instance.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from gui.core.errors import error_info, setup_error
from gui.core.keychain import KeychainUnavailableError
from gui.core.provider_info import describe
from gui.values import ConnectionResult, ProviderInfo
from providers.base import Message, Provider, Timeouts
from providers.errors import MissingAuthError, ProviderError
from providers.registry import provider_class, provider_names

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger(__name__)

#: provider → its constructor keywords; the settings layer supplies it. Async because
#: reading a key from the keychain is a D-Bus call that must not block the GUI thread.
ConfigSource = Callable[[ProviderInfo], Awaitable[Mapping[str, str | None]]]


def client_session(**kwargs: Any) -> aiohttp.ClientSession:
    """The HTTP session providers share. Request bodies are serialized with orjson: a
    long chat's history is sent with every reply, and the standard library's escaped
    JSON is twice the bytes and several times the time (about 3 ms for 1,000 messages)
    before the first token can even be asked for. Where aiohttp takes bytes (3.12+),
    orjson's bytes go out as they are: no detour through a str of the whole history
    (about 1.3 ms more for 1,000 messages)."""
    import aiohttp
    import orjson

    def dumps(value: Any) -> str:
        return orjson.dumps(value).decode()

    if "json_serialize_bytes" in inspect.signature(aiohttp.ClientSession).parameters:
        kwargs.setdefault("json_serialize_bytes", orjson.dumps)
    return aiohttp.ClientSession(json_serialize=dumps, **kwargs)


class ProviderFactory:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        config_source: ConfigSource,
        *,
        timeouts: Callable[[], Timeouts] = Timeouts,
        classes: Mapping[str, type[Provider]] | None = None,
    ) -> None:
        self._session = session
        self._config_source = config_source
        self._timeouts = timeouts
        self._classes = dict(classes) if classes is not None else None
        self._instances: dict[str, tuple[tuple[Any, ...], Provider]] = {}
        self._token_cache: Any = None
        self._models: dict[Provider, list[str]] = {}

    def names(self) -> list[str]:
        return list(self._classes) if self._classes is not None else provider_names()

    def cls(self, name: str) -> type[Provider]:
        if self._classes is not None:
            return self._classes[name]
        return provider_class(name)

    def info(self, name: str) -> ProviderInfo:
        return describe(self.cls(name))

    def infos(self) -> list[ProviderInfo]:
        return [self.info(name) for name in self.names()]

    async def get(self, name: str) -> Provider:
        """The configured instance for `name`, rebuilt only when its settings changed."""
        config = dict(await self._config_source(self.info(name)))
        timeouts = self._timeouts()
        key = (tuple(sorted(config.items())), timeouts)
        cached = self._instances.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]
        instance = self.build(name, config, timeouts)
        self._instances[name] = (key, instance)
        return instance

    async def models(self, name: str) -> list[str]:
        """The live list once per configured instance (a settings change makes a new one),
        not on every chat switch; a failure falls back to the static list and is retried."""
        try:
            instance = await self.get(name)
            models = self._models.get(instance)
            if models is None:
                models = self._models[instance] = await instance.list_models()
        except (ProviderError, KeychainUnavailableError) as error:  # a locked keychain too
            log.info("live model list unavailable: %s", error)
            return list(self.info(name).models)
        return models

    def build(self, name: str, config: Mapping[str, str | None], timeouts: Timeouts) -> Provider:
        cls = self.cls(name)
        parameters = inspect.signature(cls).parameters
        kwargs: dict[str, Any] = {k: v for k, v in config.items() if k in parameters and v}
        if "token_cache" in parameters:
            kwargs["token_cache"] = self._shared_token_cache()
        return cls(session=self._session, timeouts=timeouts, **kwargs)

    def _shared_token_cache(self) -> Any:
        """One token cache for the app; it keys tokens by credential itself."""
        if self._token_cache is None:
            from providers.auth import TokenCache

            self._token_cache = TokenCache()
        return self._token_cache

    async def test_connection(
        self, name: str, config: Mapping[str, str | None]
    ) -> ConnectionResult:
        """A real request with the given (unsaved) settings; the dialog words the result."""
        label = self._label(name)
        try:
            provider = self.build(name, config, self._timeouts())  # a bad CA file fails here
            label = provider.label
            if not provider.has_key:
                raise MissingAuthError(reason="no_key", provider=label)
            if provider.lists_live_models():
                models = await provider.list_models()
                return ConnectionResult(True, label, models=len(models))
            options = {"max_tokens": 1} if "max_tokens" in provider.supported_options else {}
            ping: list[Message] = [{"role": "user", "content": "ping"}]
            replies = provider.stream(None, ping, options=options)
            async with contextlib.aclosing(replies):
                async for _chunk in replies:
                    break
        except ProviderError as error:
            return ConnectionResult(False, label, error=error_info(error, label))
        except Exception as error:  # settings the class cannot take, or our bug
            log.warning("connection test for %s: %s", name, type(error).__name__, exc_info=True)
            return ConnectionResult(False, label, error=setup_error(error, label))
        return ConnectionResult(True, label)

    def _label(self, name: str) -> str:
        try:
            return self.cls(name).label
        except Exception:  # an unknown name is shown as it is
            return name
