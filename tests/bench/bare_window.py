"""The P5 baseline: a bare PySide6 window, bundled the same way as kisdesk (one folder, PyInstaller).

    python tests/bench/bare_window.py [--quit-after SECONDS]

It does what kisdesk's start-up does minus kisdesk: QApplication, one QMainWindow with a label,
show, run the event loop, quit after `--quit-after` seconds (0: after the first loop turn).
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtCore import QTimer  # noqa: TID251  (a Qt-only baseline)
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow  # noqa: TID251


def main() -> int:
    parser = argparse.ArgumentParser(prog="bare_window")
    parser.add_argument("--quit-after", type=float, default=None)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.setCentralWidget(QLabel("bare PySide6 window"))
    window.resize(1200, 800)
    window.show()
    if args.quit_after is not None:
        QTimer.singleShot(int(args.quit_after * 1000), window.close)
    code = app.exec()
    del window
    return code


if __name__ == "__main__":
    sys.exit(main())
