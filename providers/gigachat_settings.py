"""GigaChat's settings: hosts, scopes, the SDK's environment variables, the fields.

Declared apart from the client, so what the settings dialog shows of GigaChat (one field
per SDK setting, each with the SDK's variable) reads in one place.
"""

from __future__ import annotations

import math

from providers.base import ConfigField, Timeouts, environment_value
from providers.gigachat_login import ENVIRONMENT, LOGIN_METHODS

__all__ = [
    "CONFIG_FIELDS",
    "DEFAULT_AUTH_URL",
    "DEFAULT_BASE_URL",
    "KEY_VARIABLE",
    "LEGACY_BASE_URL",
    "MODEL_VARIABLE",
    "SCOPES",
    "TIMEOUT_VARIABLE",
    "environment_timeouts",
    "normalize_scope",
]

#: The SDK's default host since 0.2.3 (its settings.py BASE_URL; PR #119).
DEFAULT_BASE_URL = "https://api.giga.chat/v1"
#: The host before it: the only one with `/token` (password login) and the one the SDK
#: documents for client certificates.
LEGACY_BASE_URL = "https://gigachat.devices.sberbank.ru/api/v1"
DEFAULT_AUTH_URL = "https://ngw.devices.sberbank.ru:9443/api/v2/oauth"
SCOPES = ("GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP")
#: The official SDK's variable for the authorization key.
KEY_VARIABLE = ENVIRONMENT["api_key"]
MODEL_VARIABLE = "GIGACHAT_MODEL"
TIMEOUT_VARIABLE = "GIGACHAT_TIMEOUT"

_KEY_ONLY = ("auth_method", ("authorization_key",))


def normalize_scope(scope: str) -> str:
    """Accept `PERS`/`b2b` as shorthands of `GIGACHAT_API_PERS`/`GIGACHAT_API_B2B`."""
    scope = scope.strip().upper()
    return f"GIGACHAT_API_{scope}" if scope in ("PERS", "B2B", "CORP") else scope


def environment_timeouts(timeouts: Timeouts | None) -> Timeouts | None:
    """GIGACHAT_TIMEOUT (seconds, as the SDK's single timeout) over the app's ones."""
    value = environment_value(TIMEOUT_VARIABLE)
    try:
        seconds = float(value) if value else math.nan
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        return timeouts
    return Timeouts(connect=seconds, read=seconds)


#: One field per SDK setting; `shown_when` ties each credential to its login method.
CONFIG_FIELDS: tuple[ConfigField, ...] = (
    ConfigField(
        "auth_method",
        "Login method",
        kind="choice",
        choices=LOGIN_METHODS,
        default=LOGIN_METHODS[0],
    ),
    ConfigField(
        "api_key", "Authorization key", kind="secret", env=KEY_VARIABLE, shown_when=_KEY_ONLY
    ),
    ConfigField(
        "scope",
        "Scope",
        kind="choice",
        choices=SCOPES,
        default=SCOPES[0],
        env="GIGACHAT_SCOPE",
        shown_when=_KEY_ONLY,
    ),
    ConfigField(
        "access_token",
        "Access token",
        kind="secret",
        env=ENVIRONMENT["access_token"],
        shown_when=("auth_method", ("access_token",)),
    ),
    ConfigField(
        "user", "User name", env=ENVIRONMENT["user"], shown_when=("auth_method", ("password",))
    ),
    ConfigField(
        "password",
        "Password",
        kind="secret",
        env=ENVIRONMENT["password"],
        shown_when=("auth_method", ("password",)),
    ),
    ConfigField(
        "cert_file",
        "Client certificate file",
        kind="file",
        env=ENVIRONMENT["cert_file"],
        shown_when=("auth_method", ("certificate",)),
    ),
    ConfigField(
        "key_file",
        "Client key file",
        kind="file",
        env=ENVIRONMENT["key_file"],
        shown_when=("auth_method", ("certificate",)),
    ),
    ConfigField(
        "key_file_password",
        "Client key password",
        kind="secret",
        env=ENVIRONMENT["key_file_password"],
        shown_when=("auth_method", ("certificate",)),
    ),
    ConfigField(
        "base_url",
        "API base URL",
        kind="url",
        default=DEFAULT_BASE_URL,
        env="GIGACHAT_BASE_URL",
        advanced=True,
    ),
    ConfigField(
        "auth_url",
        "OAuth URL",
        kind="url",
        default=DEFAULT_AUTH_URL,
        env="GIGACHAT_AUTH_URL",
        advanced=True,
        shown_when=_KEY_ONLY,
    ),
    ConfigField("ca_bundle", "Extra CA file", kind="file", env="GIGACHAT_CA_BUNDLE_FILE"),
)
