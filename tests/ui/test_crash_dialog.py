"""The crash path: every route an unexpected exception takes ends in one redacted log record and one
non-modal, reused crash dialog whose summary, details and clipboard text hold no secret."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from kisdesk.app import logs
from kisdesk.app.logs import RedactingFilter, forget_secrets, register_secret, setup_logging
from kisdesk.ui import crash_dialog
from kisdesk.ui.app import install_excepthook, install_loop_handler
from kisdesk.ui.crash_dialog import CrashDialog, current_dialog, report_unexpected

APPKEY = "PScrashTESTappkey" + "K" * 19
TOKEN = "eyJhbGciOiJIUzUxMiJ9.crash-test." + "T" * 60


@pytest.fixture
def crash_env(qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Logging into tmp_path, hooks restored afterwards, a fresh relay and no dialog left behind."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in logs.QUIET_LOGGERS}
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(crash_dialog, "_relay", None)
    forget_secrets()
    register_secret(APPKEY)
    register_secret(TOKEN)
    path = setup_logging(logging.DEBUG, tmp_path / "logs")
    install_excepthook()
    try:
        yield path
    finally:
        if (dialog := current_dialog()) is not None:
            dialog.close()
            shiboken6.delete(dialog)
        if crash_dialog._relay is not None:
            shiboken6.delete(crash_dialog._relay)
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        for handler in handlers:
            for f in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
                handler.removeFilter(f)
        root.setLevel(level)
        for name, old in quiet.items():
            logging.getLogger(name).setLevel(old)
        logging.captureWarnings(False)
        forget_secrets()


def _raise(message: str) -> None:
    raise RuntimeError(message)


def _exc_info(message: str) -> crash_dialog.ExcInfo:
    try:
        _raise(message)
    except RuntimeError as exc:
        return (RuntimeError, exc, exc.__traceback__)
    raise AssertionError("unreachable")


def _log_text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def _assert_clean(text: str) -> None:
    assert APPKEY not in text
    assert TOKEN not in text


def test_excepthook_logs_redacted_and_shows_a_non_modal_dialog(qtbot, crash_env: Path) -> None:
    assert sys.excepthook is crash_dialog.excepthook
    crash_dialog.excepthook(*_exc_info(f"lookup of {APPKEY} with Bearer {TOKEN} failed"))
    dialog = current_dialog()
    assert dialog is not None
    assert dialog.isVisible()
    assert not dialog.isModal()
    assert dialog.summary_label.text() == "RuntimeError: lookup of *** with Bearer *** failed"
    assert str(crash_env) in dialog.log_label.text()
    assert not dialog.count_label.isVisible()
    _assert_clean(dialog.details)
    assert "Traceback (most recent call last)" in dialog.details
    assert "kisdesk " in dialog.details.splitlines()[0]  # versions head the details

    dialog.copy_button.click()
    clipboard = QApplication.clipboard().text()
    assert clipboard == dialog.details
    assert dialog.copy_button.text() == crash_dialog.COPIED_TEXT

    text = _log_text(crash_env)
    _assert_clean(text)
    assert "CRITICAL kisdesk.crash: unexpected error" in text
    assert "RuntimeError: lookup of *** with Bearer *** failed" in text


def test_later_errors_reuse_the_dialog_and_count(qtbot, crash_env: Path) -> None:
    for n in range(3):
        crash_dialog.excepthook(*_exc_info(f"error {n} {TOKEN}"))
    dialog = current_dialog()
    assert dialog is not None
    assert len([w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog)]) == 1
    assert dialog.errors == 3
    assert dialog.count_label.isVisibleTo(dialog)
    assert "3 error(s)" in dialog.count_label.text()
    assert dialog.summary_label.text() == "RuntimeError: error 2 ***"
    assert all(f"error {n} ***" in dialog.details for n in range(3))


def test_the_dialog_sits_on_the_main_window(qtbot, crash_env: Path) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    crash_dialog.excepthook(*_exc_info("boom"))
    dialog = current_dialog()
    assert dialog is not None
    assert dialog.parent() is window


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_qt_slot_reaches_the_dialog(qtbot, crash_env: Path) -> None:
    QTimer.singleShot(0, lambda: _raise(f"slot failed for {APPKEY}"))
    qtbot.waitUntil(lambda: current_dialog() is not None)
    dialog = current_dialog()
    assert dialog is not None
    assert dialog.summary_label.text() == "RuntimeError: slot failed for ***"
    assert "slot failed for ***" in _log_text(crash_env)


def test_an_exception_in_a_worker_thread_reaches_the_dialog_on_the_gui_thread(qtbot, crash_env: Path) -> None:
    thread = threading.Thread(target=_raise, args=(f"worker {TOKEN}",), name="worker-1")
    thread.start()
    thread.join(5)
    qtbot.waitUntil(lambda: current_dialog() is not None)
    dialog = current_dialog()
    assert dialog is not None
    assert dialog.summary_label.text() == "RuntimeError: worker ***"
    assert "unexpected error in thread worker-1" in _log_text(crash_env)


def test_asyncio_failures_reach_the_dialog_and_warnings_only_the_log(
    qtbot, qloop: asyncio.AbstractEventLoop, crash_env: Path
) -> None:
    install_loop_handler(qloop)

    async def scenario() -> None:
        asyncio.get_running_loop().call_soon(_raise, f"callback {APPKEY}")
        await asyncio.sleep(0.05)
        asyncio.get_running_loop().call_exception_handler({"message": f"odd state token={TOKEN}"})

    qloop.run_until_complete(scenario())
    dialog = current_dialog()
    assert dialog is not None
    assert dialog.errors == 1  # the message without an exception was logged, not shown
    assert dialog.summary_label.text() == "RuntimeError: callback ***"
    text = _log_text(crash_env)
    _assert_clean(text)
    assert "unexpected error in an asyncio callback" in text
    assert 'ERROR kisdesk.crash: asyncio: odd state token="***"' in text


def test_without_the_gui_relay_the_error_is_only_logged(qtbot, crash_env: Path) -> None:
    relay = crash_dialog._relay
    assert relay is not None
    shiboken6.delete(relay)
    crash_dialog._relay = None
    report_unexpected(_exc_info(f"early {APPKEY}"), where="start-up")
    assert current_dialog() is None
    assert "unexpected error in start-up" in _log_text(crash_env)


def test_keyboard_interrupt_keeps_pythons_own_behaviour(
    crash_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "__excepthook__", lambda t, e, tb: seen.append(t))
    crash_dialog.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert seen == [KeyboardInterrupt]
    assert current_dialog() is None


def test_a_long_message_is_cut_in_the_summary_only(crash_env: Path) -> None:
    summary = crash_dialog.crash_summary(RuntimeError("x" * 1000 + "\nsecond line"))
    assert len(summary) == crash_dialog.SUMMARY_LIMIT
    assert summary.endswith("…")
