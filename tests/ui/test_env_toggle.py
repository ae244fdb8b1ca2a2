"""EnvToggle asks, never switches by itself; the REAL question defaults to Cancel; the banner colours."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from kisdesk.api.credentials import Account
from kisdesk.api.enums import Env
from kisdesk.ui.env_banner import EnvBanner
from kisdesk.ui.env_toggle import EnvToggle, real_confirmation
from kisdesk.ui.theme import DEMO_BANNER, PAPER_BANNER, REAL_BANNER


def test_clicking_another_env_only_requests_it(qtbot) -> None:
    toggle = EnvToggle(Env.DEMO)
    qtbot.addWidget(toggle)
    with qtbot.waitSignal(toggle.env_requested) as signal:
        toggle.buttons[Env.REAL].click()
    assert signal.args == [Env.REAL]
    assert toggle.buttons[Env.DEMO].isChecked()  # still DEMO until the window switches
    assert not toggle.buttons[Env.REAL].isChecked()
    toggle.set_env(Env.REAL)
    assert toggle.buttons[Env.REAL].isChecked()


def test_clicking_the_current_env_requests_nothing(qtbot) -> None:
    toggle = EnvToggle(Env.PAPER)
    qtbot.addWidget(toggle)
    with qtbot.assertNotEmitted(toggle.env_requested):
        toggle.buttons[Env.PAPER].click()
    assert toggle.buttons[Env.PAPER].isChecked()


def test_real_confirmation_names_the_account_and_defaults_to_cancel(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    box, confirm = real_confirmation(parent, Account.parse("12345678-01"))
    assert "real money" in box.text()
    assert "12345678-01" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert box.escapeButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert "REAL" in confirm.text()
    box.close()


def test_banner_colour_and_bilingual_name_per_env(qtbot) -> None:
    banner = EnvBanner(Env.DEMO, Account.parse("50000000-01"))
    qtbot.addWidget(banner)
    assert "데모 DEMO" in banner.text()
    assert "built-in simulator" in banner.text()
    assert DEMO_BANNER.name() in banner.styleSheet()
    banner.set_env(Env.PAPER, Account.parse("87654321-01"))
    assert "모의 PAPER" in banner.text()
    assert PAPER_BANNER.name() in banner.styleSheet()
    banner.set_env(Env.REAL, Account.parse("12345678-01"))
    assert "실전 REAL — real money" in banner.text()
    assert "12345678-01" in banner.text()
    assert REAL_BANNER.name() in banner.styleSheet()
