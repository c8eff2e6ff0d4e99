"""The providers the app offers, in picker order.

Listed by import path so that asking for names does not import every provider.
"""

from __future__ import annotations

import importlib
from functools import cache

from providers.base import Provider

__all__ = [
    "DEFAULT_PROVIDER",
    "PROVIDER_PATHS",
    "provider_class",
    "provider_classes",
    "provider_names",
]

#: name → "module:Class", in picker order.
PROVIDER_PATHS: dict[str, str] = {
    "gigachat": "providers.gigachat:GigaChat",
    "openai": "providers.openai_compat:OpenAICompatible",
    "gprochat": "providers.gprochat:GPROChat",
    "gptalk": "providers.gptalk:GPTalk",
}
#: The provider a fresh profile, a new chat and `besedka ask` start with.
DEFAULT_PROVIDER = "gigachat"


def provider_names() -> list[str]:
    return list(PROVIDER_PATHS)


@cache
def provider_class(name: str) -> type[Provider]:
    try:
        path = PROVIDER_PATHS[name]
    except KeyError:
        raise KeyError(f"no provider named {name!r}; known: {', '.join(PROVIDER_PATHS)}") from None
    module_name, _, class_name = path.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, Provider)) or cls.name != name:
        raise TypeError(f"{path} is not the provider {name!r}")
    return cls


def provider_classes() -> list[type[Provider]]:
    return [provider_class(name) for name in PROVIDER_PATHS]
