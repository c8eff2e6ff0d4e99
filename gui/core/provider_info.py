"""Plain descriptions of providers for widgets, so widgets never import `providers`."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from providers.base import Provider


@dataclasses.dataclass(frozen=True)
class FieldInfo:
    """One provider setting as the settings dialog shows it."""

    name: str
    label: str
    kind: str  # "text" | "secret" | "url" | "choice" | "file"
    choices: tuple[str, ...] = ()
    default: str = ""
    env: str = ""
    advanced: bool = False

    @property
    def is_secret(self) -> bool:
        return self.kind == "secret"


@dataclasses.dataclass(frozen=True)
class ProviderInfo:
    name: str
    label: str
    working: bool
    needs_auth: bool
    supports_system_message: bool
    default_model: str
    models: tuple[str, ...]
    fields: tuple[FieldInfo, ...]
    options: frozenset[str]

    @property
    def secret_field(self) -> FieldInfo | None:
        return next((field for field in self.fields if field.is_secret), None)


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
