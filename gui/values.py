"""Plain values the widgets and the core both speak: provider descriptions and errors.

Below both (import-linter's layers), importing nothing of Besedka's: the core fills them
in, the controller passes them on and widgets render them, so widgets never import the
core or providers to know what they show.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["BalanceLine", "ConnectionResult", "ErrorInfo", "FieldInfo", "ProviderInfo"]


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
    #: (another field, its values): this one matters only while that field has one of
    #: them (GigaChat's password only for the password login); empty: always.
    shown_when: tuple[str, tuple[str, ...]] | tuple[()] = ()
    #: English words for `choices`, in the same order ("" or missing: the value itself).
    choice_labels: tuple[str, ...] = ()

    @property
    def is_secret(self) -> bool:
        return self.kind == "secret"

    def choice_label(self, value: str) -> str:
        """The words for one of `choices` (the value itself when it has none)."""
        if value in self.choices:
            index = self.choices.index(value)
            if index < len(self.choice_labels) and self.choice_labels[index]:
                return self.choice_labels[index]
        return value


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
    #: The provider this is a named profile of ("openai" for every OpenAI-compatible
    #: endpoint, the first one included); "" when it is no profile.
    profile_of: str = ""

    @property
    def secret_field(self) -> FieldInfo | None:
        """The first secret: the one whose keychain entry is named after the provider."""
        return next((field for field in self.fields if field.is_secret), None)

    @property
    def secret_fields(self) -> tuple[FieldInfo, ...]:
        return tuple(field for field in self.fields if field.is_secret)

    @property
    def removable(self) -> bool:
        """A profile beside the first one: Settings may remove it."""
        return bool(self.profile_of) and self.name != self.profile_of

    def field_shown(self, field: FieldInfo, values: Mapping[str, str]) -> bool:
        """Whether `field` matters with these values (`FieldInfo.shown_when`); a value
        missing from `values` is the controlling field's default."""
        if not field.shown_when:
            return True
        name, allowed = field.shown_when
        control = next((f for f in self.fields if f.name == name), None)
        value = values.get(name) or (control.default if control is not None else "")
        return value in allowed


@dataclasses.dataclass(frozen=True)
class ErrorInfo:
    """Why a reply failed or was cut, as data: the interface says it in its own language.

    `kind` names the failure (a provider error's kind, or the app's own: "internal",
    "provider_setup", "not_saved"); `reason` what happened in our words (a template
    code, see `providers.errors.REASONS`, filled from `params`); `detail` the server's
    own words, shown quoted; `provider` the provider's label, as a person reads it.
    """

    kind: str
    reason: str = ""
    provider: str = ""
    status: int | None = None
    detail: str = ""
    params: Mapping[str, str | int | float] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ErrorInfo:
        """From `ProviderError.data()` or a stored row; unknown keys are ignored."""
        params = data.get("params")
        status = data.get("status")
        return cls(
            kind=str(data.get("kind") or "failed"),
            reason=str(data.get("reason") or ""),
            provider=str(data.get("provider") or ""),
            status=status if isinstance(status, int) and not isinstance(status, bool) else None,
            detail=str(data.get("detail") or ""),
            params=dict(params) if isinstance(params, Mapping) else {},
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "reason": self.reason,
            "provider": self.provider,
            "status": self.status,
            "detail": self.detail,
            "params": dict(self.params),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_data(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ErrorInfo:
        data = json.loads(text)
        if not isinstance(data, Mapping):
            raise ValueError("an error row is not a JSON object")
        return cls.from_data(data)


@dataclasses.dataclass(frozen=True)
class BalanceLine:
    """What is left of one prepaid package: `usage` names the model or service."""

    usage: str
    value: float


@dataclasses.dataclass(frozen=True)
class ConnectionResult:
    """What Settings → Test connection found, as data: the dialog words it.

    `provider` is the label; `models` how many the server listed (None when the
    provider has no model list and a one-token request was made instead); `balance`
    what is left of the account's packages where the service tells (None: it does not).
    """

    ok: bool
    provider: str
    models: int | None = None
    error: ErrorInfo | None = None
    balance: tuple[BalanceLine, ...] | None = None
