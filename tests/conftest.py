"""Session-wide test setup: headless Qt, a test-only keyring, and the `qloop` fixture for UI tests.

The environment variables are set at import time, before any test module imports Qt or keyring:
Qt picks its platform plugin when the first QApplication is built (pytest-qt builds it lazily), and
keyring picks its backend on first use.

Async tests and event loops:

* Tests under tests/api, tests/app, tests/simulator and tests/unit are plain `async def` tests;
  pytest-asyncio (asyncio_mode = "auto") runs each on an ordinary asyncio loop. There is
  deliberately no `pytest_asyncio_loop_factories` hook here: it would put every async test of the
  suite on a qasync loop, and those layers have no Qt in them.
* UI tests are synchronous and drive a qasync loop explicitly (style.md B.7, pattern A)::

      def test_submit_shows_result(qtbot, qloop):
          w = SomeWidget(fake_service)
          qtbot.addWidget(w)
          qloop.run_until_complete(w.submit())        # or a small `async def scenario()`
          assert w.status_label.text() == "..."

  Inside the coroutine use `await` (asyncio.sleep, asyncio.wait_for), never qtbot.wait*,
  QTest.qWait or QDialog.exec: a nested Qt loop inside a coroutine stalls the tasks and can hang
  the run forever, past pytest-timeout (stack-notes, Pitfalls #2). tests/check.sh wraps pytest in
  `timeout -s KILL` for that reason.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Forced, not defaulted: tests must never reach a developer's real keychain, and keyrings.alt's
# chain would prompt for a master password on a closed stdin (stack-notes §5).
os.environ["PYTHON_KEYRING_BACKEND"] = "memkeyring.MemoryKeyring"

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))  # keyring imports memkeyring by module name

import asyncio  # noqa: E402  (after the environment is set, on purpose)
import gc  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

import pytest  # noqa: E402

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop on pytest-qt's QApplication, current for this test only, closed afterwards."""
    import qasync  # imported here so tests without Qt never load it

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        loop.close()
        asyncio.set_event_loop(None)


@pytest.fixture(autouse=True)
def _gc_on_main_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """In tests that touch Qt, collect only on the main thread (kisdesk/ui/gc_guard.py explains).

    A collection in a simulator or qasync worker thread would destroy leftover Qt objects off the GUI
    thread and crash the run. Tests without Qt keep automatic collection: their garbage holds no Qt
    objects, because every Qt test ends with a full collection on the main thread.
    """
    if "qapp" not in request.fixturenames:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()
