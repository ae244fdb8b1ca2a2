"""MainWindow against real loopback simulators: environment display, switching, refusal, settings."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from kisdesk.api.enums import Env, Exchange, Side, TrFamily
from kisdesk.app.secrets import MemoryStore, load_credentials
from kisdesk.app.session import Session
from kisdesk.ui.i18n import Language, save_language
from kisdesk.ui.main_window import MainWindow, open_main_window
from kisdesk.ui.session_widgets import VENUE_KEY
from kisdesk.ui.status_panel import Connection
from kisdesk.ui.theme import REAL_BANNER

Loop = asyncio.AbstractEventLoop


@pytest.fixture
def make_window(
    qtbot, qloop: Loop, ui_settings: QSettings, stored_credentials: MemoryStore
) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(store: MemoryStore | None = None, base_urls: dict[Env, str] | None = None) -> MainWindow:
        session = qloop.run_until_complete(Session.open_demo())
        store = stored_credentials if store is None else store
        window = MainWindow(session, ui_settings, secret_store=store, base_urls=base_urls)
        window.show()  # not qtbot.addWidget: pytest-qt would delete it before the session closes
        windows.append(window)
        return window

    yield make
    for window in windows:
        qloop.run_until_complete(window.aclose())
        window.close()
        shiboken6.delete(window)


def _switch(qloop: Loop, window: MainWindow, env: Env, *, confirm: bool | None = None) -> None:
    """Request `env` and, for REAL, answer the confirmation; wait for the switch to finish."""

    async def scenario() -> None:
        task = window.request_env(env)
        assert task is not None
        await asyncio.wait_for(task, 5)
        if confirm is not None:
            box = window.real_confirmation
            assert box is not None
            assert box.isVisible()
            assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
            button = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
            (button if confirm else box.button(QMessageBox.StandardButton.Cancel)).click()
        if window.switch_task is not None:
            await asyncio.wait_for(window.switch_task, 10)

    qloop.run_until_complete(scenario())


def test_window_opens_in_demo_with_ticket_grid_and_reservations(make_window, qloop: Loop) -> None:
    window = make_window()
    qloop.run_until_complete(asyncio.wait_for(window.check_connection(), 5))
    assert window.session.env is Env.DEMO
    assert window.windowTitle() == "kisdesk — 데모 DEMO — 50000000-01"
    assert "데모 DEMO" in window.banner.text()
    assert window.banner.isVisible()
    assert window.splitter.widget(0) is window.ticket
    assert window.tabs.widget(0) is window.pending_panel
    assert window.tabs.widget(1) is window.reservations_tab
    assert window.env_toggle.buttons[Env.DEMO].isChecked()
    assert window.status.connection is Connection.OK


def test_declining_real_keeps_demo(make_window, qloop: Loop, start_sim) -> None:
    window = make_window(base_urls={Env.REAL: start_sim(TrFamily.REAL)})
    _switch(qloop, window, Env.REAL, confirm=False)
    assert window.session.env is Env.DEMO
    assert "DEMO" in window.windowTitle()
    assert window.env_toggle.buttons[Env.DEMO].isChecked()


def test_accepting_real_shows_the_red_banner_and_title(make_window, qloop: Loop, start_sim) -> None:
    window = make_window(base_urls={Env.REAL: start_sim(TrFamily.REAL)})
    old_grid = window.pending_panel
    _switch(qloop, window, Env.REAL, confirm=True)
    assert window.session.env is Env.REAL
    assert window.windowTitle() == "kisdesk — 실전 REAL — 12345678-01"
    text = window.banner.text()
    assert "실전" in text
    assert "REAL" in text
    assert "12345678-01" in text
    assert window.banner.isVisible()
    assert REAL_BANNER.name() in window.banner.styleSheet()
    assert window.env_toggle.buttons[Env.REAL].isChecked()
    assert window.pending_panel is not old_grid  # a new session means a new, empty grid
    assert window.status.connection is Connection.OK  # the REAL simulator answered


def test_paper_disables_the_reservation_actions(make_window, qloop: Loop, start_sim) -> None:
    window = make_window(base_urls={Env.PAPER: start_sim(TrFamily.PAPER)})
    _switch(qloop, window, Env.PAPER)
    assert window.session.env is Env.PAPER
    assert "모의 PAPER" in window.windowTitle()
    assert not window.reservations_tab.place_button.isEnabled()
    assert not window.reservations_tab.refresh_button.isEnabled()


def test_switching_while_a_request_is_in_flight_is_refused(make_window, qloop: Loop) -> None:
    window = make_window()
    window.session.orders.in_flight += 1  # as during a submit
    try:
        assert window.request_env(Env.PAPER) is None
    finally:
        window.session.orders.in_flight -= 1
    assert window.session.env is Env.DEMO
    assert "Wait for 1 request(s) in flight to finish" in window.last_notice
    assert window.refusal_label.isVisible()
    assert "Wait for" in window.refusal_label.text()


def test_missing_credentials_open_the_dialog_then_switch(
    make_window, qloop: Loop, start_sim, canary_keys: tuple[str, str]
) -> None:
    store = MemoryStore()
    window = make_window(store=store, base_urls={Env.PAPER: start_sim(TrFamily.PAPER)})

    async def request() -> None:
        task = window.request_env(Env.PAPER)
        assert task is not None
        await asyncio.wait_for(task, 5)

    qloop.run_until_complete(request())
    dialog = window.switcher.credentials_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert window.env_toggle.env is Env.DEMO
    dialog.appkey_edit.setText(canary_keys[0])
    dialog.appsecret_edit.setText(canary_keys[1])
    dialog.account_edit.setText("87654321-01")

    async def save() -> None:
        dialog.save_button.click()
        assert window.switch_task is not None
        await asyncio.wait_for(window.switch_task, 10)

    qloop.run_until_complete(save())
    assert window.session.env is Env.PAPER
    saved = load_credentials(store, Env.PAPER)
    assert saved is not None
    assert str(saved.account) == "87654321-01"


def test_settings_keep_venue_and_never_secrets(
    make_window, qloop: Loop, start_sim, ui_settings: QSettings, canary_keys: tuple[str, str]
) -> None:
    window = make_window(base_urls={Env.REAL: start_sim(TrFamily.REAL)})
    window.ticket.set_exchange(Exchange.TKSE)
    _switch(qloop, window, Env.REAL, confirm=True)
    window.close()
    assert ui_settings.value(VENUE_KEY) == "TKSE"
    assert window.ticket.venue_combo.currentData() == "TKSE"  # the REAL ticket reopened on it
    written = Path(ui_settings.fileName()).read_text(encoding="utf-8")
    assert "window" in written
    assert canary_keys[0] not in written
    assert canary_keys[1] not in written
    assert "12345678" not in written  # the account number stays in the keychain too


def test_side_shortcuts_and_the_shortcut_list(make_window, qtbot) -> None:
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert window.ticket.sell_button.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.ticket.buy_button.isChecked()
    window.set_side(Side.SELL)
    assert window.ticket.sell_button.isChecked()
    dialog = window.menus.show_shortcuts()
    assert not dialog.isModal()
    assert "F5" in dialog.findChild(type(window.status.env_label)).text()


def test_language_switch_applies_at_once_and_is_saved(make_window, qloop: Loop, ui_settings) -> None:
    window = make_window()

    async def scenario(language: Language) -> None:
        window.set_language(language)
        await asyncio.wait_for(window.check_connection(), 5)

    try:
        qloop.run_until_complete(scenario(Language.KOREAN))
        assert window.tabs.tabText(0) == "미체결(&P)"
        assert window.orders_menu.title() == "주문(&O)"
        assert "데모 DEMO — 내장 시뮬레이터" in window.banner.text()
        assert window.ticket.buy_button.text() == "매수(&B)"  # rebuilt in the new language
        assert ui_settings.value("ui/language") == "ko"
    finally:
        qloop.run_until_complete(scenario(Language.ENGLISH))
    assert window.tabs.tabText(0) == "&Pending orders"


# --- start-up: the window paints first, its DEMO session opens right after (issue 5) ----------------


def _check_starting(window: MainWindow) -> None:
    """The real window, at once: DEMO with its account, saying it is starting, session actions off."""
    assert window.isVisible()
    assert not window.is_ready
    assert window.windowTitle() == "kisdesk — 데모 DEMO — 50000000-01"
    assert "데모 DEMO" in window.banner.text()
    assert "50000000-01" in window.banner.text()
    assert window.status.connection is Connection.CONNECTING
    starting = window.startup.label
    assert starting is not None
    assert window.splitter.widget(0) is starting
    assert starting.isVisible()
    assert starting.text() == window.status.connection_label.text() == "connecting…"
    # Set by name before the first paint (kisdesk/ui/startup.py): the values must still be these.
    assert starting.alignment() == Qt.AlignmentFlag.AlignCenter
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert window.banner.account_label.alignment() == right
    assert window.refusal_label.alignment() == right
    assert not window.buy_action.isEnabled()
    assert not window.refresh_action.isEnabled()
    assert window.switch_refusal() == "Wait for the current environment switch to finish."


@pytest.fixture
def starting_windows(qloop: Loop) -> Iterator[list[MainWindow]]:
    """Windows made by open_main_window() inside a test's coroutine; closed like the app does."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # as kisdesk.ui.app does: closing must not stop the loop
    windows: list[MainWindow] = []
    try:
        yield windows
        for window in windows:
            window.close()
            qloop.run_until_complete(window.aclose())
            shiboken6.delete(window)
    finally:
        app.setQuitOnLastWindowClosed(True)


