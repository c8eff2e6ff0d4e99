"""Builds configured provider instances on the app's shared session.

Instances are cached per configuration, so a GigaChat token survives between requests
and is refreshed once for all concurrent ones; a settings change yields a new instance.
Each OpenAI-compatible profile (gui/core/profiles.py) is a provider name of its own, on
the one OpenAICompatible class. A SOCKS proxy cannot be given per request (aiohttp takes
only http(s) there): a provider configured with one gets a session of its own whose
connector is the proxy (providers/socks.py), one per proxy URL, closed by `aclose`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gui.core.errors import error_info, setup_error
from gui.core.keychain import KeychainUnavailableError
from gui.core.profiles import BASE, Profile, base_of, is_profile, profile_info
from gui.core.provider_info import describe
from gui.values import BalanceLine, ConnectionResult, ProviderInfo
from providers.base import Message, Provider, Retrying, Timeouts
from providers.errors import MissingAuthError, ProviderError
from providers.registry import provider_class, provider_names

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger(__name__)

#: provider → its constructor keywords; the settings layer supplies it. Async because
#: reading a key from the keychain is a D-Bus call that must not block the GUI thread.
ConfigSource = Callable[[ProviderInfo], Awaitable[Mapping[str, str | None]]]
#: The saved OpenAI-compatible profiles (`Settings.profiles`), asked on every use.
ProfileSource = Callable[[], Sequence[Profile]]


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
        profiles: ProfileSource | None = None,
    ) -> None:
        self._session = session
        self._config_source = config_source
        self._timeouts = timeouts
        self._classes = dict(classes) if classes is not None else None
        self._profiles = profiles or (lambda: ())
        self._instances: dict[str, tuple[tuple[Any, ...], Provider]] = {}
        self._token_cache: Any = None
        self._server_notes: dict[str, bool] = {}
        self._models: dict[Provider, list[str]] = {}
        #: SOCKS proxy URL → the session tunnelling through it.
        self._socks: dict[str, aiohttp.ClientSession] = {}

    async def aclose(self) -> None:
        """Close the SOCKS sessions (the shared session is its owner's to close)."""
        sessions, self._socks = list(self._socks.values()), {}
        for session in sessions:
            await session.close()

    async def __aenter__(self) -> ProviderFactory:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _base_names(self) -> list[str]:
        return list(self._classes) if self._classes is not None else provider_names()

    def _profile(self, name: str) -> Profile | None:
        """The saved profile `name`; the first one is there even when never saved."""
        found = next((p for p in self._profiles() if p.name == name), None)
        return found or (Profile(BASE) if name == BASE else None)

    def names(self) -> list[str]:
        """Every provider name in picker order, each profile right after the first one."""
        names: list[str] = []
        for name in self._base_names():
            names.append(name)
            if name == BASE:
                names += [p.name for p in self._profiles() if p.name != BASE]
        return names

    def cls(self, name: str) -> type[Provider]:
        """The class behind a name; a profile's, saved or not yet (Settings tests one
        before OK), is its provider's."""
        base = base_of(name)
        if self._classes is not None:
            return self._classes[base]
        return provider_class(base)

    def info(self, name: str) -> ProviderInfo:
        """The description of a provider or of a saved profile (KeyError otherwise)."""
        info = describe(self.cls(name))
        if not is_profile(name):
            return info
        profile = self._profile(name)
        if profile is None:
            raise KeyError(f"no profile named {name!r}")
        return profile_info(info, profile)

    def infos(self) -> list[ProviderInfo]:
        return [self.info(name) for name in self.names()]

    async def get(self, name: str) -> Provider:
        """The configured instance for `name`, rebuilt only when its settings changed."""
        info = self.info(name)
        config = dict(await self._config_source(info))
        timeouts = self._timeouts()
        key = (tuple(sorted(config.items())), timeouts, info.label)  # a renamed profile too
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
        if "server_notes" in parameters:  # what servers were found to take, for the run
            kwargs["server_notes"] = self._server_notes
        session = self._session
        if _is_socks(kwargs.get("proxy")):
            session = self._socks_session(kwargs.pop("proxy"))
        instance = cls(session=session, timeouts=timeouts, **kwargs)
        if is_profile(name):
            # Its errors name the profile ("DeepSeek: …"), not the class's label: the
            # instance's own `label` is what `Provider.stream` stamps on them.
            instance.__dict__["label"] = self._label(name)
        return instance

    def _socks_session(self, url: str) -> aiohttp.ClientSession:
        """The session tunnelling through the SOCKS proxy `url`, made on first use. The
        URL (its password too) stays in memory: it is never logged."""
        session = self._socks.get(url)
        if session is None or session.closed:
            from providers.socks import socks_connector  # aiohttp-socks only when used

            session = self._socks[url] = client_session(connector=socks_connector(url))
        return session

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
            if provider.has_key and provider.lists_live_models():
                models = await provider.list_models()
                balance = await _balance(provider)
                return ConnectionResult(True, label, models=len(models), balance=balance)
            # Without its credential a provider says which one is missing (GigaChat's
            # password, token or certificate) before any request; a ping otherwise.
            await _ping(provider)
            if not provider.has_key:
                raise MissingAuthError(reason="no_key", provider=label)
        except ProviderError as error:
            info = error_info(error, label)
            return ConnectionResult(False, label, error=dataclasses.replace(info, provider=label))
        except Exception as error:  # settings the class cannot take, or our bug
            log.warning("connection test for %s: %s", name, type(error).__name__, exc_info=True)
            return ConnectionResult(False, label, error=setup_error(error, label))
        return ConnectionResult(True, label)

    def _label(self, name: str) -> str:
        try:
            return self.info(name).label
        except Exception:  # an unknown name (a profile not saved yet) is shown as it is
            return self.cls(name).label if is_profile(name) else name


def _is_socks(proxy: object) -> bool:
    """Whether a proxy URL is for a SOCKS proxy (providers/socks.py knows which kinds)."""
    return isinstance(proxy, str) and proxy.strip().lower().startswith("socks")


async def _ping(provider: Provider) -> None:
    """A one-token question; the first piece of an answer (not a retry notice) is enough."""
    options = {"max_tokens": 1} if "max_tokens" in provider.supported_options else {}
    ping: list[Message] = [{"role": "user", "content": "ping"}]
    replies = provider.stream(None, ping, options=options)
    async with contextlib.aclosing(replies):
        async for chunk in replies:
            if not isinstance(chunk, Retrying):
                break


async def _balance(provider: Provider) -> tuple[BalanceLine, ...] | None:
    """What is left of the account (GigaChat's `/balance`), where the provider can tell;
    a failure only leaves it out: the connection itself worked."""
    method = getattr(provider, "balance", None)
    if not callable(method):
        return None
    try:
        entries = await method()
    except ProviderError as error:
        log.info("balance unavailable: %s", error)
        return None
    if entries is None:
        return None
    return tuple(BalanceLine(str(entry.usage), float(entry.value)) for entry in entries)
