"""Besedka's providers: a plain asyncio library of chat back-ends (no Qt, no gui).

`from providers import GigaChat` works through lazy attribute loading, so importing
the package stays cheap.
"""

from __future__ import annotations

from typing import Any

from providers.base import (
    ChatOptions,
    Chunk,
    FinishReason,
    Message,
    Messages,
    Provider,
    Reasoning,
    Retrying,
    Usage,
)
from providers.errors import ProviderError

__all__ = [
    "ChatOptions",
    "Chunk",
    "FinishReason",
    "Message",
    "Messages",
    "Provider",
    "ProviderError",
    "Reasoning",
    "Retrying",
    "Usage",
]


def __getattr__(name: str) -> Any:
    from providers.registry import PROVIDER_PATHS, provider_class

    for key, path in PROVIDER_PATHS.items():
        if path.endswith(f":{name}"):
            return provider_class(key)
    raise AttributeError(f"module 'providers' has no attribute {name!r}")
