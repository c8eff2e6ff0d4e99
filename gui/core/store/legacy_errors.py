"""Read the English error sentences histories before schema v4 stored back into `ErrorInfo`.

Up to v3 a failed reply kept one sentence: `ProviderError.user_message`, that is
"<Label>: <message>. <hint>", or one of the app's own sentences. The hint names the error's
class, so it tells the kind; the message part becomes `detail` (the reason code of an old
row cannot be known, so its words are kept). The texts below are frozen as they shipped,
like the migration that uses them: never edit them to follow today's wording.
"""

from __future__ import annotations

import json
import math
import re

from gui.values import ErrorInfo

#: The `hint` of each error class as shipped, and the kind that class has.
HINT_KINDS: dict[str, str] = {
    "Try again later.": "failed",
    "Add a key in Settings.": "missing_key",
    "Check the key and scope in Settings.": "auth",
    "Wait a little and retry.": "rate_limit",
    "Change the request (shorter text, other parameters) and retry.": "bad_request",
    "Pick another model or check the base URL in Settings.": "not_found",
    "The service has a problem; try again later.": "server",
    "The answer was cut or malformed; the text so far is kept. Retry.": "protocol",
    "Check the connection, the proxy and the base URL in Settings.": "network",
    "The server's TLS certificate is not trusted; add its CA file in Settings.": "certificate",
    "The server stopped answering; retry, or raise the timeout in Settings.": "timeout",
    "The server's TLS certificate is not trusted; check the base URL in Settings.": (
        "untrusted_server"
    ),
    # providers/gprochat.py RequestRefusedError and providers/gptalk.py SessionRefusedError
    "The service refused the signed request; "
    "check the computer's clock and the base URL in Settings.": "signature_refused",
    "The service refused the anonymous session; retry later or pick another provider.": (
        "session_refused"
    ),
}

# RateLimitError's hint with a known wait: whole seconds since 0.2, "{:g}" before.
_RETRY_IN = re.compile(r"(?P<rest>.*) Retry in (?P<seconds>\d+(?:\.\d+)?) s\.", re.DOTALL)
_INTERNAL = re.compile(r"Internal error(?: \((?P<type>\w+)\))?; the text so far is kept\.")
_SETUP = re.compile(r"(?P<label>.+?): cannot start \((?P<type>\w+)\); check its Settings\.")
# A provider label as the providers wrote it ("GigaChat", "OpenAI-compatible"): a capital,
# no sentence punctuation. Lower-case openings ("access denied: ") are the message's own.
_LABELLED = re.compile(r"(?P<label>[A-Z][\w+-]*(?: [\w+()-]+){0,2}): (?P<message>.+)", re.DOTALL)
# AllProvidersFailedError ends with the hint of the last failure, not its own kind's.
_ALL_FAILED = "every provider failed: "


def column_value(text: str | None) -> str | None:
    """What schema v4 keeps in the `error` column for what an older one held: NULL for no
    error, a JSON error as it is, else the sentence read back (`parse`) as JSON."""
    if text is not None and _data(text) is not None:
        return text
    info = parse(text or "")
    return None if info is None else info.to_json()


def _data(text: str) -> ErrorInfo | None:
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("kind"), str):
        return ErrorInfo.from_data(data)
    return None


def parse(text: str) -> ErrorInfo | None:
    """An old error as data: None for no error, a JSON error as it is, else the sentence
    read back as well as its shape allows (unknown text: kind "failed", the text as detail)."""
    text = text.strip()
    if not text:
        return None
    data = _data(text)
    if data is not None:
        return data
    internal = _INTERNAL.fullmatch(text)
    if internal is not None:
        found = internal["type"]
        return ErrorInfo(kind="internal", params={"type": found} if found else {})
    setup = _SETUP.fullmatch(text)
    if setup is not None:
        return ErrorInfo(
            kind="provider_setup", provider=setup["label"], params={"type": setup["type"]}
        )
    return _provider_error(text) or ErrorInfo(kind="failed", detail=text)


def _provider_error(text: str) -> ErrorInfo | None:
    """ "<Label>: <message>. <hint>" (the label may be missing) read back, or None."""
    params: dict[str, str | int | float] = {}
    retry = _RETRY_IN.fullmatch(text)
    if retry is not None:
        kind, said = "rate_limit", retry["rest"]
        params["retry_after"] = math.ceil(float(retry["seconds"]))
    else:
        hint = next((hint for hint in HINT_KINDS if text.endswith(f" {hint}")), None)
        if hint is None:
            return None
        kind, said = HINT_KINDS[hint], text[: -len(hint) - 1]
    labelled = _LABELLED.fullmatch(said)
    label, message = (labelled["label"], labelled["message"]) if labelled else ("", said)
    if message.startswith(_ALL_FAILED):
        kind, params = "failed", {}
    # user_message added a period after a message that had none: take it off again.
    detail = message.strip().removesuffix(".")
    return ErrorInfo(kind=kind, provider=label, detail=detail, params=params)
