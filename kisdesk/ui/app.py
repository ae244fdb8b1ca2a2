"""Application start-up and shutdown: QApplication, font, excepthook, qasync loop, main window.

Unexpected exceptions from every source (sys.excepthook, which Qt slots reach; worker threads; the
asyncio loop) go to `kisdesk.ui.crash_dialog`; logging itself is set up by `kisdesk.__main__`.

The order matters and is the one measured in shared/design/stack-notes.md §3:
QApplication, then the qasync loop, then the window (which opens the DEMO session and its embedded
simulator); after the loop ends, close the window's session (stopping the simulator), cancel
leftover tasks, and `shiboken6.delete(window)` while the QApplication is still alive (exit crashes
otherwise, Pitfalls #1b).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING

import qasync
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from kisdesk.api.enums import Env
from kisdesk.paths import font_path, icon_path
from kisdesk.ui import crash_dialog
from kisdesk.ui.gc_guard import GuiThreadCollector

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


def load_app_font(app: QApplication) -> str | None:
    """Register the bundled NanumGothic and make it the application font; return its family.

    Without it Hangul shows as boxes on machines with no Korean system font (stack-notes §4).
    A missing or unreadable file is logged and the system font stays.
    """
    path = font_path()
    if not path.is_file():
        log.warning("bundled font not found at %s; Korean text may not render", path)
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("Qt could not load the font %s; Korean text may not render", path)
        return None
    font = QFont(app.font())
    font.setFamilies([families[0]])
    app.setFont(font)
    return str(families[0])


def install_excepthook() -> None:
    """Route every unexpected exception to `crash_dialog.report_unexpected`: a redacted log record,
    plus the non-modal crash dialog once a QApplication exists (before that: the log only).

    Covers `sys.excepthook` (which PySide6 and qasync's asyncSlot call for exceptions escaping a
    slot) and `threading.excepthook`; the asyncio loop's handler is set in `install_loop_handler`.
    """
    sys.excepthook = crash_dialog.excepthook
    threading.excepthook = crash_dialog.thread_excepthook
    if QApplication.instance() is not None:
        crash_dialog.install_crash_dialog()


def install_loop_handler(loop: asyncio.AbstractEventLoop) -> None:
    """Send failed callbacks and unretrieved task exceptions of `loop` to the crash path."""
    loop.set_exception_handler(crash_dialog.asyncio_exception_handler)


def run(env: Env = Env.DEMO, quit_after: float | None = None) -> int:
    """Run the GUI until the last window closes (or `quit_after` seconds pass); return the exit code."""
    if env is not Env.DEMO:
        raise NotImplementedError(f"{env.name} is not wired yet; only DEMO runs in this version")
    if (problem := _display_problem()) is not None:
        log.error("%s", problem)
        return 2
    app = QApplication(sys.argv[:1])
    app.setApplicationName("kisdesk")
    app.setWindowIcon(QIcon(str(icon_path())))
    load_app_font(app)
    install_excepthook()
    _quit_on_sigint(app)

    return _run_window(app, quit_after)


def _display_problem() -> str | None:
    """Why Qt could not open a window here, or None. Qt itself would abort with a misleading message."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display found (DISPLAY and WAYLAND_DISPLAY are unset): run kisdesk in a desktop session, "
        "under xvfb-run, or with QT_QPA_PLATFORM=offscreen"
    )


def _run_window(app: QApplication, quit_after: float | None) -> int:
    loop = qasync.QEventLoop(app)
    install_loop_handler(loop)
    asyncio.set_event_loop(loop)
    holder: list[QWidget] = []
    try:
        with loop:
            loop.run_until_complete(_window_lifetime(app, quit_after, holder))
    finally:
        asyncio.set_event_loop(None)
        for window in holder:
            shiboken6.delete(window)
    return 0


async def _window_lifetime(app: QApplication, quit_after: float | None, holder: list[QWidget]) -> None:
    """Open the window, wait until it is closed, then shut down while the loop still runs.

    Closing the session and cancelling leftover tasks inside the running loop means no refresh or
    token task can wake up after the loop has stopped.
    """
    # Imported here: the window pulls in every widget, which the display check above need not pay for.
    from kisdesk.ui.main_window import open_main_window

    collector = GuiThreadCollector(app)  # garbage is collected on this thread only (gc_guard.py)
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    app.setQuitOnLastWindowClosed(False)  # the loop ends when this coroutine ends, not before

    def _on_last_window_closed() -> None:
        if not closed.done():
            closed.set_result(None)

    app.lastWindowClosed.connect(_on_last_window_closed)
    window = await open_main_window()  # saved language, DEMO session, shown
    holder.append(window)
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), window.close)
    await closed
    await window.aclose()  # closes the session; stops the DEMO simulator
    await _cancel_others()
    collector.stop()


async def _cancel_others() -> None:
    """Cancel tasks still running at exit and let them unwind, as asyncio.run() does."""
    me = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


def _quit_on_sigint(app: QApplication) -> None:
    """Make Ctrl+C in the terminal close the app.

    Python runs signal handlers only between bytecodes, and Qt's loop runs none while idle, so a
    cheap timer hands control back to Python a few times a second.
    """
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
