"""The one way widgets start coroutines: spawn(), slot() and latest_wins() (style.md B.5).

qasync's `asyncSlot` sends failures to `sys.excepthook` and returns nothing a test can await. These
helpers instead keep a strong reference to every task (the loop itself holds only weak ones, so an
unreferenced task can be garbage-collected mid-flight), report failures to an error sink the caller
chooses, and return the task. The coroutine functions stay ordinary `async def`s that tests await.

Never start a nested Qt loop (`QDialog.exec`, `QTest.qWait`, `qtbot.waitUntil`) inside these
coroutines: pending tasks stall and pytest-asyncio's teardown hangs (stack-notes, Pitfalls #2).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtWidgets import QDialog

T = TypeVar("T")

ErrorSink = Callable[[BaseException], None]

_tasks: set[asyncio.Task[Any]] = set()
_latest: dict[str, asyncio.Task[Any]] = {}


def spawn(coro: Coroutine[Any, Any, Any], on_error: ErrorSink) -> asyncio.Task[Any]:
    """Run `coro` on the running loop; an exception (not a cancellation) goes to `on_error`."""
    task = asyncio.get_running_loop().create_task(coro)
    _tasks.add(task)

    def _done(t: asyncio.Task[Any]) -> None:
        _tasks.discard(t)
        if not t.cancelled() and (exc := t.exception()) is not None:
            on_error(exc)

    task.add_done_callback(_done)
    return task


def slot(fn: Callable[[], Awaitable[None]], on_error: ErrorSink) -> Callable[..., None]:
    """A plain callable for `signal.connect()` that starts `fn()` as a task; signal arguments are dropped."""

    def _run(*_signal_args: object) -> None:
        spawn(_call(fn), on_error)

    return _run


def latest_wins(name: str, coro: Coroutine[Any, Any, Any], on_error: ErrorSink) -> asyncio.Task[Any]:
    """Like spawn(), but first cancel the still-running task started under the same `name`.

    For refreshes fired repeatedly (a timer, a symbol typed letter by letter): a slow, older answer
    must never overwrite a newer one, so only the newest request is allowed to finish.
    """
    previous = _latest.get(name)
    if previous is not None and not previous.done():
        previous.cancel()
    task = spawn(coro, on_error)
    _latest[name] = task

    def _forget(t: asyncio.Task[Any]) -> None:
        if _latest.get(name) is t:
            del _latest[name]

    task.add_done_callback(_forget)
    return task


def pending_tasks() -> frozenset[asyncio.Task[Any]]:
    """Tasks started here that have not finished yet (for shutdown and tests)."""
    return frozenset(_tasks)


async def _call(fn: Callable[[], Awaitable[None]]) -> None:
    await fn()


async def run_dialog(
    dialog: QDialog,
    answer: Callable[[int], T],
    *,
    opened: Callable[[], None] | None = None,
    delete: bool = True,
) -> T:
    """Show `dialog` with open() and await `answer(result)` once it finishes — never a nested loop.

    QDialog.exec() inside a coroutine would stall every other task (stack-notes, Pitfalls #2). If the
    awaiting task is cancelled, the dialog is closed as if cancelled, so no dead question stays open.
    `opened` runs right after the dialog is shown (e.g. to move the focus).
    """
    future: asyncio.Future[T] = asyncio.get_running_loop().create_future()

    def _finished(result: int) -> None:
        if not future.done():
            future.set_result(answer(result))

    dialog.finished.connect(_finished)
    dialog.open()
    if opened is not None:
        opened()
    try:
        return await future
    finally:
        if dialog.isVisible():
            dialog.reject()
        if delete:
            dialog.deleteLater()


def accepted(result: int) -> bool:
    """`run_dialog` answer for a yes/no dialog: True only for Accepted."""
    return result == QDialog.DialogCode.Accepted.value
