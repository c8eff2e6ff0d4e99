"""The provider contract: messages, options, stream items and the Provider base.

A provider *instance* holds configuration, the app's shared aiohttp session and its
per-credential state; `stream()` is the one thing it does. The seeds' classmethod
`create_async_generator` stays as a thin compatibility door onto a throwaway instance.
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypedDict, cast

from providers.errors import BadRequestError, ProviderError

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "ChatOptions",
    "Chunk",
    "ConfigField",
    "FinishReason",
    "Message",
    "Messages",
    "Provider",
    "Timeouts",
    "Usage",
    "environment_value",
]

Role = Literal["system", "user", "assistant"]


class Message(TypedDict):
    role: Role
    content: str


Messages = Sequence[Message]


class ChatOptions(TypedDict, total=False):
    """Generation options a provider may accept; each provider lists the ones it takes."""

    temperature: float
    top_p: float
    max_tokens: int
    repetition_penalty: float
    update_interval: float


OPTION_TYPES: Mapping[str, type | tuple[type, ...]] = {
    "temperature": (int, float),
    "top_p": (int, float),
    "max_tokens": int,
    "repetition_penalty": (int, float),
    "update_interval": (int, float),
}


@dataclasses.dataclass(frozen=True)
class FinishReason:
    """Yielded once at the end of a reply when the server said why it stopped."""

    reason: str


@dataclasses.dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    @classmethod
    def from_json(cls, data: Any) -> Usage | None:
        """The counts of an OpenAI-style `usage` object; None when it holds none."""
        if not isinstance(data, Mapping):
            return None
        counts = {
            name: data[name]
            for name in ("prompt_tokens", "completion_tokens", "total_tokens")
            if isinstance(data.get(name), int) and not isinstance(data.get(name), bool)
        }
        return cls(**counts) if counts else None


Chunk = str | FinishReason | Usage


@dataclasses.dataclass(frozen=True)
class Timeouts:
    """Network timeouts in seconds; `read` is the longest silence allowed mid-stream."""

    connect: float = 15.0
    read: float = 60.0


@dataclasses.dataclass(frozen=True)
class ConfigField:
    """One setting a provider takes; drives the settings dialog and `__init__` keywords."""

    name: str
    label: str
    kind: Literal["text", "secret", "url", "choice", "file"] = "text"
    choices: tuple[str, ...] = ()
    default: str = ""
    env: str = ""
    advanced: bool = False


def environment_value(variable: str) -> str | None:
    """A setting's environment variable (`ConfigField.env`), stripped; None when unset or
    blank. The one reading of it: the key, the other settings and the seeds' door all take
    an environment variable over a saved value, as the official GigaChat SDK does."""
    import os

    return (os.environ.get(variable, "") if variable else "").strip() or None


class Provider(abc.ABC):
    """Base of every provider. Subclasses declare capabilities and implement `_stream`
    (and `_list_models` where the service lists its models); `stream` and `list_models`
    check the request and stamp this provider's label on every error."""

    #: Stable identifier used in settings, the database and `besedka ask --provider`.
    name: ClassVar[str]
    #: Human-readable name for the picker.
    label: ClassVar[str]
    url: ClassVar[str] = ""
    working: ClassVar[bool] = False
    needs_auth: ClassVar[bool] = False
    supports_system_message: ClassVar[bool] = False
    default_model: ClassVar[str] = ""
    models: ClassVar[tuple[str, ...]] = ()
    #: Option names from ChatOptions this provider sends; any other option is an error.
    supported_options: ClassVar[frozenset[str]] = frozenset()
    #: Settings this provider takes (keywords of `__init__`), for the settings dialog.
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        proxy: str | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        self.session = session
        self.proxy = proxy or None
        self.timeouts = timeouts or Timeouts()

    def __repr__(self) -> str:
        # Never show configuration here: it may hold a key.
        return f"<{type(self).__name__} provider>"

    @property
    def has_key(self) -> bool:
        """Whether a credential is configured; providers that need one override this."""
        return not self.needs_auth

    @classmethod
    def get_model(cls, model: str | None) -> str:
        """The seeds' model resolution: empty → the default model."""
        return model or cls.default_model

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> ChatOptions:
        """Reject options this provider does not take or of the wrong type."""
        checked: dict[str, Any] = {}
        for key, value in options.items():
            if value is None:
                continue
            if key not in cls.supported_options:
                raise BadRequestError(
                    reason="bad_option", params={"option": key}, provider=cls.label
                )
            expected = OPTION_TYPES[key]
            if isinstance(value, bool) or not isinstance(value, expected):
                raise BadRequestError(
                    reason="option_type", params={"option": key}, provider=cls.label
                )
            checked[key] = value
        return cast(ChatOptions, checked)

    async def list_models(self) -> list[str]:
        """The live model list where the service has one (`_list_models`); the static
        list otherwise. Errors carry this provider's label, as from `stream`."""
        try:
            return await self._list_models()
        except ProviderError as error:
            error.with_provider(self.label)
            raise

    async def _list_models(self) -> list[str]:
        """Provider-specific model listing; the static list unless overridden."""
        return list(self.models)

    @classmethod
    def lists_live_models(cls) -> bool:
        """Whether `list_models` asks the service (Settings → Test connection uses it)."""
        return cls._list_models is not Provider._list_models

    async def stream(
        self,
        model: str | None,
        messages: Messages,
        *,
        stream: bool = True,
        options: Mapping[str, Any] | None = None,
    ) -> AsyncGenerator[Chunk, None]:
        """Yield the reply as text deltas, then optional FinishReason and Usage items."""
        if not messages:
            raise BadRequestError(reason="no_message", provider=self.label)
        checked = self.check_options(options or {})
        try:
            async for chunk in self._stream(self.get_model(model), messages, stream, checked):
                yield chunk
        except ProviderError as error:
            error.with_provider(self.label)
            raise

    @abc.abstractmethod
    def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:
        """Provider-specific request and decoding; an async generator."""

    @classmethod
    async def create_async_generator(
        cls,
        model: str,
        messages: Messages,
        stream: bool = True,
        proxy: str | None = None,
        **kwargs: Any,
    ) -> AsyncGenerator[Chunk, None]:
        """The seeds' door: configuration keywords and options in one call.

        Keywords that name a config field (or `session`, `timeouts`) configure a throwaway
        instance; the rest must be supported options.
        """
        import aiohttp

        config_names = {f.name for f in cls.config_fields} | {"timeouts"}
        config = {k: v for k, v in kwargs.items() if k in config_names}
        options = {k: v for k, v in kwargs.items() if k not in config_names and k != "session"}
        session: aiohttp.ClientSession | None = kwargs.get("session")
        async with contextlib.AsyncExitStack() as stack:
            if session is None:
                session = await stack.enter_async_context(aiohttp.ClientSession())
            provider = cls(session=session, proxy=proxy, **config)
            async for chunk in provider.stream(model, messages, stream=stream, options=options):
                yield chunk
