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

__all__ = ["ConnectionResult", "ErrorInfo", "FieldInfo", "ProviderInfo"]


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
class ConnectionResult:
    """What Settings → Test connection found, as data: the dialog words it.

    `provider` is the label; `models` how many the server listed (None when the
    provider has no model list and a one-token request was made instead).
    """

    ok: bool
    provider: str
    models: int | None = None
    error: ErrorInfo | None = None
