"""What GigaChat declares: capabilities, options, and one setting per SDK setting."""

from __future__ import annotations

from providers.gigachat import DEFAULT_AUTH_URL, DEFAULT_BASE_URL, GigaChat
from providers.registry import provider_class


def test_declared_capabilities_and_settings() -> None:
    assert provider_class("gigachat") is GigaChat
    assert (GigaChat.name, GigaChat.label) == ("gigachat", "GigaChat")
    for flag in ("working", "needs_auth", "supports_system_message"):
        assert getattr(GigaChat, flag) is True
    assert GigaChat.lists_live_models()
    # The `GigaChat` alias is gone from the SDK's new default host (gigachat PR #119).
    assert GigaChat.default_model == "GigaChat-2"
    assert GigaChat.models == (
        "GigaChat-2",
        "GigaChat-2-Pro",
        "GigaChat-2-Max",
        "GigaChat",
        "GigaChat-Pro",
        "GigaChat-Max",
    )
    assert GigaChat.supported_options == {
        "temperature",
        "top_p",
        "max_tokens",
        "repetition_penalty",
        "update_interval",
        "reasoning_effort",
        "session_id",
    }
    fields = {f.name: f for f in GigaChat.config_fields}
    assert list(fields) == [
        "auth_method",
        "api_key",
        "scope",
        "access_token",
        "user",
        "password",
        "cert_file",
        "key_file",
        "key_file_password",
        "base_url",
        "auth_url",
        "ca_bundle",
    ]
    assert fields["auth_method"].choices == (
        "authorization_key",
        "access_token",
        "password",
        "certificate",
    )
    assert fields["auth_method"].default == "authorization_key"
    # The keychain's entry stays the authorization key: the first secret field.
    assert next(f for f in GigaChat.config_fields if f.kind == "secret").name == "api_key"
    envs = {name: field.env for name, field in fields.items() if field.env}
    assert envs == {
        "api_key": "GIGACHAT_CREDENTIALS",
        "scope": "GIGACHAT_SCOPE",
        "access_token": "GIGACHAT_ACCESS_TOKEN",
        "user": "GIGACHAT_USER",
        "password": "GIGACHAT_PASSWORD",
        "cert_file": "GIGACHAT_CERT_FILE",
        "key_file": "GIGACHAT_KEY_FILE",
        "key_file_password": "GIGACHAT_KEY_FILE_PASSWORD",
        "base_url": "GIGACHAT_BASE_URL",
        "auth_url": "GIGACHAT_AUTH_URL",
        "ca_bundle": "GIGACHAT_CA_BUNDLE_FILE",
    }
    kinds = {name: field.kind for name, field in fields.items()}
    assert [name for name, kind in kinds.items() if kind == "secret"] == [
        "api_key",
        "access_token",
        "password",
        "key_file_password",
    ]
    assert fields["password"].shown_when == ("auth_method", ("password",))
    assert fields["cert_file"].shown_when == ("auth_method", ("certificate",))
    assert (fields["api_key"].kind, fields["api_key"].env) == ("secret", "GIGACHAT_CREDENTIALS")
    assert fields["api_key"].label == "Authorization key"
    assert fields["scope"].choices == ("GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP")
    assert (fields["base_url"].advanced, fields["base_url"].default) == (True, DEFAULT_BASE_URL)
    assert (fields["auth_url"].advanced, fields["auth_url"].default) == (True, DEFAULT_AUTH_URL)
    assert (fields["ca_bundle"].kind, fields["ca_bundle"].env) == (
        "file",
        "GIGACHAT_CA_BUNDLE_FILE",
    )
