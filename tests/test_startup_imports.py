"""What the first paint may import (issue 5, P5): the modules on the way to the first window stay free
of the client side (httpx, pydantic), the keychain and the simulator, which load after the paint.

Each check runs in a fresh interpreter: this test process has long imported all of them.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

# Loaded by the client, the keychain store or the simulator: none of them is needed to paint.
AFTER_FIRST_PAINT = (
    "httpx",
    "httpcore",
    "pydantic",
    "pydantic_core",
    "keyring",
    "kisdesk.api.client",
    "kisdesk.api.models",
    "kisdesk.app.session",
    "kisdesk.domain",
    "kisdesk.simulator",
)


def _loaded_after(statement: str, names: tuple[str, ...] = AFTER_FIRST_PAINT) -> list[str]:
    """Which of `names` `statement` loads in a fresh interpreter."""
    code = (
        "import json, sys\n"
        f"{statement}\n"
        f"names = {names!r}\n"
        "print(json.dumps(sorted(n for n in names if n in sys.modules)))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "statement",
    [
        # The command line: argument parsing and logging set-up, before Qt.
        "import kisdesk.__main__",
        # The wire enums and credentials the banner shows: the package itself must not pull the client.
        "import kisdesk.api.enums, kisdesk.api.credentials",
        # Everything kisdesk.ui.app runs before and up to window.show().
        "import kisdesk.ui.app, kisdesk.ui.main_window",
    ],
)
def test_first_paint_modules_leave_the_client_side_unloaded(statement: str) -> None:
    assert _loaded_after(statement) == []


def test_the_command_line_parses_without_qt_or_the_log_files() -> None:
    # `kisdesk --help` and `--version` answer before any of this is needed.
    statement = "import kisdesk.__main__ as m\nm.build_parser().parse_args(['--quit-after', '0'])"
    assert _loaded_after(statement, ("PySide6", "qasync", "kisdesk.app.logs", *AFTER_FIRST_PAINT)) == []


def test_the_starting_window_itself_loads_nothing_of_the_client_side() -> None:
    # Built and shown without a loop turn: start() is not called, so this is exactly the first paint.
    statement = (
        "from PySide6.QtCore import QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import tempfile\n"
        "from kisdesk.ui.main_window import MainWindow\n"
        "app = QApplication([])\n"
        "ini = tempfile.mkdtemp() + '/k.ini'\n"
        "window = MainWindow(None, QSettings(ini, QSettings.Format.IniFormat))\n"
        "window.show()\n"
        "app.processEvents()\n"
        "assert not window.is_ready\n"
    )
    assert _loaded_after(statement) == []


# Also kept off the first paint by kisdesk.ui.app: the event loop (asyncio, qasync: their import is
# ~25 ms) and the log file's own imports, which load right after the paint.
ALSO_AFTER_FIRST_PAINT = (
    "asyncio",
    "qasync",
    "kisdesk.ui.async_bridge",
    "logging.handlers",
    "platformdirs",
    "_hashlib",  # loads libcrypto (4.7 MB): only the token store needs a hash
)


def test_the_app_paints_before_its_event_loop_log_file_and_qt_namespace(tmp_path: Path) -> None:
    # What kisdesk.ui.app runs up to the first paint, in order. PySide6 builds the ~90 enum classes
    # of its `Qt` namespace the first time anything touches it (~17 ms): none may before the paint.
    statement = (
        "import enum\n"
        "created = []\n"
        "_create = enum.EnumType._create_\n"
        "def _spy(cls, name, *args, **kwargs):\n"
        "    created.append(name)\n"
        "    return _create(cls, name, *args, **kwargs)\n"
        "enum.EnumType._create_ = _spy\n"
        "import kisdesk.__main__\n"
        "from kisdesk.app.logs import start_logging\n"
        f"start_logging('INFO', {str(tmp_path / 'logs')!r})\n"
        "from PySide6.QtCore import QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from kisdesk.ui.app import load_app_font\n"
        "app = QApplication([])\n"
        "load_app_font(app)\n"
        "from kisdesk.ui.main_window import show_starting_window\n"
        "from kisdesk.ui.startup import paint_first\n"
        f"window = show_starting_window(QSettings({str(tmp_path / 'k.ini')!r}, QSettings.Format.IniFormat))\n"
        "assert paint_first(window)\n"
        "assert window.startup.watcher.seen\n"
        "qt_namespace = {'AlignmentFlag', 'WidgetAttribute', 'Orientation', 'Key'} & set(created)\n"
        "assert not qt_namespace, qt_namespace\n"
    )
    assert _loaded_after(statement, (*AFTER_FIRST_PAINT, *ALSO_AFTER_FIRST_PAINT)) == []
    assert not (tmp_path / "logs").exists()  # the log file opens after the paint


def test_the_package_root_of_the_api_reexports_nothing() -> None:
    # A name added back to kisdesk/api/__init__.py would make every `kisdesk.api.*` import pay for it.
    tree = ast.parse((REPO_ROOT / "kisdesk" / "api" / "__init__.py").read_text(encoding="utf-8"))
    statements = [node for node in tree.body if not isinstance(node, ast.Expr)]  # the docstring
    assert statements == []
