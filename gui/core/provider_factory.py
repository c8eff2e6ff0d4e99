"""Builds configured provider instances on the app's shared session.

Instances are cached per configuration, so a GigaChat token survives between requests
and is refreshed once for all concurrent ones; a settings change yields a new instance.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from gui.core.provider_info import describe
from gui.values import ProviderInfo
from providers.base import Message, Provider, Timeouts
from providers.errors import MissingAuthError, ProviderError
from providers.registry import provider_class, provider_names

if TYPE_CHECKING:
    import aiohttp

#: provider → its constructor keywords; the settings layer supplies it. Async because
#: reading a key from the keychain is a D-Bus call that must not block the GUI thread.
ConfigSource = Callable[[ProviderInfo], Awaitable[Mapping[str, str | None]]]


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
    ) -> tuple[bool, str]:
        """A real request with the given (unsaved) settings, in plain words."""
        try:
            provider = self.build(name, config, self._timeouts())  # a bad CA file fails here
            if not provider.has_key:
                raise MissingAuthError("no key is set", provider=provider.label)
            if type(provider).list_models is not Provider.list_models:
                models = await provider.list_models()
                return True, f"{provider.label}: connected, {len(models)} models available."
            options = {"max_tokens": 1} if "max_tokens" in provider.supported_options else {}
            ping: list[Message] = [{"role": "user", "content": "ping"}]
            replies = provider.stream(None, ping, options=options)
            async with contextlib.aclosing(replies):
                async for _chunk in replies:
                    break
        except ProviderError as error:
            return False, error.user_message
        return True, f"{provider.label}: connected."
