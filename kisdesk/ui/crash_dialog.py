"""Unexpected errors: log them redacted, show a non-modal crash dialog (style.md B.4, order-safety row 18).

Owns the one place every unexpected exception ends up: `report_unexpected` (called by
`sys.excepthook`, `threading.excepthook` and the asyncio loop's exception handler, all installed by
`kisdesk.ui.app`). It writes one CRITICAL record through the logging handlers, whose
`RedactingFilter` masks secrets, then shows `CrashDialog`: a short summary, the log file's path and
"Copy details". Every string it shows or copies went through `kisdesk.app.logs.scrub` first.

The dialog is shown with `show()`, never `exec()`: a nested event loop inside a qasync coroutine
stalls every task (stack-notes, Pitfalls #2). One dialog is reused for later errors, so an error
raised by a timer every second cannot bury the window under dialogs.

Its texts are bilingual constants rather than `tr()` strings, like the environment names: the crash
path must work even when the translation machinery is what failed.
"""

from __future__ import annotations

import asyncio
import logging
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any, Final

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kisdesk import __version__
from kisdesk.app.logs import log_file, scrub

log = logging.getLogger("kisdesk.crash")

TITLE: Final = "kisdesk — 예기치 않은 오류 / Unexpected error"
HEADLINE: Final = (
    "예기치 않은 오류가 발생했습니다. 다음 주문 전에 미체결 주문 목록을 확인하세요.\n"
    "kisdesk hit an unexpected error. Check the pending orders before placing another order."
)
COPY_TEXT: Final = "세부 정보 복사 / Copy details"
COPIED_TEXT: Final = "복사됨 / Copied"
LOG_PREFIX: Final = "로그 파일 / Log file: "
NO_LOG: Final = "(로그 파일 없음 / no log file)"
SUMMARY_LIMIT: Final = 300
KEPT_REPORTS: Final = 5  # details of the last few errors; the log file keeps them all

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def crash_summary(exc: BaseException) -> str:
    """One redacted line: the exception type and the start of its message."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    first = scrub(text).strip().splitlines()[0] if text.strip() else type(exc).__name__
    return first if len(first) <= SUMMARY_LIMIT else first[: SUMMARY_LIMIT - 1] + "…"


def crash_report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The redacted traceback, as the log file has it."""
    return scrub("".join(traceback.format_exception(exc_type, exc, tb)))


def environment_lines() -> str:
    """Versions that help a bug report and reveal nothing about the user."""
    from PySide6 import __version__ as pyside_version

    return (
        f"kisdesk {__version__}, Python {platform.python_version()}, PySide6 {pyside_version}, "
        f"{platform.system()} {platform.release()}"
    )


