"""Words from the Qt-free providers package reach the person in their language."""

from __future__ import annotations

from gui.widgets.i18n import PROVIDER_TEXTS, Translations, provider_text
from providers.registry import provider_classes

#: Names, not words: they read the same in every language.
BRANDS = {"GigaChat", "GPROChat", "GPTalk"}


def test_every_provider_word_is_known_to_the_translations() -> None:
    words = set()
    for cls in provider_classes():
        words.add(cls.label)
        words.update(field.label for field in cls.config_fields)
    assert words - BRANDS <= set(PROVIDER_TEXTS), (
        "add the label to gui/widgets/i18n.py PROVIDER_TEXTS"
    )


def test_provider_words_are_translated_and_brands_are_not(translations: Translations) -> None:
    translations.apply("ru")
    assert provider_text("OpenAI-compatible") == "OpenAI-совместимый"
    assert provider_text("GigaChat") == "GigaChat"
