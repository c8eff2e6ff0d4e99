"""Failures as data (`gui.values.ErrorInfo`): the one place an exception becomes one,
and the one plain-English wording of it.

The history stores the data; the window words it at display time in its own language
(gui/widgets/error_text.py). `english` is for what has no interface language: the
command line's stderr and exported documents. A provider's error is worded as the
provider words it (`ProviderError.user_message`, rebuilt from the data by its kind).
"""

from __future__ import annotations

from gui.values import ErrorInfo
from providers.errors import ProviderError, RateLimitError, refuses_images

__all__ = ["english", "error_info", "internal_error", "setup_error"]


#: What a refusal of an image says (OpenAI, vLLM, llama.cpp, Ollama, LM Studio, GigaChat).
def error_info(error: ProviderError, provider: str = "") -> ErrorInfo:
    """A provider's error as data; `provider` (a label) when the error has none."""
    info = ErrorInfo.from_data(error.data())
    if refuses_images(error):
        info = ErrorInfo.from_data({**info.to_data(), "kind": "images_refused", "reason": ""})
    if not info.provider and provider:
        return ErrorInfo.from_data({**info.to_data(), "provider": provider})
    return info


def internal_error(failure: BaseException, provider: str = "") -> ErrorInfo:
    """Our own bug: the text so far is kept; the log has the traceback."""
    return ErrorInfo("internal", provider=provider, params={"type": type(failure).__name__})


def setup_error(failure: BaseException, provider: str) -> ErrorInfo:
    """A provider that could not be built from its settings (not a ProviderError)."""
    return ErrorInfo("provider_setup", provider=provider, params={"type": type(failure).__name__})


#: The app's own kinds (gui.core.errors), in the words the history used to keep.
_APP = {
    "internal": "Internal error ({type}); the text so far is kept.",
    "provider_setup": "{provider}: cannot start ({type}); check its Settings.",
    "not_saved": "{provider}: the end of the reply could not be saved to the history.",
    "keychain_locked": "{provider}: the keychain is locked; unlock it and retry.",
    "keychain_unavailable": "{provider}: the keychain could not be read; retry, or check it.",
}
_IMAGES_REFUSED = "{provider}: the model did not take the image ({detail}). Remove it or pick a"
_IMAGES_REFUSED += " model that sees images."


def english(info: ErrorInfo) -> str:
    if info.kind == "images_refused":
        return _IMAGES_REFUSED.format(provider=info.provider or "Besedka", detail=info.detail)
    if info.kind in _APP:
        fields = {"type": "error", **info.params, "provider": info.provider or "Besedka"}
        return _APP[info.kind].format(**fields)
    return _rebuilt(info).user_message


def _rebuilt(info: ErrorInfo) -> ProviderError:
    """The provider error the data came from, as far as its kind tells."""
    cls = _classes().get(info.kind, ProviderError)
    fields = {
        "provider": info.provider,
        "status": info.status,
        "reason": info.reason,
        "detail": info.detail,
        "params": info.params,
    }
    retry_after = info.params.get("retry_after")
    try:
        if issubclass(cls, RateLimitError) and isinstance(retry_after, int | float):
            return cls(retry_after=retry_after, **fields)  # type: ignore[arg-type]
        return cls(**fields)  # type: ignore[arg-type]
    except TypeError:  # a subclass with a constructor of its own
        return ProviderError(**fields)  # type: ignore[arg-type]


def _classes() -> dict[str, type[ProviderError]]:
    """Kind → the most general class of that kind (a subclass may reuse its parent's)."""
    found: dict[str, type[ProviderError]] = {}
    pending: list[type[ProviderError]] = [ProviderError]
    while pending:
        cls = pending.pop(0)
        found.setdefault(cls.kind, cls)
        pending.extend(cls.__subclasses__())
    return found
