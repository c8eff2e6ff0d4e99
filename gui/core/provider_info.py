"""Provider classes described as plain values (`gui.values`) for the settings and the picker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gui.values import FieldInfo, ProviderInfo

if TYPE_CHECKING:
    from providers.base import Provider


def describe(cls: type[Provider]) -> ProviderInfo:
    return ProviderInfo(
        name=cls.name,
        label=cls.label,
        working=cls.working,
        needs_auth=cls.needs_auth,
        supports_system_message=cls.supports_system_message,
        default_model=cls.default_model,
        models=tuple(cls.models),
        fields=tuple(
            FieldInfo(
                name=field.name,
                label=field.label,
                kind=field.kind,
                choices=field.choices,
                default=field.default,
                env=field.env,
                advanced=field.advanced,
            )
            for field in cls.config_fields
        ),
        options=frozenset(cls.supported_options),
    )


def describe_all() -> list[ProviderInfo]:
    from providers.registry import provider_classes

    return [describe(cls) for cls in provider_classes()]
