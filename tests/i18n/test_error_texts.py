"""Errors are worded at display time: every reason and kind the providers can raise has a
sentence in the catalog, in English and in Russian, with the server's words quoted as sent."""

from __future__ import annotations

import dataclasses
import inspect
import re
import string

import pytest

import providers.errors as errors
from gui.values import ErrorInfo
from gui.widgets.error_text import APP_SENTENCES, HINTS, KIND_TEXTS, REASON_TEXTS, error_text
from gui.widgets.i18n import Translations
from providers.registry import provider_classes


def error_classes() -> list[type[errors.ProviderError]]:
    """Every ProviderError class: errors.py's and the providers' own subclasses."""
    provider_classes()  # imports every provider module
    found: list[type[errors.ProviderError]] = []
    pending = [errors.ProviderError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda cls: (cls.__module__, cls.__name__))


def placeholders(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}


def test_every_reason_has_a_template_with_the_same_placeholders() -> None:
    assert errors.REASONS, "providers.errors.REASONS is empty"
    missing = sorted(set(errors.REASONS) - set(REASON_TEXTS))
    assert missing == [], "add the reason to gui/widgets/error_text.py REASON_TEXTS"
    assert sorted(set(REASON_TEXTS) - set(errors.REASONS)) == [], "a reason no provider has"
    for code, template in errors.REASONS.items():
        assert placeholders(REASON_TEXTS[code]) == placeholders(template), code


def test_every_kind_has_its_words_and_the_class_hint() -> None:
    classes = error_classes()
    assert len(classes) > 10
    for cls in classes:
        assert cls.kind in KIND_TEXTS, f"{cls.__name__}: add {cls.kind!r} to KIND_TEXTS"
        hint = inspect.getattr_static(cls, "hint")
        if isinstance(hint, str):  # RateLimitError computes its own, per error
            assert HINTS.get(cls.kind) == hint, f"{cls.__name__}: HINTS[{cls.kind!r}]"
    assert HINTS["rate_limit"] == errors.RateLimitError("x").hint
    assert set(HINTS) == set(KIND_TEXTS)
    assert {"internal", "provider_setup", "not_saved"} <= set(APP_SENTENCES)


def test_an_error_reads_provider_what_happened_detail_and_hint() -> None:
    limited = errors.RateLimitError("", provider="GPTalk", detail="Too many", retry_after=29.2)
    info = ErrorInfo.from_data(limited.data())
    assert error_text(info) == "GPTalk: too many requests. «Too many» Retry in 30 s."
    without_wait = ErrorInfo("rate_limit", provider="GigaChat")
    assert error_text(without_wait) == "GigaChat: too many requests. Wait a little and retry."
    code = next(iter(errors.REASONS))
    params = dict.fromkeys(placeholders(errors.REASONS[code]), "X")
    reason = ErrorInfo("server", reason=code, provider="GigaChat", params=params)
    said = errors.REASONS[code].format(**params).rstrip(". ")
    assert error_text(reason) == f"GigaChat: {said}. The service has a problem; try again later."
    assert error_text(ErrorInfo("internal", params={"type": "KeyError"})) == (
        "Internal error (KeyError); the text so far is kept."
    )
    assert error_text(
        ErrorInfo("provider_setup", provider="GigaChat", params={"type": "OSError"})
    ) == ("GigaChat: cannot start (OSError); check its Settings.")
    # A kind from a newer version, and a template whose param is missing: still a sentence.
    assert error_text(ErrorInfo("from_the_future")) == "The request failed. Try again later."
    assert "{host}" in error_text(ErrorInfo("network", reason="connect"))


def test_the_server_words_are_quoted_as_sent_in_any_language(
    translations: Translations,
) -> None:
    info = ErrorInfo("auth", provider="OpenAI-compatible", status=401, detail="Invalid key sk-…")
    translations.apply("ru")
    shown = error_text(info)
    assert shown.startswith("OpenAI-совместимый: ")
    assert "«Invalid key sk-…»" in shown
    assert "Check the key" not in shown


@pytest.mark.parametrize(
    "info",
    [ErrorInfo(kind) for kind in KIND_TEXTS]
    + [ErrorInfo("rate_limit", params={"retry_after": 7})]
    + [ErrorInfo(kind, params={"type": "OSError"}) for kind in APP_SENTENCES]
    + [
        ErrorInfo("failed", reason=code, params=dict.fromkeys(placeholders(template), "1"))
        for code, template in REASON_TEXTS.items()
    ],
    ids=lambda info: f"{info.kind}-{info.reason}" if info.reason else info.kind,
)
def test_every_error_sentence_is_russian(info: ErrorInfo, translations: Translations) -> None:
    """No English sentence is left for a Russian reader (the catalog has each text)."""
    translations.apply("ru")
    shown = error_text(dataclasses.replace(info, provider="GigaChat"))
    assert re.search("[а-яё]", shown, re.IGNORECASE), shown
    assert not re.search(r"[A-Za-z]+(?:[ ,;]+[A-Za-z]+){2,}", shown), shown
