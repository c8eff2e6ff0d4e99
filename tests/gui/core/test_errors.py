"""`besedka ask` says a stored failure in plain English on stderr."""

from __future__ import annotations

from gui.core.errors import english, error_info, internal_error, setup_error
from providers.errors import AuthError, ProtocolError, RateLimitError


def test_a_provider_error_reads_as_the_provider_worded_it() -> None:
    for error in (
        AuthError(detail="credentials doesn't match", status=401, provider="GigaChat"),
        ProtocolError(reason="cut", provider="GigaChat"),
        RateLimitError(provider="GigaChat", retry_after=29.2),
    ):
        assert english(error_info(error)) == error.user_message


def test_the_apps_own_failures_name_the_provider_and_what_to_do() -> None:
    assert english(setup_error(ValueError("x"), "GigaChat")) == (
        "GigaChat: cannot start (ValueError); check its Settings."
    )
    assert english(internal_error(KeyError("x"), "GigaChat")) == (
        "Internal error (KeyError); the text so far is kept."
    )