class CrashDialog(QDialog):
    """Non-modal: the summary of the latest error, how many there were, the log path, Copy details.

    `details` is the text "Copy details" puts on the clipboard; it is already redacted.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setModal(False)
        self.errors = 0
        self._reports: list[str] = []
        self.headline = QLabel(HEADLINE)
        self.headline.setWordWrap(True)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)  # exception text is never markup
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label = QLabel()
        self.log_label = QLabel()
        self.log_label.setTextFormat(Qt.TextFormat.PlainText)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_view = QPlainTextEdit()
        self.details_view.setReadOnly(True)
        self.details_view.setMinimumHeight(160)
        self.copy_button = QPushButton(COPY_TEXT)
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        for widget in (self.headline, self.summary_label, self.count_label, self.log_label):
            layout.addWidget(widget)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(buttons)
        self.resize(640, 380)

    def add_error(self, summary: str, report: str, log_path: Path | None) -> None:
        """Show the latest error; earlier ones stay in the details (the last few)."""
        self.errors += 1
        self._reports = [*self._reports, report][-KEPT_REPORTS:]
        self.summary_label.setText(summary)
        self.count_label.setText(f"오류 {self.errors}건 / {self.errors} error(s) so far")
        self.count_label.setVisible(self.errors > 1)
        self.log_label.setText(LOG_PREFIX + str(log_path) if log_path is not None else NO_LOG)
        self.details_view.setPlainText(self.details)
        self.copy_button.setText(COPY_TEXT)

    @property
    def details(self) -> str:
        log_path = log_file()
        header = [environment_lines(), f"log: {log_path}" if log_path is not None else "log: -"]
        # Scrubbed again: a secret registered after the report was made is masked here too.
        return scrub("\n".join(header) + "\n\n" + "\n".join(self._reports))

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(COPIED_TEXT)


class _CrashRelay(QObject):
    """Lives in the GUI thread; a report from any thread reaches the dialog through its queued signal."""

    crashed = Signal(str, str)  # summary, report (both redacted)

    def __init__(self) -> None:
        super().__init__()
        self.dialog: CrashDialog | None = None
        self._showing = False
        self.crashed.connect(self._show)

    def _show(self, summary: str, report: str) -> None:
        if self._showing:
            return  # the dialog itself failed and re-entered: the log already has the error
        self._showing = True
        try:
            dialog = self.dialog
            if dialog is None or not shiboken6.isValid(dialog):
                dialog = self.dialog = CrashDialog(_main_window())
            dialog.add_error(summary, report, log_file())
            dialog.show()
            if QGuiApplication.platformName() != "offscreen":  # it warns "does not support raise()"
                dialog.raise_()
        except Exception:  # never let the crash path crash; the error itself is logged already
            log.exception("could not show the crash dialog")
        finally:
            self._showing = False


_relay: _CrashRelay | None = None


def install_crash_dialog() -> None:
    """Create the relay in the GUI thread (call once a QApplication exists, before any report)."""
    global _relay
    if _relay is None or not shiboken6.isValid(_relay):
        _relay = _CrashRelay()


def current_dialog() -> CrashDialog | None:
    """The crash dialog if one has been shown and still exists (tests, and the app's shutdown)."""
    dialog = _relay.dialog if _relay is not None and shiboken6.isValid(_relay) else None
    return dialog if dialog is not None and shiboken6.isValid(dialog) else None


def report_unexpected(exc_info: ExcInfo, where: str = "") -> None:
    """Log an unexpected exception (redacted) and, when the GUI is up, show it in the crash dialog."""
    exc_type, exc, tb = exc_info
    log.critical("unexpected error%s", f" in {where}" if where else "", exc_info=exc_info)
    relay = _relay
    if relay is None or not shiboken6.isValid(relay) or QApplication.instance() is None:
        return  # no GUI (start-up, shutdown, tests): the log is the report
    try:
        relay.crashed.emit(crash_summary(exc), crash_report(exc_type, exc, tb))
    except Exception:
        log.exception("could not hand the error to the crash dialog")


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """`sys.excepthook`: also reached by exceptions raised in Qt slots and qasync's asyncSlot."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    report_unexpected((exc_type, exc, tb))


def thread_excepthook(args: threading.ExceptHookArgs) -> None:
    """`threading.excepthook`: an uncaught exception in a worker thread (simulator, to_thread)."""
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread is not None else "a thread"
    report_unexpected((args.exc_type, args.exc_value, args.exc_traceback), where=f"thread {name}")


def asyncio_exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The loop's exception handler: a failed callback or an unretrieved task exception.

    Without an exception (e.g. "Task was destroyed but it is pending") it is a log line, not a crash.
    """
    exc = context.get("exception")
    message = str(context.get("message") or "asyncio error")
    if isinstance(exc, BaseException):
        report_unexpected((type(exc), exc, exc.__traceback__), where=f"an asyncio callback ({message})")
    else:
        # The default handler would print the task's repr; the message alone is enough and safe.
        log.error("asyncio: %s", message)


def _main_window() -> QWidget | None:
    """The visible main window, so the dialog stays on top of it and closes with it."""
    app = QApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return None
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    return windows[0] if windows else None
