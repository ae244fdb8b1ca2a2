"""Start-up: the bundled font, and `python -m kisdesk` opening the main window on the embedded simulator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kisdesk.paths import FONT_FAMILY
from kisdesk.ui.app import load_app_font

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_font(qapp: QApplication) -> Iterator[str | None]:
    previous = QFont(qapp.font())
    yield load_app_font(qapp)
    qapp.setFont(previous)


def test_bundled_font_becomes_the_app_font(qapp: QApplication, app_font: str | None) -> None:
    assert app_font == FONT_FAMILY
    assert qapp.font().family() == FONT_FAMILY


def _app_env(home: Path) -> dict[str, str]:
    # QSettings and logs go to a throw-away home, never the developer's own config.
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home), "XDG_CONFIG_HOME": str(home)}


def test_module_entry_point_paints_then_opens_the_demo_session(tmp_path: Path) -> None:
    """`python -m kisdesk`: the window paints, then the DEMO session opens and the ticket takes
    orders; Ctrl+C then closes it cleanly. Paced by the app's own log lines, not by a clock."""
    # --quit-after only bounds a hung start; the test ends the app itself once the ticket is open.
    process = subprocess.Popen(
        [sys.executable, "-m", "kisdesk", "--quit-after", "120"],
        cwd=REPO_ROOT,
        env=_app_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: list[str] = []
    rest = ""
    try:
        for line in process.stderr:
            lines.append(line)
            if "ticket open for orders" in line or "Traceback" in line:
                break
        # The window refuses the first close while a request is in flight, as a click would be.
        for _ in range(10):
            process.send_signal(signal.SIGINT)
            try:
                _, rest = process.communicate(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    log = "".join(lines) + rest
    assert process.returncode == 0, log
    assert "Traceback" not in log
    painted = log.index("main window painted")
    assert painted < log.index("demo simulator listening on http://127.0.0.1:")
    assert painted < log.index("ticket open for orders")


def test_quit_at_once_closes_cleanly_while_starting(tmp_path: Path) -> None:
    # --quit-after 0 closes the window on the loop turn after its first paint: before its session,
    # its event loop or its log file were opened. The records logged so far still reach the file.
    result = subprocess.run(
        [sys.executable, "-m", "kisdesk", "--quit-after", "0", "--log-dir", str(tmp_path / "logs")],
        cwd=REPO_ROOT,
        env=_app_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    log = (tmp_path / "logs" / "kisdesk.log").read_text(encoding="utf-8")
    assert log.index("main window painted") < log.index("main window closed before its session started")
