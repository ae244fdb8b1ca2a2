"""PrecautionsDialog and its QSettings round trip: bounds enforced, block never off, persisted to a
temporary INI file with nothing secret in it, reachable from the main window's View menu."""

from __future__ import annotations

import asyncio
import dataclasses
from decimal import Decimal
from pathlib import Path

import shiboken6
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from kisdesk.api.enums import Market
from kisdesk.app.secrets import MemoryStore
from kisdesk.app.session import Session
from kisdesk.domain.precautions import BOUNDS, Kind, Limits, PrecautionSettings, Tier
from kisdesk.ui.main_window import MainWindow
from kisdesk.ui.precautions_dialog import PrecautionsDialog, load_precautions, save_precautions

DEFAULTS = PrecautionSettings()


def make(qtbot: QtBot, current: PrecautionSettings = DEFAULTS) -> PrecautionsDialog:
    dialog = PrecautionsDialog(current)
    qtbot.addWidget(dialog)
    return dialog


def test_dialog_shows_the_current_settings(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    assert [b.value() for b in dialog.notional_row.boxes] == [20_000_000, 50_000_000, 200_000_000]
    assert [b.value() for b in dialog.percent_row.boxes] == [5, 10, 20]
    assert [b.value() for b in dialog.quantity_row.boxes] == [1_000, 5_000, 50_000]  # US first
    assert dialog.duplicate_spin.value() == 60
    assert dialog.save_button.isEnabled()
    assert dialog.cancel_button.isDefault()


def test_block_cannot_be_switched_off_and_every_box_is_bounded(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    rows = {
        Kind.NOTIONAL: dialog.notional_row,
        Kind.PERCENT: dialog.percent_row,
        Kind.QUANTITY: dialog.quantity_row,
        Kind.TICKS: dialog.ticks_row,
    }
    for kind, row in rows.items():
        warn, confirm, block = row.boxes
        assert block.minimum() == float(BOUNDS[kind].low)
        assert block.specialValueText() == ""
        for box in row.boxes:
            assert box.maximum() == float(BOUNDS[kind].high)
        for box in (warn, confirm):
            assert (box.minimum(), box.specialValueText()) == (0.0, "Off")
        block.setValue(0)  # clamped by the spin box
        assert block.value() == float(BOUNDS[kind].low)
    assert (dialog.duplicate_spin.minimum(), dialog.duplicate_spin.maximum()) == (10, 3600)


def test_out_of_order_thresholds_disable_save(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.percent_row.boxes[0].setValue(15)  # warn above confirm (10)
    assert not dialog.save_button.isEnabled()
    assert "rise from warn to confirm to block" in dialog.problems_label.text()
    dialog.percent_row.boxes[0].setValue(0)  # warn off: fine again
    assert dialog.save_button.isEnabled()
    dialog.percent_row.boxes[1].setValue(0.3)  # below the 0.5 % bound
    assert not dialog.save_button.isEnabled()


def test_per_market_values_are_kept_while_switching_market(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.quantity_row.boxes[0].setValue(2_000)
    dialog.market_combo.setCurrentIndex(dialog.market_combo.findData(Market.JP.value))
    assert dialog.quantity_row.boxes[0].value() == 5_000  # the JP preset
    dialog.ticks_row.boxes[2].setValue(3_000)
    dialog.save_button.click()
    result = dialog.result_settings()
    assert result.quantity[Market.US].warn == Decimal(2_000)
    assert result.ticks[Market.JP].block == Decimal(3_000)
    assert result.quantity[Market.HK] == DEFAULTS.quantity[Market.HK]


def test_restore_defaults(qtbot: QtBot) -> None:
    custom = dataclasses.replace(DEFAULTS, duplicate_seconds=300, percent=Limits(None, None, Decimal(30)))
    dialog = make(qtbot, custom)
    assert dialog.percent_row.boxes[0].text() == "Off"
    dialog.defaults_button.click()
    dialog.save_button.click()
    assert dialog.result_settings() == DEFAULTS


def test_round_trip_through_qsettings_with_nothing_secret(tmp_path: Path) -> None:
    path = tmp_path / "kisdesk.ini"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    assert load_precautions(settings) == DEFAULTS  # nothing saved yet
    custom = dataclasses.replace(
        DEFAULTS,
        percent=Limits(None, Decimal("7.5"), Decimal(25)),
        quantity={**DEFAULTS.quantity, Market.VN: Limits(Decimal(100), Decimal(200), Decimal(300))},
        duplicate_seconds=120,
    )
    save_precautions(settings, custom)
    assert load_precautions(QSettings(str(path), QSettings.Format.IniFormat)) == custom
    text = path.read_text(encoding="utf-8")
    keys = [line.split("=")[0] for line in text.splitlines() if "=" in line]
    assert all(
        k.startswith(("duplicate_seconds", "notional_krw", "percent", "quantity", "ticks")) for k in keys
    )
    values = [line.split("=", 1)[1] for line in text.splitlines() if "=" in line]
    assert all(v == "off" or v.replace(".", "").isdigit() for v in values), values


def test_invalid_stored_values_fall_back_to_the_rule_default(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "kisdesk.ini"), QSettings.Format.IniFormat)
    settings.setValue("precautions/percent/block", "off")  # block cannot be off
    settings.setValue("precautions/notional_krw/block", "999999999999999")  # above the ceiling
    settings.setValue("precautions/quantity/US/warn", "lots")
    settings.setValue("precautions/ticks/JP/confirm", "1")  # below warn (50)
    settings.setValue("precautions/duplicate_seconds", "0")
    loaded = load_precautions(settings)
    assert loaded == DEFAULTS
    assert loaded.percent.threshold(Tier.BLOCK) == Decimal(20)


def test_view_menu_opens_the_dialog_and_save_applies_to_the_ticket(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, ui_settings: QSettings
) -> None:
    session = qloop.run_until_complete(Session.open_demo())
    window = MainWindow(session, ui_settings, secret_store=MemoryStore())
    try:
        assert window.precautions_action in window.view_menu.actions()
        window.precautions_action.trigger()
        dialog = window.precautions_dialog
        assert dialog is not None
        assert dialog.isVisible()
        dialog.duplicate_spin.setValue(90)
        dialog.save_button.click()
        assert window.ticket.precautions.duplicate_seconds == 90
        assert ui_settings.value("precautions/duplicate_seconds") in (90, "90")
        reopened = MainWindow(session, ui_settings, secret_store=MemoryStore())
        assert reopened.ticket.precautions.duplicate_seconds == 90
        reopened.close()
        shiboken6.delete(reopened)
    finally:
        qloop.run_until_complete(window.aclose())
        window.close()
        shiboken6.delete(window)
