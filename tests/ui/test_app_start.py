"""Start-up: the bundled font, and `python -m kisdesk` opening the main window on the embedded simulator."""

from __future__ import annotations

import os
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


def test_module_entry_point_starts_and_quits(tmp_path: Path) -> None:
    # QSettings and logs go to a throw-away home, never the developer's own config.
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "kisdesk", "--quit-after", "0.5"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "demo simulator listening on http://127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr
