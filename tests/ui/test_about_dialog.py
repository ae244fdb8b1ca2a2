"""Help → About kisdesk: versions, licences (LGPL compliance, OFL, dependencies), non-modal, translated."""

from __future__ import annotations

import asyncio
import platform
from collections.abc import Iterator
from email.message import Message
from importlib import metadata

import pytest
import shiboken6
from PySide6.QtCore import QSettings, qVersion

from kisdesk import __version__
from kisdesk.app.secrets import MemoryStore
from kisdesk.app.session import Session
from kisdesk.ui.about_dialog import AboutDialog, component_versions, dependency_licences, licence_of
from kisdesk.ui.i18n import Language, install_language
from kisdesk.ui.main_window import MainWindow


@pytest.fixture
def about(qtbot) -> AboutDialog:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    return dialog


def test_versions_of_kisdesk_and_what_it_runs_on(about: AboutDialog) -> None:
    names = [name for name, _ in component_versions()]
    assert names == ["kisdesk", "Python", "Qt", "PySide6", "qasync", "httpx", "pydantic", "keyring"]
    text = about.text()
    assert f"kisdesk {__version__}" in text
    assert platform.python_version() in text
    assert qVersion() in text
    for name in ("qasync", "httpx", "pydantic", "keyring"):
        assert metadata.version(name) in text


def test_licences_state_lgpl_compliance_and_the_font(about: AboutDialog) -> None:
    text = about.text()
    assert "LGPL-3.0" in text
    assert "separate shared-library files" in text
    assert "replace them with your own build" in text
    assert "one-folder build is the compliance-friendly default" in text
    assert "https://download.qt.io/official_releases/qt/" in text
    assert "SIL Open Font License 1.1" in text
    assert "OFL.txt" in text


def test_every_runtime_dependency_is_listed_with_its_licence() -> None:
    licences = {lic.package.lower().replace("_", "-"): lic for lic in dependency_licences()}
    for name in ("pyside6-essentials", "shiboken6", "qasync", "httpx", "pydantic", "keyring", "platformdirs"):
        assert name in licences
    assert "LGPL-3.0" in licences["pyside6-essentials"].licence
    assert licences["httpx"].licence != "?"
    assert "pytest" not in licences  # the [test] extra is not a runtime dependency


class _FakeDist(metadata.Distribution):
    def __init__(self, **fields: str | list[str]) -> None:
        self._meta = Message()
        for key, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                self._meta[key.replace("_", "-")] = item

    @property
    def metadata(self) -> Message:  # type: ignore[override]
        return self._meta

    def read_text(self, filename: str) -> str | None:
        return None

    def locate_file(self, path: object) -> object:  # type: ignore[override]
        raise NotImplementedError


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"License_Expression": "MIT", "License": "ignored"}, "MIT"),
        ({"Classifier": ["License :: OSI Approved :: BSD License", "Framework :: AsyncIO"]}, "BSD License"),
        ({"License": "Apache 2.0\nlong text follows"}, "Apache 2.0"),
        ({"License": "x" * 80}, "x" * 57 + "..."),
        ({}, "?"),
    ],
)
def test_licence_names_come_from_the_metadata(fields: dict[str, str | list[str]], expected: str) -> None:
    assert licence_of(_FakeDist(**fields)) == expected


def test_the_dialog_is_translated(qtbot, about: AboutDialog) -> None:
    assert about.windowTitle() == "About kisdesk"
    try:
        assert install_language(Language.KOREAN)
        # LanguageChange is posted, not sent: let the loop deliver it
        qtbot.waitUntil(lambda: about.windowTitle() == "kisdesk 정보", timeout=2000)
        assert "동적으로 링크" in about.text()
    finally:
        install_language(Language.ENGLISH)
    qtbot.waitUntil(lambda: about.windowTitle() == "About kisdesk", timeout=2000)


@pytest.fixture
def window(qtbot, qloop: asyncio.AbstractEventLoop, ui_settings: QSettings) -> Iterator[MainWindow]:
    session = qloop.run_until_complete(Session.open_demo())
    main = MainWindow(session, ui_settings, secret_store=MemoryStore())
    main.show()
    yield main
    qloop.run_until_complete(main.aclose())
    main.close()
    shiboken6.delete(main)


def test_help_about_opens_a_non_modal_dialog(window: MainWindow) -> None:
    assert window.about_action in window.help_menu.actions()
    assert window.about_action.text() == "&About kisdesk"
    window.about_action.trigger()
    dialog = window.about_dialog
    assert isinstance(dialog, AboutDialog)
    assert dialog.isVisible()
    assert not dialog.isModal()
    assert window.isEnabled()  # the window stays usable while it is open
    dialog.close()
