"""Non-secret preferences in one INI file; keys live in the keychain, never here.

Plain configparser rather than QSettings so that the command line can read the same file
without Qt. Values read from the file are checked; anything malformed falls back to its
default instead of breaking startup.
"""

from __future__ import annotations

import configparser
import contextlib
import io
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast, get_args

from gui.core.proxies import (
    Proxy,
    ProxyMode,
    has_password,
    is_http_url,
    is_proxy_url,
    resolve_proxy,
)

if TYPE_CHECKING:  # profiles (and gui.values under it) come after the first frame
    from gui.core.keychain import SecretStore
    from gui.core.profiles import Profile
    from gui.values import FieldInfo, ProviderInfo
    from providers.base import Timeouts

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MODEL",
    "DEFAULT_READ_TIMEOUT",
    "LANGUAGES",
    "MAX_TIMEOUT",
    "PROXY_MODES",
    "THEMES",
    "Language",
    "Proxy",
    "ProxyMode",
    "Settings",
    "Theme",
    "assemble_config",
    "env_override",
    "has_password",
    "is_http_url",
    "is_proxy_url",
    "resolve_proxy",
]

Language = Literal["system", "en", "ru"]
Theme = Literal["system", "light", "dark"]

LANGUAGES: tuple[Language, ...] = get_args(Language)
THEMES: tuple[Theme, ...] = get_args(Theme)
PROXY_MODES: tuple[ProxyMode, ...] = get_args(ProxyMode)
#: GigaChat's default model (`providers.gigachat.GigaChat.default_model`, checked by the
#: tests), spelled out so that reading the settings imports no provider.
DEFAULT_MODEL = "GigaChat-2"
DEFAULT_CONNECT_TIMEOUT = 15.0
DEFAULT_READ_TIMEOUT = 60.0
MAX_TIMEOUT = 3600.0

_GENERAL = "general"
_PROVIDER_PREFIX = "provider:"
#: Per-provider keys that are not config fields ("last_model" is in older files).
_PROXY_MODE_KEY = "proxy_mode"
_PROXY_URL_KEY = "proxy_url"
_RESERVED_KEYS = frozenset({"last_model", _PROXY_MODE_KEY, _PROXY_URL_KEY})


def env_override(field: FieldInfo) -> str | None:
    """A non-secret field's value from its environment variable: for this session only."""
    if field.is_secret:
        return None
    from providers.base import environment_value  # the one reading of the environment

    return environment_value(field.env)


def _target_url(info: ProviderInfo, values: Mapping[str, str]) -> str:
    """The URL requests go to, for the no-proxy check: the base URL field if there is one."""
    for field in info.fields:
        if field.kind == "url" and field.name == "base_url":
            return env_override(field) or values.get(field.name) or field.default
    return ""


def assemble_config(
    info: ProviderInfo, values: Mapping[str, str], secrets: Mapping[str, str], proxy: Proxy
) -> dict[str, str]:
    """Constructor keywords for a provider from non-secret values, its secrets (field →
    value) and proxy.

    A field's environment variable overrides it for the session (like the key's does).
    Fields the chosen values make irrelevant (`FieldInfo.shown_when`: the password of a
    key login) are left out, as are a profile's name and models and empty values, so the
    provider's own defaults (and its reading of the SDK's environment variables) apply;
    "proxy" is present only when a proxy is to be used.
    """
    from gui.core.profiles import OWN_FIELDS

    config: dict[str, str] = {}
    for field in info.fields:
        if not info.field_shown(field, values) or (info.profile_of and field.name in OWN_FIELDS):
            continue
        if field.is_secret:
            if secret := secrets.get(field.name):
                config[field.name] = secret
            continue
        value = env_override(field) or values.get(field.name, field.default).strip()
        if value:
            config[field.name] = value
    proxy_url = resolve_proxy(proxy, _target_url(info, values))
    if proxy_url:
        config["proxy"] = proxy_url
    return config


