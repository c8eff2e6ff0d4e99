"""What the settings dialog edits, as plain values: no Qt, no core.

Widgets may not import the core, so the dialog never sees `Settings` or `SecretStore`:
the settings controller fills a `SettingsForm` from them, the dialog shows it and hands
back the edited one, and the controller saves that through the core.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Literal

__all__ = [
    "KeyChange",
    "KeyForm",
    "KeySource",
    "ProviderForm",
    "SettingsForm",
    "UrlChecks",
]

#: Where a saved key lives (the environment's key is never "saved").
KeySource = Literal["keychain", "session"]
#: What Save does with a key: leave it, store the typed text, or remove it.
KeyChange = Literal["keep", "set", "delete"]


@dataclasses.dataclass(frozen=True)
class KeyForm:
    """One secret field (a key, a password) as the dialog shows it; the saved value
    itself arrives later.

    `env_name` is the variable that overrides it, `env_active` whether it is set now.
    On the way out, `text` is what the field holds and `change` what Save does.
    """

    env_name: str = ""
    env_active: bool = False
    text: str = ""
    change: KeyChange = "keep"

    def __repr__(self) -> str:
        # Never the key, not even in a traceback's locals or a log line.
        return f"KeyForm(env_name={self.env_name!r}, change={self.change!r})"


@dataclasses.dataclass(frozen=True)
class ProviderForm:
    """One provider's page: non-secret field texts, proxy, secrets."""

    values: Mapping[str, str] = dataclasses.field(default_factory=dict)
    proxy_mode: str = "none"  # "none" | "system" | "url"
    proxy_url: str = ""
    #: Variables set in the environment that override fields below (shown, never saved).
    env_overrides: tuple[str, ...] = ()
    #: Secret field name → its key or password, in field order (empty: none).
    keys: Mapping[str, KeyForm] = dataclasses.field(default_factory=dict)

    @property
    def key(self) -> KeyForm | None:
        """The first secret (the provider's key); None when it has none."""
        return next(iter(self.keys.values()), None)


@dataclasses.dataclass(frozen=True)
class SettingsForm:
    """Everything the dialog edits; `providers` maps a provider name to its page."""

    language: str = "system"  # "system" | "en" | "ru"
    theme: str = "system"  # "system" | "light" | "dark"
    tray_icon: bool = False
    connect_timeout: float = 15.0
    read_timeout: float = 60.0
    max_timeout: float = 3600.0
    keychain_available: bool = True
    providers: Mapping[str, ProviderForm] = dataclasses.field(default_factory=dict)
    #: (key, English name) of each starting point "Add profile" offers; empty: no button.
    presets: tuple[tuple[str, str], ...] = ()
    #: Profiles removed in the dialog (by name): Save forgets their settings and keys.
    removed: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class UrlChecks:
    """The settings' own address rules, handed in so the form refuses what Save would."""

    is_http_url: Callable[[str], bool]
    has_password: Callable[[str], bool]
    #: http(s) and SOCKS: what a proxy may be (`is_http_url` when not given).
    is_proxy_url: Callable[[str], bool] | None = None
