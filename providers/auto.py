"""Auto: try a user-ordered list of providers until one starts answering.

gpt4free's failover rule (protocols.md §5): a provider that fails, or ends without
text, *before* its first text is skipped; once text has reached the person, an error
is theirs to see, because switching mid-answer would splice two different replies.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any

from providers.base import ChatOptions, Chunk, Messages, Provider
from providers.errors import BadRequestError, ProtocolError, ProviderError

__all__ = ["AllProvidersFailedError", "AutoProvider"]


class AllProvidersFailedError(ProviderError):
    """Every candidate failed before answering; `errors` holds each one, in order."""

    def __init__(self, errors: Sequence[ProviderError], *, provider: str = "") -> None:
        self.errors = list(errors)
        details = "; ".join(str(error) for error in self.errors)
        super().__init__(f"every provider failed: {details}", provider=provider)

    @property
    def hint(self) -> str:  # type: ignore[override]
        return self.errors[-1].hint if self.errors else ProviderError.hint


class AutoProvider(Provider):
    """Failover over (provider instance, model) pairs; not in the registry, the GUI builds it.

    A model of None means that provider's default. Options go to each provider
    restricted to what it takes; an option no candidate takes is an error.
    """

    name = "auto"
    label = "Auto"
    working = True
    supports_message_history = True
    supports_system_message = True

    def __init__(self, candidates: Sequence[tuple[Provider, str | None]]) -> None:
        if not candidates:
            raise ValueError("AutoProvider needs at least one provider")
        first = candidates[0][0]
        super().__init__(session=first.session, proxy=first.proxy, timeouts=first.timeouts)
        self.candidates = list(candidates)
        #: The provider that answered the latest request that produced text.
        self.last_provider: Provider | None = None

    def __repr__(self) -> str:
        names = ", ".join(type(provider).__name__ for provider, _ in self.candidates)
        return f"<AutoProvider [{names}]>"

    async def stream(
        self,
        model: str | None,
        messages: Messages,
        *,
        stream: bool = True,
        options: Mapping[str, Any] | None = None,
    ) -> AsyncGenerator[Chunk, None]:
        """Like `Provider.stream`; `model` is ignored, each candidate has its own."""
        given = {key: value for key, value in (options or {}).items() if value is not None}
        known: set[str] = set()
        for provider, _ in self.candidates:
            known |= provider.supported_options
        unknown = sorted(set(given) - known)
        if unknown:
            raise BadRequestError(f"unknown option {unknown[0]!r}", provider=self.label)
        errors: list[ProviderError] = []
        for provider, candidate_model in self.candidates:
            own = {k: v for k, v in given.items() if k in provider.supported_options}
            held: list[Chunk] = []  # FinishReason/Usage seen before any text
            started = False
            replies = provider.stream(candidate_model, messages, stream=stream, options=own)
            try:
                async for chunk in replies:
                    if started:
                        yield chunk
                    elif isinstance(chunk, str) and chunk:
                        started = True
                        self.last_provider = provider
                        for item in held:
                            yield item
                        yield chunk
                    elif not isinstance(chunk, str):
                        held.append(chunk)
            except ProviderError as error:
                if started:
                    raise
                errors.append(error.with_provider(provider.label))
                continue
            finally:
                # Close the candidate's request now, also when our consumer stops early.
                await replies.aclose()
            if started:
                return
            errors.append(ProtocolError("answered with no text", provider=provider.label))
        if len(errors) == 1:
            raise errors[0]
        raise AllProvidersFailedError(errors, provider=self.label)

    async def _stream(
        self, model: str, messages: Messages, stream: bool, options: ChatOptions
    ) -> AsyncGenerator[Chunk, None]:
        async for chunk in self.stream(model, messages, stream=stream, options=options):
            yield chunk
