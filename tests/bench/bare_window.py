"""The P5 baseline: a bare PySide6 window, bundled the same way as kisdesk (one folder, PyInstaller).

    python tests/bench/bare_window.py [--quit-after SECONDS]

It does what kisdesk's start-up does minus kisdesk: QApplication, one QMainWindow with a label,
show, run the event loop. As in kisdesk, `--quit-after` counts from the window's first paint (0: close
on the loop turn after it), and the first paint writes a line to stderr (PAINTED_LINE; kisdesk logs
"main window painted" there), so P5 times both launch to first paint, and launch to exit, alike.
Closing on the first loop turn instead, as this baseline once did, exits before Qt has painted.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: TID251  (a Qt-only baseline)
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow  # noqa: TID251

PAINTED_LINE = "bare window painted"


class FirstPaint(QObject):
    def __init__(self, quit_after: float | None) -> None:
        super().__init__()
        self._quit_after = quit_after

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802  (Qt override)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            sys.stderr.write(PAINTED_LINE + "\n")
            sys.stderr.flush()
            if self._quit_after is not None and isinstance(watched, QMainWindow):
                QTimer.singleShot(int(self._quit_after * 1000), watched.close)
        return False


def main() -> int:
    parser = argparse.ArgumentParser(prog="bare_window")
    parser.add_argument("--quit-after", type=float, default=None)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.setCentralWidget(QLabel("bare PySide6 window"))
    window.resize(1200, 800)
    watcher = FirstPaint(args.quit_after)
    window.installEventFilter(watcher)
    window.show()
    code = app.exec()
    del window
    return code


if __name__ == "__main__":
    sys.exit(main())
