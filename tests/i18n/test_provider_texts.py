"""Texts from the Qt-free providers package reach the person in their language."""

from __future__ import annotations

import inspect

import pytest

import providers.errors as errors
from gui.widgets.i18n import (
    ERROR_HINTS,
    PROVIDER_TEXTS,
    Translations,
    localize_message,
    provider_text,
)
from providers.auto import AllProvidersFailedError
from providers.registry import provider_classes

#: Names, not words: they read the same in every language.
BRANDS = {"GigaChat", "GPROChat", "GPTalk"}


def error_classes() -> list[type[errors.ProviderError]]:
    """Every ProviderError class: errors.py's and the providers' own subclasses."""
    provider_classes()  # imports every provider module (auto.py is imported above)
    found: list[type[errors.ProviderError]] = []
    pending = [errors.ProviderError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda cls: (cls.__module__, cls.__name__))


def fixed_hint(cls: type[errors.ProviderError]) -> str | None:
    """The class's hint when it is a fixed sentence (not computed per error)."""
    hint = inspect.getattr_static(cls, "hint")
    return hint if isinstance(hint, str) else None


def sample(cls: type[errors.ProviderError]) -> errors.ProviderError:
    return cls("Something broke", provider="GigaChat")


def test_every_error_hint_is_known_to_the_translations() -> None:
    hints = {hint for cls in error_classes() if (hint := fixed_hint(cls)) is not None}
    hints.add(errors.RateLimitError("x").hint)  # without retry_after: a fixed sentence
    assert len(hints) > 10
    assert hints <= set(ERROR_HINTS), "add the new hint to gui/widgets/i18n.py ERROR_HINTS"


def test_every_provider_word_is_known_to_the_translations() -> None:
    words = set()
    for cls in provider_classes():
        words.add(cls.label)
        words.update(field.label for field in cls.config_fields)
    assert words - BRANDS <= set(PROVIDER_TEXTS), (
        "add the label to gui/widgets/i18n.py PROVIDER_TEXTS"
    )


@pytest.mark.parametrize(
    "cls",
    [cls for cls in error_classes() if fixed_hint(cls) is not None],
    ids=lambda cls: f"{cls.__module__}.{cls.__name__}",
)
def test_errors_are_shown_with_a_russian_hint(
    cls: type[errors.ProviderError], translations: Translations
) -> None:
    error = sample(cls)
    assert localize_message(error.user_message) == error.user_message  # English: as is
    translations.apply("ru")
    shown = localize_message(error.user_message)
    assert shown.startswith("GigaChat: Something broke. ")
    assert error.hint not in shown
    assert any("а" <= char <= "я" for char in shown.lower())


def test_the_fixed_parts_of_messages_are_translated(translations: Translations) -> None:
    translations.apply("ru")
    limited = errors.RateLimitError("Too many", provider="GPTalk", retry_after=29.2)
    assert localize_message(limited.user_message) == "GPTalk: Too many. Повторите через 30 с."
    denied = errors.error_for_status(403, "no scope", provider="GigaChat")
    assert localize_message(denied.user_message) == (
        "GigaChat: доступ запрещён: no scope."
        " Проверьте ключ и область доступа (scope) в настройках."
    )
    assert localize_message("Internal error (KeyError); the text so far is kept.") == (
        "Внутренняя ошибка (KeyError); полученный текст сохранён."
    )
    assert localize_message("OpenAI-compatible: connected, 12 models available.") == (
        "OpenAI-совместимый: подключено, доступно моделей: 12."
    )
    assert localize_message("GigaChat: cannot start (OSError); check its Settings.") == (
        "GigaChat: не удалось запустить (OSError); проверьте его настройки."
    )
    assert localize_message("Internal error; the text so far is kept.") == (
        "Внутренняя ошибка; полученный текст сохранён."
    )
    failed = AllProvidersFailedError(
        [errors.ServerError("boom", provider="GigaChat")], provider="Auto"
    )
    assert localize_message(failed.user_message) == (
        "Auto: все провайдеры дали сбой: GigaChat: boom. У сервиса неполадки; попробуйте позже."
    )
    assert localize_message("Something we never said.") == "Something we never said."
    assert provider_text("OpenAI-compatible") == "OpenAI-совместимый"
    assert provider_text("GigaChat") == "GigaChat"
