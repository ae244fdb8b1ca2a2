"""The main window's start-up (issue 5, benchmark P5): paint first, then open the DEMO session.

`MainWindow(None)` is the start-up form: banner, toggle, menus and status bar, with a "starting"
notice where the ticket goes. `WindowStartup` owns that notice and the sequence after the first
paint: import the client side one module per loop turn (`DEFERRED_MODULES`), open the DEMO session,
hand it to the window. `paint_first` lets `kisdesk.ui.app` show the window before asyncio and qasync
are even imported: it runs a plain Qt event loop until the first paint, at top level, never inside
a coroutine (stack-notes, Pitfalls #2).

What this module and the window import before the first paint stays free of asyncio, of the client
side (tests/test_startup_imports.py) and of PySide6's `Qt` namespace, whose ~90 enum classes take
~17 ms to build on first use: alignments are set by name (`setProperty`) for that reason.
"""

from __future__ import annotations

import importlib
import linecache
import logging
import time
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QSplitter

from kisdesk.ui.status_panel import Connection

if TYPE_CHECKING:
    import asyncio

    from kisdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# What the session-bound widgets need, imported one module per loop turn after the first paint, so
# the window keeps repainting between them instead of freezing for the whole import.
DEFERRED_MODULES: Final = (
    "kisdesk.api.client",
    "kisdesk.app.session",
    "kisdesk.ui.messages",
    "kisdesk.ui.order_ticket",
    "kisdesk.ui.pending_panel",
    "kisdesk.ui.reservations_tab",
    "kisdesk.ui.intents_panel",
    "kisdesk.ui.history_panel",
    "kisdesk.ui.session_widgets",
    "kisdesk.simulator.engine",
    # httpcore picks its async backend on the first request and imports anyio's then: a ~30 ms
    # stall in the middle of the first order or refresh (measured by tests/bench/chaos_gui.py).
    "anyio._backends._asyncio",
    "httpcore._backends.anyio",
)
# A window that is never exposed (minimised at start, some window managers) starts anyway.
FIRST_PAINT_TIMEOUT_MS: Final = 1000


class FirstPaint(QObject):
    """Watches a window for its first paint event, then lets go of it."""

    painted = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  (Qt override)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self.seen = True
            self.painted.emit()
        return False


def paint_first(window: MainWindow) -> bool:
    """Run Qt's event loop until `window` has painted (or a second passed); False if it was closed
    meanwhile. For `kisdesk.ui.app`, before the qasync loop exists; `window` is shown already."""
    watcher = window.startup.watcher
    if watcher.seen:
        return window.isVisible()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    loop = QEventLoop()

    def _painted() -> None:
        # Events queued with the paint (a click, a close) go before the loop ends.
        QTimer.singleShot(0, loop.quit)

    watcher.painted.connect(_painted)
    app.lastWindowClosed.connect(loop.quit)
    timeout = QTimer(loop)
    timeout.setSingleShot(True)
    timeout.timeout.connect(loop.quit)
    timeout.start(FIRST_PAINT_TIMEOUT_MS)
    loop.exec()
    timeout.stop()
    watcher.painted.disconnect(_painted)
    app.lastWindowClosed.disconnect(loop.quit)
    return window.isVisible()


class WindowStartup:
    """The start-up form's notice and the session's opening after the first paint.

    `task` is the opening (None until `start()`), `error` the user's wording of why it failed;
    `label` is the notice in the ticket's place, None once the ticket replaced it.
    """

    def __init__(self, window: MainWindow, splitter: QSplitter) -> None:
        self._window = window
        self.task: asyncio.Task[Any] | None = None
        self.error: str | None = None
        self.started_at = time.perf_counter()
        self.label: QLabel | None = QLabel()
        self.label.setProperty("alignment", "AlignCenter")  # by name: see the module docstring
        self.label.setWordWrap(True)
        splitter.addWidget(self.label)
        self.watcher = FirstPaint(window)
        self.watcher.painted.connect(
            lambda: log.info("main window painted, %.0f ms after it was created", self.elapsed_ms())
        )
        window.installEventFilter(self.watcher)

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started_at) * 1000

    def start(self) -> asyncio.Task[Any]:
        """Open the DEMO session once the window has painted (idempotent)."""
        if self.task is None:
            self.task = self._window.spawn(self._run())
        return self.task

    async def _run(self) -> None:
        import asyncio

        window = self._window
        if window.is_ready:
            return
        await self.first_paint()
        await asyncio.sleep(0)  # events queued with the paint (a click, a close) go before the imports
        try:
            for name in DEFERRED_MODULES:
                if window.closing:  # closed while starting: the imports would only delay the exit
                    return
                importlib.import_module(name)
                await asyncio.sleep(0)
            if window.closing:
                return
            from kisdesk.app.session import Session

            session = await Session.open_demo()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the window stays, saying why; the log has the traceback
            log.error("kisdesk could not open the demo environment", exc_info=exc)
            self.show_error(exc)
            return
        try:
            window.install_first_session(session)
        except BaseException:
            await session.close(force=True)
            raise
        # PySide6's import hook (shibokensupport.feature) reads the source of every module imported
        # after it, to look for "PySide6" in it, and linecache keeps all of it: about 10 MB of RSS
        # once the session's modules are in, when installed from a wheel (a bundle has no sources).
        # Nothing reads it again; a traceback reads the lines it needs afresh.
        linecache.clearcache()
        log.info("ticket and grid built, %.0f ms after the window was created", self.elapsed_ms())
        await window.check_connection()

    async def first_paint(self) -> None:
        """Return once the window has painted for the first time (or has not within a second)."""
        import asyncio

        if not self.watcher.seen:
            painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()

            def _on_painted() -> None:
                if not painted.done():
                    painted.set_result(None)

            self.watcher.painted.connect(_on_painted)
            await asyncio.wait([painted], timeout=FIRST_PAINT_TIMEOUT_MS / 1000)

    def drop_label(self) -> None:
        """The ticket took the notice's place: delete the notice."""
        if self.label is not None:
            self.label.deleteLater()
            self.label = None

    def show_error(self, exc: BaseException) -> None:
        self.error = error_text(exc)
        status = self._window.status
        status.set_connection(Connection.ERROR, self.error)
        status.set_last_error(self.error)
        self.retranslate()

    def retranslate(self) -> None:
        # The status bar's own words: the ticket's place says what the status bar says, in large.
        if self.label is None:
            return
        status = self._window.status
        if self.error is None:
            text = status.connection_words(Connection.CONNECTING)
        else:
            text = f"{status.connection_words(Connection.ERROR)}\n{self.error}"
        self.label.setText(text)

    async def cancel(self) -> None:
        """Stop a start-up still under way: nothing opens a session after this."""
        import asyncio

        if self.task is not None and not self.task.done():
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


def error_text(exc: BaseException) -> str:
    """The user's wording for `exc`; plain text if the message table itself cannot load."""
    try:
        from kisdesk.ui.messages import message_for
    except ImportError:  # the failure may be the very import that broke start-up
        return str(exc) or type(exc).__name__
    return message_for(exc)
