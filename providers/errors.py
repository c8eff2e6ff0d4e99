"""Typed provider errors: the vocabulary the controller and the UI speak.

An error is data: its `kind` (the class), a `reason` code for what happened in our words
(a key of `REASONS`, with `params` for its template), the server's own words as `detail`,
the provider's label and, where there is one, the HTTP status. The interface turns that
into a sentence in its own language (`data()`); `message` and `user_message` are the
English forms for logs and the command line. Nothing here holds a credential: texts are
built from the server's message (trimmed) and our templates, never from request headers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "REASONS",
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
    "recast",
    "refit_for_keyless",
]

#: What happened, in our words: reason code → English template; `{name}` comes from the
#: error's `params`. The interface keeps a translation of each (a test holds them equal).
REASONS: dict[str, str] = {
    # Requests we refuse before sending (base.py)
    "no_message": "there is no message to send",
    "bad_option": "unknown option '{option}'",
    "option_type": "option '{option}' has the wrong type",
    "option_value": "option '{option}' has a value the service does not take",
    # HTTP statuses (error_for_status); the server's words are the detail
    "http_status": "HTTP {status}",
    "access_denied": "access denied",
    "too_large": "request too large",
    "reported_error": "the server reported an error",
    # Trust and the network (http.py)
    "ca_text_invalid": "the CA certificate text is not valid",
    "ca_file_unreadable": "cannot read the CA file {path}",
    "untrusted_certificate": "TLS certificate of {host} is not trusted",
    "tls_failed": "TLS failed",
    "dns": "cannot resolve host {host}",
    "proxy_connect": "cannot connect to the proxy {host}:{port}",
    "connect": "cannot connect to {host}:{port}",
    "timeout": "the server did not answer in time",
    "cut": "the connection closed mid-answer",
    "reset": "the server closed the connection before answering",
    "stalled": "the server kept the stream open without sending a complete line for {seconds} s",
    "invalid_url": "invalid URL {url}",
    "network_error": "network error: {type}",
    "proxy_scheme": "unsupported proxy type {scheme}://, use an http:// or https:// proxy",
    # Answers we could not read
    "malformed_stream": "malformed data in the stream",
    "malformed_answer": "malformed data in the answer",
    "unexpected_data": "unexpected data in the answer",
    "stopped_early": "the answer stopped before it was complete",
    "cut_short": "the answer was cut before its end",
    "error_instead_of_answer": "the server sent an error instead of an answer",
    "not_event_stream": "expected an event stream, got {content_type}",
    "line_too_long": "a line of the stream is longer than {limit_mb} MB",
    "no_content_type": "expected an event stream, got no content type",
    "no_choices": "an answer without choices",
    "not_json_object": "the answer is not a JSON object",
    "item_not_object": "a stream item is not a JSON object",
    "no_content": "the answer has no message content",
    "rewrote": "the service rewrote text it had already sent",
    "no_model_data": "the model list has no data",
    "model_list_format": "the model list is not in the OpenAI format",
    # Keys, tokens and sessions
    "no_key": "no key is set",
    "no_key_env": "no authorization key; set it in Settings or {variable}",
    "authorization_failed": "authorization failed",
    "client_secret_pasted": (
        "authorization failed (paste the Authorization key, not the Client Secret)"
    ),
    "no_token": "the OAuth server sent no token",
    "no_access_token_env": "no access token; set it in Settings or {variable}",
    "no_password_env": (
        "no user name and password; set them in Settings or {user_variable} and {password_variable}"
    ),
    "no_certificate_env": "no client certificate; set it in Settings or {variable}",
    "access_token_refused": "the access token was refused (expired or wrong)",
    "password_refused": "the user name or password was refused",
    "certificate_refused": "the client certificate was refused",
    "client_cert_unreadable": "cannot read the client certificate or key {path}",
    "client_cert_invalid": "the client certificate or its key is not valid",
    "login_refused": "the service refused the anonymous login",
    "question_refused": "the service refused the question (no free quota left?)",
}


_MAX_SERVER_TEXT = 300


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_SERVER_TEXT else text[: _MAX_SERVER_TEXT - 1] + "…"


class ProviderError(Exception):
    """Base of everything a provider raises on purpose."""

    #: Which failure this is, as stored and as the interface looks up its words.
    kind: ClassVar[str] = "failed"
    #: What the person can do about it; subclasses override.
    hint = "Try again later."
    #: Seconds the server asked us to wait (its `Retry-After`), where it said so.
    retry_after: float | None = None

    def __init__(
        self,
        message: str = "",
        *,
        provider: str = "",
        status: int | None = None,
        reason: str = "",
        detail: str = "",
        params: Mapping[str, str | int | float] | None = None,
    ) -> None:
        self.reason = reason
        self.detail = _trim(detail)
        self.params: dict[str, str | int | float] = dict(params or {})
        if not message:
            message = ": ".join(part for part in (self._said(), self.detail) if part)
        self.message = _trim(message)
        self.provider = provider
        self.status = status
        super().__init__(self.message)

    def _said(self) -> str:
        """The reason's English template with its params; a template whose params are
        missing is shown unfilled rather than failing while reporting a failure."""
        template = REASONS.get(self.reason, "")
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return template

    def data(self) -> dict[str, Any]:
        """The error as plain data (JSON-able): what the history stores and the interface
        puts into words. Without a reason, `detail` (or the English message) is what
        happened."""
        return {
            "kind": self.kind,
            "reason": self.reason,
            "provider": self.provider,
            "status": self.status,
            "detail": self.detail if (self.reason or self.detail) else self.message,
            "params": dict(self.params),
        }

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
    kind = "missing_key"
    hint = "Add a key in Settings."


class AuthError(ProviderError):
    kind = "auth"
    hint = "Check the key and scope in Settings."


class RateLimitError(ProviderError):
    kind = "rate_limit"

    def __init__(
        self,
        message: str = "",
        *,
        provider: str = "",
        status: int | None = 429,
        retry_after: float | None = None,
        reason: str = "",
        detail: str = "",
        params: Mapping[str, str | int | float] | None = None,
    ) -> None:
        super().__init__(
            message, provider=provider, status=status, reason=reason, detail=detail, params=params
        )
        self.retry_after = retry_after
        if retry_after is not None and 0 < retry_after < math.inf:
            self.params["retry_after"] = math.ceil(retry_after)

    @property
    def hint(self) -> str:  # type: ignore[override]
        # Whole seconds, rounded up: "Retry in 29.7345 s." reads like a bug.
        if self.retry_after is not None and 0 < self.retry_after < math.inf:
            return f"Retry in {math.ceil(self.retry_after)} s."
        return "Wait a little and retry."


class BadRequestError(ProviderError):
    kind = "bad_request"
    hint = "Change the request (shorter text, other parameters) and retry."


class NotFoundError(ProviderError):
    kind = "not_found"
    hint = "Pick another model or check the base URL in Settings."


class ServerError(ProviderError):
    kind = "server"
    hint = "The service has a problem; try again later."


class ProtocolError(ProviderError):
    kind = "protocol"
    hint = "The answer was cut or malformed; the text so far is kept. Retry."


class NetworkError(ProviderError):
    kind = "network"
    hint = "Check the connection, the proxy and the base URL in Settings."


class CertificateError(NetworkError):
    kind = "certificate"
    hint = "The server's TLS certificate is not trusted; add its CA file in Settings."


class TimedOutError(NetworkError):
    kind = "timeout"
    hint = "The server stopped answering; retry, or raise the timeout in Settings."


class UntrustedServerError(CertificateError):
    """An untrusted certificate at a provider that has no CA file setting to point at."""

    kind = "untrusted_server"
    hint = "The server's TLS certificate is not trusted; check the base URL in Settings."


#: what a server's refusal of a request's picture says (OpenAI, vLLM, Ollama, LM Studio)
IMAGE_WORDS = ("image", "vision", "multimodal", "mmproj", "изображен")


def about_images(text: str) -> bool:
    """Whether a server's words are about the request's pictures (issue #19)."""
    said = text.lower()
    return any(word in said for word in IMAGE_WORDS)


def refuses_images(error: ProviderError) -> bool:
    """A server's refusal of the request's image: shown as kind "images_refused"."""
    return error.status in (400, 404, 415, 422, 500) and about_images(str(error.detail or ""))


def recast(error: ProviderError, cls: type[ProviderError], provider: str = "") -> ProviderError:
    """The same failure as another class: reason, detail, params, status and the (maybe
    redacted) message carried over."""
    recast_error = cls(
        error.message,
        provider=error.provider or provider,
        status=error.status,
        reason=error.reason,
        detail=error.detail,
        params=error.params,
    )
    recast_error.retry_after = error.retry_after
    return recast_error


def refit_for_keyless(
    error: ProviderError, provider: str, refused: type[AuthError]
) -> ProviderError:
    """The same failure with hints a provider without key or CA settings can act on."""
    if isinstance(error, AuthError) and not isinstance(error, refused):
        return recast(error, refused, provider)
    if isinstance(error, CertificateError) and not isinstance(error, UntrustedServerError):
        return recast(error, UntrustedServerError, provider)
    return error


def error_for_status(
    status: int,
    message: str,
    *,
    provider: str = "",
    retry_after: float | None = None,
    fallback: str = "http_status",
) -> ProviderError:
    """Map an HTTP status to the typed error a person should see; `message` (the
    server's words) becomes the detail, `fallback` the reason when it is empty."""
    fields: dict[str, Any] = {"provider": provider, "status": status, "detail": message}
    if not message:
        fields["reason"] = fallback
        fields["params"] = {"status": status} if fallback == "http_status" else {}
    if status == 401:
        return AuthError(**fields)
    if status == 403:
        return AuthError(**{**fields, "reason": "access_denied", "params": {}})
    if status == 404:
        return NotFoundError(**fields)
    if status in (402, 429):
        return RateLimitError(**fields, retry_after=retry_after)
    error: ProviderError
    if status == 413:
        error = BadRequestError(**{**fields, "reason": "too_large", "params": {}})
    elif 400 <= status < 500:
        error = BadRequestError(**fields)
    else:
        error = ServerError(**fields)
    error.retry_after = retry_after  # a 503 may say when to come back, too
    return error
