"""Interface language: Qt translators for Besedka's own texts and for Qt's standard ones.

The sources are written in English; `resources/translations/besedka_ru.ts` holds the
Russian translation and `besedka_en.ts` the English plural forms. `scripts/setup` compiles
them to `.qm` next to the `.ts` (pyside6-lrelease), and the bundle carries `resources/`.
Installing or removing a translator makes Qt send every widget a LanguageChange event;
widgets that hold text retranslate themselves in `changeEvent`, so switching needs no
restart.

Provider labels and setting names come from the Qt-free `providers` package in English:
`provider_text` translates them here. Errors are data, worded by gui/widgets/error_text.py.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

__all__ = [
    "CATALOG",
    "LANGUAGES",
    "Translations",
    "provider_text",
    "resolve_language",
]

log = logging.getLogger(__name__)

UiLanguage = Literal["en", "ru"]
LANGUAGES: tuple[UiLanguage, ...] = ("en", "ru")
CATALOG = "besedka"
#: Qt's own texts (standard buttons, context menus). "qt_ru" is a meta-catalog that also
#: wants modules PySide6-Essentials lacks; qtbase is the one the widgets use.
QT_CATALOG = "qtbase"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate knows
    """Mark `text` for lupdate under `context`; it is translated later by value."""
    return text


def resolve_language(choice: str, system: QLocale | None = None) -> UiLanguage:
    """ "en" or "ru": the setting when it names one, else the first of the system's UI
    languages that Besedka speaks, else English."""
    if choice == "ru":
        return "ru"
    if choice == "en":
        return "en"
    locale = system if system is not None else QLocale.system()
    for name in locale.uiLanguages():
        code = name.replace("-", "_").split("_", 1)[0].lower()
        if code == "ru":
            return "ru"
        if code == "en":
            return "en"
    return "en"


class Translations:
    """The translators installed on one application; `apply` swaps them at run time."""

    def __init__(self, app: QCoreApplication, directory: Path) -> None:
        """`directory` holds the compiled catalogs (`resources/translations`)."""
        self.app = app
        self.directory = directory
        self.language: UiLanguage = "en"
        self._installed: list[QTranslator] = []

    def apply(self, choice: str, system: QLocale | None = None) -> UiLanguage:
        """Switch to the language `choice` ("system", "en" or "ru") names; returns it."""
        language = resolve_language(choice, system)
        for translator in self._installed:
            self.app.removeTranslator(translator)
            translator.deleteLater()
        self._installed.clear()
        QLocale.setDefault(QLocale("ru_RU" if language == "ru" else "en_US"))
        for translator in self._load(language):
            self.app.installTranslator(translator)
            self._installed.append(translator)
        self.language = language
        return language

    def _load(self, language: UiLanguage) -> list[QTranslator]:
        loaded: list[QTranslator] = []
        own = QTranslator(self.app)
        catalog = self.directory / f"{CATALOG}_{language}.qm"
        if own.load(str(catalog)):
            loaded.append(own)
            self._warn_if_stale(catalog)
        else:
            log.warning("no %s translation at %s (scripts/setup builds it)", language, catalog)
        if language != "en":
            qt = QTranslator(self.app)
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if qt.load(f"{QT_CATALOG}_{language}", qt_dir):
                loaded.append(qt)
            else:
                log.info("Qt's own %s texts not found in %s", language, qt_dir)
        return loaded

    @staticmethod
    def _warn_if_stale(catalog: Path) -> None:
        source = catalog.with_suffix(".ts")
        if getattr(sys, "frozen", False) or not source.exists():
            return
        if source.stat().st_mtime > catalog.stat().st_mtime:
            log.warning("%s is older than its .ts; run scripts/setup to rebuild it", catalog)


# -- texts from the Qt-free providers package -----------------------------------------

#: Provider labels and setting names that are words rather than brand names.
PROVIDER_TEXTS = (
    QT_TRANSLATE_NOOP("Providers", "OpenAI-compatible"),
    QT_TRANSLATE_NOOP("Providers", "Authorization key"),
    QT_TRANSLATE_NOOP("Providers", "Scope"),
    QT_TRANSLATE_NOOP("Providers", "API base URL"),
    QT_TRANSLATE_NOOP("Providers", "OAuth URL"),
    QT_TRANSLATE_NOOP("Providers", "Extra CA file"),
    QT_TRANSLATE_NOOP("Providers", "Base URL"),
    QT_TRANSLATE_NOOP("Providers", "API key (optional)"),
    QT_TRANSLATE_NOOP("Providers", "Extra CA certificate file"),
    QT_TRANSLATE_NOOP("Providers", "Login method"),
    QT_TRANSLATE_NOOP("Providers", "Access token"),
    QT_TRANSLATE_NOOP("Providers", "User name"),
    QT_TRANSLATE_NOOP("Providers", "Password"),
    QT_TRANSLATE_NOOP("Providers", "Client certificate file"),
    QT_TRANSLATE_NOOP("Providers", "Client key file"),
    QT_TRANSLATE_NOOP("Providers", "Client key password"),
    # the login method's choices (gui/core/provider_info.py CHOICE_LABELS)
    QT_TRANSLATE_NOOP("Providers", "User name and password"),
    QT_TRANSLATE_NOOP("Providers", "Client certificate"),
    # OpenAI-compatible profiles (gui/core/profiles.py); the presets' brands stay as they are
    QT_TRANSLATE_NOOP("Providers", "Profile name"),
    QT_TRANSLATE_NOOP("Providers", "Models"),
    QT_TRANSLATE_NOOP("Providers", "New profile"),
)


def provider_text(text: str) -> str:
    """A provider's label or a setting's name in the interface language."""
    return QCoreApplication.translate("Providers", text)