def test_the_window_shows_before_its_session_then_becomes_ready(
    qloop: Loop, ui_settings: QSettings, starting_windows: list[MainWindow]
) -> None:
    save_language(ui_settings, Language.ENGLISH)

    async def scenario() -> None:
        window = open_main_window(ui_settings)
        starting_windows.append(window)
        opened: list[bool] = []
        window.orders_open.connect(lambda: opened.append(True))
        _check_starting(window)
        assert not ui_settings.contains("orders/confirm")  # showing a setting does not write it
        assert window.confirm_action.isChecked()
        assert window.request_env(Env.PAPER) is None  # refused, with the reason above
        window.set_language(Language.ENGLISH)  # allowed while starting: nothing to rebuild yet

        await asyncio.wait_for(window.start(), 30)  # session, ticket and grid, first refresh
        assert window.is_ready
        assert window.startup.error is None
        assert window.session.env is Env.DEMO
        assert window.startup.label is None
        assert window.splitter.widget(0) is window.ticket
        assert window.tabs.widget(0) is window.pending_panel
        assert window.tabs.widget(1) is window.reservations_tab
        assert window.buy_action.isEnabled()
        assert window.status.connection is Connection.OK
        assert window.intents_startup is not None
        await asyncio.wait_for(window.intents_startup, 10)
        assert window.session.intents.ready
        assert opened == [True]  # the ticket takes orders
        assert not window.statusBar().currentMessage()  # "Checking the order journal…" does not linger
        assert window.switch_refusal() is None

    qloop.run_until_complete(scenario())


