"""Failures as data (`gui.values.ErrorInfo`): the one place an exception becomes one.

The history stores the data and the interface words it at display time, in its own
language; nothing here makes a sentence.
"""

from __future__ import annotations

from gui.values import ErrorInfo
from providers.errors import ProviderError

__all__ = ["error_info", "internal_error", "setup_error"]


def error_info(error: ProviderError, provider: str = "") -> ErrorInfo:
    """A provider's error as data; `provider` (a label) when the error has none."""
    info = ErrorInfo.from_data(error.data())
    if not info.provider and provider:
        return ErrorInfo.from_data({**info.to_data(), "provider": provider})
    return info


def internal_error(failure: BaseException, provider: str = "") -> ErrorInfo:
    """Our own bug: the text so far is kept; the log has the traceback."""
    return ErrorInfo("internal", provider=provider, params={"type": type(failure).__name__})


def setup_error(failure: BaseException, provider: str) -> ErrorInfo:
    """A provider that could not be built from its settings (not a ProviderError)."""
    return ErrorInfo("provider_setup", provider=provider, params={"type": type(failure).__name__})
