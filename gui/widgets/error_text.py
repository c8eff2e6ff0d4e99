"""A failure (`gui.values.ErrorInfo`) put into words in the interface language.

The history keeps errors as data; this is the one place that makes a sentence of them,
at display time, so switching the language rewords every error shown:
"{provider}: {what happened}. «{detail}» {hint}". What happened is the reason's
template (`providers.errors.REASONS`, the same codes and placeholders) or the kind's
generic text; the detail is the server's own words, quoted and never translated; the
hint says what to do. The English texts here are the providers' own (a test in
tests/i18n holds them in step); lupdate finds them through QT_TRANSLATE_NOOP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from gui.widgets.i18n import QT_TRANSLATE_NOOP, provider_text

if TYPE_CHECKING:
    from gui.values import ErrorInfo

__all__ = ["APP_SENTENCES", "HINTS", "KIND_TEXTS", "REASON_TEXTS", "error_text"]

CONTEXT = "Errors"

#: What happened, per reason code of `providers.errors.REASONS` (English as there).
REASON_TEXTS: dict[str, str] = {
    "no_message": QT_TRANSLATE_NOOP("Errors", "there is no message to send"),
    "bad_option": QT_TRANSLATE_NOOP("Errors", "unknown option '{option}'"),
    "option_type": QT_TRANSLATE_NOOP("Errors", "option '{option}' has the wrong type"),
    "http_status": QT_TRANSLATE_NOOP("Errors", "HTTP {status}"),
    "access_denied": QT_TRANSLATE_NOOP("Errors", "access denied"),
    "too_large": QT_TRANSLATE_NOOP("Errors", "request too large"),
    "reported_error": QT_TRANSLATE_NOOP("Errors", "the server reported an error"),
    "ca_text_invalid": QT_TRANSLATE_NOOP("Errors", "the CA certificate text is not valid"),
    "ca_file_unreadable": QT_TRANSLATE_NOOP("Errors", "cannot read the CA file {path}"),
    "untrusted_certificate": QT_TRANSLATE_NOOP(
        "Errors", "TLS certificate of {host} is not trusted"
    ),
    "tls_failed": QT_TRANSLATE_NOOP("Errors", "TLS failed"),
    "dns": QT_TRANSLATE_NOOP("Errors", "cannot resolve host {host}"),
    "proxy_connect": QT_TRANSLATE_NOOP("Errors", "cannot connect to the proxy {host}:{port}"),
    "connect": QT_TRANSLATE_NOOP("Errors", "cannot connect to {host}:{port}"),
    "timeout": QT_TRANSLATE_NOOP("Errors", "the server did not answer in time"),
    "cut": QT_TRANSLATE_NOOP("Errors", "the connection closed mid-answer"),
    "invalid_url": QT_TRANSLATE_NOOP("Errors", "invalid URL {url}"),
    "network_error": QT_TRANSLATE_NOOP("Errors", "network error: {type}"),
    "proxy_scheme": QT_TRANSLATE_NOOP(
        "Errors", "unsupported proxy type {scheme}://, use an http:// or https:// proxy"
    ),
    "malformed_stream": QT_TRANSLATE_NOOP("Errors", "malformed data in the stream"),
    "malformed_answer": QT_TRANSLATE_NOOP("Errors", "malformed data in the answer"),
    "unexpected_data": QT_TRANSLATE_NOOP("Errors", "unexpected data in the answer"),
    "stopped_early": QT_TRANSLATE_NOOP("Errors", "the answer stopped before it was complete"),
    "cut_short": QT_TRANSLATE_NOOP("Errors", "the answer was cut before its end"),
    "error_instead_of_answer": QT_TRANSLATE_NOOP(
        "Errors", "the server sent an error instead of an answer"
    ),
    "not_event_stream": QT_TRANSLATE_NOOP("Errors", "expected an event stream, got {content_type}"),
    "no_content_type": QT_TRANSLATE_NOOP("Errors", "expected an event stream, got no content type"),
    "no_choices": QT_TRANSLATE_NOOP("Errors", "an answer without choices"),
    "not_json_object": QT_TRANSLATE_NOOP("Errors", "the answer is not a JSON object"),
    "item_not_object": QT_TRANSLATE_NOOP("Errors", "a stream item is not a JSON object"),
    "no_content": QT_TRANSLATE_NOOP("Errors", "the answer has no message content"),
    "rewrote": QT_TRANSLATE_NOOP("Errors", "the service rewrote text it had already sent"),
    "no_model_data": QT_TRANSLATE_NOOP("Errors", "the model list has no data"),
    "model_list_format": QT_TRANSLATE_NOOP("Errors", "the model list is not in the OpenAI format"),
    "no_key": QT_TRANSLATE_NOOP("Errors", "no key is set"),
    "no_key_env": QT_TRANSLATE_NOOP(
        "Errors", "no authorization key; set it in Settings or {variable}"
    ),
    "authorization_failed": QT_TRANSLATE_NOOP("Errors", "authorization failed"),
    "client_secret_pasted": QT_TRANSLATE_NOOP(
        "Errors", "authorization failed (paste the Authorization key, not the Client Secret)"
    ),
    "no_token": QT_TRANSLATE_NOOP("Errors", "the OAuth server sent no token"),
    "option_value": QT_TRANSLATE_NOOP(
        "Errors", "option '{option}' has a value the service does not take"
    ),
    "reset": QT_TRANSLATE_NOOP("Errors", "the server closed the connection before answering"),
    "stalled": QT_TRANSLATE_NOOP(
        "Errors",
        "the server kept the stream open without sending a complete line for {seconds} s",
    ),
    "line_too_long": QT_TRANSLATE_NOOP(
        "Errors", "a line of the stream is longer than {limit_mb} MB"
    ),
    "no_access_token_env": QT_TRANSLATE_NOOP(
        "Errors", "no access token; set it in Settings or {variable}"
    ),
    "no_password_env": QT_TRANSLATE_NOOP(
        "Errors",
        "no user name and password; set them in Settings or {user_variable} and"
        " {password_variable}",
    ),
    "no_certificate_env": QT_TRANSLATE_NOOP(
        "Errors", "no client certificate; set it in Settings or {variable}"
    ),
    "access_token_refused": QT_TRANSLATE_NOOP(
        "Errors", "the access token was refused (expired or wrong)"
    ),
    "password_refused": QT_TRANSLATE_NOOP("Errors", "the user name or password was refused"),
    "certificate_refused": QT_TRANSLATE_NOOP("Errors", "the client certificate was refused"),
    "client_cert_unreadable": QT_TRANSLATE_NOOP(
        "Errors", "cannot read the client certificate or key {path}"
    ),
    "client_cert_invalid": QT_TRANSLATE_NOOP(
        "Errors", "the client certificate or its key is not valid"
    ),
    "login_refused": QT_TRANSLATE_NOOP("Errors", "the service refused the anonymous login"),
    "question_refused": QT_TRANSLATE_NOOP(
        "Errors", "the service refused the question (no free quota left?)"
    ),
}

#: What happened when an error has no (known) reason: per kind.
KIND_TEXTS: dict[str, str] = {
    "failed": QT_TRANSLATE_NOOP("Errors", "the request failed"),
    "missing_key": QT_TRANSLATE_NOOP("Errors", "no key is set"),
    "auth": QT_TRANSLATE_NOOP("Errors", "the service refused the credentials"),
    "rate_limit": QT_TRANSLATE_NOOP("Errors", "too many requests"),
    "bad_request": QT_TRANSLATE_NOOP("Errors", "the service refused the request"),
    "not_found": QT_TRANSLATE_NOOP("Errors", "the model or the address was not found"),
    "server": QT_TRANSLATE_NOOP("Errors", "the service failed"),
    "protocol": QT_TRANSLATE_NOOP("Errors", "the answer broke off"),
    "network": QT_TRANSLATE_NOOP("Errors", "cannot connect"),
    "certificate": QT_TRANSLATE_NOOP("Errors", "the server's certificate is not trusted"),
    "timeout": QT_TRANSLATE_NOOP("Errors", "the server stopped answering"),
    "untrusted_server": QT_TRANSLATE_NOOP("Errors", "the server's certificate is not trusted"),
    "signature_refused": QT_TRANSLATE_NOOP("Errors", "the service refused the signed request"),
    "session_refused": QT_TRANSLATE_NOOP("Errors", "the service refused the anonymous session"),
    # the app's own reading of a refusal (providers/errors.py refuses_images, #19)
    "images_refused": QT_TRANSLATE_NOOP("Errors", "the model did not take the image"),
}

#: What to do, per kind: the `hint` of each error class (providers/errors.py and the
#: providers' own subclasses).
HINTS: dict[str, str] = {
    "failed": QT_TRANSLATE_NOOP("Errors", "Try again later."),
    "missing_key": QT_TRANSLATE_NOOP("Errors", "Add a key in Settings."),
    "auth": QT_TRANSLATE_NOOP("Errors", "Check the key and scope in Settings."),
    "rate_limit": QT_TRANSLATE_NOOP("Errors", "Wait a little and retry."),
    "bad_request": QT_TRANSLATE_NOOP(
        "Errors", "Change the request (shorter text, other parameters) and retry."
    ),
    "not_found": QT_TRANSLATE_NOOP(
        "Errors", "Pick another model or check the base URL in Settings."
    ),
    "server": QT_TRANSLATE_NOOP("Errors", "The service has a problem; try again later."),
    "protocol": QT_TRANSLATE_NOOP(
        "Errors", "The answer was cut or malformed; the text so far is kept. Retry."
    ),
    "network": QT_TRANSLATE_NOOP(
        "Errors", "Check the connection, the proxy and the base URL in Settings."
    ),
    "certificate": QT_TRANSLATE_NOOP(
        "Errors", "The server's TLS certificate is not trusted; add its CA file in Settings."
    ),
    "timeout": QT_TRANSLATE_NOOP(
        "Errors", "The server stopped answering; retry, or raise the timeout in Settings."
    ),
    "untrusted_server": QT_TRANSLATE_NOOP(
        "Errors", "The server's TLS certificate is not trusted; check the base URL in Settings."
    ),
    # The providers' own subclasses (gprochat.py, gptalk.py): hints their settings can act on.
    "signature_refused": QT_TRANSLATE_NOOP(
        "Errors",
        "The service refused the signed request; "
        "check the computer's clock and the base URL in Settings.",
    ),
    "session_refused": QT_TRANSLATE_NOOP(
        "Errors",
        "The service refused the anonymous session; retry later or pick another provider.",
    ),
    "images_refused": QT_TRANSLATE_NOOP(
        "Errors",
        "It may not see images: remove the image and retry, or pick a model that sees them"
        " (Settings: “Models that see images” for a compatible service).",
    ),
}
#: The rate-limit hint when the service said how long to wait (whole seconds).
RETRY_IN = QT_TRANSLATE_NOOP("Errors", "Retry in {retry_after} s.")

#: The app's own failures: whole sentences, filled from the error's params.
APP_SENTENCES: dict[str, str] = {
    "internal": QT_TRANSLATE_NOOP("Errors", "Internal error ({type}); the text so far is kept."),
    "provider_setup": QT_TRANSLATE_NOOP(
        "Errors", "{provider}: cannot start ({type}); check its Settings."
    ),
    "not_saved": QT_TRANSLATE_NOOP(
        "Errors", "The history could not save the end of this reply; the text shown may be lost."
    ),
    "keychain_locked": QT_TRANSLATE_NOOP(
        "Errors", "{provider}: the keychain is locked; unlock it and retry."
    ),
    "keychain_unavailable": QT_TRANSLATE_NOOP(
        "Errors", "{provider}: the keychain could not be read; retry, or check it."
    ),
}


class _Params(dict[str, object]):
    """Placeholders a template names but the error lacks stay visible, never raise."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, params: Mapping[str, object]) -> str:
    return QCoreApplication.translate(CONTEXT, template).format_map(_Params(params))


def error_text(info: ErrorInfo) -> str:
    """The sentence a person reads for `info`, in the current interface language."""
    provider = provider_text(info.provider) if info.provider else ""
    sentence = APP_SENTENCES.get(info.kind)
    if sentence is not None:
        return _fill(sentence, {**info.params, "provider": provider})
    template = REASON_TEXTS.get(info.reason) or KIND_TEXTS.get(info.kind) or KIND_TEXTS["failed"]
    happened = _fill(template, info.params).rstrip(". ")
    if not provider:  # the sentence starts with what happened
        happened = happened[:1].upper() + happened[1:]
    parts = [f"{provider}: {happened}." if provider else f"{happened}."]
    if info.detail:
        parts.append(f"«{info.detail}»")
    if info.kind == "rate_limit" and "retry_after" in info.params:
        parts.append(_fill(RETRY_IN, info.params))
    else:
        parts.append(_fill(HINTS.get(info.kind, HINTS["failed"]), info.params))
    return " ".join(parts)