class Settings:
    """The preferences in `path`; changes stay in memory until `save()`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._parser = _new_parser()
        if self.path.exists():
            with contextlib.suppress(configparser.Error, UnicodeDecodeError):
                self._parser.read(self.path, encoding="utf-8")

    def __repr__(self) -> str:
        return f"<Settings {str(self.path)!r}>"

    def save(self) -> None:
        """Write the file atomically (a crash never leaves half a file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.StringIO()
        self._parser.write(buffer)
        fd, tmp = tempfile.mkstemp(prefix=".besedka-", suffix=".ini", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(buffer.getvalue())
                file.flush()
                os.fsync(file.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    # -- low level ---------------------------------------------------------------------

    def _get(self, section: str, key: str, default: str = "") -> str:
        return self._parser.get(section, key, fallback=default)

    def _set(self, section: str, key: str, value: str) -> None:
        if not self._parser.has_section(section):
            self._parser.add_section(section)
        self._parser.set(section, key, value)

    def _choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = self._get(_GENERAL, key, default)
        return value if value in allowed else default

    def _seconds(self, key: str, default: float) -> float:
        try:
            value = float(self._get(_GENERAL, key, str(default)))
        except ValueError:
            return default
        return value if 0 < value <= MAX_TIMEOUT else default

    def _set_seconds(self, key: str, value: float) -> None:
        if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT):
            raise ValueError(f"{key} must be between 0 and {MAX_TIMEOUT:g} seconds")
        self._set(_GENERAL, key, f"{value:g}")

    # -- general -----------------------------------------------------------------------

    @property
    def language(self) -> Language:
        return cast(Language, self._choice("language", LANGUAGES, "system"))

    @language.setter
    def language(self, value: Language) -> None:
        if value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}")
        self._set(_GENERAL, "language", value)

    @property
    def theme(self) -> Theme:
        return cast(Theme, self._choice("theme", THEMES, "system"))

    @theme.setter
    def theme(self, value: Theme) -> None:
        if value not in THEMES:
            raise ValueError(f"unknown theme {value!r}")
        self._set(_GENERAL, "theme", value)

    @property
    def zoom(self) -> int:
        """The conversation text's size in percent (View → Zoom), 100 when unset or odd."""
        value = self._get(_GENERAL, "zoom", "100")
        return int(value) if value.isdigit() and 50 <= int(value) <= 300 else 100

    @zoom.setter
    def zoom(self, value: int) -> None:
        if not 50 <= value <= 300:
            raise ValueError("zoom must be between 50 and 300 percent")
        self._set(_GENERAL, "zoom", str(value))

    @property
    def auto_titles(self) -> bool:
        """Chats are named by the model after the first reply (Chat → Name chats…)."""
        return self._choice("auto_titles", ("true", "false"), "true") == "true"

    @auto_titles.setter
    def auto_titles(self, value: bool) -> None:
        self._set(_GENERAL, "auto_titles", "true" if value else "false")

    @property
    def tray_icon(self) -> bool:
        return self._choice("tray_icon", ("true", "false"), "false") == "true"

    @tray_icon.setter
    def tray_icon(self, value: bool) -> None:
        self._set(_GENERAL, "tray_icon", "true" if value else "false")

    @property
    def connect_timeout(self) -> float:
        """Seconds to establish a connection."""
        return self._seconds("connect_timeout", DEFAULT_CONNECT_TIMEOUT)

    @connect_timeout.setter
    def connect_timeout(self, value: float) -> None:
        self._set_seconds("connect_timeout", value)

    @property
    def read_timeout(self) -> float:
        """Longest silence allowed while a reply streams."""
        return self._seconds("read_timeout", DEFAULT_READ_TIMEOUT)

    @read_timeout.setter
    def read_timeout(self, value: float) -> None:
        self._set_seconds("read_timeout", value)

    def timeouts(self) -> Timeouts:
        """The network timeouts as providers take them."""
        from providers.base import Timeouts  # here: not needed before the first frame

        return Timeouts(connect=self.connect_timeout, read=self.read_timeout)

    @property
    def last_provider(self) -> str:
        from providers.registry import DEFAULT_PROVIDER  # here: not needed before the first frame

        return self._get(_GENERAL, "provider") or DEFAULT_PROVIDER

    @last_provider.setter
    def last_provider(self, name: str) -> None:
        self._set(_GENERAL, "provider", name)

    @property
    def last_model(self) -> str:
        return self._get(_GENERAL, "model") or DEFAULT_MODEL

    @last_model.setter
    def last_model(self, model: str) -> None:
        self._set(_GENERAL, "model", model)

    def set_last_choice(self, provider: str, model: str) -> None:
        """Remember the picker's provider and model for the next start."""
        self.last_provider = provider
        self.last_model = model

    # -- per provider ------------------------------------------------------------------

    def field(self, info: ProviderInfo, name: str) -> str:
        """A non-secret field's saved value, or its default."""
        field = _field(info, name)
        if field.is_secret:
            raise ValueError(f"{info.name}.{name} is a secret; it lives in the keychain")
        value = self._get(_PROVIDER_PREFIX + info.name, name, field.default)
        if field.kind == "choice" and field.choices and value not in field.choices:
            return field.default
        if field.kind == "url" and value and not is_http_url(value):
            return field.default
        return value

    def set_field(self, info: ProviderInfo, name: str, value: str) -> None:
        """Remember a non-secret field; a secret field raises (keys go to the keychain)."""
        field = _field(info, name)
        if field.is_secret:
            raise ValueError(f"{info.name}.{name} is a secret; store it with SecretStore")
        self._set(_PROVIDER_PREFIX + info.name, name, value.strip())

    def field_values(self, info: ProviderInfo) -> dict[str, str]:
        """Every non-secret field of `info` with its saved value or default."""
        return {f.name: self.field(info, f.name) for f in info.fields if not f.is_secret}

    def proxy(self, provider: str) -> Proxy:
        section = _PROVIDER_PREFIX + provider
        mode = self._get(section, _PROXY_MODE_KEY, "none")
        url = self._get(section, _PROXY_URL_KEY)
        if mode in PROXY_MODES and (mode != "url" or is_proxy_url(url)):
            return Proxy(mode, url)
        return Proxy()

    def set_proxy(self, provider: str, proxy: Proxy) -> None:
        if proxy.mode not in PROXY_MODES:
            raise ValueError(f"unknown proxy mode {proxy.mode!r}")
        if proxy.mode == "url" and not is_proxy_url(proxy.url):
            raise ValueError("a proxy must be an http(s):// or socks5(h):// URL with a host")
        if proxy.mode == "url" and has_password(proxy.url):
            raise ValueError("a proxy password is a secret: it is never written to settings")
        section = _PROVIDER_PREFIX + provider
        self._set(section, _PROXY_MODE_KEY, proxy.mode)
        self._set(section, _PROXY_URL_KEY, proxy.url.strip())

    async def aprovider_config(self, info: ProviderInfo, secrets: SecretStore) -> dict[str, str]:
        """Constructor keywords for `info`: saved fields, the secrets the chosen login
        needs (environment first), proxy.

        The keychain is read in a worker thread; a locked or failing one raises
        KeychainUnavailableError (KeychainLockedError) rather than reading as "no key".
        """
        from gui.core.profiles import environment_only

        values = self.field_values(info)
        found: dict[str, str] = {}
        for field in info.secret_fields:
            if not info.field_shown(field, values):
                continue  # e.g. the password of a key login: not read, not sent
            if environment_only(info):  # OPENAI_BASE_URL: the saved key is for another host
                value = secrets.from_environment(info, field.name)
            else:
                value = await secrets.aget(info, field=field.name, strict=True)
            if value:
                found[field.name] = value
        return assemble_config(info, values, found, self.proxy(info.name))

    # -- OpenAI-compatible profiles (gui/core/profiles.py) ------------------------------

    def profiles(self) -> list[Profile]:
        """Every profile in file order, the first ("openai") always, as saved: the name
        and the models given ("" and None: the defaults)."""
        from gui.core.profiles import BASE, Profile, parse_models, profile_names

        found: list[Profile] = []
        for name in [BASE, *profile_names(self._parser.sections(), _PROVIDER_PREFIX)]:
            section = _PROVIDER_PREFIX + name
            models = self._parser.get(section, "models", fallback=None)
            label = self._get(section, "label").strip()
            found.append(Profile(name, label, None if models is None else parse_models(models)))
        return found

    def remove_profile(self, name: str) -> None:
        """Forget a profile's settings (its keys are the keychain's: SecretStore.delete)."""
        from gui.core.profiles import BASE

        if name == BASE:
            raise ValueError("the first profile stays; point it elsewhere instead")
        self._parser.remove_section(_PROVIDER_PREFIX + name)


def _new_parser() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep names as written
    return parser


def _field(info: ProviderInfo, name: str) -> FieldInfo:
    if name in _RESERVED_KEYS:
        raise KeyError(f"{name!r} is not a config field; use its own setter")
    for field in info.fields:
        if field.name == name:
            return field
    raise KeyError(f"{info.label} has no setting {name!r}")
