"""Provider classes described as plain values (`gui.values`) for the settings and the picker."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from gui.core.profiles import BASE, PRESETS
from gui.values import FieldInfo, ProviderInfo

if TYPE_CHECKING:
    from providers.base import ConfigField, Provider

__all__ = ["CHOICE_LABELS", "KEY_HOSTS", "Readiness", "describe", "describe_all", "readiness"]

#: (field, value) → the English words Settings shows for a choice whose values are ids
#: (translated by the widgets); a value not listed is shown as it is (e.g. a scope).
CHOICE_LABELS: Mapping[tuple[str, str], str] = {
    ("auth_method", "authorization_key"): "Authorization key",
    ("auth_method", "access_token"): "Access token",
    ("auth_method", "password"): "User name and password",
    ("auth_method", "certificate"): "Client certificate",
}


def _field(field: ConfigField) -> FieldInfo:
    return FieldInfo(
        name=field.name,
        label=field.label,
        kind=field.kind,
        choices=field.choices,
        default=field.default,
        env=field.env,
        advanced=field.advanced,
        shown_when=field.shown_when,
        choice_labels=tuple(CHOICE_LABELS.get((field.name, c), "") for c in field.choices),
    )


def describe(cls: type[Provider]) -> ProviderInfo:
    return ProviderInfo(
        name=cls.name,
        label=cls.label,
        working=cls.working,
        needs_auth=cls.needs_auth,
        supports_system_message=cls.supports_system_message,
        default_model=cls.default_model,
        models=tuple(cls.models),
        fields=tuple(_field(field) for field in cls.config_fields),
        options=frozenset(cls.supported_options),
    )


def describe_all() -> list[ProviderInfo]:
    from providers.registry import provider_classes

    return [describe(cls) for cls in provider_classes()]


#: Hosts of the presets that take nothing without a key (OpenAI, DeepSeek, OpenRouter).
KEY_HOSTS = frozenset(
    host for preset in PRESETS if preset.needs_key and (host := urlsplit(preset.base_url).hostname)
)


@dataclasses.dataclass(frozen=True)
class Readiness:
    """Whether a provider can answer as configured, for the welcome panel and Send.

    `missing_key`: it cannot without a key it lacks (sending opens its settings page);
    `host_set`: a provider whose public service is gone has been given a host of its own.
    """

    ready: bool
    missing_key: bool = False
    host_set: bool = False


def readiness(info: ProviderInfo, config: Mapping[str, str], *, has_key: bool) -> Readiness:
    """How ready `info` is with its constructor keywords `config` (as
    `Settings.aprovider_config` gives them) and its instance's `has_key`."""
    default_url = next((f.default for f in info.fields if f.name == "base_url"), "")
    url = config.get("base_url", default_url).rstrip("/")
    own_url = bool(url) and url != default_url.rstrip("/")
    if info.profile_of:
        if config.get("api_key"):
            return Readiness(True)
        if urlsplit(url).hostname in KEY_HOSTS:
            return Readiness(False, missing_key=True)
        # The first profile, never pointed anywhere, is not a choice anyone made.
        return Readiness(info.name != BASE or own_url)
    if not info.working:
        return Readiness(own_url, host_set=own_url)
    if info.needs_auth:
        return Readiness(has_key, missing_key=not has_key)
    return Readiness(True)
