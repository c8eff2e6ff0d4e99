"""Typed provider errors: the vocabulary the controller and the UI speak.

Every error carries a message fit to show a person, the provider's label and, where
there is one, the HTTP status. Messages never contain credentials: they are built from
the server's own message (trimmed) and our text, never from request headers.
"""

from __future__ import annotations

import math

__all__ = [
    "AuthError",
    "BadRequestError",
    "CertificateError",
    "MissingAuthError",
    "NetworkError",
    "NotFoundError",
    "ProtocolError",
    "ProviderError",
    "RateLimitError",
    "ServerError",
    "TimedOutError",
    "UntrustedServerError",
    "error_for_status",
]

_MAX_SERVER_TEXT = 300


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_SERVER_TEXT else text[: _MAX_SERVER_TEXT - 1] + "…"


class ProviderError(Exception):
    """Base of everything a provider raises on purpose."""

    #: What the person can do about it; subclasses override.
    hint = "Try again later."

    def __init__(self, message: str, *, provider: str = "", status: int | None = None) -> None:
        self.message = _trim(message)
        self.provider = provider
        self.status = status
        super().__init__(self.message)

    def __str__(self) -> str:
        prefix = f"{self.provider}: " if self.provider else ""
        return f"{prefix}{self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, status={self.status!r})"

    @property
    def user_message(self) -> str:
        """One sentence naming the provider, what went wrong and what to do."""
        text = str(self)
        return f"{text}{'' if text.endswith(('.', '!', '?')) else '.'} {self.hint}"

    def with_provider(self, provider: str) -> ProviderError:
        if not self.provider:
            self.provider = provider
        return self


class MissingAuthError(ProviderError):
    hint = "Add a key in Settings."


class AuthError(ProviderError):
    hint = "Check the key and scope in Settings."


class RateLimitError(ProviderError):
    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, provider=provider, status=status)
        self.retry_after = retry_after

    @property
    def hint(self) -> str:  # type: ignore[override]
        # Whole seconds, rounded up: "Retry in 29.7345 s." reads like a bug.
        if self.retry_after is not None and 0 < self.retry_after < math.inf:
            return f"Retry in {math.ceil(self.retry_after)} s."
        return "Wait a little and retry."


class BadRequestError(ProviderError):
    hint = "Change the request (shorter text, other parameters) and retry."


class NotFoundError(ProviderError):
    hint = "Pick another model or check the base URL in Settings."


class ServerError(ProviderError):
    hint = "The service has a problem; try again later."


class ProtocolError(ProviderError):
    hint = "The answer was cut or malformed; the text so far is kept. Retry."


class NetworkError(ProviderError):
    hint = "Check the connection, the proxy and the base URL in Settings."


class CertificateError(NetworkError):
    hint = "The server's TLS certificate is not trusted; add its CA file in Settings."


class TimedOutError(NetworkError):
    hint = "The server stopped answering; retry, or raise the timeout in Settings."


class UntrustedServerError(CertificateError):
    """An untrusted certificate at a provider that has no CA file setting to point at."""

    hint = "The server's TLS certificate is not trusted; check the base URL in Settings."


def refit_for_keyless(
    error: ProviderError, provider: str, refused: type[AuthError]
) -> ProviderError:
    """The same failure with hints a provider without key or CA settings can act on."""
    if isinstance(error, AuthError) and not isinstance(error, refused):
        return refused(error.message, provider=provider, status=error.status)
    if isinstance(error, CertificateError) and not isinstance(error, UntrustedServerError):
        return UntrustedServerError(error.message, provider=provider, status=error.status)
    return error


def error_for_status(
    status: int,
    message: str,
    *,
    provider: str = "",
    retry_after: float | None = None,
) -> ProviderError:
    """Map an HTTP status to the typed error a person should see."""
    text = message or f"HTTP {status}"
    if status == 401:
        return AuthError(text, provider=provider, status=status)
    if status == 403:
        return AuthError(f"access denied: {text}", provider=provider, status=status)
    if status == 404:
        return NotFoundError(text, provider=provider, status=status)
    if status in (402, 429):
        return RateLimitError(text, provider=provider, status=status, retry_after=retry_after)
    if status == 413:
        return BadRequestError(f"request too large: {text}", provider=provider, status=status)
    if 400 <= status < 500:
        return BadRequestError(text, provider=provider, status=status)
    return ServerError(text, provider=provider, status=status)
