"""Application start-up and shutdown: QApplication, font, excepthook, qasync loop, main window.

Unexpected exceptions from every source (sys.excepthook, which Qt slots reach; worker threads; the
asyncio loop) go to `kisdesk.ui.crash_dialog`; logging itself is set up by `kisdesk.__main__`.

The order matters (stack-notes.md §3, issue 5): QApplication, the window shown, a plain Qt event
loop until its first paint, and only then asyncio, qasync and the qasync loop. The window paints
before anything it does not need for that is imported (not even asyncio); right after, on the loop,
it opens the log file, then the DEMO session (embedded simulator, client: httpx and pydantic) and
builds the ticket and the grid. A window closed by then (--quit-after 0) starts none of it.
After the loop ends, close the window's session (stopping the simulator), cancel leftover tasks, and
`shiboken6.delete(window)` while the QApplication is still alive (exit crashes otherwise, Pitfalls #1b).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kisdesk.api.enums import Env
from kisdesk.paths import font_path, icon_path
from kisdesk.ui.gc_guard import GuiThreadCollector

if TYPE_CHECKING:
    import asyncio

    from kisdesk.ui.main_window import MainWindow

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
    from kisdesk.ui import crash_dialog

    sys.excepthook = crash_dialog.excepthook
    threading.excepthook = crash_dialog.thread_excepthook
    if QApplication.instance() is not None:
        crash_dialog.install_crash_dialog()


def install_loop_handler(loop: asyncio.AbstractEventLoop) -> None:
    """Send failed callbacks and unretrieved task exceptions of `loop` to the crash path."""
    from kisdesk.ui import crash_dialog

    loop.set_exception_handler(crash_dialog.asyncio_exception_handler)


# Until the first paint the crash path loads only if something fails (its dialog's widgets are a
# noticeable share of the start-up to import). `_after_first_paint` installs the real hooks; these
# forward to them meanwhile, so no exception misses the log.


def _early_excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    from kisdesk.ui import crash_dialog

    crash_dialog.excepthook(exc_type, exc, tb)


def _early_thread_excepthook(args: threading.ExceptHookArgs) -> None:
    from kisdesk.ui import crash_dialog  # no relay from here: it must be created on the GUI thread

    crash_dialog.thread_excepthook(args)


def _early_loop_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    from kisdesk.ui import crash_dialog

    crash_dialog.asyncio_exception_handler(loop, context)


def run(env: Env = Env.DEMO, quit_after: float | None = None) -> int:
    """Run the GUI until the last window closes (or `quit_after` seconds pass); return the exit code."""
    if env is not Env.DEMO:
        raise NotImplementedError(f"{env.name} is not wired yet; only DEMO runs in this version")
    if (problem := _display_problem()) is not None:
        log.error("%s", problem)
        return 2
    sys.excepthook = _early_excepthook
    threading.excepthook = _early_thread_excepthook
    app = QApplication(sys.argv[:1])
    app.setApplicationName("kisdesk")
    load_app_font(app)  # before the first paint: without it the Hangul in the banner shows as boxes
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
    # Imported here, not at the top: the display check above need not pay for the window's widgets.
    from kisdesk.ui.main_window import show_starting_window
    from kisdesk.ui.startup import paint_first

    app.setQuitOnLastWindowClosed(False)  # the loop ends when the window's lifetime ends, not before
    window = show_starting_window()  # its DEMO session opens after the first paint
    if quit_after is not None:
        # Counted from the first paint, so the window has always painted; 0 closes it on the next
        # loop turn, before the qasync loop or anything after the paint has started.
        watcher = window.startup.watcher
        watcher.painted.connect(lambda: QTimer.singleShot(int(quit_after * 1000), window.close))
    try:
        if paint_first(window):
            if quit_after is not None and not window.startup.watcher.seen:  # never exposed
                QTimer.singleShot(int(quit_after * 1000), window.close)
            _run_loop(app, window)
        else:
            log.info("main window closed before its session started")
    finally:
        shiboken6.delete(window)
    return 0


def _run_loop(app: QApplication, window: MainWindow) -> None:
    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    loop.set_exception_handler(_early_loop_handler)
    asyncio.set_event_loop(loop)
    # Garbage is collected on this thread only (gc_guard.py), and its start-up freeze runs on the
    # loop's first turn, once the loop's own modules are in.
    collector = GuiThreadCollector(app)
    try:
        with loop:
            loop.run_until_complete(_window_lifetime(app, window))
    finally:
        collector.stop()
        asyncio.set_event_loop(None)


async def _window_lifetime(app: QApplication, window: MainWindow) -> None:
    """Start the window's session, wait until it is closed, then shut down while the loop still runs.

    Closing the session and cancelling leftover tasks inside the running loop means no refresh or
    token task can wake up after the loop has stopped.
    """
    import asyncio

    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def _on_last_window_closed() -> None:
        if not closed.done():
            closed.set_result(None)

    app.lastWindowClosed.connect(_on_last_window_closed)
    if window.isVisible():
        window.start()
        _after_first_paint(app)
    else:
        _on_last_window_closed()
    await closed
    await window.aclose()  # closes the session; stops the DEMO simulator
    await _cancel_others()


def _after_first_paint(app: QApplication) -> None:
    """What the first paint does not need: the log file (logs.start_logging kept its records), the
    window icon (the SVG icon engine and the image format plug-ins load for it) and the crash
    dialog's hooks."""
    import asyncio

    from PySide6.QtGui import QIcon

    from kisdesk.app.logs import open_log_file

    open_log_file()
    app.setWindowIcon(QIcon(str(icon_path())))
    install_excepthook()
    install_loop_handler(asyncio.get_running_loop())


async def _cancel_others() -> None:
    """Cancel tasks still running at exit and let them unwind, as asyncio.run() does."""
    import asyncio

    me = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


def _quit_on_sigint(app: QApplication) -> None:
    """Make Ctrl+C in the terminal close the app, the same way as closing its window.

    Closing rather than `app.quit()`: quitting stops the loop under `run_until_complete`, which
    then raises instead of closing the session. The window may refuse once (requests in flight);
    a second Ctrl+C closes it. Python runs signal handlers only between bytecodes, and Qt's loop
    runs none while idle, so a cheap timer hands control back to Python a few times a second.
    """
    signal.signal(signal.SIGINT, lambda *_: app.closeAllWindows())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
