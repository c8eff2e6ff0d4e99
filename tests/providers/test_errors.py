"""HTTP statuses become the typed errors, and texts, a person sees."""

from __future__ import annotations

import pytest

from providers.errors import (
    AuthError,
    BadRequestError,
    CertificateError,
    NetworkError,
    NotFoundError,
    ProviderError,
    RateLimitError,
    ServerError,
    TimedOutError,
    error_for_status,
)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequestError),
        (401, AuthError),
        (402, RateLimitError),
        (403, AuthError),
        (404, NotFoundError),
        (413, BadRequestError),
        (422, BadRequestError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
    ],
)
def test_status_maps_to_typed_error(status: int, kind: type[ProviderError]) -> None:
    error = error_for_status(status, "server says no", provider="GigaChat")
    assert type(error) is kind
    assert error.status == status
    assert error.provider == "GigaChat"
    assert "server says no" in error.message


def test_403_and_413_say_what_happened() -> None:
    assert "access denied" in error_for_status(403, "nope").message
    assert "too large" in error_for_status(413, "limit 1 MB").message


def test_empty_server_message_falls_back_to_status() -> None:
    assert error_for_status(500, "").message == "HTTP 500"


def test_rate_limit_keeps_retry_after() -> None:
    error = error_for_status(429, "Too many requests", retry_after=12.0)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 12.0


@pytest.mark.parametrize(
    ("error", "hint_words"),
    [
        (AuthError("Token has expired", provider="GigaChat", status=401), "key"),
        (NotFoundError("No such model", provider="GigaChat", status=404), "model"),
        (BadRequestError("too long", provider="GPTalk", status=422), "Change the request"),
        (ServerError("boom", provider="GPTalk", status=500), "try again"),
        (NetworkError("cannot connect", provider="OpenAI"), "connection"),
        (CertificateError("untrusted", provider="GigaChat"), "CA file"),
        (TimedOutError("silence", provider="GigaChat"), "timeout"),
    ],
)
def test_user_message_names_provider_and_gives_hint(error: ProviderError, hint_words: str) -> None:
    text = error.user_message
    assert text.startswith(f"{error.provider}: {error.message}")
    assert error.hint in text
    assert hint_words in text


def test_user_message_adds_one_full_stop() -> None:
    assert ServerError("Oops!", provider="X").user_message.startswith("X: Oops! ")
    assert ServerError("Down", provider="X").user_message.startswith("X: Down. ")


def test_user_message_without_provider_has_no_dangling_prefix() -> None:
    assert ServerError("Down").user_message.startswith("Down. ")


@pytest.mark.parametrize(("seconds", "shown"), [(30.0, "30"), (2.5, "3"), (29.2, "30")])
def test_rate_limit_hint_mentions_retry_after_seconds(seconds: float, shown: str) -> None:
    text = RateLimitError(
        "Too many requests", provider="GigaChat", retry_after=seconds
    ).user_message
    assert f"Retry in {shown} s" in text


@pytest.mark.parametrize("seconds", [None, 0.0, -3.0, float("inf"), float("nan")])
def test_rate_limit_hint_without_usable_retry_after(seconds: float | None) -> None:
    text = RateLimitError("Slow down", provider="GPTalk", retry_after=seconds).user_message
    assert "Wait a little and retry" in text


def test_messages_are_trimmed() -> None:
    error = error_for_status(500, "  line one\n\n\tline   two  " + "x" * 1000)
    assert error.message.startswith("line one line two x")
    assert len(error.message) <= 300
    assert error.message.endswith("…")
    assert "\n" not in error.user_message


def test_short_messages_are_kept_whole() -> None:
    assert ServerError("x" * 300).message == "x" * 300


def test_with_provider_fills_only_a_missing_label() -> None:
    assert ServerError("a").with_provider("GigaChat").provider == "GigaChat"
    assert ServerError("a", provider="GPTalk").with_provider("GigaChat").provider == "GPTalk"


def test_repr_shows_only_message_and_status() -> None:
    error = error_for_status(401, "Token has expired", provider="GigaChat")
    assert repr(error) == "AuthError('GigaChat: Token has expired', status=401)"


def test_network_family_is_catchable_as_one() -> None:
    assert issubclass(CertificateError, NetworkError)
    assert issubclass(TimedOutError, NetworkError)
    assert issubclass(RateLimitError, ProviderError)