def test_closing_while_starting_opens_no_session(
    qloop: Loop, ui_settings: QSettings, starting_windows: list[MainWindow]
) -> None:
    async def scenario() -> MainWindow:
        window = open_main_window(ui_settings)
        starting_windows.append(window)
        window.close()  # before the loop has turned once
        await window.aclose()
        return window

    window = qloop.run_until_complete(scenario())
    assert window.startup.task is not None
    assert window.startup.task.done()
    assert not window.is_ready
    assert getattr(window, "session", None) is None


def test_a_session_that_cannot_open_leaves_the_window_saying_why(
    qloop: Loop, ui_settings: QSettings, starting_windows: list[MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_port(cls: type[Session], seed: int | None = None) -> Session:
        raise OSError("no free port")

    monkeypatch.setattr(Session, "open_demo", classmethod(no_port))

    async def scenario() -> MainWindow:
        window = open_main_window(ui_settings)
        starting_windows.append(window)
        await asyncio.wait_for(window.start(), 30)
        return window

    window = qloop.run_until_complete(scenario())
    assert not window.is_ready
    assert window.startup.error is not None
    assert window.status.connection is Connection.ERROR
    assert window.startup.label is not None
    assert window.startup.error in window.startup.label.text()
    assert not window.buy_action.isEnabled()
