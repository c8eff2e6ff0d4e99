"""Provider classes described as plain values (`gui.values`) for the settings and the picker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from gui.values import FieldInfo, ProviderInfo

if TYPE_CHECKING:
    from providers.base import ConfigField, Provider

__all__ = ["CHOICE_LABELS", "describe", "describe_all"]

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
