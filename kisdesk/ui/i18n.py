"""The UI language: which one the user chose (QSettings), and the QTranslators that provide it.

Source strings are English. Korean comes from resources/translations/kisdesk_ko.qm (built from
kisdesk_ko.ts with pyside6-lrelease) plus Qt's own qtbase_ko.qm for standard buttons (Cancel, OK).
Korean is used when the user chose it (View → Language) or, with no choice saved, when the system
locale is Korean. Installing or removing a translator makes Qt send LanguageChange to every widget,
so widgets that handle it re-translate at once.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from kisdesk.paths import resources_dir

LANGUAGE_KEY: Final = "ui/language"


class Language(StrEnum):
    SYSTEM = ""  # follow the system locale
    KOREAN = "ko"
    ENGLISH = "en"


_installed: list[QTranslator] = []  # strong references: Qt does not own installed translators


def translations_dir() -> Path:
    return resources_dir() / "translations"


def app_qm_path() -> Path:
    return translations_dir() / "kisdesk_ko.qm"


def saved_language(settings: QSettings) -> Language:
    value = str(settings.value(LANGUAGE_KEY, "") or "")
    try:
        return Language(value)
    except ValueError:
        return Language.SYSTEM  # an unknown value in a hand-edited file means "no choice"


def save_language(settings: QSettings, language: Language) -> None:
    settings.setValue(LANGUAGE_KEY, language.value)


def effective_language(choice: Language, system: QLocale | None = None) -> Language:
    """KOREAN or ENGLISH: the user's choice, else what the system locale suggests."""
    if choice is not Language.SYSTEM:
        return choice
    locale = system if system is not None else QLocale.system()
    return Language.KOREAN if locale.language() == QLocale.Language.Korean else Language.ENGLISH


def install_language(language: Language) -> bool:
    """Replace the installed translators with those for `language`; True if Korean loaded.

    English needs no translator (the sources are English), so choosing it only removes Korean.
    """
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before installing a translator")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if effective_language(language) is not Language.KOREAN:
        return False
    ours = QTranslator(app)
    if not ours.load(str(app_qm_path())):
        return False
    qt_own = QTranslator(app)
    if qt_own.load("qtbase_ko", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    app.installTranslator(ours)
    _installed.append(ours)
    return True


def active_language() -> Language:
    """KOREAN while our Korean catalogue is installed, else ENGLISH."""
    return Language.KOREAN if _installed else Language.ENGLISH


def apply_saved_language(settings: QSettings) -> Language:
    """At start-up: install what the settings (or the system locale) ask for; return it."""
    language = effective_language(saved_language(settings))
    install_language(language)
    return language
