"""What Settings → Test connection found (`ConnectionResult`), in the interface language."""

from __future__ import annotations

import dataclasses
import math

from PySide6.QtCore import QCoreApplication, QLocale

from gui.values import BalanceLine, ConnectionResult, ErrorInfo

__all__ = ["balance_text", "connection_text"]

# The "ProviderError" context is where these sentences have always been translated
# (literal in every call: lupdate reads no variables).


def connection_text(result: ConnectionResult, title: str) -> str:
    """The result as one sentence or two (the balance); `title` names the provider as its
    page does (a profile by its name)."""
    from gui.widgets.error_text import error_text  # here: only when a test ran

    if result.ok and result.models is not None:
        text = QCoreApplication.translate(
            "ProviderError", "{0}: connected, {1} models available."
        ).format(title, result.models)
    elif result.ok:
        text = QCoreApplication.translate("ProviderError", "{0}: connected.").format(title)
    else:  # named as its page is (an unsaved profile has no name elsewhere yet)
        error = result.error or ErrorInfo("failed")
        return error_text(dataclasses.replace(error, provider=title))
    if result.balance:
        text += " " + balance_text(result.balance)
    return text


def balance_text(lines: tuple[BalanceLine, ...]) -> str:
    """ "Balance (tokens): GigaChat-2 — 1,234; embeddings — 9,999,967." in the interface
    language, its numbers as its locale writes them (no plural forms to get wrong)."""
    locale = QLocale()
    parts = [f"{line.usage} — {locale.toString(_count(line.value))}" for line in lines]
    return QCoreApplication.translate("ProviderError", "Balance (tokens): {0}.").format(
        "; ".join(parts)
    )


def _count(value: float) -> int:
    """A whole number of tokens (a fraction rounds down); what is not a number is 0."""
    return int(value) if math.isfinite(value) else 0
