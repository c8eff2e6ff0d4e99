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
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Literal,
    NotRequired,
    Protocol,
    TypedDict,
    cast,
)

from providers.errors import BadRequestError, ProviderError
from providers.retry import RetryPolicy, with_retries
from providers.tools import ToolCall, ToolSpec

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "REASONING_EFFORTS",
    "Attachment",
    "ChatOptions",
    "Chunk",
    "ConfigField",
    "FinishReason",
    "Message",
    "Messages",
    "Provider",
    "Reasoning",
    "Retrying",
    "Timeouts",
    "ToolCall",
    "ToolSpec",
    "UploadCache",
    "Usage",
    "environment_value",
]

Role = Literal["system", "user", "assistant", "tool"]


class UploadCache(Protocol):
    """Where a provider keeps the id a service gave one file for one credential, so the
    same file is not uploaded twice (the history keeps them; `credential` is a one-way
    fingerprint, never a key)."""

    def get(self, credential: str) -> str | None: ...
    def put(self, credential: str, file_id: str) -> None: ...
    def forget(self, credential: str) -> None: ...


@dataclasses.dataclass(frozen=True)
class Attachment:
    """A file attached to a user message: kept content-addressed at `path` (its bytes are
    read off the event loop when sent). `uploads` remembers service file ids."""

    name: str
    mime: str
    size: int
    sha256: str
    path: str
    uploads: UploadCache | None = dataclasses.field(default=None, compare=False)

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


class Message(TypedDict):
    """One message of the history. A reply that called tools carries its calls
    (`tool_calls`); each result is a "tool" message naming its call (`tool_call_id`) and
    tool (`name`). Each provider turns these into its service's form."""

    role: Role
    content: str
    tool_calls: NotRequired[Sequence[ToolCall]]
    tool_call_id: NotRequired[str]
    name: NotRequired[str]
    #: a "tool" message whose call failed or was denied (GigaChat sends it as `error`)
    is_error: NotRequired[bool]
    #: files attached to a user message, in order
    attachments: NotRequired[Sequence[Attachment]]


Messages = Sequence[Message]


class ChatOptions(TypedDict, total=False):
    """Generation options a provider may accept; each provider lists the ones it takes."""

    temperature: float
    top_p: float
    max_tokens: int
    repetition_penalty: float
    update_interval: float
    #: How hard a reasoning model thinks: one of REASONING_EFFORTS.
    reasoning_effort: str
    #: A stable id of the conversation (GigaChat's `X-Session-ID`: its prompt cache).
    session_id: str


REASONING_EFFORTS = ("low", "medium", "high")

OPTION_TYPES: Mapping[str, type | tuple[type, ...]] = {
    "temperature": (int, float),
    "top_p": (int, float),
    "max_tokens": int,
    "repetition_penalty": (int, float),
    "update_interval": (int, float),
    "reasoning_effort": str,
    "session_id": str,
}
#: Options whose value must be one of a few words.
OPTION_VALUES: Mapping[str, tuple[str, ...]] = {"reasoning_effort": REASONING_EFFORTS}


@dataclasses.dataclass(frozen=True)
class FinishReason:
    """Yielded once at the end of a reply when the server said why it stopped."""

    reason: str


@dataclasses.dataclass(frozen=True)
class Reasoning:
    """A piece of the model's thinking, shown apart from the answer and never sent back.

    Yielded in order with the text pieces (thinking usually comes first); consecutive
    pieces concatenate, as text pieces do."""

    text: str


@dataclasses.dataclass(frozen=True)
class Retrying:
    """Nothing was shown yet and the request failed in a way worth repeating: the stream
    waits `delay` seconds and then makes retry number `attempt` (1, 2). `status` is the
    HTTP status that caused it, None for a connection reset before any reply."""

    delay: float
    attempt: int
    status: int | None


def _count(data: Mapping[str, Any], name: str) -> int | None:
    value = data.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclasses.dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    #: Prompt tokens the service served from its cache (part of `prompt_tokens`).
    cached_tokens: int = 0

    @classmethod
    def from_json(cls, data: Any) -> Usage | None:
        """The counts of a `usage` object (OpenAI's, with `prompt_tokens_details.
        cached_tokens`, or GigaChat's, with `precached_prompt_tokens`); None when it
        holds none."""
        if not isinstance(data, Mapping):
            return None
        counts: dict[str, int] = {}
        for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
            if (value := _count(data, name)) is not None:
                counts[name] = value
        details = data.get("prompt_tokens_details")
        cached = _count(details, "cached_tokens") if isinstance(details, Mapping) else None
        if cached is None:
            cached = _count(data, "precached_prompt_tokens")
        if cached is not None:
            counts["cached_tokens"] = cached
        return cls(**counts) if counts else None


#: What `Provider.stream` yields: answer text (`str`), thinking, a retry notice, and at
#: the end the tool calls the model asked for, the finish reason and the token counts.
Chunk = str | Reasoning | Retrying | ToolCall | FinishReason | Usage


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
    #: (other field, its values): the field matters only while that field has one of
    #: them, e.g. `("auth_method", ("password",))`; empty: always.
    shown_when: tuple[str, tuple[str, ...]] | tuple[()] = ()


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
    #: Whether `stream` takes `tools` (function calling) and "tool" messages.
    supports_tools: ClassVar[bool] = False
    default_model: ClassVar[str] = ""
    models: ClassVar[tuple[str, ...]] = ()
    #: Option names from ChatOptions this provider sends; any other option is an error.
    supported_options: ClassVar[frozenset[str]] = frozenset()
    #: Settings this provider takes (keywords of `__init__`), for the settings dialog.
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()
    #: When and how often `stream` repeats a request that failed before any text; an
    #: instance (or a subclass) may set its own, e.g. `RetryPolicy(retries=0)`.
    retry_policy: RetryPolicy = RetryPolicy()

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
            if key in OPTION_VALUES and value not in OPTION_VALUES[key]:
                raise BadRequestError(
                    reason="option_value", params={"option": key}, provider=cls.label
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
        tools: Sequence[ToolSpec] = (),
    ) -> AsyncGenerator[Chunk, None]:
        """Yield the reply as text deltas (with Reasoning pieces where the model thinks
        aloud), then the ToolCall items it asked for (only when `tools` were offered),
        then optional FinishReason and Usage items. A failure before any text is retried
        per `retry_policy`, announced by a Retrying item before each wait."""
        if not messages:
            raise BadRequestError(reason="no_message", provider=self.label)
        if tools and not self.supports_tools:  # the session never offers them here
            raise BadRequestError(
                reason="bad_option", params={"option": "tools"}, provider=self.label
            )
        checked = self.check_options(options or {})
        resolved = self.get_model(model)
        offered = tuple(tools)

        def attempt() -> AsyncGenerator[Chunk, None]:
            if offered:  # only providers with `supports_tools` take the keyword
                with_tools = cast(Any, self._stream)
                return cast(
                    AsyncGenerator[Chunk, None],
                    with_tools(resolved, messages, stream, checked, tools=offered),
                )
            return self._stream(resolved, messages, stream, checked)

        attempts = with_retries(attempt, self.retry_policy)
        try:
            async with contextlib.aclosing(attempts):
                async for chunk in attempts:
                    yield chunk
        except ProviderError as error:
            error.with_provider(self.label)
            raise

    @abc.abstractmethod
    def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:
        """Provider-specific request and decoding; an async generator. A provider with
        `supports_tools` also takes a keyword `tools` (a tuple of ToolSpec), given only
        when tools are offered."""

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
